"""SSDA903 imports and exports asked for on the staff pages, run by a Celery worker.

- `data_job_import_create` checks the upload (one zip of CSV files, or several CSV files; sizes;
  only .csv inside; no path outside the zip's own folder; each file's header row) before anything
  is kept, then stores the files in the job's folder and enqueues the job after the commit.
- `data_job_export_create` enqueues an export of a collection year.
- `data_job_run` (the worker) claims a queued job once, runs it, reports progress into the row at
  most every PROGRESS_EVERY seconds, and keeps the result: the export as a zip of the tables, the
  import's refused rows as a CSV. It deletes the uploaded files when it ends, however it ends.
  While it runs it keeps the job's heartbeat (`heartbeat_at`) fresh: with each progress write,
  and from a thread at least every HEARTBEAT_EVERY seconds.
- `data_jobs_interrupted_fail` (a periodic task) fails the running jobs whose heartbeat is older
  than `settings.DATA_JOB_HEARTBEAT_LIMIT` seconds: the worker running them died (killed, lost
  its machine) without ending them, and they would otherwise show "In progress" for ever.
- `data_job_result_open` hands the result to whoever may see the job, leaving an access event for
  each young person in it (DESIGN.md rule 5).

Who may do what is decided in `outcomes.access` (may_export_903, may_import_903,
data_jobs_visible_to). An export holds only the children the requester may see.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import logging
import os
import re
import shutil
import threading
import time
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Protocol

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from outcomes import access
from outcomes.models import (
    Channel,
    DataJob,
    DataJobKind,
    DataJobStatus,
    Team,
    User,
    YoungPerson,
)
from outcomes.rules.years import CollectionYear
from outcomes.selectors.teams import teams_overseen_by
from outcomes.ssda903 import tables as t
from outcomes.ssda903.export import ssda903_export
from outcomes.ssda903.importer import ImportRefused

from .audit import access_events_record
from .ssda903_import import ssda903_import

log = logging.getLogger(__name__)

RUN_TASK = "tasks.data_jobs.run"  # outcomes does not import tasks: enqueued by name
PROGRESS_EVERY = 1.0  # seconds between progress writes to the job's row
HEARTBEAT_EVERY = 30.0  # seconds between heartbeats while a job runs (well under the limit)
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # the upload, and the CSV files unzipped, in all
MAX_FILES = 30  # the return has 11 tables
HEADER_BYTES = 64 * 1024  # enough for any table's header row
COPY_CHUNK = 1024 * 1024
AUDIT_CHUNK = 2000
INPUT = "input"
EXPORT_WHAT = "ssda903.export.download"
REJECTIONS_WHAT = "ssda903.import.rejections.download"
ZIP_TYPE = "application/zip"
CSV_TYPE = "text/csv; charset=utf-8"

FAILED_UNEXPECTEDLY = ("The job stopped because of a problem in Waymark. Records already imported "
                       "are kept; importing the same files again is safe. If it happens again, "
                       "tell your administrator.")
FAILED_TOO_LONG = ("The job took longer than Waymark allows and was stopped. Records already "
                   "imported are kept; importing the same files again is safe and carries on.")
FAILED_NO_ACCESS = "You can no longer do this, so the job was not run."
FAILED_INTERRUPTED = ("The job stopped without finishing: the worker running it was "
                      "interrupted. Start it again.")

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class DataJobRefused(Exception):
    """What was asked for cannot be done; nothing was kept. `errors`: field -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Upload(Protocol):
    """An uploaded file, as Django hands it over (`name`, `size`, `chunks()`)."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


def data_job_directory(job: DataJob | int) -> Path:
    """The job's own folder: its uploaded files (until it has run) and its result."""
    return Path(settings.DATA_JOBS_DIR) / str(job if isinstance(job, int) else job.pk)


# --- asking for a job ----------------------------------------------------------------------------


def _year_error(year: int | None) -> str | None:
    if year not in t.YEARS:
        return "Select a collection year from the list"
    return None


