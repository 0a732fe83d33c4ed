"""Ofsted Annex A, List 8 (children in care) and List 9 (care leavers): who is on each list, every
column's value from a hand-built set of records, the template's headers, the workbook, the command,
and who is refused."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outcomes import models as m
from outcomes.access import NotVisible
from outcomes.annex_a_workbook import annex_a_filename, annex_a_workbook
from outcomes.selectors.annex_a import (
    annex_a_care_leavers,
    annex_a_children_in_care,
    annex_a_for,
)
from tests import factories as f

AS_OF = dt.date(2026, 1, 15)
D = dt.date

# The current template's headers (liia-tools Annex_A_schema.yml; D2I ssd-data-model AnnexA SQL),
# written out here so that a change to them is a visible change to this test.
LIST_8_HEADERS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last 12 "
    "months (Y/N)",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "URN of Placement",
    "Placement Location",
    "LA of Placement",
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    "Allocated Team",
    "Allocated Worker",
]
LIST_9_HEADERS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
    "Does the Child have a Disability",
    "Allocated Team",
    "Allocated Worker",
    "Allocated Personal Advisor",
    "Eligibility Category",
    "Latest Pathway Plan Review Date",
    "LA in Touch",
    "Latest Date of Contact",
    "Type of Accommodation",
    "Suitability of Accommodation",
    "Activity Status",
]
# Columns Waymark cannot fill from what it holds: always blank, and named in the notes.
LIST_8_BLANK = {
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Dental Check",
    "Placement Location",
    "LA of Placement",
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
}


# --- The records -------------------------------------------------------------------------------


def child(team, child_id, born, **fields):
    return f.YoungPersonFactory(team=team, child_id=child_id, date_of_birth=born,
                                legal_last_name=child_id, **fields)


def period(young_person, start, end=None, reason=""):
    return f.PeriodOfCareFactory(young_person=young_person, started_on=start, ended_on=end,
                                 reason_ceased=reason)


def episode(in_period, start, end=None, rec="", **fields):
    return f.EpisodeFactory(period_of_care=in_period, started_on=start, ended_on=end,
                            reason_ceased=rec, **fields)


def allocate(young_person, worker, start, end=None):
    return f.AllocationFactory(young_person=young_person, worker=worker, role=worker.role,
                               started_on=start, ended_on=end)


def oc3(young_person, age, recorded_on, in_touch, activity, accommodation,
        status=m.RecordStatus.CONFIRMED):
    return f.CareLeaverRecordFactory(young_person=young_person, age=age, recorded_on=recorded_on,
                                     in_touch=in_touch, activity=activity,
                                     accommodation=accommodation, status=status)


@pytest.fixture
def records(personas):
    """Children of the manager's team on 15/01/2026, each built to show particular columns."""
    team, sw, pa = personas.team, personas.social_worker, personas.adviser

    # Ava: in care; C1 then C2 in one foster placement, interrupted by a week in hospital (T1),
    # then a children's home. An earlier period of care ended long before the 12 months.
    ava = child(team, "C8001", D(2014, 5, 10), sex="F", ethnicity="MWBC", disability=True)
    episode(period(ava, D(2023, 1, 10), D(2023, 3, 1), "E4A"), D(2023, 1, 10), D(2023, 3, 1),
            "E4A", legal_status="V2", category_of_need="N4", place="U6")
    now = period(ava, D(2024, 6, 1))
    episode(now, D(2024, 6, 1), D(2025, 3, 10), "X1", legal_status="C1", place="U6")
    episode(now, D(2025, 3, 10), D(2025, 5, 20), "X1", reason_new_episode="L", place="U6")
    episode(now, D(2025, 5, 20), D(2025, 5, 27), "X1", reason_new_episode="P", place="T1",
            place_provider="", placement_postcode="TW9")
    episode(now, D(2025, 5, 27), D(2025, 9, 1), "X1", reason_new_episode="P", place="U6")
    episode(now, D(2025, 9, 1), reason_new_episode="P", place="K2", place_provider="PR4",
            placement_postcode="KT1", urn="SC123456")
    for held_on in (D(2023, 2, 1), D(2025, 12, 1), D(2026, 2, 1)):
        f.CLAReviewFactory(young_person=ava, held_on=held_on)
    for visited_on in (D(2026, 1, 10), D(2026, 1, 20)):
        f.SocialWorkerVisitFactory(young_person=ava, visited_on=visited_on, worker=sw)
    for held_on in (D(2025, 7, 1), D(2026, 1, 20)):
        f.HealthAssessmentFactory(young_person=ava, held_on=held_on)
    allocate(ava, sw, D(2024, 6, 1))

    # Ben: back in care after going home four months ago: a second period within 12 months. His
    # only review was in the earlier period, so this period has none yet.
    ben = child(team, "C8002", D(2011, 2, 1), sex="M", ethnicity="WBRI", uasc=True)
    episode(period(ben, D(2024, 1, 1), D(2025, 8, 1), "E4B"), D(2024, 1, 1), D(2025, 8, 1),
            "E4B", legal_status="V2", category_of_need="N4")
    episode(period(ben, D(2025, 10, 1)), D(2025, 10, 1), legal_status="V2",
            category_of_need="N4", place_provider="PR5", placement_postcode="TW3")
    f.CLAReviewFactory(young_person=ben, held_on=D(2025, 6, 1))

    # Cara: went home two months ago, so she is on List 8 with the day and reason care ceased.
    cara = child(team, "C8003", D(2012, 3, 3), sex="U", ethnicity="NOBT")
    episode(period(cara, D(2023, 5, 1), D(2025, 11, 15), "E4A"), D(2023, 5, 1), D(2025, 11, 15),
            "E4A", category_of_need="N5")
    allocate(cara, sw, D(2023, 5, 1), D(2025, 11, 30))

    # Dan left care eight months ago: on neither list. Eve has only ever had short breaks.
    dan = child(team, "C8004", D(2013, 1, 1))
    episode(period(dan, D(2024, 1, 1), D(2025, 5, 1), "E8"), D(2024, 1, 1), D(2025, 5, 1), "E8")
    eve = child(team, "C8005", D(2009, 8, 1))
    episode(period(eve, D(2023, 9, 1)), D(2023, 9, 1), legal_status="V3")

    # Finn, 20: looked after from 14 to 18, so former relevant. His age-20 record is still his own
    # draft, so the age-19 record (confirmed) is the one shown.
    finn = child(team, "C9001", D(2005, 3, 1), sex="M", ethnicity="BAFR")
    episode(period(finn, D(2019, 9, 1), D(2023, 3, 1), "E5"), D(2019, 9, 1), D(2023, 3, 1), "E5")
    oc3(finn, 18, D(2023, 3, 5), "YES", "G5", "B1")
    oc3(finn, 19, D(2024, 3, 3), "YES", "F2", "E1")
    oc3(finn, 20, D(2025, 3, 2), "NO", "G6", "S2", status=m.RecordStatus.DRAFT)
    for held_on in (D(2025, 11, 20), D(2026, 2, 1)):
        f.PathwayPlanReviewFactory(young_person=finn, held_on=held_on, reviewer=pa)
    f.PAContactFactory(young_person=finn, contact_on=D(2026, 1, 5), adviser=pa)
    f.SocialWorkerVisitFactory(young_person=finn, visited_on=D(2025, 12, 1), worker=sw)
    allocate(finn, pa, D(2023, 3, 1))

    # Gia, 16, in care since she was 14: an eligible child, so on both lists.
    gia = child(team, "C9002", D(2009, 6, 1), sex="F", ethnicity="AIND")
    episode(period(gia, D(2023, 9, 1)), D(2023, 9, 1))
    allocate(gia, sw, D(2023, 9, 1))
    allocate(gia, pa, D(2025, 6, 1))

    # Hal, 17, left care at 16 after two years: relevant. His last contact was a visit.
    hal = child(team, "C9003", D(2008, 9, 1), sex="M", ethnicity="WBRI", uasc=True)
    episode(period(hal, D(2023, 1, 1), D(2025, 6, 1), "E8"), D(2023, 1, 1), D(2025, 6, 1), "E8")
    oc3(hal, 17, D(2025, 9, 5), "YES", "P5", "D2")
    f.SocialWorkerVisitFactory(young_person=hal, visited_on=D(2025, 12, 24), worker=sw)

    # Ivy, 18, looked after for a month at 16: qualifying. Back home, so no activity or housing.
    ivy = child(team, "C9004", D(2008, 1, 10), sex="F", ethnicity="WIRI")
    episode(period(ivy, D(2024, 3, 1), D(2024, 4, 1), "E8"), D(2024, 3, 1), D(2024, 4, 1), "E8")
    oc3(ivy, 18, D(2026, 1, 12), "RHOM", "0", "0")

    # Kit, 17, never looked after; Ola, 25, aged out: on neither list.
    child(team, "C9005", D(2009, 1, 1))
    ola = child(team, "C9006", D(2000, 6, 1))
    episode(period(ola, D(2015, 1, 1), D(2018, 6, 1), "E8"), D(2015, 1, 1), D(2018, 6, 1), "E8")

    # Riley, of the other team, in care: only their manager (and an administrator) see them.
    riley = personas.other_young_person
    episode(period(riley, D(2025, 1, 1)), D(2025, 1, 1))
    return personas


