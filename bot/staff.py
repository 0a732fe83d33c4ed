"""Advisers and social workers in the bot: their caseload, what is due this week, one young
person's card, recording a contact, the young person's latest views and their goals.

Deny by default. Every update looks the chat's link up afresh (`handlers.linked`), only a
personal adviser or a social worker is served, and every young person or goal named in callback
data is looked up again from `access.young_people_visible_to`: a forged id gets the same answer
as one that does not exist. Every read of a young person's data leaves an AccessEvent with
channel telegram (DESIGN.md rule 5); writes go through the services, which check the policy
again.

Callback data (prefix "s:", ids only, never names):

    s:page:N           the caseload, page N          s:yp:ID    a young person's card
    s:due              what is due this week         s:v:ID     their latest views
    s:c:ID             record a contact              s:g:ID     their goals
    s:go:GOAL          one goal, with status buttons
    s:gs:GOAL:VERSION:STATUS                          set a goal's status (optimistic: VERSION)
    s:cd:today|yesterday   s:cm:METHOD   s:cs:yes|no|unknown   s:cn:skip   s:cx   s:cb
                       the steps of recording a contact (date, method, seen alone, note, stop,
                       back one step)

A button's answer replaces the message the button was under (`handlers.show`); every screen ends
with Back (to the screen it came from) and Menu.

Recording a contact is a short conversation kept in `chat_data` (one draft per chat, for the
person who started it, dropped after DRAFT_MINUTES, or when they leave it for another screen):
nothing is written until the last answer, and then in one call to the service.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    Channel,
    Goal,
    GoalStatus,
    Role,
    ScheduleEntry,
    TelegramLink,
    User,
    YoungPerson,
    YoungPersonView,
)
from outcomes.models.reviews import ContactMethod
from outcomes.selectors.caseloads import caseload_for
from outcomes.selectors.plans import goal_for, goals_for, latest_views_with_person_for
from outcomes.selectors.schedule import due_this_week_for, schedule_entries_with_person_for
from outcomes.services import StaleVersion, access_event_record, access_events_record, goal_update
from outcomes.services.contacts import pa_contact_record, social_worker_visit_record

from . import handlers, keyboards, texts
from .db import in_db

PRIVATE_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
CASEWORKERS = frozenset({Role.PERSONAL_ADVISER, Role.SOCIAL_WORKER})
PAGE_SIZE = 8
CARD_ITEMS = 4
DUE_LINES = 20
VIEWS_SHOWN = 5
NOTE_MAX = 500
DRAFT_MINUTES = 30
DRAFT = handlers.DRAFT

# Steps of recording a contact.
ASK_DATE, ASK_METHOD, ASK_SEEN, ASK_NOTE = "date", "method", "seen", "note"
DATE_FIELDS = {"contact_on", "visited_on"}  # the services' names for the date asked first

# One letter per goal status in callback data.
STATUS_KEYS = {"n": GoalStatus.NOT_STARTED, "s": GoalStatus.STARTED, "d": GoalStatus.DONE,
               "x": GoalStatus.DROPPED}
SEEN_ALONE = {"yes": True, "no": False, "unknown": None}

BUTTON = re.compile(
    r"s:(?:(?P<kind>page|yp|c|v|g|go):(?P<id>\d{1,12})|(?P<due>due)"
    r"|gs:(?P<goal>\d{1,12}):(?P<version>\d{1,9}):(?P<status>[nsdx])"
    r"|cd:(?P<day>today|yesterday)|cm:(?P<method>[a-z]{1,8})|cs:(?P<seen>yes|no|unknown)"
    r"|(?P<skip>cn:skip)|(?P<stop>cx)|(?P<back>cb))")
# The buttons of a contact being recorded; any other leaves it (the draft is dropped).
CONTACT_STEPS = ("day", "method", "seen", "skip", "stop", "back")
TYPED_DATE = re.compile(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*")


# --- Reads: one call to the database thread each, traced -----------------------------------------


def _trace(user: User, young_person_id: int, what: str) -> None:
    access_event_record(actor=user, young_person_id=young_person_id, what=f"bot.staff.{what}",
                        channel=Channel.TELEGRAM)


def _first_name(person: YoungPerson) -> str:
    return person.known_as


@dataclass(frozen=True)
class CaseloadRow:
    id: int
    first_name: str
    child_id: str
    next_title: str | None
    next_due: dt.date | None
    overdue: int


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    page: int
    more: bool
    today: dt.date


def caseload_page(*, user: User, page: int) -> CaseloadPage:
    """One page of the worker's current caseload (allocation decides), each young person with
    the worker's own next open item and how many are overdue, read in one query whatever the
    caseload's size; then one trace per young person shown, in one insert."""
    today = timezone.localdate()
    name = Coalesce(NullIf("preferred_name", Value("")), "legal_first_name")
    found = list(
        caseload_for(user=user, on=today, own_items_only=True).annotate(shown_name=name)
        .values_list("pk", "shown_name", "child_id", "next_due_title", "next_due_on",
                     "overdue_count")
        [page * PAGE_SIZE: (page + 1) * PAGE_SIZE + 1])
    rows = [CaseloadRow(*row) for row in found[:PAGE_SIZE]]
    access_events_record(actor=user, young_person_ids=[row.id for row in rows],
                         what="bot.staff.caseload", channel=Channel.TELEGRAM)
    return CaseloadPage(rows=rows, page=page, more=len(found) > PAGE_SIZE, today=today)


