"""Sending the outbox, each row once (DESIGN.md rule 7).

A worker claims a row with a conditional UPDATE (pending and ready -> sending); only the worker
whose UPDATE changed the row sends it, then marks it sent. A row left in "sending" by a worker
that died is put back by `notifications_requeue_stuck` after `STUCK_AFTER`. The only window in
which a message can go twice is between Telegram's answer and the mark, a few milliseconds; a
worker killed while waiting for Telegram's answer leaves a message Telegram never completed.

Telegram's limits (30 messages a second overall, 1 a second per chat) are held with counters in
the shared cache (Redis in production), so every worker process counts together.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from outcomes.models import (
    Notification,
    NotificationChannel,
    NotificationStatus,
    Role,
    TelegramLink,
)
from outcomes.rules.reminders import after_quiet_hours, in_quiet_hours

from . import transports
from .telegram_links import telegram_link_blocked
from .telegram_prompts import telegram_prompt_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STUCK_AFTER = dt.timedelta(minutes=10)
PER_CHAT_SECONDS = 1  # Telegram: no more than one message a second to one chat


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "retry", "failed", "cancelled", "skipped"
    retry_in: float | None = None
    detail: str = ""
    follow_up: tuple[int, ...] = ()  # rows written meanwhile (an email instead), to send now


def backoff(attempts: int) -> float:
    """Seconds before the next try: 2, 4, 8 ... capped at 10 minutes."""
    return float(min(2 ** attempts, 600))


def notification_claim(*, notification_id: int, now: dt.datetime | None = None) -> Notification | None:
    """Take the row for this worker, or None when another has it, it is done, or not ready."""
    moment = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.PENDING, not_before__lte=moment
    ).update(status=NotificationStatus.SENDING, claimed_at=moment, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Notification.objects.select_related("recipient", "young_person").get(pk=notification_id)


def _finish(row: Notification, status: str, **fields) -> None:
    Notification.objects.filter(pk=row.pk, status=NotificationStatus.SENDING).update(
        status=status, **fields)


def _release(row: Notification, *, seconds: float, error: str) -> Outcome:
    """Back to pending, to be tried again in `seconds` (or failed after MAX_ATTEMPTS)."""
    if row.attempts >= MAX_ATTEMPTS:
        _finish(row, NotificationStatus.FAILED, last_error=f"Gave up after {row.attempts} "
                                                           f"attempts. {error}"[:500])
        return Outcome("failed", detail=error)
    not_before = timezone.now() + dt.timedelta(seconds=seconds)
    _finish(row, NotificationStatus.PENDING, not_before=not_before, last_error=error[:500])
    return Outcome("retry", retry_in=seconds, detail=error)


def _counter(key: str) -> int:
    """Add one to a short-lived counter in the shared cache and return it."""
    cache.add(key, 0, timeout=5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=5)
        return 1


def _rate_wait(chat_id: int) -> float:
    """0 when a message may go to `chat_id` now; otherwise the seconds to wait.

    Over the overall limit, the n-th message turned away in a second waits n / limit seconds
    more than the one before it, so a backlog drains at the limit instead of every message
    trying again together each second.
    """
    if not cache.add(f"telegram:chat:{chat_id}", 1, timeout=PER_CHAT_SECONDS):
        return float(PER_CHAT_SECONDS)
    now = time.time()
    second = int(now)
    limit = settings.TELEGRAM_MAX_PER_SECOND
    if _counter(f"telegram:second:{second}") <= limit:
        return 0.0
    cache.delete(f"telegram:chat:{chat_id}")
    turned_away = _counter(f"telegram:deferred:{second}")
    return (second + 1 - now) + turned_away / limit


def _active_link(row: Notification) -> TelegramLink | None:
    return TelegramLink.objects.filter(user_id=row.recipient_id, active=True).first()


def _email_instead(row: Notification, reason: str) -> tuple[int, ...]:
    """The Telegram message could not go: send the same by email, once, where there is an
    address (staff always have one; a young person may). Returns the new row's id, if any."""
    if not row.recipient.email:
        return ()
    email, created = Notification.objects.get_or_create(
        young_person_id=row.young_person_id, event_key=row.event_key, due_on=row.due_on,
        recipient_id=row.recipient_id, channel=NotificationChannel.EMAIL, lead=row.lead,
        defaults={"kind": row.kind, "subject": row.subject, "body": row.body,
                  "not_before": timezone.now(), "fallback_for": row,
                  "last_error": f"Instead of Telegram: {reason}"[:500]},
    )
    return (email.pk,) if created else ()


