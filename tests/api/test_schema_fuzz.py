"""Schema fuzzing (DESIGN.md, Testing): schemathesis generates requests for every operation of
the OpenAPI schema - valid ones and invalid ones - and sends them in-process to the WSGI app, as
a team manager and as a young person. No answer may be a 5xx, and every answer must be what the
schema says (a documented status code, the documented content type, a body that fits).

The schema is fetched the way a client fetches it: from /api/v1/schema/ with a staff token. The
records are tests/api/world.py's; path ids, body ids and If-Match are steered towards them part
of the time, so that requests get past "not found" into the business logic. Each request runs in
a savepoint rolled back after it, so every example starts from the same records.

All failures of an operation are collected and reported together (check, status, how many, the
first request and answer), rather than stopping at the first."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test.utils import override_settings
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from outcomes import models as m
from outcomes.services import api_token_issue
from tests.api.world import MatrixWorld

SCHEMA_URL = "/api/v1/schema/?format=json"
PERSONAS = ("manager", "young_person")
EXAMPLES = 100
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def _operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation, for the test ids. From the same generator the schema
    view uses; the test itself runs on the schema as served."""
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path) for path, item in sorted(spec["paths"].items())
            for method in item if method in HTTP_METHODS]


OPERATIONS = _operations()


@contextlib.contextmanager
def _one_connection() -> Iterator[None]:
    """Keep the test's database connection across in-process requests, as Django's test client
    does: its request signals would otherwise close it, transaction and records with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextlib.contextmanager
def _quiet_4xx() -> Iterator[None]:
    """Thousands of refused requests need no warning each; a 500 is still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@dataclass
class Fuzz:
    schema: schemathesis.BaseSchema
    tokens: dict[str, str]
    crashes: list[str] = field(default_factory=list)  # tracebacks of 500s, newest last


def _ids_for(path: str, world: MatrixWorld) -> dict[str, list[int]]:
    """The world's ids for each parameter of an operation's path (by the view's own model)."""
    young_people = [yp.pk for yp in world.young_people.values()]
    try:
        match = resolve(path.replace("{id}", "1").replace("{young_person_pk}", "1"))
    except Resolver404:
        return {}
    view = getattr(match.func, "cls", None)
    ids: dict[str, list[int]] = {}
    if "{young_person_pk}" in path:
        ids["young_person_pk"] = young_people
    if "{id}" in path and getattr(view, "queryset", None) is not None:
        to_young_person = getattr(view, "young_person_path", "") or "pk"
        ids["id"] = list(view.queryset.model._default_manager.filter(
            **{f"{to_young_person}__in": young_people}).values_list("pk", flat=True))
    return {name: values for name, values in ids.items() if values}


def _steer_towards_records(schema: schemathesis.BaseSchema, world: MatrixWorld) -> None:
    """Often use ids of records that exist (in scope or not) instead of random ones: one_of
    tries its first choice more often."""
    young_people = [yp.pk for yp in world.young_people.values()]
    body_ids = {
        "young_person": young_people,
        "section": list(m.PlanSection.objects.filter(plan__young_person__in=young_people)
                        .values_list("pk", flat=True)),
        "owner": [world.user(p).pk for p in ("young_person", "adviser", "manager", "iro")],
        "chair": [world.personas.iro.pk, world.workers["other"]["iro"].pk],
    }
    path_ids: dict[str, dict[str, list[int]]] = {}

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        path = context.operation.path
        if path not in path_ids:
            path_ids[path] = _ids_for(path, world)
        known = path_ids[path]
        if not known or not isinstance(path_parameters, dict):
            return st.just(path_parameters)
        return st.one_of(st.fixed_dictionaries({
            **{k: st.just(v) for k, v in path_parameters.items()},
            **{k: st.sampled_from(v) for k, v in known.items()}}), st.just(path_parameters))

    @schema.hook
    def flatmap_body(context, body):
        if not isinstance(body, dict) or not body.keys() & body_ids.keys():
            return st.just(body)
        return st.one_of(st.fixed_dictionaries({
            **{k: st.just(v) for k, v in body.items()},
            **{k: st.sampled_from(v) for k, v in body_ids.items() if k in body}}), st.just(body))

    @schema.hook
    def flatmap_headers(context, headers):
        if not isinstance(headers, dict) or "If-Match" not in headers:
            return st.just(headers)
        # Every world record is at version 1.
        return st.sampled_from([{**headers, "If-Match": '"1"'}, headers])