@dataclass(frozen=True)
class DueLine:
    young_person_id: int
    first_name: str
    child_id: str
    title: str
    due_on: dt.date | None
    overdue: bool


def due_this_week(*, user: User) -> tuple[list[DueLine], dt.date]:
    """/due: what the worker must do themselves, overdue or due in the next week (the
    schedule's own selector), traced once per young person named."""
    today = timezone.localdate()
    lines = [
        DueLine(d.young_person.pk, _first_name(d.young_person), d.young_person.child_id,
                d.entry.title, d.entry.due_on, d.entry.due_on is not None and d.entry.due_on < today)
        for d in due_this_week_for(user=user, on=today)
    ]
    access_events_record(actor=user, young_person_ids=[line.young_person_id for line in lines],
                         what="bot.staff.due", channel=Channel.TELEGRAM)
    return lines, today


def _visible(user: User, young_person_id: int, area: Area) -> YoungPerson | None:
    return access.young_people_visible_to(user, area).filter(pk=young_person_id).first()


@dataclass(frozen=True)
class Card:
    id: int
    first_name: str
    child_id: str
    items: list[ScheduleEntry]
    today: dt.date


def card(*, user: User, young_person_id: int) -> Card | None:
    """A young person on the worker's caseload: names, child id and their next open items, with
    one access check (the selector's). None for anyone the worker may not see (nothing else is
    said)."""
    try:
        found = schedule_entries_with_person_for(viewer=user, young_person=young_person_id,
                                                 limit=CARD_ITEMS)
    except access.NotVisible:
        return None
    person = found.young_person
    _trace(user, person.pk, "card")
    return Card(person.pk, _first_name(person), person.child_id, found.entries,
                timezone.localdate())


@dataclass(frozen=True)
class Views:
    first_name: str
    views: list[YoungPersonView]
    today: dt.date


def latest_views(*, user: User, young_person_id: int) -> Views | None:
    """The young person's latest views in their own words, newest first, from any plan, with
    one access check (the selector's). None for anyone the worker may not see."""
    try:
        found = latest_views_with_person_for(viewer=user, young_person=young_person_id,
                                             limit=VIEWS_SHOWN)
    except access.NotVisible:
        return None
    _trace(user, found.young_person.pk, "views")
    return Views(_first_name(found.young_person), found.views, timezone.localdate())


@dataclass(frozen=True)
class Goals:
    young_person_id: int
    first_name: str
    goals: list[Goal]


def goals(*, user: User, young_person_id: int) -> Goals | None:
    """The goals of the young person's current plan (the draft when none is agreed yet),
    dropped ones too, in the statutory order of their headings: the plans selector's staff
    reading."""
    person = _visible(user, young_person_id, Area.PLANS)
    if person is None:
        return None
    try:
        found = goals_for(viewer=user, young_person=person.pk, for_staff=True)
    except access.NotVisible:
        return None
    _trace(user, person.pk, "goals")
    return Goals(person.pk, _first_name(person), found)