def notification_deliver(*, notification_id: int) -> Outcome:
    """Claim, send and mark one outbox row."""
    row = notification_claim(notification_id=notification_id)
    if row is None:
        return Outcome("skipped")
    if row.channel == NotificationChannel.EMAIL:
        # A row goes to a user, or to an address that is not a user's (the duty team).
        to = row.recipient.email if row.recipient_id else row.address
        return _send(row, lambda: transports.email_send(to=to, subject=row.subject, body=row.body))
    link = _active_link(row)
    if link is None or link.paused_at is not None:
        reason = "paused with /stop" if link else "no Telegram account is linked"
        _finish(row, NotificationStatus.CANCELLED, last_error=f"Not sent: {reason}.")
        follow_up = ()
        if link is None and row.recipient.role != Role.YOUNG_PERSON:
            follow_up = _email_instead(row, reason)
        return Outcome("cancelled", detail=reason, follow_up=follow_up)
    if row.recipient.role == Role.YOUNG_PERSON and in_quiet_hours(timezone.now()):
        wait = (after_quiet_hours(timezone.now()) - timezone.now()).total_seconds()
        _finish(row, NotificationStatus.PENDING, not_before=after_quiet_hours(timezone.now()),
                attempts=F("attempts") - 1)
        return Outcome("retry", retry_in=wait, detail="quiet hours")
    wait = _rate_wait(link.chat_id)
    if wait:
        _finish(row, NotificationStatus.PENDING, attempts=F("attempts") - 1,
                not_before=timezone.now() + dt.timedelta(seconds=wait))
        return Outcome("retry", retry_in=wait, detail="rate limit")
    # A message the bot answers (the birthday check-in) carries the bot's buttons; it makes no
    # sense as an email, so none is written instead when the bot is blocked.
    # A row may carry its own buttons (a safeguarding alert's "Acknowledge"): those are for
    # staff who can act on them by email as well, so the email goes instead when blocked.
    prompt = None if row.buttons else telegram_prompt_for(row.event_kind)
    buttons = row.buttons or (prompt.buttons() if prompt is not None else ())
    return _send(row, lambda: transports.telegram_send(chat_id=link.chat_id, text=row.body,
                                                       buttons=buttons),
                 link=link, email_instead=prompt is None)


def _send(row: Notification, send, link: TelegramLink | None = None, *,
          email_instead: bool = True) -> Outcome:
    try:
        send()
    except transports.TryLater as error:
        seconds = error.retry_after if error.retry_after is not None else backoff(row.attempts)
        return _release(row, seconds=seconds, error=str(error))
    except transports.Blocked as error:
        with transaction.atomic():
            telegram_link_blocked(link_id=link.pk)
            _finish(row, NotificationStatus.FAILED, last_error=f"Blocked: {error}"[:500])
            follow_up = _email_instead(row, "the bot was blocked") if email_instead else ()
        return Outcome("failed", detail="blocked", follow_up=follow_up)
    except transports.Undeliverable as error:
        _finish(row, NotificationStatus.FAILED, last_error=str(error)[:500])
        return Outcome("failed", detail=str(error))
    _finish(row, NotificationStatus.SENT, sent_at=timezone.now(), last_error="")
    return Outcome("sent")


def notifications_ready(*, limit: int = 5000, waited: dt.timedelta = dt.timedelta(0),
                        now: dt.datetime | None = None) -> list[int]:
    """Ids of rows waiting to be sent whose time came at least `waited` ago, oldest first. The
    dispatcher asks for rows that have waited a minute: those are the ones no task holds (a
    task that meets a limit moves the row's time on and enqueues itself again)."""
    moment = now or timezone.now()
    return list(Notification.objects.filter(
        status=NotificationStatus.PENDING, not_before__lte=moment - waited
    ).order_by("not_before", "pk").values_list("pk", flat=True)[:limit])


def notifications_requeue_stuck(*, older_than: dt.timedelta = STUCK_AFTER,
                                now: dt.datetime | None = None) -> list[int]:
    """Put back rows claimed by a worker that never finished (killed, lost): ids of those put
    back, for the caller to enqueue."""
    moment = now or timezone.now()
    stuck = Notification.objects.filter(
        Q(claimed_at__lt=moment - older_than) | Q(claimed_at__isnull=True),
        status=NotificationStatus.SENDING,
    )
    with transaction.atomic():
        ids = list(stuck.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.PENDING, not_before=moment)
    return ids
