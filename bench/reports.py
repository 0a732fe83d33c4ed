"""The manager reports in `make bench`, each against a floor: a hand-written SQL query that works
out the same figures from the same database in the same run (issue 6).

`benchmark(key)` runs one report selector (`outcomes.selectors.reports`) as the administrator,
over the whole authority, in its default year, and its floor (raw SQL through
`connection.cursor()`, PostgreSQL only). It first checks that the floor's figures equal the
figures in the report's tables (`Spec.figures(report) == Spec.floor()`, AssertionError if not): a
floor that worked out something else, or less, would make the ratio meaningless. Those checking
runs are the warm-up; then it times the median of `RUNS` runs of each (fewer of a report that
takes a minute). tests/bench/test_report_floors.py holds every floor to its report on a small
seeded authority with edge cases, for two users and several years, so CI keeps them honest.

The floors implement the definitions in SQL, including the placement counting of REFERENCE.md §4.1
(`outcomes.rules.placements`) with window functions over the episodes (`PLACEMENTS_SQL`): short
breaks dropped; a placement starts with RNE S, P or B, L/T/U continue it; temporary placements
(T0-T4) and the return from them are not moves; A3/A5 continue the placement (A4/A6 too in the
joined, c2 reading); a period of care starts with RNE S or after a gap. The care-leaver status
(13 weeks since 14) and the statutory timescales of the timeliness report (20 working days,
3 and 6 months, the visiting regimes, the PEP terms) are in SQL too. Each floor answers plain dicts
of numbers, the shape `Spec.figures` reads off the report: counts, numerators and denominators,
percentages and averages rounded as the report rounds them.

Set-up, the same for both sides: the database is ANALYZEd once before the first report (autovacuum
is off on the development and CI servers, so a fresh seed has no statistics). The floors' queries
run with JIT off and work_mem at 64MB (`_rows`), as one would tune a reporting query.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

RUNS = 5   # timed runs of each side after the checking run; the median is reported

SHORT_BREAKS = "('V3', 'V4')"

# --- placements in SQL (REFERENCE.md §4.1; the twin of outcomes.rules.placements) ------------

# `{children}` is a query of young person ids; `{until}` an extra condition on episodes (e.g. only
# those started by a day, as the attainment report reads them). Answers the CTEs:
#   pe_0(yp, s, en, rne, place, temp, setting): the episodes, short breaks left out;
#   placement_episodes: each of them with, besides,
#       skipped        a temporary episode opening a period of care (placements_from skips it);
#       g_s, g_known   the first day of its period of care (a new one at RNE S or after a gap)
#                      and whether that day began with an S (else the files begin mid-care);
#       first_s, first_rne   the child's earliest episode (how far back the files reach);
#       starts_period, moves, moves_joined   whether it begins a placement, as the first of a
#                      period of care or as a move (strict, and with A4/A6 joined to the one
#                      before, the c2 reading);
#       pno, pno_joined     its placement's number (a skipped one carries the one before's);
#   placements(yp, pno, s, en, starts_period, place, first_rne)
#   placements_joined(yp, pno, s, en, starts_period, place, first_rne)
#       one row per placement: first and last day, whether it began a period of care (so it is
#       not a move), the usual (latest non-temporary) PLACE, and the RNE it began with.
# Every window is over the child's episodes by start, so PostgreSQL sorts them once.
PLACEMENTS_SQL = """
pe_0 AS (
    SELECT e.young_person_id AS yp, e.started_on AS s, e.ended_on AS en,
           e.reason_new_episode AS rne, e.place, e.place IN ('T0', 'T1', 'T2', 'T3', 'T4') AS temp,
           concat_ws('|', e.place, e.place_provider, e.urn, e.placement_postcode) AS setting
    FROM outcomes_episode e
    WHERE e.young_person_id IN ({children}) AND e.legal_status NOT IN ('V3', 'V4') {until}
),
placement_episodes AS (
    SELECT c.*, gnt = 0 AS skipped, moves AND place NOT IN ('A4', 'A6') AS moves_joined,
           SUM((starts_period OR moves)::int) OVER w AS pno,
           SUM((starts_period OR (moves AND place NOT IN ('A4', 'A6')))::int) OVER w AS pno_joined
    FROM (
        SELECT b.*, (NOT temp AND gnt = 1) AS starts_period,
               (NOT temp AND gnt > 1 AND rne NOT IN ('L', 'T', 'U')
                AND NOT (prev_temp AND setting = usual_before)   -- back from T0-T4 (a6)
                AND place NOT IN ('A3', 'A5')) AS moves
        FROM (
            SELECT a.*, MAX(CASE WHEN breaks THEN s END) OVER w AS g_s,
                   -- whether it began with an S: the latest break's day, doubled, plus one if so
                   mod(MAX(CASE WHEN breaks THEN (s - DATE '1900-01-01') * 2 + (rne = 'S')::int
                               END) OVER w, 2) = 1 AS g_known,
                   -- non-temporary episodes so far in this period of care
                   nt - MAX(CASE WHEN breaks THEN nt - (NOT temp)::int END) OVER w AS gnt
            FROM (
                SELECT pe_0.*, LAG(temp) OVER w AS prev_temp,
                       (LAG(en) OVER w IS DISTINCT FROM s OR rne = 'S') AS breaks,
                       COUNT(*) FILTER (WHERE NOT temp) OVER w AS nt,
                       FIRST_VALUE(s) OVER w AS first_s, FIRST_VALUE(rne) OVER w AS first_rne,
                       -- the setting of the latest non-temporary episode before this one
                       substr(MAX(CASE WHEN NOT temp THEN to_char(s, 'YYYYMMDD') || setting END)
                              OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 9)
                           AS usual_before
                FROM pe_0 WINDOW w AS (PARTITION BY yp ORDER BY s)) a
            WINDOW w AS (PARTITION BY yp ORDER BY s)) b) c
    WINDOW w AS (PARTITION BY yp ORDER BY s)
),
-- A placement's last day is its last episode's: the open one if any (episodes cannot overlap,
-- constraint episode_no_overlap, so an open episode is the last), else the latest end.
placements AS (
    SELECT yp, pno, MIN(s) AS s, CASE WHEN bool_or(en IS NULL) THEN NULL ELSE MAX(en) END AS en,
           bool_or(starts_period) AS starts_period,
           (array_agg(place ORDER BY s DESC) FILTER (WHERE NOT temp))[1] AS place,
           MIN(rne) FILTER (WHERE starts_period OR moves) AS first_rne
    FROM placement_episodes WHERE NOT skipped GROUP BY yp, pno
),
placements_joined AS (
    SELECT yp, pno_joined AS pno, MIN(s) AS s,
           CASE WHEN bool_or(en IS NULL) THEN NULL ELSE MAX(en) END AS en,
           bool_or(starts_period) AS starts_period,
           (array_agg(place ORDER BY s DESC) FILTER (WHERE NOT temp))[1] AS place,
           MIN(rne) FILTER (WHERE starts_period OR moves_joined) AS first_rne
    FROM placement_episodes WHERE NOT skipped GROUP BY yp, pno_joined
)"""


def placements_sql(children: str, until: str = "") -> str:
    """The placement CTEs (without the leading WITH) for the young people of `children`."""
    return PLACEMENTS_SQL.format(children=children, until=until)


PLACEMENT_ROWS_SQL = """WITH {placements}
SELECT yp, s, en, starts_period, place, first_rne
FROM {table} ORDER BY yp, s"""


def placement_rows(children: str = "SELECT id FROM outcomes_youngperson", *,
                   joined: bool = False) -> list[tuple]:
    """Every placement of the young people of `children`, oldest first: (young person, first
    day, last day, whether it began a period of care, usual PLACE, the RNE it began with); with
    `joined`, A4/A6 joined to the placement before (c2). For tests against the pure rules."""
    return _rows(PLACEMENT_ROWS_SQL.format(
        placements=placements_sql(children),
        table="placements_joined" if joined else "placements"))


# PLACE -> PlacementGroup value (outcomes.rules.placements.PLACEMENT_GROUPS), "other" else.
PLACEMENT_GROUP_SQL = """CASE
    WHEN {0} IN ('U1', 'U2', 'U3', 'U4', 'U5', 'U6') THEN 'foster'
    WHEN {0} IN ('A3', 'A4', 'A5', 'A6') THEN 'adoption'
    WHEN {0} = 'P1' THEN 'parents'
    WHEN {0} IN ('K1', 'K2') THEN 'childrens_home'
    WHEN {0} IN ('H5', 'K3', 'P2') THEN 'supported'
    WHEN {0} IN ('R1', 'R2', 'R3', 'R5', 'S1', 'P3') THEN 'residential'
    ELSE 'other' END"""


def _scope(team_id: int | None) -> str:
    """The young people the report's user sees: the administrator everyone, a team manager their
    team (outcomes.access.scope_filter), as a condition on outcomes_youngperson `yp`."""
    return "TRUE" if team_id is None else f"yp.team_id = {int(team_id)}"


def _rows(sql: str, params: dict | None = None) -> list[tuple]:
    """Run a floor's query, tuned as a reporting query would be: without JIT (PostgreSQL's
    estimates for these window functions are far too high, a plan costed at 500,000 where 10,000
    rows flow, so it would spend seconds compiling what runs in a fraction of one), and with
    room to sort the episodes in memory."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params or {})
        return cursor.fetchall()


