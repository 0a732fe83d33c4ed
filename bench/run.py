"""Waymark's benchmarks, printed as one table: `python bench/run.py [--young-people N] [--quick]`.

Benchmarks need the real service, so this runs on PostgreSQL: DATABASE_URL if set, otherwise a
database `waymark_bench` on 127.0.0.1 that it drops and creates afresh (any database whose name
starts with `waymark_bench` is recreated; any other must be empty). Each benchmark also measures
a floor in the same run, so the ratio means the same on a faster or slower machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/waymark_bench"
QUICK_YOUNG_PEOPLE = 2000


@dataclass(frozen=True)
class Result:
    """One row of the table: what ran, how big, how long, and the floor it is measured against."""

    name: str
    size: str
    seconds: float
    rows: int
    floor_seconds: float
    floor: str
    notes: tuple[str, ...] = ()


Benchmark = Callable[[int], Result]
BENCHMARKS: list[Benchmark] = []


def benchmark(function: Benchmark) -> Benchmark:
    """Register a benchmark: it takes the number of young people and returns a Result."""
    BENCHMARKS.append(function)
    return function


@benchmark
def seed(young_people: int) -> Result:
    """Seed a synthetic authority; the floor generates the same rows in memory and writes none."""
    from django.db import connection
    from django.utils import timezone

    from bench import generator
    from outcomes import models as m

    today = timezone.localdate()
    _say(f"seed: generating {young_people:,} young people in memory (the floor)")
    started = time.perf_counter()
    generator.seed(young_people=young_people, seed=1, today=today, sink=generator.NullSink())
    floor = time.perf_counter() - started
    _say(f"seed: writing {young_people:,} young people to PostgreSQL")
    started = time.perf_counter()
    result = generator.seed(young_people=young_people, seed=1, today=today)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return Result(
        name="seed (COPY)", size=f"{young_people:,} young people", seconds=seconds,
        rows=result.total_rows, floor_seconds=floor,
        floor="the same rows generated in memory, nothing written (same seed, same run)",
        notes=(f"{result.total_rows:,} rows: {result.counts[m.Episode]:,} episodes, "
               f"{result.education_rows:,} education records; database {size}",),
    )


API_REQUESTS = 200


@benchmark
def api_young_people_list(young_people: int) -> Result:
    """GET /api/v1/young-people/ (a page of 50) as the team manager, against a bare view."""
    from bench import api_floor
    from outcomes import models as m

    manager = m.User.objects.get(username="manager")
    return _api_benchmark(
        name="API young-people list (50 rows)", user=manager, path="/api/v1/young-people/",
        drf=_drf_view("young-person", "list"), bare=api_floor.young_people_list, kwargs={},
        size=f"{_visible(manager):,} in the manager's team")


@benchmark
def api_plan_detail(young_people: int) -> Result:
    """GET /api/v1/pathway-plans/{id}/ of the adviser's richest plan, against a bare view."""
    from django.db.models import Count

    from bench import api_floor
    from outcomes import access
    from outcomes import models as m

    adviser = m.User.objects.get(username="adviser")
    plan = (m.PathwayPlan.objects.filter(
        young_person__in=access.young_people_visible_to(adviser).values("pk"))
        .annotate(goals=Count("sections__goals")).order_by("-goals", "pk").first())
    return _api_benchmark(
        name="API plan detail", user=adviser, path=f"/api/v1/pathway-plans/{plan.pk}/",
        drf=_drf_view("pathway-plan", "retrieve"), bare=api_floor.plan_detail,
        kwargs={"pk": plan.pk}, size=f"plan with {plan.goals} goals")


def _visible(user) -> int:
    from outcomes import access

    return access.young_people_visible_to(user).count()


def _drf_view(basename: str, action: str):
    from api.urls import router

    for _prefix, viewset, name in router.registry:
        if name == basename:
            method = "get"
            return viewset.as_view({method: action})
    raise LookupError(basename)


def _api_benchmark(*, name, user, path, drf, bare, kwargs, size) -> Result:
    """Time `drf` and `bare` on the same request, after checking they answer the same JSON."""
    import json

    from django.test import RequestFactory
    from rest_framework.test import force_authenticate

    factory = RequestFactory()

    def call_drf():
        request = factory.get(path)
        force_authenticate(request, user=user)
        response = drf(request, **kwargs)
        response.render()
        return response

    def call_bare():
        request = factory.get(path)
        request.user = user
        return bare(request, **kwargs)

    drf_json, bare_json = json.loads(call_drf().content), json.loads(call_bare().content)
    if drf_json != bare_json:
        raise AssertionError(f"{name}: the bare view's JSON differs from the API's; the floor "
                             "would not be a fair one")
    timings = {}
    for label, call in (("floor", call_bare), ("api", call_drf)):
        for _ in range(20):  # warm caches and connections
            call()
        started = time.perf_counter()
        for _ in range(API_REQUESTS):
            call()
        timings[label] = time.perf_counter() - started
    per_request = timings["api"] / API_REQUESTS * 1000
    floor_per_request = timings["floor"] / API_REQUESTS * 1000
    return Result(
        name=name, size=size, seconds=timings["api"], rows=API_REQUESTS,
        floor_seconds=timings["floor"],
        floor="a bare Django view answering the same JSON with the same queries and audit",
        notes=(f"{API_REQUESTS} requests: {per_request:.1f} ms each through the API, "
               f"{floor_per_request:.1f} ms each through the bare view",),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Waymark's benchmarks on PostgreSQL.")
    parser.add_argument("--young-people", type=int, default=100_000, dest="young_people",
                        help="Size of the synthetic authority (default 100,000).")
    parser.add_argument("--quick", action="store_true",
                        help=f"A quick run with {QUICK_YOUNG_PEOPLE:,} young people.")
    args = parser.parse_args(argv)
    young_people = QUICK_YOUNG_PEOPLE if args.quick else args.young_people
    try:
        _prepare_database()
    except (psycopg.Error, ValueError) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    results = [run(young_people) for run in BENCHMARKS]
    print(_table(results))
    return 0


def _prepare_database() -> None:
    """Point Django at the benchmark database, recreate it if it is ours, and migrate it."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        raise ValueError("benchmarks need PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    name = parts.path.lstrip("/")
    if name.startswith("waymark_bench"):
        server = urlunparse(parts._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production-like settings (DEBUG off) need a key; this one signs nothing that leaves the run.
    os.environ.setdefault("DJANGO_SECRET_KEY", "waymark-bench-only-key-signs-nothing-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # the API benchmarks' request host
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from outcomes import models as m

    if m.YoungPerson.objects.exists():
        raise ValueError(f"database {name} already holds young people; benchmarks need an "
                         "empty one (use a name starting with waymark_bench to have it recreated).")


def _table(results: list[Result]) -> str:
    header = ("benchmark", "size", "seconds", "items/s", "ratio vs floor")
    body = [(r.name, r.size, f"{r.seconds:.1f}", f"{r.rows / r.seconds:,.0f}",
             f"{r.seconds / r.floor_seconds:.2f}x") for r in results]
    widths = [max(len(row[i]) for row in (header, *body)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                         for i, (cell, w) in enumerate(zip(cells, widths, strict=True)))

    out = [line(header), "  ".join("-" * w for w in widths), *map(line, body), ""]
    for r in results:
        out.append(f"{r.name}: floor = {r.floor} = {r.floor_seconds:.1f} s")
        out.extend(f"{r.name}: {note}" for note in r.notes)
    return "\n".join(out)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
