"""The bot's birthday check-in: once a day, each care leaver whose check-in is due is asked,
once, through the outbox (the beat entry is made by `manage.py setup_schedules`, 10:00
Europe/London: after the morning sweep has refreshed the schedules, and out of quiet hours).

Thin: the service decides who and writes the rows; this enqueues their delivery.
"""

from __future__ import annotations

from celery import shared_task

from outcomes.services import care_leavers

from .reminders import deliver


@shared_task(name="tasks.check_ins.ask")
def ask() -> dict:
    """Write today's birthday check-ins to the outbox, and send each row written now."""
    result = care_leavers.care_leaver_check_ins_write()
    for notification_id in result.written:
        deliver.delay(notification_id)
    return {"due": result.due, "written": len(result.written)}
