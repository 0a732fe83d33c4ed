"""Safeguarding alerts (issue 12): every minute, the round of escalation now due for each open
alert (the beat entry is made by `manage.py setup_schedules`).

Thin: the service decides who is told and writes the rows, each once under its unique key; this
enqueues their delivery. A row written but not enqueued (the worker died in between) is sent by
the outbox dispatcher a minute later.
"""

from __future__ import annotations

from celery import shared_task

from outcomes.services import safeguarding

from .reminders import deliver


@shared_task(name="tasks.safeguarding.escalate")
def escalate() -> dict:
    """Write the rounds now due, and send each row written now."""
    written = safeguarding.safeguarding_alerts_escalate()
    for notification_id in written:
        deliver.delay(notification_id)
    return {"written": len(written)}
