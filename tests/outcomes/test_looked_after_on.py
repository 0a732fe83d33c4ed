"""One table of cases for "looked after on a day", run through the pure rule
(`rules.placements.looked_after_on`) and its SQL twin (`Episode.objects.looked_after_on`), and
through the access policy's scope, which uses the twin.

The rule (REFERENCE.md §4.1, "CLA at 31 March"): a non-V3/V4 episode with DECOM <= day and DEC
blank or DEC >= day, so a child whose episode ends on the day is looked after that day."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes import models as m
from outcomes.rules.placements import EpisodeFacts, looked_after_on, open_during, open_on
from tests import factories as f
from tests.outcomes.reports.building import care

D = dt.date
DAY = D(2025, 3, 31)

# (name, periods of care as (steps, end) for tests.outcomes.reports.building.care, expected)
LOOKED_AFTER_ON_DAY = [
    ("in care since before the day", [([(D(2022, 5, 3), "S", "U4")], None)], True),
    ("came into care on the day", [([(DAY, "S", "U4")], None)], True),
    ("comes into care the day after", [([(D(2025, 4, 1), "S", "U4")], None)], False),
    ("care ends on the day: looked after that day (§4.1)",
     [([(D(2022, 5, 3), "S", "U4")], (DAY, "E4A"))], True),
    ("care ended the day before", [([(D(2022, 5, 3), "S", "U4")], (D(2025, 3, 30), "E4A"))],
     False),
    ("moves on the day (one episode ends, the next starts)",
     [([(D(2022, 5, 3), "S", "U4"), (DAY, "P", "U6")], None)], True),
    ("a short break (V3) over the day (a2)",
     [([(D(2025, 3, 29), "S", "U6", "V3")], (D(2025, 4, 2), "E8"))], False),
    ("short breaks only (V4), open", [([(D(2024, 1, 1), "S", "U6", "V4")], None)], False),
    ("left care, came back on the day",
     [([(D(2022, 5, 3), "S", "U4")], (D(2024, 8, 1), "E4A")), ([(DAY, "S", "U4")], None)], True),
    ("left care, comes back later",
     [([(D(2022, 5, 3), "S", "U4")], (D(2024, 8, 1), "E4A")),
      ([(D(2025, 5, 1), "S", "U4")], None)], False),
    ("never in care", [], False),
]
IDS = [case[0] for case in LOOKED_AFTER_ON_DAY]


def _facts(periods) -> list[EpisodeFacts]:
    """The episodes `care()` would save, as the pure rule reads them."""
    facts = []
    for steps, end in periods:
        for i, (start, rne, place, *ls) in enumerate(steps):
            following = steps[i + 1][0] if i + 1 < len(steps) else None
            ended_on = following or (end[0] if end else None)
            facts.append(EpisodeFacts(start, ended_on, rne, place, ls[0] if ls else "C2"))
    return facts


@pytest.mark.parametrize(("periods", "expected"), [c[1:] for c in LOOKED_AFTER_ON_DAY], ids=IDS)
def test_the_pure_rule(periods, expected):
    assert looked_after_on(_facts(periods), DAY) is expected


def test_the_sql_twin_and_the_access_scope_agree_with_the_pure_rule(db):
    team = f.TeamFactory(name="Looked after on a day")
    people = []
    for _name, periods, _expected in LOOKED_AFTER_ON_DAY:
        child = f.YoungPersonFactory(team=team)
        for steps, end in periods:
            care(child, *steps, end=end)
        people.append(child)
    expected = {p.pk for p, case in zip(people, LOOKED_AFTER_ON_DAY, strict=True) if case[2]}
    in_sql = set(m.Episode.objects.looked_after_on(DAY).filter(young_person__team=team)
                 .values_list("young_person_id", flat=True))
    names = {p.pk: case[0] for p, case in zip(people, LOOKED_AFTER_ON_DAY, strict=True)}
    assert {names[pk] for pk in in_sql} == {names[pk] for pk in expected}
    assert expected and len(expected) < len(people)   # the table has both sides

    from outcomes.access import _looked_after
    in_scope = set(m.YoungPerson.objects.filter(team=team).filter(_looked_after(DAY))
                   .values_list("pk", flat=True))
    assert in_scope == expected


# (name, started_on, ended_on, open on DAY, open during 1 April 2024 .. DAY)
OPEN = [
    ("open, started before", D(2020, 1, 1), None, True, True),
    ("starts on the day", DAY, None, True, True),
    ("starts the day after", D(2025, 4, 1), None, False, False),
    ("ends on the day", D(2020, 1, 1), DAY, True, True),
    ("ends the day before", D(2020, 1, 1), D(2025, 3, 30), False, True),
    ("ends on the first day of the window", D(2020, 1, 1), D(2024, 4, 1), False, True),
    ("ends the day before the window", D(2020, 1, 1), D(2024, 3, 31), False, False),
]


@pytest.mark.parametrize(("started_on", "ended_on", "on_day", "during"),
                         [c[1:] for c in OPEN], ids=[c[0] for c in OPEN])
def test_open_on_and_open_during(started_on, ended_on, on_day, during):
    assert open_on(started_on, ended_on, DAY) is on_day
    assert open_during(started_on, ended_on, D(2024, 4, 1), DAY) is during


def test_open_on_and_open_during_in_sql(db):
    team = f.TeamFactory(name="Open on a day")
    rows = {}
    for name, started_on, ended_on, _on_day, _during in OPEN:
        child = f.YoungPersonFactory(team=team)   # one open period of care each
        period = f.PeriodOfCareFactory(young_person=child, started_on=started_on,
                                       ended_on=ended_on, reason_ceased="E4A" if ended_on else "")
        rows[f.EpisodeFactory(period_of_care=period, started_on=started_on, ended_on=ended_on,
                              reason_ceased="E4A" if ended_on else "").pk] = name
    episodes = m.Episode.objects.filter(young_person__team=team)
    assert {rows[pk] for pk in episodes.open_on(DAY).values_list("pk", flat=True)} == {
        c[0] for c in OPEN if c[3]}
    assert {rows[pk] for pk in episodes.open_during(D(2024, 4, 1), DAY)
            .values_list("pk", flat=True)} == {c[0] for c in OPEN if c[4]}
