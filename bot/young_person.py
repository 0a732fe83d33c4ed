"""A young person's goals, their views for their adviser, free text in plain words, the birthday
check-in and unlinking: the handlers, and what each reads or writes in one call to the database
thread. A message in which the core finds a risk never reaches these handlers: bot/safeguarding.py
answers it first.

Everything a button carries (a goal's id, a section's id) is checked again through the policy
when it comes back: a forged id is answered as if it did not exist. A typed answer the bot is
waiting for (a note on a goal, their views) is remembered per chat for a few minutes only, and
any command, Back or Menu ends the wait.

A button's answer replaces the message the button was under (`handlers.show`), with Back and
Menu under it; an answer to typed words is a new message.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from telegram import BotCommandScopeChat, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from outcomes.access import NotVisible
from outcomes.models import (
    Channel,
    Goal,
    GoalStatus,
    Role,
    TelegramLink,
)
from outcomes.selectors.care_leavers import care_leaver_check_in_for
from outcomes.selectors.plans import goal_for, goals_for, plan_section_for, plan_sections_for
from outcomes.services import (
    StaleVersion,
    access_event_record,
    goal_progress_record,
    telegram_link_unlink,
    young_person_view_record,
)
from outcomes.services.care_leavers import care_leaver_record_draft

from . import handlers, intents, keyboards, texts
from .db import in_db

logger = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
# What the chat is waiting for, in chat_data: ("note", Choice) or ("view", section id).
AWAITING = handlers.AWAITING
AWAIT_SECONDS = 15 * 60
GOAL_DATA = re.compile(rf"^{keyboards.GOAL}:(\d{{1,12}}):([nsd]):(\d{{1,9}})(:{keyboards.SKIP_NOTE})?$")
SECTION_DATA = re.compile(rf"^{keyboards.VIEW}:{keyboards.VIEW_SECTION}:(\d{{1,12}})$")
_ACTIVITIES = "|".join(code for code, _ in texts.CHECKIN_ACTIVITIES)
_HOMES = "".join(letter for letter, _ in texts.CHECKIN_HOMES)
CHECKIN_DATA = re.compile(
    rf"^{keyboards.CHECKIN}:(?:a:({_ACTIVITIES})|h:({_ACTIVITIES}):([{_HOMES}])"
    rf"|s:({_ACTIVITIES}):([{_HOMES}]):([12])|(q))$")


@dataclasses.dataclass(frozen=True)
class Choice:
    """A status a young person tapped for a goal, at the version they saw."""

    goal_id: int
    status: GoalStatus
    version: int


# --- Reads and writes, each in one call to the database thread -------------------------------


def _traced(link: TelegramLink, what: str) -> None:
    access_event_record(actor=link.user, young_person_id=link.user.young_person_id,
                        what=f"bot.{what}", channel=Channel.TELEGRAM)


def goals_read(*, link: TelegramLink) -> list[Goal]:
    """/goals: the goals on their current plan."""
    items = goals_for(viewer=link.user, young_person=link.user.young_person_id)
    _traced(link, "goals")
    return items


def goal_read(*, link: TelegramLink, goal_id: int) -> Goal:
    """One of their goals, as it is now. Raises NotVisible for any goal not theirs."""
    goal = goal_for(viewer=link.user, goal_id=goal_id)
    _traced(link, "goal")
    return goal


@dataclasses.dataclass(frozen=True)
class Saved:
    goal: Goal | None  # None: not theirs, or no longer on their plan
    stale: bool = False  # the goal changed since they looked: `goal` is it now
    note_refused: bool = False  # nothing saved: the note was refused, `goal` is it now


def goal_progress_save(*, link: TelegramLink, choice: Choice, note: str) -> Saved:
    """Their progress on a goal, through the access-checked service, at the version they saw."""
    try:
        goal = goal_for(viewer=link.user, goal_id=choice.goal_id)
        goal_progress_record(actor=link.user, goal=goal, status=choice.status, note=note,
                             channel=Channel.TELEGRAM, expected_version=choice.version)
    except StaleVersion:
        try:
            return Saved(goal_read(link=link, goal_id=choice.goal_id), stale=True)
        except NotVisible:
            return Saved(None)
    except ValidationError as error:
        if _about(error, "note"):
            return Saved(goal, note_refused=True)
        return Saved(None)  # its plan was superseded meanwhile: no longer on their plan
    except (NotVisible, PermissionDenied):
        return Saved(None)
    return Saved(goal)


def _about(error: ValidationError, field: str) -> bool:
    return hasattr(error, "error_dict") and field in error.error_dict


def sections_read(*, link: TelegramLink) -> list:
    """The headings of their current plan, for them to choose what their views are about."""
    sections = plan_sections_for(viewer=link.user, young_person=link.user.young_person_id)
    _traced(link, "views")
    return sections


def section_read(*, link: TelegramLink, section_id: int):
    """One heading of their current plan. Raises NotVisible for any other."""
    return plan_section_for(viewer=link.user, section_id=section_id)


def view_save(*, link: TelegramLink, section_id: int, text: str) -> str:
    """Their views, in their own words, dated today: "saved"; "not_read" when the words were
    refused (no words at all), nothing saved; "not_found" when the section is not theirs or no
    longer on their current plan."""
    try:
        section = plan_section_for(viewer=link.user, section_id=section_id)
        young_person_view_record(actor=link.user, section=section, text=text,
                                 expressed_on=timezone.localdate(), channel=Channel.TELEGRAM)
    except ValidationError as error:
        return "not_read" if _about(error, "text") else "not_found"
    except (NotVisible, PermissionDenied):
        return "not_found"
    return "saved"


def checkin_due(*, link: TelegramLink) -> str:
    """Whether a birthday record is asked for now: due, not_due (no birthday window is open)
    or already (the adviser has confirmed this birthday's record)."""
    try:
        check_in = care_leaver_check_in_for(viewer=link.user,
                                            young_person=link.user.young_person_id,
                                            on=timezone.localdate())
    except NotVisible:
        return "not_due"
    _traced(link, "checkin")
    if check_in.age is None:
        return "not_due"
    return "already" if check_in.confirmed else "due"


def checkin_save(*, link: TelegramLink, activity: str, accommodation: str) -> str:
    """Their answers as a draft birthday record: "saved", "not_due" or "already"."""
    try:
        care_leaver_record_draft(actor=link.user, young_person=link.user.young_person,
                                 activity=activity, accommodation=accommodation,
                                 channel=Channel.TELEGRAM)
    except ValidationError:
        due = checkin_due(link=link)  # the window closed, or the adviser confirmed meanwhile
        return "not_read" if due == "due" else due
    except (NotVisible, PermissionDenied):
        return "not_due"
    return "saved"


# --- Helpers --------------------------------------------------------------------------------

show = handlers.show  # a button's answer replaces its message; typed words get a new one
say = handlers.say  # always a new message


def _await(context: ContextTypes.DEFAULT_TYPE, kind: str, value: object) -> None:
    context.chat_data[AWAITING] = (kind, value, time.monotonic() + AWAIT_SECONDS)


def awaited(context: ContextTypes.DEFAULT_TYPE) -> tuple[str, object] | None:
    """The typed answer the chat is waiting for, ("note", Choice) or ("view", section id), while
    it is still wanted; else None."""
    waiting = context.chat_data.get(AWAITING)
    if waiting is None:
        return None
    kind, value, until = waiting
    if time.monotonic() > until:
        context.chat_data.pop(AWAITING, None)
        return None
    return kind, value


async def _answered(update: Update) -> TelegramLink | None:
    """Answer the button press at once (Telegram shows a spinner until then), then the young
    person's link, or None after telling anyone else what they can do."""
    await update.callback_query.answer()
    return await handlers.young_persons_link(update)


# --- Goals ----------------------------------------------------------------------------------


async def goals(update: Update, context: ContextTypes.DEFAULT_TYPE,
                opening: str = "Your goals") -> None:
    """/goals: their goals, each with buttons to say how it is going."""
    link = await handlers.young_persons_link(update)
    if link is None:
        return
    context.chat_data.pop(AWAITING, None)  # Back from a goal's note: the note is not wanted
    items = await in_db(goals_read)(link=link)
    await show(update, texts.goals(items, opening=opening), keyboards.goals(items))


async def goal_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """g:<goal>:<status>:<version>[:k]: a status tapped (then a note, or Skip), or Skip."""
    link = await _answered(update)
    if link is None:
        return
    match = GOAL_DATA.match(update.callback_query.data or "")
    if match is None:
        await show(update, texts.GOAL_NOT_FOUND, keyboards.my_goals())
        return
    goal_id, code, version, skip = match.groups()
    choice = Choice(int(goal_id), keyboards.STATUS_CODES[code], int(version))
    if skip:
        context.chat_data.pop(AWAITING, None)
        await _save_progress(update, context, link, choice, note="")
        return
    try:
        goal = await in_db(goal_read)(link=link, goal_id=choice.goal_id)
    except NotVisible:
        await show(update, texts.GOAL_NOT_FOUND, keyboards.my_goals())
        return
    if goal.version != choice.version:
        await show(update, texts.goal_changed(goal),
                   keyboards.goals([goal], back=keyboards.action("goals")))
        return
    _await(context, "note", choice)
    await show(update, texts.goal_note_ask(goal, choice.status),
               keyboards.skip_note(goal, choice.status))


async def _save_progress(update: Update, context: ContextTypes.DEFAULT_TYPE, link: TelegramLink,
                         choice: Choice, note: str) -> None:
    saved = await in_db(goal_progress_save)(link=link, choice=choice, note=note)
    if saved.goal is None:
        await show(update, texts.GOAL_NOT_FOUND, keyboards.my_goals())
    elif saved.note_refused:  # nothing saved: the note is asked for again, or Skip
        _await(context, "note", choice)
        await show(update, texts.GOAL_NOTE_NOT_READ,
                   keyboards.skip_note(saved.goal, choice.status))
    elif saved.stale:
        await show(update, texts.goal_changed(saved.goal),
                   keyboards.goals([saved.goal], back=keyboards.action("goals")))
    else:
        await show(update, texts.GOAL_SAVED_DONE if choice.status == GoalStatus.DONE
                   else texts.GOAL_SAVED, keyboards.my_goals())


# --- Views for the adviser ------------------------------------------------------------------


async def view_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """v:ask: which part of the plan; v:s:<section>: then their words."""
    link = await _answered(update)
    if link is None:
        return
    data = update.callback_query.data or ""
    context.chat_data.pop(AWAITING, None)  # Back from a question: its answer is not wanted
    if data == f"{keyboards.VIEW}:{keyboards.VIEW_ASK}":
        sections = await in_db(sections_read)(link=link)
        if not sections:
            await show(update, texts.VIEW_NO_PLAN, keyboards.menu_only())
        elif len(sections) == 1:
            await _ask_for_view(update, context, sections[0], one_section=True)
        else:
            await show(update, texts.VIEW_WHICH, keyboards.sections(sections))
        return
    match = SECTION_DATA.match(data)
    try:
        if match is None:
            raise NotVisible
        section = await in_db(section_read)(link=link, section_id=int(match.group(1)))
    except NotVisible:
        await show(update, texts.VIEW_NOT_FOUND, keyboards.menu_only())
        return
    await _ask_for_view(update, context, section, one_section=False)


async def _ask_for_view(update: Update, context: ContextTypes.DEFAULT_TYPE, section, *,
                        one_section: bool) -> None:
    _await(context, "view", section.pk)
    await show(update, texts.view_ask(section.heading), keyboards.view_ask(one_section=one_section))


# --- Free text: a typed answer, or words for a command ----------------------------------------

# The commands free text can lead to; "goals" is this module's own.
ACTIONS = {
    "review": handlers.review,
    "contact": handlers.contact,
    "plan": handlers.plan,
    "stop": handlers.stop,
    "help": handlers.help_,
}


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Words, not a command: the answer the chat was asked for, else what the words ask for.
    The words are never logged."""
    said = update.message.text or ""
    link = await handlers.linked(update)
    if link is not None and link.user.role != Role.YOUNG_PERSON:
        await handlers.other_text(update, context)  # staff: their typed answers come earlier
        return
    if link is None or link.user.young_person_id is None:
        await handlers.young_persons_link(update)  # how to link, and nothing else
        return
    if await _typed_answer(update, context, link, said):
        return
    await _understood(update, context, link, intents.guess(said))


async def _typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, link: TelegramLink,
                        said: str) -> bool:
    """Save `said` as the note or the views the chat was asked for; False if none was."""
    waiting = awaited(context)
    if waiting is None:
        return False
    kind, value = waiting
    if kind == "note":
        if len(said) > texts.GOAL_NOTE_MAX_LENGTH:
            await say(update, texts.NOTE_TOO_LONG)  # still waiting: nothing is saved
            return True
        context.chat_data.pop(AWAITING, None)
        await _save_progress(update, context, link, value, note=said)
        return True
    saved = await in_db(view_save)(link=link, section_id=value, text=said)
    if saved == "not_read":  # still waiting for their words: nothing is saved
        await say(update, texts.VIEW_NOT_READ)
        return True
    context.chat_data.pop(AWAITING, None)
    await say(update, texts.VIEW_SAVED if saved == "saved" else texts.VIEW_NOT_FOUND,
              keyboards.menu_only())
    return True


async def _understood(update: Update, context: ContextTypes.DEFAULT_TYPE, link: TelegramLink,
                      guess: intents.Guess) -> None:
    if guess.intent is not None:
        await _act(update, context, guess.intent, good_news=guess.good_news)
    elif guess.offers:
        await say(update, texts.DID_YOU_MEAN, keyboards.did_you_mean(guess.offers))
    else:
        await say(update, texts.with_menu(texts.NOT_SURE, handlers.commands_for(link)),
                  keyboards.menu_only())


async def _act(update: Update, context: ContextTypes.DEFAULT_TYPE, intent: str, *,
               good_news: bool = False) -> None:
    if intent == "goals":
        await goals(update, context, opening=texts.GOAL_NEWS if good_news else "Your goals")
    else:
        await ACTIONS[intent](update, context)


async def intent_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """i:<intent>: what they meant, a button of the menu, or Back to a list: that action, on
    the screen the button was under. Anything else (i:menu, "Something else"): the menu."""
    intent = (update.callback_query.data or "").removeprefix(f"{keyboards.INTENT}:")
    if intent not in ACTIONS and intent != "goals":
        await handlers.menu(update, context)
        return
    await update.callback_query.answer()
    context.chat_data.pop(AWAITING, None)
    await _act(update, context, intent)


# --- Birthday check-in: two or three taps -------------------------------------------------

CHECKIN_REFUSED = {"not_due": texts.CHECKIN_NOT_DUE, "already": texts.CHECKIN_ALREADY,
                   "not_read": texts.CHECKIN_NOT_READ}


async def checkin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkin: what they are doing now, when a birthday record is due."""
    link = await handlers.young_persons_link(update)
    if link is None:
        return
    due = await in_db(checkin_due)(link=link)
    if due != "due":
        await show(update, CHECKIN_REFUSED[due], keyboards.menu_only())
        return
    await show(update, texts.CHECKIN_ASK_ACTIVITY, keyboards.checkin_activities())


async def checkin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """b:a:<ACTIV> -> where they live; b:h:<ACTIV>:<letter> -> is it good for them (or saved,
    for no fixed home); b:s:<ACTIV>:<letter>:<1|2> -> saved as a draft; b:q (Back from where
    they live) -> the first question again. Each answer replaces the question it came from."""
    match = CHECKIN_DATA.match(update.callback_query.data or "")
    if match is not None and match.group(7):
        await update.callback_query.answer()
        await checkin(update, context)
        return
    link = await _answered(update)
    if link is None:
        return
    if match is None:
        await show(update, texts.CHECKIN_NOT_READ, keyboards.menu_only())
        return
    chosen, activity_h, letter_h, activity_s, letter_s, suffix, _ = match.groups()
    if chosen:
        await show(update, texts.CHECKIN_ASK_HOME, keyboards.checkin_homes(chosen))
        return
    if activity_h and letter_h != texts.NO_FIXED_HOME:
        await show(update, texts.CHECKIN_ASK_SUITABLE,
                   keyboards.checkin_suitable(activity_h, letter_h))
        return
    if activity_h:
        activity, accommodation = activity_h, f"{texts.NO_FIXED_HOME}2"
    else:
        activity, accommodation = activity_s, f"{letter_s}{suffix}"
    outcome = await in_db(checkin_save)(link=link, activity=activity, accommodation=accommodation)
    if outcome != "saved":
        await show(update, CHECKIN_REFUSED[outcome], keyboards.menu_only())
        return
    await show(update, texts.CHECKIN_SAVED, keyboards.menu_only())
    if accommodation.startswith(texts.NO_FIXED_HOME):  # a second idea: a message of its own
        await say(update, texts.CHECKIN_NO_HOME)


# --- Unlink, asked first --------------------------------------------------------------------


async def unlink(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unlink: are you sure?"""
    link = await handlers.linked(update)
    if link is None:
        await show(update, texts.HOW_TO_LINK)
        return
    await show(update, texts.UNLINK_SURE, keyboards.unlink_sure())


async def unlink_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """u:yes ends the link and the chat's menu; u:no changes nothing."""
    await update.callback_query.answer()
    link = await handlers.linked(update)
    if link is None:
        await show(update, texts.HOW_TO_LINK)
        return
    if update.callback_query.data != f"{keyboards.UNLINK}:{keyboards.YES}":
        await show(update, texts.UNLINK_KEPT, keyboards.menu_only())
        return
    await in_db(telegram_link_unlink)(link=link)
    context.chat_data.pop(AWAITING, None)
    await show(update, texts.UNLINKED)
    await context.bot.delete_my_commands(scope=BotCommandScopeChat(update.effective_chat.id))


async def forget_awaited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command ends any wait for a typed answer."""
    context.chat_data.pop(AWAITING, None)


def register(application: Application) -> None:
    """/goals, /unlink, /checkin, this module's buttons, and free text. Called after any handler that takes
    typed answers of its own (the staff's) and before the generic text handler."""
    application.add_handler(CommandHandler("goals", goals, filters=PRIVATE))
    application.add_handler(CommandHandler("unlink", unlink, filters=PRIVATE))
    application.add_handler(CommandHandler("checkin", checkin, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(goal_button, pattern=rf"^{keyboards.GOAL}:"))
    application.add_handler(CallbackQueryHandler(view_button, pattern=rf"^{keyboards.VIEW}:"))
    application.add_handler(CallbackQueryHandler(intent_button,
                                                 pattern=rf"^{keyboards.INTENT}:"))
    application.add_handler(CallbackQueryHandler(unlink_button,
                                                 pattern=rf"^{keyboards.UNLINK}:"))
    application.add_handler(CallbackQueryHandler(checkin_button,
                                                 pattern=rf"^{keyboards.CHECKIN}:"))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, text))
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, forget_awaited), group=1)