def _goal_visible(user: User, goal_id: int) -> Goal | None:
    """A goal on the plan the worker sees in `goals`, or None for any other id."""
    try:
        return goal_for(viewer=user, goal_id=goal_id, for_staff=True)
    except access.NotVisible:
        return None


def goal(*, user: User, goal_id: int) -> Goal | None:
    """One goal of a young person the worker may see, or None."""
    found = _goal_visible(user, goal_id)
    if found is not None:
        _trace(user, found.section.plan.young_person_id, "goal")
    return found


@dataclass(frozen=True)
class GoalChange:
    goal: Goal | None
    young_person_id: int = 0
    stale: bool = False
    refused: str = ""


def goal_status_set(*, user: User, goal_id: int, version: int, status: GoalStatus) -> GoalChange:
    """Set a goal's status through `goal_update`, as read at `version`: a stale version changes
    nothing and gives the goal as it is now."""
    found = _goal_visible(user, goal_id)
    if found is None:
        return GoalChange(None)
    young_person_id = found.section.plan.young_person_id
    try:
        changed = goal_update(actor=user, goal=found, data={"status": status},
                              expected_version=version)
    except StaleVersion:
        found.refresh_from_db()
        return GoalChange(found, young_person_id, stale=True)
    except (PermissionDenied, ValidationError) as error:
        return GoalChange(found, young_person_id, refused=_reason(error))
    return GoalChange(changed, young_person_id)


def contact_person(*, user: User, young_person_id: int) -> YoungPerson | None:
    """The young person a contact is about to be recorded for, if the worker may record one."""
    person = _visible(user, young_person_id, Area.REVIEWS)
    if person is not None:
        _trace(user, person.pk, "contact")
    return person


@dataclass(frozen=True)
class Draft:
    """A contact being recorded in a chat: nothing is saved until the note is given."""

    user_id: int
    young_person_id: int
    first_name: str
    is_visit: bool  # a social worker's statutory visit; otherwise an adviser's contact
    step: str = ASK_DATE
    on: dt.date | None = None
    method: str = ""
    seen_alone: bool | None = None
    started: float = 0.0
    # The note, kept while an earlier answer the service refused is asked again: None until
    # the note step is answered.
    note: str | None = None


def contact_save(*, user: User, draft: Draft, note: str) -> None:
    """Save the contact through its service (which checks the policy and the date again).
    Raises access.NotVisible, PermissionDenied or ValidationError, with nothing saved."""
    person = _visible(user, draft.young_person_id, Area.REVIEWS)
    if person is None:
        raise access.NotVisible
    if draft.is_visit:
        social_worker_visit_record(actor=user, young_person=person, visited_on=draft.on,
                                   seen_alone=draft.seen_alone, note=note)
    else:
        pa_contact_record(actor=user, young_person=person, contact_on=draft.on,
                          method=draft.method, note=note)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or texts.STAFF_NOT_ALLOWED


# --- Keyboards ------------------------------------------------------------------------------------


def _keyboard(*rows: list[tuple[str, str]], back: str | None = None) -> InlineKeyboardMarkup:
    """Rows of (words, callback data), then Back to `back` (when there is a screen before this
    one) and Menu."""
    return keyboards.with_nav(
        [[InlineKeyboardButton(words, callback_data=data) for words, data in row]
         for row in rows if row], back)


def _caseload_keyboard(page: CaseloadPage) -> InlineKeyboardMarkup:
    rows = [[(texts.staff_person_button(row.first_name, row.child_id), f"s:yp:{row.id}")]
            for row in page.rows]
    if page.more:
        rows.append([(texts.STAFF_MORE, f"s:page:{page.page + 1}")])
    return _keyboard(*rows, back=f"s:page:{page.page - 1}" if page.page else None)


def _card_keyboard(young_person_id: int) -> InlineKeyboardMarkup:
    return _keyboard(
        [(texts.STAFF_RECORD_CONTACT, f"s:c:{young_person_id}")],
        [(texts.STAFF_LATEST_VIEWS, f"s:v:{young_person_id}"),
         (texts.STAFF_GOALS, f"s:g:{young_person_id}")],
        back="s:page:0",
    )