def data_job_export_create(*, actor: User, year: int | None) -> DataJob:
    """Queue an export of collection year `year`. Raises PermissionDenied unless the actor may
    export, DataJobRefused for a year whose return is not defined."""
    if not access.may_export_903(actor):
        raise PermissionDenied
    if error := _year_error(year):
        raise DataJobRefused({"year": error})
    with transaction.atomic():
        job = DataJob.objects.create(kind=DataJobKind.EXPORT_903, year=year, requested_by=actor)
        _enqueue_on_commit(job.pk)
    return job


def data_job_import_create(*, actor: User, year: int | None, team_id: int | None,
                           files: Sequence[Upload]) -> DataJob:
    """Check the upload and queue the import of its tables as collection year `year`, new children
    joining the team `team_id` (None: a child not yet in Waymark is refused). Raises
    PermissionDenied unless the actor may import, DataJobRefused (nothing kept) for a bad year,
    team or upload."""
    if not access.may_import_903(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if error := _year_error(year):
        errors["year"] = error
    team = None
    if team_id is not None:
        team = teams_overseen_by(user=actor).filter(pk=team_id).first()
        if team is None:
            errors["team"] = "Select a team from the list"
    staging = Path(settings.DATA_JOBS_DIR) / f"incoming-{uuid.uuid4().hex}"
    try:
        try:
            names = _store_upload(files, staging)
            if "year" not in errors:
                _check_headers(staging, names, year)
        except DataJobRefused as refused:
            errors.update(refused.errors)
        if errors:
            raise DataJobRefused(errors)
        return _import_job_create(actor=actor, year=year, team=team, staging=staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _import_job_create(*, actor: User, year: int, team: Team | None, staging: Path) -> DataJob:
    directory = None
    try:
        with transaction.atomic():
            job = DataJob.objects.create(kind=DataJobKind.IMPORT_903, year=year,
                                         requested_by=actor, team=team)
            directory = data_job_directory(job)
            directory.mkdir(parents=True, exist_ok=True)
            staging.rename(directory / INPUT)
            _enqueue_on_commit(job.pk)
    except BaseException:
        if directory is not None:  # the row did not commit: neither does its folder
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return job


def _enqueue_on_commit(job_id: int) -> None:
    transaction.on_commit(lambda: current_app.send_task(RUN_TASK, args=[job_id]))


# --- checking an upload --------------------------------------------------------------------------


def _safe_name(raw: str) -> str:
    """The file's own name (no folder), with only letters, digits, '.', '_' and '-'."""
    name = PurePosixPath(raw.replace("\\", "/")).name
    return _SAFE_NAME.sub("_", name).lstrip(".") or "file.csv"


def _store_upload(files: Sequence[Upload], staging: Path) -> list[str]:
    """Write the upload's CSV files into `staging`, each by its own safe name; the names."""
    if not files:
        raise DataJobRefused({"files": "Select the CSV files of the return, or a zip file "
                                       "holding them"})
    if len(files) > MAX_FILES:
        raise DataJobRefused({"files": f"Select at most {MAX_FILES} files"})
    if sum(upload.size or 0 for upload in files) > MAX_UPLOAD_BYTES:
        raise DataJobRefused({"files": f"The files must be smaller than {_megabytes()} in all"})
    staging.mkdir(parents=True)
    zips = [u for u in files if (u.name or "").lower().endswith(".zip")]
    if zips:
        if len(files) > 1:
            raise DataJobRefused({"files": "Select either one zip file or the CSV files, "
                                           "not both"})
        return _store_zip(files[0], staging)
    names: list[str] = []
    budget = MAX_UPLOAD_BYTES
    for upload in files:
        raw = upload.name or ""
        if not raw.lower().endswith(".csv"):
            raise DataJobRefused({"files": f"{_shown(raw)} is not a CSV file: select the "
                                           "return's .csv files, or a .zip file holding them"})
        name = _unique(_safe_name(raw), names, raw)
        budget -= _copy(upload.chunks(COPY_CHUNK), staging / name, budget, raw)
        names.append(name)
    return names


def _store_zip(upload: Upload, staging: Path) -> list[str]:
    shown = _shown(upload.name or "The zip file")
    archive_path = staging.parent / f"{staging.name}.zip"
    try:
        _copy(upload.chunks(COPY_CHUNK), archive_path, MAX_UPLOAD_BYTES, upload.name or "")
        try:
            archive = zipfile.ZipFile(archive_path)
        except (zipfile.BadZipFile, OSError):
            raise DataJobRefused({"files": f"{shown} cannot be opened as a zip file"}) from None
        with archive:
            members = _zip_members(archive, shown)
            names: list[str] = []
            budget = MAX_UPLOAD_BYTES
            for member in members:
                name = _unique(_safe_name(member.filename), names, member.filename)
                try:
                    with archive.open(member) as source:
                        budget -= _copy(iter(lambda s=source: s.read(COPY_CHUNK), b""),
                                        staging / name, budget, member.filename)
                except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
                        NotImplementedError, RuntimeError):
                    raise DataJobRefused({"files": f"{shown} is damaged: "
                                                   f"{_shown(member.filename)} cannot be "
                                                   "read from it"}) from None
                names.append(name)
            return names
    finally:
        archive_path.unlink(missing_ok=True)


def _zip_members(archive: zipfile.ZipFile, shown: str) -> list[zipfile.ZipInfo]:
    """The CSV files in the zip; refuses anything else, and any path leading out of it."""
    members = []
    for info in archive.infolist():
        raw = info.filename
        path = PurePosixPath(raw.replace("\\", "/"))
        if raw.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", raw) or ".." in path.parts:
            raise DataJobRefused({"files": f"{shown} holds a file outside its own folder "
                                           f"({_shown(raw)}): make the zip again from the "
                                           "return's CSV files"})
        if info.is_dir() or path.parts[:1] == ("__MACOSX",):
            continue  # folders, and the resource forks macOS adds
        if not path.name.lower().endswith(".csv"):
            raise DataJobRefused({"files": f"{shown} must hold only CSV files: "
                                           f"{_shown(raw)} is not one"})
        if info.flag_bits & 0x1:
            raise DataJobRefused({"files": f"{shown} is protected by a password: make it again "
                                           "without one"})
        members.append(info)
    if not members:
        raise DataJobRefused({"files": f"{shown} holds no CSV files"})
    if len(members) > MAX_FILES:
        raise DataJobRefused({"files": f"{shown} must hold at most {MAX_FILES} files"})
    if sum(info.file_size for info in members) > MAX_UPLOAD_BYTES:
        raise DataJobRefused({"files": f"The files in {shown} must be smaller than "
                                       f"{_megabytes()} in all"})
    return members


def _copy(chunks: Iterable[bytes], path: Path, budget: int, raw: str) -> int:
    """Write `chunks` to `path`, refusing more than `budget` bytes (whatever a zip claims) or an
    empty file; the bytes written."""
    written = 0
    with path.open("xb") as out:
        for chunk in chunks:
            written += len(chunk)
            if written > budget:
                raise DataJobRefused({"files": f"The files must be smaller than "
                                               f"{_megabytes()} in all"})
            out.write(chunk)
    if not written:
        raise DataJobRefused({"files": f"{_shown(raw)} is empty"})
    return written


def _unique(name: str, taken: list[str], raw: str) -> str:
    if name.lower() in (n.lower() for n in taken):
        raise DataJobRefused({"files": f"There are two files called {_shown(raw)}: give each "
                                       "table once"})
    return name


def _check_headers(directory: Path, names: list[str], year: int) -> None:
    """Each file's first row, as the import will read it: a table of the return, or at least
    rows it can set aside child by child (a CHILD column); and one table of the return at least.
    """
    recognised = 0
    for name in names:
        with (directory / name).open("rb") as handle:
            start = handle.read(HEADER_BYTES)
        if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise DataJobRefused({"files": f"{name} is UTF-16 text: save it as UTF-8 (CSV UTF-8) "
                                           "and try again"})
        first_line = start.split(b"\n", 1)[0]
        try:
            text = first_line.decode("utf-8-sig")
            header = next(csv.reader(io.StringIO(text)), [])
        except (UnicodeDecodeError, csv.Error):
            raise DataJobRefused({"files": f"{name} is not a CSV file saved as UTF-8 text"}) \
                from None
        names_in_header = [column.strip().upper() for column in header]
        if t.table_for_header(names_in_header, year=year) is not None:
            recognised += 1
        elif "CHILD" not in names_in_header:
            raise DataJobRefused({"files": f"{name} is not a table of the SSDA903 return for "
                                           f"{CollectionYear(year).label}: its first row must name the "
                                           "table's columns"})
    if not recognised:
        raise DataJobRefused({"files": "None of the files is a table of the SSDA903 return for "
                                       f"{CollectionYear(year).label}"})


def _shown(raw: str) -> str:
    """A file name as the user gave it, cut short for a message."""
    name = raw.strip() or "A file"
    return name if len(name) <= 80 else f"{name[:77]}..."


def _megabytes() -> str:
    return f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB"


# --- running a job -------------------------------------------------------------------------------


class _Progress:
    """The import's and the export's progress callback: adds up the children (or tables) done,
    writes at most every `every` seconds (and when all are done), so a large import costs a few
    hundred updates at most. Each write is also a heartbeat.

    The export calls it inside its one read-only transaction, where the row cannot be written
    (nor a write seen by the status page until the end): there the figures go to the running
    heartbeat, which writes them at once through its own connection."""

    def __init__(self, job_id: int, every: float, heartbeat: _Heartbeat | None = None) -> None:
        self.job_id, self.every, self.heartbeat = job_id, every, heartbeat
        self.done, self.total, self.written_at = 0, 0, float("-inf")

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = min(self.done + done, total), total
        now = time.monotonic()
        if now - self.written_at >= self.every or self.done >= total:
            if (self.heartbeat is not None and self.heartbeat.running
                    and connection.in_atomic_block):
                self.heartbeat.post(self.done, total)
            else:
                DataJob.objects.filter(pk=self.job_id).update(progress_done=self.done,
                                                              progress_total=total,
                                                              heartbeat_at=timezone.now())
            self.written_at = now

    def flush(self) -> None:
        """Write the figures last reported, once out of the caller's transaction."""
        if self.total:
            DataJob.objects.filter(pk=self.job_id).update(
                progress_done=self.done, progress_total=self.total, heartbeat_at=timezone.now())


class _Heartbeat:
    """Keeps a running job's `heartbeat_at` fresh from a thread, every `every` seconds, so a job
    busy in one long step (a large table, a large child) is not taken for one whose worker died;
    and writes the progress `post`ed to it (at once) with the next beat.

    The thread writes through its own database connection, so it only runs when the job's row is
    committed: not inside a caller's transaction (a test's), which it could neither see nor wait
    for. A failed beat is logged and the next one tried; the sweep's limit allows for many.
    """

    def __init__(self, job_id: int, every: float = HEARTBEAT_EVERY) -> None:
        self.job_id, self.every = job_id, every
        self._stopped = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._progress: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if connection.in_atomic_block:
            return
        self._thread = threading.Thread(target=self._beat, daemon=True,
                                        name=f"data-job-{self.job_id}-heartbeat")
        self._thread.start()

    def post(self, done: int, total: int) -> None:
        with self._lock:
            self._progress = (done, total)
        self._wake.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _beat(self) -> None:
        try:
            while True:
                self._wake.wait(self.every)
                self._wake.clear()
                if self._stopped.is_set():
                    return
                with self._lock:
                    changes: dict = {"heartbeat_at": timezone.now()}
                    if self._progress is not None:
                        changes["progress_done"], changes["progress_total"] = self._progress
                        self._progress = None
                try:
                    DataJob.objects.filter(pk=self.job_id, status=DataJobStatus.RUNNING).update(
                        **changes)
                except DatabaseError:
                    log.warning("Data job %s: the heartbeat could not be written", self.job_id,
                                exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection


def data_job_run(*, job_id: int, progress_every: float = PROGRESS_EVERY) -> DataJob | None:
    """Run a queued job once (a second delivery of the task finds it claimed and does nothing).
    It ends done with its summary and result, or failed with a message for the user; the
    uploaded files are deleted either way."""
    now = timezone.now()
    claimed = DataJob.objects.filter(pk=job_id, status=DataJobStatus.QUEUED).update(
        status=DataJobStatus.RUNNING, started_at=now, heartbeat_at=now)
    if not claimed:
        return None
    job = DataJob.objects.select_related("requested_by", "team").get(pk=job_id)
    heartbeat = _Heartbeat(job_id)
    try:
        heartbeat.start()
        if job.kind == DataJobKind.IMPORT_903:
            summary, result = _run_import(job, progress_every)
        else:
            summary, result = _run_export(job, progress_every, heartbeat)
    except ImportRefused as refused:
        _finish(job, error=str(refused))
    except PermissionDenied:
        _finish(job, error=FAILED_NO_ACCESS)
    except SoftTimeLimitExceeded:
        log.warning("Data job %s stopped at the time limit", job_id)
        _finish(job, error=FAILED_TOO_LONG)
    except Exception:
        log.exception("Data job %s failed", job_id)
        _finish(job, error=FAILED_UNEXPECTEDLY)
    else:
        _finish(job, summary=summary, result_file=result)
    finally:
        heartbeat.stop()
        shutil.rmtree(data_job_directory(job) / INPUT, ignore_errors=True)
    job.refresh_from_db()
    return job


def data_jobs_interrupted_fail(*, limit: dt.timedelta | None = None) -> int:
    """Fail the running jobs whose heartbeat is older than `limit` (default
    `settings.DATA_JOB_HEARTBEAT_LIMIT` seconds): their worker died without ending them. The
    user reads a plain message on the status page; the uploaded files of an import are deleted,
    as when a job ends. Conditional on the heartbeat, so a job that beats meanwhile is left
    alone. The number of jobs failed."""
    if limit is None:
        limit = dt.timedelta(seconds=settings.DATA_JOB_HEARTBEAT_LIMIT)
    now = timezone.now()
    stale = (DataJob.objects.filter(status=DataJobStatus.RUNNING, heartbeat_at__lt=now - limit)
             | DataJob.objects.filter(status=DataJobStatus.RUNNING, heartbeat_at__isnull=True,
                                      started_at__lt=now - limit))
    failed = 0
    for job_id in list(stale.values_list("pk", flat=True)):
        # One UPDATE a job, checked again: a job that beat (or ended) since it was read stays.
        failed_now = DataJob.objects.filter(
            pk=job_id, status=DataJobStatus.RUNNING,
        ).exclude(heartbeat_at__gte=now - limit).update(
            status=DataJobStatus.FAILED, finished_at=now, error=FAILED_INTERRUPTED)
        if failed_now:
            failed += 1
            log.warning("Data job %s failed: no heartbeat for %s", job_id, limit)
            shutil.rmtree(data_job_directory(job_id) / INPUT, ignore_errors=True)
    return failed


def _finish(job: DataJob, *, summary: dict | None = None, result_file: str = "",
            error: str = "") -> None:
    changes: dict = {"status": DataJobStatus.FAILED if error else DataJobStatus.DONE,
                     "finished_at": timezone.now(), "error": error, "result_file": result_file}
    if summary is not None:
        changes["summary"] = summary
    DataJob.objects.filter(pk=job.pk).update(**changes)


def _run_import(job: DataJob, progress_every: float) -> tuple[dict, str]:
    if not access.may_import_903(job.requested_by):
        raise PermissionDenied
    directory = data_job_directory(job)
    try:
        summary = ssda903_import(actor=job.requested_by, year=job.year,
                                 directory=directory / INPUT, team=job.team,
                                 progress=_Progress(job.pk, progress_every))
    except ImportRefused as refused:
        # The importer names its folder, which means nothing to the user.
        raise ImportRefused(str(refused).replace(str(directory / INPUT), "the upload")) from None
    result = ""
    if summary.rejections:
        result = f"ssda903-{job.year}-rejected-rows.csv"
        _write_atomically(directory / result,
                          lambda out: summary.rejections_write(io.TextIOWrapper(
                              out, encoding="utf-8", newline="", write_through=True)))
    files = summary.files
    return {
        "children": dataclasses.asdict(summary.children),
        "periods_of_care": dataclasses.asdict(summary.periods_of_care),
        "tables": [{"table": key, "file": files.get(key, ""), **dataclasses.asdict(counts)}
                   for key, counts in summary.tables.items()],
        "rejected_rows": summary.rejected_rows,
        "notes": [[note, count] for note, count in summary.notes.most_common()],
    }, result


def _run_export(job: DataJob, progress_every: float,
                heartbeat: _Heartbeat | None = None) -> tuple[dict, str]:
    if not access.may_export_903(job.requested_by):
        raise PermissionDenied
    directory = data_job_directory(job)
    work = directory / "work"
    shutil.rmtree(work, ignore_errors=True)
    try:
        progress = _Progress(job.pk, progress_every, heartbeat)
        written = ssda903_export(year=job.year, directory=work, progress=progress)
        progress.flush()
        # Only the children the requester may see: a team manager's part of the return.
        visible = set(access.young_people_visible_to(job.requested_by, access.Area.CARE_HISTORY)
                      .values_list("child_id", flat=True))
        tables = []
        for table in written.tables:
            rows = _keep_children(table.path, visible)
            tables.append({"table": table.table, "file": table.path.name, "rows": rows})
        result = f"ssda903-{job.year}.zip"

        def write_zip(out: IO[bytes]) -> None:
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for table in written.tables:
                    archive.write(table.path, arcname=table.path.name)

        _write_atomically(directory / result, write_zip)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    header = next((row for row in tables if row["table"] == t.HEADER.key), None)
    return {"tables": tables, "children": header["rows"] if header else 0,
            "header_file": header["file"] if header else "",
            "left_out": dict(written.left_out)}, result


def _keep_children(path: Path, visible: set[str]) -> int:
    """Rewrite a table with only the rows of children in `visible`; the rows kept."""
    kept = 0
    filtered = path.with_name(path.name + ".part")
    with path.open(newline="", encoding="utf-8") as source, \
            filtered.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(source), csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        child = header.index("CHILD")
        for row in reader:
            if row[child] in visible:
                writer.writerow(row)
                kept += 1
    os.replace(filtered, path)
    return kept


def _write_atomically(path: Path, write) -> None:
    """Write through a temporary name, so a download never finds half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as out:
        write(out)
    os.replace(partial, path)


# --- downloading the result ----------------------------------------------------------------------


@dataclass(frozen=True)
class DataJobFile:
    path: Path
    filename: str
    content_type: str


class DataJobFileGone(Exception):
    """The job's file may no longer be downloaded: the message says why and what to do."""


FILE_EXPIRED = ("This file was deleted {hours} hours after it was made: children's data is not "
                "kept longer than it is needed. Make a new export.")
FILE_OUT_OF_SCOPE = ("This file holds young people you can no longer see, so it cannot be "
                     "downloaded. Make a new export: it will hold the young people you can see "
                     "now.")


def _file_expired(job: DataJob, now: dt.datetime) -> bool:
    return job.finished_at is not None and job.finished_at < now - dt.timedelta(
        hours=settings.DATA_JOB_FILE_HOURS)


def data_job_result_open(*, actor: User, job_id: int) -> DataJobFile:
    """The finished job's file, for someone who may see the job, with an access event for each
    young person in it. Raises NotVisible for another's job, or a job with no file; and
    DataJobFileGone when the file is older than DATA_JOB_FILE_HOURS, or holds a young person
    the actor can no longer see (it is re-checked against their scope now, not when made)."""
    job = access.data_jobs_visible_to(actor).filter(pk=job_id).first()
    if job is None or job.status != DataJobStatus.DONE:
        raise access.NotVisible
    if _file_expired(job, timezone.now()):
        raise DataJobFileGone(FILE_EXPIRED.format(hours=settings.DATA_JOB_FILE_HOURS))
    if not job.result_file:
        raise access.NotVisible
    path = data_job_directory(job) / job.result_file
    if not path.is_file():
        raise access.NotVisible
    if job.kind == DataJobKind.EXPORT_903:
        children, what, content_type = _children_in_export(job, path), EXPORT_WHAT, ZIP_TYPE
    else:
        children, what, content_type = _children_in_csv(path, "child"), REJECTIONS_WHAT, CSV_TYPE
    # An import's refused rows may name children who are not in Waymark (that is why they were
    # refused), and imports are for administrators, who see everyone: checked for exports only.
    if not _record_reads(actor, children, what, all_visible=job.kind == DataJobKind.EXPORT_903):
        raise DataJobFileGone(FILE_OUT_OF_SCOPE)
    return DataJobFile(path=path, filename=job.result_file, content_type=content_type)


def data_job_files_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the folders (uploads and results) of jobs that finished more than
    DATA_JOB_FILE_HOURS ago, and forget their result files; how many jobs were cleared. On the
    beat schedule (tasks.data_jobs.expire_files)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.DATA_JOB_FILE_HOURS)
    finished = list(DataJob.objects.filter(finished_at__lt=cutoff).values_list("pk", "result_file"))
    cleared = 0
    for pk, result_file in finished:
        directory = data_job_directory(pk)
        if directory.exists() or result_file:
            shutil.rmtree(directory, ignore_errors=True)
            cleared += 1
    DataJob.objects.filter(finished_at__lt=cutoff).exclude(result_file="").update(result_file="")
    if cleared:
        log.info("Deleted the files of %s data job(s) older than %s hours.", cleared,
                 settings.DATA_JOB_FILE_HOURS)
    return cleared


def _children_in_export(job: DataJob, path: Path) -> list[str]:
    header = job.summary.get("header_file")
    if not header:
        return []
    with zipfile.ZipFile(path) as archive, archive.open(header) as raw:
        return _children_in(io.TextIOWrapper(raw, encoding="utf-8", newline=""), "CHILD")


def _children_in_csv(path: Path, column: str) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return _children_in(handle, column)


def _children_in(handle: IO[str], column: str) -> list[str]:
    reader = csv.reader(handle)
    header = next(reader, [])
    if column not in header:
        return []
    at = header.index(column)
    return list(dict.fromkeys(row[at] for row in reader if len(row) > at and row[at]))


COMMAND_EXPORT_WHAT = "ssda903.export.command"


def ssda903_export_audit(*, actor: User | None, header: Path) -> int:
    """`manage.py export_903` wrote the whole authority's return to a folder: one access event
    for each child in its Header table (actor: who ran it, or None when not said), written in
    bulk. The number of children recorded."""
    child_ids = _children_in_csv(header, "CHILD")
    recorded = 0
    for start in range(0, len(child_ids), AUDIT_CHUNK):
        people = list(YoungPerson.objects.filter(
            child_id__in=child_ids[start:start + AUDIT_CHUNK]).values_list("pk", flat=True))
        access_events_record(actor=actor, young_person_ids=people, what=COMMAND_EXPORT_WHAT,
                             channel=Channel.COMMAND)
        recorded += len(people)
    return recorded


def _record_reads(actor: User, child_ids: list[str], what: str, *, all_visible: bool) -> bool:
    """An access event for each child in the file that the actor may see. With `all_visible`,
    only if they may see every one of them now: False (and nothing recorded) otherwise."""
    chunks = []
    for start in range(0, len(child_ids), AUDIT_CHUNK):
        chunk = child_ids[start:start + AUDIT_CHUNK]
        people = list(access.young_people_visible_to(actor, access.Area.CARE_HISTORY).filter(
            child_id__in=chunk).values_list("pk", flat=True))
        if all_visible and len(people) < len(set(chunk)):
            return False
        chunks.append(people)
    for people in chunks:
        access_events_record(actor=actor, young_person_ids=people, what=what,
                             channel=Channel.WEB)
    return True
