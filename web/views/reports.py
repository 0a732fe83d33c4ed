"""Manager reports: the index, each report's page (its finding, chart, tables, definitions and
downloads) and the list of children behind a figure.

The figures come only from the report selectors (`web.reports` names them); these views parse
the filters, call the selector, and draw what it answers. A filter value that is not one of the
choices offered answers 400 with the form and a GOV.UK error message, never 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from outcomes import access
from outcomes.models import Channel, Team, User
from outcomes.rules.years import CollectionYear
from outcomes.selectors.reports.base import Figure, Measure, Report
from outcomes.selectors.teams import teams_overseen_by
from outcomes.services import access_events_record
from web import exports
from web.charts import chart_svg, chart_table
from web.decorators import staff_page
from web.reports import REPORTS, ReportPage, ReportUnavailable

FORMATS = ("html", "csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHILDREN_PAGE_SIZE = 50
YEAR = re.compile(r"[0-9]{4}")
FIRST_YEAR = 1990
ID = re.compile(r"[0-9]{1,9}")

ERRORS = {
    "year": "Select a year from the list",
    "team": "Select a team from the list",
    "suppress": "Select whether to suppress small numbers",
    "format": "Select CSV or Excel to download the figures",
    "table": "Select a table from the report to download",
    "drill": "Follow a link from a figure in the report to list the children behind it",
}


@dataclass
class Filters:
    year: int | None = None
    team: Team | None = None
    options: dict[str, str] = field(default_factory=dict)
    suppress: bool = False
    format: str = "html"
    table: str = ""

    def selector_arguments(self) -> dict:
        return {"year": self.year, "team_id": self.team.pk if self.team else None,
                **self.options}

    def query(self, **changes: object) -> str:
        """The filters as a query string, with `changes` (None drops a key)."""
        values: dict[str, object] = {"year": self.year, "team": self.team.pk if self.team else None,
                                     **self.options, "suppress": 1 if self.suppress else None}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _require_reports(user: User, slug: str | None = None) -> None:
    """Refuse anyone who may not open this report (any report, without a slug)."""
    if not access.sees_reports(user, slug):
        raise PermissionDenied


def _page(slug: str) -> tuple[ReportPage, tuple]:
    page = REPORTS.get(slug)
    if page is None:
        raise Http404
    try:
        return page, page.functions()
    except ReportUnavailable as error:
        raise Http404 from error


def _parse(query: QueryDict, page: ReportPage, teams: list[Team]) -> tuple[Filters, dict]:
    """The filters asked for, and an error message for each value not among the choices."""
    filters, errors = Filters(), {}
    year = query.get("year", "").strip()
    if year:
        # A year no report could have (the earliest SSDA903 collection to the one in progress)
        # never reaches a selector; one it has no figures for is caught by `years_available`.
        if YEAR.fullmatch(year) and FIRST_YEAR <= int(year) <= timezone.localdate().year + 1:
            filters.year = int(year)
        else:
            errors["year"] = ERRORS["year"]
    team = query.get("team", "").strip()
    if team:
        chosen = [t for t in teams if ID.fullmatch(team) and t.pk == int(team)]
        if chosen:
            filters.team = chosen[0]
        else:
            errors["team"] = ERRORS["team"]
    for option in page.options:
        value = query.get(option.name, "").strip() or option.default
        if value in option.values:
            filters.options[option.name] = value
        else:
            filters.options[option.name] = option.default
            errors[option.name] = f"Select {option.legend[0].lower()}{option.legend[1:]}"
    suppress = query.get("suppress", "")
    if suppress in ("", "0", "1"):
        filters.suppress = suppress == "1"
    else:
        errors["suppress"] = ERRORS["suppress"]
    fmt = query.get("format", "") or "html"
    if fmt in FORMATS:
        filters.format = fmt
    else:
        errors["format"] = ERRORS["format"]
    filters.table = query.get("table", "")
    return filters, errors


def _report(function, user: User, filters: Filters) -> Report:
    try:
        return function(user=user, **filters.selector_arguments())
    except access.NotVisible as error:
        raise PermissionDenied from error


def _context(page: ReportPage, filters: Filters, report: Report | None,
             teams: list[Team]) -> list[tuple[str, str]]:
    """The filters in words, for the page and the downloads."""
    rows = []
    if report is not None:
        start, end = CollectionYear(report.year).bounds
        rows.append(("Collection year", f"{CollectionYear(report.year).label} "
                                        f"({start.day} {start:%B %Y} to {end.day} {end:%B %Y})"))
    if filters.team:
        rows.append(("Team", filters.team.name))
    elif len(teams) > 1:
        rows.append(("Team", "All teams"))
    elif teams:
        rows.append(("Team", teams[0].name))
    for option in page.options:
        rows.append((option.legend, option.label_for(filters.options[option.name])))
    rows.append(("Small numbers", "Suppressed (shown as c)" if filters.suppress
                 else "Not suppressed"))
    return rows


def _form(page: ReportPage, filters: Filters, teams: list[Team], years: tuple[int, ...],
          year: int | None, errors: dict) -> dict:
    return {
        "years": [(y, CollectionYear(y).label) for y in sorted(years, reverse=True)],
        "year": year,
        "teams": teams,
        "team": filters.team,
        "options": [(option, filters.options[option.name], errors.get(option.name))
                    for option in page.options],
        "suppress": filters.suppress,
        "errors": errors,
    }


def _bad_request(request: HttpRequest, page: ReportPage, function, filters: Filters,
                 errors: dict, teams: list[Team], report: Report | None) -> HttpResponse:
    """The form again, with what was valid kept and each problem named (400)."""
    if report is None:
        # The years on offer come from the report: ask for it with the filters that were valid.
        valid = Filters(team=filters.team, options=filters.options)
        report = _report(function, request.user, valid)
    year = filters.year if "year" not in errors else None
    return render(request, "web/reports/report.html", {
        "page": page, "report": None, "summary_errors": _summary(errors, page),
        "form": _form(page, filters, teams, report.years_available, year, errors),
    }, status=400)


def _summary(errors: dict, page: ReportPage, *, form: bool = True) -> list[tuple[str, str]]:
    """(link target, message) for the error summary, in the order of the form (a page without
    the form points at its main content)."""
    order = ["year", "team", *(o.name for o in page.options), "suppress", "format", "table",
             "drill"]
    targets = {"format": "downloads", "table": "downloads", "drill": "main-content"}
    return [(targets.get(name, name) if form else "main-content", errors[name])
            for name in order if name in errors]


@staff_page
def report_index(request: HttpRequest) -> HttpResponse:
    _require_reports(request.user)
    mine = access.reports_for(request.user)
    return render(request, "web/reports/index.html", {
        "pages": [page for page in REPORTS.values() if page.slug in mine]})


@staff_page
def report_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The report as a page, or with `?format=csv` / `?format=xlsx` as a download."""
    _require_reports(request.user)
    page, (report_function, _) = _page(slug)
    _require_reports(request.user, slug)
    teams = list(teams_overseen_by(user=request.user))
    filters, errors = _parse(request.GET, page, teams)
    report = None
    if not errors:
        report = _report(report_function, request.user, filters)
        if filters.year is not None and report.years_available \
                and filters.year not in report.years_available:
            errors["year"] = ERRORS["year"]
        if filters.table and (filters.format != "csv"
                              or filters.table not in {t.key for t in report.tables}):
            errors["table"] = ERRORS["table"]
    if errors:
        return _bad_request(request, page, report_function, filters, errors, teams, report)
    tables = exports.flatten_report(report, suppress=filters.suppress)
    context = _context(page, filters, report, teams)
    if filters.format != "html":
        return _download(page, report, tables, filters, context)
    drill_base = reverse("web:report-children", args=[page.slug])
    return render(request, "web/reports/report.html", {
        "page": page,
        "report": report,
        "year_label": CollectionYear(report.year).label,
        "context": context,
        "charts": [] if filters.suppress else [
            (chart, chart_svg(chart, id_prefix=f"chart-{i}-"), *chart_table(chart))
            for i, chart in enumerate(report.charts)],
        "tables": tables,
        "drill_url": f"{drill_base}?{filters.query(year=report.year, suppress=None)}&drill=",
        "download_query": filters.query(year=report.year),
        "suppress_query": filters.query(year=report.year, suppress=None if filters.suppress
                                        else 1),
        "symbols": exports.SYMBOLS,
        "suppression_rule": exports.SUPPRESSION_RULE,
        "form": _form(page, filters, teams, report.years_available, report.year, {}),
    })