def by_id(annex_list):
    return {record["Child Unique ID"]: record for record in annex_list.records()}


def name_of(user):
    return user.get_full_name()


# --- List 8 ------------------------------------------------------------------------------------


def test_the_lists_have_the_templates_headers(records):
    annex = annex_a_for(user=records.manager, as_of=AS_OF)
    assert [annex_list.number for annex_list in annex.lists] == [8, 9]
    assert list(annex.lists[0].headers) == LIST_8_HEADERS
    assert list(annex.lists[1].headers) == LIST_9_HEADERS


def test_list_8_is_children_in_care_and_those_who_left_in_six_months(records):
    rows = by_id(annex_a_children_in_care(user=records.manager, as_of=AS_OF))
    # Not Dan (left 8 months ago), Eve (short breaks only), Riley (another team), the care
    # leavers who left long ago, nor the young people never looked after.
    assert list(rows) == ["C8001", "C8002", "C8003", "C9002"]


def test_list_8_columns_for_a_child_in_care(records):
    ava = by_id(annex_a_children_in_care(user=records.manager, as_of=AS_OF))["C8001"]
    assert ava == {
        "Child Unique ID": "C8001",
        "Gender": "b) Female",
        "Ethnicity": "f) MWBC",
        "Date of Birth": D(2014, 5, 10),
        "Age of Child (Years)": 11,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": "b) No",
        "Does the Child have a Disability": "a) Yes",
        "Date Started to be Looked After": D(2024, 6, 1),
        "Child's Category of Need": "N1 - Abuse or neglect",
        # The earlier period ended in March 2023, before the 12 months.
        "Is this a second or subsequent period of being a Looked After Child within the last 12 "
        "months (Y/N)": "b) No",
        "Start date of current legal status": D(2025, 3, 10),  # C2 since the RNE L episode
        "Child's Legal Status": "C2: FCO",
        "Date of Latest Statutory Review": D(2025, 12, 1),  # not the one after the date
        "Date of Last Social Work Visit": D(2026, 1, 10),
        "What is the permanence plan for this child?": None,
        "Date of Last IRO Visit / Contact to the Child": None,
        "Date of Last Health Assessment": D(2025, 7, 1),
        "Date of Last Dental Check": None,
        # The foster placement (the week in hospital and the change to C2 do not break it) and
        # the children's home.
        "Number of Placements in the Last 12 months": 2,
        "Date Ceased to be Looked After": None,
        "Reason Ceased to be Looked After": None,
        "Start Date of Most Recent Placement": D(2025, 9, 1),
        "Placement Type": "p) K2: Children's Homes",
        "Placement Provider": "e) PR4: Private provision",
        "Placement postcode": "KT1",
        "URN of Placement": "SC123456",
        "Placement Location": None,
        "LA of Placement": None,
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 "
        "months": None,
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 "
        "months": None,
        "Was the child offered a Return Interview after their last missing episode (Y/N)?": None,
        "Did the child accept a Return Interview after their last missing episode (Y/N)?": None,
        "Allocated Team": "Leaving care team",
        "Allocated Worker": name_of(records.social_worker),
    }


