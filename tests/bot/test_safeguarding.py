"""Someone may not be safe, end to end over HTTP through the local Bot API server: a risk message
gets the urgent help at once, first lines for its kind and always the whole list, whatever the
rate limit, the length, the conversation the chat is in, or the hour; the alert keeps the words
and tells the adviser (and duty, out of office hours); "Do you want someone to call you now?" is
answered truthfully; an everyday idiom is left alone; a detector error is a risk; a database
that is down still leaves the numbers. Staff acknowledge from the button under the alert; a
stranger is refused; a second press says who was first."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError
from django.utils import timezone
from telegram.constants import ChatType

from bot import handlers, keyboards, safeguarding, texts
from config.celery import app as celery_app
from outcomes import models as m
from outcomes.rules.dates import is_working_day
from outcomes.services import delivery, telegram_link_code_create
from outcomes.services import safeguarding as core

from .test_goals_and_views import buttons, jordans_goals, press, tap

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 5151
ADVISER_CHAT = 6161
STRANGER_CHAT = 6262
MANAGER_CHAT = 6363
OUT_OF_HOURS = "020 7946 0999"
DUTY = "duty@council.example"
LONDON = ZoneInfo("Europe/London")
# Every number of the urgent help list, in every answer to a risk.
NUMBERS = ("999", "116 123", "85258", "0800 1111", "0808 800 4444", "NHS 111", OUT_OF_HOURS)
# A risk message that opens an alert (22 measured): the link (1); the core's alert (the young
# person locked, no open alert, the alert and its history, the message, who is told: the
# allocation, the managers, their links, the outbox rows; the transaction); the adviser's first
# name through the policy (2) and its trace (1).
RISK_BUDGET = 24
# "Yes, call me" (21 measured): the link; the core's answer, told at once to the same people
# (the alert locked, the outbox's rows as for a new alert); the adviser's first name and trace.
CALL_BACK_BUDGET = 22
# A member of staff's press: the choices (2: the link, the alert through the policy); an
# acknowledgement (23 measured: the link, the core's policy check, lock, validation, save with
# history, the pending reminders cancelled, who acknowledged).
CHOICES_BUDGET = 2
ACK_BUDGET = 24
SLOW_DB_SECONDS = 2.0


@pytest.fixture(autouse=True)
def outbox_quiet(monkeypatch, settings):
    """The outbox's rows are written but not sent by a worker (their delivery is tested where
    it matters, through `delivery`); the council's numbers and duty address are set."""
    monkeypatch.setattr(celery_app, "send_task", lambda *args, **kwargs: None)
    settings.OUT_OF_HOURS_PHONE = OUT_OF_HOURS
    settings.WAYMARK_DUTY_EMAIL = DUTY
    settings.SAFEGUARDING_OFFICE_HOURS = (dt.time(9), dt.time(17))


def linked(running_bot, world) -> None:
    running_bot.say(CHAT, f"/start {world.code}")


