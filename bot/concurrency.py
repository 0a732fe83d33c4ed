"""How the Application handles updates: different chats at once, each chat's one at a time.

Fifty young people asking at once should not wait behind each other, but one person's messages
must be answered in the order they sent them: a note typed after tapping a goal's status is read
as that goal's note, and the rate limit counts a chat's messages in order. So each chat has a
lock; an update holds its chat's lock while it is handled, and the updates waiting for a lock
get it first come, first served (asyncio's locks are fair). Updates reach the processor in the
order Telegram numbered them, and nothing suspends between taking a slot and asking for the
chat's lock, so a chat's updates ask for its lock in that order too.

An update waiting for its chat holds one of the `max_concurrent_updates` slots: a chat sending a
flood ties up slots only while the gate (bot/handlers.py) turns its messages away, which takes
no database work. The database work itself runs on a bounded pool of threads (bot/db.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from ops.metrics import bot_update_counted

from . import db

MAX_CONCURRENT_UPDATES = 64


@dataclass
class _Chat:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    updates: int = 0  # being handled or waiting: the entry goes when this is back to 0


def chat_of(update: object) -> int | None:
    """The chat an update belongs to (the user's, for an update with no chat); None for an
    update that belongs to no one, which is handled without waiting."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` updates at once, never two of the same chat."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, _Chat] = {}

    def waiting(self, chat_id: int) -> int:
        """How many of a chat's updates are being handled or waiting for their turn."""
        chat = self._chats.get(chat_id)
        return chat.updates if chat is not None else 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        with bot_update_counted(update):
            await self._in_chat_order(update, coroutine)

    async def _in_chat_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_of(update)
        if key is None:
            await coroutine
            return
        chat = self._chats.setdefault(key, _Chat())
        chat.updates += 1
        try:
            async with chat.lock:
                await coroutine
        finally:
            chat.updates -= 1
            if chat.updates == 0:  # memory stays bounded by the chats active right now
                del self._chats[key]

    async def initialize(self) -> None:
        """Nothing to set up: the database threads start on first use."""

    async def shutdown(self) -> None:
        """The Application is stopping: close the database threads and their connections."""
        await asyncio.to_thread(db.close)