def test_list_8_a_second_period_within_twelve_months(records):
    ben = by_id(annex_a_children_in_care(user=records.manager, as_of=AS_OF))["C8002"]
    assert {header: ben[header] for header in (
        "Gender", "Ethnicity", "Age of Child (Years)",
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        "Does the Child have a Disability", "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 "
        "months (Y/N)",
        "Start date of current legal status", "Child's Legal Status",
        "Date of Latest Statutory Review", "Date of Last Social Work Visit",
        "Number of Placements in the Last 12 months", "Start Date of Most Recent Placement",
        "Placement Type", "Placement Provider", "Placement postcode", "Allocated Worker",
    )} == {
        "Gender": "a) Male",
        "Ethnicity": "a) WBRI",
        "Age of Child (Years)": 14,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": "a) Yes",
        "Does the Child have a Disability": "b) No",
        "Date Started to be Looked After": D(2025, 10, 1),
        "Child's Category of Need": "N4 - Family in acute stress",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 "
        "months (Y/N)": "a) Yes",
        "Start date of current legal status": D(2025, 10, 1),
        "Child's Legal Status": "V2: Single period under S20",
        "Date of Latest Statutory Review": None,  # held in the earlier period
        "Date of Last Social Work Visit": None,
        "Number of Placements in the Last 12 months": 2,  # one in each period
        "Start Date of Most Recent Placement": D(2025, 10, 1),
        "Placement Type": "d) U4: Foster placement - long term",
        "Placement Provider": "f) PR5: Voluntary/third sector",
        "Placement postcode": "TW3",
        "Allocated Worker": None,
    }