def in_office_hours(monkeypatch) -> None:
    """The clock at 11:00 in London on the last working day, so that duty is told only when
    nobody acts."""
    day = timezone.localdate() - dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    moment = dt.datetime.combine(day, dt.time(11), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def risk(running_bot, words: str, *, chat: int = CHAT, **kwargs) -> tuple[str, str]:
    """Type `words`: the urgent help, then who was told and the question."""
    help_now, told = running_bot.send(chat, words, expect=2, **kwargs)
    return help_now, told


def the_alert(world) -> m.SafeguardingAlert:
    [alert] = m.SafeguardingAlert.objects.filter(young_person=world.personas.young_person)
    return alert


def assert_full_help(answer: str) -> None:
    for number in NUMBERS:
        assert number in answer, (number, answer)


# --- The answer, for each kind ------------------------------------------------------------------


@pytest.mark.parametrize(("words", "kind", "first"), [
    ("I want to die", "self_harm", "If you have hurt yourself or taken something"),
    ("kms", "self_harm", "If you have hurt yourself or taken something"),
    ("i got kicked out and have nowhere to sleep tonight", "nowhere_safe",
     "call Shelter free on 0808 800 4444"),
    ("my boyfriend hit me again", "harm_from_others", "0808 2000 247"),
])
def test_a_risk_gets_the_help_at_once_and_an_alert_with_the_words(
        running_bot, bot_api, plan_world, monkeypatch, words, kind, first):
    p = plan_world.personas
    in_office_hours(monkeypatch)
    linked(running_bot, plan_world)

    with running_bot.queries() as queries:
        help_now, told = risk(running_bot, words)
    assert len(queries) <= RISK_BUDGET, len(queries)

    assert help_now.startswith(texts.RISK_LEAD)
    assert first in help_now.split("- ")[0]  # the lines for the kind come before the list
    assert_full_help(help_now)
    assert texts.RISK_NOT_CONNECTED not in help_now
    if kind == "nowhere_safe":  # Shelter first in the list for a night without a bed
        assert help_now.split("\n- ")[1].startswith("Nowhere safe to sleep tonight")
    assert told == texts.risk_told(f"{p.adviser.first_name} (your adviser) and their manager")
    alert = the_alert(plan_world)
    assert buttons_of(bot_api) == [[(texts.CALL_BACK_YES, f"cb:{alert.pk}:yes"),
                                    (texts.CALL_BACK_NO, f"cb:{alert.pk}:no")]]
    assert kind in alert.kinds and alert.channel == m.Channel.TELEGRAM and alert.is_open
    assert [message.text for message in alert.messages.all()] == [words]
    # The adviser and the manager are told, by email and without the words; duty is not, yet.
    rows = m.Notification.objects.filter(event_key__startswith=f"safeguarding:{alert.pk}:")
    assert {row.recipient for row in rows} == {p.adviser, p.manager}
    assert all(words not in row.subject + row.body for row in rows)


def buttons_of(bot_api, chat: int = CHAT) -> list[list[tuple[str, str]]]:
    markup = bot_api.bot_messages(chat)[-1].get("reply_markup") or {}
    return [[(b["text"], b["callback_data"]) for b in row]
            for row in markup.get("inline_keyboard", [])]


def test_an_everyday_idiom_is_not_a_risk(running_bot, plan_world):
    linked(running_bot, plan_world)
    for words in ("college is killing me", "I could murder a pizza", "my phone died"):
        answer = running_bot.say(CHAT, words)
        assert "116 123" not in answer, words
    assert not m.SafeguardingAlert.objects.exists()


def test_a_chat_not_connected_gets_the_numbers_and_nothing_is_written(running_bot, plan_world):
    answer = running_bot.say(STRANGER_CHAT, "I'm not safe at home, he hits me")
    assert_full_help(answer)
    assert answer.endswith(texts.RISK_NOT_CONNECTED)
    assert answer.index("0808 2000 247") < answer.index("call Shelter free")  # danger first
    assert not m.SafeguardingAlert.objects.exists() and not m.Notification.objects.exists()


def test_a_link_code_is_never_read_as_words(running_bot, plan_world):
    code = "CSViNYY-MZR3hOu25IO0ZZGdWvXt5_dv"  # a code the detector would flag as words ("dv")
    assert safeguarding.safeguarding_risk_in(code).at_risk
    assert running_bot.say(STRANGER_CHAT, f"/start {code}") == texts.LINK_FAILED
    assert running_bot.say(CHAT, f"/start {plan_world.code}").startswith("You're connected")
    assert not m.SafeguardingAlert.objects.exists()


def test_staffs_own_words_go_on_as_usual(running_bot, plan_world):
    p = plan_world.personas
    code = telegram_link_code_create(actor=p.adviser, user=p.adviser).code
    running_bot.say(ADVISER_CHAT, f"/start {code}")
    # Words the detector finds a risk in, in a member of staff's chat: theirs, not a risk to them.
    answer = running_bot.say(ADVISER_CHAT, "Jordan said: i want to kill myself")
    assert answer == texts.with_menu(texts.NOT_UNDERSTOOD, texts.COMMANDS_CASEWORKER)
    assert not m.SafeguardingAlert.objects.exists()


# --- Never held back ----------------------------------------------------------------------------


def test_a_risk_mid_goal_note_is_not_saved_as_the_note(running_bot, bot_api, plan_world):
    linked(running_bot, plan_world)
    running_bot.say(CHAT, "/goals")
    _, school, _ = jordans_goals(plan_world)
    tap(running_bot, bot_api, CHAT, f"g:{school.pk}:s:1")  # now waiting for a note

    help_now, told = risk(running_bot, "started but honestly i want to end it all")
    assert_full_help(help_now)
    assert told.startswith(texts.RISK_NOTE_NOT_SAVED) and told.endswith(texts.CALL_BACK_ASK)
    assert not school.progress.exists()
    assert [msg.text for msg in the_alert(plan_world).messages.all()] == [
        "started but honestly i want to end it all"]
    # No longer waiting: the next words are words, not a note.
    running_bot.say(CHAT, "thanks")
    assert not school.progress.exists()


def test_a_risk_mid_views_is_not_saved_as_views(running_bot, bot_api, plan_world):
    linked(running_bot, plan_world)
    running_bot.say(CHAT, "/review")
    tap(running_bot, bot_api, CHAT, "v:ask")
    sections = {words: data for [(words, data)] in buttons(bot_api, CHAT)}
    tap(running_bot, bot_api, CHAT, sections["Money"])  # now waiting for their views

    help_now, told = risk(running_bot, "nobody would care if i was gone")
    assert_full_help(help_now)
    assert told.startswith(texts.RISK_VIEW_NOT_SAVED)
    assert not m.YoungPersonView.objects.filter(
        recorded_by=plan_world.personas.young_person_user).exists()
    assert the_alert(plan_world).is_open


def test_a_risk_past_the_rate_limit_still_gets_the_help(running_bot, plan_world):
    linked(running_bot, plan_world)
    for _ in range(handlers.RATE_LIMIT - 1):  # with /start: as many as a minute allows
        running_bot.send(CHAT, "/help")
    assert running_bot.say(CHAT, "hello") == texts.SLOW_DOWN  # the limit holds for the rest
    help_now, _ = risk(running_bot, "I am going to hurt myself")
    assert_full_help(help_now)
    assert the_alert(plan_world).is_open


def test_a_long_risk_message_still_gets_the_help_and_keeps_every_word(running_bot, plan_world):
    linked(running_bot, plan_world)
    long_words = "I can't cope any more. " * 100 + "I want to end it all."
    assert len(long_words) > texts.MAX_MESSAGE_LENGTH
    help_now, _ = risk(running_bot, long_words)
    assert_full_help(help_now)
    assert [msg.text for msg in the_alert(plan_world).messages.all()] == [long_words]
    # An ordinary long message is still refused politely.
    assert running_bot.say(CHAT, "a" * (texts.MAX_MESSAGE_LENGTH + 1)) == texts.TOO_LONG


def test_a_risk_in_a_photos_caption_gets_the_help(running_bot, bot_api, plan_world):
    linked(running_bot, plan_world)
    before = len(bot_api.sent_messages(CHAT))
    bot_api.inject_photo(CHAT, caption="this is what i did to my arms tonight, i cut myself")
    help_now, told = (said["text"] for said in bot_api.wait_for_messages(CHAT, before + 2)
                      [before:])
    assert_full_help(help_now)
    assert told.endswith(texts.CALL_BACK_ASK)
    assert "self_harm" in the_alert(plan_world).kinds
    # A photo with no words, or everyday words, is still text only.
    before = len(bot_api.sent_messages(CHAT))
    bot_api.inject_photo(CHAT, caption="my new flat")
    [said] = bot_api.wait_for_messages(CHAT, before + 1)[before:]
    assert said["text"] == texts.ONLY_TEXT


def test_at_2am_on_a_bank_holiday_the_answer_is_the_same_and_duty_is_told(
        running_bot, bot_api, plan_world, monkeypatch):
    p = plan_world.personas
    linked(running_bot, plan_world)
    today = timezone.localdate()  # the last Christmas Day, a bank holiday, at 2 am
    year = today.year if today > dt.date(today.year, 12, 25) else today.year - 1
    christmas_night = dt.datetime(year, 12, 25, 2, 0, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: christmas_night)

    help_now, told = risk(running_bot, "I want to die")
    assert help_now == texts.risk_help(["self_harm"], OUT_OF_HOURS, connected=True)
    assert told == texts.risk_told(f"{p.adviser.first_name} (your adviser), their manager and "
                                   "the council's out-of-hours team")
    alert = the_alert(plan_world)
    assert alert.duty_told_at == christmas_night
    [duty] = m.Notification.objects.filter(event_key__startswith=f"safeguarding:{alert.pk}:",
                                           recipient=None)
    assert (duty.address, duty.channel) == (DUTY, m.NotificationChannel.EMAIL)
    assert "I want to die" not in duty.subject + duty.body


# --- Do you want someone to call you now? -------------------------------------------------------


def test_yes_asks_for_a_call_and_the_adviser_is_told(running_bot, bot_api, plan_world,
                                                     monkeypatch):
    p = plan_world.personas
    in_office_hours(monkeypatch)
    linked(running_bot, plan_world)
    risk(running_bot, "i dont want to be here anymore")
    alert = the_alert(plan_world)

    with running_bot.queries() as queries:
        [answer] = press(bot_api, CHAT, keyboards.call_back_data(alert.pk, wanted=True))
    assert len(queries) <= CALL_BACK_BUDGET, len(queries)
    assert answer["edited"] and answer["reply_markup"] is None
    assert answer["text"] == texts.call_back_answer(
        f"{p.adviser.first_name} (your adviser) and their manager", wanted=True)
    alert.refresh_from_db()
    assert alert.callback_wanted is True
    assert m.Notification.objects.filter(event_key=f"safeguarding:{alert.pk}:callback",
                                         recipient=p.adviser).exists()


def test_no_is_answered_and_recorded(running_bot, bot_api, plan_world):
    linked(running_bot, plan_world)
    risk(running_bot, "i want to kill myself")
    alert = the_alert(plan_world)
    assert tap(running_bot, bot_api, CHAT, keyboards.call_back_data(alert.pk, wanted=False)) == [
        texts.call_back_answer("", wanted=False)]
    alert.refresh_from_db()
    assert alert.callback_wanted is False
    assert not m.Notification.objects.filter(event_key__endswith=":callback").exists()


def test_a_forged_call_back_changes_nothing(running_bot, bot_api, plan_world):
    linked(running_bot, plan_world)
    running_bot.say(STRANGER_CHAT, "/help")
    p = plan_world.personas
    other = m.SafeguardingAlert.objects.create(
        young_person=p.other_young_person, kinds=["self_harm"], raised_at=timezone.now(),
        channel=m.Channel.WEB)
    for data in (f"cb:{other.pk}:yes", "cb:x:yes"):
        running_bot.say(CHAT, "/help")  # a fresh message to press under
        assert tap(running_bot, bot_api, CHAT, data) == [texts.CALL_BACK_NOT_FOUND]
    assert tap(running_bot, bot_api, STRANGER_CHAT, f"cb:{other.pk}:yes") == [texts.HOW_TO_LINK]
    other.refresh_from_db()
    assert other.callback_wanted is None


# --- When things fail ---------------------------------------------------------------------------


def test_a_detector_error_is_a_risk(running_bot, plan_world, monkeypatch):
    def broken(text):
        raise RuntimeError("the detector broke")

    linked(running_bot, plan_world)
    monkeypatch.setattr(core, "assess", broken)
    help_now, told = risk(running_bot, "see you at the meeting")
    assert_full_help(help_now)
    assert told.endswith(texts.CALL_BACK_ASK)
    assert the_alert(plan_world).kinds == ["unclear"]


def test_the_help_does_not_wait_for_the_database(running_bot, bot_api, plan_world,
                                                 monkeypatch):
    real = safeguarding.safeguarding_alert_raise

    def slow(**kwargs):
        time.sleep(SLOW_DB_SECONDS)
        return real(**kwargs)

    linked(running_bot, plan_world)
    monkeypatch.setattr(safeguarding, "safeguarding_alert_raise", slow)
    before = len(bot_api.sent_messages(CHAT))
    started = time.monotonic()
    bot_api.inject_message(CHAT, "I want to die")
    [help_now] = bot_api.wait_for_messages(CHAT, before + 1)[before:before + 1]
    waited = time.monotonic() - started
    assert help_now["text"].startswith(texts.RISK_LEAD)
    assert waited < SLOW_DB_SECONDS / 2, waited
    told = bot_api.wait_for_messages(CHAT, before + 2)[before + 1]
    assert told["text"].endswith(texts.CALL_BACK_ASK)
    assert time.monotonic() - started >= SLOW_DB_SECONDS


def test_with_the_database_down_the_numbers_still_come(running_bot, plan_world, monkeypatch,
                                                       caplog):
    def down(**kwargs):
        raise OperationalError(f"could not write {kwargs['text']}")

    linked(running_bot, plan_world)
    monkeypatch.setattr(safeguarding, "safeguarding_alert_raise", down)
    with caplog.at_level(logging.ERROR):
        help_now, told = risk(running_bot, "I want to die tonight")
    assert_full_help(help_now)
    assert told == texts.RISK_TOLD_NOBODY
    assert "OperationalError" in caplog.text and "die tonight" not in caplog.text


def test_with_the_database_down_before_the_chat_is_known_the_numbers_still_come(
        running_bot, plan_world, monkeypatch, caplog):
    def down(**kwargs):
        raise OperationalError("the server closed the connection")

    linked(running_bot, plan_world)
    monkeypatch.setattr(handlers, "telegram_link_active_for", down)
    with caplog.at_level(logging.ERROR):
        help_now, told = risk(running_bot, "i want to end it all")
    assert_full_help(help_now)
    assert texts.RISK_NOT_CONNECTED not in help_now
    assert told == texts.RISK_TOLD_NOBODY
    assert "OperationalError" in caplog.text and "end it all" not in caplog.text


# --- Staff acknowledge from the bot ------------------------------------------------------------


def link_staff(running_bot, chat: int, user: m.User) -> None:
    code = telegram_link_code_create(actor=user, user=user).code
    running_bot.say(chat, f"/start {code}")


def delivered_alert(bot_api, settings, alert: m.SafeguardingAlert, user: m.User) -> dict:
    """The outbox's Telegram row of `alert` to `user`, sent to the fake: the message the bot
    sees the button pressed under."""
    settings.TELEGRAM_BOT_TOKEN = bot_api.token
    settings.TELEGRAM_API_BASE_URL = bot_api.base_url
    row = m.Notification.objects.get(event_key=f"safeguarding:{alert.pk}:round:0",
                                     recipient=user, channel=m.NotificationChannel.TELEGRAM)
    assert delivery.notification_deliver(notification_id=row.pk).status == "sent"
    return bot_api.bot_messages(row.recipient.telegram_links.get().chat_id)[-1]


def test_staff_acknowledge_from_the_button_and_a_stranger_is_refused(
        running_bot, bot_api, plan_world, settings, monkeypatch):
    p = plan_world.personas
    in_office_hours(monkeypatch)
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    link_staff(running_bot, STRANGER_CHAT, p.other_adviser)
    link_staff(running_bot, MANAGER_CHAT, p.manager)
    linked(running_bot, plan_world)
    risk(running_bot, "i want to die")
    alert = the_alert(plan_world)
    message = delivered_alert(bot_api, settings, alert, p.adviser)
    assert [[button["callback_data"] for button in row]
            for row in message["reply_markup"]["inline_keyboard"]] == [[f"sga:{alert.pk}"]]

    # The choices: every action but "other", with the core's words; the alert's text kept.
    with running_bot.queries() as queries:
        [choices] = press(bot_api, ADVISER_CHAT, f"sga:{alert.pk}")
    assert len(queries) <= CHOICES_BUDGET, len(queries)
    assert choices["edited"] and choices["text"] == f"{message['text']}\n\n{texts.SGA_ASK}"
    assert buttons_of(bot_api, ADVISER_CHAT) == [
        [(action.label, f"sga:{alert.pk}:{action.value}")]
        for action in m.SafeguardingAction if action != m.SafeguardingAction.OTHER]

    # A stranger (another team's adviser) is refused, with nothing said about the alert.
    for data in (f"sga:{alert.pk}", f"sga:{alert.pk}:called", "sga:bogus"):
        running_bot.say(STRANGER_CHAT, "/help")  # a fresh message to press under
        assert tap(running_bot, bot_api, STRANGER_CHAT, data) == [texts.SGA_REFUSED]
    alert.refresh_from_db()
    assert alert.is_open and alert.acknowledged_by is None
    # So is the young person.
    running_bot.say(CHAT, "/help")
    assert tap(running_bot, bot_api, CHAT, f"sga:{alert.pk}:called") == [texts.SGA_REFUSED]

    # The adviser acknowledges.
    with running_bot.queries() as queries:
        [done] = press(bot_api, ADVISER_CHAT, f"sga:{alert.pk}:called")
    assert len(queries) <= ACK_BUDGET, len(queries)
    assert done["edited"] and done["reply_markup"] is None
    assert done["text"] == (f"{message['text']}\n\n"
                            + texts.sga_acknowledged(m.SafeguardingAction.CALLED.label))
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.action, alert.acknowledged_channel) == (
        m.SafeguardingStatus.ACKNOWLEDGED, p.adviser, "called", m.Channel.TELEGRAM)

    # The manager presses later: who was first, and when.
    manager_message = delivered_alert(bot_api, settings, alert, p.manager)
    [later] = press(bot_api, MANAGER_CHAT, f"sga:{alert.pk}:seen")
    when = timezone.localtime(alert.acknowledged_at)
    assert later["text"] == f"{manager_message['text']}\n\n" + texts.sga_already(
        p.adviser.get_full_name(), when, today=when.date())
    assert f"at {when:%H:%M}" in later["text"]
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.action) == (p.adviser, "called")


