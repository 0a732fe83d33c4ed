"""Someone may not be safe: the bot's side of safeguarding (issue 12; DESIGN.md rule 10).

`first` looks at every message before anything else does, the gate's limits included: the text or
a photo's caption of a young person or of a chat not connected yet goes to the core's detector
(`safeguarding_risk_in`, once per message; it never fails closed: an error is a risk). A risk gets
at once, whatever the rate limit, the length or the conversation the chat is in:

1. the urgent help, first lines for the kind of risk and then always the whole list, sent at
   the same moment as the alert is written (`safeguarding_alert_raise`, the only place the words
   are kept), so neither waits for the other and a Bot API that is down loses no alert;
2. who was told, and "Do you want someone to call you now?" with Yes / No
   (`safeguarding_callback_set`), for a young person the core could write an alert for;
3. nothing else: the message is not read as a goal's note, views or a command. A note or views
   the chat was waiting for are no longer awaited, and the young person is told so.

A chat not connected gets the numbers only: nobody is known to tell. A member of staff's words
are their own (a note about someone else) and go on to the handlers as usual.

Staff acknowledge an alert from the button under the outbox's message (`sga:<alert>`, the core's
codec): the choices, then `sga:<alert>:<action>` acknowledged as the linked member of staff.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import re
import traceback

from django.conf import settings
from django.utils import timezone
from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    TypeHandler,
)

from outcomes import access
from outcomes.access import NotVisible
from outcomes.models import (
    Channel,
    Role,
    SafeguardingAction,
    SafeguardingStatus,
    TelegramLink,
    User,
)
from outcomes.rules.risk import RiskFinding
from outcomes.services.safeguarding import (
    CALLBACK_PREFIX,
    safeguarding_alert_acknowledge,
    safeguarding_alert_raise,
    safeguarding_callback_parse,
    safeguarding_callback_set,
    safeguarding_risk_in,
)

from . import handlers, keyboards, reads, texts, young_person
from .db import in_db

logger = logging.getLogger(__name__)

# `/start <code>` carries a link code (random letters, digits, _ and -), never their words: one
# in a few thousand codes reads as a word the detector knows ("-Dv-"), and linking must not fail.
START_WITH_CODE = re.compile(r"/start(?:@\w+)?\s+[A-Za-z0-9_-]{1,64}\s*")
INLINE_UP_TO = 500  # characters of a message checked in the event loop itself
NOT_SAVED = {"note": texts.RISK_NOTE_NOT_SAVED, "view": texts.RISK_VIEW_NOT_SAVED}


# --- In the database thread -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Told:
    alert_id: int
    whom: str  # who was told, in the young person's words


def _whom(link: TelegramLink, alert) -> str:
    worker = reads.key_worker(link=link, what="safeguarding")
    return texts.risk_told_whom(worker, duty=alert.duty_told_at is not None)


def alert_raise(*, link: TelegramLink, finding: RiskFinding, text: str) -> Told:
    """The alert, with their words (or the open alert, with these words added), and who it
    went to."""
    alert = safeguarding_alert_raise(young_person=link.user.young_person, finding=finding,
                                     text=text, channel=Channel.TELEGRAM)
    return Told(alert.pk, _whom(link, alert))


def call_back_set(*, link: TelegramLink, alert_id: int, wanted: bool) -> Told:
    """Their answer to "Do you want someone to call you now?". Raises NotVisible for an alert
    that is not theirs."""
    alert = safeguarding_callback_set(young_person=link.user.young_person, alert_id=alert_id,
                                      wanted=wanted)
    return Told(alert.pk, _whom(link, alert))


@dataclasses.dataclass(frozen=True)
class Acknowledged:
    action: str  # the action as recorded now; "" when someone had acknowledged it before
    by: str = ""  # who acknowledged it first, and when (local time)
    at: dt.datetime | None = None


def _already(alert) -> Acknowledged:
    person = alert.acknowledged_by
    return Acknowledged("", person.get_full_name() or person.username,
                        timezone.localtime(alert.acknowledged_at))


def alert_state(*, user: User, alert_id: int) -> Acknowledged | None:
    """An alert in `user`'s scope, before the choices are shown: None when it is not theirs to
    act on; `by` set when it is already acknowledged."""
    alert = (access.safeguarding_alerts_visible_to(user).select_related("acknowledged_by")
             .filter(pk=alert_id).first())
    if alert is None:
        return None
    if alert.status == SafeguardingStatus.ACKNOWLEDGED:
        return _already(alert)
    return Acknowledged(action="")


def alert_acknowledge(*, user: User, alert_id: int, action: SafeguardingAction) -> Acknowledged:
    """Acknowledge as `user`; who was first when someone did before. Raises NotVisible."""
    started = timezone.now()
    alert = safeguarding_alert_acknowledge(actor=user, alert_id=alert_id, action=action,
                                           channel=Channel.TELEGRAM)
    if alert.status == SafeguardingStatus.ACKNOWLEDGED and (
            alert.acknowledged_by_id != user.pk or alert.acknowledged_at < started):
        return _already(alert)  # the first acknowledgement stands
    return Acknowledged(action=alert.action)


def _log_failure(what: str, error: BaseException) -> None:
    """Where it failed, without the error's message: it may hold the young person's words."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("Could not %s: %s\n%s", what, type(error).__name__, frames)


# --- Before anything else ---------------------------------------------------------------------


