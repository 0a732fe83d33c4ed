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
    header = ("benchmark", "size", "seconds", "rows/s", "ratio vs floor")
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
