"""SSDA903 imports and exports asked for on the staff pages.

Thin: the task runs the job through `outcomes.services.data_jobs`, which claims it once, reports
progress into its row and keeps its result. The service enqueues it after the job's row commits.
`fail_interrupted`, on the beat schedule, fails the jobs whose worker died while running them.
"""

from __future__ import annotations

from celery import shared_task

from outcomes.services import data_jobs

# A large authority's import runs for longer than the default limits allow. A second delivery
# (the broker's visibility timeout passing) finds the job claimed and does nothing.
SOFT_TIME_LIMIT = 3 * 60 * 60
TIME_LIMIT = SOFT_TIME_LIMIT + 5 * 60


@shared_task(name="tasks.data_jobs.run", soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def run(job_id: int) -> str:
    """Run one import or export; its status when it ended ("skipped" if it was not queued)."""
    job = data_jobs.data_job_run(job_id=job_id)
    return job.status if job is not None else "skipped"


@shared_task(name="tasks.data_jobs.fail_interrupted")
def fail_interrupted() -> int:
    """Fail the jobs left running by a worker that died (no heartbeat for too long); how many."""
    return data_jobs.data_jobs_interrupted_fail()


@shared_task(name="tasks.data_jobs.expire_files")
def expire_files() -> int:
    """Delete the files of jobs older than DATA_JOB_FILE_HOURS; how many jobs were cleared."""
    return data_jobs.data_job_files_expire()
