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
# Migrates, seeds and starts the app in subprocesses (about a minute): not in `make test-fast`.
pytestmark = pytest.mark.slow


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
    env["WAYMARK_ENV_FILE"] = ""  # not a .env that `make run` left in the checkout
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in done.stderr


def _bare_environment(**extra: str) -> dict[str, str]:
    """A second terminal's environment: none of the settings `make run` exports."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "TELEGRAM_", "WAYMARK_"))}
    return env | extra


def test_a_second_terminal_runs_the_readmes_commands_with_make_runs_settings(tmp_path):
    """`make run` leaves its development settings in a git-ignored .env that the settings read,
    so `.venv/bin/python manage.py botchat --as yp1` works from another terminal as written.
    Here the file goes to a temporary place (ENV_FILE / WAYMARK_ENV_FILE), not the checkout."""
    env_file = tmp_path / ".env"
    made = subprocess.run(["make", "-s", "run-env", f"ENV_FILE={env_file}"], cwd=ROOT,
                          env=_bare_environment(), capture_output=True, text=True, timeout=60,
                          check=False)
    assert made.returncode == 0, made.stderr
    written = env_file.read_text()
    assert "DJANGO_DEBUG=true" in written and "TELEGRAM_API_BASE_URL=http://127.0.0.1:8081" in written
    assert "SECRET" not in written

    env = _bare_environment(WAYMARK_ENV_FILE=str(env_file), WAYMARK_VAR_DIR=str(tmp_path))

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300, check=False,
                              stdin=subprocess.DEVNULL)

    shown = manage("shell", "-c", "from django.conf import settings; "
                   "print(settings.DEBUG, settings.TELEGRAM_API_BASE_URL)")
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert shown.stdout.splitlines()[-1].split() == ["True", "http://127.0.0.1:8081/bot"]
    assert manage("migrate", "--no-input", "-v", "0").returncode == 0
    chat = manage("botchat", "--as", "nobody")
    assert "DJANGO_SECRET_KEY" not in chat.stderr
    assert "There is no active user 'nobody'" in chat.stderr

    # The environment wins over the file: a service that says it is not in debug is not.
    env["DJANGO_DEBUG"] = "false"
    refused = manage("check")
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY is not set" in refused.stderr
