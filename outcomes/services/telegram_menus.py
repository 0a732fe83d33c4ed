"""A chat's command menu after its link ends. Linking gives a chat the menu of its person's role
(setMyCommands, chat scope: UX.md §4); when the link ends, however it ends (revoked by staff,
unlinked by its owner, the account switched off, the bot blocked, replaced by a link elsewhere),
that menu is removed after the write commits, by a task, so Telegram shows the chat the menu of
every private chat again: how to link and help.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import current_app
from django.db import transaction

from outcomes.models import TelegramLink

from . import transports

log = logging.getLogger(__name__)

MENU_RESET_TASK = "tasks.telegram_menus.reset"  # outcomes does not import tasks: sent by name


def telegram_menu_reset_after_commit(*, chat_id: int) -> None:
    """Once the transaction commits, have the chat's own menu removed (`telegram_menu_reset`).
    A broker that cannot be reached is logged, never fails the write that ended the link."""
    transaction.on_commit(
        lambda: current_app.send_task(MENU_RESET_TASK, args=[chat_id]), robust=True)


@dataclass(frozen=True)
class MenuReset:
    status: str  # "reset", "linked" (linked again meanwhile: its menu stays), "retry", "failed"
    retry_in: float | None = None


def telegram_menu_reset(*, chat_id: int) -> MenuReset:
    """Remove the chat's own command menu, unless the chat has been linked again since (its new
    link's menu stays)."""
    if TelegramLink.objects.filter(chat_id=chat_id, active=True).exists():
        return MenuReset("linked")
    try:
        transports.telegram_commands_reset(chat_id=chat_id)
    except transports.TryLater as error:
        return MenuReset("retry", retry_in=error.retry_after)
    except (transports.Blocked, transports.Undeliverable) as error:
        log.warning("A chat's menu could not be reset: %s", type(error).__name__)
        return MenuReset("failed")
    return MenuReset("reset")
