"""The data pages: Annex A, SSDA903 export and import, and each job's status page.

The jobs here are run in the test's own process (`data_job_run`); tests/tasks/test_data_jobs.py
runs them on a real Celery worker.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from outcomes import models as m
from outcomes.services import data_job_export_create, data_job_import_create, data_job_run
from outcomes.services import data_jobs as service
from tests import factories as f
from tests.data_exchange import YEAR, csv_uploads, zip_upload

INDEX = "/data/"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_JOBS_DIR = tmp_path / "jobs"
    return settings.DATA_JOBS_DIR


def body_of(response) -> str:
    return response.content.decode()


def error_summary(response) -> list[str]:
    body = body_of(response)
    assert 'class="govuk-error-summary"' in body
    return [html.unescape(message)
            for message in re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', body)]


def done_import(personas) -> m.DataJob:
    job = data_job_import_create(actor=personas.admin, year=YEAR, team_id=personas.team.pk,
                                 files=csv_uploads())
    return data_job_run(job_id=job.pk)


# --- who may use the pages -----------------------------------------------------------------------


def test_the_manager_may_export_and_download_annex_a_but_not_import(personas, pages):
    response = pages.as_user(personas.manager).get(INDEX)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = body_of(response)
    assert 'action="/data/export/"' in body and 'action="/data/annex-a/"' in body
    assert 'action="/data/import/"' not in body
    assert 'href="/data/"' in body  # in the navigation
    refused = pages.as_user(personas.manager).post("/data/import/", {
        "year": YEAR, "files": csv_uploads()})
    assert refused.status_code == 403
    assert not m.DataJob.objects.exists()


def test_the_administrator_may_import(personas, pages):
    body = body_of(pages.as_user(personas.admin).get(INDEX))
    assert 'action="/data/import/"' in body and 'enctype="multipart/form-data"' in body
    assert personas.team.name in body and personas.other_team.name in body


@pytest.mark.parametrize("who", ["adviser", "social_worker", "iro", "virtual_school"])
def test_other_staff_are_refused_every_data_page(personas, pages, who):
    job = data_job_export_create(actor=personas.admin, year=YEAR)
    client = pages.as_user(getattr(personas, who))
    assert client.get(INDEX).status_code == 403
    assert client.post("/data/export/", {"year": YEAR}).status_code == 403
    assert client.get(f"/data/jobs/{job.pk}/").status_code == 403
    assert client.get(f"/data/jobs/{job.pk}/download/").status_code == 403
    assert client.get("/data/annex-a/", {"as_of": "2025-03-31"}).status_code == 403
    assert 'href="/data/"' not in body_of(client.get("/"))


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().get(INDEX)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_forms_need_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin)
    assert client.post("/data/export/", {"year": YEAR}).status_code == 403
    assert client.post("/data/import/", {"year": YEAR, "files": csv_uploads()}).status_code == 403
    assert not m.DataJob.objects.exists()


# --- export --------------------------------------------------------------------------------------


def test_an_export_is_queued_then_followed_to_its_zip(personas, record, pages, data_dir,
                                                      django_capture_on_commit_callbacks):
    client = pages.as_user(personas.manager)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/data/export/", {"year": YEAR})
    job = m.DataJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/jobs/{job.pk}/"
    assert len(callbacks) == 1  # enqueued after the commit
    assert (job.kind, job.year, job.requested_by, job.status) == (
        m.DataJobKind.EXPORT_903, YEAR, personas.manager, m.DataJobStatus.QUEUED)

    waiting = body_of(client.get(f"/data/jobs/{job.pk}/"))
    assert '<meta http-equiv="refresh" content="2">' in waiting and "Waiting to start" in waiting

    data_job_run(job_id=job.pk)
    page = client.get(f"/data/jobs/{job.pk}/")
    body = body_of(page)
    assert 'http-equiv="refresh"' not in body
    assert "The export has finished" in body and "header.csv" in body.lower()
    assert f'href="/data/jobs/{job.pk}/download/"' in body

    download = client.get(f"/data/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Type"] == "application/zip"
    assert f'filename="ssda903-{YEAR}.zip"' in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert names and all(name.endswith(".csv") for name in names)
    header = next(n for n in names if "header" in n.lower())
    rows = list(csv.DictReader(io.StringIO(archive.read(header).decode())))
    assert [row["CHILD"] for row in rows] == [personas.young_person.child_id]
    # Who downloaded which child's data is recorded.
    assert m.AccessEvent.objects.filter(
        actor=personas.manager, young_person=personas.young_person,
        what=service.EXPORT_WHAT, channel=m.Channel.WEB).count() == 1


def test_a_managers_export_holds_only_their_teams_children(personas, record, pages):
    theirs = personas.young_person
    other = personas.other_young_person
    f.EpisodeFactory(period_of_care__young_person=other, legal_status="C2", place="U1")
    for who, expected in ((personas.manager, {theirs.child_id}),
                          (personas.other_manager, {other.child_id}),
                          (personas.admin, {theirs.child_id, other.child_id})):
        job = data_job_run(job_id=data_job_export_create(actor=who, year=YEAR).pk)
        assert job.status == m.DataJobStatus.DONE, job.error
        archive = zipfile.ZipFile(service.data_job_directory(job) / job.result_file)
        children = set()
        for name in archive.namelist():
            children |= {row["CHILD"] for row in
                         csv.DictReader(io.StringIO(archive.read(name).decode()))}
        assert children == expected, who


def test_an_export_for_a_year_not_offered_is_refused(personas, pages):
    response = pages.as_user(personas.manager).post("/data/export/", {"year": "1999"})
    assert response.status_code == 400
    assert error_summary(response) == ["Select a collection year from the list"]
    assert 'href="#export-year"' in body_of(response)
    assert not m.DataJob.objects.exists()


# --- import --------------------------------------------------------------------------------------


def test_an_upload_of_csv_files_is_queued_and_its_status_shows_the_counts(
        personas, pages, data_dir, django_capture_on_commit_callbacks):
    client = pages.as_user(personas.admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/data/import/", {"year": YEAR, "team": personas.team.pk,
                                                 "files": csv_uploads()})
    job = m.DataJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/jobs/{job.pk}/"
    assert len(callbacks) == 1
    assert job.team == personas.team and job.kind == m.DataJobKind.IMPORT_903
    assert sorted(p.name for p in (service.data_job_directory(job) / "input").iterdir()) == [
        "episodes.csv", "header.csv", "reviews.csv"]

    data_job_run(job_id=job.pk)
    assert not (service.data_job_directory(job) / "input").exists()  # uploads not kept
    body = body_of(client.get(f"/data/jobs/{job.pk}/"))
    assert "The import has finished" in body and 'http-equiv="refresh"' not in body
    assert "Young people: 1 added, 0 updated, 0 unchanged, 1 not imported." in body
    assert "Download the rows not imported (CSV)" in body
    assert m.YoungPerson.objects.filter(child_id="1001", team=personas.team).exists()
    assert not m.YoungPerson.objects.filter(child_id="1003").exists()

    download = client.get(f"/data/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows and {row["child"] for row in rows} == {"1003"}
    assert any(row["field"] == "PLACE" for row in rows)


def test_a_zip_of_the_tables_is_accepted(personas, pages):
    members = {f"return/{name}": text for name, text in service_return().items()}
    members["__MACOSX/return/._header.csv"] = b"\x00\x05\x16\x07"
    response = pages.as_user(personas.admin).post("/data/import/", {
        "year": YEAR, "team": personas.team.pk, "files": zip_upload(members)})
    assert response.status_code == 302
    job = m.DataJob.objects.get()
    assert sorted(p.name for p in (service.data_job_directory(job) / "input").iterdir()) == [
        "episodes.csv", "header.csv", "reviews.csv"]
    assert data_job_run(job_id=job.pk).summary["children"]["created"] == 1


def service_return() -> dict[str, str]:
    from tests.data_exchange import RETURN

    return RETURN


BAD_UPLOADS = [
    ("nothing", lambda: [], "Select the CSV files of the return, or a zip file holding them"),
    ("not a csv", lambda: [_file("notes.txt", b"CHILD\n1\n")],
     "notes.txt is not a CSV file: select the return's .csv files, or a .zip file holding them"),
    ("a bad zip", lambda: [_file("return.zip", b"PK\x03\x04 not really a zip")],
     "return.zip cannot be opened as a zip file"),
    ("a zip holding something else", lambda: [zip_upload({**service_return(), "a.exe": b"MZ"})],
     "return.zip must hold only CSV files: a.exe is not one"),
    ("a path out of the zip", lambda: [zip_upload({"../../etc/header.csv": "CHILD\n"})],
     "return.zip holds a file outside its own folder (../../etc/header.csv): make the zip "
     "again from the return's CSV files"),
    ("an absolute path in the zip", lambda: [zip_upload({"/srv/header.csv": "CHILD\n"})],
     "return.zip holds a file outside its own folder (/srv/header.csv): make the zip again "
     "from the return's CSV files"),
    ("a zip with the csv files", lambda: [zip_upload(), *csv_uploads()],
     "Select either one zip file or the CSV files, not both"),
    ("an empty file", lambda: [*csv_uploads(), _file("oc3.csv", b"")], "oc3.csv is empty"),
    ("a file that is no table", lambda: [*csv_uploads(), _file("notes.csv", b"Name,Age\nA,1\n")],
     "notes.csv is not a table of the SSDA903 return for 2024 to 2025: its first row must name the "
     "table's columns"),
    ("utf-16", lambda: [_file("header.csv", "CHILD,SEX\n".encode("utf-16"))],
     "header.csv is UTF-16 text: save it as UTF-8 (CSV UTF-8) and try again"),
    ("the same name twice", lambda: [*csv_uploads(), *csv_uploads()[:1]],
     "There are two files called header.csv: give each table once"),
]


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(("case", "files", "message"), BAD_UPLOADS, ids=[c[0] for c in BAD_UPLOADS])
def test_a_bad_upload_is_refused_with_a_message_and_nothing_kept(personas, pages, data_dir,
                                                                 case, files, message):
    response = pages.as_user(personas.admin).post("/data/import/", {
        "year": YEAR, "team": personas.team.pk, "files": files()})
    assert response.status_code == 400
    assert error_summary(response) == [message]
    body = body_of(response)
    assert 'href="#import-files"' in body and 'id="import-files-error"' in body
    # What was chosen is still chosen.
    assert f'<option value="{YEAR}" selected>' in body
    assert f'<option value="{personas.team.pk}" selected>' in body
    assert not m.DataJob.objects.exists()
    assert not data_dir.exists() or not any(data_dir.iterdir())


def test_an_upload_over_the_size_limit_is_refused(personas, pages, monkeypatch):
    monkeypatch.setattr(service, "MAX_UPLOAD_BYTES", 100)
    response = pages.as_user(personas.admin).post("/data/import/", {
        "year": YEAR, "files": csv_uploads()})
    assert response.status_code == 400
    assert error_summary(response)[0].startswith("The files must be smaller than")


def test_a_zip_that_unpacks_beyond_the_limit_is_refused(personas, pages, monkeypatch):
    big = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + "1001,F,15/06/2012,WBRI,,,\n" * 20000
    upload = zip_upload({"header.csv": big})
    monkeypatch.setattr(service, "MAX_UPLOAD_BYTES", len(big) // 2)
    assert upload.size < len(big) // 2
    response = pages.as_user(personas.admin).post("/data/import/", {
        "year": YEAR, "files": upload})
    assert response.status_code == 400
    assert "must be smaller than" in error_summary(response)[0]


def test_a_bad_year_and_team_are_named_and_the_files_asked_for_again(personas, pages):
    response = pages.as_user(personas.admin).post("/data/import/", {
        "year": "2019", "team": "999999", "files": csv_uploads()})
    assert response.status_code == 400
    assert error_summary(response) == ["Select a collection year from the list",
                                       "Select a team from the list", "Select the files again"]


def test_the_files_of_a_zip_are_checked_against_the_year(personas, pages):
    response = pages.as_user(personas.admin).post("/data/import/", {
        "year": YEAR, "files": zip_upload({"notes.csv": "Name\nA\n"})})
    assert response.status_code == 400
    assert error_summary(response) == [
        "notes.csv is not a table of the SSDA903 return for 2024 to 2025: its first row must name "
        "the table's columns"]


def test_files_the_import_cannot_read_as_a_return_fail_the_job_with_its_message(personas,
                                                                                pages):
    tables = {**service_return(), "header2.csv": service_return()["header.csv"]}
    job = data_job_import_create(actor=personas.admin, year=YEAR, team_id=None,
                                 files=csv_uploads(tables))
    data_job_run(job_id=job.pk)
    body = body_of(pages.as_user(personas.admin).get(f"/data/jobs/{job.pk}/"))
    assert "The import did not finish" in body
    assert "Both header.csv and header2.csv hold the Header table: give each table once." in body
    assert 'http-equiv="refresh"' not in body
    assert pages.as_user(personas.admin).get(f"/data/jobs/{job.pk}/download/").status_code == 404


def test_an_unexpected_failure_shows_no_traceback(personas, pages, monkeypatch):
    def broken(**kwargs):
        raise ValueError("secret internals 1001")

    monkeypatch.setattr(service, "ssda903_import", broken)
    job = data_job_import_create(actor=personas.admin, year=YEAR, team_id=None,
                                 files=csv_uploads())
    assert data_job_run(job_id=job.pk).status == m.DataJobStatus.FAILED
    body = body_of(pages.as_user(personas.admin).get(f"/data/jobs/{job.pk}/"))
    assert service.FAILED_UNEXPECTEDLY in body
    assert "secret internals" not in body and "Traceback" not in body


# --- a job is its requester's ----------------------------------------------------------------------


def test_another_managers_job_is_not_found(personas, pages):
    job = data_job_run(job_id=data_job_export_create(actor=personas.manager, year=YEAR).pk)
    other = pages.as_user(personas.other_manager)
    assert other.get(f"/data/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/data/jobs/{job.pk}/download/").status_code == 404
    assert f"/data/jobs/{job.pk}/" not in body_of(other.get(INDEX))
    # Administrators follow every job; the requester their own.
    assert pages.as_user(personas.admin).get(f"/data/jobs/{job.pk}/").status_code == 200
    assert f"/data/jobs/{job.pk}/" in body_of(pages.as_user(personas.manager).get(INDEX))
    assert pages.as_user(personas.manager).get("/data/jobs/999999/").status_code == 404


def test_an_administrators_import_is_not_found_by_a_manager(personas, pages):
    job = done_import(personas)
    manager = pages.as_user(personas.manager)
    assert manager.get(f"/data/jobs/{job.pk}/").status_code == 404
    assert manager.get(f"/data/jobs/{job.pk}/download/").status_code == 404


def test_the_status_page_shows_progress_while_running(personas, pages):
    job = data_job_export_create(actor=personas.admin, year=YEAR)
    m.DataJob.objects.filter(pk=job.pk).update(
        kind=m.DataJobKind.IMPORT_903, status=m.DataJobStatus.RUNNING,
        progress_done=1200, progress_total=4000, started_at=timezone.now())
    body = body_of(pages.as_user(personas.admin).get(f"/data/jobs/{job.pk}/"))
    assert '<meta http-equiv="refresh" content="2">' in body
    assert "Processed 1200 of 4000 young people (30%)." in body
    assert '<progress class="waymark-progress" max="4000" value="1200"' in body


# --- Annex A -------------------------------------------------------------------------------------


def test_annex_a_downloads_as_a_workbook(personas, record, pages):
    response = pages.as_user(personas.manager).get("/data/annex-a/", {"as_of": "2025-03-31"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert 'filename="annex-a-lists-8-9-2025-03-31.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["List 8", "List 9"]


def test_annex_a_from_the_date_input(personas, record, pages):
    today = timezone.localdate()
    response = pages.as_user(personas.admin).get("/data/annex-a/", {
        "as_of-day": today.day, "as_of-month": today.month, "as_of-year": today.year})
    assert response.status_code == 200
    assert today.isoformat() in response["Content-Disposition"]
    load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize(("query", "message"), [
    ({"as_of": "31/03/2025"}, "Enter the date the lists are for, such as 31 3 2025"),
    ({"as_of": "2025-02-30"}, "The date the lists are for must be a real date"),
    ({"as_of-day": "x", "as_of-month": "3", "as_of-year": "2025"},
     "Enter the date the lists are for, such as 31 3 2025"),
    ({"as_of": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
     "The date the lists are for must be today or in the past"),
])
def test_annex_a_with_a_bad_date_is_refused_keeping_what_was_typed(personas, pages, query,
                                                                   message):
    response = pages.as_user(personas.manager).get("/data/annex-a/", query)
    assert response.status_code == 400
    assert error_summary(response) == [message]
    body = body_of(response)
    assert 'href="#as_of-day"' in body and 'id="as_of-error"' in body
    if "as_of-day" in query:
        assert 'name="as_of-day" type="text" inputmode="numeric" value="x"' in body


# --- query budgets -------------------------------------------------------------------------------


def test_the_data_page_costs_a_fixed_number_of_queries(personas, pages,
                                                       django_assert_max_num_queries):
    for _ in range(25):
        data_job_export_create(actor=personas.admin, year=YEAR)
    for _ in range(10):
        f.TeamFactory()
    client = pages.as_user(personas.admin)
    # session, user, the safeguarding banner, teams, jobs with who asked
    with django_assert_max_num_queries(5):
        response = client.get(INDEX)
    assert body_of(response).count('href="/data/jobs/') == 20


def test_the_status_page_and_downloads_cost_a_fixed_number_of_queries(
        personas, record, pages, django_assert_max_num_queries):
    job = done_import(personas)
    client = pages.as_user(personas.admin)
    # session, user, the safeguarding banner, the job with who asked and team
    with django_assert_max_num_queries(4):
        assert client.get(f"/data/jobs/{job.pk}/").status_code == 200
    with django_assert_max_num_queries(4):  # session, user, the job, the children (no insert)
        assert client.get(f"/data/jobs/{job.pk}/download/").status_code == 200
    export = data_job_run(job_id=data_job_export_create(actor=personas.admin, year=YEAR).pk)
    with django_assert_max_num_queries(5):  # session, user, the job, the children, one insert
        assert client.get(f"/data/jobs/{export.pk}/download/").status_code == 200


def test_the_pages_are_sound_html(personas, pages):
    from tests.web.test_markup import outline

    client = pages.as_user(personas.admin)
    job = done_import(personas)
    queued = data_job_export_create(actor=personas.admin, year=YEAR)
    for response in (client.get(INDEX), client.get(f"/data/jobs/{job.pk}/"),
                     client.get(f"/data/jobs/{queued.pk}/"),
                     client.post("/data/import/", {"year": "x", "files": csv_uploads()}),
                     client.get("/data/annex-a/", {"as_of": "bad"})):
        page = outline(response.content.decode())
        assert page.html_lang == "en-GB" and page.first_link == "#main-content"
        assert page.tags["h1"] == 1
        assert [i for i, n in page.ids.items() if n > 1] == []
        assert all(field in page.labels for field in page.fields), page.fields


# --- files re-checked at download, and deleted after DATA_JOB_FILE_HOURS (issue 15) -----------


def _finished_export(personas) -> m.DataJob:
    job = data_job_run(job_id=data_job_export_create(actor=personas.manager, year=YEAR).pk)
    assert job.status == m.DataJobStatus.DONE, job.error
    return job


def test_an_export_holding_a_child_who_has_left_the_team_is_not_downloaded(personas, record,
                                                                           pages):
    job = _finished_export(personas)
    client = pages.as_user(personas.manager)
    assert client.get(f"/data/jobs/{job.pk}/download/").status_code == 200
    events = m.AccessEvent.objects.count()
    personas.young_person.team = personas.other_team  # moved to another team since
    personas.young_person.save()
    response = client.get(f"/data/jobs/{job.pk}/download/", follow=True)
    assert response.redirect_chain[-1][0] == f"/data/jobs/{job.pk}/"
    assert "holds young people you can no longer see" in body_of(response)
    assert m.AccessEvent.objects.count() == events  # nothing was read, nothing recorded
    # A new export, of the children they see now, downloads.
    fresh = _finished_export(personas)
    assert client.get(f"/data/jobs/{fresh.pk}/download/").status_code == 200


def test_a_file_older_than_the_limit_is_refused_then_deleted(personas, record, pages, settings):
    settings.DATA_JOB_FILE_HOURS = 24
    job = _finished_export(personas)
    directory = service.data_job_directory(job)
    m.DataJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(hours=25))
    response = pages.as_user(personas.manager).get(f"/data/jobs/{job.pk}/download/", follow=True)
    assert "This file was deleted 24 hours after it was made" in body_of(response)
    recent = _finished_export(personas)
    assert service.data_job_files_expire() == 1
    assert not directory.exists()
    job.refresh_from_db()
    assert job.result_file == ""
    assert service.data_job_directory(recent).exists()  # a recent one is kept
    assert service.data_job_files_expire() == 0


def test_the_expiry_sweep_is_on_the_beat_schedule(db):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_schedules", stdout=io.StringIO())
    assert PeriodicTask.objects.filter(task="tasks.data_jobs.expire_files",
                                       enabled=True).exists()
