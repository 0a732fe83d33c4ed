"""SSDA903 imports and exports from the staff pages, run by a real Celery worker on the real broker
(Redis), reading the real database: the page enqueues after the commit, the worker runs the job
and the status page shows what it did."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from outcomes import models as m
from outcomes.services import data_job_run
from outcomes.services import data_jobs as service
from tasks import data_jobs as job_tasks
from tests import factories as f
from tests.data_exchange import YEAR, csv_uploads, zip_upload


@pytest.fixture(scope="module")
def worker(django_db_blocker):
    # The worker thread has its own database connection, so tests using it are transactional.
    with django_db_blocker.unblock(), start_worker(app, pool="solo", perform_ping_check=False,
                                                   shutdown_timeout=10):
        yield


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_JOBS_DIR = tmp_path / "jobs"
    return settings.DATA_JOBS_DIR


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def finished(job_id: int, timeout: float = 60) -> m.DataJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = m.DataJob.objects.get(pk=job_id)
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {job.status}")


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_return_is_imported_by_the_worker(worker, personas):
    client = signed_in(personas.admin)
    response = client.post("/data/import/", {"year": YEAR, "team": personas.team.pk,
                                             "files": zip_upload()})
    assert response.status_code == 302
    job = finished(m.DataJob.objects.get().pk)
    assert job.status == m.DataJobStatus.DONE, job.error
    assert job.started_at and job.finished_at
    assert job.progress_done == job.progress_total == 2  # the two children in the files
    assert job.summary["children"] == {"created": 1, "updated": 0, "unchanged": 0,
                                       "rejected": 1, "skipped": 0}
    tables = {row["table"]: row for row in job.summary["tables"]}
    assert (tables["Episodes"]["created"], tables["Episodes"]["rejected"]) == (2, 1)
    assert not (service.data_job_directory(job) / "input").exists()

    body = client.get(response["Location"]).content.decode()
    assert "The import has finished" in body and 'http-equiv="refresh"' not in body
    assert "Young people: 1 added, 0 updated, 0 unchanged, 1 not imported." in body
    assert m.YoungPerson.objects.get(child_id="1001").team == personas.team

    # The same files again change nothing.
    client.post("/data/import/", {"year": YEAR, "team": personas.team.pk,
                                  "files": csv_uploads()})
    again = finished(m.DataJob.objects.latest("pk").pk)
    assert again.summary["children"]["unchanged"] == 1
    assert again.summary["children"]["created"] == 0


@pytest.mark.django_db(transaction=True)
def test_an_export_is_made_by_the_worker_as_a_zip_of_the_tables(worker, personas):
    person = personas.young_person
    f.EpisodeFactory(period_of_care__young_person=person, legal_status="C2", place="U1")
    client = signed_in(personas.manager)
    response = client.post("/data/export/", {"year": YEAR})
    job = finished(m.DataJob.objects.get().pk)
    assert job.status == m.DataJobStatus.DONE, job.error
    assert job.summary["children"] == 1
    # Progress table by table, written through the heartbeat's connection during the export.
    assert job.progress_done == job.progress_total == len(job.summary["tables"])
    assert job.heartbeat_at is not None

    download = client.get(f"{response['Location']}download/")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = set(archive.namelist())
    assert {row["file"] for row in job.summary["tables"]} == names
    assert all(name.endswith(".csv") for name in names) and len(names) >= 10
    header = next(n for n in names if n.lower().startswith("header"))
    assert [row["CHILD"] for row in csv.DictReader(
        io.StringIO(archive.read(header).decode()))] == [person.child_id]
    assert m.AccessEvent.objects.filter(actor=personas.manager, young_person=person,
                                        what=service.EXPORT_WHAT).exists()


@pytest.mark.django_db(transaction=True)
def test_a_return_that_cannot_be_read_fails_with_the_reason(worker, personas):
    from tests.data_exchange import RETURN

    client = signed_in(personas.admin)
    client.post("/data/import/", {"year": YEAR, "files": csv_uploads(
        {**RETURN, "copy.csv": RETURN["header.csv"]})})
    job = finished(m.DataJob.objects.get().pk)
    assert job.status == m.DataJobStatus.FAILED
    assert job.error == ("Both copy.csv and header.csv hold the Header table: give each table "
                         "once.")
    assert str(service.data_job_directory(job)) not in job.error


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_once_however_often_its_task_is_delivered(worker, personas):
    client = signed_in(personas.manager)
    client.post("/data/export/", {"year": YEAR})
    job = finished(m.DataJob.objects.get().pk)
    finished_at = job.finished_at
    assert job_tasks.run.delay(job.pk).get(timeout=20) == "skipped"
    job.refresh_from_db()
    assert job.finished_at == finished_at


def test_progress_is_written_at_most_every_interval(monkeypatch):
    writes: list[tuple[int, int]] = []

    class Rows:
        def filter(self, **kwargs):
            return self

        def update(self, progress_done, progress_total, heartbeat_at):
            assert heartbeat_at is not None  # each progress write is a heartbeat
            writes.append((progress_done, progress_total))

    monkeypatch.setattr(m.DataJob, "objects", Rows())
    clock = iter([0.0, 0.2, 0.5, 1.1, 1.3, 1.4])
    monkeypatch.setattr(service.time, "monotonic", lambda: next(clock))
    progress = service._Progress(1, every=1.0)
    for _ in range(6):
        progress(500, 3000)
    # The first chunk, the first after a second had passed, and the last.
    assert writes == [(500, 3000), (2000, 3000), (3000, 3000)]


@pytest.mark.django_db
def test_the_import_reports_progress_into_the_row(personas, monkeypatch):
    from outcomes.services.data_jobs import data_job_import_create

    seen: list[tuple[int, int]] = []
    real = service.ssda903_import

    def spy(**kwargs):
        progress = kwargs["progress"]

        def record(done, total):
            progress(done, total)
            row = m.DataJob.objects.get(pk=job.pk)
            seen.append((row.status, row.progress_done, row.progress_total))

        return real(**{**kwargs, "progress": record, "chunk_size": 1})

    monkeypatch.setattr(service, "ssda903_import", spy)
    job = data_job_import_create(actor=personas.admin, year=YEAR, team_id=personas.team.pk,
                                 files=csv_uploads())
    data_job_run(job_id=job.pk, progress_every=0)
    assert seen == [(m.DataJobStatus.RUNNING, 1, 2), (m.DataJobStatus.RUNNING, 2, 2)]


@pytest.mark.django_db
def test_the_export_reports_progress_table_by_table(personas, monkeypatch):
    from outcomes.services.data_jobs import data_job_export_create

    seen: list[tuple[int, int]] = []
    real = service.ssda903_export

    def spy(**kwargs):
        progress = kwargs["progress"]

        def record(done, total):
            progress(done, total)
            row = m.DataJob.objects.get(pk=job.pk)
            seen.append((row.progress_done, row.progress_total))

        return real(**{**kwargs, "progress": record})

    monkeypatch.setattr(service, "ssda903_export", spy)
    job = data_job_export_create(actor=personas.manager, year=YEAR)
    job = data_job_run(job_id=job.pk, progress_every=0)
    assert job.status == m.DataJobStatus.DONE, job.error
    tables = len(job.summary["tables"])
    assert seen == [(n, tables) for n in range(1, tables + 1)]
    assert (job.progress_done, job.progress_total) == (tables, tables)
    assert job.heartbeat_at is not None


def running_job(user, *, heartbeat_minutes_ago: float | None, kind=m.DataJobKind.EXPORT_903):
    started = timezone.now() - dt.timedelta(hours=1)
    heartbeat = (None if heartbeat_minutes_ago is None
                 else timezone.now() - dt.timedelta(minutes=heartbeat_minutes_ago))
    return m.DataJob.objects.create(kind=kind, year=YEAR, requested_by=user,
                                    status=m.DataJobStatus.RUNNING, started_at=started,
                                    heartbeat_at=heartbeat)


@pytest.mark.django_db
def test_a_job_left_running_by_a_dead_worker_is_failed_by_the_sweep(personas, settings):
    settings.DATA_JOB_HEARTBEAT_LIMIT = 10 * 60
    dead = running_job(personas.manager, heartbeat_minutes_ago=11, kind=m.DataJobKind.IMPORT_903)
    (service.data_job_directory(dead) / "input").mkdir(parents=True)
    never_beat = running_job(personas.manager, heartbeat_minutes_ago=None)
    alive = running_job(personas.manager, heartbeat_minutes_ago=2)
    queued = m.DataJob.objects.create(kind=m.DataJobKind.EXPORT_903, year=YEAR,
                                      requested_by=personas.manager)

    assert job_tasks.fail_interrupted() == 2
    for job in (dead, never_beat, alive, queued):
        job.refresh_from_db()
    assert dead.status == never_beat.status == m.DataJobStatus.FAILED
    assert dead.error == service.FAILED_INTERRUPTED
    assert dead.finished_at is not None
    assert not (service.data_job_directory(dead) / "input").exists()  # the upload goes
    assert alive.status == m.DataJobStatus.RUNNING and not alive.error
    assert queued.status == m.DataJobStatus.QUEUED
    assert job_tasks.fail_interrupted() == 0  # already failed: nothing more

    # The status page says so in plain words; no refreshing, no traceback.
    body = signed_in(personas.manager).get(f"/data/jobs/{dead.pk}/").content.decode()
    assert "The import did not finish" in body
    assert ("The job stopped without finishing: the worker running it was interrupted. "
            "Start it again.") in body
    assert "Traceback" not in body and 'http-equiv="refresh"' not in body


@pytest.mark.django_db
def test_a_progress_write_is_a_heartbeat(personas):
    job = running_job(personas.manager, heartbeat_minutes_ago=60)
    before = m.DataJob.objects.get(pk=job.pk).heartbeat_at
    service._Progress(job.pk, every=0)(1, 3)
    assert m.DataJob.objects.get(pk=job.pk).heartbeat_at > before
    assert service.data_jobs_interrupted_fail() == 0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_while_a_job_runs(personas):
    job = running_job(personas.manager, heartbeat_minutes_ago=60)
    heartbeat = service._Heartbeat(job.pk, every=0.05)
    heartbeat.start()
    try:
        assert heartbeat.running
        deadline = time.monotonic() + 10
        while m.DataJob.objects.get(pk=job.pk).heartbeat_at < timezone.now() - dt.timedelta(
                minutes=1):
            assert time.monotonic() < deadline, "no heartbeat written"
            time.sleep(0.05)
        heartbeat.post(2, 5)  # progress handed over from inside a transaction
        while m.DataJob.objects.get(pk=job.pk).progress_done != 2:
            assert time.monotonic() < deadline, "progress not written"
            time.sleep(0.05)
    finally:
        heartbeat.stop()
    assert not heartbeat.running
    assert m.DataJob.objects.get(pk=job.pk).progress_total == 5


@pytest.mark.django_db
def test_the_sweep_is_on_the_beat_schedule_once():
    call_command("setup_schedules")
    call_command("setup_schedules")
    [task] = PeriodicTask.objects.filter(task="tasks.data_jobs.fail_interrupted")
    assert task.enabled and task.interval is not None
