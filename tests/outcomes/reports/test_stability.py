"""Report 2, placement stability: every figure against a fixture computed by hand.

The year is 2025 (1 April 2024 - 31 March 2025, figures on 31 March 2025). (b) needs care since
1/4/2023; (c) needs age under 16, care since 1/10/2022 and the same placement since 1/4/2023.

    child              born        care (RNE PLACE from)                          age (a) (b) (c2) (c1)
    entered_1_april    1/6/2015    S U4 1/4/2024, P K2 1/8/2024, P U6 10/1/2025   9   3+  -   -    -
    two_years_exactly  5/5/2012    S U4 1/4/2023                                  12  1   1   -    -
    temporary          15/1/2010   S U4 1/5/2019, P T2 1/7/2024, P U4 10/7/2024   15  1   1   yes  yes
    short_breaks       1/3/2016    V3 10-12/4/2024, V3 20-22/4/2024,              9   2   -   -    -
                                   S U6 1/5/2024, P U4 1/10/2024
    ends_31_march      7/7/2014    S U4 1/6/2024, P K2 1/9/2024, P U6 1/12/2024   10  3+  -   -    -
                                   ending 31/3/2025 (E4A): still counted
    turning_16         31/3/2009   S U4 1/1/2018 (16 on 31/3/2025)                16  1   1   -    -
    aged_15            1/4/2009    S U4 1/1/2018 (16 on 1/4/2025)                 15  1   1   yes  yes
    files_from_L       2/2/2013    L U4 15/1/2024 (files start there)             12  1   ?   ?    ?
    files_from_P       8/8/2012    P U4 1/6/2024 (files start there)              12  ?   ?   ?    ?
    adoption           5/5/2019    S U4 1/1/2020, P A6 1/2/2024                   5   1   2   yes  no
    mover              1/9/2024    S U6 5/9/2024, P U4 1/11/2024, P T4 1/12/2024, 0   3+  -   -    -
                                   P U4 5/12/2024 (back), P U5 1/2/2025
    two_year_mover     11/11/2011  S U4 1/1/2022, P K2 1/6/2023, P U6 1/6/2024    13  2   3+  no   no
    only_short_break   1/3/2016    V3 from 28/3/2025: not looked after (a2)
    other_mover (other team) 10/10/2010  S U4 1/5/2024, P U6 1/7/2024, P K2 1/9/2024  14  3+

  (a) 3/11 = 27.3%, not determined 1 (files_from_P).  (b) 1/6 = 16.7%, not determined 2.
  (c2) 3/4 = 75.0%, (c1) 2/4 = 50.0%, not determined 2.
  By age (a): under 1: 1/1; 1-4: 0/0; 5-9: 1/3; 10-15: 1/6; 16+: 0/1.
  2024 (31/3/2024): (a) 0/6, not determined 1 (files_from_L starts in the year).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from outcomes import access
from outcomes.rules.indicators import Outcome
from outcomes.rules.placements import EpisodeFacts
from outcomes.rules.stability import CareHistory, Indicator, stability_on
from outcomes.selectors.reports.base import Figure, Measure, Report, Unit
from outcomes.selectors.reports.stability import (
    placement_stability_children,
    placement_stability_report,
)
from tests import factories as f
from tests.outcomes.reports.building import care, short_break

D = dt.date
YEAR = 2025
A, B = Indicator.THREE_PLUS_YEAR, Indicator.THREE_PLUS_TWO_YEARS
C, C1 = Indicator.LONG_TERM, Indicator.LONG_TERM_STRICT


@pytest.fixture
def world(personas):
    team = personas.team

    def child(name, born, team=team):
        return f.YoungPersonFactory(team=team, date_of_birth=born, legal_first_name=name)

    kids = {}
    kids["entered_1_april"] = c = child("Entered", D(2015, 6, 1))
    care(c, (D(2024, 4, 1), "S", "U4"), (D(2024, 8, 1), "P", "K2"), (D(2025, 1, 10), "P", "U6"))
    kids["two_years_exactly"] = c = child("Twoyears", D(2012, 5, 5))
    care(c, (D(2023, 4, 1), "S", "U4"))
    kids["temporary"] = c = child("Temporary", D(2010, 1, 15))
    care(c, (D(2019, 5, 1), "S", "U4"), (D(2024, 7, 1), "P", "T2"), (D(2024, 7, 10), "P", "U4"))
    kids["short_breaks"] = c = child("Shortbreaks", D(2016, 3, 1))
    short_break(c, D(2024, 4, 10), D(2024, 4, 12))
    short_break(c, D(2024, 4, 20), D(2024, 4, 22), legal_status="V4")
    care(c, (D(2024, 5, 1), "S", "U6"), (D(2024, 10, 1), "P", "U4"))
    kids["ends_31_march"] = c = child("Endsmarch", D(2014, 7, 7))
    care(c, (D(2024, 6, 1), "S", "U4"), (D(2024, 9, 1), "P", "K2"), (D(2024, 12, 1), "P", "U6"),
         end=(D(2025, 3, 31), "E4A"))
    kids["turning_16"] = c = child("Sixteen", D(2009, 3, 31))
    care(c, (D(2018, 1, 1), "S", "U4"))
    kids["aged_15"] = c = child("Fifteen", D(2009, 4, 1))
    care(c, (D(2018, 1, 1), "S", "U4"))
    kids["files_from_L"] = c = child("Filesl", D(2013, 2, 2))
    care(c, (D(2024, 1, 15), "L", "U4"))
    kids["files_from_P"] = c = child("Filesp", D(2012, 8, 8))
    care(c, (D(2024, 6, 1), "P", "U4"))
    kids["adoption"] = c = child("Adopted", D(2019, 5, 5))
    care(c, (D(2020, 1, 1), "S", "U4"), (D(2024, 2, 1), "P", "A6"))
    kids["mover"] = c = child("Mover", D(2024, 9, 1))
    care(c, (D(2024, 9, 5), "S", "U6"), (D(2024, 11, 1), "P", "U4"), (D(2024, 12, 1), "P", "T4"),
         (D(2024, 12, 5), "P", "U4"), (D(2025, 2, 1), "P", "U5"))
    kids["two_year_mover"] = c = child("Twoyearmover", D(2011, 11, 11))
    care(c, (D(2022, 1, 1), "S", "U4"), (D(2023, 6, 1), "P", "K2"), (D(2024, 6, 1), "P", "U6"))
    kids["only_short_break"] = c = child("Onlybreaks", D(2016, 3, 1))
    short_break(c, D(2025, 3, 28), None)
    kids["other_mover"] = c = child("Othermover", D(2010, 10, 10), team=personas.other_team)
    care(c, (D(2024, 5, 1), "S", "U4"), (D(2024, 7, 1), "P", "U6"), (D(2024, 9, 1), "P", "K2"))
    return kids


def table(report: Report, key: str):
    return next(t for t in report.tables if t.key == key)


def row(report: Report, key: str, label: str):
    return next(r for r in table(report, key).rows if r[0] == label)


def figures(report: Report) -> dict[str, tuple[Measure, Figure]]:
    """The indicator table: indicator key -> (measure, not determined)."""
    keys = [c.key for c in table(report, "age-bands").columns[1:]]
    return {key: (r[1], r[2]) for key, r in zip(keys, table(report, "indicators").rows,
                                                  strict=True)}


def names(queryset) -> set[str]:
    return {p.legal_first_name for p in queryset}


def test_the_indicators_for_the_year(personas, world):
    report = placement_stability_report(user=personas.manager, year=YEAR)
    got = figures(report)
    assert got[A][0] == Measure(3, 11, drill="three-plus-year")
    assert got[A][1] == Figure(Decimal(1), Unit.COUNT, drill="three-plus-year:undetermined",
                               count=1)
    assert got[A][0].percent == Decimal("27.3")
    assert (got[B][0].numerator, got[B][0].denominator, got[B][1].count) == (1, 6, 2)
    assert (got[C][0].numerator, got[C][0].denominator, got[C][1].count) == (3, 4, 2)
    assert (got[C1][0].numerator, got[C1][0].denominator, got[C1][1].count) == (2, 4, 2)
    assert report.finding == ("27.3% (3 of 11) of the children looked after on 31 March 2025 had "
                              "3 or more placements in 2024 to 2025, up from 0.0% in 2023 to 2024.")
    assert report.extra["on"] == D(2025, 3, 31)


def test_by_age_band(personas, world):
    report = placement_stability_report(user=personas.manager, year=YEAR)
    bands = {r[0]: r[1] for r in table(report, "age-bands").rows}
    assert {k: (m.numerator, m.denominator) for k, m in bands.items()} == {
        "Under 1": (1, 1), "1 to 4": (0, 0), "5 to 9": (1, 3), "10 to 15": (1, 6),
        "16 and over": (0, 1)}
    assert bands["1 to 4"].percent is None  # an empty cohort has no figure, not zero
    assert bands["5 to 9"].drill == "three-plus-year.band.5-9"
    sixteen = row(report, "age-bands", "16 and over")
    assert sixteen[3].denominator == 0  # turning 16 on 31 March: out of long-term stability
    chart = next(c for c in report.charts if c.key == "age-bands")
    assert chart.kind == "bar" and chart.series[0].points[0] == ("Under 1", Decimal("100.0"))


def test_over_time_every_year_available(personas, world):
    report = placement_stability_report(user=personas.manager, year=YEAR)
    assert report.years_available[0] == 2018  # the earliest episode, 1/1/2018
    assert report.years_available[-1] >= 2026
    previous = row(report, "trend", "2023 to 2024")
    assert (previous[1].numerator, previous[1].denominator) == (0, 6)
    assert previous[1].drill == "three-plus-year@2024"  # a trend row pins its own year
    this = row(report, "trend", "2024 to 2025")
    assert this[1] == Measure(3, 11, drill="three-plus-year")
    trend = next(c for c in report.charts if c.key == "trend")
    assert trend.kind == "line" and len(trend.series) == 3
    assert dict(trend.series[0].points)["2024 to 2025"] == Decimal("27.3")
    assert dict(trend.series[0].points)["2017 to 2018"] == Decimal("0.0")  # 0 of 2
    undetermined = placement_stability_children(user=personas.manager, year=YEAR,
                                                drill="three-plus-year:undetermined@2024")
    assert names(undetermined) == {"Filesl"}


@pytest.mark.parametrize(("drill", "expected"), [
    ("three-plus-year", {"Entered", "Endsmarch", "Mover"}),
    ("three-plus-year:undetermined", {"Filesp"}),
    ("three-plus-year.band.5-9", {"Entered"}),
    ("three-plus-year.band.10-15:cohort", {"Twoyears", "Temporary", "Endsmarch", "Fifteen",
                                           "Filesl", "Twoyearmover"}),
    ("three-plus-two-years", {"Twoyearmover"}),
    ("three-plus-two-years:cohort", {"Twoyears", "Temporary", "Sixteen", "Fifteen", "Adopted",
                                     "Twoyearmover"}),
    ("three-plus-two-years:undetermined", {"Filesl", "Filesp"}),
    ("long-term", {"Temporary", "Fifteen", "Adopted"}),
    ("long-term:not", {"Twoyearmover"}),
    ("long-term-strict:not", {"Adopted", "Twoyearmover"}),
    ("long-term:undetermined", {"Filesl", "Filesp"}),
])
def test_drill_downs_list_exactly_the_children(personas, world, drill, expected):
    children = placement_stability_children(user=personas.manager, drill=drill, year=YEAR)
    assert names(children) == expected


@pytest.mark.parametrize("drill", ["nonsense", "three-plus-year:all", "three-plus-year.band.6",
                                   "three-plus-year.age.5-9", "three-plus-year@20x4", "long-term:"])
def test_an_unknown_drill_key_is_a_key_error(personas, drill):
    with pytest.raises(KeyError):
        placement_stability_children(user=personas.manager, drill=drill, year=YEAR)


def test_another_team_and_strangers_see_nothing_of_ours(personas, world):
    theirs = placement_stability_report(user=personas.other_manager, year=YEAR)
    assert figures(theirs)[A][0] == Measure(1, 1, drill="three-plus-year")
    assert names(placement_stability_children(user=personas.other_manager, year=YEAR,
                                              drill="three-plus-year:cohort")) == {"Othermover"}
    # A team filter outside the user's scope finds nobody.
    filtered = placement_stability_report(user=personas.manager, year=YEAR,
                                          team_id=personas.other_team.pk)
    assert figures(filtered)[A][0].denominator == 0
    assert filtered.finding == "No child you can see was looked after on 31 March 2025."
    for stranger in (personas.other_adviser, personas.adviser, personas.young_person_user):
        with pytest.raises(access.NotVisible):
            placement_stability_report(user=stranger, year=YEAR)
        with pytest.raises(access.NotVisible):
            placement_stability_children(user=stranger, drill="three-plus-year", year=YEAR)


def test_the_administrator_sees_every_team_and_can_filter_one(personas, world):
    everyone = placement_stability_report(user=personas.admin, year=YEAR)
    assert figures(everyone)[A][0] == Measure(4, 12, drill="three-plus-year")
    other = placement_stability_report(user=personas.admin, year=YEAR,
                                       team_id=personas.other_team.pk)
    assert figures(other)[A][0] == Measure(1, 1, drill="three-plus-year")


def test_definitions_state_the_rules_and_choices(personas, world):
    report = placement_stability_report(user=personas.manager, year=YEAR)
    text = " ".join(report.definitions)
    for words in ("T0-T4", "V3", "Choice", "§4.1", "not determined", "c2", "31 March"):
        assert words in text
    assert report.key == "placement-stability" and report.year == YEAR


def _movers(team, n):
    for i in range(n):
        c = f.YoungPersonFactory(team=team, date_of_birth=D(2012, 1, 1) + dt.timedelta(days=i))
        care(c, (D(2023, 1, 1), "S", "U4"), (D(2024, 6, 1), "P", "K2"),
             (D(2024, 12, 1), "P", "U6"))


@pytest.mark.parametrize("n", [3, 30])
def test_a_fixed_number_of_queries(personas, django_assert_max_num_queries, n):
    _movers(personas.team, n)
    with django_assert_max_num_queries(1):
        report = placement_stability_report(user=personas.manager, year=YEAR)
    assert figures(report)[A][0] == Measure(n, n, drill="three-plus-year")
    with django_assert_max_num_queries(2):
        assert len(placement_stability_children(user=personas.manager, year=YEAR,
                                                drill="three-plus-year")) == n


# --- the rule on its own: edges of the definitions -------------------------------------------


def ep(start, end, rne, place="U4", ls="C2"):
    provider = "" if place in {"T0", "T1", "T2", "T3"} else "PR1"
    return EpisodeFacts(start, end, rne, place, ls, provider, "SC000001", "TW2 1",
                        "" if end is None else "X1")


BORN, MARCH_31 = D(2012, 1, 1), D(2025, 3, 31)


def outcomes(episodes, born=BORN, on=MARCH_31, year=YEAR):
    result = stability_on(CareHistory.of(episodes), date_of_birth=born, on=on, year=year)
    return None if result is None else result.outcomes


def test_a_placement_ending_on_1_april_counts_in_the_year():
    episodes = [ep(D(2023, 1, 1), D(2024, 4, 1), "S"), ep(D(2024, 4, 1), D(2024, 9, 1), "P", "K2"),
                ep(D(2024, 9, 1), None, "P", "U6")]
    assert outcomes(episodes)[A] is Outcome.MET  # U4 (ends 1/4), K2, U6


def test_files_starting_on_1_april_with_a_move_cannot_say_what_came_before():
    moved_in = [ep(D(2024, 4, 1), None, "P")]
    assert outcomes(moved_in)[A] is Outcome.UNDETERMINED
    legal_only = [ep(D(2024, 4, 1), None, "L")]
    assert outcomes(legal_only)[A] is Outcome.NOT_MET
    entered = [ep(D(2024, 4, 1), None, "S")]
    assert outcomes(entered)[A] is Outcome.NOT_MET


def test_a_return_from_a_temporary_placement_elsewhere_is_a_move():
    episodes = [ep(D(2023, 1, 1), D(2024, 6, 1), "S"), ep(D(2024, 6, 1), D(2024, 6, 5), "P", "T4"),
                ep(D(2024, 6, 5), None, "P", "K2")]
    assert outcomes(episodes)[A] is Outcome.NOT_MET  # U4 (with its T4), K2: two


def test_not_looked_after_on_31_march_is_in_no_cohort():
    assert outcomes([ep(D(2023, 1, 1), D(2025, 3, 30), "S")]) is None
    assert outcomes([ep(D(2023, 1, 1), None, "S", ls="V3")]) is None
    assert outcomes([ep(D(2023, 1, 1), D(2025, 3, 31), "S")])[A] is Outcome.NOT_MET


def test_long_term_edges():
    since_1_october_2022 = [ep(D(2022, 10, 1), D(2023, 4, 1), "S"),
                            ep(D(2023, 4, 1), None, "P", "K2")]
    got = outcomes(since_1_october_2022)
    assert got[C] is Outcome.MET and got[C1] is Outcome.MET  # both limits are inclusive
    a_day_late = [ep(D(2022, 10, 2), None, "S")]
    assert outcomes(a_day_late)[C] is None
    moved_a_day_late = [ep(D(2022, 1, 1), D(2023, 4, 2), "S"), ep(D(2023, 4, 2), None, "P", "K2")]
    assert outcomes(moved_a_day_late)[C] is Outcome.NOT_MET
    # Placed for adoption with the current foster carer is the same placement on both readings.
    same_carer = [ep(D(2022, 1, 1), D(2024, 1, 1), "S"), ep(D(2024, 1, 1), None, "T", "A5")]
    got = outcomes(same_carer)
    assert got[C] is Outcome.MET and got[C1] is Outcome.MET
