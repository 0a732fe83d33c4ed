"""Two rules every request follows, whichever channel answers it: a session idle for longer than
SESSION_IDLE_MINUTES is signed out, and nothing a signed-in person or the API is sent is kept in
a cache."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

# The session key holding when the session last made a request (seconds since the epoch).
LAST_SEEN = "waymark_last_seen"
# Written at most this often, so a page's dozen requests do not each save the session.
TOUCH_EVERY = 15
TIMED_OUT = ("You were signed out because you did nothing for {minutes} minutes. "
             "Sign in again to carry on.")


def idle_seconds() -> int:
    return settings.SESSION_IDLE_MINUTES * 60


class IdleSessionMiddleware:
    """Signs out a session that made no request for SESSION_IDLE_MINUTES (ASVS 7.3.1). The
    pages' timeout warning (web/static/web/timeout.js) only says so in advance: without script
    the server still decides."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int | float) and now - last > idle_seconds():
                logout(request)  # flushes the session: a new key, nothing of the old one
                if not request.path.startswith("/api/"):
                    messages.info(request, TIMED_OUT.format(
                        minutes=settings.SESSION_IDLE_MINUTES))
            elif not isinstance(last, int | float) or now - last >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every API response and every page sent to someone signed in
    (children's data), unless the view set its own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (request.path.startswith("/api/") or signed_in) and not response.has_header(
                "Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


def session_clock_start(sender, request, user, **kwargs) -> None:
    """user_logged_in: the session's idle clock starts now."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN] = time.time()
