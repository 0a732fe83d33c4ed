"""Settings for `make test-fast`: the tests that need neither PostgreSQL nor Redis.

The database is SQLite in memory and the broker Celery's in-memory transport, only so that Django
can start without the services. No test runs against them: tests/conftest.py deselects every test
that asks for the database (pytest-django's `db`, `transactional_db`, `live_server`, a
`django_db` mark, or any fixture built on them), and pytest-django refuses database access to
the rest. `make test` runs the whole suite on the real services.
"""

import os

os.environ["TEST_DATABASE_URL"] = "sqlite://:memory:"
os.environ["TEST_BROKER_URL"] = "memory://"
os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"

from .test_settings import *  # noqa: F403

FAST_TESTS = True
