"""The SSDA903 import (issue 7): the seeded authority's return, imported into an empty database.

Exports the collection year (the current one, or the latest whose tables are defined) with
`ssda903_export` into a temporary directory, then times, against the same floor:
- the floor: reading every CSV file of the return with the csv module alone;
- the first import: `ssda903_import` into an empty second database `<bench db>_import`, created and
  migrated here, holding only the bench database's teams and staff (as an authority importing
  its return has them: SWEpisodes names Waymark social workers);
- the re-import of the same files, which must change nothing.
The second database is dropped at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from psycopg import sql

from outcomes.rules.years import CollectionYear

# The teams and the staff (not young people's own accounts), in the order their keys need.
STAFF = (("outcomes_team", "TRUE"), ("outcomes_user", "young_person_id IS NULL"))


def benchmark(young_people: int) -> list[dict]:
    """Two rows for bench/run.py's table: the first import and the re-import."""
    from django.core.management import call_command
    from django.utils import timezone

    from bench import generator
    from outcomes import models as m
    from outcomes.services.ssda903_import import ssda903_import
    from outcomes.ssda903 import tables as t
    from outcomes.ssda903.export import ssda903_export

    today = timezone.localdate()
    year = min(today.year + (today >= dt.date(today.year, 4, 1)), max(t.YEARS))
    source = os.environ["DATABASE_URL"]
    target = urlunparse(urlparse(source)._replace(
        path=f"/{urlparse(source).path.lstrip('/')}_import"))
    from bench.reports import analyze_once

    analyze_once()   # a live database has statistics; the fresh seed has none until ANALYZE
    with tempfile.TemporaryDirectory(prefix="waymark-903-") as tmp:
        directory = Path(tmp)
        _say(f"import_903: exporting collection year {year}")
        exported = ssda903_export(year=year, directory=directory)
        rows = sum(w.rows for w in exported.tables)

        _say(f"import_903: reading {len(exported.tables)} CSV files with the csv module (floor)")
        started = time.perf_counter()
        read = 0
        for path in sorted(directory.glob("*.csv")):
            with path.open(newline="", encoding="utf-8") as handle:
                for _row in csv.reader(handle):
                    read += 1
        floor = time.perf_counter() - started
        assert read == rows + len(exported.tables), (read, rows)  # a header row each

        _create(target)
        try:
            with _database(urlparse(target).path.lstrip("/")):
                call_command("migrate", verbosity=0, interactive=False)
                _copy(source, target, STAFF)
                assert not m.YoungPerson.objects.exists()
                team = m.Team.objects.get(name=generator.TEAM_NORTH)
                _say(f"import_903: importing {exported.children:,} children into an empty "
                     "database")
                started = time.perf_counter()
                first = ssda903_import(actor=None, year=year, directory=directory, team=team)
                first_seconds = time.perf_counter() - started
                _say("import_903: importing the same files again")
                started = time.perf_counter()
                again = ssda903_import(actor=None, year=year, directory=directory, team=team)
                again_seconds = time.perf_counter() - started
        finally:
            _drop(target)

    for problem in first.rejections[:20]:
        _say(f"import_903: refused {problem.file} line {problem.line} {problem.field}: "
             f"{problem.reason}")
    if first.rejections or first.children.created != exported.children:
        raise AssertionError(f"import_903: {len(first.rejections)} rows refused, "
                             f"{first.children.created} of {exported.children} children created")
    if any(c.created or c.updated for c in again.tables.values()):
        raise AssertionError("import_903: importing the same files again changed the record")
    size = f"{exported.children:,} children, {rows:,} rows"
    floor_text = (f"reading the {len(exported.tables)} CSV files of the "
                  f"{CollectionYear(year).label} return with the csv module alone")
    per_child = 1000 / exported.children
    return [
        {"name": "SSDA903 import (empty database)", "size": size, "seconds": first_seconds,
         "rows": rows, "floor_seconds": floor, "floor": floor_text,
         "notes": (f"{first_seconds * per_child:.2f} ms a child; "
                   f"{first.periods_of_care.created:,} periods of care derived; every write "
                   "validated, with its history row",)},
        {"name": "SSDA903 re-import (unchanged)", "size": size, "seconds": again_seconds,
         "rows": rows, "floor_seconds": floor, "floor": floor_text,
         "notes": (f"{again_seconds * per_child:.2f} ms a child; nothing written "
                   f"({again.children.unchanged:,} children unchanged)",)},
    ]


@contextmanager
def _database(name: str) -> Iterator[None]:
    """Point Django's connection at another database on the same server, for a while."""
    from django.db import connection

    settings = connection.settings_dict
    previous = settings["NAME"]
    connection.close()
    settings["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        settings["NAME"] = previous


def _server(url: str) -> tuple[str, str]:
    parts = urlparse(url)
    return urlunparse(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _create(url: str) -> None:
    server, name = _server(url)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop(url: str) -> None:
    server, name = _server(url)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def _copy(source: str, target: str, tables: tuple[tuple[str, str], ...]) -> None:
    """Copy rows of tables between databases of the same schema, and move the ids on."""
    with psycopg.connect(source) as src, psycopg.connect(target) as dst:
        for table, where in tables:
            name = sql.Identifier(table)
            with src.cursor().copy(sql.SQL("COPY (SELECT * FROM {} WHERE {}) TO STDOUT").format(
                    name, sql.SQL(where))) as out, \
                    dst.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(name)) as into:
                for data in out:
                    into.write(data)
            dst.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), "
                                "(SELECT max(id) FROM {}))").format(sql.Literal(table), name))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