def test_list_8_a_child_who_has_left_care(records):
    cara = by_id(annex_a_children_in_care(user=records.manager, as_of=AS_OF))["C8003"]
    assert {header: cara[header] for header in (
        "Gender", "Ethnicity", "Date Started to be Looked After", "Child's Category of Need",
        "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After", "Start Date of Most Recent Placement",
        "Allocated Worker",
    )} == {
        "Gender": "c) Not stated/recorded",
        "Ethnicity": "t) NOBT",
        "Date Started to be Looked After": D(2023, 5, 1),
        "Child's Category of Need": "N5 - Family dysfunction",
        "Number of Placements in the Last 12 months": 1,
        "Date Ceased to be Looked After": D(2025, 11, 15),
        "Reason Ceased to be Looked After":
            "e) E4A: Returned home to live with parents or relatives - part of planning",
        "Start Date of Most Recent Placement": D(2023, 5, 1),
        # No social worker now: the last one allocated.
        "Allocated Worker": name_of(records.social_worker),
    }


def test_list_8_as_of_an_earlier_day(records):
    # On 01/03/2025 Dan was still in care; Cara too, so no date ceased yet; Ben was in his first
    # period; Ava was under an interim care order.
    rows = by_id(annex_a_children_in_care(user=records.manager, as_of=D(2025, 3, 1)))
    assert list(rows) == ["C8001", "C8002", "C8003", "C8004", "C9002", "C9003"]
    assert rows["C8003"]["Date Ceased to be Looked After"] is None
    assert rows["C8001"]["Child's Legal Status"] == "C1: ICO"
    assert rows["C8001"]["Start date of current legal status"] == D(2024, 6, 1)
    assert rows["C8001"]["Date of Latest Statutory Review"] is None  # 2023's was another period


# --- List 9 ------------------------------------------------------------------------------------


def test_list_9_is_the_four_categories_of_care_leaver(records):
    rows = by_id(annex_a_care_leavers(user=records.manager, as_of=AS_OF))
    # Not Eve (short breaks do not make an eligible child), Kit (never looked after) nor Ola (25).
    assert {child_id: row["Eligibility Category"] for child_id, row in rows.items()} == {
        "C9001": "b) Former relevant child",
        "C9002": "d) Eligible child",
        "C9003": "a) Relevant child",
        "C9004": "c) Qualifying care leaver",
    }


