"""Care leavers (REFERENCE.md §3.10, §4, §4.1 (d)): in touch, in education, employment or
training, and in suitable accommodation at 17-18, 19-21 and 22-25 (in touch only), from the OC3
records made around each birthday; the care leavers with no record at their birthday; and, for
the care leavers of the day, pathway plans in date and personal advisers allocated.

Five queries, whatever the number of young people: the confirmed OC3 records; the young people of
an age to count, with their last pathway plan and review, whether an adviser is allocated and how
their last period of care ended (SQL subqueries); their episodes; and the two reads of
`care_leaver_statuses_for`. Who is a care leaver and how a record counts are the pure rules'
(`outcomes.rules.care_leaver`, `outcomes.rules.care_leaver_outcomes`), applied in Python because
care-leaver status depends on the whole care history (13 weeks since 14, including after 16).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from outcomes import codes
from outcomes.access import Area
from outcomes.models import (
    Allocation,
    AllocationRole,
    CareLeaverRecord,
    Episode,
    PathwayPlan,
    PathwayPlanReview,
    PeriodOfCare,
    PlanStatus,
    RecordStatus,
    User,
    YoungPerson,
)
from outcomes.rules.care_leaver import CareLeaverCategory, CareSpell
from outcomes.rules.care_leaver_outcomes import (
    AGE_BANDS,
    OLDEST,
    TRANSFERRED,
    YOUNGEST,
    Indicator,
    Record,
    birthday_outcomes,
    counted_yet,
    left_care_as_care_leaver,
    oc3_age,
    pathway_plan_in_date,
)
from outcomes.rules.dates import birthday
from outcomes.rules.indicators import Outcome, reference_day
from outcomes.rules.years import CollectionYear
from outcomes.selectors.care_leavers import care_leaver_statuses_for
from outcomes.selectors.schedule import current_policy

from .base import Chart, Column, Report, Series, Table, Unit
from .tally import (
    Tally,
    change_in_words,
    current_year,
    parse_drill,
    percent,
    percent_points,
    report_people,
)

AREA = Area.CARE_LEAVER
PATHWAY_PLAN = "pathway-plan"
ADVISER = "adviser"
CURRENT_INDICATORS = (PATHWAY_PLAN, ADVISER)
# The care leavers of the day: relevant and former relevant (Children Act 1989 s23A, s23C),
# those who have left care (*choice*: eligible children are still looked after).
CURRENT_CATEGORIES = frozenset({CareLeaverCategory.RELEVANT, CareLeaverCategory.FORMER_RELEVANT})

LABELS = {
    Indicator.IN_TOUCH: "In touch",
    Indicator.EET: "In education, employment or training",
    Indicator.NEET: "Not in education, employment or training",
    Indicator.ACTIVITY_NOT_KNOWN: "Activity not known",
    Indicator.SUITABLE: "In suitable accommodation",
    Indicator.UNSUITABLE: "In unsuitable accommodation",
    Indicator.ACCOMMODATION_NOT_KNOWN: "Accommodation not known",
    Indicator.NO_RECORD: "No record at their birthday",
}
BAND_COLUMNS = (*LABELS, Indicator.EXCLUDED)
TRENDED = (Indicator.IN_TOUCH, Indicator.EET, Indicator.SUITABLE)

DEFINITIONS = (
    "Care leavers are counted at the birthday they reach in the year (1 April to 31 March), by "
    "their age on 31 March: 17 to 18 and 19 to 21 from the record made around the birthday, "
    "22 to 25 from the record made at the latest contact, in touch only (REFERENCE.md §4.1 d1, "
    "§3.10).",
    "Young people who have died (IN_TOUCH DIED) or returned home to their parents for 6 months "
    "or more (RHOM) are left out of every figure and counted on their own; those refusing contact "
    "(REFU) or no longer needing services (NREQ) stay in. Choice: DfE's footnotes leave out only "
    "died, returned home and transferred (§4.1 d2). A young person whose care was transferred to "
    "another authority (REC E3) is not counted.",
    "In touch: IN_TOUCH is YES. Education, employment or training: ACTIV F1, P1, F2, P2, F4, P4, "
    "F5 or P5; not: G4, G5 or G6; 0 is not known. Suitable accommodation: ACCOM ending in 1; "
    "unsuitable: ending in 2; 0 is not known. Activity and accommodation count even when the "
    "authority is not in touch, as a third party may have given them (§4.1 d3, d4).",
    "Who is a care leaver at 17 to 21 (choice): a young person who was an eligible child "
    "(looked after for 13 weeks since 14, including after 16; CPPCR 2010 reg 40, §1.6) and had left "
    "care by the birthday - relevant on the 17th birthday, eligible or relevant the day before the "
    "18th. A 17-year-old still looked after on their birthday is not yet a care leaver. Anyone "
    "with a confirmed record for the birthday counts too.",
    "No record at their birthday (choice): a care leaver with no confirmed record for the "
    "birthday (a draft of their own answers, not yet confirmed by the adviser, does not count) "
    "is not dropped: they stay in the denominators as not in touch, activity not known and "
    "accommodation not known, so a missing record never raises a rate, and are shown as a figure "
    "of their own. An earlier DIED or RHOM record leaves them out instead. At 22 to 25 only young "
    "people with a record are counted, as the record is made at the latest contact of those still "
    "receiving support (§1.6).",
    "Rows with IN_TOUCH, ACTIV and ACCOM all blank ('not required', validator rule 1007) would "
    "leave the denominator (choice in §4.1 (d)); records here always carry the codes, so none "
    "arise.",
    "For the year in progress, a birthday counts once its record is made or due (a month after "
    "the birthday, as the statutory schedule has it; §3.10) (choice).",
    "Care leavers of the day (choice): young people who are relevant or former relevant on "
    "31 March (today for the year in progress), by the care-leaver rules (§1.6). Their pathway "
    "plan is in date when a plan has been agreed and it was agreed or last reviewed no more than "
    "6 months before (reviewed at least every 6 months, CL 2010; §1.7). A personal adviser is "
    "allocated when a personal-adviser allocation is open that day (CL 2010 reg 8; §1.7). A young "
    "person recorded as having died, or whose care was transferred to another authority, is not "
    "counted.",
    "Only young people you may see are counted; a team filter counts only that team's.",
)


@dataclass
class _Person:
    pk: int
    born: dt.date
    transferred: bool
    spells: list[CareSpell]
    records: dict[int, Record]
    care_leaver_at: dict[int, bool]

    def care_leaver(self, age: int) -> bool:
        """Whether their history makes them a care leaver at the birthday at `age` (the answer is
        the same for every age from 18, so it is worked out at most twice)."""
        key = min(age, 18)
        if key not in self.care_leaver_at:
            self.care_leaver_at[key] = left_care_as_care_leaver(
                date_of_birth=self.born, spells=self.spells, age=key)
        return self.care_leaver_at[key]


@dataclass
class _Data:
    years: list[int]
    people: dict[int, _Person]
    current: Tally


def care_leavers_report(*, user: User, year: int | None = None,
                        team_id: int | None = None) -> Report:
    """The care-leaver report for collection `year` (default: the latest year with a record, or
    the year in progress) over the young people `user` may see. Five queries."""
    today = timezone.localdate()
    data = _load(report_people(user=user, area=AREA, team_id=team_id), year=year, today=today)
    year = year or data.years[-1]
    shown = sorted({*data.years, year})
    tallies = {y: _tally(data, y, today=today, pin=None if y == year else y) for y in shown}
    tally, on = tallies[year], reference_day(year, today=today)

    band_table = Table(
        key="age-bands", caption=f"Care leavers by age, birthdays in {CollectionYear(year).label}",
        columns=(Column("band", "Age", numeric=False),
                 *(Column(i.value, LABELS.get(i, "Left out: died or returned home"))
                   for i in BAND_COLUMNS)),
        rows=tuple(
            (band.label, *(
                tally.count(i, group=band.key) if i is Indicator.EXCLUDED
                else tally.measure(i, band.key) if i in band.indicators else None
                for i in BAND_COLUMNS))
            for band in AGE_BANDS),
    )
    current_table = Table(
        key="care-leavers-now", caption=f"Care leavers on {_day(on)} (relevant and former relevant)",
        columns=(Column("indicator", "Indicator", numeric=False),
                 Column("young_people", "Young people")),
        rows=(("Pathway plan in date", data.current.measure(PATHWAY_PLAN)),
              ("Personal adviser allocated", data.current.measure(ADVISER))),
    )
    trend_columns = [(band, i) for band in AGE_BANDS for i in TRENDED if i in band.indicators]
    trend_table = Table(
        key="trend", caption="Care leavers over time",
        columns=(Column("year", "Year", numeric=False),
                 *(Column(f"{i.value}.{band.key}", f"{LABELS[i]}, {band.label.lower()}")
                   for band, i in trend_columns)),
        rows=tuple((CollectionYear(y).label, *(tallies[y].measure(i, band.key) for band, i in trend_columns))
                   for y in shown),
    )
    band_chart = Chart(
        key="age-bands", title=f"Care leavers by age, {CollectionYear(year).label}", kind="bar",
        unit=Unit.PERCENT,
        description=(f"For care leavers with a birthday in {CollectionYear(year).label}, by age: the "
                     "percentage in touch, in education, employment or training, in suitable "
                     "accommodation, and with no record at their birthday. At 22 to 25 only "
                     "'in touch' is reported."),
        series=tuple(Series(LABELS[i], percent_points(
            (band.label, tally.measure(i, band.key) if i in band.indicators else None)
            for band in AGE_BANDS)) for i in (*TRENDED, Indicator.NO_RECORD)),
    )
    trend_charts = tuple(
        Chart(key=f"trend-{band.key}", title=f"Care leavers {band.label.lower()} over time",
              kind="line", unit=Unit.PERCENT,
              description=(f"For care leavers {band.label.lower()}, each year from "
                           f"{CollectionYear(shown[0]).label} to {CollectionYear(shown[-1]).label}: the percentage "
                           "in touch, in education, employment or training, and in suitable "
                           "accommodation."),
              series=tuple(Series(LABELS[i], percent_points(
                  (CollectionYear(y).label, tallies[y].measure(i, band.key)) for y in shown))
                  for i in TRENDED))
        for band in AGE_BANDS[:2])
    return Report(
        key="care-leavers", title="Care leavers", year=year,
        finding=_finding(tally, tallies.get(year - 1), year),
        charts=(band_chart, *trend_charts), tables=(band_table, current_table, trend_table),
        definitions=DEFINITIONS, years_available=tuple(data.years), extra={"on": on},
    )


def care_leavers_children(*, user: User, drill: str, year: int | None,
                          team_id: int | None = None) -> QuerySet[YoungPerson]:
    """The young people behind the figure `drill` of the report for `year`, among those `user`
    may see. KeyError for a drill key the report has no figure for."""
    key = parse_drill(drill, indicators=[*(i.value for i in Indicator), *CURRENT_INDICATORS],
                      groups=[b.key for b in AGE_BANDS])
    bands = {b.key: b for b in AGE_BANDS}
    if (key.indicator in CURRENT_INDICATORS) == bool(key.group) or (
            key.group and key.indicator not in bands[key.group].indicators
            and key.indicator != Indicator.EXCLUDED):
        raise KeyError(drill)  # birthday figures are by age band; the current ones are not
    today = timezone.localdate()
    people = report_people(user=user, area=AREA, team_id=team_id)
    data = _load(people, year=key.year or year, today=today)
    year = key.year or year or data.years[-1]
    tally = data.current if key.indicator in CURRENT_INDICATORS else _tally(data, year,
                                                                             today=today)
    return people.filter(pk__in=tally.children(key.indicator, key.part, key.group))


def _load(people: QuerySet[YoungPerson], *, year: int | None, today: dt.date) -> _Data:
    """The confirmed OC3 records and the years they cover; the young people aged 16 to 25 on
    31 March of any of those years, with their care spells; and the care leavers of the day on
    `year`'s reference day with their pathway plan and adviser. Five queries."""
    records: dict[int, dict[int, Record]] = defaultdict(dict)
    record_years = set()
    for pk, age, in_touch, activity, accommodation, born in (
        CareLeaverRecord.objects.filter(young_person__in=people.values("pk"),
                                        status=RecordStatus.CONFIRMED)
        .values_list("young_person_id", "age", "in_touch", "activity", "accommodation",
                     "young_person__date_of_birth")
    ):
        records[pk][age] = Record(in_touch, activity, accommodation)
        record_years.add(CollectionYear.of(birthday(born, age)).year)
    now = current_year()
    years = list(range(min(record_years), now + 1)) if record_years else [now]
    year = year or years[-1]
    first, last = min(years[0], year), max(years[-1], year)
    on = reference_day(year, today=today)

    of_age = people.filter(date_of_birth__gt=dt.date(first - OLDEST - 1, 3, 31),
                           date_of_birth__lte=dt.date(last - YOUNGEST + 1, 3, 31))
    rows = (of_age.only("id", "date_of_birth").annotate(
        last_plan=Subquery(PathwayPlan.objects.filter(
            young_person=OuterRef("pk"), status__in=[PlanStatus.AGREED, PlanStatus.SUPERSEDED],
            agreed_on__lte=on).order_by("-agreed_on").values("agreed_on")[:1]),
        last_review=Subquery(PathwayPlanReview.objects.filter(
            young_person=OuterRef("pk"), held_on__lte=on).order_by("-held_on")
            .values("held_on")[:1]),
        adviser=Exists(Allocation.objects.current(on).filter(
            young_person=OuterRef("pk"), role=AllocationRole.PERSONAL_ADVISER)),
        last_period_reason=Subquery(PeriodOfCare.objects.filter(young_person=OuterRef("pk"))
                                    .order_by("-started_on").values("reason_ceased")[:1]),
    ).order_by())
    objects = list(rows)
    spells: dict[int, list[CareSpell]] = defaultdict(list)
    for pk, start, end, legal_status in Episode.objects.filter(
            young_person__in=of_age.values("pk")).values_list(
            "young_person_id", "started_on", "ended_on", "legal_status"):
        spells[pk].append(CareSpell(start, end, legal_status in codes.SHORT_BREAK_LEGAL_STATUSES))
    people_by_pk = {
        p.pk: _Person(p.pk, p.date_of_birth, p.last_period_reason == TRANSFERRED, spells[p.pk],
                      records[p.pk], {})
        for p in objects
    }

    current = Tally()
    statuses = care_leaver_statuses_for(
        young_people=[p for p in objects if p.date_of_birth <= on], on=on)
    for p in objects:
        status = statuses.get(p.pk)
        person = people_by_pk[p.pk]
        if (status is None or status.category not in CURRENT_CATEGORIES or person.transferred
                or any(r.in_touch == "DIED" for r in person.records.values())):
            continue
        last = max(filter(None, (p.last_plan, p.last_review))) if p.last_plan else None
        in_date = pathway_plan_in_date(last_agreed_or_reviewed=last, on=on)
        current.add(PATHWAY_PLAN, Outcome.MET if in_date else Outcome.NOT_MET, p.pk)
        current.add(ADVISER, Outcome.MET if p.adviser else Outcome.NOT_MET, p.pk)
    return _Data(years, people_by_pk, current)