def test_tried_but_could_not_reach_them_keeps_the_alert_open(running_bot, bot_api, plan_world,
                                                              settings, monkeypatch):
    p = plan_world.personas
    in_office_hours(monkeypatch)
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    linked(running_bot, plan_world)
    risk(running_bot, "im going to overdose tonight")
    alert = the_alert(plan_world)
    message = delivered_alert(bot_api, settings, alert, p.adviser)
    press(bot_api, ADVISER_CHAT, f"sga:{alert.pk}")
    [tried] = press(bot_api, ADVISER_CHAT, f"sga:{alert.pk}:no_contact")
    assert tried["text"] == f"{message['text']}\n\n" + texts.sga_no_contact(
        m.SafeguardingAction.NO_CONTACT.label)
    assert buttons_of(bot_api, ADVISER_CHAT)  # the choices stay, for when someone does
    alert.refresh_from_db()
    assert alert.is_open
    [done] = press(bot_api, ADVISER_CHAT, f"sga:{alert.pk}:seen")
    assert done["text"] == f"{message['text']}\n\n" + texts.sga_acknowledged(
        m.SafeguardingAction.SEEN.label)


# --- /help says what happens, and when -----------------------------------------------------------


def test_help_says_what_happens_and_when(running_bot, plan_world, settings):
    settings.SAFEGUARDING_ACK_MINUTES = 20
    p = plan_world.personas
    linked(running_bot, plan_world)
    young = running_bot.say(CHAT, "/help")
    assert young == texts.help_text(OUT_OF_HOURS, linked=True, ack_minutes=20)
    for words in ("straight away", "your adviser and their manager", "within 20 minutes",
                  "bank holidays", "out-of-hours team", "Nobody watches this chat all the time",
                  "call 999"):
        assert words in young, words
    assert_full_help(young)
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    staff = running_bot.say(ADVISER_CHAT, "/help")
    assert staff == texts.staff_help(texts.COMMANDS_CASEWORKER, ack_minutes=20)
    assert "within 20 minutes" in staff and "acknowledge it on Waymark" in staff


# --- The gate's own memory ----------------------------------------------------------------------


def test_the_rate_limits_memory_forgets_quiet_chats(monkeypatch):
    monkeypatch.setattr(handlers, "PRUNE_ABOVE", 3)
    now = handlers.time.monotonic()
    bot_data = {"recent": {chat: collections.deque([now - 120]) for chat in range(5)}}
    update = SimpleNamespace(
        effective_chat=SimpleNamespace(id=99, type=ChatType.PRIVATE),
        effective_user=SimpleNamespace(id=99), message=None, effective_message=None)
    asyncio.run(handlers.gate(update, SimpleNamespace(bot_data=bot_data)))
    assert list(bot_data["recent"]) == [99]
