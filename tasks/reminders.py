"""Reminders: the daily sweep, the minute-by-minute dispatcher, and delivery of one outbox row.

Thin: each task calls a service in `outcomes.services` and enqueues what it says to. The beat
entries are made by `manage.py setup_schedules` (07:00 Europe/London for the sweep, every
minute for the dispatcher) and can be edited in the admin afterwards.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task

from outcomes.services import delivery, reminders

log = logging.getLogger(__name__)

# A ready row still pending this long after its time has no task holding it (the worker that
# had it died, or it was held overnight): the dispatcher enqueues it.
ORPHANED_AFTER = dt.timedelta(minutes=1)
# A longer wait (a young person's message held overnight) is left to the dispatcher: a countdown
# that long would outlive the broker's visibility timeout and come back twice.
LONGEST_COUNTDOWN = 5 * 60


def _enqueue(ids: list[int]) -> None:
    for notification_id in ids:
        deliver.delay(notification_id)


@shared_task(name="tasks.reminders.sweep")
def sweep() -> dict:
    """Write every reminder that has fallen due today, then send what is ready."""
    result = reminders.reminders_sweep()
    if result.failed:
        log.warning("Sweep: %d young people could not be scheduled (ids %s)",
                    len(result.failed), result.failed[:20])
    _enqueue(delivery.notifications_ready())
    return {"young_people": result.young_people, "open_items": result.open_items,
            "written": result.notifications_written, "failed": len(result.failed)}


@shared_task(name="tasks.reminders.dispatch")
def dispatch() -> dict:
    """Put back rows a lost worker left half-sent, and enqueue rows whose time came a minute ago
    and that no task holds (a young person's message held overnight, a lost retry). A duplicate
    task for a row is harmless: only one claims it."""
    requeued = delivery.notifications_requeue_stuck()
    put_back = set(requeued)
    ready = [pk for pk in delivery.notifications_ready(waited=ORPHANED_AFTER)
             if pk not in put_back]
    _enqueue(requeued + ready)
    return {"requeued": len(requeued), "enqueued": len(requeued) + len(ready)}


@shared_task(name="tasks.reminders.deliver")
def deliver(notification_id: int) -> str:
    """Send one outbox row. A retry is enqueued with its countdown (backoff or retry_after), and
    an email written instead of a blocked Telegram message is enqueued at once."""
    outcome = delivery.notification_deliver(notification_id=notification_id)
    if outcome.status == "retry" and outcome.retry_in <= LONGEST_COUNTDOWN:
        deliver.apply_async((notification_id,), countdown=outcome.retry_in)
    _enqueue(list(outcome.follow_up))
    return outcome.status
