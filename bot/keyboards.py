"""The bot's inline keyboards. Callback data is short and opaque (≤ 64 bytes): an owner's prefix
and ids, never names; every id in it is checked again against the policy when it comes back.

Prefixes: "g:" goal progress, "v:" views, "i:" an action (did-you-mean, the menu's buttons, and
Back to a list or a screen), "u:" unlink, "b:" birthday check-in, "m" the menu, "cb:" a young
person's answer to "Do you want someone to call you now?" (this module); "s:" staff
(bot/staff.py); "sga:" acknowledging a safeguarding alert (the core's own codec,
outcomes/services/safeguarding.py, as the outbox writes it under the alert).

Every screen a button leads to ends with a row offering Back (to the screen before, where there
is one) and Menu (`nav`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from outcomes.models import Goal, GoalStatus, PlanSection, Role
from outcomes.services.safeguarding import safeguarding_action_buttons

from . import texts

GOAL = "g"
VIEW = "v"
INTENT = "i"
UNLINK = "u"
CHECKIN = "b"
CALL_BACK = "cb"

# One letter per status a young person may choose, in callback data.
STATUS_CODES = {"n": GoalStatus.NOT_STARTED, "s": GoalStatus.STARTED, "d": GoalStatus.DONE}
CODE_FOR_STATUS = {status: code for code, status in STATUS_CODES.items()}
SKIP_NOTE = "k"  # after a goal's callback data: save it without a note
VIEW_ASK = "ask"
VIEW_SECTION = "s"
MENU = "menu"  # i:menu, "Something else" under did-you-mean: the menu as well
MENU_DATA = "m"
YES, NO = "yes", "no"
CHECKIN_AGAIN = f"{CHECKIN}:q"  # the first question again (Back from the second)
CASEWORKERS = frozenset({Role.PERSONAL_ADVISER, Role.SOCIAL_WORKER})

Rows = list[list[InlineKeyboardButton]]


def action(intent: str) -> str:
    return f"{INTENT}:{intent}"


def nav(back: str | None = None) -> list[InlineKeyboardButton]:
    """The last row of a screen: Back to `back` (callback data), when there is a screen before
    it, and Menu."""
    row = [InlineKeyboardButton(texts.BACK, callback_data=back)] if back else []
    return [*row, InlineKeyboardButton(texts.MENU_BUTTON, callback_data=MENU_DATA)]


def with_nav(rows: Rows, back: str | None = None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([*rows, nav(back)])


def menu_only() -> InlineKeyboardMarkup:
    return with_nav([])


def menu(role: str) -> InlineKeyboardMarkup:
    """The menu's buttons for someone's role: a young person's actions, an adviser's or social
    worker's lists, help for anyone."""
    help_ = InlineKeyboardButton(texts.INTENT_BUTTONS["help"], callback_data=action("help"))
    if role == Role.YOUNG_PERSON:
        return InlineKeyboardMarkup([
            [InlineKeyboardButton(texts.INTENT_BUTTONS[intent], callback_data=action(intent))
             for intent in row] for row in texts.MENU_YOUNG_PERSON])
    if role in CASEWORKERS:
        return InlineKeyboardMarkup([
            [InlineKeyboardButton(texts.STAFF_MENU_CASELOAD, callback_data="s:page:0"),
             InlineKeyboardButton(texts.STAFF_MENU_DUE, callback_data="s:due")],
            [help_]])
    return InlineKeyboardMarkup([[help_]])


def goal_data(goal: Goal, status: str, *, skip: bool = False) -> str:
    data = f"{GOAL}:{goal.pk}:{CODE_FOR_STATUS[status]}:{goal.version}"
    return f"{data}:{SKIP_NOTE}" if skip else data


def goals(items: Iterable[Goal], *, first: int = 1,
          back: str | None = None) -> InlineKeyboardMarkup:
    """One row per goal: its number and each status it can be given; then Menu."""
    rows = [[InlineKeyboardButton(f"{number}: {words}", callback_data=goal_data(goal, status))
             for status, words in texts.GOAL_CHOICES]
            for number, goal in enumerate(items, start=first)]
    return with_nav(rows, back)


def skip_note(goal: Goal, status: str) -> InlineKeyboardMarkup:
    return with_nav([[InlineKeyboardButton(
        texts.SKIP, callback_data=goal_data(goal, status, skip=True))]], back=action("goals"))


def my_goals() -> InlineKeyboardMarkup:
    """After a goal is saved, or one that cannot be found: the goals again, or the menu."""
    return with_nav([[InlineKeyboardButton(texts.INTENT_BUTTONS["goals"],
                                           callback_data=action("goals"))]])


