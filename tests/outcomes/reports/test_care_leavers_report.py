"""Report 3, care leavers: every figure against a fixture computed by hand.

The year is 2025: birthdays from 1 April 2024 to 31 March 2025, ages on 31 March 2025. Unless
said, a care leaver was looked after from 14½ to 16½ (eligible, then relevant, then former
relevant) and has no pathway plan or adviser.

    young person          born        age  record (IN_TOUCH ACTIV ACCOM)      counts as
    eet_17                10/6/2007   17   YES F2 E1                          17-18: in touch, EET, suitable
    still_in_care_17      1/9/2007    17   - (looked after since 2020)        not yet a care leaver
    neet_18               5/5/2006    18   YES G5 U2                          17-18: in touch, NEET, unsuitable
    march_31_17           31/3/2008   17   - (17 on 31/3/2025)                17-18: no record
    no_record_19          8/8/2005    19   -                                  19-21: no record
    refuses_20            1/7/2004    20   REFU F5 D1 (third party)           19-21: EET, suitable, not in touch
    draft_only_21         6/6/2003    21   YES F1 U1, a draft only            19-21: no record
    record_no_history_19  1/4/2005    19   NO 0 0 (19 on 1/4/2024)            19-21: not in touch, not known
    died_21               12/12/2003  21   DIED 0 0                           left out
    rhom_19               10/10/2005  19   RHOM 0 0                           left out
    died_earlier_20       11/11/2004  20   - (DIED at 19)                     left out
    transferred_19        9/9/2005    19   - (care ended E3)                  not counted
    qualifying_19         3/3/2006    19   - (looked after 4 weeks at 16)     not counted (not eligible)
    in_touch_23           9/9/2001    23   YES P5 U1                          22-25: in touch
    no_record_24          5/5/2000    24   -                                  not counted (22-25 need a record)
    other_19 (other team) 6/6/2005    19   YES F1 U1

  17-18: N 3; in touch 2, EET 1, NEET 1, not known 1, suitable 1, unsuitable 1, not known 1,
         no record 1.
  19-21: N 4 (3 left out); in touch 0, EET 1 (25.0%), NEET 0, not known 3, suitable 1,
         unsuitable 0, not known 3, no record 2 (50.0%).
  22-25: in touch 1 of 1.
  2024: 19-21 = refuses_20, died_21 and draft_only_21 with no record (died_earlier_20 left out):
        EET 0 of 3.
  Care leavers on 31/3/2025 (relevant or former relevant): eet_17, neet_18, march_31_17,
  no_record_19, refuses_20, draft_only_21 (former relevant to 25: the draft says F1); not
  died_earlier_20 (died), transferred_19. Pathway plan in date: eet_17 (agreed 1/12/2024), neet_18
  (reviewed 1/10/2024), refuses_20 (plan 2 agreed 1/10/2024) = 3 of 6; not no_record_19 (agreed
  30/9/2024: due 30/3/2025). Adviser: eet_17, neet_18 (ends 31/3/2025) = 2 of 6; not no_record_19
  (ended 30/3/2025), not refuses_20 (a social worker only).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from outcomes import access
from outcomes import models as m
from outcomes.rules.dates import add_months, birthday
from outcomes.selectors.reports.base import Figure, Measure, Report, Unit
from outcomes.selectors.reports.care_leavers import care_leavers_children, care_leavers_report
from tests import factories as f
from tests.outcomes.reports.building import care

D = dt.date
YEAR = 2025


def looked_after_14_to_16(child, *, end_reason="E8", months=(6, 30)):
    """Looked after from `months[0]` to `months[1]` months after the 14th birthday."""
    fourteenth = birthday(child.date_of_birth, 14)
    care(child, (add_months(fourteenth, months[0]), "S", "U4"),
         end=(add_months(fourteenth, months[1]), end_reason))


def record(child, age, in_touch, activity, accommodation, status=m.RecordStatus.CONFIRMED):
    return f.CareLeaverRecordFactory(
        young_person=child, age=age, in_touch=in_touch, activity=activity,
        accommodation=accommodation, status=status,
        recorded_on=birthday(child.date_of_birth, age) + dt.timedelta(days=10))


@pytest.fixture
def world(personas):
    def person(name, born, team=personas.team, history=True):
        child = f.YoungPersonFactory(team=team, date_of_birth=born, legal_first_name=name)
        if history:
            looked_after_14_to_16(child)
        return child

    kids = {}
    kids["eet_17"] = c = person("Eet", D(2007, 6, 10))
    record(c, 17, "YES", "F2", "E1")
    f.PathwayPlanFactory(young_person=c, agreed_on=D(2024, 12, 1))
    f.AllocationFactory(young_person=c, worker=personas.adviser, started_on=D(2024, 1, 1))
    kids["still_in_care_17"] = c = person("Stillincare", D(2007, 9, 1), history=False)
    care(c, (D(2020, 1, 1), "S", "U4"))
    kids["neet_18"] = c = person("Neet", D(2006, 5, 5))
    record(c, 18, "YES", "G5", "U2")
    f.PathwayPlanFactory(young_person=c, agreed_on=D(2024, 1, 1))
    f.PathwayPlanReviewFactory(young_person=c, held_on=D(2024, 10, 1))
    f.AllocationFactory(young_person=c, worker=personas.adviser, started_on=D(2024, 1, 1),
                        ended_on=D(2025, 3, 31))
    kids["march_31_17"] = c = person("Marchbirthday", D(2008, 3, 31))
    f.PathwayPlanFactory(young_person=c, status=m.PlanStatus.DRAFT, agreed_on=None)
    kids["no_record_19"] = c = person("Norecord", D(2005, 8, 8))
    f.PathwayPlanFactory(young_person=c, agreed_on=D(2024, 9, 30))
    f.AllocationFactory(young_person=c, worker=personas.adviser, started_on=D(2024, 1, 1),
                        ended_on=D(2025, 3, 30))
    kids["refuses_20"] = c = person("Refuses", D(2004, 7, 1))
    record(c, 20, "REFU", "F5", "D1")
    f.PathwayPlanFactory(young_person=c, number=1, status=m.PlanStatus.SUPERSEDED,
                         agreed_on=D(2024, 3, 1))
    f.PathwayPlanFactory(young_person=c, number=2, agreed_on=D(2024, 10, 1))
    f.AllocationFactory(young_person=c, worker=personas.social_worker,
                        role=m.AllocationRole.SOCIAL_WORKER, started_on=D(2024, 1, 1))
    kids["draft_only_21"] = c = person("Draftonly", D(2003, 6, 6))
    record(c, 21, "YES", "F1", "U1", status=m.RecordStatus.DRAFT)
    kids["record_no_history_19"] = c = person("Nohistory", D(2005, 4, 1), history=False)
    record(c, 19, "NO", "0", "0")
    kids["died_21"] = c = person("Died", D(2003, 12, 12))
    record(c, 21, "DIED", "0", "0")
    kids["rhom_19"] = c = person("Home", D(2005, 10, 10))
    record(c, 19, "RHOM", "0", "0")
    kids["died_earlier_20"] = c = person("Diedearlier", D(2004, 11, 11))
    record(c, 19, "DIED", "0", "0")
    kids["transferred_19"] = c = person("Transferred", D(2005, 9, 9), history=False)
    looked_after_14_to_16(c, end_reason="E3")
    kids["qualifying_19"] = c = person("Qualifying", D(2006, 3, 3), history=False)
    looked_after_14_to_16(c, months=(24, 25))
    kids["in_touch_23"] = c = person("Twentythree", D(2001, 9, 9))
    record(c, 23, "YES", "P5", "U1")
    kids["no_record_24"] = person("Twentyfour", D(2000, 5, 5))
    kids["other_19"] = c = person("Other", D(2005, 6, 6), team=personas.other_team)
    record(c, 19, "YES", "F1", "U1")
    return kids


def band_rows(report: Report) -> dict[str, dict[str, Measure | Figure | None]]:
    table = next(t for t in report.tables if t.key == "age-bands")
    keys = [c.key for c in table.columns]
    return {r[0]: dict(zip(keys[1:], r[1:], strict=True)) for r in table.rows}


def n_of(measure: Measure) -> tuple[int, int]:
    return measure.numerator, measure.denominator


def names(queryset) -> set[str]:
    return {p.legal_first_name for p in queryset}


def test_aged_17_to_18(personas, world):
    row = band_rows(care_leavers_report(user=personas.manager, year=YEAR))["Aged 17 to 18"]
    assert {k: n_of(v) for k, v in row.items() if isinstance(v, Measure)} == {
        "in-touch": (2, 3), "eet": (1, 3), "neet": (1, 3), "activity-not-known": (1, 3),
        "suitable": (1, 3), "unsuitable": (1, 3), "accommodation-not-known": (1, 3),
        "no-record": (1, 3)}
    assert row["excluded"].count == 0


def test_aged_19_to_21_with_died_and_returned_home_left_out(personas, world):
    row = band_rows(care_leavers_report(user=personas.manager, year=YEAR))["Aged 19 to 21"]
    assert {k: n_of(v) for k, v in row.items() if isinstance(v, Measure)} == {
        "in-touch": (0, 4), "eet": (1, 4), "neet": (0, 4), "activity-not-known": (3, 4),
        "suitable": (1, 4), "unsuitable": (0, 4), "accommodation-not-known": (3, 4),
        "no-record": (2, 4)}
    assert row["eet"] == Measure(1, 4, drill="eet.band.19-21")
    assert row["eet"].percent == Decimal("25.0")
    assert row["excluded"] == Figure(Decimal(3), Unit.COUNT, drill="excluded.band.19-21", count=3)


def test_aged_22_to_25_in_touch_only(personas, world):
    row = band_rows(care_leavers_report(user=personas.manager, year=YEAR))["Aged 22 to 25"]
    assert row["in-touch"] == Measure(1, 1, drill="in-touch.band.22-25")
    assert row["eet"] is None and row["suitable"] is None and row["no-record"] is None


def test_finding_and_trend(personas, world):
    report = care_leavers_report(user=personas.manager, year=YEAR)
    assert report.finding == (
        "Of the 4 care leavers aged 19 to 21 with a birthday in 2024 to 2025, 25.0% were in education, "
        "employment or training, up from 0.0% in 2023 to 2024 and 25.0% in suitable accommodation; "
        "2 had no record at their birthday.")
    assert report.years_available[0] == 2024  # the earliest record: died_earlier_20 at 19
    trend = next(t for t in report.tables if t.key == "trend")
    earlier = next(r for r in trend.rows if r[0] == "2023 to 2024")
    keys = [c.key for c in trend.columns]
    assert earlier[keys.index("eet.19-21")] == Measure(0, 3, drill="eet.band.19-21@2024")
    chart = next(c for c in report.charts if c.key == "trend-19-21")
    assert chart.kind == "line"
    eet = dict(chart.series[1].points)
    assert (eet["2023 to 2024"], eet["2024 to 2025"]) == (Decimal("0.0"), Decimal("25.0"))
    bars = next(c for c in report.charts if c.key == "age-bands")
    assert dict(bars.series[1].points)["Aged 22 to 25"] is None  # EET is not reported at 22-25


def test_care_leavers_of_the_day(personas, world):
    report = care_leavers_report(user=personas.manager, year=YEAR)
    table = next(t for t in report.tables if t.key == "care-leavers-now")
    assert dict(table.rows) == {"Pathway plan in date": Measure(3, 6, drill="pathway-plan"),
                                "Personal adviser allocated": Measure(2, 6, drill="adviser")}


@pytest.mark.parametrize(("drill", "expected"), [
    ("no-record.band.19-21", {"Norecord", "Draftonly"}),
    ("no-record.band.17-18", {"Marchbirthday"}),
    ("excluded.band.19-21", {"Died", "Home", "Diedearlier"}),
    ("eet.band.19-21", {"Refuses"}),
    ("in-touch.band.19-21:cohort", {"Norecord", "Refuses", "Draftonly", "Nohistory"}),
    ("in-touch.band.17-18:not", {"Marchbirthday"}),
    ("in-touch.band.22-25", {"Twentythree"}),
    ("in-touch.band.19-21:cohort@2024", {"Refuses", "Died", "Draftonly"}),
    ("pathway-plan", {"Eet", "Neet", "Refuses"}),
    ("pathway-plan:not", {"Norecord", "Draftonly", "Marchbirthday"}),
    ("adviser", {"Eet", "Neet"}),
    ("adviser:cohort", {"Eet", "Neet", "Marchbirthday", "Norecord", "Refuses", "Draftonly"}),
])
def test_drill_downs_list_exactly_the_young_people(personas, world, drill, expected):
    assert names(care_leavers_children(user=personas.manager, drill=drill, year=YEAR)) == expected


@pytest.mark.parametrize("drill", ["eet", "pathway-plan.band.17-18", "eet.band.22-25",
                                   "in-touch.band.26-30", "nonsense", "eet.band.19-21:some"])
def test_an_unknown_drill_key_is_a_key_error(personas, drill):
    with pytest.raises(KeyError):
        care_leavers_children(user=personas.manager, drill=drill, year=YEAR)


def test_another_team_and_strangers_see_nothing_of_ours(personas, world):
    theirs = band_rows(care_leavers_report(user=personas.other_manager, year=YEAR))
    assert theirs["Aged 19 to 21"]["in-touch"] == Measure(1, 1, drill="in-touch.band.19-21")
    assert theirs["Aged 17 to 18"]["in-touch"].denominator == 0
    assert names(care_leavers_children(user=personas.other_manager, year=YEAR,
                                       drill="in-touch.band.19-21:cohort")) == {"Other"}
    filtered = band_rows(care_leavers_report(user=personas.manager, year=YEAR,
                                             team_id=personas.other_team.pk))
    assert filtered["Aged 19 to 21"]["in-touch"].denominator == 0
    everyone = band_rows(care_leavers_report(user=personas.admin, year=YEAR))
    assert n_of(everyone["Aged 19 to 21"]["in-touch"]) == (1, 5)
    for stranger in (personas.other_adviser, personas.adviser, personas.young_person_user):
        with pytest.raises(access.NotVisible):
            care_leavers_report(user=stranger, year=YEAR)
        with pytest.raises(access.NotVisible):
            care_leavers_children(user=stranger, drill="eet.band.19-21", year=YEAR)


def test_definitions_state_the_rules_and_choices(personas, world):
    report = care_leavers_report(user=personas.manager, year=YEAR)
    text = " ".join(report.definitions)
    for words in ("DIED", "RHOM", "REFU", "No record at their birthday", "Choice", "choice",
                  "§4.1 d2", "d3", "§1.7"):
        assert words in text


def _care_leavers(team, n, adviser):
    for i in range(n):
        child = f.YoungPersonFactory(team=team, date_of_birth=D(2005, 5, 1) + dt.timedelta(days=i))
        looked_after_14_to_16(child)
        record(child, 19, "YES", "F1", "U1")
        f.PathwayPlanFactory(young_person=child, agreed_on=D(2025, 1, 1))
        f.AllocationFactory(young_person=child, worker=adviser, started_on=D(2024, 1, 1))


@pytest.mark.parametrize("n", [3, 30])
def test_a_fixed_number_of_queries(personas, django_assert_max_num_queries, n):
    _care_leavers(personas.team, n, personas.adviser)
    with django_assert_max_num_queries(5):
        report = care_leavers_report(user=personas.manager, year=YEAR)
    assert band_rows(report)["Aged 19 to 21"]["eet"] == Measure(n, n, drill="eet.band.19-21")
    now = next(t for t in report.tables if t.key == "care-leavers-now")
    assert dict(now.rows)["Pathway plan in date"] == Measure(n, n, drill="pathway-plan")
    with django_assert_max_num_queries(6):
        assert len(care_leavers_children(user=personas.manager, year=YEAR,
                                         drill="eet.band.19-21")) == n
