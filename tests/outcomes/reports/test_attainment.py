"""Report 1, the attainment gap: every figure against a fixture computed by hand.

The year asked for is 2025: results of the academic year 2024/25 for children in care at
31 March 2025 (collection year 1 April 2024 - 31 March 2025). 2023 gives the trend.

KS4 2025, children of the manager's team (CLA at 31 March 2025 unless said):
    child  care                                   A8    Eng Maths moves  type on 31/3  SEN      sex school
    A      since 3/5/2022, one placement          30.0  5   5     0      foster        none     F   100001
    B      since 10/1/2023, 3 moves and a T4      20.0  4   3     3+     foster        ehcp     M   100002
    C      entered care 1/4/2024; a T3 and back   40.0  6   4     0      foster        support  F   100001
    E      episode ends 31/3/2025 (E4A), 1 move   25.0  4   4     1      children's h. none     M   (none)
    G      entered care 1/10/2024, 1 move         10.0  2   2     1      foster        ehcp     F   100002
    D      enters care 1/4/2025: not in the cohort        (80.0)
    F      short breaks only (V3): not in the cohort      (60.0)
    X      the other team's child (admin only)    90.0  9   9     0      foster        none     M
  At 31 March: A B C E G -> A8 125/5 = 25.0; grade 4+ A C E = 3/5 = 60.0%; 5+ A = 1/5 = 20.0%.
  12 months (G entered in the year): A B C E -> A8 115/4 = 28.75 -> 28.8; 4+ 3/4 = 75.0%;
  5+ 1/4 = 25.0%.
KS2 2025: K1 (since 2020, RWM), K2 (since 2023, one move and a T4, not RWM), H (left care
  1/8/2024 and came back 1/9/2024, RWM): 2/3 = 66.7%; 12 months (H broke it): 1/2 = 50.0%.
2023: KS4 P1 18.0 (3, 3) and P2 22.0 (4, 5) -> 20.0, 4+ 50.0%, 5+ 0.0%; KS2 Q1 not RWM -> 0.0%.
England: 2025 RWM 62.0, A8 46.0, 4+ 65.0, 5+ 45.0; 2023 RWM 60.0, A8 46.3, 4+ 65.1, 5+ 45.3.
  Gaps 2025: RWM 62.0 - 66.7 = -4.7; A8 21.0; 4+ 5.0; 5+ 25.0.  2023: 60.0, 26.3, 15.1, 45.3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import access
from outcomes import models as m
from outcomes.rules.placements import EpisodeFacts, looked_after_continuously, looked_after_on
from outcomes.selectors.reports.attainment import (
    _in_cohort,
    attainment_gap_children,
    attainment_gap_report,
)
from outcomes.selectors.reports.base import Figure, Measure, Report, Unit
from tests import factories as f

D = dt.date
YEAR = 2025
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}


# --- building care histories -----------------------------------------------------------------


def ep(start, end, rne, place="U4", *, ls="C2", urn="SC000001", rec=None):
    provider, post = ("", "") if place in TEMPORARY else ("PR1", "TW2 1")
    return EpisodeFacts(start, end, rne, place, ls, provider, "" if place in TEMPORARY else urn,
                        post, "" if end is None else (rec or "X1"))


def chain(*steps, end=None):
    """Contiguous episodes from (start, rne, place[, urn]) steps; `end` = (DEC, REC) of the last."""
    episodes = []
    for i, (start, rne, place, *urn) in enumerate(steps):
        until = steps[i + 1][0] if i + 1 < len(steps) else None
        episodes.append(ep(start, until, rne, place, urn=urn[0] if urn else "SC000001"))
    if end:
        episodes[-1] = episodes[-1]._replace(ended_on=end[0], reason_ceased=end[1])
    return episodes


def in_care(child: m.YoungPerson, episodes: list[EpisodeFacts]) -> m.YoungPerson:
    """Save the episodes, one period of care per RNE S (or gap)."""
    period, last_end = None, None
    for e in sorted(episodes, key=lambda e: e.started_on):
        if period is None or e.rne == "S" or period.ended_on:
            if period is not None and period.ended_on is None:   # an S straight after an X1
                period.ended_on, period.reason_ceased = last_end, "E8"
                period.save()
            period = f.PeriodOfCareFactory(young_person=child, started_on=e.started_on)
        last_end = e.ended_on
        f.EpisodeFactory(
            young_person=child, period_of_care=period, started_on=e.started_on,
            ended_on=e.ended_on, reason_new_episode=e.rne, place=e.place, legal_status=e.legal_status,
            place_provider=e.place_provider, urn=e.urn, placement_postcode=e.placement_postcode,
            reason_ceased=e.reason_ceased,
        )
        if e.ended_on and e.reason_ceased != "X1":
            period.ended_on, period.reason_ceased = e.ended_on, e.reason_ceased
            period.save()
    return child


def ks4(child, a8, english, maths, *, year=YEAR, sen=m.SENStatus.NONE):
    f.KS4ResultFactory(young_person=child, academic_year=year, attainment8=Decimal(a8),
                       english_grade=english, maths_grade=maths, sen_status=sen)


def ks2(child, rwm, *, year=YEAR):
    f.KS2ResultFactory(young_person=child, academic_year=year, reading_expected=True,
                       writing_expected=rwm, maths_expected=True)


SCHOOL_START = D(2021, 9, 1)


def school(child, urn, name, start=SCHOOL_START, end=None):
    f.SchoolEnrolmentFactory(young_person=child, urn=urn, school_name=name, started_on=start,
                             ended_on=end)


def benchmarks(year, rwm, a8, em4, em5, **cla):
    for measure, value in (("ks2_rwm_expected", rwm), ("ks4_attainment8", a8),
                           ("ks4_em_grade4", em4), ("ks4_em_grade5", em5)):
        m.NationalBenchmark.objects.update_or_create(
            academic_year=year, measure=measure, cohort=m.BenchmarkCohort.ALL_PUPILS,
            defaults={"value": Decimal(value), "source": "https://example.invalid/"})
    for cohort, value in cla.items():
        m.NationalBenchmark.objects.update_or_create(
            academic_year=year, measure="ks4_attainment8", cohort=cohort,
            defaults={"value": Decimal(value), "source": "https://example.invalid/"})


@dataclass
class World:
    personas: object
    kids: dict[str, m.YoungPerson]

    def ids(self, *names: str) -> set[int]:
        return {self.kids[n].pk for n in names}


@pytest.fixture
def world(personas) -> World:
    m.NationalBenchmark.objects.all().delete()
    benchmarks(2025, "62.0", "46.0", "65.0", "45.0", cla_31_march="22.9", cla_12_months="20.1")
    benchmarks(2023, "60.0", "46.3", "65.1", "45.3")
    team = personas.team

    def child(name, sex="F"):
        return f.YoungPersonFactory(team=team, legal_first_name=name, sex=sex)

    kids = {}
    kids["A"] = in_care(child("A"), chain((D(2022, 5, 3), "S", "U4")))
    ks4(kids["A"], "30.0", 5, 5)
    school(kids["A"], "100001", "Riverside Academy")

    kids["B"] = in_care(child("B", "M"), chain(
        (D(2023, 1, 10), "S", "U6", "SC1"), (D(2024, 6, 1), "P", "K2", "SC2"),
        (D(2024, 9, 1), "P", "U6", "SC3"), (D(2024, 12, 1), "P", "T4"),
        (D(2024, 12, 4), "P", "U6", "SC3"), (D(2025, 1, 15), "P", "U4", "SC4")))
    ks4(kids["B"], "20.0", 4, 3, sen=m.SENStatus.EHCP)
    school(kids["B"], "100002", "Hillside School")

    kids["C"] = in_care(child("C"), chain(
        (D(2024, 4, 1), "S", "U6"), (D(2024, 8, 1), "P", "T3"), (D(2024, 8, 15), "P", "U6")))
    ks4(kids["C"], "40.0", 6, 4, sen=m.SENStatus.SUPPORT)
    school(kids["C"], "100001", "Riverside Academy")

    kids["E"] = in_care(child("E", "M"), chain(
        (D(2021, 2, 1), "S", "U4", "SC1"), (D(2024, 11, 1), "P", "K2", "SC2"),
        end=(D(2025, 3, 31), "E4A")))
    ks4(kids["E"], "25.0", 4, 4)

    kids["G"] = in_care(child("G"), chain(
        (D(2024, 10, 1), "S", "K2", "SC1"), (D(2025, 2, 1), "P", "U4", "SC2")))
    ks4(kids["G"], "10.0", 2, 2, sen=m.SENStatus.EHCP)
    school(kids["G"], "100003", "Old School", end=D(2025, 1, 31))
    school(kids["G"], "100002", "Hillside School", start=D(2025, 2, 1))

    kids["D"] = in_care(child("D"), chain((D(2025, 4, 1), "S", "U4")))
    ks4(kids["D"], "80.0", 9, 9)

    kids["F"] = in_care(child("F"), [
        ep(D(2025, 3, 1), D(2025, 3, 3), "S", ls="V3", rec="E8"),
        ep(D(2025, 3, 29), D(2025, 4, 2), "S", ls="V3", rec="E8")])
    ks4(kids["F"], "60.0", 7, 7)

    kids["X"] = in_care(f.YoungPersonFactory(team=personas.other_team, sex="M"),
                        chain((D(2020, 1, 1), "S", "U4")))
    ks4(kids["X"], "90.0", 9, 9)

    kids["K1"] = in_care(child("K1", "M"), chain((D(2020, 6, 1), "S", "U4")))
    ks2(kids["K1"], True)
    kids["K2"] = in_care(child("K2"), chain(
        (D(2023, 6, 1), "S", "U4", "SC1"), (D(2024, 7, 1), "P", "U6", "SC2"),
        (D(2024, 12, 1), "P", "T4"), (D(2024, 12, 5), "P", "U6", "SC2")))
    ks2(kids["K2"], False)
    kids["H"] = in_care(child("H"), [ep(D(2022, 1, 1), D(2024, 8, 1), "S", rec="E4B"),
                                     ep(D(2024, 9, 1), None, "S")])
    ks2(kids["H"], True)

    kids["P1"] = in_care(child("P1"), chain((D(2021, 1, 1), "S", "U4")))
    ks4(kids["P1"], "18.0", 3, 3, year=2023)
    kids["P2"] = in_care(child("P2"), chain((D(2021, 1, 1), "S", "U4")))
    ks4(kids["P2"], "22.0", 4, 5, year=2023)
    kids["Q1"] = in_care(child("Q1"), chain((D(2021, 1, 1), "S", "U4")))
    ks2(kids["Q1"], False, year=2023)
    return World(personas, kids)


def table(report: Report, key: str):
    [found] = [t for t in report.tables if t.key == key]
    return found


def row(report: Report, key: str, label: str) -> dict:
    t = table(report, key)
    [found] = [r for r in t.rows if r[0] == label]
    return {c.key: v for c, v in zip(t.columns, found, strict=True)}


def value(cell) -> Decimal | None:
    return cell.percent if isinstance(cell, Measure) else cell.value


def children(world: World, drill: str, *, user=None, cohort="at_31_march", team_id=None,
             year=YEAR) -> set[int]:
    found = attainment_gap_children(user=user or world.personas.manager, drill=drill, year=year,
                                    cohort=cohort, team_id=team_id)
    return set(found.values_list("pk", flat=True))


# --- the headline figures -----------------------------------------------------------------


def test_headline_figures_for_children_in_care_at_31_march(world):
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    assert report.key == "attainment-gap" and report.year == YEAR
    assert report.years_available == (2023, 2025)

    rwm = row(report, "summary", "KS2 reading, writing and maths at the expected standard")
    assert (rwm["cohort"].numerator, rwm["cohort"].denominator) == (2, 3)
    assert rwm["cohort"].percent == Decimal("66.7")
    assert rwm["national"] == Figure(Decimal("62.0"), Unit.PERCENT)
    assert rwm["gap"] == Figure(Decimal("-4.7"), Unit.PP)
    assert rwm["trend"] == ("The gap has closed since 2022/23: children in care are now 4.7 "
                            "percentage points ahead.")

    a8 = row(report, "attainment8", "KS4 Attainment 8")
    assert a8["pupils"] == Figure(Decimal(5), Unit.COUNT, "ks4", 5)
    assert a8["cohort"] == Figure(Decimal("25.0"), Unit.POINTS, "ks4", 5)
    assert a8["national"].value == Decimal("46.0")
    assert a8["comparator"] == "all pupils"
    assert a8["national_cla"].value == Decimal("22.9")      # "CLA at 31 March" nationally
    assert a8["gap"] == Figure(Decimal("21.0"), Unit.POINTS)
    assert a8["trend"] == "The gap narrowed by 5.3 points since 2022/23."

    em4 = row(report, "summary", "KS4 English and maths at grade 4 or above")
    assert (em4["cohort"].numerator, em4["cohort"].denominator, em4["cohort"].percent) == (
        3, 5, Decimal("60.0"))
    assert em4["gap"].value == Decimal("5.0")
    assert em4["trend"] == "The gap narrowed by 10.1 percentage points since 2022/23."
    em5 = row(report, "summary", "KS4 English and maths at grade 5 or above")
    assert (em5["cohort"].numerator, em5["cohort"].percent) == (1, Decimal("20.0"))
    assert em5["gap"].value == Decimal("25.0")

    assert report.finding == ("The gap in Attainment 8 between children in care and all pupils "
                              "narrowed by 5.3 points since 2022/23, to 21.0 points in 2024/25.")
    assert any("looked after at 31 March 2025" in d for d in report.definitions)


def test_twelve_month_cohort_leaves_out_children_who_came_or_broke_care_in_the_year(world):
    report = attainment_gap_report(user=world.personas.manager, year=YEAR,
                                   cohort="twelve_months")
    # C entered care on 1 April 2024: the whole year. E's episode ends on 31 March: not broken.
    # G entered in October; H left and came back: both out.
    a8 = row(report, "attainment8", "KS4 Attainment 8")
    assert a8["cohort"] == Figure(Decimal("28.8"), Unit.POINTS, "ks4", 4)
    assert a8["national_cla"].value == Decimal("20.1")      # the 12-month national figure
    em4 = row(report, "summary", "KS4 English and maths at grade 4 or above")["cohort"]
    assert (em4.numerator, em4.denominator) == (3, 4)
    rwm = row(report, "summary", "KS2 reading, writing and maths at the expected standard")
    assert (rwm["cohort"].numerator, rwm["cohort"].denominator) == (1, 2)
    assert any("continuously for 12 months at 31 March 2025" in d for d in report.definitions)
    assert children(world, "ks4", cohort="twelve_months") == world.ids("A", "B", "C", "E")
    assert children(world, "ks2", cohort="twelve_months") == world.ids("K1", "K2")


def test_the_cohort_edges(world):
    cohort = children(world, "ks4")
    assert world.kids["E"].pk in cohort        # episode ends on 31 March: counted
    assert world.kids["C"].pk in cohort        # entered care on 1 April 2024
    assert world.kids["D"].pk not in cohort    # enters care on 1 April 2025: after the day
    assert world.kids["F"].pk not in cohort    # short breaks (V3) are not in the cohort
    assert cohort == world.ids("A", "B", "C", "E", "G")


def test_default_year_is_the_latest_with_results(world):
    report = attainment_gap_report(user=world.personas.manager)
    assert report.year == 2025


def test_default_year_waits_for_englands_figures(world):
    """Local results come in months before the national figures: the report opens on the latest
    year it can compare, and the newer year stays one choice away."""
    child = world.kids["G"]
    m.KS4Result.objects.filter(young_person=child).delete()
    f.KS4ResultFactory(young_person=child, academic_year=2026, attainment8=Decimal("30"),
                       english_grade=5, maths_grade=5)
    assert not m.NationalBenchmark.objects.filter(academic_year=2026).exists()
    report = attainment_gap_report(user=world.personas.manager)
    assert report.year == 2025
    assert 2026 in report.years_available
    assert attainment_gap_report(user=world.personas.manager, year=2026).year == 2026


def test_trend_table_and_charts(world):
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    earlier = row(report, "trend", "2022/23")
    assert earlier["a8"] == Figure(Decimal("20.0"), Unit.POINTS, "ks4@2023", 2)
    assert earlier["a8_gap"].value == Decimal("26.3")
    assert value(earlier["em4"]) == Decimal("50.0") and earlier["em4"].drill == "ks4:em4@2023"
    assert value(earlier["em5"]) == Decimal("0.0")
    assert value(earlier["rwm"]) == Decimal("0.0") and earlier["rwm_gap"].value == Decimal("60.0")
    now = row(report, "trend", "2024/25")
    assert now["a8"].drill == "ks4" and now["a8_gap"].value == Decimal("21.0")

    [a8_chart] = [c for c in report.charts if c.key == "a8-trend"]
    assert a8_chart.kind == "line" and a8_chart.unit is Unit.POINTS
    ours, england = a8_chart.series
    assert ours.points == (("2022/23", Decimal("20.0")), ("2024/25", Decimal("25.0")))
    assert england.points == (("2022/23", Decimal("46.3")), ("2024/25", Decimal("46.0")))
    assert "narrowed by 5.3 points since 2022/23" in a8_chart.description
    assert {c.kind for c in report.charts} == {"line", "bar"}


def test_a_growing_gap_is_said_in_words(world):
    m.NationalBenchmark.objects.filter(academic_year=2025, measure="ks4_attainment8",
                                       cohort="all_pupils").update(value=Decimal("60.0"))
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    assert report.finding == ("The gap in Attainment 8 between children in care and all pupils "
                              "grew by 8.7 points since 2022/23, to 35.0 points in 2024/25.")
    assert report.extra["trend"]["a8"] == "The gap grew by 8.7 points since 2022/23."


def test_an_unchanged_gap_is_said_in_words(world):
    m.NationalBenchmark.objects.filter(academic_year=2025, measure="ks4_attainment8",
                                       cohort="all_pupils").update(value=Decimal("51.3"))
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    assert report.finding == ("The gap in Attainment 8 between children in care and all pupils "
                              "has not changed since 2022/23: 26.3 points in 2024/25.")


def test_without_a_national_figure_there_is_no_gap(world):
    m.NationalBenchmark.objects.filter(academic_year=2025).delete()
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    assert report.finding == "No national figure is recorded for 2024/25, so no gap can be given."
    a8 = row(report, "attainment8", "KS4 Attainment 8")
    assert a8["national"].value is None and a8["gap"].value is None
    assert a8["trend"] == "No gap this year (no results or no national figure)."
    assert a8["cohort"].value == Decimal("25.0")


def test_first_year_has_no_trend_to_tell(world):
    report = attainment_gap_report(user=world.personas.manager, year=2023)
    assert report.finding == ("In 2022/23 children in care were 26.3 points below all pupils "
                              "in Attainment 8.")
    assert row(report, "attainment8", "KS4 Attainment 8")["trend"] == (
        "No earlier year to compare with.")


# --- breakdowns -----------------------------------------------------------------------------


def test_breakdown_by_placement_moves(world):
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    assert [r[0] for r in table(report, "by-moves").rows] == [
        "No moves", "1 move", "2 moves", "3+ moves"]
    none = row(report, "by-moves", "No moves")
    # A and C (C's T3 and return is not a move); K1 and H (coming back into care is not a move).
    assert none["ks4_n"].value == 2 and none["a8"].value == Decimal("35.0")
    assert (none["em4"].numerator, none["em5"].numerator) == (2, 1)
    assert (none["rwm"].numerator, none["rwm"].denominator) == (2, 2)
    one = row(report, "by-moves", "1 move")
    # E and G; K2 (a move in July, then a T4 and back: not a second move).
    assert one["ks4_n"].value == 2 and one["a8"].value == Decimal("17.5")
    assert one["a8_gap"].value == Decimal("28.5")
    assert (one["rwm"].numerator, one["rwm"].denominator) == (0, 1)
    assert row(report, "by-moves", "2 moves")["ks4_n"].value == 0
    assert row(report, "by-moves", "2 moves")["a8"].value is None
    three = row(report, "by-moves", "3+ moves")     # B: three moves, the T4 not counted
    assert three["ks4_n"].value == 1 and three["a8"].value == Decimal("20.0")

    assert children(world, "ks4.moves.3+") == world.ids("B")
    assert children(world, "ks4.moves.1") == world.ids("E", "G")
    assert children(world, "ks4.moves.0:em5") == world.ids("A")
    assert children(world, "ks2.moves.0:rwm") == world.ids("K1", "H")
    assert children(world, "ks2.moves.1") == world.ids("K2")
    assert children(world, "ks2.moves.2") == set()

    [chart] = [c for c in report.charts if c.key == "by-moves-chart"]
    assert chart.kind == "bar" and chart.unit is Unit.PERCENT
    assert dict(chart.series[1].points)["1 move"] == Decimal("50.0")   # grade 4+: E of E, G


def test_breakdown_by_placement_type_sen_sex_and_school(world):
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    foster = row(report, "by-type", "Foster placements (U1-U6)")
    assert foster["ks4_n"].value == 4 and foster["a8"].value == Decimal("25.0")
    assert foster["ks2_n"].value == 3
    home = row(report, "by-type", "Children's homes and secure children's homes (K1, K2)")
    assert home["ks4_n"].value == 1 and home["a8"].value == Decimal("25.0")   # E, on 31 March
    assert children(world, "ks4.type.childrens_home") == world.ids("E")

    ehcp = row(report, "by-sen", "Education, health and care plan")
    assert ehcp["ks4_n"].value == 2 and ehcp["a8"].value == Decimal("15.0")   # B, G
    assert row(report, "by-sen", "SEN support")["a8"].value == Decimal("40.0")
    assert row(report, "by-sen", "No special educational needs")["a8"].value == Decimal("27.5")
    assert children(world, "ks4.sen.ehcp") == world.ids("B", "G")

    girls = row(report, "by-sex", "Female")
    assert girls["ks4_n"].value == 3 and girls["a8"].value == Decimal("26.7")  # 80/3
    assert (girls["rwm"].numerator, girls["rwm"].denominator) == (1, 2)       # K2, H
    assert children(world, "ks4.sex.M:em4") == world.ids("E")

    assert [r[0] for r in table(report, "by-school").rows] == [
        "Hillside School (100002)", "Riverside Academy (100001)", "No school recorded"]
    # G moved from the Old School in February: on 31 May she is at Hillside.
    assert row(report, "by-school", "Hillside School (100002)")["a8"].value == Decimal("15.0")
    assert row(report, "by-school", "No school recorded")["ks4_n"].value == 1
    assert children(world, "ks4.school.100002") == world.ids("B", "G")
    assert children(world, "ks4.school.none") == world.ids("E")


# --- the children behind a figure -----------------------------------------------------------


def test_drill_down_lists_exactly_the_children(world):
    assert children(world, "ks4") == world.ids("A", "B", "C", "E", "G")
    assert children(world, "ks4:em4") == world.ids("A", "C", "E")
    assert children(world, "ks4:em5") == world.ids("A")
    assert children(world, "ks2") == world.ids("K1", "K2", "H")
    assert children(world, "ks2:rwm") == world.ids("K1", "H")
    assert children(world, "ks4:em4@2023") == world.ids("P2")
    assert children(world, "ks4", year=2023) == world.ids("P1", "P2")


def test_every_drill_key_in_the_report_answers(world):
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    drills = {cell.drill for t in report.tables for r in t.rows for cell in r
              if isinstance(cell, Measure | Figure) and cell.drill}
    assert len(drills) > 20
    for drill in drills:
        listed = children(world, drill)
        for t in report.tables:
            for r in t.rows:
                for cell in r:
                    if isinstance(cell, Measure) and cell.drill == drill:
                        assert len(listed) == cell.numerator, drill
                    if isinstance(cell, Figure) and cell.drill == drill and cell.count is not None:
                        assert len(listed) == cell.count, drill


def test_each_column_holds_one_kind_of_figure(world):
    # The downloads give a Measure three columns (n, N, %): a column must not mix them.
    report = attainment_gap_report(user=world.personas.manager, year=YEAR)
    for t in report.tables:
        assert all(len(r) == len(t.columns) for r in t.rows), t.key
        for index, column in enumerate(t.columns):
            kinds = {type(r[index]) for r in t.rows}
            assert len(kinds) == 1, (t.key, column.key, kinds)
            units = {r[index].unit for r in t.rows if isinstance(r[index], Figure)}
            assert len(units) <= 1, (t.key, column.key, units)


@pytest.mark.parametrize("drill", ["", "ks3", "ks4:rwm", "ks2:em4", "ks4.colour.red",
                                   "ks4.moves.4", "ks4.moves", "ks4.sex.X", "ks4.type.castle",
                                   "ks2@abc", "ks4.sen.lots"])
def test_an_unknown_drill_key_raises_key_error(world, drill):
    with pytest.raises(KeyError):
        attainment_gap_children(user=world.personas.manager, drill=drill, year=YEAR)


def test_an_unknown_cohort_is_refused(world):
    with pytest.raises(ValueError):
        attainment_gap_report(user=world.personas.manager, cohort="forever")


# --- scope: who sees what -------------------------------------------------------------------


def test_the_administrator_sees_every_team_and_can_narrow_to_one(world):
    admin, team = world.personas.admin, world.personas.team
    everyone = attainment_gap_report(user=admin, year=YEAR)
    a8 = row(everyone, "attainment8", "KS4 Attainment 8")["cohort"]
    assert (a8.value, a8.count) == (Decimal("35.8"), 6)    # 215 / 6 with X
    assert children(world, "ks4", user=admin) == world.ids("A", "B", "C", "E", "G", "X")
    narrowed = attainment_gap_report(user=admin, year=YEAR, team_id=team.pk)
    assert row(narrowed, "attainment8", "KS4 Attainment 8")["cohort"].value == Decimal("25.0")
    assert children(world, "ks4", user=admin, team_id=team.pk) == world.ids(
        "A", "B", "C", "E", "G")


def test_another_team_sees_nothing_of_this_team(world):
    other = world.personas.other_manager
    report = attainment_gap_report(user=other, year=YEAR)
    a8 = row(report, "attainment8", "KS4 Attainment 8")["cohort"]
    assert (a8.value, a8.count) == (Decimal("90.0"), 1)    # only their own child X
    assert report.years_available == (2025,)
    assert children(world, "ks4", user=other) == world.ids("X")
    # Asking for the manager's team by id changes nothing.
    narrowed = attainment_gap_report(user=other, year=YEAR, team_id=world.personas.team.pk)
    assert row(narrowed, "attainment8", "KS4 Attainment 8")["cohort"].count == 0
    assert children(world, "ks4", user=other, team_id=world.personas.team.pk) == set()
    assert narrowed.finding == ("No key stage 2 or 4 results are recorded for children in care "
                                "in 2024/25.")


@pytest.mark.parametrize("who", ["adviser", "other_adviser", "social_worker", "iro",
                                 "young_person_user"])
def test_a_user_who_does_not_see_reports_is_refused(world, who):
    user = getattr(world.personas, who)
    with pytest.raises(access.NotVisible):
        attainment_gap_report(user=user, year=YEAR)
    with pytest.raises(access.NotVisible):
        attainment_gap_children(user=user, drill="ks4", year=YEAR)


def test_an_inactive_manager_is_refused(world):
    manager = world.personas.manager
    manager.is_active = False
    manager.save()
    with pytest.raises(access.NotVisible):
        attainment_gap_report(user=manager, year=YEAR)


# --- the SQL cohort rules are the twins of the pure rules -----------------------------------


COHORT_CASES = [
    [ep(D(2022, 5, 3), None, "S")],
    [ep(D(2024, 4, 1), None, "S")],
    [ep(D(2024, 4, 2), None, "S")],
    [ep(D(2025, 3, 31), None, "S")],
    [ep(D(2025, 4, 1), None, "S")],
    [ep(D(2022, 5, 3), D(2025, 3, 31), "S", rec="E4A")],
    [ep(D(2022, 5, 3), D(2025, 3, 30), "S", rec="E4A")],
    [ep(D(2022, 5, 3), D(2024, 4, 1), "S", rec="E4A")],
    [ep(D(2022, 5, 3), D(2024, 8, 1), "S", rec="E4B"), ep(D(2024, 8, 1), None, "S")],
    [ep(D(2022, 5, 3), D(2024, 8, 1), "S"), ep(D(2024, 8, 1), None, "S")],
    [ep(D(2022, 5, 3), D(2024, 8, 1), "S"), ep(D(2024, 8, 5), None, "P")],
    [ep(D(2022, 5, 3), D(2024, 8, 1), "S"), ep(D(2024, 8, 1), D(2024, 8, 3), "L", ls="V3"),
     ep(D(2024, 8, 3), None, "L")],
    [ep(D(2023, 1, 1), D(2023, 1, 4), "S", ls="V3", rec="E8"), ep(D(2023, 6, 1), None, "S")],
    [ep(D(2022, 5, 3), None, "S", ls="V4")],
    [ep(D(2025, 3, 29), D(2025, 4, 2), "S", ls="V3", rec="E8")],
    chain((D(2022, 5, 3), "S", "U4"), (D(2024, 9, 1), "P", "T4"), (D(2024, 9, 5), "P", "U4"),
          end=(D(2025, 3, 31), "E13")),
]


def test_sql_cohorts_agree_with_the_pure_rules(db):
    team = f.TeamFactory(name="Parity team")
    people = [in_care(f.YoungPersonFactory(team=team), episodes) for episodes in COHORT_CASES]
    start, end = D(2024, 4, 1), D(2025, 3, 31)
    for cohort, rule in (("at_31_march", lambda e: looked_after_on(e, end)),
                         ("twelve_months", lambda e: looked_after_continuously(e, start, end))):
        in_sql = set(m.YoungPerson.objects.filter(team=team)
                     .filter(_in_cohort(cohort, YEAR, ref="pk")).values_list("pk", flat=True))
        expected = {p.pk for p, episodes in zip(people, COHORT_CASES, strict=True)
                    if rule(episodes)}
        assert in_sql == expected, cohort
        assert expected  # the table holds children on both sides
        assert len(expected) < len(people)


# --- query budget ---------------------------------------------------------------------------


def _cohort_of(n: int, team: m.Team) -> None:
    for i in range(n):
        person = f.YoungPersonFactory(team=team, sex="MF"[i % 2])
        steps = [(D(2022, 5, 3), "S", "U4", "SC1")]
        steps += [(D(2024, 5 + k, 1), "P", "U6", f"SC{k + 2}") for k in range(i % 4)]
        in_care(person, chain(*steps))
        if i % 2:
            ks4(person, f"{20 + i}.0", 4 + i % 3, 4, sen=m.SENStatus.EHCP if i % 3 else "none")
        else:
            ks2(person, bool(i % 4))
        if i == 0:
            earlier = in_care(f.YoungPersonFactory(team=team), chain((D(2021, 1, 1), "S", "U4")))
            ks4(earlier, "30.0", 5, 5, year=2023)
        school(person, f"10000{i % 3}", f"School {i % 3}")


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        attainment_gap_report(user=user, year=YEAR)
        list(attainment_gap_children(user=user, drill="ks4.moves.1:em4", year=YEAR))
        list(attainment_gap_children(user=user, drill="ks4.school.100001", year=YEAR))
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_cohort(personas, django_assert_max_num_queries):
    m.NationalBenchmark.objects.all().delete()
    benchmarks(2025, "62.0", "46.0", "65.0", "45.0")
    _cohort_of(3, personas.team)
    small = _queries(personas.manager)
    _cohort_of(30, personas.team)
    with django_assert_max_num_queries(small):
        attainment_gap_report(user=personas.manager, year=YEAR)
        list(attainment_gap_children(user=personas.manager, drill="ks4.moves.1:em4", year=YEAR))
        list(attainment_gap_children(user=personas.manager, drill="ks4.school.100001",
                                     year=YEAR))
    with django_assert_max_num_queries(20):
        attainment_gap_report(user=personas.manager, year=YEAR)


def test_the_virtual_school_reads_it_over_the_children_in_care_it_sees(world):
    """The virtual school's scope is the education of children looked after now: its report
    counts those, never more than an administrator's, and lists only them."""
    school, admin = world.personas.virtual_school, world.personas.admin
    report = attainment_gap_report(user=school, year=YEAR)
    assert report.key == "attainment-gap" and report.tables
    theirs = set(attainment_gap_children(user=school, drill="ks4", year=YEAR)
                 .values_list("pk", flat=True))
    everyone = set(attainment_gap_children(user=admin, drill="ks4", year=YEAR)
                   .values_list("pk", flat=True))
    seen = set(access.young_people_visible_to(school, access.Area.EDUCATION)
               .values_list("pk", flat=True))
    assert theirs <= everyone and theirs <= seen