def _value(cell: Any) -> Any:
    """A table cell as plain numbers: a Measure as (numerator, denominator, percent), a Figure
    as its value (and the children it rests on, when given)."""
    from outcomes.selectors.reports.base import Figure, Measure

    if isinstance(cell, Measure):
        return (cell.numerator, cell.denominator, cell.percent)
    if isinstance(cell, Figure):
        return cell.value if cell.count is None else (cell.value, cell.count)
    return cell


def _year_of_label(label: str) -> int:
    """'2024/25' -> 2025."""
    return int(label[:4]) + 1


def _table(report, key: str) -> list[dict[str, Any]]:
    table = next(t for t in report.tables if t.key == key)
    keys = [c.key for c in table.columns]
    return [dict(zip(keys, row, strict=True)) for row in table.rows]


def _percent(numerator: int, denominator: int) -> Decimal | None:
    from outcomes.selectors.reports.base import Measure

    return Measure(numerator, denominator).percent


# --- report 1: the attainment gap --------------------------------------------------------------

AT_31_MARCH_SQL = """EXISTS (
    SELECT 1 FROM outcomes_episode e
    WHERE e.young_person_id = r.young_person_id AND e.legal_status NOT IN ('V3', 'V4')
      AND e.started_on <= make_date(r.academic_year, 3, 31)
      AND (e.ended_on IS NULL OR e.ended_on >= make_date(r.academic_year, 3, 31)))"""

# The national figure of a measure and year: all pupils, else pupils not looked after (attainment
# COMPARATORS), rounded to 0.1 as the report shows it.
NATIONAL_SQL = """(SELECT round(b.value, 1) FROM outcomes_nationalbenchmark b
    WHERE b.academic_year = {year} AND b.measure = '{measure}'
      AND b.cohort IN ('all_pupils', 'non_cla')
    ORDER BY b.cohort = 'all_pupils' DESC LIMIT 1)"""


def _national(year: str, measure: str) -> str:
    return NATIONAL_SQL.format(year=year, measure=measure)


ATTAINMENT_YEARS_SQL = """
WITH people AS (SELECT yp.id FROM outcomes_youngperson yp WHERE {scope}),
years AS (
    SELECT academic_year AS y FROM outcomes_ks2result WHERE young_person_id IN (SELECT id FROM people)
    UNION
    SELECT academic_year FROM outcomes_ks4result WHERE young_person_id IN (SELECT id FROM people)
    UNION
    SELECT %(year)s::int WHERE %(year)s::int IS NOT NULL
),
ks2 AS (
    SELECT r.academic_year AS y, COUNT(*) AS n,
           COUNT(*) FILTER (WHERE r.reading_expected AND r.writing_expected
                                  AND r.maths_expected) AS rwm
    FROM outcomes_ks2result r
    WHERE r.young_person_id IN (SELECT id FROM people) AND {at_31_march}
    GROUP BY r.academic_year
),
ks4 AS (
    SELECT r.academic_year AS y, COUNT(*) AS n, SUM(r.attainment8) AS a8_sum,
           COUNT(*) FILTER (WHERE r.english_grade >= 4 AND r.maths_grade >= 4) AS em4,
           COUNT(*) FILTER (WHERE r.english_grade >= 5 AND r.maths_grade >= 5) AS em5
    FROM outcomes_ks4result r
    WHERE r.young_person_id IN (SELECT id FROM people) AND {at_31_march}
    GROUP BY r.academic_year
),
figures AS (
    SELECT years.y, COALESCE(ks2.n, 0) AS ks2_n, COALESCE(ks2.rwm, 0) AS rwm,
           round(100.0 * ks2.rwm / NULLIF(ks2.n, 0), 1) AS rwm_pct,
           COALESCE(ks4.n, 0) AS ks4_n, round(ks4.a8_sum / NULLIF(ks4.n, 0), 1) AS a8,
           COALESCE(ks4.em4, 0) AS em4, round(100.0 * ks4.em4 / NULLIF(ks4.n, 0), 1) AS em4_pct,
           COALESCE(ks4.em5, 0) AS em5, round(100.0 * ks4.em5 / NULLIF(ks4.n, 0), 1) AS em5_pct,
           {rwm_national} AS rwm_national, {a8_national} AS a8_national,
           {em4_national} AS em4_national, {em5_national} AS em5_national
    FROM years LEFT JOIN ks2 ON ks2.y = years.y LEFT JOIN ks4 ON ks4.y = years.y
)
SELECT y, ks2_n, rwm, rwm_pct, rwm_national, rwm_national - rwm_pct,
       ks4_n, a8, a8_national, a8_national - a8,
       em4, em4_pct, em4_national, em4_national - em4_pct,
       em5, em5_pct, em5_national, em5_national - em5_pct
FROM figures ORDER BY y"""

ATTAINMENT_BREAKDOWNS_SQL = """
WITH people AS (SELECT yp.id, yp.sex FROM outcomes_youngperson yp WHERE {scope}),
results AS (
    SELECT 'ks2' AS stage, r.young_person_id AS yp, r.sen_status,
           (r.reading_expected AND r.writing_expected AND r.maths_expected) AS rwm,
           NULL::numeric AS a8, FALSE AS em4, FALSE AS em5
    FROM outcomes_ks2result r
    WHERE r.academic_year = %(year)s AND r.young_person_id IN (SELECT id FROM people)
      AND {at_31_march}
    UNION ALL
    SELECT 'ks4', r.young_person_id, r.sen_status, FALSE, r.attainment8,
           r.english_grade >= 4 AND r.maths_grade >= 4, r.english_grade >= 5 AND r.maths_grade >= 5
    FROM outcomes_ks4result r
    WHERE r.academic_year = %(year)s AND r.young_person_id IN (SELECT id FROM people)
      AND {at_31_march}
),
{placements},
moves AS (
    SELECT yp, LEAST(COUNT(*) FILTER (WHERE moves AND s BETWEEN %(start)s AND %(end)s), 3) AS n
    FROM placement_episodes GROUP BY yp
),
on_31_march AS (
    SELECT DISTINCT ON (yp) yp, place FROM placements
    WHERE s <= %(end)s AND (en IS NULL OR en >= %(end)s)
    ORDER BY yp, s DESC
),
school AS (
    SELECT DISTINCT ON (young_person_id) young_person_id AS yp, urn
    FROM outcomes_schoolenrolment
    WHERE young_person_id IN (SELECT yp FROM results) AND started_on <= %(school_day)s
      AND (ended_on IS NULL OR ended_on >= %(school_day)s)
    ORDER BY young_person_id, started_on DESC, id DESC
),
tagged AS (
    SELECT r.*, CASE WHEN m.n = 3 THEN '3+' ELSE COALESCE(m.n, 0)::text END AS moves,
           COALESCE({group}, 'unknown') AS type,
           COALESCE(NULLIF(r.sen_status, ''), 'unknown') AS sen,
           COALESCE(NULLIF(p.sex, ''), 'unknown') AS sex,
           COALESCE(NULLIF(sc.urn, ''), 'none') AS school
    FROM results r JOIN people p ON p.id = r.yp
    LEFT JOIN moves m ON m.yp = r.yp LEFT JOIN on_31_march o ON o.yp = r.yp
    LEFT JOIN school sc ON sc.yp = r.yp
)
SELECT CASE WHEN GROUPING(moves) = 0 THEN 'moves' WHEN GROUPING(type) = 0 THEN 'type'
            WHEN GROUPING(sen) = 0 THEN 'sen' WHEN GROUPING(sex) = 0 THEN 'sex'
            ELSE 'school' END AS dimension,
       COALESCE(moves, type, sen, sex, school) AS key, stage, COUNT(*) AS n,
       COUNT(*) FILTER (WHERE rwm) AS rwm, round(100.0 * COUNT(*) FILTER (WHERE rwm) / COUNT(*), 1),
       round(SUM(a8) / COUNT(*), 1) AS a8,
       COUNT(*) FILTER (WHERE em4), round(100.0 * COUNT(*) FILTER (WHERE em4) / COUNT(*), 1),
       COUNT(*) FILTER (WHERE em5), round(100.0 * COUNT(*) FILTER (WHERE em5) / COUNT(*), 1)
FROM tagged
GROUP BY GROUPING SETS ((stage, moves), (stage, type), (stage, sen), (stage, sex),
                        (stage, school))"""