def _download(page: ReportPage, report: Report, tables: tuple[exports.FlatTable, ...],
              filters: Filters, context: list[tuple[str, str]]) -> HttpResponse:
    name = f"{page.slug}-{report.year}"
    if filters.team:
        name += f"-team-{filters.team.pk}"
    if filters.suppress:
        name += "-suppressed"
    download = exports.Download(
        title=f"{report.title}, {CollectionYear(report.year).label}",
        context=context, definitions=report.definitions, suppress=filters.suppress)
    if filters.format == "csv":
        if filters.table:
            chosen = [t for t in tables if t.key == filters.table]
            body = exports.csv_bytes(chosen)
            name += f"-{re.sub(r'[^a-z0-9-]+', '-', filters.table.lower())}"
        else:
            body = exports.csv_bytes(tables, download)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        filename = f"{name}.csv"
    else:
        response = HttpResponse(exports.xlsx_bytes(tables, download), content_type=XLSX_TYPE)
        filename = f"{name}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _describe(report: Report, drill: str) -> dict | None:
    """Where the figure with this `drill` sits in the report: table, row and column, and the
    figure itself as the page shows it."""
    for table, flat in zip(report.tables, exports.flatten_report(report), strict=True):
        for row, flat_row in zip(table.rows, flat.rows, strict=True):
            for index, cell in enumerate(row):
                if isinstance(cell, Measure | Figure) and cell.drill == drill:
                    label = row[0] if index and isinstance(row[0], str) else ""
                    shown = flat_row[index]
                    return {"table": table.caption, "row": label,
                            "column": table.columns[index].label,
                            "figure": f"{shown.text} ({shown.detail})" if shown.detail
                            else shown.text}
    return None


