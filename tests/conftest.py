"""Test set-up: the suite runs on the real services (config/test_settings.py).

When PostgreSQL or Redis cannot be reached, stop at once with a message saying how to start them,
rather than failing every test one by one.

`make test-fast` (config/fast_test_settings.py, FAST_TESTS) runs only the tests that need neither:
every test that asks for the database, directly or through another fixture, is deselected, so a
test written for PostgreSQL never runs on anything else.
"""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

# The local Telegram Bot API server (tests/fakes/botapi.py) as the `bot_api` fixture.
pytest_plugins = ["tests.fakes.fixtures"]

START_HINTS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


# pytest-django's fixtures that give a test the database (the others build on these).
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences",
                               "django_db_serialized_rollback", "live_server", "django_db_setup"})


def _fast() -> bool:
    return getattr(settings, "FAST_TESTS", False)


def _needs_database(item: pytest.Item) -> bool:
    """Asks for the database (directly or through a fixture), or is marked as needing the
    services (Redis without the database) or as slow (starts the app's processes)."""
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
                or any(item.get_closest_marker(mark) for mark in ("django_db", "services", "slow")))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _fast():
        return
    deselected = [item for item in items if _needs_database(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not _needs_database(item)]


def pytest_sessionstart(session: pytest.Session) -> None:
    if _fast():
        return  # no service is used: see pytest_collection_modifyitems
    checks = []
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        checks.append(("PostgreSQL", db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432),
                       "TEST_DATABASE_URL"))
    broker = urlparse(settings.CELERY_BROKER_URL)
    if broker.scheme.startswith("redis"):
        checks.append(("Redis", broker.hostname or "127.0.0.1", broker.port or 6379,
                       "TEST_BROKER_URL"))
    missing = [c for c in checks if not _reachable(c[1], c[2])]
    if missing:
        lines = [f"{name} is not reachable at {host}:{port}. Start it with:\n    "
                 f"{START_HINTS[name]}\n  or point {var} at a running server."
                 for name, host, port, var in missing]
        pytest.exit("The test suite runs on real services.\n" + "\n".join(lines), returncode=3)


@pytest.fixture
def personas(db):
    from tests.personas import build_personas

    return build_personas()