ATTAINMENT_YEAR_FIELDS = ("ks2_n", "rwm", "rwm_pct", "rwm_national", "rwm_gap",
                          "ks4_n", "a8", "a8_national", "a8_gap",
                          "em4", "em4_pct", "em4_national", "em4_gap",
                          "em5", "em5_pct", "em5_national", "em5_gap")
MOVE_BANDS = ("0", "1", "2", "3+")


def attainment_floor(*, team_id: int | None = None, year: int | None = None) -> dict:
    """The attainment-gap report's figures (children in care at 31 March), in two SQL queries:
    for every year with results, the KS2 and KS4 cohorts, KS2 RWM, Attainment 8, English and maths
    4+ and 5+, England's figures and the gaps; and for the year, the same by placement moves in
    the year, placement type on 31 March, SEN, sex and school."""
    scope = _scope(team_id)
    rows = _rows(ATTAINMENT_YEARS_SQL.format(
        scope=scope, at_31_march=AT_31_MARCH_SQL,
        **{f"{m}_national": _national("years.y", b) for m, b in (
            ("rwm", "ks2_rwm_expected"), ("a8", "ks4_attainment8"),
            ("em4", "ks4_em_grade4"), ("em5", "ks4_em_grade5"))}), {"year": year})
    by_year = {y: dict(zip(ATTAINMENT_YEAR_FIELDS, rest, strict=True)) for y, *rest in rows}
    if year is None:   # as the report: the latest year with results and England's figures
        compared = [y for y, f in by_year.items()
                    if any(f[f"{m}_national"] is not None for m in ("rwm", "a8", "em4", "em5"))]
        year = max(compared or by_year) if by_year else None
    if year is None:
        return {"year": None, "by_year": {}, "breakdowns": {}}
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    breakdown_rows = _rows(ATTAINMENT_BREAKDOWNS_SQL.format(
        scope=scope, at_31_march=AT_31_MARCH_SQL, group=PLACEMENT_GROUP_SQL.format("o.place"),
        placements=placements_sql("SELECT yp FROM results", "AND e.started_on <= %(end)s")),
        {"year": year, "start": start, "end": end, "school_day": dt.date(year, 5, 31)})
    empty = {"ks2_n": 0, "rwm": 0, "rwm_pct": None, "ks4_n": 0, "a8": None, "em4": 0,
             "em4_pct": None, "em5": 0, "em5_pct": None}
    breakdowns: dict[str, dict[str, dict]] = defaultdict(dict)
    for dimension, key, stage, n, rwm, rwm_pct, a8, em4, em4_pct, em5, em5_pct in breakdown_rows:
        group = breakdowns[dimension].setdefault(key, dict(empty))
        if stage == "ks2":
            group.update(ks2_n=n, rwm=rwm, rwm_pct=rwm_pct)
        else:
            group.update(ks4_n=n, a8=a8, em4=em4, em4_pct=em4_pct, em5=em5, em5_pct=em5_pct)
    for band in MOVE_BANDS:   # the report shows every band, even an empty one
        breakdowns["moves"].setdefault(band, dict(empty))
    figures = by_year[year]
    for groups in breakdowns.values():
        for group in groups.values():
            group["rwm_gap"] = _gap(figures["rwm_national"], group["rwm_pct"])
            group["a8_gap"] = _gap(figures["a8_national"], group["a8"])
    return {"year": year, "by_year": by_year, "breakdowns": dict(breakdowns)}


def _gap(national: Decimal | None, ours: Decimal | None) -> Decimal | None:
    return None if national is None or ours is None else national - ours


def attainment_figures(report) -> dict:
    """The same figures read off the attainment-gap report's tables."""
    by_year = {}
    for row in _table(report, "trend"):
        rwm, a8, em4, em5 = row["rwm"], row["a8"], row["em4"], row["em5"]
        by_year[_year_of_label(row["year"])] = {
            "ks2_n": rwm.denominator, "rwm": rwm.numerator, "rwm_pct": rwm.percent,
            "rwm_national": row["rwm_national"].value, "rwm_gap": row["rwm_gap"].value,
            "ks4_n": a8.count, "a8": a8.value, "a8_national": row["a8_national"].value,
            "a8_gap": row["a8_gap"].value,
            **{f"{m}{suffix}": value for m in ("em4", "em5") for suffix, value in (
                ("", row[m].numerator), ("_pct", row[m].percent),
                ("_national", row[f"{m}_national"].value), ("_gap", row[f"{m}_gap"].value))},
        }
        if em4.denominator != a8.count or em5.denominator != a8.count:
            raise AssertionError("the KS4 cohort differs between measures")
    breakdowns = {}
    for dimension in ("moves", "type", "sen", "sex", "school"):
        groups = {}
        for row in _table(report, f"by-{dimension}"):
            key = row["ks2_n"].drill.split(".", 2)[2]     # ks2.<dimension>.<key>
            groups[key] = {
                "ks2_n": row["rwm"].denominator, "rwm": row["rwm"].numerator,
                "rwm_pct": row["rwm"].percent, "rwm_gap": row["rwm_gap"].value,
                "ks4_n": row["ks4_n"].count, "a8": row["a8"].value, "a8_gap": row["a8_gap"].value,
                "em4": row["em4"].numerator, "em4_pct": row["em4"].percent,
                "em5": row["em5"].numerator, "em5_pct": row["em5"].percent,
            }
        breakdowns[dimension] = groups
    return {"year": report.year, "by_year": by_year, "breakdowns": breakdowns}


def attainment_report(*, user, year: int | None = None):
    from outcomes.selectors.reports.attainment import attainment_gap_report

    return attainment_gap_report(user=user, year=year)


# --- report 2: placement stability -------------------------------------------------------------


def _collection_year(day: str) -> str:
    """SQL for the collection year of a date (outcomes.rules.years.CollectionYear.of)."""
    return f"(extract(year FROM {day})::int + (extract(month FROM {day}) >= 4)::int)"


def _reaches(day: str) -> str:
    """SQL twin of CareHistory.reaches: the files reach back to `day` (rules.stability)."""
    return (f"(c.known_from IS NULL OR c.known_from < {day} OR (c.known_from = {day} "
            "AND c.first_rne NOT IN ('S', 'P', 'B')))")


def _on_or_before(start: str, known: str, limit: str) -> str:
    """SQL twin of rules.stability._on_or_before: 'm' (met), 'n' (not met), 'u' (undetermined)."""
    return f"CASE WHEN {start} <= {limit} THEN 'm' WHEN {known} THEN 'n' ELSE 'u' END"


def _long_term(current_start: str, current_rne: str) -> str:
    """(c) for one reading: the cohort (under 16, in care 2.5 years), then the current placement
    started on or before the day 2 years back (rules.stability.stability_on)."""
    return f"""CASE
        WHEN c.lt_cohort IS NULL OR c.lt_cohort = 'n' THEN NULL
        WHEN c.lt_cohort = 'u' OR {current_start} IS NULL THEN 'u'
        ELSE {_on_or_before(current_start,
                            f"NOT (c.known_from IS NOT NULL AND {current_start} = c.known_from "
                            f"AND {current_rne} NOT IN ('S', 'P', 'B'))",
                            "c.lt24")} END"""


STABILITY_INDICATORS = ("three-plus-year", "three-plus-two-years", "long-term", "long-term-strict")
AGE_BAND_SQL = """CASE WHEN {0} < 1 THEN 'under-1' WHEN {0} <= 4 THEN '1-4' WHEN {0} <= 9 THEN '5-9'
    WHEN {0} <= 15 THEN '10-15' ELSE '16-plus' END"""

