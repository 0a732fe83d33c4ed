"""Per-request operations: the request id, one JSON log line, metrics, and the body limits."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from . import metrics, request_id

logger = logging.getLogger("waymark.request")

# Answered here, before host validation and the HTTPS redirect: a load balancer or an
# orchestrator probes by address over plain HTTP, and none of them holds personal data. Probes
# and scrapes come every few seconds: counted in metrics, logged only at DEBUG.
OPS_ROUTES = {"/healthz": "ops-healthz", "/readyz": "ops-readyz", "/metrics": "ops-metrics"}


def _ops_view(route: str):
    from . import views

    return {"ops-healthz": views.healthz, "ops-readyz": views.readyz,
            "ops-metrics": views.prometheus_metrics}[route]


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or "<unnamed>"


class RequestContextMiddleware:
    """First in MIDDLEWARE: gives the request its id (the trusted proxy's X-Request-ID, or a new
    one), answers with it in X-Request-ID, counts and times the request by route name, and writes
    one JSON line for it: method, route, status, duration, user id. No path, no query string."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = (request.META.get(request_id.META_KEY)
                 if settings.WAYMARK_TRUSTED_PROXIES else None)
        rid = request_id.accept(given)
        token = request_id.bind(rid)
        started = time.perf_counter()
        route = OPS_ROUTES.get(request.path_info)
        try:
            if route is not None:
                response = _ops_view(route)(request)
            else:
                response = self.get_response(request)
            response[request_id.HEADER] = rid
            self._record(request, rid, route or _route(request), response.status_code,
                         time.perf_counter() - started)
            return response
        finally:
            request_id.release(token)

    @staticmethod
    def _record(request: HttpRequest, rid: str, route: str, status: int,
                seconds: float) -> None:
        method = request.method if request.method in {
            "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} else "OTHER"
        metrics.http_requests.labels(route, method, str(status)).inc()
        metrics.http_latency.labels(route, method).observe(seconds)
        user = getattr(request, "user", None)
        level = logging.DEBUG if route in OPS_ROUTES.values() else logging.INFO
        logger.log(level, "request", extra={
            "event": "request", "request_id": rid, "method": method, "route": route, "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        })


class BodyLimitMiddleware:
    """Refuses a request body that is too big before anything reads it: 413, by the declared
    Content-Length. A request with no signed-in user may send WAYMARK_ANONYMOUS_MAX_BODY_BYTES
    (a sign-in form is a few hundred bytes); anyone, WAYMARK_MAX_BODY_BYTES (the largest SSDA903
    upload and its form). After AuthenticationMiddleware, before CSRF (which reads the form)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.WAYMARK_ANONYMOUS_MAX_BODY_BYTES:
            limit = settings.WAYMARK_MAX_BODY_BYTES
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                limit = settings.WAYMARK_ANONYMOUS_MAX_BODY_BYTES
            if declared > limit:
                return _too_large(request, limit)
        return self.get_response(request)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    megabytes = max(1, limit // (1024 * 1024))
    text = f"The request is too large: at most {megabytes} MB may be sent here."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": text}, status=413)
    else:
        response = HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")
    # The body was not read: the connection cannot carry another request after it.
    response["Connection"] = "close"
    return response
