"""A real Celery worker, on the real broker (Redis in CI), reading the real database."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_success
from django.conf import settings
from django.db import transaction

from config.celery import app
from tasks import health
from tests import factories as f


@pytest.fixture(scope="module")
def worker(django_db_blocker):
    # The worker thread has its own database connection, so tests using it are transactional.
    with django_db_blocker.unblock(), start_worker(app, pool="solo", perform_ping_check=False,
                                                   shutdown_timeout=10):
        yield


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_against_the_database(worker):
    f.YoungPersonFactory.create_batch(3)
    result = health.check.delay().get(timeout=20)
    assert result["database"] == "postgresql"
    assert result["counts"]["young_people"] == 3


@pytest.mark.django_db(transaction=True)
def test_tasks_enqueued_in_a_transaction_wait_for_the_commit(worker):
    results: list[dict] = []

    def collect(sender=None, result=None, **kwargs):
        results.append(result)

    task_success.connect(collect, sender=health.check, weak=False)
    try:
        with transaction.atomic():
            f.YoungPersonFactory()
            # DjangoTask.delay_on_commit: the worker must never run before the row exists.
            health.check.delay_on_commit()
            time.sleep(1)
            assert results == []
        deadline = time.monotonic() + 20
        while not results and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        task_success.disconnect(collect, sender=health.check)
    assert [r["counts"]["young_people"] for r in results] == [1]


@pytest.mark.services
def test_the_test_run_uses_the_real_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert app.conf.task_acks_late and app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_serializer == "json" and app.conf.accept_content == ["json"]


def test_a_worker_started_from_the_command_line_knows_every_task():
    # `celery -A config worker` imports the task modules itself (autodiscovery), not the tests.
    import subprocess
    import sys

    code = ("from config.celery import app; app.loader.import_default_modules(); "
            "print(sorted(n for n in app.tasks if n.startswith('tasks.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert "tasks.health.check" in done.stdout
