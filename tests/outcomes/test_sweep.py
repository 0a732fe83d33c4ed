"""The daily sweep (outcomes/services/reminders.py): who hears about what, once, and the schedule
entries that lists ask "what is overdue?" of."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import models as m
from outcomes.rules import schedule as rules
from outcomes.rules.reminders import LONDON
from outcomes.services import reminders
from tests import factories as f

pytestmark = pytest.mark.django_db

CARE_START = dt.date(2026, 2, 6)  # Friday. 20 working days on: Friday 6 March 2026.
FIRST_REVIEW_DUE = dt.date(2026, 3, 6)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def looked_after_child(*, team=None, social_worker=True, born=dt.date(2011, 5, 1)):
    team = team or f.TeamFactory(name="Children in care team")
    child = f.YoungPersonFactory(team=team, date_of_birth=born)
    f.EpisodeFactory(period_of_care=f.PeriodOfCareFactory(young_person=child,
                                                          started_on=CARE_START))
    worker = None
    if social_worker:
        worker = f.UserFactory(role=m.Role.SOCIAL_WORKER, team=team)
        f.AllocationFactory(young_person=child, worker=worker, role=m.AllocationRole.SOCIAL_WORKER,
                            started_on=CARE_START)
    return child, worker


def telegram(user, chat_id):
    return m.TelegramLink.objects.create(user=user, telegram_user_id=chat_id, chat_id=chat_id)


def review_rows(**filters):
    return m.Notification.objects.filter(event_kind=rules.EventKind.CLA_REVIEW, **filters)


def test_the_review_reminder_goes_to_the_social_worker_and_the_young_person():
    child, worker = looked_after_child(born=dt.date(2009, 5, 1))  # 16: old enough for Telegram
    account = f.YoungPersonUserFactory(young_person=child)
    telegram(worker, 111)
    telegram(account, 222)
    reminders.reminders_sweep(on=FIRST_REVIEW_DUE - dt.timedelta(days=14),
                              now=at(dt.date(2026, 2, 20), 7))
    rows = {(r.recipient_id, r.channel, r.lead) for r in review_rows()}
    assert rows == {(worker.pk, "email", "14d"), (worker.pk, "telegram", "14d"),
                    (account.pk, "telegram", "14d")}
    email = review_rows(channel="email").get()
    assert email.due_on == FIRST_REVIEW_DUE
    assert child.child_id in email.subject and child.legal_last_name not in email.body
    assert "06/03/2026" in email.body and "reg 33" in email.body
    plain = review_rows(recipient=account).get().body
    assert "review meeting" in plain and "reg" not in plain


def test_a_second_sweep_on_the_same_day_writes_nothing_new():
    looked_after_child()
    day = FIRST_REVIEW_DUE - dt.timedelta(days=7)
    first = reminders.reminders_sweep(on=day, now=at(day, 7))
    count = m.Notification.objects.count()
    second = reminders.reminders_sweep(on=day, now=at(day, 7))
    assert first.notifications_written == count > 0
    assert second.notifications_written == 0 and m.Notification.objects.count() == count


def test_the_next_lead_time_writes_the_next_reminder_only():
    looked_after_child()
    for days_before in (14, 13, 7, 6, 0):
        day = FIRST_REVIEW_DUE - dt.timedelta(days=days_before)
        reminders.reminders_sweep(on=day, now=at(day, 7))
    assert sorted(review_rows().values_list("lead", flat=True)) == ["0d", "14d", "7d"]


def test_a_young_person_is_not_messaged_at_night_the_message_waits_until_eight():
    child, _ = looked_after_child(born=dt.date(2009, 5, 1))
    account = f.YoungPersonUserFactory(young_person=child)
    telegram(account, 333)
    day = FIRST_REVIEW_DUE - dt.timedelta(days=7)
    reminders.reminders_sweep(on=day, now=at(day, 22))
    row = review_rows(recipient=account).get()
    assert row.not_before == at(day + dt.timedelta(days=1), 8)


def test_after_stop_the_young_person_gets_nothing():
    child, _ = looked_after_child(born=dt.date(2009, 5, 1))
    account = f.YoungPersonUserFactory(young_person=child)
    link = telegram(account, 444)
    link.paused_at = at(dt.date(2026, 2, 1), 12)
    link.save()
    day = FIRST_REVIEW_DUE - dt.timedelta(days=7)
    reminders.reminders_sweep(on=day, now=at(day, 7))
    assert not review_rows(recipient=account).exists()


def test_nobody_allocated_the_team_manager_hears_instead():
    team = f.TeamFactory(name="Children in care team")
    manager = f.UserFactory(role=m.Role.TEAM_MANAGER, team=team)
    f.UserFactory(role=m.Role.TEAM_MANAGER, team=f.TeamFactory(name="Another team"))
    looked_after_child(team=team, social_worker=False)
    day = FIRST_REVIEW_DUE - dt.timedelta(days=7)
    reminders.reminders_sweep(on=day, now=at(day, 7))
    row = review_rows().get()
    assert row.recipient == manager and "Nobody is allocated" in row.body


def test_overdue_goes_to_the_worker_and_escalates_to_the_manager_after_five_working_days():
    team = f.TeamFactory(name="Children in care team")
    manager = f.UserFactory(role=m.Role.TEAM_MANAGER, team=team)
    _, worker = looked_after_child(team=team)
    late = FIRST_REVIEW_DUE + dt.timedelta(days=6)  # Thursday 12 March: 4 working days late
    reminders.reminders_sweep(on=late, now=at(late, 7))
    assert {(r.recipient_id, r.lead) for r in review_rows()} == {(worker.pk, "overdue")}
    later = FIRST_REVIEW_DUE + dt.timedelta(days=7)  # Friday 13 March: 5 working days late
    reminders.reminders_sweep(on=later, now=at(later, 7))
    escalation = review_rows(lead="escalation").get()
    assert escalation.recipient == manager and escalation.kind == m.NotificationKind.ESCALATION
    assert "Escalation" in escalation.subject


def test_one_bad_record_never_stops_the_sweep(monkeypatch):
    bad, _ = looked_after_child(born=dt.date(2011, 5, 2))
    good, _ = looked_after_child(born=dt.date(2011, 5, 3))
    real = rules.schedule

    def schedule(history, **kwargs):
        if history.date_of_birth == bad.date_of_birth:
            raise ValueError("a history the rules cannot read")
        return real(history, **kwargs)

    monkeypatch.setattr(rules, "schedule", schedule)
    day = FIRST_REVIEW_DUE - dt.timedelta(days=7)
    result = reminders.reminders_sweep(on=day, now=at(day, 7))
    assert result.failed == [bad.pk]
    assert review_rows(young_person=good).exists()
    assert not review_rows(young_person=bad).exists()


def test_the_sweep_costs_the_same_queries_for_3_or_30_young_people():
    def queries_for(count: int) -> int:
        team = f.TeamFactory(name=f"Team of {count}")
        f.UserFactory(role=m.Role.TEAM_MANAGER, team=team)
        for _ in range(count):
            looked_after_child(team=team)
        day = FIRST_REVIEW_DUE - dt.timedelta(days=7)
        with CaptureQueriesContext(connection) as captured:
            reminders.reminders_sweep(on=day, now=at(day, 7), batch_size=100)
        m.Notification.objects.all().delete()
        m.ScheduleEntry.objects.all().delete()
        m.YoungPerson.objects.all().delete()
        return len(captured)

    assert queries_for(3) == queries_for(30)


def test_schedule_entries_follow_the_records():
    child, _ = looked_after_child()
    day = FIRST_REVIEW_DUE + dt.timedelta(days=1)
    reminders.reminders_sweep(on=day, now=at(day, 7))
    entry = m.ScheduleEntry.objects.get(young_person=child, kind=rules.EventKind.CLA_REVIEW)
    assert entry.due_on == FIRST_REVIEW_DUE and entry.responsible == "social_worker"
    f.CLAReviewFactory(young_person=child, held_on=FIRST_REVIEW_DUE, chair=None)
    reminders.schedule_refresh(young_people=[child], on=day)
    entry = m.ScheduleEntry.objects.get(young_person=child, kind=rules.EventKind.CLA_REVIEW)
    assert entry.due_on == dt.date(2026, 6, 6)  # 3 months after the first review (reg 33(2))
