"""Celery: the request id travels in each task's message headers; one JSON line and the metrics
for each task that finishes. Never the task's arguments: they can name a person."""

from __future__ import annotations

import contextlib
import logging
import time

from celery import signals

from . import metrics, request_id

logger = logging.getLogger("waymark.task")

_started: dict[str, tuple[float, object]] = {}


def _before_publish(headers=None, **kwargs) -> None:
    if headers is not None and request_id.current():
        headers.setdefault(request_id.TASK_HEADER, request_id.current())


def _prerun(task_id=None, task=None, **kwargs) -> None:
    given = getattr(task.request, request_id.TASK_HEADER, None) if task is not None else None
    if given is None and task is not None:
        given = (task.request.headers or {}).get(request_id.TASK_HEADER)
    token = request_id.bind(request_id.accept(given))
    _started[task_id] = (time.perf_counter(), token)


def _postrun(task_id=None, task=None, state=None, **kwargs) -> None:
    started, token = _started.pop(task_id, (None, None))
    name = getattr(task, "name", "<unknown>")
    seconds = time.perf_counter() - started if started is not None else 0.0
    outcome = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}.get(
        state or "", (state or "unknown").lower())
    metrics.celery_tasks.labels(name, outcome).inc()
    metrics.celery_task_duration.labels(name).observe(seconds)
    logger.info("task", extra={"event": "task", "task": name, "task_id": task_id,
                               "outcome": outcome, "duration_ms": round(seconds * 1000, 1)})
    if token is not None:
        # Finished in another context (a pool that moved it): nothing to undo.
        with contextlib.suppress(ValueError):
            request_id.release(token)


def connect() -> None:
    signals.before_task_publish.connect(_before_publish, weak=False,
                                        dispatch_uid="waymark-request-id-publish")
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="waymark-task-prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="waymark-task-postrun")
