"""Timeliness (REFERENCE.md §1.1, §1.2, §1.4, §1.5): for the children looked after on 31 March,
whether their CLA reviews, social worker visits, health assessments and PEPs were on time that
day, by the statutory schedule; for the year asked for and the years before it.

The statutory schedule (`outcomes.rules.schedule`) is the one authority for due dates, so the
report asks it, on each year's 31 March, for every child looked after then, from records read in
a fixed number of queries (`outcomes.selectors.schedule.histories_for`). The stored open items
(`ScheduleEntry`) hold only today's schedule, so they cannot answer for a past 31 March; both come
from the same rules, so they agree today. Each due date follows from the event before it (a
review 6 months after the last one, a visit at the interval of the placement's regime), which SQL
cannot say without restating those rules.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Min, OuterRef, QuerySet
from django.utils import timezone

from outcomes.access import Area
from outcomes.models import Episode, User, YoungPerson
from outcomes.rules import schedule as schedule_rules
from outcomes.rules.dates import age_on
from outcomes.rules.indicators import Outcome, reference_day
from outcomes.rules.placements import EpisodeFacts, looked_after_on
from outcomes.rules.timeliness import SCHEDULE_KINDS, Indicator, timeliness
from outcomes.rules.years import CollectionYear
from outcomes.selectors.schedule import current_policy, histories_for

from .base import Chart, Column, Report, Series, Table, Unit
from .tally import Tally, current_year, parse_drill, percent, percent_points, report_people

AREA = Area.REVIEWS
TREND_YEARS = 5  # the year asked for and the four before it
LOOKED_AFTER = "looked-after"  # the whole cohort, for the finding (not a figure of its own)

LABELS = {
    Indicator.CLA_REVIEWS: "CLA reviews on time",
    Indicator.VISITS: "Social worker visits on time",
    Indicator.HEALTH: "Health assessments in date",
    Indicator.PEP: "Personal education plans (PEPs) in date",
}
SHORT_LABELS = {
    Indicator.CLA_REVIEWS: "CLA reviews",
    Indicator.VISITS: "Visits",
    Indicator.HEALTH: "Health assessments",
    Indicator.PEP: "PEPs",
}

DEFINITIONS = (
    "Children looked after on 31 March: an episode other than a short break (V3/V4) that started "
    "on or before 31 March and had not ended before it (REFERENCE.md §4.1, as for placement "
    "stability). For the year in progress the figures are taken on today instead (choice).",
    "On time (in date) means that on 31 March the statutory schedule had nothing of that kind "
    "overdue: the latest one due had been held, and the next was not yet past its due date. It is "
    "the state on the day, so a review held late earlier in the year but up to date by 31 March "
    "counts as on time (choice).",
    "CLA reviews: the first within 20 working days of becoming looked after, the second within "
    "3 months of it, then at most every 6 months (CPPCR 2010 reg 33; §1.1).",
    "Social worker visits: within a week of a placement starting, then at most every 6 weeks in "
    "its first year, then every 3 months in a long-term foster placement (every 6 weeks "
    "otherwise); weekly until the first review and then every 4 weeks for a child placed with a "
    "connected person under a temporary approval or at home under an interim care order "
    "(CPPCR 2010 reg 28; §1.2, §1.3).",
    "Health assessments: the initial one within 20 working days of becoming looked after, then a "
    "review every 6 months under 5 and every 12 months from 5 (statutory guidance 2015; §1.4).",
    "PEPs, for children aged 3 to 17: the initial PEP ready for the first review (20 working days), "
    "then one each school term by the term's half-term deadline, 31 October, the end of February "
    "and 31 May (§1.5; the deadlines are the authority's practice).",
    "Choice: a child whose next event is not yet due (just come into care, say) is on time. A child "
    "for whom the schedule cannot work an event out - the episodes need correcting, so the "
    "placement and its visits are unknown, or no period of care is recorded - is listed as not "
    "determined and left out of that figure.",
    f"The trend shows the year asked for and up to {TREND_YEARS - 1} years before it, each on its "
    "own 31 March, worked out from the records as they stand now.",
    "Only young people you may see are counted; a team filter counts only that team's.",
)


def timeliness_report(*, user: User, year: int | None = None,
                      team_id: int | None = None) -> Report:
    """The timeliness report for collection `year` (default: the year in progress, taken on
    today) over the young people `user` may see. Nine queries, whatever their number."""
    today = timezone.localdate()
    people = report_people(user=user, area=AREA, team_id=team_id)
    years = _years(people)
    year = year or years[-1]
    shown = sorted({*(y for y in years if year - TREND_YEARS < y <= year), year})
    tallies = _tallies(people, shown, today=today, pinned={y for y in shown if y != year})
    tally, on = tallies[year], reference_day(year, today=today)
    when = _day(on)

    indicator_table = Table(
        key="indicators", caption=f"Timeliness on {when}, children looked after",
        columns=(Column("indicator", "Indicator", numeric=False),
                 Column("children", "Children"),
                 Column("undetermined", "Not determined (records need correcting)")),
        rows=tuple((LABELS[i], tally.measure(i), tally.undetermined(i)) for i in Indicator),
    )
    trend_table = Table(
        key="trend", caption="Timeliness over time (on 31 March each year)",
        columns=(Column("year", "Year", numeric=False),
                 *(Column(i.value, SHORT_LABELS[i]) for i in Indicator)),
        rows=tuple((CollectionYear(y).label, *(tallies[y].measure(i) for i in Indicator)) for y in shown),
    )
    bar_chart = Chart(
        key="indicators", title=f"Timeliness on {when}", kind="bar", unit=Unit.PERCENT,
        description=(f"The percentage of children looked after on {when} whose CLA reviews and "
                     "social worker visits were on time and whose health assessments and PEPs "
                     "were in date."),
        series=(Series("On time", percent_points((SHORT_LABELS[i], tally.measure(i))
                                                 for i in Indicator)),),
    )
    trend_chart = Chart(
        key="trend", title="Timeliness over time", kind="line", unit=Unit.PERCENT,
        description=(f"For each year from {CollectionYear(shown[0]).label} to {CollectionYear(shown[-1]).label}, the "
                     "percentage of children looked after on 31 March with each kind of event "
                     "on time."),
        series=tuple(Series(SHORT_LABELS[i], percent_points(
            (CollectionYear(y).label, tallies[y].measure(i)) for y in shown)) for i in Indicator),
    )
    return Report(
        key="timeliness", title="Timeliness", year=year, finding=_finding(tally, when),
        charts=(bar_chart, trend_chart), tables=(indicator_table, trend_table),
        definitions=DEFINITIONS, years_available=tuple(years), extra={"on": on},
    )


def timeliness_children(*, user: User, drill: str, year: int | None,
                        team_id: int | None = None) -> QuerySet[YoungPerson]:
    """The young people behind the figure `drill` of the report for `year`, among those `user`
    may see. KeyError for a drill key the report has no figure for."""
    key = parse_drill(drill, indicators=[i.value for i in Indicator])
    people = report_people(user=user, area=AREA, team_id=team_id)
    year = key.year or year or current_year()
    tally = _tallies(people, [year], today=timezone.localdate())[year]
    return people.filter(pk__in=tally.children(key.indicator, key.part, key.group))


def _years(people: QuerySet[YoungPerson]) -> list[int]:
    """The collection years from the first in which any of them was looked after to the year in
    progress. One query."""
    first = (Episode.objects.filter(young_person__in=people.values("pk")).counted()
             .aggregate(first=Min("started_on"))["first"])
    now = current_year()
    return list(range(CollectionYear.of(first).year, now + 1)) if first else [now]


def _tallies(people: QuerySet[YoungPerson], years: list[int], *, today: dt.date,
             pinned: set[int] = frozenset()) -> dict[int, Tally]:
    """Each year's tally: the schedule on its 31 March of every child looked after then. Each
    child's history is read once for all the years, and the schedule works out only the four
    kinds of event the indicators read."""
    days = {y: reference_day(y, today=today) for y in years}
    tallies = {y: Tally(y if y in pinned else None) for y in years}
    days = {y: on for y, on in days.items() if on >= CollectionYear(y).start}
    if not days:
        return tallies
    first, last = min(days.values()), max(days.values())
    looked_after = Episode.objects.filter(young_person=OuterRef("pk")).counted().open_during(
        first, last)
    candidates = list(people.filter(Exists(looked_after))
                      .only("id", "date_of_birth", "authority_accommodation").order_by())
    histories = histories_for(young_people=candidates, on=last, kinds=SCHEDULE_KINDS)
    policy = current_policy(cut_off=False)
    for pk, history in histories.items():
        born = history.date_of_birth
        episodes = [EpisodeFacts(e.started_on, e.ended_on, e.reason_new_episode, e.place,
                                 e.legal_status) for e in history.episodes]
        for y, on in days.items():
            if born > on or not looked_after_on(episodes, on):
                continue
            tally = tallies[y]
            tally.add(LOOKED_AFTER, Outcome.MET, pk)
            items = schedule_rules.schedule(history, today=on, policy=policy, kinds=SCHEDULE_KINDS)
            for indicator, outcome in timeliness(items, age=age_on(born, on)).items():
                tally.add(indicator, outcome, pk)
    return tallies


def _finding(tally: Tally, when: str) -> str:
    children = tally.measure(LOOKED_AFTER).denominator
    if not children:
        return f"No child you can see was looked after on {when}."
    parts = [f"{percent(tally.measure(i))} {what}" for i, what in (
        (Indicator.CLA_REVIEWS, "had their CLA reviews on time"),
        (Indicator.VISITS, "their visits on time"),
        (Indicator.HEALTH, "their health assessments in date"),
        (Indicator.PEP, "their PEPs in date (aged 3 to 17)"),
    )]
    return (f"Of the {children} children looked after on {when}, {', '.join(parts[:-1])} and "
            f"{parts[-1]}.")


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