@pytest.fixture(scope="module")
def fuzz(matrix_world, django_db_blocker):
    """The schema as served to a manager, steered towards the world's records; a token for each
    persona; and the tracebacks of any 500s, for the report."""
    crashes: list[str] = []

    def remember(sender, request=None, **kwargs):
        crashes.append("".join(traceback.format_exception(*sys.exc_info())[-6:]))

    got_request_exception.connect(remember)
    try:
        # schemathesis's WSGI client calls the app as host "localhost".
        with (django_db_blocker.unblock(), _one_connection(), _quiet_4xx(),
              override_settings(ALLOWED_HOSTS=["localhost"])):
            tokens = {p: api_token_issue(user=matrix_world.user(p)).raw for p in PERSONAS}
            schema = schemathesis.openapi.from_wsgi(
                SCHEMA_URL, application, headers={"Authorization": f"Token {tokens['manager']}"})
            _steer_towards_records(schema, matrix_world)
            yield Fuzz(schema, tokens, crashes)
    finally:
        got_request_exception.disconnect(remember)


def _describe_request(case) -> str:
    parts = [f"{case.method} {case.formatted_path}"]
    if case.query:
        parts.append(f"query={json.dumps(case.query, default=str)[:300]}")
    if case.headers and "If-Match" in case.headers:
        parts.append(f"If-Match={case.headers['If-Match']!r}")
    if not isinstance(case.body, NotSet):
        with contextlib.suppress(TypeError, ValueError):
            parts.append(f"body={json.dumps(case.body, default=str)[:400]}")
    return " ".join(parts)


@dataclass
class Findings:
    """Failures of one operation, by kind: how many, and the first request and answer."""

    seen: dict[tuple[str, int, str], list] = field(default_factory=dict)

    def add(self, case, response, failures, crash: str | None) -> None:
        for failure in failures:
            key = (type(failure).__name__, response.status_code, failure.title)
            if key in self.seen:
                self.seen[key][0] += 1
                continue
            answer = response.content[:400].decode(errors="replace")
            self.seen[key] = [1, _describe_request(case), answer, failure.message[:600], crash]

    def report(self, operation: str, persona: str, statuses: list[int]) -> str:
        answers = ", ".join(f"{status} x{count}" for status, count in sorted(
            Counter(statuses).items()))
        lines = [f"{operation} as {persona}: {len(self.seen)} kind(s) of failure "
                 f"(answers: {answers})"]
        for (kind, status, title), (count, request, answer, message, crash) in sorted(
                self.seen.items()):
            lines += [f"- {kind} [{status}] {title} x{count}", f"    request: {request}",
                      f"    answer:  {answer}", f"    detail:  {message}"]
            if crash:
                lines.append(f"    server traceback (tail):\n{crash}")
        return "\n".join(lines)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_as_the_schema_says(fuzz, matrix_savepoint, method, path,
                                                    persona):
    operation = fuzz.schema[path][method]
    token = fuzz.tokens[persona]
    strategy = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                         operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    findings = Findings()
    calls = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.generate], suppress_health_check=[
                  HealthCheck.too_slow, HealthCheck.filter_too_much,
                  HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(case=strategy)
    def call(case):
        cache.clear()  # the sign-in throttle would answer 429 after five attempts
        crashes_before = len(fuzz.crashes)
        with transaction.atomic():
            response = case.call(headers={"Authorization": f"Token {token}"})
            transaction.set_rollback(True)
        calls.append(response.status_code)
        crash = fuzz.crashes[-1] if len(fuzz.crashes) > crashes_before else None
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            findings.add(case, response, group.exceptions, crash)

    call()
    assert calls, "no request was made"
    if findings.seen:
        pytest.fail(findings.report(f"{method} {path}", persona, calls), pytrace=False)


def test_the_schema_served_has_the_operations_fuzzed(fuzz, matrix_savepoint):
    served = {(op.ok().method.upper(), op.ok().path) for op in fuzz.schema.get_all_operations()}
    assert served == set(OPERATIONS), (
        f"served, not fuzzed: {sorted(served - set(OPERATIONS))}; "
        f"fuzzed, not served: {sorted(set(OPERATIONS) - served)}")
