"""The webhook receiver: Telegram POSTs each update to /telegram/webhook/ with the secret token
set by `runbot --webhook URL`; the view checks it and hands the update to the bot's Application.

One Application per bot process, started once and fed by every request (python-telegram-bot's
own Django example, examples/customwebhookbot/djangobot.py, does the same with uvicorn): an
Application is never built per request, and the conversation state it keeps (a contact being
recorded, the per-chat rate limit) stays in one place. `WebhookReceiver` is that process:
`manage.py runbot --webhook URL --listen HOST:PORT` runs the Application on an event loop of its
own and serves this view, and nothing else, over HTTP on HOST:PORT for an HTTPS reverse proxy
to forward /telegram/webhook/ to. In any other process (the web server) no Application is
attached and the view answers 503, so a misrouted update is retried by Telegram, not lost.

The view is a plain sync view, so it works under WSGI and ASGI alike: it puts the update on the
Application's queue from its own thread (`run_coroutine_threadsafe`) and answers 200 at once;
the handlers answer the chat through the Bot API, not in the HTTP response.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import threading
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
# How long a request waits for the update to be queued (the queue is unbounded: only a stuck
# event loop makes this wait).
QUEUE_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class _Attached:
    application: Application
    loop: asyncio.AbstractEventLoop


_attached: _Attached | None = None


def attach(application: Application, loop: asyncio.AbstractEventLoop) -> None:
    """Feed this process's webhook requests to `application`, running (started) on `loop`."""
    global _attached
    _attached = _Attached(application, loop)


def detach() -> None:
    global _attached
    _attached = None


def _secret_ok(request: HttpRequest) -> bool:
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get(SECRET_HEADER, "")
    # No secret configured: refuse everything rather than accept anyone's updates.
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """One update from Telegram: 403 without the right secret token, 400 for a body that is not
    an update, 503 in a process with no bot attached; 200 once the update is queued."""
    if not _secret_ok(request):
        return HttpResponse(status=403)
    try:
        data = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return HttpResponse(status=400)
    attached = _attached
    if attached is None:
        logger.error("A webhook update reached a process with no bot: route %s to the process "
                     "that runs `manage.py runbot --webhook URL --listen HOST:PORT`.",
                     request.path)
        return HttpResponse(status=503)
    try:
        update = Update.de_json(data, attached.application.bot)
    except Exception:  # a body Telegram would never send: say so, never a traceback
        return HttpResponse(status=400)
    queued = asyncio.run_coroutine_threadsafe(attached.application.update_queue.put(update),
                                              attached.loop)
    queued.result(timeout=QUEUE_TIMEOUT_SECONDS)
    return JsonResponse({})


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log: the path is fixed and Telegram's address says nothing useful."""


def _only(path: str, app):
    """The WSGI app for `path` alone: everything else on this port is 404."""

    def only_webhook(environ, start_response):
        if environ.get("PATH_INFO") != path:
            start_response("404 Not Found", [("Content-Type", "text/plain"),
                                             ("Content-Length", "0")])
            return [b""]
        return app(environ, start_response)

    return only_webhook


class WebhookReceiver:
    """The bot process in webhook mode: `application` started on an event loop in a thread of
    its own and attached to the view, which is served on `host`:`port` (0: any free port)."""

    def __init__(self, application: Application, *, host: str = "127.0.0.1",
                 port: int = 8443) -> None:
        self.application = application
        self.host, self.port = host, port
        self.loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self.loop.run_forever, name="bot-loop",
                                             daemon=True)
        self._httpd: WSGIServer | None = None
        self._http_thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        return reverse("telegram-webhook")

    def _run(self, coroutine, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> None:
        await self.application.initialize()
        if self.application.post_init:  # as run_polling and run_webhook do
            await self.application.post_init(self.application)
        await self.application.start()

    async def _stop(self) -> None:
        try:
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
        finally:
            await sync_to_async(connections.close_all, thread_sensitive=True)()

    def start(self) -> WebhookReceiver:
        """Start the Application, attach it, and serve in a background thread."""
        from django.core.wsgi import get_wsgi_application

        self._loop_thread.start()
        self._run(self._start())
        attach(self.application, self.loop)
        self._httpd = make_server(self.host, self.port, _only(self.path, get_wsgi_application()),
                                  server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        self.port = self._httpd.server_address[1]
        self._http_thread = threading.Thread(target=self._httpd.serve_forever,
                                             name="webhook-http", daemon=True)
        self._http_thread.start()
        return self

    def wait(self) -> None:
        """Block until Ctrl-C (or `stop()` from another thread)."""
        if self._http_thread is not None:
            try:
                while self._http_thread.is_alive():
                    self._http_thread.join(0.5)
            except KeyboardInterrupt:
                pass

    def stop(self) -> None:
        """Stop serving, then stop the Application and its loop."""
        detach()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        try:
            if self._loop_thread.is_alive():
                self._run(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._loop_thread.join(timeout=5)
            self.loop.close()
