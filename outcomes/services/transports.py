"""The two ways a message leaves Waymark: email through Django's email backend, and Telegram
through python-telegram-bot's `Bot` at `TELEGRAM_API_BASE_URL` (Telegram's own by default, or
any Bot API server: a self-hosted one, or the local one in tests/fakes/).

Failures come back as three exceptions the outbox understands: `TryLater` (a network error, a
5xx, or Telegram's 429 with its `retry_after`), `Blocked` (the person blocked the bot) and
`Undeliverable` (nothing will make it work: a bad chat id, no address, no token).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import warnings
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from telegram import Bot, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup
from telegram import error as tg
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning


class TryLater(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Blocked(Exception):
    pass


class Undeliverable(Exception):
    pass


def email_send(*, to: str, subject: str, body: str) -> None:
    if not to:
        raise Undeliverable("No email address is recorded for the recipient.")
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except OSError as error:  # SMTP connection refused, timed out, reset
        raise TryLater(f"Email server: {error.__class__.__name__}") from error


class _TelegramClient:
    """One Bot and one event loop per worker process, reused for every message (a Bot opens its
    HTTP connection pool once). A worker process runs one task at a time, so a lock is enough."""

    _lock = threading.Lock()
    _clients: dict[tuple[str, str], _TelegramClient] = {}

    def __init__(self, token: str, base_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        request = HTTPXRequest(connect_timeout=5, read_timeout=10, write_timeout=10,
                               connection_pool_size=4)
        self.bot = Bot(token, base_url=base_url, request=request)
        self.loop.run_until_complete(self.bot.initialize())

    @classmethod
    def get(cls) -> _TelegramClient:
        token, base_url = settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_BASE_URL
        if not token:
            raise Undeliverable("Telegram is not set up: TELEGRAM_BOT_TOKEN is empty.")
        with cls._lock:
            client = cls._clients.get((token, base_url))
            if client is None:
                try:
                    client = cls._clients[(token, base_url)] = cls(token, base_url)
                except tg.InvalidToken as error:
                    raise Undeliverable("Telegram refused the bot token.") from error
                except tg.TelegramError as error:
                    raise TryLater(f"Telegram: {error.__class__.__name__}") from error
            return client

    def send(self, chat_id: int, text: str,
             markup: InlineKeyboardMarkup | None = None) -> None:
        with self._lock:
            self.loop.run_until_complete(self.bot.send_message(chat_id=chat_id, text=text,
                                                               reply_markup=markup))

    def delete_commands(self, chat_id: int) -> None:
        with self._lock:
            self.loop.run_until_complete(
                self.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id)))


def _seconds(error: tg.RetryAfter) -> float:
    # python-telegram-bot 22 warns that `retry_after` becomes a timedelta; take either.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)


def telegram_send(*, chat_id: int, text: str,
                  buttons: Sequence[Sequence[tuple[str, str]]] = ()) -> None:
    """Send `text` to the chat, with rows of inline `buttons` (words, callback data) under it."""
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(words, callback_data=data) for words, data in row]
         for row in buttons]) if buttons else None
    _telegram(lambda client: client.send(chat_id, text, markup))


def telegram_commands_reset(*, chat_id: int) -> None:
    """Remove the chat's own command menu (deleteMyCommands, chat scope): Telegram then shows it
    the menu of every private chat, the one the bot sets for people not linked."""
    _telegram(lambda client: client.delete_commands(chat_id))


def _telegram(call) -> None:
    try:
        call(_TelegramClient.get())
    except tg.RetryAfter as error:
        raise TryLater("Telegram asked to slow down (429).",
                       retry_after=_seconds(error)) from error
    except tg.Forbidden as error:
        raise Blocked(str(error)) from error
    except (tg.BadRequest, tg.InvalidToken) as error:
        raise Undeliverable(f"Telegram: {error}") from error
    except tg.TelegramError as error:  # NetworkError, TimedOut, 5xx
        raise TryLater(f"Telegram: {error.__class__.__name__}: {error}") from error
