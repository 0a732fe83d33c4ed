from __future__ import annotations

import pytest
from rest_framework.test import APIClient


class Api:
    """An API client that can act as any persona."""

    def as_user(self, user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client


@pytest.fixture
def api():
    return Api()


# --- Appended for the permission matrix and the schema fuzz ---


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """tests/api/world.py's records, built once per module inside a transaction that is rolled
    back after the module. Each test still runs in its own savepoint (request `db` too), so
    what a test writes is gone before the next one."""
    from django.db import transaction

    from tests.api.world import build_matrix_world

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_matrix_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def matrix_savepoint(matrix_world, django_db_blocker):
    """A savepoint around one test over `matrix_world`, rolled back after it: what `db` does,
    without the cost of a TestCase per test (the matrix has well over a thousand)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield matrix_world
        transaction.set_rollback(True)


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(items):
    """pytest-django creates the test database only if a selected test asks for it (`db` or the
    django_db mark). The matrix's tests use `matrix_savepoint` instead, so mark the first of them:
    the database is then there however the tests are selected."""
    for item in items:
        if "matrix_world" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db)
            return
