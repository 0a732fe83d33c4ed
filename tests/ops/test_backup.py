"""Backups that have been restored (docs/operations.md): pg_dump of a seeded database, pg_restore
into a new one, and every table - the records, their history and the audit of reads - the same."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from outcomes.models import AccessEvent, Channel, User, YoungPerson
from outcomes.services.audit import access_events_record


def _conninfo(name: str) -> dict:
    db = connection.settings_dict
    return {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"],
            "password": db.get("PASSWORD") or None, "dbname": name}


def _fingerprints(name: str) -> dict[str, tuple[int, str]]:
    """For each table: how many rows, and a digest of every row's text."""
    with psycopg.connect(**_conninfo(name), autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        found = {}
        for table in tables:
            found[table] = conn.execute(
                f'SELECT count(*), coalesce(md5(string_agg(t::text, \'|\' ORDER BY t::text)), \'\')'  # noqa: S608
                f' FROM "{table}" t').fetchone()
        return found


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install postgresql-client")
    return path


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_with_the_same_records_history_and_audit(tmp_path):
    call_command("seed_demo", young_people=12, seed=3, force=True, stdout=io.StringIO())
    reader = User.objects.filter(is_superuser=False).order_by("pk").first()
    access_events_record(actor=reader, young_person_ids=YoungPerson.objects.values_list(
        "pk", flat=True), what="caseload", channel=Channel.WEB)
    assert AccessEvent.objects.count() >= 12

    source = connection.settings_dict["NAME"]
    server_major = connection.cursor().connection.info.server_version // 10000
    for tool in ("pg_dump", "pg_restore"):
        version = subprocess.run([_tool(tool), "--version"], capture_output=True, text=True,
                                 check=True).stdout
        client_major = int(re.search(r"\(PostgreSQL\) (\d+)", version).group(1))
        assert client_major >= server_major, f"{tool} {version} is older than the server"

    info = _conninfo(source)
    env = {**os.environ, "PGPASSWORD": info["password"] or ""}
    common = ["-h", str(info["host"]), "-p", str(info["port"]), "-U", info["user"]]
    dump = tmp_path / "waymark.dump"
    subprocess.run([_tool("pg_dump"), *common, "--format=custom", "--no-owner",
                    f"--file={dump}", source], env=env, check=True, timeout=300)

    target = f"waymark_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**_conninfo(source), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run([_tool("pg_restore"), *common, "--no-owner", "--exit-on-error",
                        f"--dbname={target}", str(dump)], env=env, check=True, timeout=300)
        before, after = _fingerprints(source), _fingerprints(target)
        assert before == after
        assert before["outcomes_accessevent"][0] >= 12
        assert before["outcomes_youngperson"][0] == 12
        history = {table: rows for table, (rows, _) in before.items() if "historical" in table}
        assert sum(history.values()) > 0, history
        assert before["django_migrations"][0] > 0
    finally:
        with psycopg.connect(**_conninfo(source), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
