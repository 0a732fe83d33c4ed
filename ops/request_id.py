"""One id per request, carried into the Celery tasks it enqueues and into every log line.

A proxy's X-Request-ID is taken only behind trusted proxies (WAYMARK_TRUSTED_PROXIES), and only
when it looks like an id; otherwise Waymark makes one. It goes back out in the response header.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# The Celery message header that carries it.
TASK_HEADER = "waymark_request_id"
_VALID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

_current: ContextVar[str] = ContextVar("waymark_request_id", default="")


def new() -> str:
    return uuid.uuid4().hex


def accept(value: str | None) -> str:
    """The given id if it looks like one (no spaces, no text of a person's), else a new one."""
    if value and _VALID.fullmatch(value):
        return value
    return new()


def current() -> str:
    return _current.get()


def bind(value: str):
    """Make `value` the current id; returns the token for `release`."""
    return _current.set(value)


def release(token) -> None:
    _current.reset(token)
