"""Safeguarding alerts through real Celery workers on Redis and the local Bot API server
(tests/fakes/): the adviser's Telegram message (with its Acknowledge button) arrives at once,
duty is told after SAFEGUARDING_ACK_MINUTES, an acknowledgement stops the escalation, and a
worker SIGKILLed mid-escalation neither loses nor duplicates a message.

The fixtures and the subprocess worker are those of the reminders' tests (test_reminders.py).
"""

from __future__ import annotations

import collections
import datetime as dt
import signal
import time

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from outcomes import models as m
from outcomes.rules.risk import RiskFinding, RiskKind
from outcomes.services import delivery
from outcomes.services import safeguarding as service
from tasks import reminders as reminder_tasks
from tasks import safeguarding as tasks
from tests.fakes.botapi import CLIENT_CLOSED
from tests.personas import build_personas
from tests.tasks.test_reminders import (  # the shared fixtures and helpers
    _stop,
    _subprocess_worker,
    drain_queue,
    statuses,
    telegram,  # noqa: F401 - a fixture
    wait_until_all_finished,
    worker,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.django_db(transaction=True)

DUTY = "duty@council.example"
WORDS = "i cant do this anymore i want to end it all"
ADVISER_CHAT, MANAGER_CHAT = 9701, 9702


@pytest.fixture
def people(settings):
    settings.WAYMARK_DUTY_EMAIL = DUTY
    settings.SAFEGUARDING_ACK_MINUTES = 1
    p = build_personas()
    for user, chat in ((p.adviser, ADVISER_CHAT), (p.manager, MANAGER_CHAT)):
        m.TelegramLink.objects.create(user=user, telegram_user_id=chat, chat_id=chat)
    return p


@pytest.fixture
def in_office_hours(monkeypatch):
    """Office hours whatever the real clock says, so that duty waits for the escalation."""
    monkeypatch.setattr(service, "in_office_hours", lambda moment, hours: True)


@pytest.fixture
def clock(monkeypatch):
    """Move the clock on for this process and the in-process worker (shifted, not frozen)."""
    real_now = timezone.now
    offset = [dt.timedelta(0)]
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset[0])

    def forward(minutes: float) -> None:
        offset[0] += dt.timedelta(minutes=minutes)

    return forward


def finding() -> RiskFinding:
    return RiskFinding(kinds=frozenset({RiskKind("self_harm")}), matched=("end it all",))


def duty_emails() -> list:
    return [e for e in mail.outbox if e.to == [DUTY]]


def test_adviser_told_at_once_then_duty_after_the_set_minutes_until_acknowledged(
        worker, telegram, people, in_office_hours, clock):  # noqa: F811
    p = people
    started = time.monotonic()
    alert = service.safeguarding_alert_raise(young_person=p.young_person, finding=finding(),
                                             text=WORDS, channel="telegram")
    [message] = telegram.wait_for_messages(ADVISER_CHAT, 1, timeout=20)
    to_adviser = time.monotonic() - started
    print(f"\nRaise to the adviser's Telegram message: {to_adviser * 1000:.0f} ms")
    assert to_adviser < 5
    assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"sga:{alert.pk}"
    assert WORDS not in message["text"] and "end it all" not in message["text"]
    wait_until_all_finished()
    assert duty_emails() == []  # in office hours, with an adviser: duty waits

    # Before the set minutes: nothing more. After them: round 1, with duty.
    assert tasks.escalate.delay().get(timeout=20) == {"written": 0}
    clock(1)
    written = tasks.escalate.delay().get(timeout=20)["written"]
    assert written == 5  # adviser and manager by email and Telegram, and duty
    wait_until_all_finished()
    assert len(duty_emails()) == 1 and "end it all" not in duty_emails()[0].body
    assert len(telegram.sent_messages(ADVISER_CHAT)) == 2
    clock(1)
    assert tasks.escalate.delay().get(timeout=20)["written"] == 5  # round 2: it repeats
    wait_until_all_finished()

    service.safeguarding_alert_acknowledge(actor=p.manager, alert_id=alert.pk, action="called",
                                           channel="web")
    clock(5)
    assert tasks.escalate.delay().get(timeout=20) == {"written": 0}
    drain_queue()
    assert len(duty_emails()) == 2 and len(telegram.sent_messages(ADVISER_CHAT)) == 3
    alert.refresh_from_db()
    assert (alert.status, alert.escalation_rounds) == ("acknowledged", 2)
    assert statuses() == {"sent": m.Notification.objects.count()}


