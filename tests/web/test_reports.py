"""The report pages draw whatever Report a selector answers: its finding, charts, tables, the
children behind each figure, downloads whose numbers match the page, and small-number
suppression. A fake report stands in for the selectors (the registry is patched), so these tests
are about the pages; the figures themselves are tested in tests/outcomes/."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils.html import escape

from outcomes import access
from outcomes import models as m
from outcomes.selectors.reports.base import (
    Chart,
    Column,
    Figure,
    Measure,
    Report,
    Series,
    Table,
    Unit,
)
from tests import factories as f
from tests.web.test_markup import outline
from web import reports
from web.exports import flatten, flatten_report

URL = "/reports/attainment-gap/"
CHILDREN = "/reports/attainment-gap/children/"
CALLS: list[dict] = []

TABLES = (
    Table(
        key="ks4", caption="Key stage 4 by placement moves",
        columns=(Column("moves", "Placement moves", numeric=False), Column("n", "Children"),
                 Column("em4", "English and maths grade 4+"), Column("a8", "Attainment 8")),
        rows=(
            ("0", 40, Measure(18, 40, drill="ks4.moves.0:em4"),
             Figure(Decimal("31.5"), Unit.POINTS, drill="ks4.moves.0", count=40)),
            ("3+", 4, Measure(2, 4, drill="ks4.moves.3+:em4"),
             Figure(Decimal("12.0"), Unit.POINTS, drill="ks4.moves.3+", count=4)),
            ("=cmd|' /C calc'!A0", 0, Measure(0, 0), Figure(None, Unit.POINTS, count=0)),
        ),
    ),
    Table(
        key="gap", caption="The gap over time",
        columns=(Column("year", "Year", numeric=False), Column("gap", "Gap")),
        rows=(("2024", Figure(Decimal("-2.1"), Unit.PP)), ("2025", Figure(None, Unit.PP))),
    ),
)
DRILLS = {"ks4.moves.0:em4", "ks4.moves.3+:em4", "ks4.moves.0", "ks4.moves.3+"}


def fake_report(*, user, year=None, team_id=None, cohort="at_31_march") -> Report:
    if not access.sees_reports(user):
        raise access.NotVisible
    CALLS.append({"year": year, "team_id": team_id, "cohort": cohort})
    return Report(
        key="attainment-gap", title="Attainment gap", year=year or 2025,
        finding="The gap in English and maths grew by 2.1 points since 2022",
        charts=(
            Chart(key="ks4", title="English and maths grade 4+", kind="bar", unit=Unit.PERCENT,
                  description="45.0% of children in care with no move, 50.0% with 3 or more.",
                  series=(Series("Children in care", (("0 moves", Decimal("45.0")),
                                                      ("3+ moves", Decimal("50.0")))),)),
            Chart(key="trend", title="The gap over time", kind="line", unit=Unit.PP,
                  description="The gap was 2.1 points in 2024.",
                  series=(Series("Gap", (("2024", Decimal("-2.1")), ("2025", None))),)),
        ),
        tables=TABLES,
        definitions=("Looked after on 31 March (REFERENCE.md §4.2).",),
        years_available=(2023, 2024, 2025),
    )


def fake_children(*, user, drill, year, team_id=None, cohort="at_31_march"):
    if drill not in DRILLS:
        raise KeyError(drill)
    CALLS.append({"drill": drill, "year": year, "team_id": team_id, "cohort": cohort})
    # Deliberately unscoped: the page must never show more than the policy lets the user see.
    return m.YoungPerson.objects.all()


@pytest.fixture(autouse=True)
def fake(monkeypatch):
    CALLS.clear()
    page = dataclasses.replace(reports.REPORTS["attainment-gap"], module=__name__,
                               report="fake_report", children="fake_children")
    monkeypatch.setitem(reports.REPORTS, "attainment-gap", page)
    return page


def body_of(response) -> str:
    return response.content.decode()


def test_the_manager_reads_the_report(personas, pages):
    response = pages.as_user(personas.manager).get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = body_of(response)
    page = outline(body)
    assert page.tags["h1"] == 1 and [i for i, n in page.ids.items() if n > 1] == []
    assert all(field in page.labels for field in page.fields)
    assert ('<h1 class="govuk-heading-l">The gap in English and maths grew by 2.1 points since '
            '2022</h1>') in body
    assert CALLS == [{"year": None, "team_id": None, "cohort": "at_31_march"}]
    # The cohort rule and the year are named on the page.
    assert "Looked after on 31 March" in body and "2024 to 2025" in body
    assert "1 April 2024 to 31 March 2025" in body
    # Charts: SVG, named for screen readers.
    assert body.count('role="img"') == 2 and "<title id=\"chart-0-ks4-title\">" in body
    # The table: caption, row headers, numeric cells, each figure linked to its children.
    assert ('<caption class="govuk-table__caption govuk-table__caption--m" '
            'id="table-ks4-caption">Key stage 4 by placement moves</caption>') in body
    assert 'role="region" aria-labelledby="table-ks4-caption" tabindex="0"' in body
    assert '<th scope="row" class="govuk-table__header">3+</th>' in body
    assert 'govuk-table__cell govuk-table__cell--numeric">40</td>' in body
    link = re.search(r'href="(/reports/attainment-gap/children/\?[^"]*ks4.moves.0%3Aem4)"', body)
    assert link, "the 45.0% figure links to its children"
    assert "year=2025" in link.group(1) and "cohort=at_31_march" in link.group(1)
    assert '45.0%<span class="govuk-visually-hidden"> (list the children)</span></a>' in body
    assert '<span class="waymark-measure-detail">18 of 40</span>' in body
    assert "-2.1 pp" in body
    # The definitions in a details component, the downloads, the small-numbers note.
    assert '<details class="govuk-details' in body and "REFERENCE.md §4.2" in body
    assert "format=csv" in body and "format=xlsx" in body
    assert "Small numbers" in body and "shown as c" in body
    # Printed, the page leaves out the navigation, the filters and the download links.
    assert "/static/web/reports.css" in body
    assert '<form method="get" action="/reports/attainment-gap/" class="waymark-no-print ' \
           'waymark-report-filters"' in body
    assert '<div class="waymark-no-print" id="downloads">' in body
    # Reports in the header navigation, current.
    assert 'href="/reports/" aria-current="true">Reports</a>' in body


def test_filters_reach_the_selector_and_stay_chosen(personas, pages):
    body = body_of(pages.as_user(personas.manager).get(URL, {"year": "2024",
                                                             "cohort": "twelve_months"}))
    assert CALLS == [{"year": 2024, "team_id": None, "cohort": "twelve_months"}]
    assert '<option value="2024" selected>2023 to 2024</option>' in body
    assert 'value="twelve_months" checked' in body
    assert "Looked after continuously for 12 months or more on 31 March" in body
    link = re.search(r'href="(/reports/attainment-gap/children/\?[^"]*)"', body).group(1)
    assert "year=2024" in link and "cohort=twelve_months" in link


def test_a_manager_sees_only_their_team_an_administrator_chooses(personas, pages):
    body = body_of(pages.as_user(personas.manager).get(URL))
    assert 'id="team">Team: Leaving care team</p>' in body and 'name="team"' not in body
    response = pages.as_user(personas.manager).get(URL, {"team": personas.other_team.pk})
    assert response.status_code == 400
    assert "Select a team from the list" in body_of(response)
    assert "Children in care team" not in body_of(response)
    # Their own team is a valid choice.
    assert pages.as_user(personas.manager).get(URL, {"team": personas.team.pk}).status_code == 200

    CALLS.clear()
    body = body_of(pages.as_user(personas.admin).get(URL, {"team": personas.other_team.pk}))
    assert [{"year": None, "team_id": personas.other_team.pk, "cohort": "at_31_march"}] == CALLS
    assert '<option value="">All teams</option>' in body
    assert f'<option value="{personas.other_team.pk}" selected>Children in care team' in body
    assert f'<option value="{personas.team.pk}">Leaving care team' in body


def test_who_chooses_between_which_teams(personas):
    from outcomes.selectors.teams import teams_overseen_by

    assert list(teams_overseen_by(user=personas.admin)) == [personas.other_team, personas.team]
    assert list(teams_overseen_by(user=personas.manager)) == [personas.team]
    for who in ("adviser", "social_worker", "iro", "virtual_school", "young_person_user"):
        assert not teams_overseen_by(user=getattr(personas, who)).exists(), who
    assert not teams_overseen_by(user=None).exists()


@pytest.mark.parametrize(("query", "message"), [
    ({"year": "abc"}, "Select a year from the list"),
    ({"year": "2019"}, "Select a year from the list"),          # not among years_available
    ({"year": "2025\u0663"}, "Select a year from the list"),
    ({"year": "0000"}, "Select a year from the list"),          # never reaches the selector
    ({"year": "9999"}, "Select a year from the list"),
    ({"team": "999999"}, "Select a team from the list"),
    ({"team": "1 OR 1=1"}, "Select a team from the list"),
    ({"cohort": "everyone"}, "Select which children in care to count"),
    ({"suppress": "yes"}, "Select whether to suppress small numbers"),
    ({"format": "pdf"}, "Select CSV or Excel to download the figures"),
    ({"format": "xlsx", "table": "ks4"}, "Select a table from the report to download"),
    ({"format": "csv", "table": "nope"}, "Select a table from the report to download"),
])
def test_a_bad_filter_is_a_400_with_the_form_and_a_govuk_error(personas, pages, query, message):
    response = pages.as_user(personas.manager).get(URL, query)
    assert response.status_code == 400
    body = body_of(response)
    assert '<div class="govuk-error-summary"' in body and message in body
    assert "<title>Error: Attainment gap" in body
    assert '<select class="govuk-select' in body   # the form is there to put it right
    page = outline(body)
    assert page.tags["h1"] == 1 and [i for i, n in page.ids.items() if n > 1] == []
    assert all(call["year"] is None or 2000 < call["year"] < 2100 for call in CALLS)
    # Every link in the error summary goes somewhere on the page.
    for target in re.findall(r'<li><a href="#([^"]+)">', body):
        assert f'id="{target}"' in body, target


def test_what_was_valid_is_kept_on_the_400_page(personas, pages):
    body = body_of(pages.as_user(personas.manager).get(URL, {
        "year": "abc", "cohort": "twelve_months", "suppress": "1"}))
    assert 'value="twelve_months" checked' in body
    assert 'id="suppress" name="suppress" type="checkbox" value="1" checked' in body
    assert 'govuk-select--error" id="year"' in body


@pytest.mark.parametrize("who", ["adviser", "social_worker", "iro"])
def test_workers_are_refused_reports(personas, pages, who):
    client = pages.as_user(getattr(personas, who))
    for url in ("/reports/", URL, URL + "?format=csv", CHILDREN + "?drill=ks4.moves.0&year=2025"):
        assert client.get(url).status_code == 403, url
    assert 'href="/reports/"' not in body_of(client.get("/"))


def test_anyone_signed_out_is_sent_to_sign_in(db):
    for url in ("/reports/", URL, CHILDREN):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_index_lists_the_reports(personas, pages, monkeypatch):
    monkeypatch.setitem(reports.REPORTS, "timeliness", dataclasses.replace(
        reports.REPORTS["timeliness"], module="outcomes.selectors.reports.not_written_yet"))
    body = body_of(pages.as_user(personas.admin).get("/reports/"))
    assert '<a class="govuk-link" href="/reports/attainment-gap/">Attainment gap</a>' in body
    assert "Timeliness" in body and 'href="/reports/timeliness/"' not in body
    assert "Not available yet" in body
    assert 'href="/reports/" aria-current="page">Reports</a>' in body


def test_a_report_whose_selector_is_not_there_is_404_not_500(personas, pages, monkeypatch):
    monkeypatch.setitem(reports.REPORTS, "timeliness", dataclasses.replace(
        reports.REPORTS["timeliness"], module="outcomes.selectors.reports.not_written_yet"))
    client = pages.as_user(personas.manager)
    assert client.get("/reports/timeliness/").status_code == 404
    assert client.get("/reports/timeliness/children/?drill=x&year=2025").status_code == 404
    assert client.get("/reports/no-such-report/").status_code == 404
    # A module that is there but lacks its functions is not there either.
    monkeypatch.setitem(reports.REPORTS, "timeliness", dataclasses.replace(
        reports.REPORTS["timeliness"], module="outcomes.selectors.reports.base"))
    assert client.get("/reports/timeliness/").status_code == 404


def test_an_import_error_inside_a_selector_is_not_hidden(fake):
    broken = dataclasses.replace(fake, module="tests.web.broken_selector_that_is_not_here")
    with pytest.raises(reports.ReportUnavailable):
        broken.functions()
    inner = dataclasses.replace(fake, module="tests.web.test_reports.nothing_below")
    with pytest.raises(reports.ReportUnavailable):
        inner.functions()


def csv_rows(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_download_matches_the_page(personas, pages):
    client = pages.as_user(personas.manager)
    response = client.get(URL, {"format": "csv", "year": "2024"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="attainment-gap-2024.csv"'
    assert response["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert rows[0] == ["Attainment gap, 2023 to 2024"]
    start = rows.index(["Key stage 4 by placement moves"])
    assert rows[start + 1] == ["Placement moves", "Children", "English and maths grade 4+ (n)",
                               "English and maths grade 4+ (N)",
                               "English and maths grade 4+ (%)", "Attainment 8 (points)"]
    assert rows[start + 2] == ["0", "40", "18", "40", "45.0", "31.5"]
    assert rows[start + 4][0] == "'=cmd|' /C calc'!A0"   # a formula never runs
    assert rows[rows.index(["The gap over time"]) + 1][1:] == ["Gap (percentage points)"]
    assert ["2024", "-2.1"] in rows
    assert ["Looked after on 31 March (REFERENCE.md §4.2)."] in rows
    assert ["Which children in care to count", "Looked after on 31 March"] in rows
    # The same numbers on the page.
    body = body_of(client.get(URL, {"year": "2024"}))
    for shown in ("45.0%", "18 of 40", "31.5", ">40</td>"):
        assert shown in body


def test_one_table_as_csv(personas, pages):
    response = pages.as_user(personas.manager).get(URL, {"format": "csv", "table": "gap"})
    assert response["Content-Disposition"] == 'attachment; filename="attainment-gap-2025-gap.csv"'
    assert csv_rows(response) == [["Year", "Gap (percentage points)"], ["2024", "-2.1"],
                                  ["2025", "x"]]


def test_the_xlsx_download_opens_and_its_numbers_are_the_pages(personas, pages):
    response = pages.as_user(personas.manager).get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == ("application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet")
    assert response["Content-Disposition"] == 'attachment; filename="attainment-gap-2025.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Key stage 4 by placement moves", "The gap over time",
                               "Definitions"]
    sheet = book["Key stage 4 by placement moves"]
    assert sheet["A1"].value == "Attainment gap, 2024 to 2025" and sheet["A3"].font.b
    for table in TABLES:
        sheet = book[table.caption]
        for record, row in zip(flatten(table).records(), sheet.iter_rows(min_row=4),
                               strict=True):
            for value, cell in zip(record, row, strict=True):
                if isinstance(value, int | Decimal):
                    assert isinstance(cell.value, int | float)
                    assert Decimal(str(cell.value)) == value
    assert book["Key stage 4 by placement moves"]["A6"].value == "'=cmd|' /C calc'!A0"
    notes = [c.value for row in book["Definitions"] for c in row if c.value]
    assert "Looked after on 31 March (REFERENCE.md §4.2)." in notes


def test_small_numbers_are_suppressed_on_the_page_and_in_the_downloads(personas, pages):
    client = pages.as_user(personas.manager)
    body = body_of(client.get(URL, {"suppress": "1"}))
    row = body[body.index('<th scope="row" class="govuk-table__header">3+</th>'):]
    row = row[:row.index("</tr>")]
    cells = [re.sub(r"<[^>]+>", "|", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells == ["c", "c|c of c|", "c"]
    assert "ks4.moves.3%2B" not in body            # no link from a suppressed figure
    assert "45.0%" in body and "18 of 40" in body   # large enough to show
    assert 'role="img"' not in body and "Charts are left out" in body
    assert "counts of 1 to 5 children" in body
    assert 'id="suppress" name="suppress" type="checkbox" value="1" checked' in body
    csv_response = client.get(URL, {"suppress": "1", "format": "csv"})
    assert csv_response["Content-Disposition"] == \
        'attachment; filename="attainment-gap-2025-suppressed.csv"'
    rows = csv_rows(csv_response)
    assert ["3+", "c", "c", "c", "c", "c"] in rows and ["0", "40", "18", "40", "45.0", "31.5"] \
        in rows
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(URL, {"suppress": "1", "format": "xlsx"}).content))
    assert [c.value for c in book["Key stage 4 by placement moves"][5]] == [
        "3+", "c", "c", "c", "c", "c"]
    # Without it, every figure shows.
    assert ">4</td>" in body_of(client.get(URL))


def test_the_report_page_costs_a_fixed_number_of_queries(personas, pages,
                                                         django_assert_max_num_queries):
    client = pages.as_user(personas.admin)
    for _ in range(20):
        f.TeamFactory()
    # session, user, the safeguarding banner, teams (the fake report asks none)
    with django_assert_max_num_queries(4):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(URL, {"format": "xlsx"}).status_code == 200


def team_children(personas) -> list[m.YoungPerson]:
    return [personas.young_person] + [
        f.YoungPersonFactory(team=personas.team, legal_last_name=f"Listed{i}") for i in range(3)]


def test_the_children_behind_a_figure_scoped_and_audited(personas, pages):
    listed = team_children(personas)
    response = pages.as_user(personas.manager).get(CHILDREN, {
        "drill": "ks4.moves.0:em4", "year": "2024", "cohort": "twelve_months"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = body_of(response)
    assert CALLS[0] == {"drill": "ks4.moves.0:em4", "year": 2024, "team_id": None,
                        "cohort": "twelve_months"}
    for person in listed:
        assert f'href="/young-people/{person.pk}/">{person.display_name}</a>' in body
    assert "Riley Sample" not in body   # another team's child, though the fake offered them
    assert "4 children" in body
    assert "Children behind the figure: 45.0% (18 of 40)" in body
    assert "English and maths grade 4+" in body and "Key stage 4 by placement moves" in body
    page = outline(body)
    assert page.tags["h1"] == 1 and [i for i, n in page.ids.items() if n > 1] == []
    events = m.AccessEvent.objects.filter(what="web.report.attainment-gap")
    assert sorted(e.young_person_id for e in events) == sorted(p.pk for p in listed)
    assert {(e.actor_id, e.channel) for e in events} == {(personas.manager.pk, m.Channel.WEB)}
    # The administrator sees everyone; the other team's manager only theirs.
    assert "Riley Sample" in body_of(pages.as_user(personas.admin).get(
        CHILDREN, {"drill": "ks4.moves.0", "year": "2025"}))
    other = body_of(pages.as_user(personas.other_manager).get(
        CHILDREN, {"drill": "ks4.moves.0", "year": "2025"}))
    assert "Riley Sample" in other and "Jordan Example" not in other


@pytest.mark.parametrize(("query", "message"), [
    ({"drill": "no-such-figure", "year": "2025"}, "Follow a link from a figure"),
    ({"year": "2025"}, "Follow a link from a figure"),
    ({"drill": "ks4.moves.0"}, "Select a year from the list"),
    ({"drill": "ks4.moves.0", "year": "twenty"}, "Select a year from the list"),
    ({"drill": "ks4.moves.0", "year": "2025", "cohort": "x"}, "Select which children"),
])
def test_a_bad_drill_down_is_a_400(personas, pages, query, message):
    response = pages.as_user(personas.manager).get(CHILDREN, query)
    assert response.status_code == 400
    body = body_of(response)
    assert '<div class="govuk-error-summary"' in body and message in body
    assert not m.AccessEvent.objects.exists()


def test_the_children_list_costs_a_fixed_number_of_queries(personas, pages,
                                                           django_assert_max_num_queries):
    for i in range(60):
        f.YoungPersonFactory(team=personas.team, legal_last_name=f"Many{i:02d}")
    client = pages.as_user(personas.manager)
    # session, user, the safeguarding banner, teams, the count, the page of children with
    # their teams, one audit insert.
    with django_assert_max_num_queries(7):
        response = client.get(CHILDREN, {"drill": "ks4.moves.0", "year": "2025"})
    body = body_of(response)
    assert "61 children, page 1 of 2" in body and 'rel="next"' in body
    assert m.AccessEvent.objects.count() == 50
    second = body_of(client.get(CHILDREN, {"drill": "ks4.moves.0", "year": "2025",
                                           "page": "2"}))
    assert "Many59" in second and "Many00" not in second


# --- The real reports: each page draws, downloads and drills down ---------------------------

REAL = {slug: reports.REPORTS[slug] for slug in
        ("attainment-gap", "placement-stability", "care-leavers", "timeliness")}


def first_drill(report: Report) -> str:
    return next(cell.drill for table in report.tables for row in table.rows for cell in row
                if isinstance(cell, Measure | Figure) and cell.drill)


@pytest.mark.parametrize("slug", sorted(REAL))
def test_each_real_report_page_draws(personas, record, pages, monkeypatch, slug,
                                     django_assert_max_num_queries):
    monkeypatch.setitem(reports.REPORTS, slug, REAL[slug])
    client = pages.as_user(personas.manager)
    with django_assert_max_num_queries(30):
        response = client.get(f"/reports/{slug}/")
    assert response.status_code == 200, slug
    body = body_of(response)
    report_function, _ = REAL[slug].functions()
    report = report_function(user=personas.manager)
    assert f'<h1 class="govuk-heading-l">{escape(report.finding)}</h1>' in body
    page = outline(body)
    assert page.tags["h1"] == 1 and [i for i, n in page.ids.items() if n > 1] == []
    assert all(field in page.labels for field in page.fields)
    assert body.count('role="img"') == len(report.charts)
    # Both downloads hold the page's numbers.
    rows = csv_rows(client.get(f"/reports/{slug}/", {"format": "csv"}))
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/{slug}/",
                                                        {"format": "xlsx"}).content))
    for table in flatten_report(report):
        assert list(table.headers) in rows
        sheet_rows = [[c.value for c in row] for row in book.worksheets[
            report.tables.index(next(t for t in report.tables if t.key == table.key))
        ].iter_rows(min_row=4)]
        for record, sheet_row in zip(table.records(), sheet_rows, strict=True):
            numbers = [(v, c) for v, c in zip(record, sheet_row, strict=True)
                       if isinstance(v, int | Decimal)]
            assert all(Decimal(str(c)) == v for v, c in numbers)
    assert client.get(f"/reports/{slug}/", {"suppress": "1"}).status_code == 200
    # The children behind a figure, and the stranger refused.
    children = client.get(f"/reports/{slug}/children/",
                          {"drill": first_drill(report), "year": report.year})
    assert children.status_code == 200 and children["Cache-Control"] == "no-store"
    assert pages.as_user(personas.adviser).get(f"/reports/{slug}/").status_code == 403


def test_the_virtual_school_reads_the_attainment_gap_and_no_other_report(personas, pages, fake):
    client = pages.as_user(personas.virtual_school)
    index = body_of(client.get("/reports/"))
    assert 'href="/reports/attainment-gap/">Attainment gap</a>' in index
    for other in ("placement-stability", "care-leavers", "timeliness"):
        assert f'href="/reports/{other}/"' not in index, other
        assert client.get(f"/reports/{other}/").status_code == 403, other
        assert client.get(f"/reports/{other}/children/?drill=x&year=2025").status_code == 403
    assert client.get(URL).status_code == 200
    assert client.get(URL + "?format=csv").status_code == 200
    assert 'href="/reports/"' in body_of(client.get("/reports/"))   # in the navigation
    # Not the team dashboard, nor the data pages.
    assert client.get("/team/").status_code == 403
    assert client.get("/data/").status_code == 403


def test_which_reports_each_role_reads(personas):
    from outcomes import access

    everything = {"attainment-gap", "placement-stability", "care-leavers", "timeliness"}
    assert access.reports_for(personas.manager) == everything
    assert access.reports_for(personas.admin) == everything
    assert access.reports_for(personas.virtual_school) == {"attainment-gap"}
    for who in ("adviser", "social_worker", "iro", "young_person_user"):
        assert access.reports_for(getattr(personas, who)) == set(), who
    personas.virtual_school.is_active = False
    assert access.reports_for(personas.virtual_school) == set()
