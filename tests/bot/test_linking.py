"""Linking through the bot, and what it refuses: a stranger's chat is told how to link and
nothing else; an expired code, a used code and a brute-force run of codes are refused with the
same few words; a Telegram account linked to someone else is not linked again; and bad input
(too long, not text, too fast, a group chat, an unknown command) gets a polite answer or none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from bot import handlers, texts
from outcomes import models as m
from outcomes.services import telegram_link_code_create
from outcomes.services.telegram_links import MAX_WRONG_CODES

from .conftest import SECRET

pytestmark = pytest.mark.django_db(transaction=True)

STRANGER = 6100


def assert_says_nothing_about_anyone(bot_api, chat_id: int, world) -> None:
    for message in bot_api.sent_messages(chat_id):
        text = message["text"]
        for secret in (SECRET, "Jordan", world.personas.young_person.child_id,
                       world.personas.adviser.first_name, world.personas.adviser.email,
                       "Your plan", "Agreed on"):
            assert secret not in text, text


def test_a_strangers_chat_is_told_how_to_link_and_nothing_else(running_bot, bot_api,
                                                               plan_world):
    for said in ("/start", "/plan", "/review", "/contact", "/stop", "/goals", "hello",
                 "when's my next meeting?", "/plan@waymark_test_bot"):
        assert running_bot.say(STRANGER, said) == texts.HOW_TO_LINK, said
    before = len(bot_api.sent_messages(STRANGER))
    bot_api.inject_photo(STRANGER)
    assert bot_api.wait_for_messages(STRANGER, before + 1)[-1]["text"] == texts.HOW_TO_LINK
    # Urgent help is for anyone; it says nothing about anyone.
    assert running_bot.say(STRANGER, "/help") == texts.help_text(
        "", linked=False, ack_minutes=settings.SAFEGUARDING_ACK_MINUTES)
    assert_says_nothing_about_anyone(bot_api, STRANGER, plan_world)
    assert not m.TelegramLink.objects.exists()
    assert not m.AccessEvent.objects.filter(channel=m.Channel.TELEGRAM).exists()
    assert bot_api.commands(scope={"type": "chat", "chat_id": STRANGER}) == []
    assert [c["command"] for c in bot_api.commands(scope={"type": "all_private_chats"})] == [
        "start", "help"]


def test_an_expired_code_and_a_used_code_are_refused(running_bot, bot_api, plan_world):
    p = plan_world.personas
    assert running_bot.say(6200, f"/start {plan_world.code}").startswith("You're connected")
    assert running_bot.say(STRANGER, f"/start {plan_world.code}") == texts.LINK_FAILED
    assert running_bot.say(STRANGER, "/plan") == texts.HOW_TO_LINK
    assert m.TelegramLink.objects.get(active=True).chat_id == 6200

    # Made after the link (a new code ends every older open one, so not before it).
    expired = telegram_link_code_create(
        actor=p.adviser, young_person=p.young_person,
        now=timezone.now() - dt.timedelta(minutes=16)).code
    assert running_bot.say(STRANGER, f"/start {expired}") == texts.LINK_FAILED
    assert m.TelegramLink.objects.get(active=True).chat_id == 6200
    assert_says_nothing_about_anyone(bot_api, STRANGER, plan_world)


def test_a_brute_force_run_of_codes_cools_the_chat_off(running_bot, bot_api, plan_world):
    wrong = ["A" * 32, "not-a-code", "x", "B" * 64, "C" * 70]
    assert len(wrong) == MAX_WRONG_CODES
    for code in wrong:
        assert running_bot.say(STRANGER, f"/start {code}") == texts.LINK_FAILED
    # The sixth is refused without being looked at, even the right code.
    assert running_bot.say(STRANGER, f"/start {plan_world.code}") == texts.LINK_COOLING_OFF
    assert running_bot.say(STRANGER, "/plan") == texts.HOW_TO_LINK
    assert m.TelegramLinkCode.objects.get().used_at is None
    assert not m.TelegramLink.objects.exists()
    assert_says_nothing_about_anyone(bot_api, STRANGER, plan_world)
    # Another chat is not cooled off.
    assert running_bot.say(6300, f"/start {plan_world.code}").startswith("You're connected")


def test_a_telegram_account_linked_to_someone_else_is_not_linked_again(running_bot, bot_api,
                                                                       plan_world):
    p = plan_world.personas
    running_bot.say(6400, f"/start {plan_world.code}")
    staff_code = telegram_link_code_create(actor=p.adviser, user=p.adviser).code
    assert running_bot.say(6400, f"/start {staff_code}") == texts.ACCOUNT_TAKEN
    assert m.TelegramLink.objects.get(active=True).user == p.young_person_user
    assert m.TelegramLinkCode.objects.get(user=p.adviser).used_at is None


def test_bad_input_gets_a_polite_answer_or_none(running_bot, bot_api, plan_world):
    chat = 6500
    running_bot.say(chat, f"/start {plan_world.code}")
    assert running_bot.say(chat, "x" * 2001) == texts.TOO_LONG
    assert running_bot.say(chat, "/plan " + "x" * 2001) == texts.TOO_LONG
    before = len(bot_api.sent_messages(chat))
    bot_api.inject_photo(chat)
    assert bot_api.wait_for_messages(chat, before + 1)[-1]["text"] == texts.ONLY_TEXT
    unknown = running_bot.say(chat, "/whatever")
    assert unknown == texts.with_menu(texts.UNKNOWN_COMMAND, texts.COMMANDS_YOUNG_PERSON)

    # A group: nothing is said there, not even to a linked person.
    bot_api.inject_message(-9000, "/plan", user_id=chat)
    assert running_bot.say(chat, "/help")
    running_bot.settle()  # chats are handled at once: the group's update too, by now
    assert bot_api.sent_messages(-9000) == []

    # Too fast: after RATE_LIMIT messages in a minute, one "slow down", then silence; another
    # chat is answered all the same.
    fast = 6600
    for _ in range(handlers.RATE_LIMIT + 3):
        bot_api.inject_message(fast, "/plan")
    bot_api.inject_message(STRANGER, "/start")
    bot_api.wait_for_messages(STRANGER, 1)
    bot_api.wait_for_messages(fast, handlers.RATE_LIMIT + 1)
    running_bot.settle()
    said = [message["text"] for message in bot_api.sent_messages(fast)]
    assert said == [texts.HOW_TO_LINK] * handlers.RATE_LIMIT + [texts.SLOW_DOWN]
    assert_says_nothing_about_anyone(bot_api, STRANGER, plan_world)
