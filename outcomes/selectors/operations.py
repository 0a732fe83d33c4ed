"""Figures for the people who run Waymark (metrics and readiness): counts by state, no personal
data. Each is one query, so a scrape costs the same whatever the size of the authority."""

from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.db.models import Count, Max

from outcomes.models import DataJob, DataJobStatus, Notification, NotificationStatus


def _by_status(model, statuses: list[str] | None = None) -> dict[str, int]:
    """Rows by status, with every known status present (0 where there is none)."""
    counts = dict.fromkeys(statuses or [], 0)
    counts.update({row["status"]: row["n"] for row in
                   model.objects.order_by().values("status").annotate(n=Count("pk"))})
    return counts


def notification_counts_by_status() -> dict[str, int]:
    """The reminder outbox: how many rows wait, are being sent, were sent, failed, cancelled."""
    return _by_status(Notification, NotificationStatus.values)


def data_job_counts_by_status() -> dict[str, int]:
    """SSDA903 imports and exports by state (queued, running, done, failed)."""
    return _by_status(DataJob, DataJobStatus.values)


def safeguarding_alert_counts_by_status() -> dict[str, int] | None:
    """Safeguarding alerts by status, or None where this version has no such model."""
    try:
        model = apps.get_model("outcomes", "SafeguardingAlert")
    except LookupError:
        return None
    fields = {field.name: field for field in model._meta.get_fields()}
    if "status" not in fields:
        return {"all": model.objects.count()}
    return _by_status(model, [value for value, _ in fields["status"].choices or []])


def beat_last_run() -> tuple[int, datetime | None]:
    """How many beat schedules are enabled, and when the beat last sent any of them."""
    from django_celery_beat.models import PeriodicTask

    row = PeriodicTask.objects.filter(enabled=True).aggregate(
        n=Count("pk"), last=Max("last_run_at"))
    return row["n"], row["last"]
