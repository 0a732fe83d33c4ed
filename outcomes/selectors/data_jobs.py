"""Data jobs (SSDA903 imports and exports): the ones a user may follow, from the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from outcomes import access
from outcomes.models import DataJob, User


def data_jobs_recent_for(*, user: User | None, limit: int = 20) -> QuerySet[DataJob]:
    """The latest jobs the user may see, newest first, with who asked and the import's team."""
    return access.data_jobs_visible_to(user).select_related("requested_by", "team")[:limit]


def data_job_for(*, user: User | None, job_id: int) -> DataJob:
    """One job the user may see. Raises NotVisible for anyone else's (the page answers 404)."""
    job = (access.data_jobs_visible_to(user).select_related("requested_by", "team")
           .filter(pk=job_id).first())
    if job is None:
        raise access.NotVisible
    return job
