"""/healthz, /readyz and /metrics: for load balancers, orchestrators and Prometheus.

No sign-in, no personal data, no AccessEvent. /healthz says the process answers (it touches
nothing else); /readyz checks what a request needs and says which part failed; /metrics is
shown only to METRICS_ALLOWED_IPS or to a bearer of METRICS_TOKEN, and is a 404 to anyone else.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from config.client_ip import client_ip
from outcomes.selectors.operations import beat_last_run

from . import metrics


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering. Touches no database, broker or cache."""
    return JsonResponse({"status": "ok"})


class CheckFailed(Exception):
    """A readiness check failed; the message says why, with no secrets or personal data."""


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


_migrations_checked_at = 0.0


def _migrations() -> str:
    """Every migration on disk is applied. Once true it stays true for a minute (reading the
    migration graph costs tens of milliseconds)."""
    global _migrations_checked_at
    if time.monotonic() - _migrations_checked_at < 60:
        return "ok"
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CheckFailed(f"{len(pending)} migrations not applied: run manage.py migrate")
    _migrations_checked_at = time.monotonic()
    return "ok"


def _broker() -> str:
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2,
                                     timeout=2)
    return "ok"


def _cache() -> str:
    key = f"waymark:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise CheckFailed("the cache did not keep a value")
    return "ok"


def _beat() -> str:
    """The beat has sent a scheduled task lately. django-celery-beat writes last_run_at when
    it sends one and saves at least every 3 minutes; the outbox dispatcher runs every minute, so
    a beat that is alive is never more than about 4 minutes behind."""
    limit = settings.WAYMARK_READYZ_BEAT_SECONDS
    if not limit:
        return "not checked"
    enabled, last = beat_last_run()
    if not enabled:
        raise CheckFailed("no beat schedules: run manage.py setup_schedules")
    if last is None:
        raise CheckFailed("the beat has not run a schedule yet")
    age = (timezone.now() - last).total_seconds()
    if age > limit:
        raise CheckFailed(f"the beat last ran a schedule {int(age)} s ago (limit {limit} s)")
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "migrations": _migrations,
    "broker": _broker,
    "cache": _cache,
    "beat": _beat,
}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, else 503; each check says ok or what failed."""
    results: dict[str, str] = {}
    ready = True
    for name, check in CHECKS.items():
        if name in {"migrations", "beat"} and results.get("database") != "ok":
            results[name] = "not checked: no database"
            ready = False
            continue
        try:
            results[name] = check()
        except CheckFailed as failed:
            results[name] = f"failed: {failed}"
            ready = False
        except Exception as error:  # any failure of a service is "not ready"
            # The class name only: a driver's message can carry a host name or a password.
            results[name] = f"failed: {type(error).__name__}"
            ready = False
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results},
                        status=200 if ready else 503)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and given.startswith("Bearer "):
        return hmac.compare_digest(given[len("Bearer "):].encode(), token.encode())
    if not settings.METRICS_ALLOWED_IPS:
        return False
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_IPS)


@never_cache
@require_GET
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, to allowed addresses or the bearer of METRICS_TOKEN."""
    if not _metrics_allowed(request):
        # The same answer as an address that does not exist: nothing is disclosed.
        return HttpResponse("Not Found", status=404, content_type="text/plain; charset=utf-8")
    return HttpResponse(generate_latest(metrics.registry()), content_type=CONTENT_TYPE_LATEST)
