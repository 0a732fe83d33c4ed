"""Report 1, the attainment gap: the authority's children in care against the national figures for
KS2 (reading, writing and maths at the expected standard) and KS4 (Attainment 8; English and maths
at grade 4+ and 5+), year by year, with breakdowns and the children behind each figure.

Year convention: `year` is the academic year ending in `year` (2025 = 2024/25, the KS2 tests and
GCSEs of summer 2025, `KS2Result.academic_year`), matched with the children in the cohort at
31 March of the same calendar year, the end of the SSDA903 collection year `year`
(`rules.years.CollectionYear`). This is how DfE's "Outcomes for children in need, including
children looked after" joins results to the social-care group "at 31 March" (REFERENCE.md §4).

Figures come from SQL: the cohort rules are `Exists` subqueries and every figure a `Count`/`Sum`
grouped by year or by a breakdown, so the number of queries does not grow with the cohort. Only
placement moves and the placement type on 31 March are worked out in Python, from one query over
the cohort's episodes, by the pure rules in `outcomes.rules.placements` (REFERENCE.md §4.1), so
this report and the placement-stability report count moves the same way. The SQL cohort rules are
the twins of `looked_after_on` / `looked_after_continuously` there; tests hold them to the same
table of cases.

Drill keys (`attainment_gap_children`): `<stage>[.<dimension>.<value>][:<measure>][@<year>]`,
e.g. `ks2` (the KS2 cohort), `ks2:rwm` (those at the expected standard in all three),
`ks4.moves.3+:em5`, `ks4.school.100001`, `ks2:rwm@2023` (a trend row pins its own year).
Stages `ks2`, `ks4`; dimensions `moves` (0, 1, 2, 3+), `type` (a `PlacementGroup` or `unknown`),
`sen` (a `SENStatus`), `sex` (M, F, U), `school` (a URN or `none`); measures `rwm` (KS2) and
`em4`, `em5` (KS4). A Measure's drill lists its numerator; a count or average lists its cohort.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    BenchmarkCohort,
    BenchmarkMeasure,
    Episode,
    KS2Result,
    KS4Result,
    NationalBenchmark,
    SchoolEnrolment,
    SENStatus,
    Sex,
    User,
    YoungPerson,
)
from outcomes.models.education import academic_year_label
from outcomes.rules.placements import (
    EPISODE_FIELDS,
    SHORT_BREAK_LEGAL_STATUSES,
    PlacementGroup,
    moves_during,
    placement_group,
    placement_on,
)
from outcomes.rules.years import CollectionYear

from .base import (
    Chart,
    Column,
    Figure,
    Measure,
    Report,
    Series,
    Table,
    Unit,
)

AT_31_MARCH = "at_31_march"
TWELVE_MONTHS = "twelve_months"
COHORTS = (AT_31_MARCH, TWELVE_MONTHS)

# The national figure each cohort is compared with besides all pupils (REFERENCE.md §4).
NATIONAL_CLA = {AT_31_MARCH: BenchmarkCohort.CLA_31_MARCH,
                TWELVE_MONTHS: BenchmarkCohort.CLA_12_MONTHS}
# The gap is measured against all pupils (DfE's "all pupils comparison"); the older releases
# (2017, 2018) give pupils not looked after instead, which is used only where all pupils is missing.
COMPARATORS = (BenchmarkCohort.ALL_PUPILS, BenchmarkCohort.NON_CLA)
COMPARATOR_NAMES = {BenchmarkCohort.ALL_PUPILS: "all pupils",
                    BenchmarkCohort.NON_CLA: "pupils not looked after"}

MOVE_BANDS = ("0", "1", "2", "3+")
UNKNOWN = "unknown"
NO_SCHOOL = "none"
TENTH = Decimal("0.1")

# KS2 tests and GCSEs are sat in May and June: a child's school for the breakdown is the one they
# were on the roll of on 31 May of the results year (*choice*), the one joined last if several.
SCHOOL_DAY = (5, 31)

STAGES = ("ks2", "ks4")
DIMENSIONS = ("moves", "type", "sen", "sex", "school")
STAGE_MEASURES = {"ks2": ("rwm",), "ks4": ("em4", "em5")}
MEASURE_FILTERS = {
    "rwm": Q(reading_expected=True, writing_expected=True, maths_expected=True),
    "em4": Q(english_grade__gte=4, maths_grade__gte=4),
    "em5": Q(english_grade__gte=5, maths_grade__gte=5),
}
MEASURE_BENCHMARKS = {
    "rwm": BenchmarkMeasure.KS2_RWM_EXPECTED,
    "a8": BenchmarkMeasure.KS4_ATTAINMENT8,
    "em4": BenchmarkMeasure.KS4_EM_GRADE4,
    "em5": BenchmarkMeasure.KS4_EM_GRADE5,
}
MEASURE_NAMES = {
    "rwm": "KS2 reading, writing and maths at the expected standard",
    "a8": "KS4 Attainment 8",
    "em4": "KS4 English and maths at grade 4 or above",
    "em5": "KS4 English and maths at grade 5 or above",
}
MEASURE_SHORT = {"rwm": "KS2 reading, writing and maths", "a8": "Attainment 8",
                 "em4": "English and maths grade 4+", "em5": "English and maths grade 5+"}
MEASURE_UNITS = {"rwm": Unit.PERCENT, "a8": Unit.POINTS, "em4": Unit.PERCENT,
                 "em5": Unit.PERCENT}
GAP_UNITS = {Unit.PERCENT: Unit.PP, Unit.POINTS: Unit.POINTS}
MODELS = {"ks2": KS2Result, "ks4": KS4Result}


# --- the cohort in SQL ---------------------------------------------------------------------


def _episodes_of(ref: str) -> QuerySet[Episode]:
    return Episode.objects.filter(young_person_id=OuterRef(ref))


def _looked_after_on(day: dt.date, ref: str) -> Exists:
    """SQL twin of `rules.placements.looked_after_on` (§4.1 "CLA at 31 March")."""
    return Exists(_episodes_of(ref).looked_after_on(day))


def _looked_after_continuously(start: dt.date, end: dt.date, ref: str) -> Q:
    """SQL twin of `rules.placements.looked_after_continuously` (§4.1 c3)."""
    spanning = _episodes_of(ref).open_during(start, end)
    successor = Episode.objects.filter(young_person_id=OuterRef("young_person_id"),
                                       started_on=OuterRef("ended_on"))
    return (
        Q(_looked_after_on(start, ref))
        & Q(_looked_after_on(end, ref))
        & ~Q(Exists(spanning.filter(legal_status__in=SHORT_BREAK_LEGAL_STATUSES)))
        & ~Q(Exists(spanning.filter(reason_new_episode="S", started_on__gt=start)))
        & ~Q(Exists(spanning.filter(ended_on__lt=end).filter(
            ~Q(reason_ceased="X1") | ~Q(Exists(successor)))))
    )


def _in_cohort(cohort: str, year: int, ref: str = "young_person_id") -> Q:
    start, end = CollectionYear(year).bounds
    if cohort == TWELVE_MONTHS:
        return _looked_after_continuously(start, end, ref)
    return Q(_looked_after_on(end, ref))


def _check_cohort(cohort: str) -> str:
    if cohort not in COHORTS:
        raise ValueError(f"Unknown cohort {cohort!r}: use one of {', '.join(COHORTS)}.")
    return cohort


def _scope(user: User, team_id: int | None) -> QuerySet[YoungPerson]:
    if not access.sees_reports(user, "attainment-gap"):
        raise access.NotVisible
    people = access.young_people_visible_to(user, Area.EDUCATION)
    return people.filter(team_id=team_id) if team_id is not None else people


def _results(stage: str, scope: QuerySet[YoungPerson], cohort: str,
             years: Iterable[int]) -> QuerySet:
    """The stage's results in `years`, each of a child in the cohort of its own year."""
    years = sorted(set(years))
    if not years:
        return MODELS[stage].objects.none()
    in_cohort = reduce(or_, (Q(academic_year=y) & _in_cohort(cohort, y) for y in years))
    return (MODELS[stage].objects.filter(young_person__in=scope.values("pk"),
                                         academic_year__in=years)
            .filter(in_cohort).order_by())


