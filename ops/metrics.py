"""Prometheus metrics (prometheus-client), exposed at /metrics (ops/views.py).

Counters and histograms are kept by each process. Under gunicorn, Celery and the bot,
PROMETHEUS_MULTIPROC_DIR names a folder that every process of the machine writes its figures to
(one file per process) and /metrics adds them up; the folder is emptied when the processes start
(bin/waymark). Files are named by host name and process id, so containers that share the folder
as a volume never write to each other's files.

Counts of rows (the outbox, data jobs, safeguarding alerts) and queue lengths are taken when
Prometheus scrapes, by `StateCollector`: one query each, nothing kept between scrapes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def _process_identifier() -> str:
    # "_" separates the parts of a file name in prometheus-client's multiprocess folder.
    return f"{socket.gethostname().replace('_', '-')}-{os.getpid()}"


if MULTIPROCESS:
    values.ValueClass = values.MultiProcessValue(process_identifier=_process_identifier)

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

http_requests = Counter(
    "waymark_http_requests", "HTTP requests answered, by route name, method and status.",
    ["view", "method", "status"])
http_latency = Histogram(
    "waymark_http_request_duration_seconds", "Time to answer an HTTP request, by route name.",
    ["view", "method"], buckets=LATENCY_BUCKETS)
celery_tasks = Counter(
    "waymark_celery_tasks", "Celery tasks finished, by task name and outcome "
    "(succeeded, failed, retried).", ["task", "outcome"])
celery_task_duration = Histogram(
    "waymark_celery_task_duration_seconds", "Time a Celery task ran, by task name.", ["task"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600))
bot_updates = Counter(
    "waymark_bot_updates", "Telegram updates the bot handled, by kind and outcome "
    "(handled, failed).", ["kind", "outcome"])


def _update_kind(update: object) -> str:
    for kind in ("message", "callback_query", "edited_message", "my_chat_member"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


@contextlib.contextmanager
def bot_update_counted(update: object):
    """Counts one Telegram update by kind, as handled or failed (an exception escaped)."""
    kind = _update_kind(update)
    try:
        yield
    except BaseException:
        bot_updates.labels(kind, "failed").inc()
        raise
    bot_updates.labels(kind, "handled").inc()


def queue_lengths() -> dict[str, int] | None:
    """Messages waiting in each Celery queue (Redis LLEN, with kombu's priority sub-queues);
    None on a broker that is not Redis (the filesystem default has no cheap count)."""
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    from config.celery import app

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    names = {app.conf.task_default_queue}
    names |= {queue.name for queue in (app.conf.task_queues or ())}
    steps = app.conf.broker_transport_options.get("priority_steps", [0, 3, 6, 9])
    sep = app.conf.broker_transport_options.get("sep", "\x06\x16")
    lengths: dict[str, int] = {}
    try:
        with client.pipeline(transaction=False) as pipe:
            keys = []
            for name in sorted(names):
                for step in steps:
                    keys.append((name, name if not step else f"{name}{sep}{step}"))
                    pipe.llen(keys[-1][1])
            for (name, _), length in zip(keys, pipe.execute(), strict=True):
                lengths[name] = lengths.get(name, 0) + int(length)
    finally:
        client.close()
    return lengths


class StateCollector(Collector):
    """Counts taken at scrape time: the outbox, data jobs, open safeguarding alerts, queues.

    A source that cannot be read is left out and counted in waymark_scrape_errors, so one
    broken part never hides the others."""

    def describe(self):
        """Nothing to describe ahead: registering must not query the database."""
        return []

    def collect(self):
        from outcomes.selectors import operations

        errors = GaugeMetricFamily(
            "waymark_scrape_errors", "1 where a figure could not be read at this scrape.",
            labels=["source"])
        sources = [
            ("outbox", "waymark_reminder_outbox",
             "Reminder outbox rows by status (pending is waiting to be sent).",
             "status", operations.notification_counts_by_status),
            ("data_jobs", "waymark_data_jobs", "SSDA903 data jobs by status.",
             "status", operations.data_job_counts_by_status),
            ("safeguarding_alerts", "waymark_safeguarding_alerts",
             "Safeguarding alerts by status.", "status",
             operations.safeguarding_alert_counts_by_status),
            ("celery_queues", "waymark_celery_queue_length",
             "Tasks waiting in each Celery queue (Redis brokers only).", "queue",
             queue_lengths),
        ]
        for source, name, documentation, label, read in sources:
            try:
                counts = read()
            except Exception:
                logger.warning("metrics: could not read %s", source, exc_info=True)
                errors.add_metric([source], 1)
                continue
            errors.add_metric([source], 0)
            if counts is None:
                continue
            family = GaugeMetricFamily(name, documentation, labels=[label])
            for key, value in sorted(counts.items()):
                family.add_metric([key], value)
            yield family
        yield errors


_state = StateCollector()
if not MULTIPROCESS:
    REGISTRY.register(_state)


def registry() -> CollectorRegistry:
    """What /metrics shows: every process's figures (multiprocess) or this one's, and the
    counts taken now."""
    if not MULTIPROCESS:
        return REGISTRY
    collected = CollectorRegistry()
    multiprocess.MultiProcessCollector(collected)
    collected.register(_state)
    return collected
