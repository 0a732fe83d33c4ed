"""The placement-stability indicators for one child on one day (REFERENCE.md §4 and §4.1 (a), (b),
(c)). Pure: episodes in, outcomes out.

Placements are counted by `outcomes.rules.placements` (§4.1 "How placements and cohorts are
counted": V3/V4 dropped (a2); RNE S, P, B start a placement, L, T, U continue it (a5); a temporary
placement T0-T4 and the return from it are not moves (a6, *choice*); A3/A5 continue the placement
(a3)). This module applies the cohorts and measures of the §4.1 table on top:

(a) children looked after on the day (an episode ending that day counts, *choice* after c3) with
    3 or more placements open on at least one day from 1 April to the day (a placement ending on
    1 April counts, *choice*);
(b) of those, children looked after on every day since 1 April two years before (period of care
    start on or before it), with 3 or more placements open in those two years;
(c) of those, children aged under 16 on the day and looked after for at least 2.5 years (period of
    care start on or before the day minus 30 months plus one day: 1 October Y-3 for 31 March Y),
    whose current placement started on or before the day minus 24 months plus one day
    (1 April Y-2). The headline reading (*choice*, c2) joins an adoption placement with new carers
    (A4/A6) to the placement just before it; the strict reading (c1) counts A4/A6 as a new carer.

Where the files do not reach far enough back, the child is UNDETERMINED for that indicator (§4.1
"Period of care start"): listed, not guessed. The files are taken to be complete from the
earliest episode when it starts a period of care (RNE S); otherwise they are known only from that
episode's start, and a window or a start date reaching before it cannot be decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from outcomes.rules.dates import ONE_DAY, add_months, age_on
from outcomes.rules.indicators import Outcome
from outcomes.rules.placements import (
    CareStart,
    EpisodeFacts,
    Placement,
    as_facts,
    care_start,
    looked_after_on,
    placements_from,
)
from outcomes.rules.years import CollectionYear

THREE_OR_MORE = 3  # §4: "3 or more placements"
LONG_TERM_AGE = 16  # §4: "aged under 16 at 31 March"
LOOKED_AFTER_MONTHS = 30  # §4: "looked after continuously for ≥ 2.5 years"
SAME_PLACEMENT_MONTHS = 24  # §4: "living with the same carer for ≥ 2 years"
# RNE codes with which a placement begins on the episode's first day (§3.4, §4.1 a5).
NEW_PLACEMENT_RNE = frozenset({"S", "P", "B"})


class Indicator(StrEnum):
    THREE_PLUS_YEAR = "three-plus-year"              # (a)
    THREE_PLUS_TWO_YEARS = "three-plus-two-years"    # (b)
    LONG_TERM = "long-term"                          # (c), adoption joined to the placement before
    LONG_TERM_STRICT = "long-term-strict"            # (c), strict c1 reading


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str
    youngest: int
    oldest: int | None


AGE_BANDS = (
    AgeBand("under-1", "Under 1", 0, 0),
    AgeBand("1-4", "1 to 4", 1, 4),
    AgeBand("5-9", "5 to 9", 5, 9),
    AgeBand("10-15", "10 to 15", 10, 15),
    AgeBand("16-plus", "16 and over", 16, None),
)  # the age groups the national statistics use for children looked after


def age_band(age: int) -> AgeBand:
    return next(b for b in AGE_BANDS if age >= b.youngest and (b.oldest is None or age <= b.oldest))


@dataclass(frozen=True)
class CareHistory:
    """One child's episodes, with their placements counted once for every day asked about."""

    episodes: tuple[EpisodeFacts, ...]
    placements: tuple[Placement, ...]          # A4/A6 start a new placement (a, b, c1)
    placements_joined: tuple[Placement, ...]   # A4/A6 joined to the placement before (c2)
    known_from: dt.date | None                 # None: complete (the earliest episode is an S)
    first_rne: str
    # The first and last days any episode other than a short break covers (None: still open),
    # so that the days the child cannot have been looked after are passed over quickly.
    span: tuple[dt.date, dt.date | None] | None

    @classmethod
    def of(cls, episodes: Iterable[Any]) -> CareHistory:
        facts = tuple(sorted((as_facts(e) for e in episodes), key=lambda e: e.started_on))
        counted = [e for e in facts if not e.short_break]
        earliest = counted[0] if counted else None
        ends = [e.ended_on for e in counted]
        last_end = None if None in ends else max((e for e in ends if e), default=None)
        return cls(
            episodes=facts,
            placements=tuple(placements_from(facts)),
            placements_joined=tuple(placements_from(facts, adoption_with_previous=True)),
            known_from=None if earliest is None or earliest.rne == "S" else earliest.started_on,
            first_rne=earliest.rne if earliest else "",
            span=(earliest.started_on, last_end) if earliest else None,
        )

    def looked_after_on(self, day: dt.date) -> bool:
        """§4.1 "CLA at 31 March" (`placements.looked_after_on`), after a quick look at the span."""
        if self.span is None or day < self.span[0] or (self.span[1] is not None
                                                        and day > self.span[1]):
            return False
        return looked_after_on(self.episodes, day)

    def reaches(self, day: dt.date) -> bool:
        """Whether every placement open on `day` or later is in the files. A placement ending on
        the day of the earliest episode would count (it is open that day), so that day is not
        enough unless the earliest episode only changes legal status or carer's setting."""
        if self.known_from is None:
            return True
        return self.known_from < day or (self.known_from == day
                                          and self.first_rne not in NEW_PLACEMENT_RNE)

    def placements_during(self, start: dt.date, end: dt.date) -> int | None:
        """Placements open on a day of `start`..`end`, or None when the files do not reach."""
        if not self.reaches(start):
            return None
        return sum(1 for p in self.placements if p.overlaps(start, end))

    def current_placement_start(self, on: dt.date, *, joined: bool) -> tuple[dt.date, bool]:
        """The first day of the placement the child is in on `on`, and whether that is known
        (False: it began on or before that day, before the files start; also when no placement
        is open, as when a period of care wrongly begins with a temporary one)."""
        placements = self.placements_joined if joined else self.placements
        open_then = [p for p in placements if p.open_on(on)]
        if not open_then:
            return on, False
        current = open_then[-1]
        first = current.episodes[0]
        unknown = (self.known_from is not None and current.started_on == self.known_from
                   and first.rne not in NEW_PLACEMENT_RNE)
        return current.started_on, not unknown