def _years_with_results(scope: QuerySet[YoungPerson]) -> tuple[int, ...]:
    ids = scope.values("pk")
    ks2 = KS2Result.objects.filter(young_person__in=ids).order_by().values_list("academic_year")
    ks4 = KS4Result.objects.filter(young_person__in=ids).order_by().values_list("academic_year")
    return tuple(sorted({y for (y,) in ks2.union(ks4)}))


def _last_academic_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


# --- placement moves and type on 31 March (Python, by the shared rules) --------------------


@dataclass(frozen=True)
class _Placements:
    moves: dict[int, str]      # child id -> "0", "1", "2", "3+"
    group: dict[int, str]      # child id -> PlacementGroup value or "unknown"

    def ids(self, dimension: str, value: str) -> list[int]:
        found = self.moves if dimension == "moves" else self.group
        return sorted(pk for pk, v in found.items() if v == value)


def _placements(children: QuerySet, year: int) -> _Placements:
    """Moves in the collection year and the placement on 31 March of each child, one query."""
    start, end = CollectionYear(year).bounds
    episodes: dict[int, list[tuple]] = defaultdict(list)
    for child, *row in (Episode.objects.filter(young_person_id__in=children, started_on__lte=end)
                        .order_by().values_list("young_person_id", *EPISODE_FIELDS)):
        episodes[child].append(tuple(row))
    moves, group = {}, {}
    for child, rows in episodes.items():
        moves[child] = MOVE_BANDS[min(moves_during(rows, start, end), 3)]
        placement = placement_on(rows, end)
        group[child] = placement_group(placement.current_place).value if placement else UNKNOWN
    return _Placements(moves, group)


