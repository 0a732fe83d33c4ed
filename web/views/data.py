"""The data pages: export the SSDA903 return, import one (administrators), download the Ofsted
Annex A lists, and follow each import or export on a status page that refreshes itself.

Who may do what is `outcomes.access` (may_export_903, may_import_903, data_jobs_visible_to); the
jobs are made, run and handed out by `outcomes.services.data_jobs`. A bad value or upload answers
400 with the page, the GOV.UK error summary and what was chosen still chosen.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from outcomes import access
from outcomes.annex_a_workbook import CONTENT_TYPE, annex_a_filename, annex_a_workbook
from outcomes.models import DataJob, DataJobKind, DataJobStatus, User
from outcomes.rules.years import CollectionYear
from outcomes.selectors.data_jobs import data_job_for, data_jobs_recent_for
from outcomes.selectors.teams import teams_overseen_by
from outcomes.services import (
    DataJobRefused,
    data_job_export_create,
    data_job_import_create,
    data_job_result_open,
    data_jobs,
)
from outcomes.services.data_jobs import DataJobFileGone
from outcomes.ssda903.tables import YEARS
from web.decorators import staff_page

REFRESH_SECONDS = 2
ID = re.compile(r"[0-9]{1,9}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Where each form's errors point in the error summary.
TARGETS = {
    "export": {"year": "export-year"},
    "import": {"year": "import-year", "team": "import-team", "files": "import-files"},
    "annex_a": {"as_of": "as_of-day"},
}


def _require_data(user: User) -> None:
    if not access.may_export_903(user):
        raise PermissionDenied


def _year(value: str) -> int | None:
    value = value.strip()
    return int(value) if ID.fullmatch(value) else None


def _index(request: HttpRequest, *, errors: dict[str, dict[str, str]] | None = None,
           chosen: dict | None = None, status: int = 200) -> HttpResponse:
    errors = errors or {}
    chosen = chosen or {}
    today = timezone.localdate()
    may_import = access.may_import_903(request.user)
    as_of = chosen.get("as_of") or {"day": today.day, "month": today.month, "year": today.year}
    summary_errors = [(TARGETS[form][name], message)
                      for form in ("annex_a", "export", "import")
                      for name, message in errors.get(form, {}).items()]
    return render(request, "web/data/index.html", {
        "years": [(y, CollectionYear(y).label) for y in sorted(YEARS, reverse=True)],
        "export_year": chosen.get("export_year"),
        "import_year": chosen.get("import_year"),
        "import_team": chosen.get("import_team"),
        "as_of": as_of,
        "may_import": may_import,
        "upload_limit": f"{data_jobs.MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
        "teams": list(teams_overseen_by(user=request.user)) if may_import else [],
        "jobs": [_job_row(job) for job in data_jobs_recent_for(user=request.user)],
        "errors": errors,
        "summary_errors": summary_errors,
    }, status=status)


def _job_row(job: DataJob) -> dict:
    return {"job": job, "year_label": CollectionYear(job.year).label, "tag": _tag(job)}


def _tag(job: DataJob) -> str:
    return {DataJobStatus.QUEUED: "govuk-tag--grey", DataJobStatus.RUNNING: "govuk-tag--blue",
            DataJobStatus.DONE: "govuk-tag--green", DataJobStatus.FAILED: "govuk-tag--red",
            }[job.status]


@require_GET
@staff_page
def data_index(request: HttpRequest) -> HttpResponse:
    _require_data(request.user)
    return _index(request)


@require_POST
@staff_page
def data_export(request: HttpRequest) -> HttpResponse:
    """Queue an export of the year chosen; on to its status page."""
    _require_data(request.user)
    raw = request.POST.get("year", "")
    try:
        job = data_job_export_create(actor=request.user, year=_year(raw))
    except DataJobRefused as refused:
        return _index(request, errors={"export": refused.errors}, status=400)
    return redirect("web:data-job", pk=job.pk)


@require_POST
@staff_page
def data_import(request: HttpRequest) -> HttpResponse:
    """Check the upload and queue the import; on to its status page."""
    _require_data(request.user)
    if not access.may_import_903(request.user):
        raise PermissionDenied
    year = _year(request.POST.get("year", ""))
    team_raw = request.POST.get("team", "").strip()
    team_id = int(team_raw) if ID.fullmatch(team_raw) else None
    errors: dict[str, str] = {}
    if team_raw and team_id is None:
        errors["team"] = "Select a team from the list"
    try:
        if errors:
            raise DataJobRefused(errors)
        job = data_job_import_create(actor=request.user, year=year, team_id=team_id,
                                     files=request.FILES.getlist("files"))
    except DataJobRefused as refused:
        errors = dict(refused.errors)
        if "files" not in errors:
            # A browser cannot keep a chosen file: say so, next to the file input.
            errors["files"] = "Select the files again"
        return _index(request, errors={"import": errors}, status=400,
                      chosen={"import_year": year, "import_team": team_id})
    return redirect("web:data-job", pk=job.pk)


@require_GET
@staff_page
def data_job(request: HttpRequest, pk: int) -> HttpResponse:
    """What the job has done so far; refreshes itself (no JavaScript) until it ends."""
    _require_data(request.user)
    job = data_job_for(user=request.user, job_id=pk)
    summary = job.summary or {}
    return render(request, "web/data/job.html", {
        "job": job,
        "year_label": CollectionYear(job.year).label,
        "tag": _tag(job),
        "is_import": job.kind == DataJobKind.IMPORT_903,
        "refresh": REFRESH_SECONDS if not job.finished else None,
        "summary": summary,
        "children": summary.get("children"),
    })


@require_GET
@staff_page
def data_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's zip, or the import's refused rows; each young person in it is audited."""
    _require_data(request.user)
    try:
        result = data_job_result_open(actor=request.user, job_id=pk)
    except DataJobFileGone as gone:
        messages.error(request, str(gone))
        return redirect("web:data-job", pk=pk)
    return FileResponse(result.path.open("rb"), as_attachment=True, filename=result.filename,
                        content_type=result.content_type)