async def first(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every message, before the gate: a risk from a young person or a chat not connected is
    answered here with the urgent help, and goes no further."""
    message, chat = update.message, update.effective_chat
    if (message is None or chat is None or chat.type != ChatType.PRIVATE
            or update.effective_user is None):
        return
    said = message.text or message.caption or ""
    if not said or START_WITH_CODE.fullmatch(said):
        return
    # Pure CPU: well under a millisecond for a message of everyday length, run here; a long one
    # (up to Telegram's 4,096 characters, some tens of milliseconds) on a thread, so that other
    # chats' answers are not held up meanwhile.
    finding = (safeguarding_risk_in(said) if len(said) <= INLINE_UP_TO
               else await asyncio.to_thread(safeguarding_risk_in, said))
    if not finding.at_risk:
        return
    try:
        link = await handlers.linked(update)
    except Exception as error:  # the database is down: whoever it is, the numbers all the same
        _log_failure("look up a chat's link", error)
        await handlers.say(update, texts.risk_help(finding.kinds, settings.OUT_OF_HOURS_PHONE,
                                                   connected=True))
        await handlers.say(update, texts.RISK_TOLD_NOBODY)
        raise ApplicationHandlerStop from None
    if link is not None and link.user.role != Role.YOUNG_PERSON:
        return  # staff: their words are theirs, and go on as usual
    await _answer(update, context, link, finding, said)
    raise ApplicationHandlerStop


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, link: TelegramLink | None,
                  finding: RiskFinding, said: str) -> None:
    connected = link is not None and link.user.young_person_id is not None
    help_now = texts.risk_help(finding.kinds, settings.OUT_OF_HOURS_PHONE, connected=connected)
    if not connected:
        await handlers.say(update, help_now)
        return
    waiting = young_person.awaited(context)
    context.chat_data.pop(handlers.AWAITING, None)  # this message is not their note or views
    # The alert is written while the help is sent: neither waits for the other, and an answer
    # that cannot be sent loses no alert.
    raising = asyncio.ensure_future(in_db(alert_raise)(link=link, finding=finding, text=said))
    try:
        await handlers.say(update, help_now)
    finally:
        try:
            told = await raising
        except Exception as error:
            _log_failure("write a safeguarding alert", error)
            told = None
    opening = f"{NOT_SAVED[waiting[0]]}\n\n" if waiting is not None else ""
    if told is None:
        await handlers.say(update, opening + texts.RISK_TOLD_NOBODY)
        return
    await handlers.say(update, opening + texts.risk_told(told.whom),
                       keyboards.call_back(told.alert_id))


# --- Buttons ----------------------------------------------------------------------------------


async def call_back_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """cb:<alert>:yes|no: their answer, told to the people the alert went to."""
    await update.callback_query.answer()
    link = await handlers.young_persons_link(update)
    if link is None:
        return
    pressed = keyboards.call_back_parsed(update.callback_query.data)
    if pressed is None:
        await handlers.show(update, texts.CALL_BACK_NOT_FOUND)
        return
    alert_id, wanted = pressed
    try:
        told = await in_db(call_back_set)(link=link, alert_id=alert_id, wanted=wanted)
    except NotVisible:
        await handlers.show(update, texts.CALL_BACK_NOT_FOUND)
        return
    except Exception as error:
        _log_failure("record a call-back answer", error)
        await handlers.show(update, texts.CALL_BACK_NOT_FOUND)
        return
    await handlers.show(update, texts.call_back_answer(told.whom, wanted=wanted))


def _alert_words(update: Update) -> str:
    """The outbox's alert message the button is under, without what this module added."""
    message = update.callback_query.message
    words = (message.text or "") if isinstance(message, Message) else ""
    for added in (texts.SGA_ASK, texts.SGA_RECORDED):
        words = words.split(f"\n\n{added}")[0]
    return words


async def _alert_show(update: Update, words: str, markup=None) -> None:
    base = _alert_words(update)
    await handlers.show(update, f"{base}\n\n{words}" if base else words, markup)


async def alert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """sga:<alert>: the actions to choose from; sga:<alert>:<action>: acknowledged as the
    linked member of staff. Anyone else, or an alert outside their scope: refused, nothing
    said about it."""
    query = update.callback_query
    await query.answer()
    link = await handlers.linked(update)
    if link is None:
        await handlers.show(update, texts.HOW_TO_LINK)
        return
    pressed = safeguarding_callback_parse(query.data or "")
    if link.user.role == Role.YOUNG_PERSON or pressed is None:
        await handlers.show(update, texts.SGA_REFUSED)
        return
    if pressed.action is None:
        state = await in_db(alert_state)(user=link.user, alert_id=pressed.alert_id)
        if state is None:
            await handlers.show(update, texts.SGA_REFUSED)
        elif state.by:
            await _alert_show(update, _already_words(state))
        else:
            await _alert_show(update, texts.SGA_ASK, keyboards.alert_actions(pressed.alert_id))
        return
    try:
        done = await in_db(alert_acknowledge)(user=link.user, alert_id=pressed.alert_id,
                                              action=pressed.action)
    except NotVisible:
        await handlers.show(update, texts.SGA_REFUSED)
        return
    if done.by:
        await _alert_show(update, _already_words(done))
    elif done.action == SafeguardingAction.NO_CONTACT:
        await _alert_show(update, texts.sga_no_contact(SafeguardingAction(done.action).label),
                          keyboards.alert_actions(pressed.alert_id))
    else:
        await _alert_show(update, texts.sga_acknowledged(SafeguardingAction(done.action).label))


def _already_words(state: Acknowledged) -> str:
    return texts.sga_already(state.by, state.at, today=timezone.localdate())


def register(application: Application) -> None:
    """`first` ahead of the gate (group -1) and of every handler; the two buttons."""
    application.add_handler(TypeHandler(Update, first), group=-2)
    application.add_handler(CallbackQueryHandler(call_back_button,
                                                 pattern=rf"^{keyboards.CALL_BACK}:"))
    application.add_handler(CallbackQueryHandler(alert_button, pattern=rf"^{CALLBACK_PREFIX}:"))
