"""The zero-setup default a newcomer gets from `make run`: SQLite in WAL mode and the embedded
filesystem broker, with no server at all. Run in a subprocess with a clean environment."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                        "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY"}}
    env |= {"DJANGO_DEBUG": "true", "WAYMARK_VAR_DIR": str(tmp_path)}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    return run


def test_sqlite_default_migrates_seeds_and_queues(run, tmp_path):
    run("manage.py", "migrate", "--no-input", "-v", "0")
    assert "No changes detected" in run("manage.py", "makemigrations", "--check", "--dry-run")
    run("manage.py", "seed_demo", "--young-people", "30", "--seed", "7")
    second = run("manage.py", "seed_demo", "--young-people", "30", "--seed", "7")
    assert "already" in second.lower()  # idempotent: `make run` calls it every time

    database = tmp_path / "waymark.sqlite3"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT COUNT(*) FROM outcomes_youngperson").fetchone()[0] >= 30
        usernames = {r[0] for r in db.execute("SELECT username FROM outcomes_user")}
    assert {"admin", "manager", "adviser", "adviser2", "yp1"} <= usernames

    # The beat entries, made once and kept (make run calls it every time); the schedule was
    # worked out by seed_demo, and a sweep on SQLite writes the outbox.
    assert "Created: Reminders: daily sweep" in run("manage.py", "setup_schedules")
    assert "Kept as it is: Reminders: daily sweep" in run("manage.py", "setup_schedules")
    run("-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
              "'config.settings'); django.setup(); from outcomes.services import reminders; "
              "assert reminders.reminders_sweep().notifications_written > 0")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM outcomes_scheduleentry").fetchone()[0] > 0

    # The embedded broker keeps messages as files under var/: no Redis needed.
    run("-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
              "'config.settings'); django.setup(); from tasks.health import check; check.delay()")
    assert list((tmp_path / "celery" / "queue").iterdir())


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in done.stderr