def test_list_9_columns(records):
    rows = by_id(annex_a_care_leavers(user=records.manager, as_of=AS_OF))
    assert rows["C9001"] == {
        "Child Unique ID": "C9001",
        "Gender": "a) Male",
        "Ethnicity": "o) BAFR",
        "Date of Birth": D(2005, 3, 1),
        "Age of Child (Years)": 20,
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)": "b) No",
        "Does the Child have a Disability": "b) No",
        "Allocated Team": "Leaving care team",
        "Allocated Worker": None,
        "Allocated Personal Advisor": name_of(records.adviser),
        "Eligibility Category": "b) Former relevant child",
        "Latest Pathway Plan Review Date": D(2025, 11, 20),
        # The age-19 record: the age-20 one is still the young person's draft.
        "LA in Touch": "a) Yes",
        "Latest Date of Contact": D(2026, 1, 5),
        "Type of Accommodation": "E: Supported lodgings",
        "Suitability of Accommodation": "a) Suitable",
        "Activity Status": "F2: Full time in education other than higher",
    }
    gia = rows["C9002"]
    assert (gia["Allocated Worker"], gia["Allocated Personal Advisor"]) == (
        name_of(records.social_worker), name_of(records.adviser))
    assert [gia[h] for h in ("LA in Touch", "Latest Pathway Plan Review Date",
                             "Latest Date of Contact", "Type of Accommodation")] == [None] * 4
    hal = rows["C9003"]
    assert [hal[h] for h in (
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Latest Date of Contact", "Type of Accommodation", "Suitability of Accommodation",
        "Activity Status",
    )] == ["a) Yes", D(2025, 12, 24),
           "D: Semi-independent, transitional accommodation and self-contained accommodation",
           "b) Unsuitable",
           "P5: Young person engaged part time in training or employment (not apprenticeship)"]
    ivy = rows["C9004"]
    # Returned home: OC3 activity and accommodation are 0, "no information", so blank.
    assert [ivy[h] for h in ("LA in Touch", "Type of Accommodation",
                             "Suitability of Accommodation", "Activity Status")] == [
        "f) Rhom", None, None, None]


def test_columns_we_cannot_derive_are_blank_and_say_why(records):
    annex = annex_a_for(user=records.manager, as_of=AS_OF)
    list_8, list_9 = annex.lists
    assert {c.header for c in list_8.columns if not c.derived} == LIST_8_BLANK
    assert all(c.derived for c in list_9.columns)
    for annex_list in annex.lists:
        for column in annex_list.columns:
            assert bool(column.source) != bool(column.blank_because), column.header
            if not column.derived:
                assert {r[column.header] for r in annex_list.records()} == {None}


# --- The workbook ------------------------------------------------------------------------------


def test_the_workbook_opens_and_holds_the_lists(records):
    annex = annex_a_for(user=records.manager, as_of=AS_OF)
    book = openpyxl.load_workbook(io.BytesIO(
        annex_a_workbook(user=records.manager, as_of=AS_OF)))
    assert book.sheetnames == ["List 8", "List 9", "Notes"]
    for annex_list, sheet in zip(annex.lists, (book["List 8"], book["List 9"]), strict=True):
        rows = list(sheet.iter_rows())
        assert [cell.value for cell in rows[0]] == list(annex_list.headers)
        assert len(rows) == 1 + len(annex_list.rows)
        for expected, cells in zip(annex_list.rows, rows[1:], strict=True):
            assert [_value(cell) for cell in cells] == list(expected)
        for cells in rows[1:]:
            for column, cell in zip(annex_list.columns, cells, strict=True):
                if column.kind == "date" and cell.value is not None:
                    assert cell.is_date and cell.number_format == "DD/MM/YYYY"
    assert book["List 8"]["D2"].value == dt.datetime(2014, 5, 10)  # a real Excel date


def _value(cell):
    return cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value


def test_the_notes_give_the_date_the_rules_and_the_blank_columns(records):
    book = openpyxl.load_workbook(io.BytesIO(
        annex_a_workbook(user=records.manager, as_of=AS_OF)))
    notes = [[cell.value for cell in row] for row in book["Notes"].iter_rows()]
    as_at = next(row for row in notes if row[0] == "As at")
    assert as_at[1] == dt.datetime(2026, 1, 15)
    text = "\n".join(str(v) for row in notes for v in row if v)
    assert "ceased to be looked after in the 6 months before" in text
    assert "V3/V4" in text and "eligible, relevant, former relevant or qualifying" in text
    assert "Leaving care team" in text
    blank = {row[1]: row[2] for row in notes if row[0] == "List 8" and len(row) > 2 and row[2]}
    for header in LIST_8_BLANK:
        assert blank.get(header), header
    assert "not recorded" in blank["Date of Last Dental Check"]


def test_the_workbook_leaves_a_trace_for_each_young_person_listed(records):
    annex_a_workbook(user=records.manager, as_of=AS_OF)
    traced = set(m.AccessEvent.objects.filter(actor=records.manager, what="annex_a.workbook")
                 .values_list("young_person__child_id", flat=True))
    assert traced == {"C8001", "C8002", "C8003", "C9001", "C9002", "C9003", "C9004"}


