"""The bot's handlers: each reads the update, calls the core through `in_db`, and answers in the
words of `texts.py`. Deny by default: every update looks the chat's link up afresh
(`telegram_link_active_for`), and a chat without one is told how to link and nothing else.

Only private chats are served: a linked person's plan is never written into a group.

Updates from different chats are handled at once, each chat's in order (bot/concurrency.py). The
gate's rate limit is kept in `bot_data` and changed only between awaits, so no two updates change
it half-way; a chat's own updates come through the gate one at a time, in order.

An answer to a button press replaces the message the button was under (`show`): the chat stays
short, and Back and Menu move between screens (UX.md §4). An answer to typed words is a new
message.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import deque

from django.conf import settings
from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from outcomes.models import Role, TelegramLink
from outcomes.services import (
    LinkCodeRefused,
    LinkCoolingOff,
    TelegramAccountTaken,
    telegram_link_active_for,
    telegram_link_claim,
    telegram_link_pause,
    telegram_link_resume,
)

from . import keyboards, reads, texts
from .db import in_db

logger = logging.getLogger(__name__)

# Per chat: at most this many messages in a minute; more are answered once with SLOW_DOWN.
RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 60
PRUNE_ABOVE = 5000  # chats remembered before the quiet ones are forgotten


def commands_for(link: TelegramLink | None) -> tuple[tuple[str, str], ...]:
    if link is None:
        return texts.COMMANDS_UNLINKED
    if link.user.role == Role.YOUNG_PERSON:
        return texts.COMMANDS_YOUNG_PERSON
    if link.user.role in (Role.PERSONAL_ADVISER, Role.SOCIAL_WORKER):
        return texts.COMMANDS_CASEWORKER
    return texts.COMMANDS_STAFF


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the chat."""
    await update.effective_chat.send_message(text, reply_markup=markup)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """The answer on the screen the person is looking at: a button press edits the message the
    button was under; typed words, or a message that can no longer be edited, get a new one."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as error:
            if "not modified" in error.message.lower():  # the same screen pressed again
                return
            logger.info("A message could not be edited (%s): sending a new one.", error.message)
    await say(update, text, markup)


async def linked(update: Update) -> TelegramLink | None:
    """The chat's active link, looked up now; None for a stranger or a switched-off account."""
    return await in_db(telegram_link_active_for)(telegram_user_id=update.effective_user.id)


async def young_persons_link(update: Update) -> TelegramLink | None:
    """The link of a young person, or None after telling anyone else what they can do."""
    link = await linked(update)
    if link is None:
        await show(update, texts.HOW_TO_LINK)
        return None
    if link.user.role != Role.YOUNG_PERSON or link.user.young_person_id is None:
        await show(update, texts.with_menu(texts.FOR_YOUNG_PEOPLE, commands_for(link)),
                   keyboards.menu_only())
        return None
    return link


async def set_menu(update: Update, context: ContextTypes.DEFAULT_TYPE,
                   link: TelegramLink) -> None:
    """This chat's command menu, for the role of the person it is linked to."""
    await context.bot.set_my_commands(
        [BotCommand(command, description) for command, description in commands_for(link)],
        scope=BotCommandScopeChat(update.effective_chat.id))


# --- Before any handler ---------------------------------------------------------------------------


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private chats only, not too fast, not too long: anything else stops here. A message in
    which someone may be at risk has been answered before this (bot/safeguarding.py), so these
    limits never hold back the help."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or update.effective_user is None:
        raise ApplicationHandlerStop
    message = update.message
    said = (message.text or message.caption or "") if message is not None else ""
    now = time.monotonic()
    by_chat: dict[int, deque[float]] = context.bot_data.setdefault("recent", {})
    if len(by_chat) > PRUNE_ABOVE:  # forget chats quiet for a minute, so memory stays bounded
        for quiet in [c for c, times in by_chat.items()
                      if not times or now - times[-1] > RATE_WINDOW_SECONDS]:
            del by_chat[quiet]
    recent = by_chat.setdefault(chat.id, deque())
    while recent and now - recent[0] > RATE_WINDOW_SECONDS:
        recent.popleft()
    recent.append(now)
    if len(recent) > RATE_LIMIT:
        if len(recent) == RATE_LIMIT + 1 and update.effective_message is not None:
            await say(update, texts.SLOW_DOWN)
        raise ApplicationHandlerStop
    if len(said) > texts.MAX_MESSAGE_LENGTH:
        await say(update, texts.TOO_LONG)
        raise ApplicationHandlerStop


