"""Free text in plain words leads to the same actions as the commands: a table of phrases and
what each does, end to end through the local Bot API server; "did you mean ...?" buttons when
the bot is not sure; the menu when it has no idea. The words are never logged."""

from __future__ import annotations

import logging

import pytest

from bot import intents, texts

from .test_goals_and_views import all_buttons, press

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 4444


@pytest.mark.parametrize(("said", "intent", "good_news"), [
    ("when's my next meeting", "review", False),
    ("When is my next meeting?", "review", False),
    ("who's my PA", "contact", False),
    ("Who is my adviser", "contact", False),
    ("whos my advisor", "contact", False),
    ("what's my plan", "plan", False),
    ("my goals", "goals", False),
    ("I finished my CV", "goals", True),
    ("I've got a job!!", "goals", True),
    ("stop", "stop", False),
    ("help", "help", False),
])
def test_sure_matches(said, intent, good_news):
    assert intents.guess(said) == intents.Guess(intent, good_news=good_news)


@pytest.mark.parametrize(("said", "offers"), [
    ("when's my meting", ("review",)),
    ("can you help me with my plan", ("plan", "help")),
    ("I got a new job at tesco", ("goals",)),
])
def test_unsure_matches_are_offered(said, offers):
    assert intents.guess(said) == intents.Guess(None, offers=offers)


@pytest.mark.parametrize("said", ["I like turtles", "what is the weather", "ok thanks", "", "!!"])
def test_no_match(said):
    assert intents.guess(said) == intents.Guess(None)


def test_phrases_lead_to_the_actions(running_bot, bot_api, plan_world, caplog):
    p = plan_world.personas
    caplog.set_level(logging.DEBUG)
    running_bot.say(CHAT, f"/start {plan_world.code}")
    table = [
        ("when's my next meeting", "Your next meeting should be by"),
        ("who's my PA", f"Your adviser is {p.adviser.first_name}."),
        ("who is my adviser", f"Your adviser is {p.adviser.first_name}."),
        ("what's my plan", "Your plan\nAgreed on"),
        ("my goals", "Your goals\n\n1. "),
        ("I finished my CV", f"{texts.GOAL_NEWS}\n\n1. "),
        ("I've got a job", f"{texts.GOAL_NEWS}\n\n1. "),
        ("help", "I'm the Waymark bot."),
        ("I like turtles", texts.NOT_SURE),
        ("stop", texts.STOPPED),
    ]
    for said, answer in table:
        assert running_bot.say(CHAT, said).startswith(answer), said
    for record in caplog.records:  # the bot logs no word typed to it
        assert "turtles" not in record.getMessage() and "finished my CV" not in record.getMessage()


def test_did_you_mean_offers_buttons_that_do_it(running_bot, bot_api, plan_world):
    running_bot.say(CHAT, f"/start {plan_world.code}")
    assert running_bot.say(CHAT, "when's my meting") == texts.DID_YOU_MEAN
    markup = bot_api.sent_messages(CHAT)[-1]["reply_markup"]["inline_keyboard"]
    assert [[(b["text"], b["callback_data"]) for b in row] for row in markup] == [
        [("My next meeting", "i:review")], [(texts.SOMETHING_ELSE, "i:menu")]]

    # Each button answers on the message it was under.
    [answer] = press(bot_api, CHAT, "i:review")
    assert answer["text"].startswith("Your next meeting") and answer["edited"]
    [answer] = press(bot_api, CHAT, "i:menu")  # "Something else": the menu
    assert answer["text"] == texts.MENU and answer["edited"]
    assert ("My goals", "i:goals") in [button for row in all_buttons(bot_api, CHAT)
                                       for button in row]


def test_a_stranger_typing_words_is_told_how_to_link(running_bot, plan_world):
    assert running_bot.say(8888, "who's my PA") == texts.HOW_TO_LINK