def test_free_text_that_looks_like_a_formula_stays_text(personas):
    team = f.TeamFactory(name='=HYPERLINK("https://example.invalid","Open")')
    manager = f.UserFactory(username="formula-manager", role=m.Role.TEAM_MANAGER, team=team,
                            first_name="@SUM(A1)", last_name="-1")
    young = child(team, "C7001", D(2014, 1, 1))
    episode(period(young, D(2025, 1, 1)), D(2025, 1, 1))
    allocate(young, f.UserFactory(username="formula-sw", role=m.Role.SOCIAL_WORKER, team=team,
                                  first_name="+cmd", last_name="|calc"), D(2025, 1, 1))
    book = openpyxl.load_workbook(io.BytesIO(annex_a_workbook(user=manager, as_of=AS_OF)))
    row = next(book["List 8"].iter_rows(min_row=2))
    team_cell, worker_cell = row[-2], row[-1]
    assert (team_cell.value, team_cell.data_type) == (team.name, "s")
    assert (worker_cell.value, worker_cell.data_type) == ("+cmd |calc", "s")
    notes = [cell for line in book["Notes"].iter_rows() for cell in line
             if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert notes and all(cell.data_type == "s" for cell in notes)


def test_every_code_we_hold_has_the_templates_value():
    from outcomes import codes
    from outcomes.selectors import annex_a as spec

    assert set(spec.GENDER) == set(codes.SEX)
    assert set(spec.ETHNICITY) == set(codes.ETHNICITY)
    assert set(spec.CATEGORY_OF_NEED) == set(codes.CATEGORY_OF_NEED)
    assert set(spec.LEGAL_STATUS) == set(codes.LEGAL_STATUS)
    assert set(spec.REASON_CEASED) == set(codes.REASON_EPISODE_CEASED)
    assert set(spec.PLACEMENT_PROVIDER) == set(codes.PLACEMENT_PROVIDER)
    assert set(spec.IN_TOUCH) == set(codes.IN_TOUCH)
    assert set(spec.ACTIVITY) == set(codes.ACTIVITY) - {"0"}
    assert set(spec.ACCOMMODATION_TYPE) == set(codes.ACCOMMODATION_TYPE)
    # Placement types newer than the template's list are written as code and meaning.
    assert set(codes.PLACEMENT_TYPE) - set(spec.PLACEMENT_TYPE) == {"K3", "Z11", "Z12", "Z13",
                                                                     "Z14"}
    assert spec._coded(spec.PLACEMENT_TYPE, "K3", codes.PLACEMENT_TYPE) == \
        "K3: Registered supported accommodation"
    assert spec._coded(spec.PLACEMENT_TYPE, "U4", codes.PLACEMENT_TYPE) == \
        "d) U4: Foster placement - long term"
    assert spec._coded(spec.PLACEMENT_PROVIDER, "", codes.PLACEMENT_PROVIDER) is None


def test_the_file_name_carries_only_the_date():
    assert annex_a_filename(AS_OF) == "annex-a-lists-8-9-2026-01-15.xlsx"


# --- Who may see ---------------------------------------------------------------------------------


def test_another_teams_manager_sees_only_their_own_team(records):
    other = annex_a_for(user=records.other_manager, as_of=AS_OF)
    riley = records.other_young_person.child_id
    # Riley is 16 and has been in care since 15: in care, and an eligible child.
    assert [[r["Child Unique ID"] for r in annex_list.records()] for annex_list in other.lists] \
        == [[riley], [riley]]
    book = openpyxl.load_workbook(io.BytesIO(
        annex_a_workbook(user=records.other_manager, as_of=AS_OF)))
    listed = {row[0] for name in ("List 8", "List 9")
              for row in book[name].iter_rows(min_row=2, values_only=True)}
    assert listed == {riley}


def test_an_administrator_sees_every_team(records):
    rows = by_id(annex_a_children_in_care(user=records.admin, as_of=AS_OF))
    assert records.other_young_person.child_id in rows and "C8001" in rows


@pytest.mark.parametrize("who", ["adviser", "other_adviser", "social_worker", "iro",
                                 "virtual_school", "young_person_user"])
def test_workers_and_young_people_are_refused(records, who):
    user = getattr(records, who)
    for read in (annex_a_for, annex_a_children_in_care, annex_a_care_leavers,
                 annex_a_workbook):
        with pytest.raises(NotVisible):
            read(user=user, as_of=AS_OF)
    assert not m.AccessEvent.objects.filter(actor=user).exists()


def test_nobody_and_a_disabled_manager_are_refused(records):
    with pytest.raises(NotVisible):
        annex_a_for(user=None, as_of=AS_OF)
    records.manager.is_active = False
    with pytest.raises(NotVisible):
        annex_a_for(user=records.manager, as_of=AS_OF)


def test_the_default_day_is_today_in_london(records):
    assert annex_a_for(user=records.manager).as_of == timezone.localdate()


# --- Query budget ------------------------------------------------------------------------------

QUERIES = 5           # List 8: the children, their episodes; List 9: the young people, and the
WORKBOOK_QUERIES = 7  # care-leaver rule's episodes and OC3 records. Plus the team, the trace.


def some_children(personas, n, start):
    """`n` children in care and `n` care leavers, each with the records every column reads."""
    sw, pa = personas.social_worker, personas.adviser
    for i in range(start, start + n):
        young = child(personas.team, f"Q{i:05d}", D(2012, 1, 1))
        first = period(young, D(2020, 1, 1), D(2025, 2, 1), "E4A")
        episode(first, D(2020, 1, 1), D(2025, 2, 1), "E4A")
        now = period(young, D(2025, 4, 1))
        episode(now, D(2025, 4, 1), D(2025, 8, 1), "X1")
        episode(now, D(2025, 8, 1), reason_new_episode="L", legal_status="E1")
        f.CLAReviewFactory(young_person=young, held_on=D(2025, 10, 1))
        f.SocialWorkerVisitFactory(young_person=young, visited_on=D(2025, 12, 1), worker=sw)
        f.HealthAssessmentFactory(young_person=young, held_on=D(2025, 5, 1))
        allocate(young, sw, D(2025, 4, 1))
        leaver = child(personas.team, f"R{i:05d}", D(2006, 1, 1))
        episode(period(leaver, D(2020, 1, 1), D(2023, 6, 1), "E8"), D(2020, 1, 1),
                D(2023, 6, 1), "E8")
        oc3(leaver, 19, D(2025, 1, 5), "YES", "F1", "U1")
        f.PathwayPlanReviewFactory(young_person=leaver, held_on=D(2025, 9, 1), reviewer=pa)
        f.PAContactFactory(young_person=leaver, contact_on=D(2026, 1, 2), adviser=pa)
        allocate(leaver, pa, D(2023, 6, 1))


def test_a_fixed_number_of_queries_however_many_children(
        personas, django_assert_max_num_queries):
    counts = []
    for n, start in ((3, 0), (27, 3)):  # 3, then 30 of each
        some_children(personas, n, start)
        manager = m.User.objects.get(pk=personas.manager.pk)
        with CaptureQueriesContext(connection) as selector, \
                django_assert_max_num_queries(QUERIES):
            annex = annex_a_for(user=manager, as_of=AS_OF)
        assert [len(annex_list.rows) for annex_list in annex.lists] == [start + n] * 2
        with CaptureQueriesContext(connection) as workbook, \
                django_assert_max_num_queries(WORKBOOK_QUERIES):
            annex_a_workbook(user=manager, as_of=AS_OF)
        counts.append((len(selector), len(workbook)))
    assert counts[0] == counts[1]


# --- The command -------------------------------------------------------------------------------


def test_the_command_writes_the_workbook(records, tmp_path):
    out = tmp_path / "annex-a.xlsx"
    call_command("annex_a", str(out), "--as-of", "2026-01-15", "--user", "manager",
                 stdout=io.StringIO())
    book = openpyxl.load_workbook(out)
    assert [row[0] for row in book["List 9"].iter_rows(min_row=2, values_only=True)] == [
        "C9001", "C9002", "C9003", "C9004"]
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize(("arguments", "message"), [
    (["--as-of", "2026-01-15", "--user", "adviser"], "may not read reports"),
    (["--as-of", "2026-01-15", "--user", "nobody"], "No active user"),
    (["--as-of", "15/01/2026", "--user", "manager"], "YYYY-MM-DD"),
])
def test_the_command_refuses_without_writing(records, tmp_path, arguments, message):
    out = tmp_path / "annex-a.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("annex_a", str(out), *arguments)
    assert list(tmp_path.iterdir()) == []
