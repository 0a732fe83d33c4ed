"""Data jobs: an SSDA903 import or export asked for on the staff pages and run by a Celery worker.

A job keeps what the status page shows (state, progress, the summary, a message for the user when
it failed) and the name of the file it produced, kept under `settings.DATA_JOBS_DIR/<id>/`. The
uploaded files of an import are kept there only until the job has run.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .people import Team, User


class DataJobKind(models.TextChoices):
    IMPORT_903 = "import_903", "SSDA903 import"
    EXPORT_903 = "export_903", "SSDA903 export"


class DataJobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "In progress"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


FINISHED = (DataJobStatus.DONE, DataJobStatus.FAILED)


class DataJob(models.Model):
    """One import or export of a collection year's SSDA903 return, by the user who asked for it."""

    kind = models.CharField(max_length=20, choices=DataJobKind.choices)
    year = models.PositiveSmallIntegerField(help_text="The collection year, by the year it ends.")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="data_jobs")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text="An import's team for new children.")
    status = models.CharField(max_length=10, choices=DataJobStatus.choices,
                              default=DataJobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    result_file = models.CharField(max_length=100, blank=True,
                                   help_text="The file made, in the job's own folder.")
    error = models.TextField(blank=True, help_text="Why it failed, in words for the user.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the worker running the job last said it was alive. A running job "
                  "whose heartbeat is too old is failed by the sweep: its worker was "
                  "interrupted.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            # The sweep for jobs whose worker died reads only the running ones.
            models.Index(fields=["heartbeat_at"], condition=Q(status="running"),
                         name="data_job_running_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(
                name="data_job_kind_valid", condition=Q(kind__in=DataJobKind.values),
                violation_error_message="Unknown kind of data job."),
            models.CheckConstraint(
                name="data_job_status_valid", condition=Q(status__in=DataJobStatus.values),
                violation_error_message="Unknown data job status."),
            models.CheckConstraint(
                name="data_job_progress_within_total",
                condition=Q(progress_done__lte=F("progress_total")),
                violation_error_message="A job cannot have done more than its total."),
            models.CheckConstraint(
                name="data_job_finished_when_done_or_failed",
                condition=Q(status__in=[s.value for s in FINISHED], finished_at__isnull=False)
                | (~Q(status__in=[s.value for s in FINISHED]) & Q(finished_at__isnull=True)),
                violation_error_message="A job has a finishing time once it is done or failed."),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == DataJobStatus.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
