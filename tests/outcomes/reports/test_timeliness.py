"""Report 4, timeliness: every figure against a fixture computed by hand.

Figures on 31 March 2025 (year 2025) for the children looked after then. A child is on time when
nothing of the kind is overdue that day by the statutory schedule (due dates worked out by hand
below from REFERENCE.md §1.1, §1.2, §1.4, §1.5).

    child          born        care                     reviews held -> next due        visits: last -> next      health (next due)            PEP
    all_good       10/1/2015   S U6 2/1/2024            25/1/24, 20/4/24, 15/10/24      1/3/25 -> 12/4/25         IHA 20/1/24, RHA 10/1/25     spring PEP 10/2/25
                                                        -> 15/4/25 ok                   ok                        -> 10/1/26 ok                ok
    late_review    1/6/2012    S U6 1/6/2023            20/6/23, 15/9/23, 10/3/24       20/3/25 ok                RHA 10/6/24 ok               15/1/25 ok
                                                        -> 10/9/24 LATE
    late_visit     1/2/2013    S U6 3/6/2024            25/6/24, 20/9/24, 18/3/25 ok    10/1/25 -> 21/2/25 LATE   IHA 20/6/24 ok               1/2/25 ok
                                                                                        (first year: 6 weeks)
    no_health      1/5/2023    S U6 2/9/2024            25/9/24, 20/12/24 ok            10/3/25 ok                none: IHA due 30/9/24 LATE   aged 1: no PEP
    pep_late       9/9/2010    S U4 1/9/2022            20/9/22, 15/12/22, 10/1/25 ok   15/1/25 -> 15/4/25 ok     RHA 1/11/24 ok               autumn only: spring
                                                        (late in 2024, on time now)     (long-term foster, 3 m.)                               due 28/2/25 LATE
    new_arrival    4/4/2016    S U6 20/3/2025           first not due (17/4/25) ok      25/3/25 ok                IHA not due ok               initial not due ok
    bad_episodes   2/2/2014    S 1/1/23-1/6/23, gap,    20/1/23, 1/9/24, 1/3/25 ok      (placement unknown:       RHA 1/1/25 ok                5/3/25 ok
                               P U6 from 1/7/2023                                       NOT DETERMINED)
    ends_31_march  5/5/2011    S U6 1/5/2023 to         20/5/23, 10/8/23, 1/2/24        15/3/25 ok                RHA 1/5/24 ok                20/1/25 ok
                               31/3/2025 (still counted) -> 1/8/24 LATE
    left_care      3/3/2010    S U4 1/1/2020 to 30/3/2025: not looked after on 31/3/2025
    short_breaks   1/1/2015    V3 from 1/3/2025: not looked after (a2)
    other (other team) 1/1/2012 S U6 1/1/2024, nothing held

  2025: reviews 6/8 = 75.0%; visits 6/7 = 85.7%, 1 not determined; health 7/8 = 87.5%;
        PEPs 6/7 = 85.7% (no_health is 1).
  2024 (31/3/2024): reviews of all_good, late_review, pep_late, bad_episodes, ends_31_march,
        left_care: pep_late (due 15/6/23), bad_episodes (due 20/4/23) and left_care (never) late:
        3/6 = 50.0%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from outcomes import access
from outcomes import models as m
from outcomes.rules.indicators import Outcome
from outcomes.rules.schedule import EventKind, Item, Responsible, State
from outcomes.rules.timeliness import Indicator, timeliness
from outcomes.selectors.reports.base import Figure, Measure, Report, Unit
from outcomes.selectors.reports.timeliness import timeliness_children, timeliness_report
from tests import factories as f
from tests.outcomes.reports.building import care, short_break

D = dt.date
YEAR = 2025


def held(child, *, reviews=(), visits=(), initial=None, health=(), peps=()):
    for day in reviews:
        f.CLAReviewFactory(young_person=child, held_on=day)
    for day in visits:
        f.SocialWorkerVisitFactory(young_person=child, visited_on=day)
    if initial:
        f.HealthAssessmentFactory(young_person=child, kind=m.HealthAssessmentKind.INITIAL,
                                  held_on=initial)
    for day in health:
        f.HealthAssessmentFactory(young_person=child, held_on=day)
    for day in peps:
        f.PEPReviewFactory(young_person=child, held_on=day)


@pytest.fixture
def world(personas):
    def child(name, born, team=personas.team):
        return f.YoungPersonFactory(team=team, date_of_birth=born, legal_first_name=name)

    c = child("Allgood", D(2015, 1, 10))
    care(c, (D(2024, 1, 2), "S", "U6"))
    held(c, reviews=[D(2024, 1, 25), D(2024, 4, 20), D(2024, 10, 15)],
         visits=[D(2024, 1, 5), D(2025, 3, 1)], initial=D(2024, 1, 20), health=[D(2025, 1, 10)],
         peps=[D(2024, 1, 20), D(2025, 2, 10)])
    c = child("Latereview", D(2012, 6, 1))
    care(c, (D(2023, 6, 1), "S", "U6"))
    held(c, reviews=[D(2023, 6, 20), D(2023, 9, 15), D(2024, 3, 10)], visits=[D(2025, 3, 20)],
         initial=D(2023, 6, 15), health=[D(2024, 6, 10)], peps=[D(2025, 1, 15)])
    c = child("Latevisit", D(2013, 2, 1))
    care(c, (D(2024, 6, 3), "S", "U6"))
    held(c, reviews=[D(2024, 6, 25), D(2024, 9, 20), D(2025, 3, 18)],
         visits=[D(2024, 6, 7), D(2025, 1, 10)], initial=D(2024, 6, 20), peps=[D(2025, 2, 1)])
    c = child("Nohealth", D(2023, 5, 1))
    care(c, (D(2024, 9, 2), "S", "U6"))
    held(c, reviews=[D(2024, 9, 25), D(2024, 12, 20)], visits=[D(2025, 3, 10)])
    c = child("Peplate", D(2010, 9, 9))
    care(c, (D(2022, 9, 1), "S", "U4"))
    held(c, reviews=[D(2022, 9, 20), D(2022, 12, 15), D(2025, 1, 10)], visits=[D(2025, 1, 15)],
         initial=D(2022, 9, 15), health=[D(2024, 11, 1)], peps=[D(2024, 11, 1)])
    c = child("Newarrival", D(2016, 4, 4))
    care(c, (D(2025, 3, 20), "S", "U6"))
    held(c, visits=[D(2025, 3, 25)])
    c = child("Badepisodes", D(2014, 2, 2))
    period = f.PeriodOfCareFactory(young_person=c, started_on=D(2023, 1, 1))
    f.EpisodeFactory(period_of_care=period, started_on=D(2023, 1, 1), ended_on=D(2023, 6, 1),
                     reason_ceased="X1")
    f.EpisodeFactory(period_of_care=period, started_on=D(2023, 7, 1), reason_new_episode="P",
                     place="U6")
    held(c, reviews=[D(2023, 1, 20), D(2024, 9, 1), D(2025, 3, 1)], initial=D(2023, 1, 15),
         health=[D(2025, 1, 1)], peps=[D(2025, 3, 5)])
    c = child("Endsmarch", D(2011, 5, 5))
    care(c, (D(2023, 5, 1), "S", "U6"), end=(D(2025, 3, 31), "E4A"))
    held(c, reviews=[D(2023, 5, 20), D(2023, 8, 10), D(2024, 2, 1)], visits=[D(2025, 3, 15)],
         initial=D(2023, 5, 10), health=[D(2024, 5, 1)], peps=[D(2025, 1, 20)])
    c = child("Leftcare", D(2010, 3, 3))
    care(c, (D(2020, 1, 1), "S", "U4"), end=(D(2025, 3, 30), "E4A"))
    c = child("Shortbreaks", D(2015, 1, 1))
    short_break(c, D(2025, 3, 1), None)
    c = child("Other", D(2012, 1, 1), team=personas.other_team)
    care(c, (D(2024, 1, 1), "S", "U6"))


def indicators(report: Report) -> dict[str, tuple[Measure, Figure]]:
    table = next(t for t in report.tables if t.key == "indicators")
    return {i.value: (r[1], r[2]) for i, r in zip(Indicator, table.rows, strict=True)}


def n_of(measure: Measure) -> tuple[int, int]:
    return measure.numerator, measure.denominator


def names(queryset) -> set[str]:
    return {p.legal_first_name for p in queryset}


def test_the_figures_on_31_march(personas, world):
    report = timeliness_report(user=personas.manager, year=YEAR)
    got = indicators(report)
    assert got["cla-reviews"][0] == Measure(6, 8, drill="cla-reviews")
    assert got["cla-reviews"][0].percent == Decimal("75.0")
    assert n_of(got["visits"][0]) == (6, 7)
    assert got["visits"][1] == Figure(Decimal(1), Unit.COUNT, drill="visits:undetermined",
                                      count=1)
    assert n_of(got["health-assessments"][0]) == (7, 8)
    assert n_of(got["peps"][0]) == (6, 7)
    assert report.finding == (
        "Of the 8 children looked after on 31 March 2025, 75.0% had their CLA reviews on time, "
        "85.7% their visits on time, 87.5% their health assessments in date and 85.7% their "
        "PEPs in date (aged 3 to 17).")
    assert report.extra["on"] == D(2025, 3, 31)


def test_the_trend_and_charts(personas, world):
    report = timeliness_report(user=personas.manager, year=YEAR)
    assert report.years_available[0] == 2020  # left_care came into care on 1/1/2020
    trend = next(t for t in report.tables if t.key == "trend")
    assert [r[0] for r in trend.rows] == ["2020 to 2021", "2021 to 2022", "2022 to 2023", "2023 to 2024", "2024 to 2025"]
    assert trend.rows[3][1] == Measure(3, 6, drill="cla-reviews@2024")
    assert trend.rows[4][1] == Measure(6, 8, drill="cla-reviews")
    line = next(c for c in report.charts if c.key == "trend")
    assert line.kind == "line" and dict(line.series[0].points)["2023 to 2024"] == Decimal("50.0")
    bars = next(c for c in report.charts if c.key == "indicators")
    assert dict(bars.series[0].points) == {"CLA reviews": Decimal("75.0"), "Visits": Decimal("85.7"),
                                           "Health assessments": Decimal("87.5"),
                                           "PEPs": Decimal("85.7")}


@pytest.mark.parametrize(("drill", "expected"), [
    ("cla-reviews:not", {"Latereview", "Endsmarch"}),
    ("visits:not", {"Latevisit"}),
    ("visits:undetermined", {"Badepisodes"}),
    ("health-assessments:not", {"Nohealth"}),
    ("peps:not", {"Peplate"}),
    ("peps:cohort", {"Allgood", "Latereview", "Latevisit", "Peplate", "Newarrival",
                     "Badepisodes", "Endsmarch"}),
    ("cla-reviews", {"Allgood", "Latevisit", "Nohealth", "Peplate", "Newarrival",
                     "Badepisodes"}),
    ("cla-reviews:not@2024", {"Peplate", "Badepisodes", "Leftcare"}),
])
def test_drill_downs_list_exactly_the_children(personas, world, drill, expected):
    assert names(timeliness_children(user=personas.manager, drill=drill, year=YEAR)) == expected


@pytest.mark.parametrize("drill", ["reviews", "peps.band.5-9", "looked-after", "visits:late"])
def test_an_unknown_drill_key_is_a_key_error(personas, drill):
    with pytest.raises(KeyError):
        timeliness_children(user=personas.manager, drill=drill, year=YEAR)


def test_another_team_and_strangers_see_nothing_of_ours(personas, world):
    theirs = indicators(timeliness_report(user=personas.other_manager, year=YEAR))
    assert theirs["cla-reviews"][0] == Measure(0, 1, drill="cla-reviews")
    assert names(timeliness_children(user=personas.other_manager, year=YEAR,
                                     drill="cla-reviews:not")) == {"Other"}
    filtered = timeliness_report(user=personas.manager, year=YEAR,
                                 team_id=personas.other_team.pk)
    assert indicators(filtered)["cla-reviews"][0].denominator == 0
    assert filtered.finding == "No child you can see was looked after on 31 March 2025."
    everyone = indicators(timeliness_report(user=personas.admin, year=YEAR))
    assert n_of(everyone["cla-reviews"][0]) == (6, 9)
    for stranger in (personas.other_adviser, personas.adviser, personas.young_person_user):
        with pytest.raises(access.NotVisible):
            timeliness_report(user=stranger, year=YEAR)
        with pytest.raises(access.NotVisible):
            timeliness_children(user=stranger, drill="cla-reviews", year=YEAR)


def test_definitions_say_what_on_time_means(personas, world):
    text = " ".join(timeliness_report(user=personas.manager, year=YEAR).definitions)
    for words in ("§1.1", "§1.2", "§1.4", "§1.5", "reg 33", "reg 28", "overdue", "choice",
                  "not determined"):
        assert words in text


def item(kind, state):
    return Item(kind, f"{kind}:1", "x", D(2025, 1, 1), state, "rule", "reason",
                Responsible.SOCIAL_WORKER)


def test_the_rule_reads_the_schedule():
    items = [item(EventKind.CLA_REVIEW, State.DONE), item(EventKind.CLA_REVIEW, State.DUE),
             item(EventKind.INITIAL_HEALTH_ASSESSMENT, State.DONE),
             item(EventKind.REVIEW_HEALTH_ASSESSMENT, State.OVERDUE),
             item(EventKind.PEP, State.UPCOMING)]
    assert timeliness(items, age=10) == {
        Indicator.CLA_REVIEWS: Outcome.MET, Indicator.VISITS: Outcome.UNDETERMINED,
        Indicator.HEALTH: Outcome.NOT_MET, Indicator.PEP: Outcome.MET}
    assert timeliness(items, age=2)[Indicator.PEP] is None  # PEPs are for ages 3 to 17
    assert timeliness(items, age=18)[Indicator.PEP] is None


def _children(team, n):
    for i in range(n):
        c = f.YoungPersonFactory(team=team, date_of_birth=D(2012, 1, 1) + dt.timedelta(days=i))
        care(c, (D(2024, 1, 2), "S", "U6"))
        held(c, reviews=[D(2024, 1, 25), D(2024, 4, 20), D(2024, 10, 15)],
             visits=[D(2025, 3, 1)], initial=D(2024, 1, 20), health=[D(2025, 1, 10)],
             peps=[D(2025, 2, 10)])


@pytest.mark.parametrize("n", [3, 30])
def test_a_fixed_number_of_queries(personas, django_assert_max_num_queries, n):
    _children(personas.team, n)
    with django_assert_max_num_queries(14):
        report = timeliness_report(user=personas.manager, year=YEAR)
    assert indicators(report)["cla-reviews"][0] == Measure(n, n, drill="cla-reviews")
    assert indicators(report)["peps"][0] == Measure(n, n, drill="peps")
    with django_assert_max_num_queries(14):
        assert len(timeliness_children(user=personas.manager, year=YEAR, drill="visits")) == n