STABILITY_SQL = """
WITH people AS (SELECT yp.id, yp.date_of_birth AS dob FROM outcomes_youngperson yp WHERE {scope}),
{placements},
bounds AS (
    SELECT MIN({cy_s}) AS first,
           MAX(CASE WHEN en IS NULL THEN %(now)s ELSE {cy_en} END) AS last
    FROM pe_0
),
years AS (
    SELECT generate_series(COALESCE(first, %(now)s), LEAST(COALESCE(last, %(now)s), %(now)s)) AS y
    FROM bounds
    UNION
    SELECT %(year)s::int WHERE %(year)s::int IS NOT NULL
),
days AS (
    SELECT y, make_date(y - 1, 4, 1) AS ys, make_date(y - 2, 4, 1) AS ys2,
           LEAST(make_date(y, 3, 31), %(today)s::date) AS on_
    FROM years
),
looked_after AS (   -- looked after on each year's day: the latest episode open that day
    SELECT DISTINCT ON (e.yp, d.y) e.yp, d.y, d.ys, d.ys2, d.on_, e.g_s, e.g_known AS known,
           CASE WHEN e.first_rne = 'S' THEN NULL ELSE e.first_s END AS known_from, e.first_rne,
           e.pno, e.pno_joined
    FROM placement_episodes e
    CROSS JOIN LATERAL generate_series({cy_s}, {cy_en_or_today}) AS ey(y)
    JOIN days d ON d.y = ey.y
    WHERE d.on_ >= d.ys AND e.s <= d.on_ AND (e.en IS NULL OR e.en >= d.on_)
    ORDER BY e.yp, d.y, e.s DESC
),
placement_years AS (   -- placements open in the year to the day, and in the two years to it
    SELECT p.yp, d.y, COUNT(*) FILTER (WHERE p.en IS NULL OR p.en >= d.ys) AS in_year,
           COUNT(*) AS in_two
    FROM placements p
    CROSS JOIN LATERAL generate_series({cy_s}, {cy_en_or_today} + 1) AS py(y)
    JOIN days d ON d.y = py.y
    WHERE p.s <= d.on_ AND (p.en IS NULL OR p.en >= d.ys2)
    GROUP BY p.yp, d.y
),
facts AS (
    SELECT l.*, date_part('year', age(l.on_, p.dob))::int AS age,
           COALESCE(n.in_year, 0) AS in_year, COALESCE(n.in_two, 0) AS in_two,
           cur.s AS cur_s, cur.first_rne AS cur_rne, cur_j.s AS cur_j_s,
           cur_j.first_rne AS cur_j_rne,
           (l.on_ - interval '30 months')::date + 1 AS lt30,
           (l.on_ - interval '24 months')::date + 1 AS lt24
    FROM looked_after l
    JOIN people p ON p.id = l.yp AND l.on_ >= p.dob
    LEFT JOIN placement_years n ON n.yp = l.yp AND n.y = l.y
    -- the placement open on the day: the current episode's (or, when that one is skipped,
    -- the one before if it ended that day)
    LEFT JOIN placements cur ON cur.yp = l.yp AND cur.pno = l.pno
         AND (cur.en IS NULL OR cur.en >= l.on_)
    LEFT JOIN placements_joined cur_j ON cur_j.yp = l.yp AND cur_j.pno = l.pno_joined
         AND (cur_j.en IS NULL OR cur_j.en >= l.on_)
),
outcomes AS (
    SELECT f.*, CASE WHEN f.age >= 16 THEN NULL ELSE {lt_cohort} END AS lt_cohort FROM facts f
),
indicators AS (
    SELECT c.y, {band} AS band,
           CASE WHEN NOT {reaches_ys} THEN 'u' WHEN c.in_year >= 3 THEN 'm' ELSE 'n' END AS a,
           CASE WHEN c.g_s > c.ys2 THEN (CASE WHEN c.known THEN NULL ELSE 'u' END)
                WHEN c.known OR {reaches_ys2} THEN (CASE WHEN c.in_two >= 3 THEN 'm' ELSE 'n' END)
                ELSE 'u' END AS b,
           {long_term} AS c,
           {long_term_strict} AS c_strict
    FROM outcomes c
)
SELECT d.y, GROUPING(i.band) = 1 AS whole, i.band, {counts}
FROM days d LEFT JOIN indicators i ON i.y = d.y
GROUP BY GROUPING SETS ((d.y), (d.y, i.band))"""


def _stability_sql(scope: str) -> str:
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {column} = '{outcome}')"
                       for column in ("a", "b", "c", "c_strict") for outcome in ("m", "n", "u"))
    return STABILITY_SQL.format(
        scope=scope, placements=placements_sql("SELECT id FROM people"),
        cy_s=_collection_year("s"), cy_en=_collection_year("en"),
        cy_en_or_today=_collection_year("COALESCE(en, %(today)s::date)"),
        lt_cohort=_on_or_before("f.g_s", "f.known", "f.lt30"),
        band=AGE_BAND_SQL.format("c.age"), reaches_ys=_reaches("c.ys"),
        reaches_ys2=_reaches("c.ys2"), long_term=_long_term("c.cur_j_s", "c.cur_j_rne"),
        long_term_strict=_long_term("c.cur_s", "c.cur_rne"), counts=counts)


def stability_floor(*, team_id: int | None = None, year: int | None = None,
                    today: dt.date | None = None) -> dict:
    """The placement-stability report's figures in one SQL query: for every year the records
    cover, the children looked after on its 31 March (today for the year in progress) with 3+
    placements in the year, 3+ in two years, and long-term stability (both readings), as
    met / not met / undetermined, overall and by age band."""
    from django.utils import timezone

    from outcomes.rules.years import CollectionYear

    today = today or timezone.localdate()
    now = CollectionYear.of(today).year
    rows = _rows(_stability_sql(_scope(team_id)), {"today": today, "now": now, "year": year})
    shown = sorted({row[0] for row in rows})
    cells: dict[tuple[int, str | None], dict[str, tuple[int, int, int]]] = {}
    for y, whole, band, *counts in rows:
        if whole or band is not None:
            cells[(y, None if whole else band)] = {
                indicator: tuple(counts[3 * i:3 * i + 3])
                for i, indicator in enumerate(STABILITY_INDICATORS)}
    year = year or shown[-1]

    def measure(y: int, band: str | None, indicator: str) -> tuple:
        met, not_met, _ = cells.get((y, band), {}).get(indicator, (0, 0, 0))
        return (met, met + not_met, _percent(met, met + not_met))

    return {
        "year": year,
        "indicators": {i: (*measure(year, None, i),
                           cells.get((year, None), {}).get(i, (0, 0, 0))[2])
                       for i in STABILITY_INDICATORS},
        "bands": {band: {i: measure(year, band, i) for i in STABILITY_INDICATORS}
                  for band in ("under-1", "1-4", "5-9", "10-15", "16-plus")},
        "trend": {y: {i: measure(y, None, i) for i in STABILITY_INDICATORS} for y in shown},
    }


def stability_figures(report) -> dict:
    """The same figures read off the placement-stability report's tables."""
    indicators = {}
    for row in _table(report, "indicators"):
        measure = row["children"]
        indicators[measure.drill] = (*_value(measure), row["undetermined"].count)
    bands = {}
    for row in _table(report, "age-bands"):
        cells = {i: row[i] for i in STABILITY_INDICATORS}
        band = cells["three-plus-year"].drill.split(".band.")[1]
        bands[band] = {i: _value(cell) for i, cell in cells.items()}
    trend = {_year_of_label(row["year"]): {i: _value(row[i]) for i in STABILITY_INDICATORS}
             for row in _table(report, "trend")}
    return {"year": report.year, "indicators": indicators, "bands": bands, "trend": trend}


def stability_report(*, user, year: int | None = None):
    from outcomes.selectors.reports.stability import placement_stability_report

    return placement_stability_report(user=user, year=year)


# --- report 3: care leavers -------------------------------------------------------------------


def _birthday(dob: str, years: str) -> str:
    """SQL twin of rules.dates.birthday: someone born on 29 February has their birthday on
    1 March in a common year (PostgreSQL's date arithmetic would give 28 February)."""
    moved = f"({dob} + make_interval(years => {years}))"
    return (f"({moved}::date + (to_char({dob}, 'MMDD') = '0229' "
            f"AND extract(day FROM {moved}) = 28)::int)")


