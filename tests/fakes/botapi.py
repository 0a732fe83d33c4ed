"""A local Telegram Bot API server for tests, demos and benchmarks.

`FakeBotAPI` speaks the Bot API over HTTP on 127.0.0.1 so that python-telegram-bot talks to it
exactly as to Telegram::

    with FakeBotAPI() as server:
        bot = telegram.Bot(server.token, base_url=server.base_url)
        ...                                  # the bot's requests go to server.url
        server.inject_message(42, "/start")  # what a user types, for getUpdates to hand over
        server.wait_for_messages(42, 1)      # what the bot answered

Requests are `POST` or `GET` to `/bot<token>/<method>` with their parameters in the query string
or a JSON, form-encoded or multipart body (python-telegram-bot sends form-encoded parameters,
each non-string value JSON-encoded, and multipart when it uploads a file). Answers are Telegram's:
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": "...",
"parameters": {"retry_after": S}}` with the same HTTP status, so the client raises the same
exceptions (429 with retry_after -> RetryAfter, 403 -> Forbidden, 400 -> BadRequest,
401/404 -> InvalidToken, 409 -> Conflict, 5xx -> NetworkError).

Every call is recorded (`calls`, `sent_messages`) once answered; `in_flight` counts the calls
being served (`wait_for_in_flight`: a client is waiting on a held answer). Faults come on demand:
`fail_next` (any status, e.g. 429 with retry_after, 5xx, 403), `block_chat` (the user blocked the
bot), `delay` (a slow answer, and a client that gives up meanwhile delivers nothing), `hold` and
`release` (answers held until the test lets them go: what a client does while it waits), and with
`enforce_limits=True` Telegram's flood limits (1 message a second to a chat, 30 a second overall).

Not modelled: webhooks are stored and reported but never called, files are not stored, only the
methods listed in `FakeBotAPI.METHODS` exist (anything else answers 404).

Run it in the foreground for demos with `python -m tests.fakes.botapi --port 8081`: it logs one
line per call, never the text of a message. Standard library only.

Another process (`manage.py botchat`, a demo script) plays the user over two control endpoints,
which take and give JSON (or query-string parameters):

    POST /_fake/inject    {"chat_id": 42, "text": "/plan"}               a user types in a chat
                          {"chat_id": 42, "callback_data": "s:yp:7", "message_id": 5}
                                                                         ... or presses a button
                          -> {"ok": true, "update_id": N}   (400 {"ok": false, "error": ...})
    GET  /_fake/messages?chat_id=42&after=3&wait=5
                          -> {"ok": true, "messages": [{"index": 4, "message_id": ..., "text":
                             ..., "reply_markup": ..., "edited": false}, ...]}
                          what the bot said to the chat after the first `after` (sent messages
                          and edits, oldest first); `wait` seconds (at most 30) long-polls for
                          the first new one.
"""

from __future__ import annotations

import argparse
import contextlib
import email.parser
import email.policy
import itertools
import json
import logging
import re
import select
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["CLIENT_CLOSED", "DEFAULT_TOKEN", "Call", "FakeBotAPI", "main"]

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST"
BOT_USERNAME = "waymark_test_bot"
MAX_TEXT_LENGTH = 4096
# The status recorded for a request whose client went away before it was answered (nginx's
# "client closed request"): nothing was delivered and no answer was written.
CLIENT_CLOSED = 499
# How often a held answer or a long poll looks whether its client is still there.
POLL_INTERVAL = 0.05
CHAT_LIMIT_PER_SECOND = 1
GLOBAL_LIMIT_PER_SECOND = 30
# The control endpoints another process uses to type into a chat and read what the bot said.
CONTROL_PREFIX = "/_fake/"
CONTROL_MAX_WAIT = 30

BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
# Parameters that are strings even when they look like JSON ("text": "123" stays a string).
TEXT_PARAMS = frozenset({
    "text", "caption", "callback_query_id", "inline_message_id", "parse_mode", "action", "url",
    "secret_token", "language_code", "ip_address", "business_connection_id", "message_effect_id",
    "description", "short_description", "name", "title", "emoji",
})
# Parameters that hold JSON, which some clients send serialised even inside a JSON body.
JSON_PARAMS = frozenset({
    "reply_markup", "commands", "scope", "allowed_updates", "entities", "caption_entities",
    "link_preview_options", "reply_parameters",
})

