"""Test set-up: the suite runs on the real services (config/test_settings.py).

When PostgreSQL or Redis cannot be reached, stop at once with a message saying how to start them,
rather than failing every test one by one.
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


def pytest_sessionstart(session: pytest.Session) -> None:
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