@staff_page
def report_children(request: HttpRequest, slug: str) -> HttpResponse:
    """The children behind one figure, as far as the user may see them, 50 to a page. Each
    child listed is audited (one insert)."""
    _require_reports(request.user)
    page, (report_function, children_function) = _page(slug)
    _require_reports(request.user, slug)
    teams = list(teams_overseen_by(user=request.user))
    filters, errors = _parse(request.GET, page, teams)
    drill = request.GET.get("drill", "").strip()
    if filters.year is None:
        errors.setdefault("year", ERRORS["year"])
    if not drill:
        errors["drill"] = ERRORS["drill"]
    children = None
    if not errors:
        try:
            children = children_function(user=request.user, drill=drill,
                                         **filters.selector_arguments())
        except KeyError:
            errors["drill"] = ERRORS["drill"]
        except access.NotVisible as error:
            raise PermissionDenied from error
    back = reverse("web:report", args=[page.slug])
    if errors:
        return render(request, "web/reports/children.html", {
            "page": page, "summary_errors": _summary(errors, page, form=False), "back": back,
        }, status=400)
    report = _report(report_function, request.user, filters)
    # The selector scopes the list; the page asks the policy again, so it can never show more.
    visible = access.young_people_visible_to(request.user).values("pk")
    people = (children.filter(pk__in=visible).select_related("team")
              .order_by("legal_last_name", "legal_first_name", "pk"))
    listed = Paginator(people, CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(listed.object_list)
    access_events_record(actor=request.user, young_person_ids=[p.pk for p in rows],
                         what=f"web.report.{page.slug}", channel=Channel.WEB)
    return render(request, "web/reports/children.html", {
        "page": page,
        "report": report,
        "figure": _describe(report, drill),
        "year_label": CollectionYear(report.year).label,
        "context": _context(page, filters, report, teams),
        "listed": listed,
        "people": rows,
        "page_numbers": listed.paginator.get_elided_page_range(listed.number, on_each_side=2,
                                                              on_ends=1),
        "back": f"{back}?{filters.query(suppress=None)}",
    })
