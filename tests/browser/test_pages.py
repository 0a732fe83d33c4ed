"""Every staff page in the browser: axe-core finds no serious or critical violation, and each
manager report's CSV and XLSX downloads hold the numbers its page shows.

PAGES is the one list. A page joins it with one line once its feature has landed, e.g.
`Page("/reports/timeliness/", "manager")`; a report page (`/reports/<name>/`) in the list also
gets the download test. Nothing is skipped: a listed page that answers 404 fails, and
test_every_staff_page_is_listed fails while web/urls.py has a page no line here opens.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from openpyxl import load_workbook

from bench.generator import DEMO_PASSWORD
from tests.browser.support import (
    assert_same_figures,
    csv_tables,
    page_tables,
    xlsx_tables,
)


@dataclass(frozen=True)
class Page:
    """`path` may name the demo's records: {young_person}, {other_young_person}, {plan}, {goal}.
    `who` signs in first (a username from tests/personas.py); None stays signed out."""

    path: str
    who: str | None = "manager"

    def __str__(self) -> str:
        return f"{self.who or 'signed-out'}:{self.path}"


PAGES = [
    Page("/login/", None),
    Page("/", "adviser"),
    Page("/", "manager"),
    Page("/young-people/{young_person}/", "adviser"),
    Page("/young-people/{young_person}/", "manager"),
    Page("/young-people/{young_person}/chronology/", "adviser"),
    # The young person's record in sections (web/views/young_people.py SECTIONS).
    Page("/young-people/{young_person}/plan/", "adviser"),
    Page("/young-people/{young_person}/goals-and-views/", "adviser"),
    Page("/young-people/{young_person}/schedule/", "adviser"),
    Page("/young-people/{young_person}/placements/", "adviser"),
    Page("/young-people/{young_person}/education/", "adviser"),
    Page("/young-people/{young_person}/education/", "virtualschool"),
    Page("/young-people/{young_person}/health/", "adviser"),
    Page("/young-people/{young_person}/who-has-looked/", "manager"),
    Page("/team/", "manager"),
    Page("/reports/", "manager"),
    Page("/reports/attainment-gap/", "manager"),
    Page("/reports/placement-stability/", "manager"),
    Page("/reports/care-leavers/", "manager"),
    Page("/reports/timeliness/", "manager"),
    Page("/reports/attainment-gap/", "virtualschool"),
    Page("/young-people/{young_person}/plan/edit/", "adviser"),
    Page("/young-people/{young_person}/plan/goals/", "adviser"),
    Page("/young-people/{young_person}/plan/goals/add/education_training/", "adviser"),
    Page("/young-people/{young_person}/plan/goals/{goal}/", "adviser"),
    Page("/young-people/{young_person}/telegram/", "adviser"),
    Page("/telegram/", "adviser"),
    Page("/data/", "manager"),
    Page("/data/", "admin"),
    Page("/data/jobs/{data_job}/", "manager"),
    Page("/safeguarding/", "manager"),
    Page("/safeguarding/{safeguarding_alert}/", "adviser"),
    Page("/account/api-tokens/", "adviser"),
    # Recording the work: each form, as the role that keeps that record (web/views/records.py).
    Page("/young-people/{young_person}/record/visit/", "socialworker"),
    Page("/young-people/{young_person}/record/contact/", "adviser"),
    Page("/young-people/{young_person}/record/cla-review/", "iro"),
    Page("/young-people/{young_person}/record/cla-review/check/", "iro"),  # the browser
    # journeys open the check pages with answers (tests/browser/test_record_journeys.py)
    Page("/young-people/{young_person}/record/pathway-plan-review/", "adviser"),
    Page("/young-people/{young_person}/record/needs-assessment/", "socialworker"),
    Page("/young-people/{young_person}/record/health-assessment/", "socialworker"),
    Page("/young-people/{young_person}/record/pep/", "virtualschool"),
    Page("/young-people/{young_person}/record/school/", "virtualschool"),
    Page("/young-people/{young_person}/record/attendance/", "virtualschool"),
    Page("/young-people/{young_person}/record/ks2-results/", "virtualschool"),
    Page("/young-people/{young_person}/record/ks4-results/", "virtualschool"),
    Page("/young-people/{young_person}/record/care-leaver-record/", "adviser"),
    Page("/young-people/{young_person}/schedule/close/?key=initial_health_assessment:2022-05-03",
         "manager"),
    # One line for each page as it lands (a 404 fails).
]

# web/urls.py routes that are not pages to look at: POST only.
NOT_PAGES = {"web:logout", "web:telegram-revoke", "web:telegram-young-person-revoke",
             # POST-only forms and downloads (the data pages' tests open the files)
             "web:data-export", "web:data-import", "web:data-job-download", "web:data-annex-a",
             # the timeout warning's "Stay signed in", and revoking an API token
             "web:keep-alive", "web:api-token-revoke"}

# A report page: also downloaded as CSV and XLSX (test_report_downloads_match_the_page).
REPORT = re.compile(r"/reports/[a-z0-9-]+/")
REPORT_PAGES = [page for page in PAGES if REPORT.fullmatch(page.path)]
# Opened by test_report_downloads_match_the_page from a report's figures.
DRILL_DOWN = "web:report-children"


@pytest.mark.parametrize("listed", PAGES, ids=str)
def test_no_serious_or_critical_accessibility_violation(site, demo, listed):
    if listed.who:
        site.sign_in(listed.who)
    site.open(listed.path.format(**demo.urls()))   # runs axe-core; a 404 fails


# --- Reflow: nothing wider than a 320 px screen (WCAG 1.4.10) ---------------------------------

NARROW = {"width": 320, "height": 640}


def _assert_no_sideways_scroll(page, where: str) -> None:
    widths = page.evaluate("""() => ({
        document: document.documentElement.scrollWidth, viewport: window.innerWidth,
        widest: [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                          && el.parentElement.getBoundingClientRect().right
                             <= window.innerWidth + 1
                          && !el.parentElement.classList.contains('waymark-table-scroll'))
            .slice(0, 3).map(el => `${el.tagName}.${el.className} in ` +
                             `${el.parentElement.tagName}.${el.parentElement.className}`)})""")
    assert widths["document"] <= widths["viewport"], (
        f"{where} is {widths['document']} px wide at {widths['viewport']} px: {widths['widest']}")


@pytest.mark.parametrize("listed", PAGES, ids=str)
def test_no_page_scrolls_sideways_at_320px(site, demo, listed):
    site.page.set_viewport_size(NARROW)
    if listed.who:
        site.sign_in(listed.who)
    site.open(listed.path.format(**demo.urls()), axe=False)
    _assert_no_sideways_scroll(site.page, str(listed))


# --- Reports ----------------------------------------------------------------------------------


@pytest.fixture
def authority(live_server):
    """The demo authority of `make run` (bench/generator.py), small: every report has figures.
    The national benchmarks a migration loads are put back too (the tables are emptied between
    browser tests)."""
    benchmarks = importlib.import_module("outcomes.migrations.0003_national_benchmarks")
    benchmarks.load(apps, None)
    call_command("seed_demo", young_people=40, seed=7, force=True, stdout=io.StringIO())


def _download(page, selector: str, folder) -> Path:
    """Click the link and wait for the browser's download; the file, under its own name."""
    with page.expect_download() as info:
        page.locator(selector).first.click()
    download = info.value
    assert download.failure() is None, download.failure()
    saved = folder / download.suggested_filename
    download.save_as(saved)
    return saved


