"""Optional error reports to Sentry (sentry-sdk), when SENTRY_DSN is set.

An event leaves with the error's type and where in the code it happened, the route and the
request id, and nothing that can name a person: `data_collection` (which replaces
send_default_pii) collects no user, cookie, body or query string, local variables are not sent,
and `scrub` removes the query string, cookies, body, headers other than a few safe ones,
the user (but the id), exception and log messages (a database error quotes the row it refused)
and the text of breadcrumbs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from . import request_id

SAFE_HEADERS = {"content-type", "content-length", "user-agent", "x-request-id", "accept"}
REDACTED = "[removed: may hold personal data]"


def scrub(event: dict[str, Any], hint: dict | None = None) -> dict[str, Any]:
    """Sentry's before_send (and before_send_transaction): what may leave, and nothing else."""
    request = event.get("request")
    if isinstance(request, dict):
        url = request.get("url")
        if isinstance(url, str):
            parts = urlsplit(url)
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": url,
            "headers": {key: value for key, value in headers.items()
                        if key.lower() in SAFE_HEADERS},
        }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values", []) or []:
        if exception.get("value"):
            exception["value"] = REDACTED
        for frame in (exception.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values", []) or []:
        for frame in (thread.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    if isinstance(event.get("message"), str) and event["message"]:
        event["message"] = REDACTED  # capture_message's text: written by someone, not code
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    if isinstance(values, list):
        for crumb in values:
            crumb.pop("message", None)
            crumb.pop("data", None)
    event.pop("extra", None)
    if request_id.current():
        event.setdefault("tags", {})["request_id"] = request_id.current()
    for key in ("cookies", "env"):
        event.pop(key, None)
    return event


def init_from_settings(**overrides: Any) -> bool:
    """Start Sentry when SENTRY_DSN is set; True if it was started."""
    dsn = overrides.pop("dsn", settings.SENTRY_DSN)
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": settings.SENTRY_ENVIRONMENT,
        # What the integrations collect, before `scrub` looks at the event: none of it personal.
        "data_collection": {
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(SAFE_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        "include_local_variables": False,
        "max_request_body_size": "never",
        "before_send": scrub,
        "before_send_transaction": scrub,
        "traces_sample_rate": settings.SENTRY_TRACES_SAMPLE_RATE,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
    }
    options.update(overrides)
    sentry_sdk.init(**options)
    return True
