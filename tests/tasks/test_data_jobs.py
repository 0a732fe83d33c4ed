"""SSDA903 imports and exports from the staff pages, run by a real Celery worker on the real broker
(Redis), reading the real database: the page enqueues after the commit, the worker runs the job
and the status page shows what it did."""

from __future__ import annotations

import csv
import io
import time
import zipfile

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

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

        def update(self, progress_done, progress_total):
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