@pytest.mark.parametrize("report", REPORT_PAGES, ids=str)
def test_report_downloads_match_the_page(site, authority, report, tmp_path):
    page = site.page
    site.sign_in(report.who, DEMO_PASSWORD)
    site.open(report.path)
    shown = page_tables(page)
    captions = set(shown)

    saved = _download(page, 'main a[href*="format=csv"]:not([href*="table="])', tmp_path)
    assert saved.suffix == ".csv"
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 byte-order mark"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    compared = assert_same_figures(shown, csv_tables(rows, captions), "CSV")

    saved = _download(page, 'main a[href*="format=xlsx"]', tmp_path)
    assert saved.suffix == ".xlsx"
    workbook = load_workbook(saved, read_only=True)
    assert_same_figures(shown, xlsx_tables(workbook, captions), "XLSX")
    workbook.close()
    assert compared, f"{report.path} shows no numbers to compare"
    # With the demo's figures, the report fits the screen, wide or narrow: its tables scroll
    # inside their own regions.
    _assert_no_sideways_scroll(page, f"{report.path} at 1280 px")
    page.set_viewport_size(NARROW)
    _assert_no_sideways_scroll(page, f"{report.path} at 320 px")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The children behind a figure (the first above zero, so the list has rows): the drill-down
    # page, checked by axe like every other.
    links = page.eval_on_selector_all('main table a[href*="drill="]', """links => links.map(
        link => [link.getAttribute('href'), link.firstChild ? link.firstChild.textContent : ''])""")
    assert links, f"{report.path} links no figure to the children behind it"
    chosen = next((href for href, text in links if re.match(r"\s*[1-9]|\s*0\.0*[1-9]", text)),
                  links[0][0])
    site.open(urljoin(report.path, chosen))


# --- The list is complete --------------------------------------------------------------------

def _web_routes(patterns=None, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """{view name: route} for every route in the `web` namespace."""
    routes = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            routes |= _web_routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and namespace == "web" and entry.name:
            routes[f"web:{entry.name}"] = prefix + str(entry.pattern)
    return routes


def _view_name(path: str) -> str:
    names = {name for _, name, _, _ in Formatter().parse(path) if name}
    return resolve(path.split("?")[0].format(**dict.fromkeys(names, 1))).view_name


def _offered_reports() -> set[str]:
    """The addresses of the reports web/reports.py offers whose selector module exists."""
    try:
        from web.reports import REPORTS
    except ImportError:
        return set()
    return {f"/reports/{slug}/" for slug, page in REPORTS.items()
            if getattr(page, "available", True)}


def test_every_staff_page_is_listed():
    """No browser needed. When this fails, add a line to PAGES for each page it names."""
    opened = {_view_name(page.path) for page in PAGES}
    if REPORT_PAGES:
        opened.add(DRILL_DOWN)
    missing = {name: route for name, route in _web_routes().items()
               if name not in opened | NOT_PAGES}
    missing |= {f"report {path}": path for path in
                sorted(_offered_reports() - {page.path for page in REPORT_PAGES})}
    assert not missing, (
        f"pages no browser test opens: add a line to PAGES in {__name__} for each of {missing}")