def _tally(data: _Data, year: int, *, today: dt.date, pin: int | None = None) -> Tally:
    tally = Tally(pin)
    months = current_policy().care_leaver_record_months_after_birthday
    for person in data.people.values():
        age = oc3_age(person.born, year)
        if age is None or not YOUNGEST <= age <= OLDEST or not counted_yet(
                date_of_birth=person.born, age=age, has_record=age in person.records,
                today=today, months_to_record=months):
            continue
        counted = birthday_outcomes(age=age, care_leaver=person.care_leaver(age),
                                    records=person.records, transferred=person.transferred)
        if counted is None:
            continue
        for indicator, outcome in counted.outcomes.items():
            tally.add(indicator, outcome, person.pk, groups=(counted.band.key,))
    return tally


def _finding(tally: Tally, previous: Tally | None, year: int) -> str:
    for band in AGE_BANDS[1::-1]:  # 19-21, the headline age, else 17-18
        eet = tally.measure(Indicator.EET, band.key)
        if not eet.denominator:
            continue
        suitable = tally.measure(Indicator.SUITABLE, band.key)
        missing = tally.measure(Indicator.NO_RECORD, band.key).numerator
        before = previous.measure(Indicator.EET, band.key) if previous else None
        return (f"Of the {eet.denominator} care leavers {band.label.lower()} with a birthday in "
                f"{CollectionYear(year).label}, {percent(eet)} were in education, employment or "
                f"training{change_in_words(eet, before, CollectionYear(year - 1).label)} and "
                f"{percent(suitable)} in suitable accommodation; {missing} had no "
                "record at their birthday.")
    return f"No care leaver you can see had a 17th to 21st birthday in {CollectionYear(year).label}."


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