@dataclass(frozen=True)
class Stability:
    """How a child looked after on `on` counts towards each indicator (None: not in its cohort)."""

    on: dt.date
    age: int
    band: AgeBand
    placements_in_year: int | None
    outcomes: dict[Indicator, Outcome | None]


def stability_on(history: CareHistory, *, date_of_birth: dt.date, on: dt.date,
                 year: int) -> Stability | None:
    """The child's stability in collection year `year`, taken on `on` (31 March, or today in the
    year still in progress). None when the child is not looked after on `on` (§4.1)."""
    if on < date_of_birth or not history.looked_after_on(on):
        return None
    age = age_on(date_of_birth, on)
    start = care_start(history.episodes, on)
    if start is None:   # looked after on `on`, so there is an episode: never, but say so
        return None
    in_year = history.placements_during(CollectionYear(year).start, on)
    outcomes: dict[Indicator, Outcome | None] = {
        Indicator.THREE_PLUS_YEAR: _at_least_three(in_year),
        Indicator.THREE_PLUS_TWO_YEARS: _two_years(history, start, on, year),
        Indicator.LONG_TERM: None,
        Indicator.LONG_TERM_STRICT: None,
    }
    if age < LONG_TERM_AGE:
        cohort = _on_or_before(start.on, start.known, add_months(on, -LOOKED_AFTER_MONTHS) + ONE_DAY)
        if cohort is not Outcome.NOT_MET:
            for indicator, joined in ((Indicator.LONG_TERM, True),
                                      (Indicator.LONG_TERM_STRICT, False)):
                outcomes[indicator] = cohort if cohort is Outcome.UNDETERMINED else _on_or_before(
                    *history.current_placement_start(on, joined=joined),
                    add_months(on, -SAME_PLACEMENT_MONTHS) + ONE_DAY)
    return Stability(on, age, age_band(age), in_year, outcomes)


def _at_least_three(count: int | None) -> Outcome:
    if count is None:
        return Outcome.UNDETERMINED
    return Outcome.MET if count >= THREE_OR_MORE else Outcome.NOT_MET


def _two_years(history: CareHistory, start: CareStart, on: dt.date, year: int) -> Outcome | None:
    since = CollectionYear(year - 1).start
    cohort = _on_or_before(start.on, start.known, since)
    if cohort is Outcome.NOT_MET:
        return None
    if cohort is Outcome.UNDETERMINED:
        return cohort
    if start.known:
        # The whole period of care since `since` is in the files.
        return _at_least_three(sum(1 for p in history.placements if p.overlaps(since, on)))
    return _at_least_three(history.placements_during(since, on))


def _on_or_before(day: dt.date, known: bool, limit: dt.date) -> Outcome:
    """Whether a start that is `day` (or, when not `known`, on or before `day`) is on or before
    `limit`: MET, NOT_MET, or UNDETERMINED when the files stop short of deciding."""
    if day <= limit:
        return Outcome.MET
    return Outcome.NOT_MET if known else Outcome.UNDETERMINED
