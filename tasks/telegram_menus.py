"""A chat's command menu after its link ends (outcomes/services/telegram_menus.py): enqueued by
the service once the write that ended the link commits.

Thin: the service decides and calls Telegram; this retries when Telegram asks it to wait.
"""

from __future__ import annotations

from celery import shared_task

from outcomes.services import telegram_menus

MAX_RETRIES = 5


@shared_task(name="tasks.telegram_menus.reset", bind=True, max_retries=MAX_RETRIES)
def reset(self, chat_id: int) -> str:
    """Remove the chat's own menu, unless it has been linked again since."""
    outcome = telegram_menus.telegram_menu_reset(chat_id=chat_id)
    if outcome.status == "retry" and self.request.retries < MAX_RETRIES:
        countdown = outcome.retry_in if outcome.retry_in is not None else 2 ** self.request.retries
        raise self.retry(countdown=countdown)
    return outcome.status
