"""Crisis words are never held back by the gate's limits: a message too long to be read, or one
of many sent quickly, still gets the urgent-help numbers and tells the adviser."""

from __future__ import annotations

import pytest

from bot import handlers, texts
from config.celery import app as celery_app
from outcomes import models as m

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 5151


@pytest.fixture
def quiet_broker(monkeypatch):
    monkeypatch.setattr(celery_app, "send_task", lambda *args, **kwargs: None)


def test_a_long_message_with_crisis_words_still_gets_the_help(running_bot, plan_world,
                                                              quiet_broker):
    running_bot.say(CHAT, f"/start {plan_world.code}")
    long_words = "I can't cope any more. " * 100 + "I want to end it all."
    assert len(long_words) > texts.MAX_MESSAGE_LENGTH
    answer = running_bot.say(CHAT, long_words)
    assert "116 123" in answer and answer != texts.TOO_LONG
    assert m.Notification.objects.filter(kind=m.NotificationKind.ALERT).exists()
    # An ordinary long message is still refused politely.
    assert running_bot.say(CHAT, "a" * (texts.MAX_MESSAGE_LENGTH + 1)) == texts.TOO_LONG


def test_crisis_words_past_the_rate_limit_still_get_the_help(running_bot, plan_world,
                                                             quiet_broker):
    running_bot.say(CHAT, f"/start {plan_world.code}")
    for _ in range(handlers.RATE_LIMIT - 1):  # with /start: as many as a minute allows
        running_bot.send(CHAT, "/help")
    assert running_bot.say(CHAT, "hello") == texts.SLOW_DOWN  # the limit holds for the rest
    answer = running_bot.say(CHAT, "I am going to hurt myself")
    assert "116 123" in answer
    assert m.Notification.objects.filter(kind=m.NotificationKind.ALERT).exists()


def test_the_rate_limits_memory_forgets_quiet_chats(monkeypatch):
    import asyncio
    import collections
    from types import SimpleNamespace

    from telegram.constants import ChatType

    monkeypatch.setattr(handlers, "PRUNE_ABOVE", 3)
    now = handlers.time.monotonic()
    bot_data = {"recent": {chat: collections.deque([now - 120]) for chat in range(5)}}
    update = SimpleNamespace(
        effective_chat=SimpleNamespace(id=99, type=ChatType.PRIVATE),
        effective_user=SimpleNamespace(id=99), message=None, effective_message=None)
    asyncio.run(handlers.gate(update, SimpleNamespace(bot_data=bot_data)))
    assert list(bot_data["recent"]) == [99]
