"""Alerts to a young person's workers that cannot wait for the daily sweep: written to the outbox
and enqueued for delivery at once, after the write commits (DESIGN.md rule 7).

What the young person wrote never goes into an alert: an email leaves the system, and the words
may be special-category data. The alert says who, that it is urgent and what to do.
"""

from __future__ import annotations

import datetime as dt

from celery import current_app
from django.db import transaction
from django.utils import timezone

from outcomes.models import (
    Allocation,
    Notification,
    NotificationChannel,
    NotificationKind,
    Role,
    TelegramLink,
    User,
    YoungPerson,
)
from outcomes.selectors.allocations import KEY_ROLES

CRISIS_EVENT_KIND = "crisis"
CRISIS_LEAD = "now"
DELIVER_TASK = "tasks.reminders.deliver"  # outcomes does not import tasks: enqueued by name


def _who(young_person: YoungPerson) -> str:
    first = young_person.known_as
    return f"{first} ({young_person.child_id})"


def crisis_alert_message(*, young_person: YoungPerson, at: dt.datetime) -> tuple[str, str]:
    """Subject and body of the alert: first name and child id only, never the words used."""
    who = _who(young_person)
    when = timezone.localtime(at)
    subject = f"Urgent: contact {who} today"
    body = "\n".join([
        f"At {when:%H:%M} on {when:%d/%m/%Y}, {who} used words in a message to the Waymark bot "
        "that may mean they are at risk.",
        "",
        "Please contact them today. If you cannot reach them, follow your safeguarding "
        "procedure and tell the duty team.",
        "",
        "The bot gave them the urgent help numbers (999, NHS 111, Samaritans, Shout, Childline) "
        "and told them you would be told. Their message is not in this email: open Waymark for "
        "their contact details.",
    ])
    return subject, body


def _recipients(young_person: YoungPerson, day: dt.date) -> list[User]:
    """Their personal adviser, else their social worker, else their team's managers."""
    workers = {a.role: a.worker for a in Allocation.objects.current(day).filter(
        young_person=young_person, role__in=KEY_ROLES, worker__is_active=True,
    ).select_related("worker")}
    for role in KEY_ROLES:
        if role in workers:
            return [workers[role]]
    if young_person.team_id is None:
        return []
    return list(User.objects.filter(role=Role.TEAM_MANAGER, team_id=young_person.team_id,
                                    is_active=True).order_by("pk"))


def crisis_alert_raise(*, young_person: YoungPerson, now: dt.datetime | None = None,
                       ) -> list[Notification]:
    """Tell the young person's key worker at once, by email and by Telegram where they are
    linked, that the young person used crisis words. At most one alert a minute per young person
    (a burst of messages is one alert). Returns the alert's rows: empty when nobody could be
    told."""
    moment = now or timezone.now()
    day = timezone.localdate(moment)
    subject, body = crisis_alert_message(young_person=young_person, at=moment)
    event_key = f"{CRISIS_EVENT_KIND}:{timezone.localtime(moment):%Y%m%dT%H%M}"
    with transaction.atomic():
        recipients = _recipients(young_person, day)
        linked = set(TelegramLink.objects.filter(
            user__in=recipients, active=True).values_list("user_id", flat=True))
        rows, created_ids = [], []
        for recipient in recipients:
            channels = [NotificationChannel.EMAIL] if recipient.email else []
            if recipient.pk in linked:
                channels.append(NotificationChannel.TELEGRAM)
            for channel in channels:
                text = body if channel == NotificationChannel.EMAIL else f"{subject}\n\n{body}"
                row, created = Notification.objects.get_or_create(
                    young_person=young_person, event_key=event_key, due_on=day,
                    recipient=recipient, channel=channel, lead=CRISIS_LEAD,
                    defaults={"event_kind": CRISIS_EVENT_KIND, "kind": NotificationKind.ALERT,
                              "subject": subject, "body": text, "not_before": moment},
                )
                rows.append(row)
                if created:
                    created_ids.append(row.pk)
        transaction.on_commit(lambda: _enqueue(created_ids))
    return rows


def _enqueue(ids: list[int]) -> None:
    for notification_id in ids:
        current_app.send_task(DELIVER_TASK, args=[notification_id])
