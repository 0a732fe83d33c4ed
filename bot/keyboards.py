"""The bot's inline keyboards. Callback data is short and opaque (≤ 64 bytes): an owner's prefix
and ids, never names; every id in it is checked again against the policy when it comes back.

Prefixes: "g:" goal progress, "v:" views, "i:" did-you-mean, "u:" unlink, "b:" birthday
check-in (this module);
"s:" staff (bot/staff.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from outcomes.models import Goal, GoalStatus, PlanSection

from . import texts

GOAL = "g"
VIEW = "v"
INTENT = "i"
UNLINK = "u"
CHECKIN = "b"

# One letter per status a young person may choose, in callback data.
STATUS_CODES = {"n": GoalStatus.NOT_STARTED, "s": GoalStatus.STARTED, "d": GoalStatus.DONE}
CODE_FOR_STATUS = {status: code for code, status in STATUS_CODES.items()}
SKIP_NOTE = "k"  # after a goal's callback data: save it without a note
VIEW_ASK = "ask"
VIEW_SECTION = "s"
MENU = "menu"
YES, NO = "yes", "no"


def goal_data(goal: Goal, status: str, *, skip: bool = False) -> str:
    data = f"{GOAL}:{goal.pk}:{CODE_FOR_STATUS[status]}:{goal.version}"
    return f"{data}:{SKIP_NOTE}" if skip else data


def goals(items: Iterable[Goal], *, first: int = 1) -> InlineKeyboardMarkup | None:
    """One row per goal: its number and each status it can be given."""
    rows = [[InlineKeyboardButton(f"{number}: {words}", callback_data=goal_data(goal, status))
             for status, words in texts.GOAL_CHOICES]
            for number, goal in enumerate(items, start=first)]
    return InlineKeyboardMarkup(rows) if rows else None


def skip_note(goal: Goal, status: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.SKIP, callback_data=goal_data(goal, status, skip=True))]])


def tell_adviser() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.TELL_ADVISER, callback_data=f"{VIEW}:{VIEW_ASK}")]])


def sections(items: Iterable[PlanSection]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.HEADINGS.get(section.heading, section.get_heading_display()),
        callback_data=f"{VIEW}:{VIEW_SECTION}:{section.pk}")] for section in items])


def did_you_mean(intents: Iterable[str]) -> InlineKeyboardMarkup:
    row = [InlineKeyboardButton(texts.INTENT_BUTTONS[intent], callback_data=f"{INTENT}:{intent}")
           for intent in intents]
    return InlineKeyboardMarkup([row, [InlineKeyboardButton(
        texts.SOMETHING_ELSE, callback_data=f"{INTENT}:{MENU}")]])


def unlink_sure() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.UNLINK_YES, callback_data=f"{UNLINK}:{YES}"),
        InlineKeyboardButton(texts.UNLINK_NO, callback_data=f"{UNLINK}:{NO}"),
    ]])


def checkin_activities() -> InlineKeyboardMarkup:
    """b:a:<ACTIV>"""
    return InlineKeyboardMarkup([[InlineKeyboardButton(words, callback_data=f"{CHECKIN}:a:{code}")]
                                 for code, words in texts.CHECKIN_ACTIVITIES])


def checkin_homes(activity: str) -> InlineKeyboardMarkup:
    """b:h:<ACTIV>:<letter>"""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        words, callback_data=f"{CHECKIN}:h:{activity}:{letter}")]
        for letter, words in texts.CHECKIN_HOMES])


def checkin_suitable(activity: str, letter: str) -> InlineKeyboardMarkup:
    """b:s:<ACTIV>:<letter>:<1 suitable | 2 unsuitable>"""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.CHECKIN_YES, callback_data=f"{CHECKIN}:s:{activity}:{letter}:1"),
        InlineKeyboardButton(texts.CHECKIN_NO, callback_data=f"{CHECKIN}:s:{activity}:{letter}:2"),
    ]])