# --- Linking, stopping, starting again --------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start CODE links this chat; /start alone says hello, or starts messages again."""
    if context.args:
        await claim(update, context, context.args[0])
        return
    link = await linked(update)
    if link is None:
        await show(update, texts.HOW_TO_LINK)
    elif link.paused_at is not None:
        await in_db(telegram_link_resume)(link=link)
        await show(update, texts.STARTED_AGAIN)
    else:
        await show(update, texts.hello_again(reads.first_name(link), commands_for(link)))


async def claim(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    """Use a link code: say only that it worked or that it did not."""
    try:
        link = await in_db(telegram_link_claim)(
            code=code, telegram_user_id=update.effective_user.id, chat_id=update.effective_chat.id)
    except LinkCoolingOff:
        await show(update, texts.LINK_COOLING_OFF)
        return
    except LinkCodeRefused:
        await show(update, texts.LINK_FAILED)
        return
    except TelegramAccountTaken:
        await show(update, texts.ACCOUNT_TAKEN)
        return
    link = await linked(update)  # as every other update sees it
    if link is None:
        await show(update, texts.LINK_FAILED)
        return
    if link.user.role == Role.YOUNG_PERSON:
        worker = await in_db(reads.key_worker)(link=link, what="linked")
        await show(update, texts.linked_young_person(reads.first_name(link), worker))
    else:
        await show(update, texts.linked_staff(reads.first_name(link), commands_for(link)))
    await set_menu(update, context, link)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: no more messages to this chat, from now."""
    link = await linked(update)
    if link is None:
        await show(update, texts.HOW_TO_LINK)
    elif link.paused_at is not None:
        await show(update, texts.ALREADY_STOPPED)
    else:
        await in_db(telegram_link_pause)(link=link)
        await show(update, texts.STOPPED)


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: for a young person or a chat not connected yet, what the bot does, what happens
    and when if they write that they are not safe, and urgent help; for staff, their own."""
    link = await linked(update)
    minutes = settings.SAFEGUARDING_ACK_MINUTES
    if link is not None and link.user.role != Role.YOUNG_PERSON:
        await show(update, texts.staff_help(commands_for(link), ack_minutes=minutes))
        return
    await show(update, texts.help_text(settings.OUT_OF_HOURS_PHONE, linked=link is not None,
                                       ack_minutes=minutes))


# --- A young person's reads -----------------------------------------------------------------------


async def plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/plan: their current plan in short, and when the next meeting should be."""
    link = await young_persons_link(update)
    if link is None:
        return
    answer = await in_db(reads.plan)(link=link)
    await show(update, texts.plan(answer.summary, answer.next_review, today=answer.today),
               keyboards.menu_only())


async def review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/review: when the next meeting should be, and what it is for."""
    link = await young_persons_link(update)
    if link is None:
        return
    answer = await in_db(reads.review)(link=link)
    await show(update, texts.review(answer.next_review, today=answer.today),
               keyboards.tell_adviser())


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/contact: their adviser's first name and how to reach them."""
    link = await young_persons_link(update)
    if link is None:
        return
    worker = await in_db(reads.key_worker)(link=link, what="contact")
    await show(update, texts.contact(worker), keyboards.menu_only())


# --- The menu -----------------------------------------------------------------------------------

# What a chat may be in the middle of, in chat_data: a typed answer a young person was asked for
# (a goal's note, their views: bot/young_person.py) or a contact being recorded (bot/staff.py).
# Leaving for the menu ends either, with nothing saved.
AWAITING = "young_person.awaiting"
DRAFT = "s:contact"


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """m (the Menu button), i:menu: what this person can do, as buttons."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    dropped = [key for key in (AWAITING, DRAFT) if context.chat_data.pop(key, None) is not None]
    link = await linked(update)
    if link is None:
        await show(update, texts.HOW_TO_LINK)
        return
    opening = f"{texts.NOTHING_SAVED}\n\n{texts.MENU}" if dropped else texts.MENU
    await show(update, opening, keyboards.menu(link.user.role))


# --- Anything else ------------------------------------------------------------------------------


async def other_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know, or words: the menu."""
    link = await linked(update)
    if link is None:
        await show(update, texts.HOW_TO_LINK)
        return
    said = update.message.text or ""
    opening = texts.UNKNOWN_COMMAND if said.startswith("/") else texts.NOT_UNDERSTOOD
    await show(update, texts.with_menu(opening, commands_for(link)))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes and the like: text only."""
    link = await linked(update)
    await show(update, texts.HOW_TO_LINK if link is None else texts.ONLY_TEXT)


async def error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log where it failed, without the message (it may name people), and say sorry."""
    error = context.error
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    logger.error("Bot update failed with %s\n%s", type(error).__name__, frames)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await say(update, texts.SOMETHING_WRONG)
        except Exception:
            logger.warning("Could not tell the chat that its update failed.")
