"""The bot's birthday check-in, started by the bot: once a day a task writes, through the
outbox, one message to each linked care leaver whose check-in is due (the record of the birthday
whose window is open, not yet given), with the buttons that start the check-in. Sent once: not
again on a second run; never to a chat that is not linked, is paused with /stop or belongs to an
account switched off; never outside the birthday's window; held through the quiet hours.

On the real database, with a real Celery worker on the real broker and the local Bot API
server (tests/fakes/) as Telegram.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from bot import keyboards, texts
from config.celery import app
from outcomes import models as m
from outcomes.rules.dates import add_months, birthday
from outcomes.rules.reminders import LONDON
from outcomes.services import delivery, reminders, telegram_link_pause
from outcomes.services.care_leavers import (
    CHECK_IN_EVENT_KIND,
    care_leaver_check_ins_write,
)
from tasks import check_ins
from tasks import reminders as reminder_tasks
from tests import factories as f
from tests.fakes.botapi import FakeBotAPI

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def telegram(settings, bot_api: FakeBotAPI) -> Iterator[FakeBotAPI]:
    """This test's fake Bot API as Telegram, no rate-limit counters, no tasks left queued."""
    settings.TELEGRAM_BOT_TOKEN = bot_api.token
    settings.TELEGRAM_API_BASE_URL = bot_api.base_url
    cache.clear()
    app.control.purge()
    yield bot_api
    cache.clear()


@pytest.fixture
def worker(django_db_blocker, telegram) -> Iterator[None]:
    with django_db_blocker.unblock(), start_worker(app, pool="solo", perform_ping_check=False,
                                                   shutdown_timeout=10):
        yield


def at(hour: int, monkeypatch, day: dt.date | None = None) -> dt.datetime:
    """Run the clock from `hour`:00 London today (or on `day`), for the test and the worker."""
    real_now = timezone.now
    moment = dt.datetime.combine(day or timezone.localdate(), dt.time(hour), tzinfo=LONDON)
    offset = moment - real_now()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
    return moment


def turning(age: int, *, in_days: int) -> dt.date:
    """A date of birth for someone who turns `age` in `in_days` days."""
    return add_months(timezone.localdate() + dt.timedelta(days=in_days), -12 * age)


def care_leaver(chat: int | None, *, age: int = 18, in_days: int = 10, in_care: bool = True,
                paused: bool = False, switched_off: bool = False) -> m.YoungPerson:
    """A young person in care since they were about 14, turning `age` in `in_days` days, with
    their own account, linked to Telegram in `chat` (none: not linked), and their schedule
    worked out as the morning sweep does."""
    person = f.YoungPersonFactory(date_of_birth=turning(age, in_days=in_days))
    if in_care:
        period = f.PeriodOfCareFactory(
            young_person=person, started_on=timezone.localdate() - dt.timedelta(days=3 * 365))
        f.EpisodeFactory(period_of_care=period)
    account = f.YoungPersonUserFactory(young_person=person, is_active=not switched_off)
    if chat is not None:
        m.TelegramLink.objects.create(user=account, telegram_user_id=chat, chat_id=chat,
                                      paused_at=timezone.now() if paused else None)
    reminders.schedule_refresh(young_people=[person])
    return person


def check_in_rows() -> list[m.Notification]:
    return list(m.Notification.objects.filter(event_kind=CHECK_IN_EVENT_KIND).order_by("pk"))