def _back_to(young_person_id: int) -> InlineKeyboardMarkup:
    return _keyboard(back=f"s:yp:{young_person_id}")


STOP_ROW = [(texts.STAFF_STOP_CONTACT, "s:cx")]
STEP_BACK = "s:cb"


def _date_keyboard(young_person_id: int) -> InlineKeyboardMarkup:
    return _keyboard([(texts.STAFF_TODAY, "s:cd:today"), (texts.STAFF_YESTERDAY, "s:cd:yesterday")],
                     STOP_ROW, back=f"s:yp:{young_person_id}")


def _method_keyboard() -> InlineKeyboardMarkup:
    methods = [(texts.STAFF_CONTACT_METHODS[value], f"s:cm:{value}")
               for value in ContactMethod.values]
    return _keyboard(methods[:3], methods[3:], STOP_ROW, back=STEP_BACK)


def _seen_keyboard() -> InlineKeyboardMarkup:
    return _keyboard([(texts.STAFF_SEEN_ALONE[key], f"s:cs:{key}") for key in SEEN_ALONE],
                     STOP_ROW, back=STEP_BACK)


def _note_keyboard() -> InlineKeyboardMarkup:
    return _keyboard([(texts.STAFF_SKIP_NOTE, "s:cn:skip")], STOP_ROW, back=STEP_BACK)


def _goals_keyboard(found: Goals) -> InlineKeyboardMarkup:
    rows = [[(texts.staff_goal_button(g.description), f"s:go:{g.pk}")] for g in found.goals]
    return _keyboard(*rows, back=f"s:yp:{found.young_person_id}")


def _goal_keyboard(found: Goal, young_person_id: int) -> InlineKeyboardMarkup:
    statuses = [(texts.STAFF_GOAL_STATUS[status], f"s:gs:{found.pk}:{found.version}:{key}")
                for key, status in STATUS_KEYS.items() if status != found.status]
    return _keyboard(statuses[:2], statuses[2:], back=f"s:g:{young_person_id}")


# --- Handlers -------------------------------------------------------------------------------------


show = handlers.show  # a button's answer replaces its message; typed words get a new one


async def caseworkers_link(update: Update) -> TelegramLink | None:
    """The link of an adviser or social worker, or None after telling anyone else what they can
    do (a stranger: how to link; a young person or other staff: their own menu)."""
    link = await handlers.linked(update)
    if link is None:
        await show(update, texts.HOW_TO_LINK)
        return None
    if link.user.role not in CASEWORKERS:
        await show(update, texts.with_menu(texts.STAFF_ONLY_CASEWORKERS,
                                          handlers.commands_for(link)), keyboards.menu_only())
        return None
    return link


async def caseload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/caseload: the worker's young people, a page at a time, each a button."""
    link = await caseworkers_link(update)
    if link is None:
        return
    context.chat_data.pop(DRAFT, None)
    await show_caseload(update, link, 0)


async def show_caseload(update: Update, link: TelegramLink, page: int) -> None:
    found = await in_db(caseload_page)(user=link.user, page=page)
    await show(update, texts.staff_caseload(found.rows, page=found.page, today=found.today),
              _caseload_keyboard(found))


