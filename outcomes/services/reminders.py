"""The daily sweep: work out every young person's schedule, keep the open items in
`ScheduleEntry`, and write the reminders that have fallen due to the outbox.

Writing is idempotent: each reminder has a unique key (event, due date, recipient, channel, lead),
so a second sweep on the same day writes nothing new. Young people are read in batches by id;
each batch costs the same number of queries however many young people it holds. One young
person whose history cannot be scheduled is logged (by id only) and skipped, never stops the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from outcomes.models import (
    Allocation,
    Notification,
    NotificationChannel,
    NotificationKind,
    Role,
    ScheduleEntry,
    TelegramLink,
    User,
    YoungPerson,
)
from outcomes.rules import reminders as timing
from outcomes.rules import schedule as rules
from outcomes.rules.schedule import Item, Policy, State
from outcomes.selectors.schedule import current_policy, histories_for, with_a_schedule

from .reminder_texts import staff_message, young_person_message

log = logging.getLogger(__name__)

OPEN_STATES = frozenset({State.UPCOMING, State.DUE, State.OVERDUE})
# Kept as entries (shown apart, in the lists of work), but never reminded of nor escalated.
STORED_STATES = OPEN_STATES | {State.NEEDS_DATA, State.NOT_RECORDED}


@dataclass
class SweepResult:
    young_people: int = 0
    open_items: int = 0
    notifications_written: int = 0
    batches: int = 0
    failed: list[int] = field(default_factory=list)  # young people whose schedule failed


@dataclass
class _Batch:
    """What a batch needs to address its reminders, read in a fixed number of queries."""

    workers: dict[tuple[int, str], User]  # (young person id, allocation role) -> worker
    accounts: dict[int, User]  # young person id -> their own account
    links: dict[int, TelegramLink]  # user id -> active, unpaused link


def schedule_refresh(*, young_people: Iterable[YoungPerson], on: dt.date | None = None,
                     policy: Policy | None = None) -> dict[int, list[Item]]:
    """Recompute the schedule of `young_people` and store their open items. Returns the items."""
    day = on or timezone.localdate()
    policy = policy or current_policy(on=day)
    people = list(young_people)
    schedules, _ = _schedules(people, day, policy)
    _store_entries(people, schedules, day)
    return schedules


def schedule_refresh_all(*, on: dt.date | None = None, batch_size: int = 1000) -> int:
    """Recompute every schedule and store the open items (after an import or a demo seed), in
    batches. Writes no reminders. Returns how many young people were scheduled."""
    day = on or timezone.localdate()
    done, last_id = 0, 0
    while True:
        people = list(with_a_schedule(on=day).filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not people:
            return done
        last_id = people[-1].pk
        schedule_refresh(young_people=people, on=day)
        done += len(people)


def reminders_sweep(*, on: dt.date | None = None, now: dt.datetime | None = None,
                    batch_size: int = 1000, policy: Policy | None = None) -> SweepResult:
    """Sweep every young person with a schedule; write what is due to the outbox."""
    day = on or timezone.localdate()
    started = timezone.now()
    moment = now or started
    policy = policy or current_policy(on=day)
    result = SweepResult()
    managers = _managers_by_team()
    last_id = 0
    people_with_a_schedule = with_a_schedule(on=day)
    while True:
        people = list(people_with_a_schedule.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not people:
            break
        last_id = people[-1].pk
        with transaction.atomic():
            schedules, failed = _schedules(people, day, policy)
            _store_entries(people, schedules, day)
            rows = _notifications(people, schedules, day=day, now=moment, policy=policy,
                                  managers=managers)
            Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        result.batches += 1
        result.young_people += len(people)
        result.open_items += sum(len(items) for items in schedules.values())
        result.failed += failed
    # ignore_conflicts hides which rows were new: count what this sweep wrote.
    result.notifications_written = Notification.objects.filter(created_at__gte=started).count()
    return result


def _schedules(people: list[YoungPerson], day: dt.date, policy: Policy
               ) -> tuple[dict[int, list[Item]], list[int]]:
    histories = histories_for(young_people=people, on=day)
    schedules: dict[int, list[Item]] = {}
    failed = []
    for pk, history in histories.items():
        try:
            schedules[pk] = [item for item in rules.schedule(history, today=day, policy=policy)
                             if item.state in STORED_STATES]
        except Exception:  # one bad record never stops the sweep for the others
            log.exception("Schedule failed for young person id %s", pk)
            failed.append(pk)
    return schedules, failed


def _store_entries(people: list[YoungPerson], schedules: dict[int, list[Item]],
                   day: dt.date) -> None:
    ids = [p.pk for p in people if p.pk in schedules]
    with transaction.atomic():
        ScheduleEntry.objects.filter(young_person_id__in=ids).delete()
        ScheduleEntry.objects.bulk_create(
            [ScheduleEntry(young_person_id=pk, key=item.key, kind=item.kind, title=item.title,
                           due_on=item.due_on, needs_data=item.state == State.NEEDS_DATA,
                           responsible=item.responsible, refreshed_on=day)
             for pk in ids for item in schedules[pk]],
            batch_size=1000,
        )


def _managers_by_team() -> dict[int, list[User]]:
    managers: dict[int, list[User]] = defaultdict(list)
    for manager in User.objects.filter(role=Role.TEAM_MANAGER, is_active=True,
                                       team__isnull=False).order_by("pk"):
        managers[manager.team_id].append(manager)
    return managers


def _batch_facts(people: list[YoungPerson], day: dt.date,
                 managers: dict[int, list[User]]) -> _Batch:
    ids = [p.pk for p in people]
    workers = {
        (a.young_person_id, a.role): a.worker
        for a in Allocation.objects.current(day).filter(
            young_person_id__in=ids, worker__is_active=True).select_related("worker")
    }
    accounts = {u.young_person_id: u for u in User.objects.filter(
        young_person_id__in=ids, is_active=True)}
    users = {u.pk for u in workers.values()} | {u.pk for u in accounts.values()} | {
        m.pk for team in managers.values() for m in team}
    links = {link.user_id: link for link in TelegramLink.objects.filter(
        user_id__in=users, active=True, paused_at__isnull=True)}
    return _Batch(workers=workers, accounts=accounts, links=links)


def _notifications(people: list[YoungPerson], schedules: dict[int, list[Item]], *,
                   day: dt.date, now: dt.datetime, policy: Policy,
                   managers: dict[int, list[User]]) -> list[Notification]:
    facts = _batch_facts(people, day, managers)
    rows: list[Notification] = []
    for person in people:
        for item in schedules.get(person.pk, ()):
            if item.state not in OPEN_STATES or item.due_on is None:
                continue
            for lead in timing.reminder_leads(due_on=item.due_on, today=day, policy=policy):
                rows += _addressed(person, item, lead, facts=facts, day=day, now=now,
                                   managers=managers.get(person.team_id, []))
    return rows


def _addressed(person: YoungPerson, item: Item, lead: str, *, facts: _Batch, day: dt.date,
               now: dt.datetime, managers: list[User]) -> list[Notification]:
    def row(recipient: User, channel: str, kind: str, subject: str, body: str,
            not_before: dt.datetime = now) -> Notification:
        return Notification(
            young_person=person, event_key=item.key, event_kind=item.kind, due_on=item.due_on,
            recipient=recipient, channel=channel, lead=lead, kind=kind, subject=subject,
            body=body, not_before=not_before,
        )

    def to_staff(recipient: User, kind: str, unallocated: bool = False) -> list[Notification]:
        subject, body = staff_message(item=item, young_person=person, lead=lead,
                                      unallocated=unallocated, today=day)
        out = []
        if recipient.email:
            out.append(row(recipient, NotificationChannel.EMAIL, kind, subject, body))
        if recipient.pk in facts.links:
            out.append(row(recipient, NotificationChannel.TELEGRAM, kind, subject,
                           f"{subject}\n\n{body}"))
        return out

    if lead == timing.ESCALATION:
        return [r for manager in managers for r in to_staff(manager, NotificationKind.ESCALATION)]
    kind = NotificationKind.OVERDUE if lead == timing.OVERDUE else NotificationKind.REMINDER
    worker = facts.workers.get((person.pk, item.responsible))
    rows = (to_staff(worker, kind) if worker
            else [r for m in managers for r in to_staff(m, kind, unallocated=True)])
    account = facts.accounts.get(person.pk)
    if (item.for_young_person and lead != timing.OVERDUE and account is not None
            and account.pk in facts.links):
        rows.append(row(account, NotificationChannel.TELEGRAM, NotificationKind.REMINDER,
                        item.title, young_person_message(item=item, young_person=person, lead=lead),
                        not_before=timing.after_quiet_hours(now)))
    return rows


def rescheduled(record):
    """Refresh the schedule entries of `record`'s young person inside the write's transaction,
    so lists asking "what is overdue?" see the write at once. Returns `record`."""
    schedule_refresh(young_people=[record.young_person])
    return record
