"""A crisis alert goes to the young person's key worker at once (email, and Telegram where they
are linked), to the team's managers when nobody holds the case, once a minute at most, enqueued
only after the write commits, and never with the young person's words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from outcomes import models as m
from outcomes.services.alerts import crisis_alert_raise
from tests import factories as f
from tests.personas import build_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple[str, list]]:
    calls: list[tuple[str, list]] = []
    monkeypatch.setattr(celery_app, "send_task",
                        lambda name, args=None, **kwargs: calls.append((name, args)))
    return calls


def test_the_adviser_is_alerted_by_email_and_telegram_after_commit(
        enqueued, django_capture_on_commit_callbacks):
    p = build_personas()
    f.TelegramLinkFactory(user=p.adviser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = crisis_alert_raise(young_person=p.young_person)
    assert not enqueued  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted((r.recipient, r.channel) for r in rows) == sorted([
        (p.adviser, m.NotificationChannel.EMAIL), (p.adviser, m.NotificationChannel.TELEGRAM)])
    assert sorted(enqueued) == sorted(("tasks.reminders.deliver", [r.pk]) for r in rows)
    for row in rows:
        assert (row.kind, row.lead, row.due_on, row.status) == (
            m.NotificationKind.ALERT, "now", timezone.localdate(), m.NotificationStatus.PENDING)
        assert row.not_before <= timezone.now()
        assert p.young_person.child_id in row.subject
        assert p.young_person.legal_last_name not in row.subject + row.body


def test_a_burst_of_messages_is_one_alert(enqueued, django_capture_on_commit_callbacks):
    p = build_personas()
    now = timezone.now().replace(second=5)
    with django_capture_on_commit_callbacks(execute=True):
        first = crisis_alert_raise(young_person=p.young_person, now=now)
        again = crisis_alert_raise(young_person=p.young_person, now=now + dt.timedelta(seconds=30))
    assert [r.pk for r in first] == [r.pk for r in again]
    assert len(enqueued) == 1 and m.Notification.objects.count() == 1


def test_without_an_adviser_the_social_worker_then_the_managers_are_alerted(enqueued):
    p = build_personas()
    m.Allocation.objects.filter(young_person=p.young_person,
                                role=m.AllocationRole.PERSONAL_ADVISER).delete()
    [row] = crisis_alert_raise(young_person=p.young_person)
    assert row.recipient == p.social_worker
    m.Allocation.objects.filter(young_person=p.young_person).delete()
    later = timezone.now() + dt.timedelta(minutes=2)
    rows = crisis_alert_raise(young_person=p.young_person, now=later)
    assert [r.recipient for r in rows] == [p.manager]  # not the other team's manager
