"""The local Telegram Bot API server, driven by the real python-telegram-bot over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import HTTPXRequest

from tests.fakes import fixtures
from tests.fakes.botapi import CLIENT_CLOSED, FakeBotAPI

pytestmark = pytest.mark.filterwarnings(  # RetryAfter's own int-or-timedelta notice
    "ignore::telegram.warnings.PTBDeprecationWarning")

# Also registered for the whole suite from tests/conftest.py; bound here so these tests run alone.
bot_api = fixtures.bot_api

REPO = Path(__file__).resolve().parents[2]
CHAT = 42


def make_bot(server: FakeBotAPI, *, token: str | None = None, **request_options: float) -> Bot:
    request = HTTPXRequest(**request_options) if request_options else None
    return Bot(token or server.token, base_url=server.base_url, request=request)


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 deprecates the int form; either is fine here
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else value


def raw_call(server: FakeBotAPI, method: str, *, body: bytes | None = None,
             content_type: str = "application/json", token: str | None = None,
             ) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - a loopback URL the test built
        f"{server.base_url}{token or server.token}/{method}", data=body,
        headers={"Content-Type": content_type} if body is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


def test_sent_message_is_answered_and_recorded(bot_api):
    async def scenario():
        async with make_bot(bot_api) as bot:
            me = await bot.get_me()
            first = await bot.send_message(CHAT, "hello", reply_markup=keyboard("yes", "no"))
            second = await bot.send_message(CHAT, "again")
            other = await bot.send_message(7, "elsewhere")
            return me, first, second, other

    me, first, second, other = asyncio.run(scenario())
    assert me.username == "waymark_test_bot" and me.is_bot
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.chat.id == CHAT and first.chat.type == "private"
    assert first.text == "hello" and first.from_user.username == "waymark_test_bot"
    assert first.reply_markup == keyboard("yes", "no")
    assert [m["text"] for m in bot_api.sent_messages(CHAT)] == ["hello", "again"]
    assert bot_api.sent_messages(CHAT)[0] == {
        "chat_id": CHAT, "text": "hello",
        "reply_markup": {"inline_keyboard": [[{"text": "yes", "callback_data": "yes"},
                                              {"text": "no", "callback_data": "no"}]]}}
    assert len(bot_api.sent_messages()) == 3
    assert [c.method for c in bot_api.calls][-3:] == ["sendMessage"] * 3
    assert all(c.status == 200 for c in bot_api.calls)
    bot_api.clear()
    assert bot_api.calls == [] and bot_api.sent_messages() == []


def test_send_message_validates_chat_and_text(bot_api):
    async def scenario():
        errors = []
        async with make_bot(bot_api) as bot:
            for chat, text in [(CHAT, " "), (CHAT, "x" * 4097), ("not-a-chat", "hi")]:
                with pytest.raises(BadRequest) as caught:
                    await bot.send_message(chat, text)
                errors.append(caught.value.message)
            await bot.send_message(CHAT, "x" * 4096)
        return errors

    assert asyncio.run(scenario()) == ["Message text is empty", "Message is too long",
                                       "Chat not found"]
    assert [c.status for c in bot_api.calls_to("sendMessage")] == [400, 400, 400, 200]
    assert len(bot_api.sent_messages(CHAT)) == 1


def test_long_poll_hands_over_an_injected_update_then_nothing_once_confirmed(bot_api):
    async def scenario():
        async with make_bot(bot_api) as bot:
            threading.Timer(0.3, bot_api.inject_message, (CHAT, "/start abc")).start()
            started = time.monotonic()
            updates = await bot.get_updates(timeout=5)
            waited = time.monotonic() - started
            again = await bot.get_updates(timeout=0)  # not confirmed yet: handed over again
            after = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
            return updates, waited, again, after

    updates, waited, again, after = asyncio.run(scenario())
    assert 0.25 < waited < 3
    [update] = updates
    assert again == updates
    message = update.message
    assert message.text == "/start abc" and message.chat.id == CHAT
    assert message.from_user.id == CHAT and message.from_user.first_name == "Test"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 6
    assert after == ()
    # Once confirmed, a long poll waits its whole timeout and comes back empty.
    started = time.monotonic()
    body = json.dumps({"offset": update.update_id + 1, "timeout": 0.3}).encode()
    assert raw_call(bot_api, "getUpdates", body=body) == (200, {"ok": True, "result": []})
    assert time.monotonic() - started >= 0.3


def test_callback_query_from_the_bots_keyboard(bot_api):
    async def scenario():
        async with make_bot(bot_api) as bot:
            sent = await bot.send_message(CHAT, "Done?", reply_markup=keyboard("done"))
            bot_api.inject_callback(CHAT, "done")
            [update] = await bot.get_updates(timeout=1)
            query = update.callback_query
            assert await bot.answer_callback_query(query.id, text="Saved")
            edited = await bot.edit_message_text("Done.", chat_id=CHAT,
                                                 message_id=query.message.message_id)
            with pytest.raises(BadRequest, match="not modified"):
                await bot.edit_message_text("Done.", chat_id=CHAT, message_id=sent.message_id)
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await bot.answer_callback_query("no-such-query")
            return sent, query, edited

    sent, query, edited = asyncio.run(scenario())
    assert query.data == "done" and query.message.message_id == sent.message_id
    assert query.from_user.id == CHAT
    assert edited.text == "Done." and edited.reply_markup is None and edited.edit_date


def test_commands_webhook_and_chat_action(bot_api):
    async def scenario():
        async with make_bot(bot_api) as bot:
            assert await bot.set_my_commands([("goals", "Your goals"), ("help", "Help")])
            commands = await bot.get_my_commands()
            assert [c["command"] for c in bot_api.commands()] == ["goals", "help"]
            assert await bot.delete_my_commands()
            emptied = await bot.get_my_commands()
            assert await bot.set_webhook("https://example.invalid/hook")
            info = await bot.get_webhook_info()
            with pytest.raises(Conflict):
                await bot.get_updates()
            assert await bot.delete_webhook()
            assert await bot.send_chat_action(CHAT, "typing")
            with pytest.raises(BadRequest):
                await bot.send_chat_action(CHAT, "dancing")
            return commands, emptied, info

    commands, emptied, info = asyncio.run(scenario())
    assert [(c.command, c.description) for c in commands] == [("goals", "Your goals"),
                                                              ("help", "Help")]
    assert emptied == ()
    assert info.url == "https://example.invalid/hook"


def test_429_is_retry_after_and_nothing_is_delivered(bot_api):
    bot_api.fail_next("sendMessage", 429, retry_after=1)

    async def scenario():
        async with make_bot(bot_api) as bot:
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(CHAT, "first try")
            await bot.send_message(CHAT, "second try")
            return caught.value

    error = asyncio.run(scenario())
    assert retry_seconds(error) == 1
    assert [c.status for c in bot_api.calls_to("sendMessage")] == [429, 200]
    assert [m["text"] for m in bot_api.sent_messages(CHAT)] == ["second try"]


@pytest.mark.parametrize(("status", "description"), [
    (500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable")])
def test_server_errors_are_network_errors(bot_api, status, description):
    bot_api.fail_next("*", status)

    async def initialize():
        async with make_bot(bot_api):  # its getMe fails
            pass

    with pytest.raises(NetworkError, match=description):
        asyncio.run(initialize())
    bot_api.fail_next("sendMessage", status)

    async def retried():
        async with make_bot(bot_api) as bot:
            with pytest.raises(NetworkError, match=description) as caught:
                await bot.send_message(CHAT, "lost")
            await bot.send_message(CHAT, "now it works")
            return caught.value

    assert type(asyncio.run(retried())) is NetworkError
    assert [c.status for c in bot_api.calls] == [status, 200, status, 200]
    assert [m["text"] for m in bot_api.sent_messages(CHAT)] == ["now it works"]


def test_blocked_chat_is_forbidden_until_unblocked(bot_api):
    bot_api.block_chat(CHAT)

    async def scenario():
        async with make_bot(bot_api) as bot:
            with pytest.raises(Forbidden) as caught:
                await bot.send_message(CHAT, "are you there?")
            await bot.send_message(7, "someone else")
            bot_api.unblock_chat(CHAT)
            await bot.send_message(CHAT, "welcome back")
            return caught.value

    assert "blocked" in asyncio.run(scenario()).message
    assert [m["text"] for m in bot_api.sent_messages(CHAT)] == ["welcome back"]


def test_wrong_token_is_invalid_token(bot_api):
    async def scenario():
        async with make_bot(bot_api, token="654321:WRONG"):
            pass

    with pytest.raises(InvalidToken):
        asyncio.run(scenario())
    assert [(c.method, c.status) for c in bot_api.calls] == [("getMe", 401)]


def test_error_bodies_are_telegrams(bot_api):
    assert raw_call(bot_api, "getMe", token="1:WRONG") == (
        401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert raw_call(bot_api, "sendPigeon") == (
        404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
    bot_api.fail_next("sendMessage", 429, retry_after=3)
    assert raw_call(bot_api, "sendMessage", body=b'{"chat_id": 1, "text": "x"}') == (
        429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
              "parameters": {"retry_after": 3}})
    status, body = raw_call(bot_api, "getme")  # method names are case-insensitive
    assert status == 200 and body["ok"] is True and body["result"]["username"]


def test_json_form_and_multipart_bodies_are_read_alike(bot_api):
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}
    raw_call(bot_api, "sendMessage",
             body=json.dumps({"chat_id": "5", "text": "123", "reply_markup": markup}).encode())
    raw_call(bot_api, "sendMessage", content_type="application/x-www-form-urlencoded",
             body=b"chat_id=5&text=123&reply_markup=" + urllib.parse.quote(
                 json.dumps(markup)).encode())
    boundary = "b0undary"
    multipart = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in [("chat_id", "5"), ("text", "123"),
                            ("reply_markup", json.dumps(markup))]) + f"--{boundary}--\r\n"
    raw_call(bot_api, "sendMessage", body=multipart.encode(),
             content_type=f"multipart/form-data; boundary={boundary}")
    messages = bot_api.sent_messages(5)
    assert len(messages) == 3
    for params in messages:
        assert params["text"] == "123" and params["reply_markup"] == markup
    assert [c.result["message_id"] for c in bot_api.calls] == [1, 2, 3]


def test_a_client_that_gives_up_during_a_delay_delivers_nothing(bot_api):
    bot_api.delay("sendMessage", 1.5, times=1)

    async def scenario():
        async with make_bot(bot_api, read_timeout=0.5) as bot:
            with pytest.raises(TimedOut):
                await bot.send_message(CHAT, "never arrives")
            [abandoned] = await asyncio.to_thread(bot_api.wait_for_calls, "sendMessage", 1, 5)
            delivered = await bot.send_message(CHAT, "arrives")
            return abandoned, delivered

    started = time.monotonic()
    abandoned, delivered = asyncio.run(scenario())
    assert time.monotonic() - started < 1.4  # seen as soon as the client left, not at 1.5 s
    assert abandoned.status == CLIENT_CLOSED and abandoned.params["text"] == "never arrives"
    assert delivered.message_id == 1  # the abandoned request used no message_id
    assert [m["text"] for m in bot_api.sent_messages(CHAT)] == ["arrives"]


def test_a_patient_client_gets_its_delayed_answer(bot_api):
    bot_api.delay("sendMessage", 0.3)

    async def scenario():
        async with make_bot(bot_api) as bot:
            started = time.monotonic()
            await bot.send_message(CHAT, "slowly")
            return time.monotonic() - started

    assert asyncio.run(scenario()) >= 0.3
    assert len(bot_api.sent_messages(CHAT)) == 1


def test_flood_limits_when_enforced():
    with FakeBotAPI(enforce_limits=True) as server:
        async def scenario():
            async with make_bot(server) as bot:
                await bot.send_message(1, "one")
                with pytest.raises(RetryAfter) as per_chat:
                    await bot.send_message(1, "two, too soon")
                for chat in range(2, 31):
                    await bot.send_message(chat, "hello")
                with pytest.raises(RetryAfter) as overall:
                    await bot.send_message(31, "the 31st this second")
                return per_chat.value, overall.value

        per_chat, overall = asyncio.run(scenario())
        assert retry_seconds(per_chat) == 1 and retry_seconds(overall) == 1
        refused = [c.params["chat_id"] for c in server.calls_to("sendMessage") if c.status == 429]
        assert refused == [1, 31]
        assert len(server.sent_messages()) == 30


def test_wait_for_messages_blocks_until_they_come(bot_api):
    def send_later():
        time.sleep(0.2)
        for text in ("a", "b"):
            raw_call(bot_api, "sendMessage", body=json.dumps({"chat_id": CHAT,
                                                              "text": text}).encode())

    threading.Thread(target=send_later).start()
    assert [m["text"] for m in bot_api.wait_for_messages(CHAT, 2, timeout=5)] == ["a", "b"]
    with pytest.raises(TimeoutError, match="expected 3"):
        bot_api.wait_for_messages(CHAT, 3, timeout=0.2)


def test_held_answers_wait_for_release_and_other_chats_do_not(bot_api):
    bot_api.hold("sendMessage", chat_id=CHAT)

    def send(chat: int, text: str) -> None:
        raw_call(bot_api, "sendMessage", body=json.dumps({"chat_id": chat,
                                                          "text": text}).encode())

    held = threading.Thread(target=send, args=(CHAT, "held"))
    held.start()
    assert bot_api.wait_for_in_flight("sendMessage", 1) == 1
    send(CHAT + 1, "not held")  # another chat is answered meanwhile
    assert bot_api.sent_messages(CHAT) == [] and bot_api.in_flight("sendMessage") == 1
    bot_api.release("sendMessage")
    held.join(5)
    assert [m["text"] for m in bot_api.sent_messages(CHAT)] == ["held"]
    send(CHAT, "no longer held")
    assert len(bot_api.sent_messages(CHAT)) == 2


def test_wait_for_bot_messages_counts_edits_too(bot_api):
    _, sent = raw_call(bot_api, "sendMessage", body=json.dumps(
        {"chat_id": CHAT, "text": "first"}).encode())
    raw_call(bot_api, "editMessageText", body=json.dumps(
        {"chat_id": CHAT, "message_id": sent["result"]["message_id"], "text": "then"}).encode())
    said = bot_api.wait_for_bot_messages(CHAT, 2, timeout=5)
    assert [(m["text"], m["edited"]) for m in said] == [("first", False), ("then", True)]
    with pytest.raises(TimeoutError, match="expected 3"):
        bot_api.wait_for_bot_messages(CHAT, 3, timeout=0.2)


def test_stop_ends_a_pending_long_poll_promptly():
    server = FakeBotAPI().start()
    answers = []
    poller = threading.Thread(target=lambda: answers.append(
        raw_call(server, "getUpdates", body=b'{"timeout": 30}')))
    poller.start()
    time.sleep(0.3)
    started = time.monotonic()
    server.stop()
    poller.join(5)
    assert not poller.is_alive() and time.monotonic() - started < 2
    assert answers == [(200, {"ok": True, "result": []})]


def test_command_line_serves_in_the_foreground_and_logs_no_text():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.botapi", "--port", str(port), "--token", "9:CLI"],
        cwd=REPO, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        server = FakeBotAPI(token="9:CLI", port=port)  # only to build the URLs
        status = None
        for _ in range(100):
            try:
                status, _ = raw_call(server, "getMe")
                break
            except urllib.error.URLError:
                time.sleep(0.05)
        assert status == 200
        status, body = raw_call(server, "sendMessage",
                                body=b'{"chat_id": 3, "text": "a private word"}')
        assert status == 200 and body["result"]["text"] == "a private word"
    finally:
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "sendMessage 200 chat_id=3 message_id=1" in log
    assert "private word" not in log
