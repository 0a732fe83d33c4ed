"""The bot's one Application: every handler registered here, in the order they are tried.

Updates from different chats are handled at once, each chat's in the order they came
(bot/concurrency.py); their database work runs on a bounded pool of threads (bot/db.py).
"""

from __future__ import annotations

import asyncio

from django.conf import settings
from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from outcomes.rules import risk

from . import handlers, keyboards, safeguarding, staff, texts, young_person
from .concurrency import ChatOrderedProcessor

# New messages in private chats; edits, channel posts and groups are not served.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
COMMANDS = {
    "start": handlers.start,
    "stop": handlers.stop,
    "help": handlers.help_,
    "plan": handlers.plan,
    "review": handlers.review,
    "contact": handlers.contact,
}
# What the bot asks Telegram for (getUpdates, or the webhook).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


async def _start(application: Application) -> None:
    """Before the first update: the risk detector's model trained (about 1.5 s, once per
    process, off the event loop) so that no young person's first message waits for it; then
    the strangers' menu."""
    await asyncio.to_thread(risk.warm_up)
    await _menu_for_strangers(application)


async def _menu_for_strangers(application: Application) -> None:
    """Before linking, a private chat's menu offers only linking and help."""
    await application.bot.set_my_commands(
        [BotCommand(command, words) for command, words in texts.COMMANDS_UNLINKED],
        scope=BotCommandScopeAllPrivateChats())


def build_application(*, token: str, base_url: str | None = None) -> Application:
    """The Application for `token`, talking to the Bot API at `base_url` (default
    settings.TELEGRAM_API_BASE_URL: Telegram's, a self-hosted server or tests/fakes)."""
    base_url = base_url or settings.TELEGRAM_API_BASE_URL
    builder = Application.builder().token(token).base_url(base_url)
    if base_url.endswith("/bot"):
        builder = builder.base_file_url(base_url[: -len("/bot")] + "/file/bot")
    application = (builder.concurrent_updates(ChatOrderedProcessor())
                   .post_init(_start).build())
    safeguarding.register(application)  # a risk is answered first, before the gate's limits
    application.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(handlers.menu,
                                                 pattern=rf"^{keyboards.MENU_DATA}$"))
    staff.register(application)  # before any handler of free text: a contact's typed answers
    young_person.register(application)  # after staff's typed answers: takes other free text
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, handlers.other_text))
    application.add_handler(MessageHandler(PRIVATE & ~filters.TEXT, handlers.not_text))
    application.add_error_handler(handlers.error)
    return application