def _as_of(query: QueryDict) -> tuple[dt.date | None, dict, str | None]:
    """The date asked for (`as_of=YYYY-MM-DD`, or the date input's day, month and year), what
    was typed, and an error message."""
    today = timezone.localdate()
    if "as_of" in query:
        raw = query.get("as_of", "").strip()
        typed = {"day": "", "month": "", "year": ""}
        parts = raw.split("-") if ISO_DATE.fullmatch(raw) else None
        if parts:
            typed = {"day": parts[2], "month": parts[1], "year": parts[0]}
    else:
        typed = {key: query.get(f"as_of-{key}", "").strip() for key in ("day", "month", "year")}
        parts = [typed["year"], typed["month"], typed["day"]]
        if not all(p.isdigit() and len(p) <= 4 for p in parts):
            parts = None
    if not parts:
        return None, typed, "Enter the date the lists are for, such as 31 3 2025"
    try:
        day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None, typed, "The date the lists are for must be a real date"
    if day > today:
        return None, typed, "The date the lists are for must be today or in the past"
    return day, typed, None


@require_GET
@staff_page
def annex_a_download(request: HttpRequest) -> HttpResponse:
    """The Annex A workbook (Lists 8 and 9) as of the date asked for, for the young people the
    user may see; the workbook's function leaves the access trace."""
    _require_data(request.user)
    day, typed, error = _as_of(request.GET)
    if error:
        return _index(request, errors={"annex_a": {"as_of": error}}, chosen={"as_of": typed},
                      status=400)
    response = HttpResponse(annex_a_workbook(user=request.user, as_of=day),
                            content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{annex_a_filename(day)}"'
    return response
