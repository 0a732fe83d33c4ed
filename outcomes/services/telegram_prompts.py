"""Messages the bot's account starts on its own, through the outbox, and then answers: the
birthday check-in. Their words and buttons belong to the bot (bot/texts.py, bot/keyboards.py),
which registers them here when Django starts (bot/apps.py). So outcomes imports no channel
(DESIGN.md), every word the bot says stays in bot/texts.py, and the worker that writes and sends
the messages (any process with the bot app installed) has them all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Rows of inline buttons, as (words, callback data).
Buttons = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class TelegramPrompt:
    """How the bot words a message of one event kind, and the buttons under it."""

    text: Callable[..., str]  # the message, from the facts the service gives (keywords)
    buttons: Callable[[], Buttons]


_prompts: dict[str, TelegramPrompt] = {}


def telegram_prompt_register(*, event_kind: str, prompt: TelegramPrompt) -> None:
    """The bot's wording of the outbox's messages of `event_kind` (registering again replaces
    it: Django may set an app up more than once)."""
    _prompts[event_kind] = prompt


def telegram_prompt_for(event_kind: str) -> TelegramPrompt | None:
    """The bot's wording of `event_kind`, or None when no bot registered one."""
    return _prompts.get(event_kind)