def _codes(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


CARE_LEAVER_INDICATORS = ("in-touch", "eet", "neet", "activity-not-known", "suitable",
                          "unsuitable", "accommodation-not-known", "no-record")
CARE_LEAVER_BANDS = {"17-18": CARE_LEAVER_INDICATORS, "19-21": CARE_LEAVER_INDICATORS,
                     "22-25": ("in-touch",)}

CARE_LEAVERS_SQL = """
WITH people AS (SELECT yp.id, yp.date_of_birth AS dob FROM outcomes_youngperson yp WHERE {scope}),
records AS (        -- confirmed OC3 records
    SELECT r.young_person_id AS yp, r.age, r.in_touch, r.activity, r.accommodation
    FROM outcomes_careleaverrecord r
    WHERE r.status = 'confirmed' AND r.young_person_id IN (SELECT id FROM people)
),
exits AS (          -- the first birthday recorded as died or returned home, per young person
    SELECT yp, MIN(age) FILTER (WHERE in_touch IN ('DIED', 'RHOM')) AS exit_age,
           bool_or(in_touch = 'DIED') AS died
    FROM records GROUP BY yp
),
bounds AS (         -- the first collection year with a record's birthday
    SELECT COALESCE(MIN({record_year}), %(now)s) AS first_year
    FROM records r JOIN people p ON p.id = r.yp
),
years AS (
    SELECT generate_series(first_year, %(now)s) AS y FROM bounds
    UNION
    SELECT %(year)s::int
),
of_age AS (
    SELECT p.id, p.dob, {b14} AS b14, {b16} AS b16, {b17} AS b17, {b18} AS b18
    FROM people p, bounds b
    WHERE p.dob > make_date(LEAST(b.first_year, %(year)s) - 26, 3, 31)
      AND p.dob <= make_date(GREATEST(%(now)s, %(year)s) - 16, 3, 31)
),
spells AS (         -- care to the 18th birthday, [start, end): looked after on start, not on end
    SELECT o.id AS yp, e.started_on AS s, LEAST(COALESCE(e.ended_on, o.b18), o.b18) AS e,
           e.legal_status IN {short_breaks} AS sb
    FROM outcomes_episode e JOIN of_age o ON o.id = e.young_person_id
    WHERE e.started_on < LEAST(COALESCE(e.ended_on, o.b18), o.b18)
),
runs AS (           -- countable spells (no short breaks) with the first day of their merged run
    SELECT yp, s, e, sb, FIRST_VALUE(s) OVER (PARTITION BY yp, sb, run ORDER BY s) AS run_s
    FROM (SELECT yp, s, e, sb, SUM(gap) OVER (PARTITION BY yp, sb ORDER BY s) AS run
          FROM (SELECT yp, s, e, sb,
                       COALESCE((s > LAG(e) OVER (PARTITION BY yp, sb ORDER BY s))::int, 1) AS gap
                FROM spells) gaps) numbered
),
history AS (
    SELECT o.id AS yp, o.dob, o.b16, o.b18, {day_facts}
    FROM of_age o LEFT JOIN runs sp ON sp.yp = o.id
    GROUP BY o.id, o.dob, o.b14, o.b16, o.b17, o.b18
),
oc3 AS (            -- every OC3 record, draft or not, to the day (care_leaver_statuses_for)
    SELECT r.young_person_id AS yp,
           MIN(r.recorded_on) FILTER (WHERE r.in_touch = 'RHOM') AS home_from,
           (array_agg(r.activity ORDER BY r.recorded_on DESC, r.id DESC))[1] AS activity
    FROM outcomes_careleaverrecord r
    WHERE r.young_person_id IN (SELECT id FROM of_age) AND r.recorded_on <= %(on)s
    GROUP BY r.young_person_id
),
person AS (
    SELECT h.*,
           COALESCE((SELECT pc.reason_ceased = 'E3' FROM outcomes_periodofcare pc
                     WHERE pc.young_person_id = h.yp ORDER BY pc.started_on DESC LIMIT 1),
                    FALSE) AS transferred,
           COALESCE(x.died, FALSE) AS died, x.exit_age,
           NOT h.c17 AND NOT h.a17 AND {relevant17} AS care_leaver17,
           (h.c18 AND h.days_to18 >= 91) OR (NOT h.c18 AND NOT h.a18 AND {relevant18})
               AS care_leaver18,
           oc3.home_from IS NOT NULL AND oc3.home_from <= %(on)s
               AND NOT (h.run_on IS NOT NULL AND oc3.home_from <= h.run_on) AS home_on,
           COALESCE(oc3.activity IN {education}, FALSE) AS education,
           CASE WHEN h.dob <= %(on)s THEN date_part('year', age(%(on)s, h.dob))::int END AS age_on
    FROM history h LEFT JOIN oc3 ON oc3.yp = h.yp LEFT JOIN exits x ON x.yp = h.yp
),
birthdays AS (      -- the birthday each young person reaches in each year, aged 17 to 25
    SELECT p.yp, y.y, y.y - {dob_year} AS age, p.dob, p.transferred, p.exit_age,
           CASE WHEN y.y - {dob_year} = 17 THEN p.care_leaver17 ELSE p.care_leaver18 END
               AS care_leaver
    FROM person p JOIN years y ON y.y BETWEEN {dob_year} + 17 AND {dob_year} + 25
    WHERE p.dob <= make_date(y.y, 3, 31)
),
counted AS (
    SELECT b.y, CASE WHEN b.age <= 18 THEN '17-18' WHEN b.age <= 21 THEN '19-21' ELSE '22-25' END
               AS band,
           COALESCE(r.in_touch IN ('DIED', 'RHOM'), b.exit_age < b.age, FALSE) AS excluded,
           COALESCE(r.in_touch, '') AS in_touch, COALESCE(r.activity, '0') AS activity,
           COALESCE(r.accommodation, '0') AS accommodation, r.yp IS NULL AS missing
    FROM birthdays b LEFT JOIN records r ON r.yp = b.yp AND r.age = b.age
    WHERE {birthday} <= %(today)s
      AND (r.yp IS NOT NULL OR ({birthday} + make_interval(months => %(months)s))::date
                                <= %(today)s)
      AND NOT b.transferred AND (r.yp IS NOT NULL OR (b.care_leaver AND b.age <= 21))
),
current AS (        -- the care leavers of the day: relevant or former relevant
    SELECT p.yp,
           (SELECT MAX(pp.agreed_on) FROM outcomes_pathwayplan pp
            WHERE pp.young_person_id = p.yp AND pp.status IN ('agreed', 'superseded')
              AND pp.agreed_on <= %(on)s) AS last_plan,
           (SELECT MAX(rv.held_on) FROM outcomes_pathwayplanreview rv
            WHERE rv.young_person_id = p.yp AND rv.held_on <= %(on)s) AS last_review,
           EXISTS (SELECT 1 FROM outcomes_allocation a
                   WHERE a.young_person_id = p.yp AND a.role = 'personal_adviser'
                     AND a.started_on <= %(on)s
                     AND (a.ended_on IS NULL OR a.ended_on >= %(on)s)) AS adviser
    FROM person p
    WHERE NOT p.transferred AND NOT p.died AND (
        (p.age_on BETWEEN 16 AND 17 AND NOT p.c_on AND NOT p.a_on AND {relevant_on}
         AND NOT p.home_on)
        OR (p.age_on BETWEEN 18 AND 24 AND (p.education OR p.age_on < 21)
            AND ((p.c18 AND p.days_to18 >= 91)
                 OR (NOT p.c18 AND {relevant18_p} AND NOT p.home_on))))
)
SELECT 'birthday', y, band, COUNT(*) FILTER (WHERE excluded), COUNT(*) FILTER (WHERE NOT excluded),
       {indicator_counts}
FROM counted GROUP BY y, band
UNION ALL
SELECT 'current', NULL, NULL, 0, COUNT(*),
       COUNT(*) FILTER (WHERE last_plan IS NOT NULL AND GREATEST(last_plan, last_review)
                        + interval '6 months' >= %(on)s),
       COUNT(*) FILTER (WHERE adviser), {padding}
FROM current
UNION ALL
SELECT 'year', y, NULL, 0, 0, {zeros} FROM years"""


def _care_leavers_sql(scope: str) -> str:
    from outcomes import codes
    from outcomes.selectors.care_leavers import EDUCATION_OR_TRAINING

    days = {"17": "o.b17", "18": "(o.b18 - 1)", "_on": "%(on)s::date"}
    day_facts = []
    for name, day in days.items():
        day_facts += [
            f"COALESCE(bool_or(NOT sp.sb AND sp.s <= {day} AND {day} < sp.e), FALSE) AS c{name}",
            f"COALESCE(bool_or(sp.s <= {day} AND {day} < sp.e), FALSE) AS a{name}",
            f"MAX(sp.e) FILTER (WHERE NOT sp.sb AND sp.s <= {day}) AS left{name}",
            # countable days from the 14th birthday to the end of the last spell begun by then
            f"SUM(GREATEST(0, sp.e - GREATEST(sp.s, o.b14))) FILTER (WHERE NOT sp.sb "
            f"AND sp.s <= {day}) AS days{name}",
        ]
    day_facts += [
        "SUM(GREATEST(0, sp.e - GREATEST(sp.s, o.b14))) FILTER (WHERE NOT sp.sb) AS days_to18",
        "(array_agg(sp.run_s ORDER BY sp.s DESC) FILTER (WHERE NOT sp.sb "
        "AND sp.s <= %(on)s))[1] AS run_on",
    ]

    def relevant(prefix: str, name: str) -> str:
        return (f"({prefix}left{name} IS NOT NULL AND {prefix}left{name} > {prefix}b16 "
                f"AND {prefix}days{name} >= 91)")

    eet, neet = _codes(codes.EET_ACTIVITIES), _codes(codes.NEET_ACTIVITIES)
    facts = {
        "in-touch": "in_touch = 'YES'", "eet": f"activity IN {eet}",
        "neet": f"activity IN {neet}",
        "activity-not-known": f"activity NOT IN {eet} AND activity NOT IN {neet}",
        "suitable": "right(accommodation, 1) = '1'", "unsuitable": "right(accommodation, 1) = '2'",
        "accommodation-not-known": "right(accommodation, 1) NOT IN ('1', '2')",
        "no-record": "missing",
    }
    counts = ", ".join(f"COUNT(*) FILTER (WHERE NOT excluded AND {facts[i]})"
                       for i in CARE_LEAVER_INDICATORS)
    return CARE_LEAVERS_SQL.format(
        scope=scope, short_breaks=SHORT_BREAKS, education=_codes(EDUCATION_OR_TRAINING),
        record_year=_collection_year(_birthday("p.dob", "r.age")),
        b14=_birthday("p.dob", "14"), b16=_birthday("p.dob", "16"),
        b17=_birthday("p.dob", "17"), b18=_birthday("p.dob", "18"),
        day_facts=",\n           ".join(day_facts),
        relevant17=relevant("h.", "17"), relevant18=relevant("h.", "18"),
        relevant18_p=relevant("p.", "18"), relevant_on=relevant("p.", "_on"),
        dob_year=_collection_year("p.dob"), birthday=_birthday("b.dob", "b.age"),
        indicator_counts=counts, padding=", ".join(["0"] * (len(CARE_LEAVER_INDICATORS) - 2)),
        zeros=", ".join(["0"] * len(CARE_LEAVER_INDICATORS)))


def care_leavers_floor(*, team_id: int | None = None, year: int | None = None,
                       today: dt.date | None = None) -> dict:
    """The care-leaver report's figures in one SQL query: for every year from the first
    birthday with a record, the care leavers reaching 17-18, 19-21 and 22-25 (in touch, EET,
    NEET, activity not known, suitable and unsuitable accommodation, not known, no record; those
    who died or went home counted apart); and the care leavers of the day with a pathway plan in
    date and a personal adviser allocated. The care-leaver status (eligible, relevant, former
    relevant: 13 weeks since 14, including after 16) is worked out in SQL from the episodes."""
    from django.utils import timezone

    from outcomes.rules.indicators import reference_day
    from outcomes.rules.years import CollectionYear
    from outcomes.selectors.schedule import current_policy

    today = today or timezone.localdate()
    now = CollectionYear.of(today).year
    year = year or now
    on = reference_day(year, today=today)
    rows = _rows(_care_leavers_sql(_scope(team_id)), {
        "today": today, "now": now, "year": year, "on": on,
        "months": current_policy().care_leaver_record_months_after_birthday})
    cells, years, current = {}, set(), None
    for kind, y, band, excluded, cohort, *numerators in rows:
        if kind == "year":
            years.add(y)
        elif kind == "current":
            current = {"pathway-plan": (numerators[0], cohort, _percent(numerators[0], cohort)),
                       "adviser": (numerators[1], cohort, _percent(numerators[1], cohort))}
        else:
            cells[(y, band)] = (excluded, cohort,
                                dict(zip(CARE_LEAVER_INDICATORS, numerators, strict=True)))

    def measure(y: int, band: str, indicator: str) -> tuple:
        _, cohort, numerators = cells.get((y, band), (0, 0, {}))
        met = numerators.get(indicator, 0)
        return (met, cohort, _percent(met, cohort))

    bands = {}
    for band, indicators in CARE_LEAVER_BANDS.items():
        bands[band] = {i: measure(year, band, i) if i in indicators else None
                       for i in CARE_LEAVER_INDICATORS}
        bands[band]["excluded"] = cells.get((year, band), (0, 0, {}))[0]
    trend = {y: {f"{i}.{band}": measure(y, band, i)
                 for band in CARE_LEAVER_BANDS for i in ("in-touch", "eet", "suitable")
                 if i in CARE_LEAVER_BANDS[band]} for y in sorted(years)}
    return {"year": year, "bands": bands, "current": current, "trend": trend}


def care_leavers_figures(report) -> dict:
    """The same figures read off the care-leaver report's tables."""
    bands = {}
    for row in _table(report, "age-bands"):
        excluded = row["excluded"]
        band = excluded.drill.split(".band.")[1]
        bands[band] = {i: None if row[i] is None else _value(row[i])
                       for i in CARE_LEAVER_INDICATORS}
        bands[band]["excluded"] = excluded.count
    current = {row["young_people"].drill: _value(row["young_people"])
               for row in _table(report, "care-leavers-now")}
    trend = {_year_of_label(row.pop("year")): {k: _value(v) for k, v in row.items()}
             for row in _table(report, "trend")}
    return {"year": report.year, "bands": bands, "current": current, "trend": trend}


def care_leavers_report(*, user, year: int | None = None):
    from outcomes.selectors.reports.care_leavers import care_leavers_report as report

    return report(user=user, year=year)


# --- report 4: timeliness ----------------------------------------------------------------------

TIMELINESS_INDICATORS = ("cla-reviews", "visits", "health-assessments", "peps")
TREND_YEARS = 5

TIMELINESS_SQL = """
WITH people AS (SELECT yp.id, yp.date_of_birth AS dob FROM outcomes_youngperson yp WHERE {scope}),
first_care AS (
    SELECT MIN(e.started_on) AS first FROM outcomes_episode e
    WHERE e.young_person_id IN (SELECT id FROM people) AND e.legal_status NOT IN {short_breaks}
),
years AS (          -- the year asked for and up to 4 before it, from the first year of care
    SELECT y FROM first_care, generate_series(
        CASE WHEN first IS NULL THEN %(now)s ELSE {first_year} END, %(now)s) AS y
    WHERE y > %(year)s - {trend_years} AND y <= %(year)s
    UNION
    SELECT %(year)s::int
),
days AS (
    SELECT y, LEAST(make_date(y, 3, 31), %(today)s::date) AS on_ FROM years
),
looked_after AS (   -- children looked after on each year's day, with their period of care then
    SELECT DISTINCT ON (la.yp, la.y) la.*, pc.started_on AS pstart, pc.ended_on AS pend
    FROM (SELECT DISTINCT p.id AS yp, p.dob, d.y, d.on_
          FROM days d
          JOIN outcomes_episode e ON e.started_on <= d.on_
               AND (e.ended_on IS NULL OR e.ended_on >= d.on_)
               AND e.legal_status NOT IN {short_breaks}
          JOIN people p ON p.id = e.young_person_id AND p.dob <= d.on_
          WHERE d.on_ >= make_date(d.y - 1, 4, 1)) la
    LEFT JOIN outcomes_periodofcare pc ON pc.young_person_id = la.yp
         AND pc.started_on <= la.on_ AND (pc.ended_on IS NULL OR pc.ended_on >= la.on_)
    ORDER BY la.yp, la.y, pc.started_on DESC
),
calendar AS (       -- working days (no weekends, no bank holidays in England), numbered
    SELECT d::date AS d, COUNT(*) FILTER (WHERE working) OVER (ORDER BY d) AS n
    FROM (SELECT d, extract(isodow FROM d) < 6 AND d::date <> ALL(%(holidays)s::date[]) AS working
          FROM generate_series((SELECT MIN(pstart) FROM looked_after), %(today)s::date + 60,
                               interval '1 day') AS d) days
),
twenty_working_days AS (  -- the 20th working day after each day
    SELECT c.d, MIN(w.d) AS due FROM calendar c JOIN calendar w ON w.n = c.n + 20 GROUP BY c.d
),
facts AS (          -- per child and day, each read by index from the child's own records
    SELECT l.*, w.due AS first_due, r.n AS reviews, r.first AS first_review,
           r.last AS last_review, h.initial, h.last AS last_health, pe.last AS last_pep,
           pl.sound AND NOT EXISTS (   -- an episode outside every period, touching this one
               SELECT 1 FROM outcomes_episode e
               WHERE e.young_person_id = l.yp AND e.started_on <= l.on_
                 AND e.started_on <= COALESCE(l.pend, l.on_)
                 AND (e.ended_on IS NULL OR e.ended_on >= l.pstart)
                 AND NOT EXISTS (
                     SELECT 1 FROM outcomes_periodofcare pc
                     WHERE pc.young_person_id = l.yp AND pc.started_on <= e.started_on
                       AND COALESCE(e.ended_on, 'infinity') <= COALESCE(pc.ended_on, 'infinity')))
               AS placement_known,
           pl.start AS placement_start
    FROM looked_after l
    LEFT JOIN twenty_working_days w ON w.d = l.pstart
    LEFT JOIN LATERAL (
        SELECT COUNT(DISTINCT r.held_on) AS n, MIN(r.held_on) AS first, MAX(r.held_on) AS last
        FROM outcomes_clareview r
        WHERE r.young_person_id = l.yp AND r.held_on >= l.pstart AND r.held_on <= l.on_) r ON TRUE
    LEFT JOIN LATERAL (
        SELECT MIN(h.held_on) FILTER (WHERE h.kind = 'initial') AS initial, MAX(h.held_on) AS last
        FROM outcomes_healthassessment h
        WHERE h.young_person_id = l.yp AND h.held_on >= (l.pstart - interval '3 months')::date
          AND h.held_on <= l.on_) h ON TRUE
    LEFT JOIN LATERAL (
        SELECT MAX(v.held_on) AS last FROM outcomes_pepreview v
        WHERE v.young_person_id = l.yp AND v.held_on >= l.pstart AND v.held_on <= l.on_) pe ON TRUE
    LEFT JOIN LATERAL (   -- the current period's episodes to the day: sound, and the placement
        SELECT bool_and(CASE WHEN c.i = 1 THEN c.s = l.pstart ELSE c.s = c.prev_en END)
                   AND bool_or(c.from_last = 1 AND (c.en IS NULL OR c.en >= l.on_)) AS sound,
               COALESCE(MAX(c.s) FILTER (WHERE c.rne <> 'L'), MIN(c.s)) AS start
        FROM (SELECT e.started_on AS s, e.ended_on AS en, e.reason_new_episode AS rne,
                     LAG(e.ended_on) OVER w AS prev_en, ROW_NUMBER() OVER w AS i,
                     ROW_NUMBER() OVER (ORDER BY e.started_on DESC, e.ended_on DESC NULLS FIRST)
                         AS from_last
              FROM outcomes_episode e
              WHERE e.young_person_id = l.yp AND e.started_on >= l.pstart
                AND e.started_on <= l.on_
                AND COALESCE(e.ended_on, 'infinity') <= COALESCE(l.pend, 'infinity')
              WINDOW w AS (ORDER BY e.started_on, e.ended_on NULLS LAST)) c) pl ON TRUE
),
visits AS (
    SELECT f.yp, f.y, CASE
        WHEN v.n = 0 THEN f.placement_start + 7
        WHEN (ep.place IN {connected} AND EXISTS (
                  SELECT 1 FROM outcomes_connectedpersonapproval a
                  WHERE a.young_person_id = f.yp AND a.approved_on <= v.last
                    AND NOT COALESCE(a.fully_approved_on <= v.last, FALSE)
                    AND NOT COALESCE(a.ended_on <= v.last, FALSE)))
             OR (ep.place = 'P1' AND ep.ls = 'C1') THEN
            CASE WHEN f.first_review IS NULL OR f.first_review > v.last THEN v.last + 7
                 ELSE v.last + 28 END
        WHEN v.last < (f.placement_start + interval '12 months')::date THEN v.last + 42
        WHEN ep.place IN {long_term_foster} THEN (v.last + interval '3 months')::date
        ELSE v.last + 42 END AS due
    FROM facts f
    CROSS JOIN LATERAL (
        SELECT COUNT(DISTINCT v.visited_on) AS n, MAX(v.visited_on) AS last
        FROM outcomes_socialworkervisit v
        WHERE v.young_person_id = f.yp AND v.visited_on >= f.placement_start
          AND v.visited_on <= f.on_) v
    LEFT JOIN LATERAL (   -- the placement's episode on the day of the last visit
        SELECT e.place, e.legal_status AS ls FROM outcomes_episode e
        WHERE e.young_person_id = f.yp AND e.started_on >= f.placement_start
          AND e.started_on <= f.on_
        ORDER BY (e.started_on <= v.last) DESC,
                 CASE WHEN e.started_on <= v.last THEN e.started_on END DESC NULLS LAST,
                 e.started_on
        LIMIT 1) ep ON TRUE
    WHERE f.placement_known
),
outcomes AS (
    SELECT f.y,
           CASE WHEN f.pstart IS NULL THEN 'u'
                WHEN f.on_ > CASE WHEN f.reviews = 0 THEN f.first_due
                                  WHEN f.reviews = 1 THEN (f.last_review + interval '3 months')::date
                                  ELSE (f.last_review + interval '6 months')::date END THEN 'n'
                ELSE 'm' END AS reviews,
           CASE WHEN v.due IS NULL THEN 'u' WHEN f.on_ > v.due THEN 'n' ELSE 'm' END AS visits,
           CASE WHEN f.pstart IS NULL THEN 'u'
                WHEN f.on_ > CASE
                    WHEN f.initial IS NULL THEN f.first_due
                    WHEN date_part('year', age((f.last_health + interval '6 months')::date, f.dob)) < 5
                        THEN (f.last_health + interval '6 months')::date
                    ELSE (f.last_health + interval '12 months')::date END THEN 'n'
                ELSE 'm' END AS health,
           CASE WHEN date_part('year', age(f.on_, f.dob)) NOT BETWEEN 3 AND 17 THEN NULL
                WHEN f.pstart IS NULL THEN 'u'
                WHEN f.on_ > CASE WHEN f.last_pep IS NULL THEN f.first_due ELSE {pep_due} END
                    THEN 'n'
                ELSE 'm' END AS peps
    FROM facts f LEFT JOIN visits v ON v.yp = f.yp AND v.y = f.y
)
SELECT d.y, COUNT(o.y), {counts}
FROM days d LEFT JOIN outcomes o ON o.y = d.y
GROUP BY d.y"""


def _term_deadline(year: str, which: int) -> str:
    """SQL for rules.schedule._deadline: the policy's (month, day) deadline of a term in `year`;
    28 February stands for the last day of February."""
    month, day = f"%(deadline_{which}_month)s", f"%(deadline_{which}_day)s"
    first = f"make_date({year}, {month}, 1)"
    last = f"extract(day FROM {first} + interval '1 month' - interval '1 day')::int"
    return (f"(CASE WHEN {month} = 2 AND {day} >= 28 THEN ({first} + interval '1 month' "
            f"- interval '1 day')::date ELSE make_date({year}, {month}, LEAST({day}, {last})) END)")


def _pep_due() -> str:
    """The deadline of the term after the latest PEP's, if it was held in the term of the day,
    else of the term of the day (rules.schedule._pep): autumn 1 Sep-31 Dec (deadline 0), spring
    1 Jan-31 Mar (1), summer 1 Apr-31 Aug (2)."""
    year, month = "extract(year FROM f.on_)::int", "extract(month FROM f.on_)"
    autumn, spring = f"make_date({year}, 9, 1)", f"make_date({year}, 1, 1)"
    summer = f"make_date({year}, 4, 1)"
    return f"""(CASE
        WHEN {month} >= 9 THEN CASE WHEN f.last_pep >= {autumn}
            THEN {_term_deadline(year + " + 1", 1)} ELSE {_term_deadline(year, 0)} END
        WHEN {month} <= 3 THEN CASE WHEN f.last_pep >= {spring}
            THEN {_term_deadline(year, 2)} ELSE {_term_deadline(year, 1)} END
        ELSE CASE WHEN f.last_pep >= {summer}
            THEN {_term_deadline(year, 0)} ELSE {_term_deadline(year, 2)} END END)"""


def _timeliness_sql(scope: str) -> str:
    from outcomes import codes
    from outcomes.rules.schedule import LONG_TERM_FOSTER_PLACEMENTS

    counts = ", ".join(f"COUNT(*) FILTER (WHERE o.{column} = '{outcome}')"
                       for column in ("reviews", "visits", "health", "peps")
                       for outcome in ("m", "n", "u"))
    return TIMELINESS_SQL.format(
        scope=scope, short_breaks=SHORT_BREAKS, first_year=_collection_year("first"),
        trend_years=TREND_YEARS, connected=_codes(codes.CONNECTED_PERSON_PLACEMENTS),
        long_term_foster=_codes(LONG_TERM_FOSTER_PLACEMENTS), pep_due=_pep_due(), counts=counts)


def _bank_holidays(last_year: int) -> list[dt.date]:
    from outcomes.rules.dates import bank_holidays

    return sorted(day for year in range(1970, last_year + 1) for day in bank_holidays(year))


def timeliness_floor(*, team_id: int | None = None, year: int | None = None,
                     today: dt.date | None = None) -> dict:
    """The timeliness report's figures in one SQL query: for the year and up to four before it,
    the children looked after on 31 March (today for the year in progress) whose CLA reviews and
    social worker visits were on time and whose health assessments and PEPs were in date, by the
    statutory timescales worked out in SQL (20 working days from a calendar with the bank
    holidays, 3 and 6 months, the visiting regimes of reg 28, the PEP terms)."""
    from django.utils import timezone

    from outcomes.rules.years import CollectionYear
    from outcomes.selectors.schedule import current_policy

    today = today or timezone.localdate()
    now = CollectionYear.of(today).year
    year = year or now
    params = {"today": today, "now": now, "year": year,
              "holidays": _bank_holidays(today.year + 1)}
    for which, (month, day) in enumerate(current_policy().pep_deadlines):
        params[f"deadline_{which}_month"], params[f"deadline_{which}_day"] = month, day
    rows = _rows(_timeliness_sql(_scope(team_id)), params)
    cells = {y: (children, {i: tuple(counts[3 * n:3 * n + 3])
                            for n, i in enumerate(TIMELINESS_INDICATORS)})
             for y, children, *counts in rows}

    def measure(y: int, indicator: str) -> tuple:
        met, not_met, _ = cells[y][1][indicator]
        return (met, met + not_met, _percent(met, met + not_met))

    return {
        "year": year,
        "looked_after": cells[year][0],
        "indicators": {i: (*measure(year, i), cells[year][1][i][2])
                       for i in TIMELINESS_INDICATORS},
        "trend": {y: {i: measure(y, i) for i in TIMELINESS_INDICATORS} for y in sorted(cells)},
    }


def timeliness_figures(report) -> dict:
    """The same figures read off the timeliness report's tables (and its finding's count)."""
    import re

    indicators = {row["children"].drill: (*_value(row["children"]), row["undetermined"].count)
                  for row in _table(report, "indicators")}
    trend = {_year_of_label(row["year"]): {i: _value(row[i]) for i in TIMELINESS_INDICATORS}
             for row in _table(report, "trend")}
    found = re.match(r"Of the (\d+) children", report.finding)
    return {"year": report.year, "looked_after": int(found.group(1)) if found else 0,
            "indicators": indicators, "trend": trend}


def timeliness_report(*, user, year: int | None = None):
    from outcomes.selectors.reports.timeliness import timeliness_report as report

    return report(user=user, year=year)


# --- comparing and timing ----------------------------------------------------------------------


def differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Where two nested figure dicts differ, as readable paths (empty when they agree)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        found = []
        for key in sorted(set(ours) | set(theirs), key=str):
            if key not in ours or key not in theirs:
                found.append(f"{path}/{key}: only in the "
                             f"{'report' if key in ours else 'floor'}")
            else:
                found += differences(ours[key], theirs[key], f"{path}/{key}")
        return found
    return [] if ours == theirs else [f"{path}: report {ours!r}, floor {theirs!r}"]


def check(name: str, report_figures: dict, floor_figures: dict) -> None:
    """Raise AssertionError unless the floor worked out the report's figures."""
    found = differences(report_figures, floor_figures)
    if found:
        shown = "\n  ".join(found[:20])
        more = f"\n  ... and {len(found) - 20} more" if len(found) > 20 else ""
        raise AssertionError(f"{name}: the SQL floor's figures differ from the report's, so the "
                             f"floor would not be a fair one:\n  {shown}{more}")


def _median_seconds(call: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _runs(first_seconds: float) -> int:
    """How many timed runs: RUNS, fewer for a report that takes long (at 100,000 young people
    the timeliness report runs for minutes; its median of three says as much as of five)."""
    return RUNS if first_seconds < 10 else 3 if first_seconds < 60 else 1


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _administrator():
    from outcomes import models as m

    return m.User.objects.filter(role=m.Role.ADMINISTRATOR, is_active=True).order_by("pk").first()


_analyzed = False


def analyze_once() -> None:
    """ANALYZE the freshly seeded database, once per run, before timing anything on it: with
    autovacuum off (as on the CI and development servers) PostgreSQL would otherwise plan the
    report queries and their floors alike without statistics, which no live database does."""
    global _analyzed
    if not _analyzed:
        _say("reports: ANALYZE (table statistics for the planner)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        _analyzed = True


@dataclass(frozen=True)
class Spec:
    title: str
    report: Callable           # (user=, year=) -> Report
    figures: Callable          # Report -> figures
    floor: Callable            # (team_id=, year=) -> figures
    queries: str               # what the floor is, in words
    headline: Callable[[dict], str]


def _share(cell: tuple) -> str:
    numerator, denominator, percent = cell[:3]
    return f"{numerator}/{denominator}" + (f" ({percent}%)" if percent is not None else "")


def _attainment_headline(f: dict) -> str:
    y = f["by_year"][f["year"]]
    return (f"{f['year'] - 1}/{str(f['year'])[2:]}: KS2 RWM {y['rwm']}/{y['ks2_n']} "
            f"({y['rwm_pct']}%), KS4 {y['ks4_n']} pupils: A8 {y['a8']}, E&M 4+ {y['em4_pct']}%, "
            f"5+ {y['em5_pct']}%; {len(f['by_year'])} years, "
            f"{sum(len(g) for g in f['breakdowns'].values())} breakdown groups")


def _stability_headline(f: dict) -> str:
    i = f["indicators"]
    return (f"{f['year'] - 1}/{str(f['year'])[2:]}: 3+ placements {_share(i['three-plus-year'])}, "
            f"3+ in 2 years {_share(i['three-plus-two-years'])}, long-term "
            f"{_share(i['long-term'])}; {len(f['trend'])} years of trend")


def _care_leavers_headline(f: dict) -> str:
    b = f["bands"]["19-21"]
    c = f["current"]
    return (f"{f['year'] - 1}/{str(f['year'])[2:]}, aged 19-21: in touch {_share(b['in-touch'])}, "
            f"EET {_share(b['eet'])}, suitable {_share(b['suitable'])}; care leavers now: pathway "
            f"plan in date {_share(c['pathway-plan'])}, adviser {_share(c['adviser'])}")


def _timeliness_headline(f: dict) -> str:
    i = f["indicators"]
    return (f"{f['year'] - 1}/{str(f['year'])[2:]}: {f['looked_after']} looked after; reviews "
            f"{_share(i['cla-reviews'])}, visits {_share(i['visits'])}, health "
            f"{_share(i['health-assessments'])}, PEPs {_share(i['peps'])}")


SPECS = {
    "report_attainment_gap": Spec(
        "attainment gap", attainment_report, attainment_figures, attainment_floor,
        "2 SQL queries: cohort figures by year with England's and the gaps; breakdowns by "
        "GROUPING SETS, placement moves and type by window functions over the episodes",
        _attainment_headline),
    "report_placement_stability": Spec(
        "placement stability", stability_report, stability_figures, stability_floor,
        "1 SQL query: placements by window functions over the episodes, every year's 31 March, "
        "age bands by GROUPING SETS",
        _stability_headline),
    "report_care_leavers": Spec(
        "care leavers", care_leavers_report, care_leavers_figures, care_leavers_floor,
        "1 SQL query: care-leaver status (13 weeks since 14) from the episodes, OC3 records by "
        "birthday and year, pathway plans and advisers on the day",
        _care_leavers_headline),
    "report_timeliness": Spec(
        "timeliness", timeliness_report, timeliness_figures, timeliness_floor,
        "1 SQL query: reviews, visits, health assessments and PEPs due on each 31 March, a "
        "working-day calendar with the bank holidays, index look-ups per child",
        _timeliness_headline),
}


def benchmark(key: str) -> dict:
    """One report against its floor, as the administrator (the whole authority), in the default
    year: check the figures are the same, then time both. Answers the fields of a bench/run.py
    Result."""
    from outcomes import models as m

    spec = SPECS[key]
    analyze_once()
    user = _administrator()
    _say(f"{key}: the report and its SQL floor, checked against each other")
    started = time.perf_counter()
    report = spec.report(user=user)
    first = time.perf_counter() - started
    floor_figures = spec.floor()
    check(key, spec.figures(report), floor_figures)
    runs = _runs(first)   # the checking runs were the warm-up
    _say(f"{key}: timing the report ({runs} runs; the first took {first:.1f} s)")
    seconds = _median_seconds(lambda: spec.report(user=user), runs)
    _say(f"{key}: timing the SQL floor ({RUNS} runs)")
    floor_seconds = _median_seconds(spec.floor, RUNS)
    people = m.YoungPerson.objects.count()
    return {
        "name": f"report: {spec.title}",
        "size": f"{people:,} young people (administrator)",
        "seconds": seconds, "rows": people, "floor_seconds": floor_seconds,
        "floor": f"{spec.queries}; the same figures, checked equal",
        "notes": (spec.headline(floor_figures),
                  f"report {seconds * 1000:,.0f} ms (median of {runs}), floor "
                  f"{floor_seconds * 1000:,.0f} ms (median of {RUNS})"),
    }