async def due(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/due: what the worker must do this week, overdue first."""
    link = await caseworkers_link(update)
    if link is None:
        return
    context.chat_data.pop(DRAFT, None)
    await show_due(update, link)


async def show_due(update: Update, link: TelegramLink) -> None:
    lines, today = await in_db(due_this_week)(user=link.user)
    people = list({line.young_person_id: line for line in lines}.values())[:PAGE_SIZE]
    await show(update, texts.staff_due(lines[:DUE_LINES], more=len(lines) - DUE_LINES, today=today),
              _keyboard(*[[(texts.staff_person_button(p.first_name, p.child_id),
                            f"s:yp:{p.young_person_id}")] for p in people]))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any "s:" button: the link and the young person are checked again before anything."""
    query = update.callback_query
    await query.answer()
    link = await caseworkers_link(update)
    if link is None:
        return
    pressed = BUTTON.fullmatch(query.data or "")
    if pressed is None:
        await show(update, texts.STAFF_NOT_FOUND, _keyboard())
        return
    if not any(pressed[step] for step in CONTACT_STEPS):
        context.chat_data.pop(DRAFT, None)  # left for another screen: nothing is saved
    user, kind = link.user, pressed["kind"]
    number = int(pressed["id"]) if pressed["id"] else 0
    if kind == "page":
        await show_caseload(update, link, number)
    elif pressed["due"]:
        await show_due(update, link)
    elif kind == "yp":
        await show_card(update, user, number)
    elif kind == "v":
        found = await in_db(latest_views)(user=user, young_person_id=number)
        if found is None:
            await show(update, texts.STAFF_NOT_FOUND, _keyboard())
            return
        await show(update, texts.staff_views(found.first_name, found.views, today=found.today),
                  _back_to(number))
    elif kind == "g":
        found = await in_db(goals)(user=user, young_person_id=number)
        if found is None:
            await show(update, texts.STAFF_NOT_FOUND, _keyboard())
            return
        await show(update, texts.staff_goals(found.first_name, found.goals), _goals_keyboard(found))
    elif kind == "go":
        found = await in_db(goal)(user=user, goal_id=number)
        if found is None:
            await show(update, texts.STAFF_NOT_FOUND, _keyboard())
            return
        await show(update, texts.staff_goal(found),
                  _goal_keyboard(found, found.section.plan.young_person_id))
    elif pressed["goal"]:
        await set_goal_status(update, user, pressed)
    elif kind == "c":
        await contact_start(update, context, user, number)
    else:
        await contact_step(update, context, user, pressed)


async def show_card(update: Update, user: User, young_person_id: int) -> None:
    found = await in_db(card)(user=user, young_person_id=young_person_id)
    if found is None:
        await show(update, texts.STAFF_NOT_FOUND, _keyboard())
        return
    await show(update, texts.staff_card(found.first_name, found.child_id, found.items,
                                       today=found.today), _card_keyboard(found.id))


async def set_goal_status(update: Update, user: User, pressed: re.Match) -> None:
    change = await in_db(goal_status_set)(
        user=user, goal_id=int(pressed["goal"]), version=int(pressed["version"]),
        status=STATUS_KEYS[pressed["status"]])
    if change.goal is None:
        await show(update, texts.STAFF_NOT_FOUND, _keyboard())
    elif change.stale:
        await show(update, texts.STAFF_GOAL_CHANGED + "\n\n" + texts.staff_goal(change.goal),
                  _goal_keyboard(change.goal, change.young_person_id))
    elif change.refused:
        await show(update, texts.staff_not_saved(change.refused),
                  _goal_keyboard(change.goal, change.young_person_id))
    else:
        await show(update, texts.staff_goal_saved(change.goal),
                  _goal_keyboard(change.goal, change.young_person_id))


# --- Recording a contact --------------------------------------------------------------------------


def _draft(context: ContextTypes.DEFAULT_TYPE, user: User) -> Draft | None:
    """This chat's draft, if it is this user's and not too old; an old one is dropped."""
    draft = context.chat_data.get(DRAFT)
    if draft is None:
        return None
    if draft.user_id != user.pk or time.monotonic() - draft.started > DRAFT_MINUTES * 60:
        context.chat_data.pop(DRAFT, None)
        return None
    return draft


async def contact_start(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User,
                        young_person_id: int) -> None:
    person = await in_db(contact_person)(user=user, young_person_id=young_person_id)
    if person is None:
        context.chat_data.pop(DRAFT, None)
        await show(update, texts.STAFF_NOT_FOUND, _keyboard())
        return
    is_visit = user.role == Role.SOCIAL_WORKER
    context.chat_data[DRAFT] = Draft(user_id=user.pk, young_person_id=person.pk,
                                     first_name=_first_name(person), is_visit=is_visit,
                                     started=time.monotonic())
    await show(update, texts.staff_ask_date(_first_name(person), is_visit=is_visit),
              _date_keyboard(person.pk))


async def contact_step(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User,
                       pressed: re.Match) -> None:
    """A button of the contact being recorded: only the one the draft is waiting for counts."""
    draft = _draft(context, user)
    if pressed["stop"]:
        context.chat_data.pop(DRAFT, None)
        await show(update, texts.STAFF_CONTACT_STOPPED,
                  _back_to(draft.young_person_id) if draft is not None else _keyboard())
        return
    if pressed["back"]:
        await contact_back(update, context, draft)
        return
    expected = (ASK_DATE if pressed["day"] else ASK_METHOD if pressed["method"]
                else ASK_SEEN if pressed["seen"] else ASK_NOTE)
    if draft is None or draft.step != expected:
        await show(update, texts.STAFF_CONTACT_GONE, _keyboard())
        return
    if pressed["day"]:
        today = timezone.localdate()
        on = today if pressed["day"] == "today" else today - dt.timedelta(days=1)
        await contact_dated(update, context, user, draft, on)
    elif pressed["method"]:
        if pressed["method"] not in ContactMethod.values:
            await show(update, texts.STAFF_CONTACT_GONE, _keyboard())
            return
        draft = replace(draft, method=pressed["method"], step=ASK_NOTE)
        if draft.note is not None:  # asked again: the note is kept
            await contact_finish(update, context, user, draft, draft.note)
            return
        context.chat_data[DRAFT] = draft
        await show(update, texts.STAFF_ASK_NOTE.format(max=NOTE_MAX), _note_keyboard())
    elif pressed["seen"]:
        draft = replace(draft, seen_alone=SEEN_ALONE[pressed["seen"]], step=ASK_NOTE)
        if draft.note is not None:
            await contact_finish(update, context, user, draft, draft.note)
            return
        context.chat_data[DRAFT] = draft
        await show(update, texts.STAFF_ASK_NOTE.format(max=NOTE_MAX), _note_keyboard())
    else:
        await contact_finish(update, context, user, draft, "")


async def contact_back(update: Update, context: ContextTypes.DEFAULT_TYPE,
                       draft: Draft | None) -> None:
    """s:cb: the question before this one again, every answer kept (the date's Back is the
    card's button, which leaves the contact)."""
    if draft is None or draft.step == ASK_DATE:
        await show(update, texts.STAFF_CONTACT_GONE, _keyboard())
        return
    before = {ASK_NOTE: ASK_SEEN if draft.is_visit else ASK_METHOD}.get(draft.step, ASK_DATE)
    draft = replace(draft, step=before)
    context.chat_data[DRAFT] = draft
    question, keyboard = _question(draft)
    await show(update, question, keyboard)


def _question(draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    """What the draft's step asks, and its buttons."""
    if draft.step == ASK_DATE:
        return (texts.staff_ask_date(draft.first_name, is_visit=draft.is_visit),
                _date_keyboard(draft.young_person_id))
    if draft.step == ASK_METHOD:
        return texts.STAFF_ASK_METHOD, _method_keyboard()
    if draft.step == ASK_SEEN:
        return texts.staff_ask_seen_alone(draft.first_name), _seen_keyboard()
    return texts.STAFF_ASK_NOTE.format(max=NOTE_MAX), _note_keyboard()


async def contact_dated(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User,
                        draft: Draft, on: dt.date) -> None:
    if draft.note is not None:  # the date was asked again: everything else is kept
        await contact_finish(update, context, user, replace(draft, on=on), draft.note)
    elif draft.is_visit:
        context.chat_data[DRAFT] = replace(draft, on=on, step=ASK_SEEN)
        await show(update, texts.staff_ask_seen_alone(draft.first_name), _seen_keyboard())
    else:
        context.chat_data[DRAFT] = replace(draft, on=on, step=ASK_METHOD)
        await show(update, texts.STAFF_ASK_METHOD, _method_keyboard())


async def contact_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Words typed while a contact is being recorded: the date, or the note."""
    link = await caseworkers_link(update)
    if link is None:
        context.chat_data.pop(DRAFT, None)
        return
    draft = _draft(context, link.user)
    if draft is None:
        await show(update, texts.STAFF_CONTACT_GONE, _keyboard())
        return
    said = update.message.text.strip()
    if draft.step == ASK_DATE:
        on, problem = parse_date(said, today=timezone.localdate())
        if on is None:
            await show(update, problem, _date_keyboard(draft.young_person_id))
            return
        await contact_dated(update, context, link.user, draft, on)
    elif draft.step == ASK_NOTE:
        if len(said) > NOTE_MAX:
            await show(update, texts.STAFF_NOTE_TOO_LONG.format(max=NOTE_MAX), _note_keyboard())
            return
        await contact_finish(update, context, link.user, draft, said)
    elif draft.step == ASK_METHOD:
        await show(update, texts.STAFF_PRESS_A_BUTTON, _method_keyboard())
    else:
        await show(update, texts.STAFF_PRESS_A_BUTTON, _seen_keyboard())


def parse_date(said: str, *, today: dt.date) -> tuple[dt.date | None, str]:
    """A typed dd/mm/yyyy date that has happened, or None and what to say."""
    match = TYPED_DATE.fullmatch(said)
    if match is None:
        return None, texts.STAFF_DATE_NOT_READ
    day, month, year = (int(part) for part in match.groups())
    try:
        on = dt.date(year, month, day)
    except ValueError:
        return None, texts.STAFF_DATE_NOT_READ
    if on > today:
        return None, texts.STAFF_DATE_IN_FUTURE
    return on, ""


async def contact_finish(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User,
                         draft: Draft, note: str) -> None:
    """Save the draft in one call. Saved, or refused for who is asking: the draft is over.
    Refused for an answer (ValidationError): nothing is saved, the draft and the note are kept,
    and the answer at fault is asked again with the reason."""
    try:
        await in_db(contact_save)(user=user, draft=draft, note=note)
    except access.NotVisible:
        context.chat_data.pop(DRAFT, None)
        await show(update, texts.STAFF_NOT_FOUND, _keyboard())
        return
    except PermissionDenied as error:
        context.chat_data.pop(DRAFT, None)
        await show(update, texts.staff_not_saved(_reason(error)), _back_to(draft.young_person_id))
        return
    except ValidationError as error:
        await contact_ask_again(update, context, draft, note, error)
        return
    context.chat_data.pop(DRAFT, None)
    await show(update, texts.staff_contact_saved(draft.first_name, on=draft.on, method=draft.method,
                                                is_visit=draft.is_visit,
                                                seen_alone=draft.seen_alone,
                                                today=timezone.localdate()),
              _back_to(draft.young_person_id))


async def contact_ask_again(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft,
                            note: str, error: ValidationError) -> None:
    """The service refused an answer: ask for it again, keeping the others and the note."""
    fields = set(error.message_dict) if hasattr(error, "error_dict") else set()
    if fields & DATE_FIELDS:
        step = ASK_DATE
    elif "method" in fields and not draft.is_visit:
        step = ASK_METHOD
    elif "seen_alone" in fields and draft.is_visit:
        step = ASK_SEEN
    else:  # the note, or the contact as a whole: the note is asked again
        step = ASK_NOTE
    kept = None if step == ASK_NOTE else note
    draft = replace(draft, step=step, note=kept)
    context.chat_data[DRAFT] = draft
    question, keyboard = _question(draft)
    await show(update, texts.staff_not_saved_yet(_reason(error), question), keyboard)


class _TypedForDraft(MessageHandler):
    """Text (not a command) in a chat that is recording a contact; any other text is left to
    the handlers after this one."""

    def __init__(self, application: Application) -> None:
        super().__init__(PRIVATE_MESSAGE & filters.TEXT & ~filters.COMMAND, contact_typed)
        self._chat_data = application.chat_data

    def check_update(self, update: object):
        matched = super().check_update(update)
        if not matched or not isinstance(update, Update) or update.effective_chat is None:
            return matched
        return matched if DRAFT in self._chat_data.get(update.effective_chat.id, {}) else False


def register(application: Application) -> None:
    """The staff commands, their buttons, and the typed answers while a contact is recorded.
    Called before the generic text handler, so that a typed date or note reaches the draft."""
    application.add_handler(CommandHandler("caseload", caseload, filters=PRIVATE_MESSAGE))
    application.add_handler(CommandHandler("due", due, filters=PRIVATE_MESSAGE))
    application.add_handler(CallbackQueryHandler(button, pattern=r"^s:"))
    application.add_handler(_TypedForDraft(application))