def test_each_care_leaver_due_is_written_once_and_nobody_else(monkeypatch):
    noon = at(12, monkeypatch)
    jordan = care_leaver(7001)  # 18 in ten days: the window opened twenty days ago
    seventeen = care_leaver(7002, age=17, in_days=5)
    care_leaver(None)  # not linked
    care_leaver(7004, paused=True)  # /stop
    care_leaver(7005, switched_off=True)
    care_leaver(7006, in_days=60)  # the window at 17 closed, the one at 18 is not open yet
    care_leaver(7007, age=19, in_days=-45)  # the record at 19 fell due a fortnight ago
    care_leaver(7008, in_care=False)  # not a care leaver: no birthday record in the schedule
    answered = care_leaver(7009)
    f.CareLeaverRecordFactory(young_person=answered, age=18, recorded_on=timezone.localdate(),
                              status=m.RecordStatus.DRAFT)

    result = care_leaver_check_ins_write()
    rows = check_in_rows()
    assert (result.due, result.written) == (2, [row.pk for row in rows])
    assert [(row.young_person, row.event_key, row.due_on) for row in rows] == [
        (jordan, f"{CHECK_IN_EVENT_KIND}:18", birthday(jordan.date_of_birth, 18)),
        (seventeen, f"{CHECK_IN_EVENT_KIND}:17", birthday(seventeen.date_of_birth, 17))]
    row = rows[0]
    assert (row.recipient, row.channel, row.status) == (
        jordan.user, m.NotificationChannel.TELEGRAM, m.NotificationStatus.PENDING)
    assert noon <= row.not_before <= timezone.now()  # out of the quiet hours: at once
    assert row.body == texts.checkin_prompt(
        first_name=jordan.known_as, age=18, birthday=birthday(jordan.date_of_birth, 18),
        today=timezone.localdate())
    assert row.body.startswith(f"Hi {jordan.known_as}! Your 18th birthday is coming up.")

    # A second run, the same day or the next: nothing new.
    again = care_leaver_check_ins_write()
    assert (again.due, again.written) == (2, [])
    at(12, monkeypatch, timezone.localdate() + dt.timedelta(days=1))
    assert care_leaver_check_ins_write().written == []
    assert len(check_in_rows()) == 2


def test_written_in_the_quiet_hours_it_waits_and_a_stop_meanwhile_cancels_it(monkeypatch,
                                                                             telegram):
    evening = at(22, monkeypatch)
    jordan = care_leaver(7101)
    [row_id] = care_leaver_check_ins_write().written
    row = m.Notification.objects.get(pk=row_id)
    morning = dt.datetime.combine(evening.date() + dt.timedelta(days=1), dt.time(8),
                                  tzinfo=LONDON)
    assert row.not_before == morning
    assert delivery.notification_deliver(notification_id=row.pk).status == "skipped"

    telegram_link_pause(link=m.TelegramLink.objects.get(user__young_person=jordan))
    at(8, monkeypatch, morning.date())
    assert delivery.notification_deliver(notification_id=row.pk).status == "cancelled"
    assert telegram.sent_messages() == []


def test_a_blocked_bot_is_not_answered_by_an_email_of_buttons(monkeypatch, telegram):
    at(12, monkeypatch)
    jordan = care_leaver(7201)
    jordan.user.email = "jordan@example.org"
    jordan.user.save()
    [row_id] = care_leaver_check_ins_write().written
    telegram.block_chat(7201)
    outcome = delivery.notification_deliver(notification_id=row_id)
    assert (outcome.status, outcome.follow_up) == ("failed", ())
    assert not m.Notification.objects.filter(channel=m.NotificationChannel.EMAIL).exists()
    assert not m.TelegramLink.objects.filter(active=True).exists()


def test_the_daily_task_sends_the_check_in_once_with_its_buttons(worker, telegram, monkeypatch):
    at(12, monkeypatch)
    care_leaver(7301)
    care_leaver(7302, paused=True)

    assert check_ins.ask.delay().get(timeout=30) == {"due": 1, "written": 1}
    [sent] = telegram.wait_for_messages(7301, 1)
    assert sent["text"].startswith("Hi ") and sent["text"].endswith(
        "What are you doing at the moment?")
    # The buttons start the bot's check-in: its first question's answers (b:a:<ACTIV>).
    assert [[(button["text"], button["callback_data"]) for button in row]
            for row in sent["reply_markup"]["inline_keyboard"]] == [
        [(words, data)] for [(words, data)] in keyboards.checkin_activity_rows()]
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b:a:F2"
    [row] = check_in_rows()
    reminder_tasks.deliver.delay(0).get(timeout=30)  # the queue has run dry
    row.refresh_from_db()
    assert row.status == m.NotificationStatus.SENT

    assert check_ins.ask.delay().get(timeout=30) == {"due": 1, "written": 0}
    reminder_tasks.deliver.delay(0).get(timeout=30)
    assert len(telegram.sent_messages()) == 1 and telegram.sent_messages(7302) == []


def test_the_schedule_is_set_up_once():
    call_command("setup_schedules")
    call_command("setup_schedules")
    [task] = PeriodicTask.objects.filter(task="tasks.check_ins.ask")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        "10", "0", "Europe/London")
    assert task.enabled
