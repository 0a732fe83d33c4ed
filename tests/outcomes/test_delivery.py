"""Sending the outbox (outcomes/services/delivery.py): claimed once, sent once, retried with
backoff, and put back when a worker dies half-way. Telegram paths run against the local Bot API
server in tests/fakes/."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from outcomes import models as m
from outcomes.services import delivery, transports
from tests import factories as f

pytestmark = pytest.mark.django_db


def outbox_row(*, channel="email", recipient=None, lead="7d", **fields) -> m.Notification:
    recipient = recipient or f.UserFactory(role=m.Role.SOCIAL_WORKER)
    return m.Notification.objects.create(
        young_person=fields.pop("young_person", None) or f.YoungPersonFactory(),
        event_key="cla_review:2026-02-06:1", event_kind="cla_review",
        due_on=dt.date(2026, 3, 6), recipient=recipient, channel=channel, lead=lead,
        kind=m.NotificationKind.REMINDER, subject="First CLA review is due in a week",
        body="First CLA review for Sam (C000001) is due in a week (06/03/2026).",
        not_before=fields.pop("not_before", timezone.now()), **fields)


def test_an_email_is_sent_once_and_marked_sent():
    row = outbox_row()
    assert delivery.notification_deliver(notification_id=row.pk).status == "sent"
    assert delivery.notification_deliver(notification_id=row.pk).status == "skipped"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [row.recipient.email]
    row.refresh_from_db()
    assert row.status == "sent" and row.sent_at and row.attempts == 1


def test_only_one_claim_wins():
    row = outbox_row()
    assert delivery.notification_claim(notification_id=row.pk) is not None
    assert delivery.notification_claim(notification_id=row.pk) is None


def test_a_row_whose_time_has_not_come_is_not_claimed():
    row = outbox_row(not_before=timezone.now() + dt.timedelta(hours=1))
    assert delivery.notification_deliver(notification_id=row.pk).status == "skipped"
    assert delivery.notifications_ready() == []


def test_an_email_server_down_is_retried_with_backoff_then_given_up(monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr(transports, "send_mail", refuse)
    row = outbox_row()
    outcome = delivery.notification_deliver(notification_id=row.pk)
    assert outcome.status == "retry" and outcome.retry_in == 2.0
    row.refresh_from_db()
    assert row.status == "pending" and row.not_before > timezone.now()
    for attempt in range(2, delivery.MAX_ATTEMPTS + 1):
        m.Notification.objects.filter(pk=row.pk).update(not_before=timezone.now())
        outcome = delivery.notification_deliver(notification_id=row.pk)
        if attempt < delivery.MAX_ATTEMPTS:
            assert outcome.retry_in == delivery.backoff(attempt)
    row.refresh_from_db()
    assert row.status == "failed" and "Gave up after 8 attempts" in row.last_error


def test_no_email_address_fails_at_once_with_the_reason():
    row = outbox_row(recipient=f.UserFactory(role=m.Role.SOCIAL_WORKER, email=""))
    assert delivery.notification_deliver(notification_id=row.pk).status == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "No email address" in row.last_error


def test_a_row_left_sending_by_a_dead_worker_is_put_back():
    row = outbox_row()
    delivery.notification_claim(notification_id=row.pk)
    assert delivery.notifications_requeue_stuck() == []  # not stuck yet: the worker may be busy
    later = timezone.now() + delivery.STUCK_AFTER + dt.timedelta(seconds=1)
    assert delivery.notifications_requeue_stuck(now=later) == [row.pk]
    row.refresh_from_db()
    assert row.status == "pending"


def test_telegram_to_a_paused_young_person_is_cancelled_not_sent():
    account = f.YoungPersonUserFactory()
    m.TelegramLink.objects.create(user=account, telegram_user_id=5, chat_id=5,
                                  paused_at=timezone.now())
    row = outbox_row(channel="telegram", recipient=account, young_person=account.young_person)
    assert delivery.notification_deliver(notification_id=row.pk).status == "cancelled"
    row.refresh_from_db()
    assert row.status == "cancelled" and "/stop" in row.last_error


def test_telegram_to_staff_without_a_link_goes_by_email_instead():
    row = outbox_row(channel="telegram")
    assert delivery.notification_deliver(notification_id=row.pk).status == "cancelled"
    fallback = m.Notification.objects.get(fallback_for=row)
    assert fallback.channel == "email" and fallback.status == "pending"