def _cohort_children(scope: QuerySet[YoungPerson], cohort: str, year: int,
                     stages: Iterable[str] = STAGES) -> QuerySet:
    """The ids of the children with results of `year` in the cohort, as a subquery."""
    return YoungPerson.objects.filter(reduce(or_, (
        Q(pk__in=_results(s, scope, cohort, [year]).values("young_person_id")) for s in stages
    ))).values("pk")


# --- aggregation ---------------------------------------------------------------------------


def _aggregates(stage: str) -> dict:
    counts = {"n": Count("pk")}
    if stage == "ks4":
        counts["a8_sum"] = Sum("attainment8")
    for measure in STAGE_MEASURES[stage]:
        counts[measure] = Count("pk", filter=MEASURE_FILTERS[measure])
    return counts


def _school_subquery(year: int, field: str) -> Subquery:
    day = dt.date(year, *SCHOOL_DAY)
    return Subquery(SchoolEnrolment.objects.filter(
        young_person_id=OuterRef("young_person_id"), started_on__lte=day,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .order_by("-started_on", "-pk").values(field)[:1])


def _with_dimension(results: QuerySet, dimension: str, year: int,
                    placements: _Placements | None) -> QuerySet:
    """`results` annotated with `key` (the breakdown group) and, for schools, `school_name`."""
    if dimension in ("moves", "type"):
        default = "0" if dimension == "moves" else UNKNOWN
        values = MOVE_BANDS if dimension == "moves" else [g.value for g in PlacementGroup]
        whens = [When(young_person_id__in=ids, then=Value(v))
                 for v in values if v != default and (ids := placements.ids(dimension, v))]
        return results.annotate(key=Case(*whens, default=Value(default)) if whens
                                else Value(default))
    if dimension == "sen":
        return results.annotate(key=F("sen_status"))
    if dimension == "sex":
        return results.annotate(key=F("young_person__sex"))
    return results.annotate(key=_school_subquery(year, "urn"),
                            school_name=_school_subquery(year, "school_name"))


def _percent(n: int, d: int) -> Decimal | None:
    return Measure(n, d).percent


def _average(total: Decimal | None, n: int) -> Decimal | None:
    if not n or total is None:
        return None
    return (Decimal(total) / n).quantize(TENTH, rounding=ROUND_HALF_UP)


def _gap(national: Decimal | None, ours: Decimal | None) -> Decimal | None:
    """National minus the children in care: positive when children in care are behind."""
    if national is None or ours is None:
        return None
    return national - ours


# --- national benchmarks -------------------------------------------------------------------


@dataclass(frozen=True)
class _National:
    value: Decimal | None
    comparator: str          # BenchmarkCohort value, "" when none


def _benchmarks(years: Iterable[int]) -> dict[tuple[int, str, str], Decimal]:
    rows = NationalBenchmark.objects.filter(
        academic_year__in=list(years), measure__in=list(MEASURE_BENCHMARKS.values()),
    ).values_list("academic_year", "measure", "cohort", "value")
    return {(y, m, c): v.quantize(TENTH, rounding=ROUND_HALF_UP) for y, m, c, v in rows}


def _default_year(available: tuple[int, ...], benchmarks: dict) -> int:
    """The year a report opens on: the latest with results that England's figures have been
    published for (national figures come out months after the local results), else the latest
    with results, else the last academic year."""
    compared = sorted({y for (y, _, c) in benchmarks if c in COMPARATORS} & set(available))
    return (compared or available or (_last_academic_year(),))[-1]


def _comparator(benchmarks: dict, year: int, measure: str) -> _National:
    for cohort in COMPARATORS:
        value = benchmarks.get((year, MEASURE_BENCHMARKS[measure], cohort))
        if value is not None:
            return _National(value, cohort)
    return _National(None, "")


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _YearFigures:
    year: int
    ks2: dict          # n, rwm
    ks4: dict          # n, a8_sum, em4, em5

    def value(self, measure: str) -> Decimal | None:
        if measure == "rwm":
            return _percent(self.ks2["rwm"], self.ks2["n"])
        if measure == "a8":
            return _average(self.ks4["a8_sum"], self.ks4["n"])
        return _percent(self.ks4[measure], self.ks4["n"])

    def cell(self, measure: str, drill_suffix: str = "") -> Measure | Figure:
        if measure == "rwm":
            return Measure(self.ks2["rwm"], self.ks2["n"], f"ks2:rwm{drill_suffix}")
        if measure == "a8":
            return Figure(self.value("a8"), Unit.POINTS, f"ks4{drill_suffix}", self.ks4["n"])
        return Measure(self.ks4[measure], self.ks4["n"], f"ks4:{measure}{drill_suffix}")


EMPTY = {"ks2": {"n": 0, "rwm": 0}, "ks4": {"n": 0, "a8_sum": None, "em4": 0, "em5": 0}}


def _by_year(scope: QuerySet[YoungPerson], cohort: str,
             years: tuple[int, ...]) -> dict[int, _YearFigures]:
    found: dict[str, dict[int, dict]] = {}
    for stage in STAGES:
        rows = (_results(stage, scope, cohort, years).values("academic_year")
                .annotate(**_aggregates(stage)))
        found[stage] = {r.pop("academic_year"): r for r in rows}
    return {y: _YearFigures(y, found["ks2"].get(y, EMPTY["ks2"]),
                            found["ks4"].get(y, EMPTY["ks4"])) for y in years}


@dataclass(frozen=True)
class _Trend:
    """A measure's gap this year and in the first year with a gap (`since`, None if none)."""

    measure: str
    year: int
    gap: Decimal | None
    since: int | None = None
    gap_then: Decimal | None = None

    @property
    def unit(self) -> str:
        return "points" if self.measure == "a8" else "percentage points"

    @property
    def change(self) -> Decimal | None:
        return None if self.since is None else self.gap - self.gap_then

    @property
    def closed(self) -> bool:
        return self.since is not None and self.gap < 0 <= self.gap_then

    @property
    def words(self) -> str:
        """'grew by 2.1 points since 2021/22' (only when there is an earlier year)."""
        since = academic_year_label(self.since) if self.since else ""
        if self.change == 0:
            return f"has not changed since {since}"
        verb = "grew" if self.change > 0 else "narrowed"
        return f"{verb} by {abs(self.change)} {self.unit} since {since}"

    @property
    def sentence(self) -> str:
        if self.gap is None:
            return "No gap this year (no results or no national figure)."
        if self.since is None:
            return "No earlier year to compare with."
        if self.closed:
            return (f"The gap has closed since {academic_year_label(self.since)}: children in "
                    f"care are now {-self.gap} {self.unit} ahead.")
        return f"The gap {self.words}."


def _trend(measure: str, figures: dict[int, _YearFigures], benchmarks: dict,
           year: int) -> _Trend:
    """The gap's change from the first year with a gap up to `year`."""
    gaps = {y: _gap(_comparator(benchmarks, y, measure).value, f.value(measure))
            for y, f in figures.items() if y <= year}
    gaps = {y: g for y, g in gaps.items() if g is not None}
    if year not in gaps:
        return _Trend(measure, year, None)
    first = min(gaps)
    if first == year:
        return _Trend(measure, year, gaps[year])
    return _Trend(measure, year, gaps[year], first, gaps[first])


def _trend_sentence(measure: str, figures: dict[int, _YearFigures], benchmarks: dict,
                    year: int) -> str:
    return _trend(measure, figures, benchmarks, year).sentence


def _finding(figures: dict[int, _YearFigures], benchmarks: dict, year: int,
             cohort_name: str) -> str:
    """One sentence: the Attainment 8 gap and its trend, else KS2's, else grade 4+'s."""
    label = academic_year_label(year)
    current = figures.get(year)
    for measure in ("a8", "rwm", "em4"):
        trend = _trend(measure, figures, benchmarks, year)
        if trend.gap is None:
            continue
        versus = COMPARATOR_NAMES[_comparator(benchmarks, year, measure).comparator]
        name = MEASURE_SHORT[measure] if measure == "a8" else MEASURE_NAMES[measure]
        side = "below" if trend.gap >= 0 else "above"
        if trend.since is None:
            return (f"In {label} {cohort_name} were {abs(trend.gap)} {trend.unit} {side} "
                    f"{versus} in {name}.")
        if trend.closed:
            return (f"The gap in {name} between {cohort_name} and {versus} has closed since "
                    f"{academic_year_label(trend.since)}: in {label} {cohort_name} were "
                    f"{-trend.gap} {trend.unit} above.")
        joined = ":" if trend.change == 0 else ", to"
        return (f"The gap in {name} between {cohort_name} and {versus} {trend.words}{joined} "
                f"{trend.gap} {trend.unit} in {label}.")
    if current and (current.ks2["n"] or current.ks4["n"]):
        return f"No national figure is recorded for {label}, so no gap can be given."
    return f"No key stage 2 or 4 results are recorded for {cohort_name} in {label}."


# --- tables and charts ---------------------------------------------------------------------


def _summary_tables(current: _YearFigures, figures: dict, benchmarks: dict, cohort: str,
                    year: int) -> tuple[Table, Table]:
    """The year against England: the shares of pupils reaching a standard (Measures), and
    Attainment 8 (an average), in two tables so each column holds one kind of figure."""

    def comparison(measure: str) -> tuple:
        unit = MEASURE_UNITS[measure]
        national = _comparator(benchmarks, year, measure)
        national_cla = benchmarks.get((year, MEASURE_BENCHMARKS[measure], NATIONAL_CLA[cohort]))
        return (
            Figure(national.value, unit),
            COMPARATOR_NAMES.get(national.comparator, "none recorded"),
            Figure(national_cla, unit),
            Figure(_gap(national.value, current.value(measure)), GAP_UNITS[unit]),
            _trend_sentence(measure, figures, benchmarks, year),
        )

    label = academic_year_label(year)
    # The national figures' year is said with them: "England, 2023/24".
    against = (
        Column("national", f"England, {label}"),
        Column("comparator", "England: which pupils", numeric=False),
        Column("national_cla", f"England, {label}: children in care, same cohort rule"),
        Column("gap", "Gap"),
        Column("trend", "Trend", numeric=False),
    )
    shares = Table(
        key="summary", caption=f"Children in care reaching each standard against England, {label}",
        columns=(Column("measure", "Measure", numeric=False),
                 Column("cohort", "Children in care (this authority)"), *against),
        rows=tuple((MEASURE_NAMES[m], current.cell(m), *comparison(m))
                   for m in ("rwm", "em4", "em5")),
    )
    pupils = current.ks4["n"]
    attainment8 = Table(
        key="attainment8", caption=f"Attainment 8 of children in care against England, {label}",
        columns=(Column("measure", "Measure", numeric=False), Column("pupils", "KS4 pupils"),
                 Column("cohort", "Children in care (this authority)"), *against),
        rows=((MEASURE_NAMES["a8"], Figure(Decimal(pupils), Unit.COUNT, "ks4", pupils),
               current.cell("a8"), *comparison("a8")),),
    )
    return shares, attainment8


def _trend_table(figures: dict[int, _YearFigures], benchmarks: dict, year: int) -> Table:
    columns = [Column("year", "Academic year", numeric=False)]
    for measure in ("rwm", "a8", "em4", "em5"):
        short = MEASURE_SHORT[measure]
        columns += [Column(measure, f"{short}: children in care"),
                    Column(f"{measure}_national", f"{short}: England"),
                    Column(f"{measure}_gap", f"{short}: gap")]
    rows = []
    for y, f in sorted(figures.items()):
        row: list = [academic_year_label(y)]
        for measure in ("rwm", "a8", "em4", "em5"):
            unit = MEASURE_UNITS[measure]
            national = _comparator(benchmarks, y, measure).value
            row += [f.cell(measure, "" if y == year else f"@{y}"), Figure(national, unit),
                    Figure(_gap(national, f.value(measure)), GAP_UNITS[unit])]
        rows.append(tuple(row))
    return Table(key="trend", caption="The gap over the years", columns=tuple(columns),
                 rows=tuple(rows))


def _trend_charts(figures: dict[int, _YearFigures], benchmarks: dict, year: int,
                  cohort_name: str) -> tuple[Chart, ...]:
    years = sorted(figures)
    charts = []
    for key, measures, unit in (("ks2-trend", ("rwm",), Unit.PERCENT),
                                ("a8-trend", ("a8",), Unit.POINTS),
                                ("em-trend", ("em4", "em5"), Unit.PERCENT)):
        series = []
        for measure in measures:
            short = MEASURE_SHORT[measure]
            series.append(Series(f"{short}: {cohort_name}", tuple(
                (academic_year_label(y), figures[y].value(measure)) for y in years)))
            series.append(Series(f"{short}: England", tuple(
                (academic_year_label(y), _comparator(benchmarks, y, measure).value)
                for y in years)))
        words = " ".join(f"{MEASURE_SHORT[m]}: "
                         f"{_trend_sentence(m, figures, benchmarks, year)}" for m in measures)
        title = " and ".join(MEASURE_NAMES[m] for m in measures)
        charts.append(Chart(
            key=key, title=f"{title}, by year", kind="line", unit=unit, series=tuple(series),
            description=(f"Line chart of {title.lower()} for {cohort_name} in this authority "
                         f"and for England, by academic year. {words}"),
        ))
    return tuple(charts)


@dataclass(frozen=True)
class _Group:
    key: str
    label: str
    ks2: dict
    ks4: dict


def _breakdown(dimension: str, scope, cohort: str, year: int,
               placements: _Placements | None) -> list[_Group]:
    found: dict[str, dict[str, dict]] = {"ks2": {}, "ks4": {}}
    labels: dict[str, str] = {}
    for stage in STAGES:
        results = _with_dimension(_results(stage, scope, cohort, [year]), dimension, year,
                                  placements)
        # A school is its URN; should two names be recorded for one URN, one of them is shown.
        named = {"label": Min("school_name")} if dimension == "school" else {}
        for row in results.values("key").annotate(**named, **_aggregates(stage)):
            key = row.pop("key") or (NO_SCHOOL if dimension == "school" else UNKNOWN)
            labels[key] = row.pop("label", None) or labels.get(key) or ""
            found[stage][key] = row
    keys = _ordered_keys(dimension, set(found["ks2"]) | set(found["ks4"]), labels)
    return [_Group(k, _label(dimension, k, labels), found["ks2"].get(k, EMPTY["ks2"]),
                   found["ks4"].get(k, EMPTY["ks4"])) for k in keys]


def _ordered_keys(dimension: str, keys: set[str], labels: dict[str, str]) -> list[str]:
    if dimension == "moves":
        return list(MOVE_BANDS)       # every band, even an empty one, so the chart reads 0..3+
    order = {
        "type": [*(g.value for g in PlacementGroup), UNKNOWN],
        "sen": list(SENStatus.values),
        "sex": list(Sex.values),
    }.get(dimension)
    if order is not None:
        return [k for k in order if k in keys] + sorted(keys - set(order))
    return sorted(keys, key=lambda k: (k == NO_SCHOOL, labels.get(k, "").lower(), k))


def _label(dimension: str, key: str, labels: dict[str, str]) -> str:
    if dimension == "moves":
        return {"0": "No moves", "1": "1 move"}.get(key, f"{key} moves")
    if dimension == "type":
        return PlacementGroup(key).label if key != UNKNOWN else "Not known"
    if dimension == "sen":
        return dict(SENStatus.choices).get(key, key)
    if dimension == "sex":
        return dict(Sex.choices).get(key, key)
    if key == NO_SCHOOL:
        return "No school recorded"
    return f"{labels.get(key) or 'School'} ({key})"


BREAKDOWN_TITLES = {
    "moves": "placement moves in the year",
    "type": "placement type on 31 March",
    "sen": "special educational needs",
    "sex": "sex",
    "school": "school",
}


def _breakdown_table(dimension: str, groups: list[_Group], benchmarks: dict, year: int) -> Table:
    rwm_national = _comparator(benchmarks, year, "rwm").value
    a8_national = _comparator(benchmarks, year, "a8").value
    rows = []
    for g in groups:
        prefix = f".{dimension}.{g.key}"
        figures = _YearFigures(year, g.ks2, g.ks4)
        rows.append((
            g.label,
            Figure(Decimal(g.ks2["n"]), Unit.COUNT, f"ks2{prefix}", g.ks2["n"]),
            Measure(g.ks2["rwm"], g.ks2["n"], f"ks2{prefix}:rwm"),
            Figure(_gap(rwm_national, figures.value("rwm")), Unit.PP),
            Figure(Decimal(g.ks4["n"]), Unit.COUNT, f"ks4{prefix}", g.ks4["n"]),
            Figure(figures.value("a8"), Unit.POINTS, f"ks4{prefix}", g.ks4["n"]),
            Figure(_gap(a8_national, figures.value("a8")), Unit.POINTS),
            Measure(g.ks4["em4"], g.ks4["n"], f"ks4{prefix}:em4"),
            Measure(g.ks4["em5"], g.ks4["n"], f"ks4{prefix}:em5"),
        ))
    return Table(
        key=f"by-{dimension}",
        caption=f"By {BREAKDOWN_TITLES[dimension]}, {academic_year_label(year)}",
        columns=(
            Column("group", BREAKDOWN_TITLES[dimension].capitalize(), numeric=False),
            Column("ks2_n", "KS2 pupils"),
            Column("rwm", "KS2 reading, writing and maths"),
            Column("rwm_gap", f"KS2 gap to England, {academic_year_label(year)}"),
            Column("ks4_n", "KS4 pupils"),
            Column("a8", "Attainment 8"),
            Column("a8_gap", f"Attainment 8 gap to England, {academic_year_label(year)}"),
            Column("em4", "English and maths 4+"),
            Column("em5", "English and maths 5+"),
        ),
        rows=tuple(rows),
    )


def _breakdown_chart(dimension: str, groups: list[_Group], year: int,
                     cohort_name: str) -> Chart:
    series = []
    for measure in ("rwm", "em4", "em5"):
        series.append(Series(MEASURE_SHORT[measure], tuple(
            (g.label, _YearFigures(year, g.ks2, g.ks4).value(measure)) for g in groups)))
    return Chart(
        key=f"by-{dimension}-chart",
        title=f"Attainment by {BREAKDOWN_TITLES[dimension]}, {academic_year_label(year)}",
        description=(f"Bar chart of the percentage of {cohort_name} reaching the expected standard "
                     f"in KS2 reading, writing and maths, and English and maths at grade 4 and 5 "
                     f"at KS4, by {BREAKDOWN_TITLES[dimension]}. The table below gives the same "
                     "figures with the number of pupils."),
        kind="bar", unit=Unit.PERCENT, series=tuple(series),
    )


def _definitions(cohort: str, year: int) -> tuple[str, ...]:
    start, end = CollectionYear(year).bounds
    day = f"{end:%-d %B %Y}"
    if cohort == TWELVE_MONTHS:
        rule = (f"Cohort: children looked after continuously for 12 months at {day}, from "
                f"{start:%-d %B %Y} (REFERENCE.md §4.1 c3): a period of care starting on 1 April "
                "counts as the whole year and an episode ending on 31 March does not break it; "
                "an RNE S after the start, an end other than X1 before 31 March, a gap or a short "
                "break (V3/V4) does. This is the cohort of DfE's 'Outcomes for children looked "
                "after' up to the 2019 data; the England children-in-care figure compared is the "
                "12-month one.")
    else:
        rule = (f"Cohort: children looked after at {day}, however long (REFERENCE.md §4 and §4.1 "
                "'CLA at 31 March'): an episode other than a short break (V3/V4) that started on "
                "or before 31 March and had not ended before it; a child whose care ended on 31 "
                "March is counted. This is the group DfE's current 'Outcomes for children in "
                "need, including children looked after' compares (since the 2020 release); the "
                "England children-in-care figure compared is 'CLA at 31 March'.")
    return (
        rule,
        f"Year: {academic_year_label(year)} results (KS2 tests and GCSEs of summer {year}) of "
        f"children in the cohort at {day}, the end of the SSDA903 collection year "
        f"{start:%-d %B %Y} to {day}, as DfE matches results to children looked after at 31 "
        "March.",
        "KS2: reading, writing (teacher assessment) and maths all at the expected standard "
        "(REFERENCE.md §4). KS4: Attainment 8 averaged over the cohort (points, out of 90 since "
        "2018); English and maths both at grade 4 or above, and both at grade 5 or above.",
        "England: all pupils (DfE's 'all pupils comparison', REFERENCE.md §5); where only pupils "
        "not looked after is recorded (2017 and 2018 Attainment 8) that is compared and named. "
        "The gap is England minus children in care, worked out from the rounded figures shown: "
        "positive means children in care are behind. 2020 and 2021 results were teacher-assessed "
        "and are not comparable with other years.",
        "Placement moves in the year (1 April to 31 March, REFERENCE.md §4.1): a placement starts "
        "with RNE P or B; L, T and U keep the same carer. Temporary placements (T0-T4) and the "
        "return from them are not moves, short breaks (V3/V4) are left out, placement for "
        "adoption with the current foster carer (A3/A5) is not a move, and entering care is not "
        "a move.",
        "Placement type: the placement on 31 March (the usual one during a temporary placement), "
        "grouped as the statistics group placement types (REFERENCE.md §3.5).",
        "SEN: the status recorded with the result. School: the school the child was on the roll "
        "of on 31 May of the results year (the one joined last if several).",
        "Figures cover only the young people you may see, and the team chosen.",
    )


def attainment_gap_report(*, user: User, year: int | None = None, team_id: int | None = None,
                          cohort: str = AT_31_MARCH) -> Report:
    """The attainment gap between the children in care the user may see and England, for the
    academic year ending in `year` (default: the latest with results and England's figures), with its trend and
    breakdowns. Raises NotVisible for a user who does not see reports; a fixed number of queries."""
    _check_cohort(cohort)
    scope = _scope(user, team_id)
    available = _years_with_results(scope)
    benchmarks = None
    if year is None:
        benchmarks = _benchmarks(available)
        year = _default_year(available, benchmarks)
    years = tuple(sorted({*available, year}))
    figures = _by_year(scope, cohort, years)
    if benchmarks is None or year not in available:
        benchmarks = _benchmarks(years)
    cohort_name = ("children looked after for 12 months" if cohort == TWELVE_MONTHS
                   else "children in care")
    placements = _placements(_cohort_children(scope, cohort, year), year)
    tables = [*_summary_tables(figures[year], figures, benchmarks, cohort, year),
              _trend_table(figures, benchmarks, year)]
    charts = list(_trend_charts(figures, benchmarks, year, cohort_name))
    for dimension in DIMENSIONS:
        groups = _breakdown(dimension, scope, cohort, year, placements)
        tables.append(_breakdown_table(dimension, groups, benchmarks, year))
        if dimension != "school":
            charts.append(_breakdown_chart(dimension, groups, year, cohort_name))
    return Report(
        key="attainment-gap",
        title="Attainment gap",
        year=year,
        finding=_finding(figures, benchmarks, year, cohort_name),
        charts=tuple(charts),
        tables=tuple(tables),
        definitions=_definitions(cohort, year),
        years_available=available,
        extra={"cohort": cohort, "cohorts": COHORTS, "team_id": team_id,
               "trend": {m: _trend_sentence(m, figures, benchmarks, year)
                         for m in ("rwm", "a8", "em4", "em5")}},
    )


# --- the children behind a figure ----------------------------------------------------------


@dataclass(frozen=True)
class _Drill:
    stage: str
    dimension: str | None
    value: str | None
    measure: str | None
    year: int | None


def _parse_drill(drill: str) -> _Drill:
    """Parse `<stage>[.<dimension>.<value>][:<measure>][@<year>]`; KeyError when unknown."""
    rest, _, pinned = drill.partition("@")
    rest, _, measure = rest.partition(":")
    stage, _, grouping = rest.partition(".")
    dimension, _, value = grouping.partition(".")
    try:
        year = int(pinned) if pinned else None
    except ValueError:
        raise KeyError(drill) from None
    if (stage not in STAGES or (grouping and (dimension not in DIMENSIONS or not value))
            or (measure and measure not in STAGE_MEASURES[stage])):
        raise KeyError(drill)
    if dimension == "moves" and value not in MOVE_BANDS:
        raise KeyError(drill)
    if dimension == "type" and value not in {*PlacementGroup, UNKNOWN}:
        raise KeyError(drill)
    if dimension == "sen" and value not in SENStatus.values:
        raise KeyError(drill)
    if dimension == "sex" and value not in Sex.values:
        raise KeyError(drill)
    return _Drill(stage, dimension or None, value or None, measure or None, year)


def attainment_gap_children(*, user: User, drill: str, year: int | None, team_id: int | None = None,
                            cohort: str = AT_31_MARCH) -> QuerySet[YoungPerson]:
    """The children behind the figure with `drill` key, among the young people the user may see.
    Raises KeyError for an unknown drill key and NotVisible for a user who does not see reports."""
    parsed = _parse_drill(drill)
    _check_cohort(cohort)
    scope = _scope(user, team_id)
    year = parsed.year or year
    if year is None:
        available = _years_with_results(scope)
        year = _default_year(available, _benchmarks(available))
    results = _results(parsed.stage, scope, cohort, [year])
    if parsed.measure:
        results = results.filter(MEASURE_FILTERS[parsed.measure])
    if parsed.dimension in ("moves", "type"):
        placements = _placements(_cohort_children(scope, cohort, year, [parsed.stage]), year)
        results = results.filter(
            young_person_id__in=placements.ids(parsed.dimension, parsed.value))
    elif parsed.dimension:
        results = _with_dimension(results, parsed.dimension, year, None)
        if parsed.dimension == "school" and parsed.value == NO_SCHOOL:
            results = results.filter(key__isnull=True)
        else:
            results = results.filter(key=parsed.value)
    return scope.filter(pk__in=results.values("young_person_id"))
