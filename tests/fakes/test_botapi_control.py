"""The local Bot API server's control endpoints, for another process to play the user:
POST /_fake/inject types a message or presses a button; GET /_fake/messages reads what the bot
said to a chat (sent and edited), after a point, long-polling for the first new one."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from tests.fakes.botapi import FakeBotAPI


@pytest.fixture
def server():
    with FakeBotAPI() as running:
        yield running


def bot_call(server: FakeBotAPI, method: str, **params) -> dict:
    body = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    response = httpx.post(f"{server.base_url}{server.token}/{method}", data=body)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def test_an_injected_message_is_an_update_with_its_command(server):
    answer = httpx.post(f"{server.url}/_fake/inject", json={"chat_id": 42, "text": "/plan now"})
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "update_id": 1}
    [update] = bot_call(server, "getUpdates")
    assert update["message"]["text"] == "/plan now"
    assert update["message"]["chat"] == {"id": 42, "type": "private", "first_name": "Test"}
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 5}]


def test_what_the_bot_said_is_read_after_a_point_with_its_buttons(server):
    keyboard = {"inline_keyboard": [[{"text": "Today", "callback_data": "s:cd:today"}]]}
    first = bot_call(server, "sendMessage", chat_id=42, text="Hello")
    bot_call(server, "sendMessage", chat_id=7, text="Not this chat")
    second = bot_call(server, "sendMessage", chat_id=42, text="When?", reply_markup=keyboard)
    bot_call(server, "editMessageText", chat_id=42, message_id=first["message_id"],
             text="Hello again")

    said = httpx.get(f"{server.url}/_fake/messages", params={"chat_id": 42}).json()["messages"]
    assert [(m["index"], m["text"], m["edited"]) for m in said] == [
        (1, "Hello", False), (2, "When?", False), (3, "Hello again", True)]
    assert said[1]["reply_markup"] == keyboard
    assert said[1]["message_id"] == second["message_id"]
    assert said[0]["reply_markup"] is None
    later = httpx.get(f"{server.url}/_fake/messages",
                      params={"chat_id": 42, "after": 2}).json()["messages"]
    assert [m["index"] for m in later] == [3]

    # A press of the button under that message reaches getUpdates as a callback query.
    pressed = httpx.post(f"{server.url}/_fake/inject", json={
        "chat_id": 42, "callback_data": "s:cd:today", "message_id": second["message_id"]})
    assert pressed.status_code == 200
    [update] = bot_call(server, "getUpdates")
    assert update["callback_query"]["data"] == "s:cd:today"
    assert update["callback_query"]["message"]["message_id"] == second["message_id"]


def test_reading_waits_for_the_first_new_message(server):
    threading.Timer(0.3, lambda: bot_call(server, "sendMessage", chat_id=42, text="Late")).start()
    started = time.monotonic()
    said = httpx.get(f"{server.url}/_fake/messages",
                     params={"chat_id": 42, "wait": 5}, timeout=10).json()["messages"]
    assert [m["text"] for m in said] == ["Late"]
    assert 0.2 < time.monotonic() - started < 4
    nothing = httpx.get(f"{server.url}/_fake/messages",
                        params={"chat_id": 42, "after": 1, "wait": 0.2}).json()
    assert nothing == {"ok": True, "messages": []}


def test_bad_control_requests_are_400_or_404(server):
    inject = f"{server.url}/_fake/inject"
    assert httpx.post(inject, json={"chat_id": 42}).status_code == 400
    assert httpx.post(inject, json={"chat_id": "x", "text": "hi"}).status_code == 400
    assert httpx.post(inject, json={"chat_id": 42, "callback_data": "s:x"}).status_code == 400
    assert httpx.post(inject, content=b"{oops",
                      headers={"Content-Type": "application/json"}).status_code == 400
    assert httpx.get(f"{server.url}/_fake/messages").status_code == 400
    assert httpx.get(f"{server.url}/_fake/nothing").status_code == 404
    assert server.calls == []  # control requests are not Bot API calls