def test_out_of_hours_duty_is_emailed_at_once(worker, telegram, people, monkeypatch):  # noqa: F811
    monkeypatch.setattr(service, "in_office_hours", lambda moment, hours: False)
    service.safeguarding_alert_raise(young_person=people.young_person, finding=finding(),
                                     text=WORDS, channel="telegram")
    wait_until_all_finished()
    assert len(duty_emails()) == 1
    assert "outside office hours" in duty_emails()[0].body


def test_telegram_down_still_emails_the_adviser(worker, telegram, people, in_office_hours):  # noqa: F811
    telegram.block_chat(ADVISER_CHAT)
    service.safeguarding_alert_raise(young_person=people.young_person, finding=finding(),
                                     text=WORDS, channel="telegram")
    wait_until_all_finished()
    assert [e.to for e in mail.outbox].count([people.adviser.email]) == 1
    blocked = m.Notification.objects.get(recipient=people.adviser, channel="telegram")
    assert blocked.status == "failed"


def test_a_worker_killed_mid_escalation_loses_nothing_and_duplicates_nothing(
        telegram, people, tmp_path, monkeypatch, in_office_hours):  # noqa: F811
    """Round 0 and round 1 go through subprocess workers (real clock, SAFEGUARDING_ACK_MINUTES
    of 15): the first is killed while Telegram holds one of its sends. Round 0 is raised in
    office hours (duty waits); round 1 tells duty."""
    monkeypatch.setenv("WAYMARK_DUTY_EMAIL", DUTY)
    monkeypatch.setenv("SAFEGUARDING_ACK_MINUTES", "15")
    raised = timezone.now() - dt.timedelta(minutes=16)  # round 1 is due
    # Round 0's rows are written but their tasks lost (as if the process that raised the alert
    # died after the commit): the dispatcher must find them.
    monkeypatch.setattr(service, "_enqueue", lambda ids: None)
    alert = service.safeguarding_alert_raise(young_person=people.young_person, finding=finding(),
                                             text=WORDS, channel="telegram", now=raised)
    log = tmp_path / "workers.log"
    telegram.delay("sendMessage", 3)
    workers = []
    try:
        workers.append(_subprocess_worker("first", telegram, log))
        tasks.escalate.delay()
        telegram.wait_for_in_flight("sendMessage", 1, timeout=40)
        _stop(workers[0], signal.SIGKILL)  # mid-escalation: round 1 written, its sends begun
        assert workers[0].returncode == -signal.SIGKILL
        [claimed] = m.Notification.objects.filter(status=m.NotificationStatus.SENDING)
        assert claimed.event_key == f"safeguarding:{alert.pk}:round:1"
        telegram.delay("sendMessage", 0)
        m.Notification.objects.filter(pk=claimed.pk).update(
            claimed_at=F("claimed_at") - delivery.STUCK_AFTER - dt.timedelta(seconds=1))
        workers.append(_subprocess_worker("second", telegram, log))
        # The sweep runs again (beat, every minute): round 1 is written already.
        again = tasks.escalate.delay().get(timeout=60)
        if again["written"] == 0 and not m.Notification.objects.filter(
                event_key=f"safeguarding:{alert.pk}:round:1").exists():
            raise AssertionError("round 1 was never written")
        dispatched = reminder_tasks.dispatch.delay().get(timeout=40)
        assert dispatched["requeued"] == 1 and dispatched["enqueued"] >= 1 + 4
        wait_until_all_finished(timeout=60)
    finally:
        for process in workers:
            _stop(process)
        if log.exists():
            print(log.read_text(errors="replace")[-3000:])
    rows = list(m.Notification.objects.all())
    assert statuses() == {"sent": len(rows)}
    keys = collections.Counter(row.event_key.split(":", 2)[2] for row in rows)
    assert keys == {"round:0": 4, "round:1": 5}
    per_chat = collections.Counter(msg["chat_id"] for msg in telegram.sent_messages())
    assert per_chat == {ADVISER_CHAT: 2, MANAGER_CHAT: 2}
    assert [c.status for c in telegram.calls_to("sendMessage")].count(CLIENT_CLOSED) == 1
    print(f"\nKilled mid-escalation: {len(rows)} rows, each sent once; duplicates=0")
