"""Placement stability (REFERENCE.md §4, §4.1 (a), (b), (c)): children looked after on 31 March
with 3 or more placements in the year, 3 or more in two years, and long-term stability; by age
band and over every year the records cover; with the children behind every figure.

One query: the episodes of every young person the user may see, with their dates of birth, in
order. The counting is the pure rules' (`outcomes.rules.placements`, `outcomes.rules.stability`),
in Python, because a placement is a run of episodes (a change of carer, not of legal status or
a temporary move) that SQL cannot tell apart without restating the rules.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.db.models import QuerySet
from django.utils import timezone

from outcomes.access import Area
from outcomes.codes import SHORT_BREAK_LEGAL_STATUSES
from outcomes.models import Episode, User, YoungPerson
from outcomes.rules.indicators import reference_day
from outcomes.rules.placements import EPISODE_FIELDS
from outcomes.rules.stability import AGE_BANDS, CareHistory, Indicator, stability_on
from outcomes.rules.years import CollectionYear

from .base import Chart, Column, Report, Series, Table, Unit
from .tally import (
    Tally,
    change_in_words,
    current_year,
    parse_drill,
    percent_points,
    report_people,
    share,
)

AREA = Area.CARE_HISTORY

LABELS = {
    Indicator.THREE_PLUS_YEAR: "3 or more placements in the year",
    Indicator.THREE_PLUS_TWO_YEARS: "3 or more placements in 2 years (looked after 2 years)",
    Indicator.LONG_TERM: "Long-term stability: same placement for 2 years (under 16, looked "
                         "after 2.5 years; adoption joined to the placement before)",
    Indicator.LONG_TERM_STRICT: "Long-term stability, strict reading (adoption with new carers "
                                "is a new placement)",
}
SHORT_LABELS = {
    Indicator.THREE_PLUS_YEAR: "3+ placements in the year",
    Indicator.THREE_PLUS_TWO_YEARS: "3+ placements in 2 years",
    Indicator.LONG_TERM: "Long-term stability",
    Indicator.LONG_TERM_STRICT: "Long-term stability (strict)",
}
CHARTED = (Indicator.THREE_PLUS_YEAR, Indicator.THREE_PLUS_TWO_YEARS, Indicator.LONG_TERM)

DEFINITIONS = (
    "Children looked after on 31 March: an episode other than a short break (legal status V3 or "
    "V4) that started on or before 31 March and had not ended before it. Choice: a child whose "
    "episode ends on 31 March counts (REFERENCE.md §4.1 a1, a2, c3).",
    "Placements in the year: placements open on at least one day from 1 April to 31 March, so "
    "the placement current on 1 April counts as one. Choice: a placement ending on 1 April counts "
    "too, as the day of a move is a day with both carers (§4.1).",
    "A placement starts with a reason for new episode S, P or B; L, T and U (same carer, or legal "
    "status only) continue it (§4.1 a5). Short breaks (V3/V4) are left out (a2).",
    "Temporary placements (T0-T4) are not moves: they belong to the placement they interrupt, and "
    "the return to the same placement type, provider, URN and postcode continues it. Choice: "
    "implied by the code list and validator rule 383, not stated by DfE (§4.1 a6).",
    "Placed for adoption with the current foster carer (A3, A5) is not a change of placement "
    "(§4.1 a3, a4). Adoption with new carers (A4, A6) is a new placement.",
    "3 or more placements in 2 years: children looked after on 31 March whose period of care "
    "started on or before 1 April two years earlier, with 3 or more placements open since then "
    "(§4.1 b1).",
    "Long-term stability: children under 16 on 31 March, looked after continuously for at least "
    "2.5 years (period of care started on or before 1 October three years earlier), whose current "
    "placement started on or before 1 April two years earlier (§4 and §4.1 c1). Choice: an "
    "adoption placement with new carers (A4/A6) is joined to the placement just before it, as the "
    "older wording had it (c2); the strict reading, where it starts a new placement, is shown too.",
    "The period of care starts at the episode reached by walking back through episodes that "
    "follow one another without a gap to one that starts care (S). Where the records do not reach "
    "back to it, or not to the start of a window, a child whose figure depends on it is listed as "
    "not determined and left out of the figure, not guessed (§4.1, 'Period of care start'). The "
    "records are taken to be complete from an earliest episode that starts care (choice).",
    "Age bands are by age on 31 March. For the year in progress the figures are taken on today "
    "instead of 31 March (choice), with the same windows from 1 April and the 2.5 and 2 years "
    "counted back from today.",
    "Only young people you may see are counted; a team filter counts only that team's.",
)


def placement_stability_report(*, user: User, year: int | None = None,
                               team_id: int | None = None) -> Report:
    """The placement-stability report for collection `year` (default: the latest year the
    records cover) over the young people `user` may see. One query."""
    histories, years = _histories(report_people(user=user, area=AREA, team_id=team_id))
    year = year or years[-1]
    today = timezone.localdate()
    shown = sorted({*years, year})
    tallies = {y: _tally(histories, y, today=today, pin=None if y == year else y)
               for y in shown}
    tally, on = tallies[year], reference_day(year, today=today)
    previous = tallies.get(year - 1)

    headline = tally.measure(Indicator.THREE_PLUS_YEAR)
    when = _day(on)
    if headline.denominator:
        finding = (f"{share(headline)} of the children looked after on {when} had 3 or more "
                   f"placements in {CollectionYear(year).label}"
                   + change_in_words(headline, previous and previous.measure(
                       Indicator.THREE_PLUS_YEAR), CollectionYear(year - 1).label) + ".")
    else:
        finding = f"No child you can see was looked after on {when}."

    indicator_table = Table(
        key="indicators", caption=f"Placement stability, {CollectionYear(year).label} (as on {when})",
        columns=(Column("indicator", "Indicator", numeric=False),
                 Column("children", "Children"),
                 Column("undetermined", "Not determined (records too short)")),
        rows=tuple((LABELS[i], tally.measure(i), tally.undetermined(i)) for i in Indicator),
    )
    band_table = Table(
        key="age-bands", caption=f"Placement stability by age on {when}",
        columns=(Column("band", "Age", numeric=False),
                 *(Column(i.value, SHORT_LABELS[i]) for i in Indicator)),
        rows=tuple((band.label, *(tally.measure(i, band.key) for i in Indicator))
                   for band in AGE_BANDS),
    )
    trend_table = Table(
        key="trend", caption="Placement stability over time (as on 31 March each year)",
        columns=(Column("year", "Year", numeric=False),
                 *(Column(i.value, SHORT_LABELS[i]) for i in Indicator)),
        rows=tuple((CollectionYear(y).label, *(tallies[y].measure(i) for i in Indicator)) for y in shown),
    )
    trend_chart = Chart(
        key="trend", title="Placement stability over time", kind="line", unit=Unit.PERCENT,
        description=("The percentage of children looked after on 31 March with 3 or more "
                     "placements in the year, with 3 or more in two years, and in a long-term "
                     f"stable placement, for each year from {CollectionYear(shown[0]).label} to "
                     f"{CollectionYear(shown[-1]).label}."),
        series=tuple(Series(SHORT_LABELS[i], percent_points(
            (CollectionYear(y).label, tallies[y].measure(i)) for y in shown)) for i in CHARTED),
    )
    band_chart = Chart(
        key="age-bands", title=f"Placement stability by age, {CollectionYear(year).label}", kind="bar",
        unit=Unit.PERCENT,
        description=(f"For each age band on {when}, the percentage of children with 3 or more "
                     "placements in the year, with 3 or more in two years, and in a long-term "
                     "stable placement (under 16 only)."),
        series=tuple(Series(SHORT_LABELS[i], percent_points(
            (band.label, tally.measure(i, band.key)) for band in AGE_BANDS)) for i in CHARTED),
    )
    return Report(
        key="placement-stability", title="Placement stability", year=year, finding=finding,
        charts=(trend_chart, band_chart), tables=(indicator_table, band_table, trend_table),
        definitions=DEFINITIONS, years_available=tuple(years),
        extra={"on": on, "undetermined": {i.value: tally.undetermined(i).count
                                          for i in Indicator}},
    )


def placement_stability_children(*, user: User, drill: str, year: int | None,
                                 team_id: int | None = None) -> QuerySet[YoungPerson]:
    """The young people behind the figure `drill` of the report for `year`, among those `user`
    may see. KeyError for a drill key the report has no figure for."""
    key = parse_drill(drill, indicators=[i.value for i in Indicator],
                      groups=[b.key for b in AGE_BANDS])
    people = report_people(user=user, area=AREA, team_id=team_id)
    histories, years = _histories(people)
    tally = _tally(histories, key.year or year or years[-1], today=timezone.localdate())
    return people.filter(pk__in=tally.children(key.indicator, key.part, key.group))


def _histories(
    people: QuerySet[YoungPerson],
) -> tuple[dict[int, tuple[dt.date, CareHistory]], list[int]]:
    """Each young person's date of birth and care history, and the collection years in which
    any of them was looked after (to the year in progress), in one query."""
    rows = (Episode.objects.filter(young_person__in=people.values("pk"))
            .order_by("young_person_id", "started_on")
            .values_list("young_person_id", "young_person__date_of_birth", *EPISODE_FIELDS))
    histories: dict[int, tuple[dt.date, CareHistory]] = {}
    first = last = None
    now = current_year()
    for (pk, born), group in groupby(rows, key=lambda row: row[:2]):
        episodes = [row[2:] for row in group]
        histories[pk] = (born, CareHistory.of(episodes))
        for episode in episodes:
            if episode[4] in SHORT_BREAK_LEGAL_STATUSES:
                continue
            start = CollectionYear.of(episode[0]).year
            end = now if episode[1] is None else CollectionYear.of(episode[1]).year
            first = start if first is None else min(first, start)
            last = end if last is None else max(last, end)
    years = list(range(first, min(last, now) + 1)) if first is not None else [now]
    return histories, years


def _tally(histories: dict[int, tuple[dt.date, CareHistory]], year: int, *,
           today: dt.date, pin: int | None = None) -> Tally:
    tally = Tally(pin)
    on = reference_day(year, today=today)
    if on < CollectionYear(year).start:
        return tally  # a year not yet begun has no one to count
    for pk, (born, history) in histories.items():
        stability = stability_on(history, date_of_birth=born, on=on, year=year)
        if stability is None:
            continue
        for indicator, outcome in stability.outcomes.items():
            tally.add(indicator, outcome, pk, groups=(stability.band.key,))
    return tally


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"