def tell_adviser() -> InlineKeyboardMarkup:
    return with_nav([[InlineKeyboardButton(
        texts.TELL_ADVISER, callback_data=f"{VIEW}:{VIEW_ASK}")]])


def sections(items: Iterable[PlanSection]) -> InlineKeyboardMarkup:
    return with_nav([[InlineKeyboardButton(
        texts.HEADINGS.get(section.heading, section.get_heading_display()),
        callback_data=f"{VIEW}:{VIEW_SECTION}:{section.pk}")] for section in items],
        back=action("review"))


def view_ask(*, one_section: bool) -> InlineKeyboardMarkup:
    """While their words are awaited: Back to the headings, or to the meeting when the plan
    has only one heading."""
    return with_nav([], back=action("review") if one_section else f"{VIEW}:{VIEW_ASK}")


def did_you_mean(intents: Iterable[str]) -> InlineKeyboardMarkup:
    row = [InlineKeyboardButton(texts.INTENT_BUTTONS[intent], callback_data=action(intent))
           for intent in intents]
    return InlineKeyboardMarkup([row, [InlineKeyboardButton(
        texts.SOMETHING_ELSE, callback_data=action(MENU))]])


def unlink_sure() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.UNLINK_YES, callback_data=f"{UNLINK}:{YES}"),
        InlineKeyboardButton(texts.UNLINK_NO, callback_data=f"{UNLINK}:{NO}"),
    ]])


def checkin_activity_rows() -> list[list[tuple[str, str]]]:
    """b:a:<ACTIV>, one to a row, as (words, callback data): also the buttons under the bot's
    own check-in message, which the outbox sends (bot/apps.py registers them)."""
    return [[(words, f"{CHECKIN}:a:{code}")] for code, words in texts.CHECKIN_ACTIVITIES]


def checkin_activities() -> InlineKeyboardMarkup:
    return with_nav([[InlineKeyboardButton(words, callback_data=data) for words, data in row]
                     for row in checkin_activity_rows()])


def checkin_homes(activity: str) -> InlineKeyboardMarkup:
    """b:h:<ACTIV>:<letter>; Back to the first question."""
    return with_nav([[InlineKeyboardButton(
        words, callback_data=f"{CHECKIN}:h:{activity}:{letter}")]
        for letter, words in texts.CHECKIN_HOMES], back=CHECKIN_AGAIN)


def checkin_suitable(activity: str, letter: str) -> InlineKeyboardMarkup:
    """b:s:<ACTIV>:<letter>:<1 suitable | 2 unsuitable>; Back to where they live."""
    return with_nav([[
        InlineKeyboardButton(texts.CHECKIN_YES, callback_data=f"{CHECKIN}:s:{activity}:{letter}:1"),
        InlineKeyboardButton(texts.CHECKIN_NO, callback_data=f"{CHECKIN}:s:{activity}:{letter}:2"),
    ]], back=f"{CHECKIN}:a:{activity}")


# --- Someone may not be safe --------------------------------------------------------------------

CALL_BACK_DATA = re.compile(rf"^{CALL_BACK}:(\d{{1,12}}):({YES}|{NO})$")


def call_back_data(alert_id: int, *, wanted: bool) -> str:
    """cb:<alert>:yes|no, the one spelling of the call-back answer (`call_back_parsed` reads it)."""
    return f"{CALL_BACK}:{int(alert_id)}:{YES if wanted else NO}"


def call_back_parsed(data: str) -> tuple[int, bool] | None:
    """(alert id, wanted) from `call_back_data`'s spelling; None for anything else."""
    match = CALL_BACK_DATA.match(data or "")
    return None if match is None else (int(match.group(1)), match.group(2) == YES)


def call_back(alert_id: int) -> InlineKeyboardMarkup:
    """Yes / No under "Do you want someone to call you now?"."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.CALL_BACK_YES, callback_data=call_back_data(alert_id,
                                                                               wanted=True)),
        InlineKeyboardButton(texts.CALL_BACK_NO, callback_data=call_back_data(alert_id,
                                                                              wanted=False)),
    ]])


def alert_actions(alert_id: int) -> InlineKeyboardMarkup:
    """Under a staff alert: one button per action that needs no note (the core's list and
    callback data; anything else is acknowledged on the web)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(words, callback_data=data)
                                  for words, data in row]
                                 for row in safeguarding_action_buttons(alert_id)])
