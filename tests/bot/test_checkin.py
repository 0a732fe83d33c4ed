"""The birthday check-in: in three taps (two for no fixed home) a care leaver says what they are
doing and where they live; it becomes a DRAFT OC3 record for their adviser to confirm, with the
young person as its author. A confirmed record is never overwritten; a forged answer is not
saved; outside the birthday windows nothing is asked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bot import texts
from config.celery import app as celery_app
from outcomes import models as m
from outcomes.rules.dates import add_months
from outcomes.rules.reminders import LONDON
from outcomes.services import delivery, reminders
from outcomes.services.care_leavers import care_leaver_check_ins_write, check_in_age

from .test_goals_and_views import MENU, all_buttons, buttons, nav, screen_after, tap

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 4545


def turning(age: int, *, in_days: int) -> dt.date:
    """A date of birth for someone who turns `age` in `in_days` days."""
    return add_months(timezone.localdate() + dt.timedelta(days=in_days), -12 * age)


@pytest.fixture
def eighteen_soon(plan_world):
    person = plan_world.personas.young_person
    person.date_of_birth = turning(18, in_days=10)
    person.save()
    return plan_world


def test_a_care_leaver_checks_in_in_three_taps(running_bot, bot_api, eighteen_soon):
    p = eighteen_soon.personas
    running_bot.say(CHAT, f"/start {eighteen_soon.code}")
    assert running_bot.say(CHAT, "/checkin") == texts.CHECKIN_ASK_ACTIVITY
    assert [row[0] for row in buttons(bot_api, CHAT)][:2] == [
        ("School or college, full-time", "b:a:F2"), ("School or college, part-time", "b:a:P2")]

    assert nav(bot_api, CHAT) == [MENU]
    question = bot_api.bot_messages(CHAT)[-1]["message_id"]

    assert tap(running_bot, bot_api, CHAT, "b:a:F4") == [texts.CHECKIN_ASK_HOME]
    assert ("Supported lodgings", "b:h:F4:E") in [row[0] for row in buttons(bot_api, CHAT)]
    assert nav(bot_api, CHAT) == [(texts.BACK, "b:q"), MENU]
    assert tap(running_bot, bot_api, CHAT, "b:h:F4:E") == [texts.CHECKIN_ASK_SUITABLE]
    assert buttons(bot_api, CHAT) == [[("Yes", "b:s:F4:E:1"), ("No", "b:s:F4:E:2")]]
    assert nav(bot_api, CHAT) == [(texts.BACK, "b:a:F4"), MENU]
    # Back, and Back again: the questions before, on the same message.
    assert tap(running_bot, bot_api, CHAT, "b:a:F4") == [texts.CHECKIN_ASK_HOME]
    assert tap(running_bot, bot_api, CHAT, "b:q") == [texts.CHECKIN_ASK_ACTIVITY]
    tap(running_bot, bot_api, CHAT, "b:a:F4")
    tap(running_bot, bot_api, CHAT, "b:h:F4:E")
    assert tap(running_bot, bot_api, CHAT, "b:s:F4:E:1") == [texts.CHECKIN_SAVED]
    assert all_buttons(bot_api, CHAT) == [[MENU]]
    taps = bot_api.bot_messages(CHAT)[-7:]
    assert all(said["edited"] and said["message_id"] == question for said in taps)

    record = m.CareLeaverRecord.objects.get(young_person=p.young_person)
    assert (record.age, record.in_touch, record.activity, record.accommodation, record.status,
            record.recorded_by, record.recorded_on) == (
        18, "YES", "F4", "E1", m.RecordStatus.DRAFT, p.young_person_user, timezone.localdate())
    assert record.history.first().history_change_reason.endswith("by telegram.")
    assert m.AccessEvent.objects.filter(what="bot.checkin", channel=m.Channel.TELEGRAM,
                                        actor=p.young_person_user).exists()

    # Changed their mind: the draft is replaced. No fixed home takes two taps and S2.
    tap(running_bot, bot_api, CHAT, "b:a:G5")
    assert tap(running_bot, bot_api, CHAT, "b:h:G5:S", expect=2) == [
        texts.CHECKIN_SAVED, texts.CHECKIN_NO_HOME]
    record.refresh_from_db()
    assert (record.activity, record.accommodation, record.status) == (
        "G5", "S2", m.RecordStatus.DRAFT)
    assert m.CareLeaverRecord.objects.count() == 1

    # Once the adviser has confirmed it, nothing the young person taps changes it.
    record.status = m.RecordStatus.CONFIRMED
    record.save()
    assert running_bot.say(CHAT, "/checkin") == texts.CHECKIN_ALREADY
    assert screen_after(running_bot, bot_api, CHAT, "b:s:F4:E:1") == texts.CHECKIN_ALREADY
    record.refresh_from_db()
    assert (record.activity, record.accommodation) == ("G5", "S2")


def test_forged_answers_and_strangers_save_nothing(running_bot, bot_api, eighteen_soon):
    running_bot.say(CHAT, f"/start {eighteen_soon.code}")
    running_bot.say(CHAT, "/checkin")
    for data in ("b:s:F4:S:1", "b:s:XX:E:1", "b:s:F4:E:3", "b:h:F4:Q", "b:nonsense"):
        assert screen_after(running_bot, bot_api, CHAT, data) == texts.CHECKIN_NOT_READ, data
    running_bot.say(9191, "/help")
    assert tap(running_bot, bot_api, 9191, "b:s:F4:E:1") == [texts.HOW_TO_LINK]
    assert screen_after(running_bot, bot_api, 9191, "b:q") == texts.HOW_TO_LINK
    assert not m.CareLeaverRecord.objects.exists()


def test_nothing_is_asked_outside_the_birthday_windows(running_bot, eighteen_soon):
    person = eighteen_soon.personas.young_person
    person.date_of_birth = turning(17, in_days=60)
    person.save()
    running_bot.say(CHAT, f"/start {eighteen_soon.code}")
    assert running_bot.say(CHAT, "/checkin") == texts.CHECKIN_NOT_DUE


@pytest.mark.parametrize(("age", "in_days", "expected"), [
    (17, 40, None),  # the window at 17 opens a month before the birthday
    (17, 20, 17),
    (18, 60, 17),  # late: still the record at 17 until the window at 18 opens
    (18, -200, 18),
    (19, 0, 19),
    (22, 40, 21),
    (22, 20, None),  # from a month before 22: the adviser's latest contact, not a check-in
])
def test_check_in_age(age, in_days, expected):
    assert check_in_age(date_of_birth=turning(age, in_days=in_days),
                        today=timezone.localdate()) == expected


def test_the_bots_own_check_in_message_starts_the_check_in(running_bot, bot_api, eighteen_soon,
                                                           settings, monkeypatch):
    """The daily task's message (tests/tasks/test_check_ins.py) reaches the chat through the
    outbox with the first question's buttons; a tap answers on that same message."""
    settings.TELEGRAM_BOT_TOKEN = bot_api.token
    settings.TELEGRAM_API_BASE_URL = bot_api.base_url
    monkeypatch.setattr(celery_app, "send_task", lambda *args, **kwargs: None)
    # At noon, out of a young person's quiet hours, whenever the test runs.
    real_now = timezone.now
    offset = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=LONDON) - real_now()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
    p = eighteen_soon.personas
    running_bot.say(CHAT, f"/start {eighteen_soon.code}")
    reminders.schedule_refresh(young_people=[p.young_person])
    [row_id] = care_leaver_check_ins_write().written
    assert delivery.notification_deliver(notification_id=row_id).status == "sent"
    [prompt] = bot_api.bot_messages(CHAT)[-1:]
    assert prompt["text"].startswith("Hi Jordan! Your 18th birthday is coming up.")
    assert [row[0] for row in all_buttons(bot_api, CHAT)][:2] == [
        ("School or college, full-time", "b:a:F2"), ("School or college, part-time", "b:a:P2")]

    assert tap(running_bot, bot_api, CHAT, "b:a:F5") == [texts.CHECKIN_ASK_HOME]
    assert tap(running_bot, bot_api, CHAT, "b:h:F5:U") == [texts.CHECKIN_ASK_SUITABLE]
    assert tap(running_bot, bot_api, CHAT, "b:s:F5:U:1") == [texts.CHECKIN_SAVED]
    assert all(said["edited"] and said["message_id"] == prompt["message_id"]
               for said in bot_api.bot_messages(CHAT)[-3:])
    record = m.CareLeaverRecord.objects.get(young_person=p.young_person)
    assert (record.age, record.activity, record.accommodation, record.status) == (
        18, "F5", "U1", m.RecordStatus.DRAFT)
    # Answered: the next day's task asks no more.
    assert care_leaver_check_ins_write().due == 0
