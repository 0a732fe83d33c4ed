"""Updates from different chats are handled at once; one chat's are handled one at a time, in
the order they came. Shown without timing anything: the local Bot API server holds the bot's
answers (`hold`) and counts the calls waiting on it (`in_flight`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time

import pytest
from django.conf import settings
from telegram import Chat, Message, Update, User

from bot import db, texts
from bot.concurrency import ChatOrderedProcessor

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 4848
OTHERS = [4901, 4902, 4903, 4904, 4905]


def message_from(chat_id: int, update_id: int) -> Update:
    sender = User(id=chat_id, is_bot=False, first_name="Test")
    return Update(update_id, message=Message(
        message_id=update_id, date=dt.datetime.now(dt.UTC), text="hello", from_user=sender,
        chat=Chat(id=chat_id, type=Chat.PRIVATE)))


def wait_until(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} within {timeout} s")
        time.sleep(0.01)


def test_the_processor_keeps_each_chats_order_and_lets_other_chats_by():
    async def scenario() -> list[str]:
        processor = ChatOrderedProcessor(max_concurrent_updates=8)
        done: list[str] = []
        first_may_finish = asyncio.Event()

        async def handle(name: str, wait: asyncio.Event | None = None) -> None:
            if wait is not None:
                await wait.wait()
            done.append(name)

        running = [
            asyncio.create_task(processor.process_update(message_from(1, 1),
                                                         handle("a1", first_may_finish))),
            asyncio.create_task(processor.process_update(message_from(1, 2), handle("a2"))),
            asyncio.create_task(processor.process_update(message_from(2, 3), handle("b1"))),
        ]
        for _ in range(20):  # let every task run as far as it can
            await asyncio.sleep(0)
        assert done == ["b1"]  # chat 2 went by; chat 1's second waits for its first
        assert (processor.waiting(1), processor.waiting(2)) == (2, 0)
        first_may_finish.set()
        await asyncio.gather(*running)
        assert processor.waiting(1) == 0 and not processor._chats  # nothing kept after
        return done

    assert asyncio.run(scenario()) == ["b1", "a1", "a2"]


def test_many_updates_of_many_chats_each_chat_in_order():
    async def scenario() -> dict[int, list[int]]:
        processor = ChatOrderedProcessor(max_concurrent_updates=4)
        seen: dict[int, list[int]] = {chat: [] for chat in range(5)}

        async def handle(chat: int, number: int) -> None:
            for _ in range((number * 7) % 5):  # some take longer than others
                await asyncio.sleep(0)
            seen[chat].append(number)

        await asyncio.gather(*[
            processor.process_update(message_from(number % 5, number), handle(number % 5, number))
            for number in range(100)])
        return seen

    seen = asyncio.run(scenario())
    assert all(numbers == sorted(numbers) and len(numbers) == 20 for numbers in seen.values())


def test_chats_are_answered_at_once(running_bot, bot_api, plan_world):
    bot_api.hold("sendMessage")
    for chat in OTHERS:
        bot_api.inject_message(chat, "/help")
    # Every chat's answer is on its way at the same time: none waited for another's.
    assert bot_api.wait_for_in_flight("sendMessage", len(OTHERS)) == len(OTHERS)
    bot_api.release("sendMessage")
    unlinked_help = texts.help_text("", linked=False,
                                    ack_minutes=settings.SAFEGUARDING_ACK_MINUTES)
    for chat in OTHERS:
        assert bot_api.wait_for_messages(chat, 1)[0]["text"] == unlinked_help


def test_one_chats_updates_are_answered_in_order(running_bot, bot_api, plan_world):
    running_bot.say(CHAT, f"/start {plan_world.code}")
    before = len(bot_api.sent_messages(CHAT))
    bot_api.hold("sendMessage", chat_id=CHAT)
    bot_api.inject_message(CHAT, "/plan")
    bot_api.inject_message(CHAT, "/contact")
    bot_api.inject_message(OTHERS[0], "/help")

    bot_api.wait_for_in_flight("sendMessage")  # the answer to /plan, held
    bot_api.wait_for_messages(OTHERS[0], 1)  # another chat is answered meanwhile
    processor = running_bot.application.update_processor
    wait_until(lambda: processor.waiting(CHAT) == 2, "/contact waiting behind /plan")
    assert bot_api.in_flight("sendMessage") == 1  # /contact has not been answered past it

    bot_api.release()
    said = [message["text"] for message in bot_api.wait_for_messages(CHAT, before + 2)[before:]]
    assert said[0].startswith("Your plan") and said[1].startswith("Your adviser is")


def test_database_work_runs_on_a_bounded_pool_closed_with_the_bot(running_bot, bot_api,
                                                                  plan_world):
    running_bot.say(CHAT, f"/start {plan_world.code}")
    threads: set[str] = set()
    db.on_each_thread(lambda: threads.add(threading.current_thread().name))
    assert len(threads) == db.DB_THREADS and all(name.startswith("bot-db") for name in threads)
    # The Application's shutdown closes the pool and its connections; the next use makes one.
    asyncio.run(ChatOrderedProcessor().shutdown())
    assert db._pool is None
    assert running_bot.say(CHAT, "/contact").startswith("Your adviser is")
