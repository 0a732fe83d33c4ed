"""One JSON line per request and per task, with the request id, and nothing that names anyone."""

from __future__ import annotations

import json
import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from ops import request_id
from ops.logs import RequestIdFilter, WaymarkJsonFormatter


def _json(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    return json.loads(WaymarkJsonFormatter().format(record))


@pytest.mark.django_db
def test_one_json_line_per_request_with_its_id_and_no_query_string(client, personas, caplog):
    client.force_login(personas.adviser)
    with caplog.at_level(logging.INFO, logger="waymark.request"):
        response = client.get(f"/young-people/{personas.young_person.pk}/?q=Jordan+Example")
    assert response.status_code == 200
    [record] = [r for r in caplog.records if r.name == "waymark.request"]
    line = _json(record)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert {key: line[key] for key in ("message", "event", "method", "route", "status", "level",
                                       "user_id")} == {
        "message": "request", "event": "request", "method": "GET", "route": "web:young-person",
        "status": 200, "level": "INFO", "user_id": personas.adviser.pk}
    text = json.dumps(line)
    assert "Jordan" not in text and "Example" not in text and "q=" not in text
    assert "adviser" not in text  # the id, never the username


@pytest.mark.django_db
def test_probes_are_logged_only_at_debug(client, caplog):
    with caplog.at_level(logging.INFO, logger="waymark.request"):
        client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "waymark.request"]


@pytest.mark.django_db
def test_a_proxys_request_id_is_taken_only_behind_trusted_proxies(client, settings):
    given = "proxy-3f2a9c1e-aa"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] != given
    settings.WAYMARK_TRUSTED_PROXIES = 1
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    # Not an id (spaces, a name, too long): a new one is made.
    for bad in ("Jordan Example", "x" * 65, "<script>"):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert answered != bad and len(answered) == 32


def test_djangos_error_line_leaves_out_the_request_and_its_query_string(rf):
    request = rf.get("/young-people/7/?name=Jordan+Example")
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1,
                               "Internal Server Error: %s", (request.path,), None)
    record.request = request
    record.status_code = 500
    line = _json(record)
    assert line["message"] == "Internal Server Error: /young-people/7/"
    assert "Jordan" not in json.dumps(line) and "request" not in line


def test_log_lines_outside_a_request_have_an_empty_id():
    record = logging.LogRecord("waymark", logging.INFO, __file__, 1, "hello", (), None)
    assert _json(record)["request_id"] == ""
    token = request_id.bind("abcdef0123456789")
    try:
        record = logging.LogRecord("waymark", logging.INFO, __file__, 1, "hello", (), None)
        assert _json(record)["request_id"] == "abcdef0123456789"
    finally:
        request_id.release(token)


@app.task(name="tests.ops.current_request_id")
def current_request_id() -> str:
    return request_id.current()


@pytest.fixture(scope="module")
def worker(django_db_blocker):
    with django_db_blocker.unblock(), start_worker(app, pool="solo", perform_ping_check=False,
                                                   shutdown_timeout=10):
        yield


def _task_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "waymark.task"
            and r.task == "tests.ops.current_request_id"]


@pytest.mark.django_db(transaction=True)
def test_the_request_id_is_carried_into_the_task_and_its_log_line(worker, caplog):
    token = request_id.bind("req-0123456789abcdef")
    try:
        with caplog.at_level(logging.INFO, logger="waymark.task"):
            result = current_request_id.delay()
            # The worker runs in another thread: only the message's header can carry the id.
            assert result.get(timeout=20) == "req-0123456789abcdef"
        # Celery stores the result before task_postrun, which writes the line: wait for it.
        deadline = time.monotonic() + 10
        while not _task_lines(caplog) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        request_id.release(token)
    [record] = _task_lines(caplog)
    line = _json(record)
    assert line["request_id"] == "req-0123456789abcdef"
    assert line["outcome"] == "succeeded" and line["task_id"] == result.id
    # A task enqueued outside a request gets an id of its own.
    assert len(current_request_id.delay().get(timeout=20)) == 32
