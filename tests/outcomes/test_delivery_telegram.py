"""Sending Telegram rows of the outbox (outcomes/services/delivery.py) against the local Bot API
server in tests/fakes/: sent once to the link's chat, Telegram's 429 and 5xx retried, a blocked
bot turned into an email, the per-chat limit and a young person's quiet hours held."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from outcomes import models as m
from outcomes.rules.reminders import LONDON
from outcomes.services import delivery
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def telegram(settings, bot_api):
    """Point the Telegram transport at this test's fake. The transport keeps one client per
    (token, base_url) and every fake has its own port, so each test starts with a fresh client.
    The rate-limit counters live in the cache: start each test without any."""
    settings.TELEGRAM_BOT_TOKEN = bot_api.token
    settings.TELEGRAM_API_BASE_URL = bot_api.base_url
    cache.clear()
    yield bot_api
    cache.clear()


def linked(user, chat_id: int) -> m.TelegramLink:
    return m.TelegramLink.objects.create(user=user, telegram_user_id=chat_id, chat_id=chat_id)


def staff_with_chat(chat_id: int) -> m.User:
    user = f.UserFactory(role=m.Role.SOCIAL_WORKER)
    linked(user, chat_id)
    return user


def telegram_row(recipient, *, young_person=None, event_key="cla_review:2026-02-06:1",
                 body="First CLA review for C000001 is due in a week (06/03/2026).",
                 not_before=None) -> m.Notification:
    return m.Notification.objects.create(
        young_person=young_person or f.YoungPersonFactory(), event_key=event_key,
        event_kind="cla_review", due_on=dt.date(2026, 3, 6), recipient=recipient,
        channel=m.NotificationChannel.TELEGRAM, lead="7d", kind=m.NotificationKind.REMINDER,
        subject="First CLA review is due in a week", body=body,
        not_before=not_before or timezone.now())


def deliver(row: m.Notification) -> delivery.Outcome:
    return delivery.notification_deliver(notification_id=row.pk)


def ready_again(row: m.Notification) -> None:
    """Let time pass for a held row: its not_before and the per-chat counter of the cache."""
    m.Notification.objects.filter(pk=row.pk).update(not_before=timezone.now())
    cache.clear()


def test_a_telegram_row_is_sent_once_to_the_links_chat(bot_api):
    row = telegram_row(staff_with_chat(4101))
    assert deliver(row).status == "sent"
    assert deliver(row).status == "skipped"
    [message] = bot_api.sent_messages()
    assert message["chat_id"] == 4101 and message["text"] == row.body
    row.refresh_from_db()
    assert row.status == "sent" and row.sent_at and row.attempts == 1 and row.last_error == ""


def test_telegrams_429_waits_its_retry_after_then_sends(bot_api):
    bot_api.fail_next("sendMessage", 429, retry_after=1)
    row = telegram_row(staff_with_chat(4102))
    before = timezone.now()
    outcome = deliver(row)
    assert outcome.status == "retry" and outcome.retry_in == 1
    row.refresh_from_db()
    assert row.status == "pending" and "429" in row.last_error
    # Telegram's retry_after, not the backoff (which would be 2 s after the first attempt).
    assert before + dt.timedelta(seconds=1) <= row.not_before <= timezone.now() + dt.timedelta(
        seconds=1)
    assert deliver(row).status == "skipped"  # its second has not come yet
    ready_again(row)
    assert deliver(row).status == "sent"
    assert [c.status for c in bot_api.calls_to("sendMessage")] == [429, 200]
    assert len(bot_api.sent_messages(4102)) == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2


@pytest.mark.parametrize("status", [500, 502])
def test_telegram_server_errors_are_retried_with_backoff_then_sent(bot_api, status):
    bot_api.fail_next("sendMessage", status, times=2)
    row = telegram_row(staff_with_chat(4103))
    first = deliver(row)
    assert first.status == "retry" and first.retry_in == delivery.backoff(1) == 2
    ready_again(row)
    second = deliver(row)
    assert second.status == "retry" and second.retry_in == delivery.backoff(2) == 4
    row.refresh_from_db()
    assert row.status == "pending" and row.not_before > timezone.now() + dt.timedelta(seconds=3)
    ready_again(row)
    assert deliver(row).status == "sent"
    assert [c.status for c in bot_api.calls_to("sendMessage")] == [status, status, 200]
    assert len(bot_api.sent_messages(4103)) == 1


def test_a_blocked_bot_fails_the_row_ends_the_link_and_emails_staff_instead(bot_api):
    worker = staff_with_chat(4104)
    bot_api.block_chat(4104)
    row = telegram_row(worker)
    outcome = deliver(row)
    assert outcome.status == "failed" and outcome.detail == "blocked"
    row.refresh_from_db()
    assert row.status == "failed" and row.last_error.startswith("Blocked: ")
    link = m.TelegramLink.objects.get(user=worker)
    assert not link.active and link.deactivated_at
    assert link.deactivated_reason == "The person blocked the bot."
    assert link.history.latest().deactivated_reason == "The person blocked the bot."  # kept
    fallback = m.Notification.objects.get(fallback_for=row)
    assert (fallback.channel, fallback.status, fallback.recipient) == ("email", "pending", worker)
    assert (fallback.subject, fallback.body) == (row.subject, row.body)
    assert "blocked" in fallback.last_error
    assert bot_api.sent_messages() == []
    # The email goes out like any other row.
    assert deliver(fallback).status == "sent"
    assert [(e.to, e.subject) for e in mail.outbox] == [([worker.email], row.subject)]
    # A later Telegram row for them finds no link, and the email it becomes is already there.
    again = telegram_row(worker, event_key="cla_review:2026-02-06:2")
    assert deliver(again).status == "cancelled"
    assert [c.status for c in bot_api.calls_to("sendMessage")] == [403]


def test_a_chat_that_does_not_exist_fails_at_once(bot_api):
    row = telegram_row(staff_with_chat(4105))
    bot_api.fail_next("sendMessage", 400, description="Bad Request: chat not found")
    outcome = deliver(row)
    assert outcome.status == "failed" and "chat not found" in outcome.detail.lower()
    row.refresh_from_db()
    assert row.status == "failed" and "chat not found" in row.last_error.lower()


def test_one_message_a_second_to_a_chat(bot_api):
    worker = staff_with_chat(4106)
    first = telegram_row(worker, event_key="cla_review:2026-02-06:1")
    second = telegram_row(worker, event_key="cla_review:2026-02-06:2", body="Another reminder.")
    assert deliver(first).status == "sent"
    before = timezone.now()
    outcome = deliver(second)
    assert (outcome.status, outcome.retry_in, outcome.detail) == ("retry", 1.0, "rate limit")
    second.refresh_from_db()
    # Held, not failed: the attempt does not count, and it waits its second.
    assert second.status == "pending" and second.attempts == 0
    assert before + dt.timedelta(seconds=1) <= second.not_before
    assert [m_["text"] for m_ in bot_api.sent_messages(4106)] == [first.body]
    ready_again(second)
    assert deliver(second).status == "sent"
    assert [m_["text"] for m_ in bot_api.sent_messages(4106)] == [first.body, second.body]


def test_the_overall_limit_holds_the_rest_of_the_second(bot_api, settings, monkeypatch):
    settings.TELEGRAM_MAX_PER_SECOND = 2
    # The overall counter counts per clock second: keep all three in one (at .75 of it).
    monkeypatch.setattr(delivery, "time", SimpleNamespace(time=lambda: 1_900_000_000.75))
    rows = [telegram_row(staff_with_chat(4200 + n), event_key=f"k{n}") for n in range(3)]
    outcomes = [deliver(row) for row in rows]
    assert [o.status for o in outcomes] == ["sent", "sent", "retry"]
    # It waits at least for the next clock second (0.25 s away), and not a whole second more.
    assert outcomes[2].detail == "rate limit" and 0.25 <= outcomes[2].retry_in <= 1.25
    held = m.Notification.objects.get(pk=rows[2].pk)
    assert held.status == "pending" and held.attempts == 0
    # The held chat is free at once: only the overall counter made it wait.
    assert cache.get("telegram:chat:4202") is None
    assert len(bot_api.sent_messages()) == 2


def test_a_young_persons_telegram_waits_for_8am_in_quiet_hours(bot_api, monkeypatch):
    late = dt.datetime(2026, 11, 26, 22, 0, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: late)
    account = f.YoungPersonUserFactory()
    linked(account, 4107)
    row = telegram_row(account, young_person=account.young_person)
    outcome = deliver(row)
    assert outcome.status == "retry" and outcome.detail == "quiet hours"
    assert outcome.retry_in == 10 * 60 * 60
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 0
    assert row.not_before == dt.datetime(2026, 11, 27, 8, 0, tzinfo=LONDON)
    assert bot_api.calls_to("sendMessage") == []
    # Staff are messaged whenever their reminder is ready.
    staff_row = telegram_row(staff_with_chat(4108))
    assert deliver(staff_row).status == "sent"
    # At 08:00 the young person's message goes.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 11, 27, 8, 0, tzinfo=LONDON))
    assert deliver(row).status == "sent"
    assert [m_["text"] for m_ in bot_api.sent_messages(4107)] == [row.body]