_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?")
_COMMAND = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,})?")
_BOT_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_INT = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Call:
    """One request the server answered (or saw abandoned): `status` is the HTTP status answered,
    `CLIENT_CLOSED` (499) when the client left first; `at` is `time.time()` when the answer was
    decided, after any delay; `result` is the "result" of a 200 answer."""

    method: str
    params: dict[str, Any]
    at: float
    status: int
    result: Any = None


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status,
                                "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class _ClientGone(Exception):
    """The client closed its connection (or the server is stopping) before it was answered."""


@dataclass
class _Fault:
    method: str
    status: int
    remaining: int
    retry_after: int | None
    description: str


@dataclass
class _Delay:
    seconds: float
    remaining: int | None


class FakeBotAPI:
    """A Telegram Bot API server on 127.0.0.1 (an ephemeral port unless `port` is given).

    Use it as a context manager or with `start()`/`stop()`; point python-telegram-bot at
    `base_url`. All public methods are thread-safe and may be called while a client is talking
    to the server.
    """

    METHODS = (
        "getMe", "getUpdates", "sendMessage", "editMessageText", "editMessageReplyMarkup",
        "answerCallbackQuery", "setMyCommands", "getMyCommands", "deleteMyCommands",
        "setWebhook", "deleteWebhook", "getWebhookInfo", "sendChatAction",
    )

    def __init__(self, *, token: str = DEFAULT_TOKEN, host: str = "127.0.0.1", port: int = 0,
                 enforce_limits: bool = False, bot_username: str = BOT_USERNAME) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.enforce_limits = enforce_limits
        bot_id = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 123456, "is_bot": True,
            "first_name": "Waymark (test)", "username": bot_username,
        }
        self._canonical = {name.lower(): name for name in self.METHODS}
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._active = 0  # requests being handled
        self._in_flight: dict[str, int] = {}  # method -> calls being served (not yet recorded)
        self.reset()

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        """Bind and serve in a background thread; returns the server."""
        if self._httpd is not None:
            raise RuntimeError("the server is already running")
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": POLL_INTERVAL},
                                        name=f"fake-bot-api:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: pending long polls answer what they have (usually []), held answers
        are dropped unanswered (status CLIENT_CLOSED), then every connection is closed."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        with self._changed:
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._active == 0, timeout=2)
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        if self._httpd is None and not self.port:
            raise RuntimeError("start() the server first: its port is chosen when it binds")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What python-telegram-bot's `Bot(base_url=...)` wants: `{url}/bot`."""
        return f"{self.url}/bot"

    def __repr__(self) -> str:
        state = f"on {self.url}" if self._httpd is not None else "stopped"
        return f"<FakeBotAPI {state}>"

    # -- what was said ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every call so far, oldest first (a copy)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The calls to one method (any status)."""
        method = self._method_name(method)
        return [call for call in self.calls if call.method == method]

    def sent_messages(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """The params of every sendMessage answered 200, to one chat or to all."""
        wanted = None if chat_id is None else _chat_key(chat_id)
        return [call.params for call in self.calls
                if call.method == "sendMessage" and call.status == HTTPStatus.OK
                and (wanted is None or _chat_key(call.params.get("chat_id")) == wanted)]

    def _wait(self, seen: Callable[[], Any], enough: Callable[[Any], bool], timeout: float,
              expected: str) -> Any:
        """Block until `enough(seen())`, woken by every change; TimeoutError after `timeout`
        seconds, saying what was `expected` and what was seen."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                now = seen()
                if enough(now):
                    return now
                left = deadline - time.monotonic()
                if left <= 0:
                    found = len(now) if isinstance(now, list) else now
                    raise TimeoutError(f"expected {expected} within {timeout}s, {found} seen")
                self._changed.wait(left)

    def wait_for_messages(self, chat_id: int | str, count: int,
                          timeout: float = 10) -> list[dict[str, Any]]:
        """Block until `count` messages were delivered to the chat; returns all delivered to it.
        Raises TimeoutError (saying how many came) after `timeout` seconds."""
        return self._wait(lambda: self.sent_messages(chat_id), lambda got: len(got) >= count,
                          timeout, f"{count} message(s) to chat {chat_id}")

    def wait_for_bot_messages(self, chat_id: int | str, count: int,
                              timeout: float = 10) -> list[dict[str, Any]]:
        """Block until the bot has said `count` things to the chat, messages and edits alike
        (`bot_messages`); returns all of them. Raises TimeoutError after `timeout` seconds."""
        return self._wait(lambda: self.bot_messages(chat_id), lambda got: len(got) >= count,
                          timeout, f"{count} message(s) or edit(s) to chat {chat_id}")

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 10) -> list[Call]:
        """Block until `count` calls to `method` were recorded (any status); returns them."""
        return self._wait(lambda: self.calls_to(method), lambda got: len(got) >= count,
                          timeout, f"{count} call(s) to {method}")

    def in_flight(self, method: str | None = None) -> int:
        """How many calls (to `method`, or to any) the server is serving right now: received,
        not yet answered or recorded, e.g. held by `delay`."""
        with self._lock:
            if method is None:
                return sum(self._in_flight.values())
            return self._in_flight.get(self._method_name(method), 0)

    def wait_for_in_flight(self, method: str, count: int = 1, timeout: float = 10) -> int:
        """Block until at least `count` calls to `method` are being served at once (a held
        answer: the client is waiting for it); returns how many. Raises TimeoutError."""
        return self._wait(lambda: self.in_flight(method), lambda serving: serving >= count,
                          timeout, f"{count} call(s) to {method} in flight")

    def commands(self, *, scope: dict[str, Any] | None = None,
                 language_code: str = "") -> list[dict[str, str]]:
        """The bot's command list for a scope and language, as setMyCommands left it."""
        with self._lock:
            return list(self._commands.get(_commands_key(scope, language_code), []))

    def clear(self) -> None:
        """Forget the recorded calls; faults, blocks, delays, queued updates and chats stay."""
        with self._lock:
            self._calls.clear()

    def reset(self) -> None:
        """Back to a fresh server (calls, updates, messages, faults, blocks, delays, commands,
        webhook, flood windows), keeping the token, the port and `enforce_limits`."""
        with self._lock:
            self._calls: list[Call] = []
            self._updates: list[dict[str, Any]] = []
            self._update_ids = itertools.count(1)
            self._callback_ids = itertools.count(1)
            self._issued_queries: set[str] = set()
            self._next_message_id: dict[int, int] = {}
            self._bot_messages: dict[tuple[int, int], dict[str, Any]] = {}
            self._last_bot_message: dict[int, int] = {}
            self._chat_names: dict[int, str] = {}
            self._faults: list[_Fault] = []
            self._delays: dict[str, _Delay] = {}
            for held in getattr(self, "_holds", {}).values():
                held.set()  # nothing stays held by a server that starts afresh
            self._holds: dict[tuple[str, int | str | None], threading.Event] = {}
            self._blocked: set[int | str] = set()
            self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
            self._webhook: dict[str, Any] = {}
            self._recent_sends: deque[float] = deque()
            self._last_send_to: dict[int, float] = {}

    # -- what users do ----------------------------------------------------------------------

    def inject_message(self, chat_id: int, text: str, user_id: int | None = None,
                       first_name: str = "Test") -> dict[str, Any]:
        """Queue an Update with a text message from a user in a private chat (user_id defaults
        to chat_id, as in Telegram); /commands get bot_command entities. Returns the Update."""
        with self._lock:
            chat = _require_int(chat_id, "chat_id")
            self._chat_names.setdefault(chat, first_name)
            sender = {"id": chat if user_id is None else user_id, "is_bot": False,
                      "first_name": first_name, "language_code": "en"}
            message = self._new_message(chat, sender=sender, text=text)
            entities = _command_entities(text)
            if entities:
                message["entities"] = entities
            return self._enqueue({"message": message})

    def inject_photo(self, chat_id: int, caption: str = "",
                     user_id: int | None = None) -> dict[str, Any]:
        """Queue an Update with a photo (one small size) from a user in a private chat, with
        `caption` under it when given. Returns the Update."""
        with self._lock:
            chat = _require_int(chat_id, "chat_id")
            sender = {"id": chat if user_id is None else user_id, "is_bot": False,
                      "first_name": self._chat_names.get(chat, "Test"), "language_code": "en"}
            message = self._new_message(chat, sender=sender, text="")
            del message["text"]
            message["photo"] = [{"file_id": f"photo-{chat}-{message['message_id']}",
                                 "file_unique_id": f"p{chat}{message['message_id']}",
                                 "width": 90, "height": 90, "file_size": 1024}]
            if caption:
                message["caption"] = caption
            return self._enqueue({"message": message})

    def inject_callback(self, chat_id: int, data: str, message_id: int | None = None,
                        user_id: int | None = None) -> dict[str, Any]:
        """Queue an Update with a callback query: the user pressed an inline button carrying
        `data` under the bot's message `message_id` (default: the bot's last message in the chat).
        Its id is accepted by answerCallbackQuery. Returns the Update."""
        with self._lock:
            chat = _require_int(chat_id, "chat_id")
            if message_id is None:
                message_id = self._last_bot_message.get(chat)
                if message_id is None:
                    raise ValueError(f"the bot sent no message to chat {chat}: pass message_id")
            message = self._bot_messages.get((chat, message_id)) or {
                "message_id": message_id, "from": self._bot_from(), "chat": self._chat(chat),
                "date": int(time.time()), "text": "",
            }
            query_id = str(next(self._callback_ids))
            self._issued_queries.add(query_id)
            sender = {"id": chat if user_id is None else user_id, "is_bot": False,
                      "first_name": self._chat_names.get(chat, "Test"), "language_code": "en"}
            return self._enqueue({"callback_query": {
                "id": query_id, "from": sender, "message": message,
                "chat_instance": f"{abs(chat)}0", "data": data,
            }})

    # -- faults -----------------------------------------------------------------------------

    def fail_next(self, method: str, status: int, *, times: int = 1,
                  retry_after: int | None = None, description: str | None = None) -> None:
        """Answer the next `times` calls to `method` ("*" for any method) with an error.

        The description defaults to Telegram's for the status ("Too Many Requests: retry after
        N", "Forbidden: bot was blocked by the user", "Internal Server Error", ...); a 429
        without `retry_after` gets retry_after 1, as Telegram always sends one. Faults queue up
        and are used in the order given. Nothing is delivered by a failed call.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == HTTPStatus.TOO_MANY_REQUESTS and retry_after is None:
            retry_after = 1
        if description is None:
            description = _default_description(status, retry_after)
        with self._lock:
            self._faults.append(_Fault(self._method_name(method, wildcard=True), status, times,
                                       retry_after, description))

    def block_chat(self, chat_id: int | str) -> None:
        """The user blocked the bot: sendMessage, sendChatAction and edits to the chat answer
        403 "Forbidden: bot was blocked by the user" until `unblock_chat`."""
        with self._lock:
            self._blocked.add(_chat_key(chat_id))

    def unblock_chat(self, chat_id: int | str) -> None:
        with self._lock:
            self._blocked.discard(_chat_key(chat_id))

    def delay(self, method: str, seconds: float, *, times: int | None = None) -> None:
        """Hold every answer of `method` ("*" for any) for `seconds` before deciding it.

        The delay comes before anything is recorded or delivered. While it lasts the server
        watches the connection (every 50 ms, and once more right at the end of the delay); if the
        client has closed it (a read timeout, a killed worker, a stopped server) the request is
        dropped as one that never completed: no message is delivered, no message_id is used, no
        answer is written, and the call is recorded with status CLIENT_CLOSED (499), so
        `sent_messages` leaves it out. A client still connected when the delay ends gets its
        answer as usual; one that goes away after that last look, while the answer is being
        written, is the real-world "delivered but the answer was lost" case and counts as
        delivered. `seconds=0` removes the delay; `times` limits it to the next N calls.
        """
        with self._lock:
            name = self._method_name(method, wildcard=True)
            if seconds <= 0:
                self._delays.pop(name, None)
            else:
                self._delays[name] = _Delay(seconds, times)

    def hold(self, method: str, *, chat_id: int | str | None = None) -> None:
        """Hold every answer of `method` ("*" for any), to one chat or to all, until `release`.

        The held call counts as `in_flight` and nothing is decided, recorded or delivered until
        it is released, so a test can see what a client does while it waits for Telegram (e.g.
        that the bot answers other chats meanwhile) without timing anything. A client that goes
        away meanwhile is treated as with `delay` (recorded with status CLIENT_CLOSED)."""
        with self._lock:
            key = (self._method_name(method, wildcard=True),
                   None if chat_id is None else _chat_key(chat_id))
            self._holds.setdefault(key, threading.Event())

    def release(self, method: str | None = None) -> None:
        """Answer the calls held by `hold` (of `method`, or of every method) and hold no more."""
        with self._lock:
            name = None if method is None else self._method_name(method, wildcard=True)
            for key in [key for key in self._holds if name is None or key[0] == name]:
                self._holds.pop(key).set()

    def _held(self, method: str, params: dict[str, Any]) -> threading.Event | None:
        with self._lock:
            chat = _chat_key(params.get("chat_id"))
            for key in ((method, chat), (method, None), ("*", chat), ("*", None)):
                held = self._holds.get(key)
                if held is not None:
                    return held
        return None

    # -- another process at the controls (botchat, demos) ----------------------------------

    def bot_messages(self, chat_id: int | str, after: int = 0) -> list[dict[str, Any]]:
        """What the bot said to a chat, oldest first, from the `after`-th on: every sendMessage
        (`edited` false) and editMessageText (`edited` true) answered 200, each with its
        `index` (1, 2, ...), `message_id`, `text` and `reply_markup` (None without buttons)."""
        wanted = _chat_key(chat_id)
        said = [call for call in self.calls
                if call.method in ("sendMessage", "editMessageText")
                and call.status == HTTPStatus.OK and isinstance(call.result, dict)
                and _chat_key(call.params.get("chat_id")) == wanted]
        return [{"index": index, "message_id": call.result["message_id"],
                 "text": call.result.get("text", ""),
                 "reply_markup": call.result.get("reply_markup"),
                 "edited": call.method == "editMessageText"}
                for index, call in enumerate(said, start=1) if index > after]

    def _control(self, request: _Handler, path: str, params: dict[str, Any],
                 parse_error: str | None) -> None:
        """`POST /_fake/inject`, `GET /_fake/messages` (see the module's docstring)."""
        try:
            if parse_error is not None:
                raise ValueError(parse_error)
            if path == f"{CONTROL_PREFIX}inject":
                body = self._control_inject(params)
            elif path == f"{CONTROL_PREFIX}messages":
                body = self._control_messages(params)
            else:
                _write_json(request, HTTPStatus.NOT_FOUND, {"ok": False, "error": "not found"})
                return
        except (ValueError, TypeError) as error:
            _write_json(request, HTTPStatus.BAD_REQUEST, {"ok": False, "error": str(error)})
            return
        logger.info("%s chat_id=%s", path, params.get("chat_id"))
        _write_json(request, HTTPStatus.OK, {"ok": True, **body})

    def _control_inject(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = _require_int(params.get("chat_id"), "chat_id")
        user_id = params.get("user_id")
        user = None if user_id is None else _require_int(user_id, "user_id")
        if "callback_data" in params:
            message_id = params.get("message_id")
            update = self.inject_callback(
                chat, str(params["callback_data"]), user_id=user,
                message_id=None if message_id is None else _require_int(message_id,
                                                                        "message_id"))
        elif isinstance(params.get("text"), str) and params["text"]:
            update = self.inject_message(chat, params["text"], user_id=user,
                                         first_name=str(params.get("first_name") or "Test"))
        else:
            raise ValueError("give text, or callback_data (and message_id)")
        return {"update_id": update["update_id"]}

    def _control_messages(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = _require_int(params.get("chat_id"), "chat_id")
        after = _require_int(params.get("after", 0), "after")
        wait = min(max(float(params.get("wait", 0)), 0), CONTROL_MAX_WAIT)
        deadline = time.monotonic() + wait
        with self._changed:
            while True:
                messages = self.bot_messages(chat, after)
                left = deadline - time.monotonic()
                if messages or left <= 0 or self._stopping.is_set():
                    return {"messages": messages}
                self._changed.wait(min(left, POLL_INTERVAL))

    # -- serving ----------------------------------------------------------------------------

    def _handle(self, request: _Handler) -> None:
        path, _, query = request.path.partition("?")
        parse_error = None
        try:
            params = _read_params(request, query)
        except ValueError as exc:
            params, parse_error = {}, str(exc)
        if path.startswith(CONTROL_PREFIX):
            self._control(request, path, params, parse_error)
            return
        match = _PATH.fullmatch(path)
        if match is None:
            self._answer(request, "", params, _ApiError(404, "Not Found"))
            return
        name = match["method"]
        method = self._canonical.get(name.lower(), name)
        if match["token"] != self.token:
            self._answer(request, method, params, _ApiError(401, "Unauthorized"))
        elif method not in self.METHODS:
            self._answer(request, method, params, _ApiError(404, "Not Found: method not found"))
        elif parse_error is not None:
            self._answer(request, method, params, _ApiError(400, f"Bad Request: {parse_error}"))
        else:
            try:
                result = self._serve(request.connection, method, params)
            except _ClientGone:
                self._record(method, params, CLIENT_CLOSED)
                request.close_connection = True
            except _ApiError as error:
                self._answer(request, method, params, error)
            else:
                self._answer(request, method, params, result)

    def _serve(self, connection: socket.socket, method: str, params: dict[str, Any]) -> Any:
        """Decide the answer to a call and commit its effects; raises _ApiError or _ClientGone."""
        with self._changed:
            self._in_flight[method] = self._in_flight.get(method, 0) + 1
            self._changed.notify_all()
        try:
            return self._serve_counted(connection, method, params)
        finally:
            with self._changed:
                self._in_flight[method] -= 1
                self._changed.notify_all()

    def _serve_counted(self, connection: socket.socket, method: str,
                       params: dict[str, Any]) -> Any:
        held = self._take_delay(method)
        if held:
            self._hold(connection, held)
        until = self._held(method, params)
        if until is not None:
            self._hold_until(connection, until)
        with self._lock:
            self._take_fault(method)
            if method in _CHAT_METHODS and _chat_key(params.get("chat_id")) in self._blocked:
                raise _ApiError(403, BLOCKED)
            if method == "getUpdates":
                return self._get_updates(params, connection)
            return getattr(self, f"_api_{method}")(params)

    def _answer(self, request: _Handler, method: str, params: dict[str, Any],
                outcome: Any) -> None:
        if isinstance(outcome, _ApiError):
            status, body = outcome.status, outcome.body()
            self._record(method, params, status)
        else:
            status, body = HTTPStatus.OK, {"ok": True, "result": outcome}
            self._record(method, params, status, outcome)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
            request.wfile.flush()
        except OSError:
            request.close_connection = True

    def _record(self, method: str, params: dict[str, Any], status: int,
                result: Any = None) -> None:
        call = Call(method=method, params=params, at=time.time(), status=int(status),
                    result=result)
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
        if logger.isEnabledFor(logging.INFO):
            logger.info("%s", _summary(call))

    def _take_delay(self, method: str) -> float:
        with self._lock:
            for name in (method, "*"):
                delay = self._delays.get(name)
                if delay is None:
                    continue
                if delay.remaining is not None:
                    delay.remaining -= 1
                    if delay.remaining <= 0:
                        del self._delays[name]
                return delay.seconds
        return 0.0

    def _hold(self, connection: socket.socket, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if self._stopping.is_set() or _client_gone(connection):
                raise _ClientGone
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._stopping.wait(min(left, POLL_INTERVAL))

    def _hold_until(self, connection: socket.socket, released: threading.Event) -> None:
        while not released.wait(POLL_INTERVAL):
            if self._stopping.is_set() or _client_gone(connection):
                raise _ClientGone

    def _take_fault(self, method: str) -> None:
        for fault in self._faults:
            if fault.method in (method, "*"):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                raise _ApiError(fault.status, fault.description, fault.retry_after)

    def _method_name(self, method: str, *, wildcard: bool = False) -> str:
        if wildcard and method == "*":
            return method
        try:
            return self._canonical[method.lower()]
        except KeyError:
            raise ValueError(f"unknown Bot API method {method!r}: one of {self.METHODS}") from None

    # -- updates ----------------------------------------------------------------------------

    def _enqueue(self, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **payload}
        self._updates.append(update)
        self._changed.notify_all()
        return update

    def _get_updates(self, params: dict[str, Any], connection: socket.socket) -> list[Any]:
        if self._webhook.get("url"):
            raise _ApiError(409, WEBHOOK_ACTIVE)
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        timeout = max(_number_param(params, "timeout", 0), 0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        deadline = time.monotonic() + timeout
        while True:
            if self._updates or self._stopping.is_set():
                return self._updates[:limit]
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            self._changed.wait(min(left, POLL_INTERVAL))
            if _client_gone(connection):
                raise _ClientGone

    # -- messages ---------------------------------------------------------------------------

    def _new_message(self, chat: int, *, sender: dict[str, Any], text: str) -> dict[str, Any]:
        message_id = self._next_message_id.get(chat, 1)
        self._next_message_id[chat] = message_id + 1
        return {"message_id": message_id, "from": sender, "chat": self._chat(chat),
                "date": int(time.time()), "text": text}

    def _chat(self, chat: int) -> dict[str, Any]:
        if chat < 0:
            return {"id": chat, "type": "group", "title": "Test group"}
        described: dict[str, Any] = {"id": chat, "type": "private"}
        if chat in self._chat_names:
            described["first_name"] = self._chat_names[chat]
        return described

    def _bot_from(self) -> dict[str, Any]:
        return {key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")}

    def _check_flood(self, chat: int) -> None:
        now = time.monotonic()
        while self._recent_sends and now - self._recent_sends[0] >= 1:
            self._recent_sends.popleft()
        if not self.enforce_limits:
            return
        last = self._last_send_to.get(chat)
        if ((last is not None and now - last < 1 / CHAT_LIMIT_PER_SECOND)
                or len(self._recent_sends) >= GLOBAL_LIMIT_PER_SECOND):
            raise _ApiError(429, _default_description(429, 1), retry_after=1)

    def _message_to_edit(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The bot's message an edit names; None for an inline message (answered True)."""
        if params.get("inline_message_id"):
            return None
        chat = _require_chat(params)
        message_id = params.get("message_id")
        if message_id is None:
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        message = self._bot_messages.get((chat, _int_param(params, "message_id", 0)))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return message

    def _store_edit(self, old: dict[str, Any], text: str,
                    markup: dict[str, Any] | None) -> dict[str, Any]:
        if text == old.get("text") and markup == old.get("reply_markup"):
            raise _ApiError(400, NOT_MODIFIED)
        edited = {key: value for key, value in old.items() if key != "reply_markup"}
        edited.update(text=text, edit_date=int(time.time()))
        if markup:
            edited["reply_markup"] = markup
        self._bot_messages[(old["chat"]["id"], old["message_id"])] = edited
        return edited

    # -- the methods (called with the lock held) --------------------------------------------

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = _require_chat(params)
        text = _require_text(params)
        markup = _reply_markup(params)
        self._check_flood(chat)
        message = self._new_message(chat, sender=self._bot_from(), text=text)
        if markup:
            message["reply_markup"] = markup
        self._bot_messages[(chat, message["message_id"])] = message
        self._last_bot_message[chat] = message["message_id"]
        now = time.monotonic()
        self._recent_sends.append(now)
        self._last_send_to[chat] = now
        return message

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        text = _require_text(params)
        markup = _reply_markup(params)
        message = self._message_to_edit(params)
        if message is None:
            return True
        return self._store_edit(message, text, markup)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        markup = _reply_markup(params)
        message = self._message_to_edit(params)
        if message is None:
            return True
        return self._store_edit(message, message.get("text", ""), markup)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        if str(params.get("callback_query_id", "")) not in self._issued_queries:
            raise _ApiError(400, QUERY_INVALID)
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise _ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            if not (isinstance(command, dict) and isinstance(command.get("command"), str)
                    and _BOT_COMMAND_NAME.fullmatch(command["command"])):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            description = command.get("description")
            if not (isinstance(description, str) and 1 <= len(description.strip()) <= 256):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command["command"], "description": description})
        key = _commands_key(params.get("scope"), params.get("language_code") or "")
        self._commands[key] = cleaned
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        key = _commands_key(params.get("scope"), params.get("language_code") or "")
        return list(self._commands.get(key, []))

    def _api_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        key = _commands_key(params.get("scope"), params.get("language_code") or "")
        self._commands.pop(key, None)
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise _ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for "
                                 "webhook")
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._webhook = {"url": url, "allowed_updates": params.get("allowed_updates"),
                         "max_connections": params.get("max_connections") or 40} if url else {}
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._webhook = {}
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {"url": self._webhook.get("url", ""),
                                "has_custom_certificate": False,
                                "pending_update_count": len(self._updates)}
        if self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        _require_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True


# Methods addressed to a chat, refused with 403 when the user blocked the bot.
_CHAT_METHODS = frozenset({"sendMessage", "sendChatAction", "editMessageText",
                           "editMessageReplyMarkup"})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Keep-alive connections idle in a handler thread: never wait for them on close.
    block_on_close = False

    def __init__(self, address: tuple[str, int], api: FakeBotAPI) -> None:
        self.api = api
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as python-telegram-bot's connection pool expects
    server_version = "FakeBotAPI"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to many answers.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.api._lock:
            self.server.api._connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.api._lock:
                self.server.api._connections.discard(self.connection)

    def do_POST(self) -> None:
        api = self.server.api
        with api._lock:
            api._active += 1
        try:
            api._handle(self)
        except Exception:
            logger.exception("the fake Bot API failed on %s", self.path.partition("?")[0])
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.send_error(500)
        finally:
            with api._changed:
                api._active -= 1
                api._changed.notify_all()

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Silence http.server's own access log: calls are logged by FakeBotAPI._record."""


def _write_json(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
        request.wfile.flush()
    except OSError:
        request.close_connection = True


# -- request parsing ----------------------------------------------------------------------------


def _read_params(request: BaseHTTPRequestHandler, query: str) -> dict[str, Any]:
    params = {key: _coerce(key, value) for key, value in parse_qsl(query, keep_blank_values=True)}
    body = _read_body(request)
    if not body:
        return params
    content_type = request.headers.get_content_type()
    if content_type == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise ValueError("can't parse JSON object") from None
        if not isinstance(data, dict):
            raise ValueError("can't parse JSON object")
        for key, value in data.items():
            if isinstance(value, str) and key in JSON_PARAMS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
    elif content_type == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        params.update((key, _coerce(key, value)) for key, value in pairs)
    elif content_type == "multipart/form-data":
        params.update(_multipart(request.headers["Content-Type"], body))
    else:
        raise ValueError(f"unsupported Content-Type {content_type}")
    return params


def _read_body(request: BaseHTTPRequestHandler) -> bytes:
    if request.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(request.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while request.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(request.rfile.read(size))
            request.rfile.readline()
    length = int(request.headers.get("Content-Length") or 0)
    return request.rfile.read(length) if length > 0 else b""


def _multipart(content_type: str, body: bytes) -> Iterable[tuple[str, Any]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("can't parse multipart body")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            yield name, _coerce(name, payload.decode("utf-8", "replace"))
        else:
            # Uploaded files are described, not kept.
            yield name, {"filename": filename, "content_type": part.get_content_type(),
                         "size": len(payload)}


def _coerce(key: str, value: str) -> Any:
    """A form value as Telegram reads it: JSON where it parses, text for the text parameters."""
    if key in TEXT_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


# -- validation ---------------------------------------------------------------------------------


def _chat_key(value: Any) -> int | str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if _INT.fullmatch(value.strip()):
            return int(value)
        if value.startswith("@"):
            return value.lower()
    return None


def _require_chat(params: dict[str, Any]) -> int:
    value = params.get("chat_id")
    if value is None or value == "":
        raise _ApiError(400, "Bad Request: chat_id is empty")
    chat = _chat_key(value)
    if not isinstance(chat, int) or chat == 0:
        raise _ApiError(400, "Bad Request: chat not found")
    return chat


def _require_int(value: Any, name: str) -> int:
    key = _chat_key(value)
    if not isinstance(key, int):
        raise ValueError(f"{name} must be an integer, not {value!r}")
    return key


def _require_text(params: dict[str, Any]) -> str:
    text = params.get("text")
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or not text.strip():
        raise _ApiError(400, "Bad Request: message text is empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise _ApiError(400, "Bad Request: message is too long")
    return text


def _reply_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    return markup


def _number_param(params: dict[str, Any], name: str, default: float) -> float:
    value = params.get(name, default)
    if isinstance(value, bool):
        raise _ApiError(400, f"Bad Request: wrong parameter {name}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _ApiError(400, f"Bad Request: wrong parameter {name}") from None


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    return int(_number_param(params, name, default))


def _commands_key(scope: Any, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), str(language_code)


def _command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities, their offsets and lengths in UTF-16 code units as Telegram's."""
    def utf16(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2

    return [{"type": "bot_command", "offset": utf16(text[:m.start()]), "length": utf16(m[0])}
            for m in _COMMAND.finditer(text)]


def _default_description(status: int, retry_after: int | None) -> str:
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        return f"Too Many Requests: retry after {retry_after}"
    if status == HTTPStatus.FORBIDDEN:
        return BLOCKED
    if status == HTTPStatus.CONFLICT:
        return ("Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running")
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"


def _client_gone(connection: socket.socket) -> bool:
    """True when the peer closed the connection (a read would give EOF) or it broke."""
    try:
        if not hasattr(socket, "MSG_DONTWAIT"):
            readable, _, _ = select.select([connection], [], [], 0)
            if not readable:
                return False
        data = connection.recv(1, socket.MSG_PEEK | getattr(socket, "MSG_DONTWAIT", 0))
    except (BlockingIOError, InterruptedError):
        return False
    except (OSError, ValueError):
        return True
    return data == b""


def _summary(call: Call) -> str:
    """One log line for a call, without the text of any message."""
    parts = [call.method or "?", str(call.status)]
    chat = call.params.get("chat_id")
    if chat is not None:
        parts.append(f"chat_id={chat}")
    result = call.result
    if isinstance(result, dict) and "message_id" in result:
        parts.append(f"message_id={result['message_id']}")
    elif isinstance(result, list):
        parts.append(f"results={len(result)}")
    text = call.params.get("text")
    if isinstance(text, str):
        parts.append(f"text_len={len(text)}")
    if call.status == CLIENT_CLOSED:
        parts.append("(client closed the connection: not delivered)")
    return " ".join(parts)


# -- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the server in the foreground until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.botapi",
        description="A local Telegram Bot API server for tests and demos.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--enforce-limits", action="store_true",
                        help="answer 429 past 1 message/s to a chat or 30/s overall")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = FakeBotAPI(token=args.token, host=args.host, port=args.port,
                        enforce_limits=args.enforce_limits)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    server.start()
    logger.info("Fake Telegram Bot API on %s: point the bot at base_url %s (Ctrl-C stops it)",
                server.url, server.base_url)
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        logger.info("Fake Telegram Bot API stopped")


if __name__ == "__main__":
    main()
