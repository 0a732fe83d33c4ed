"""A task that proves a worker can reach the broker and the database: used by operators after a
deploy (`celery -A config call tasks.health.check`) and by the tests of the Celery set-up."""

from __future__ import annotations

from celery import shared_task
from django.db import connection
from django.utils import timezone

from outcomes.selectors.health import record_counts


@shared_task(name="tasks.health.check")
def check() -> dict:
    """Answer with the database vendor, the worker's time and how many records it can see."""
    return {
        "database": connection.vendor,
        "at": timezone.now().isoformat(),
        "counts": record_counts(),
    }
