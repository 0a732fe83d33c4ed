"""Timeliness of the statutory events for one child looked after on a day: CLA reviews, social
worker visits, health assessments and PEPs. Pure: the child's statutory schedule on that day in,
outcomes out.

"On time" is read from the statutory schedule (`outcomes.rules.schedule`, the one authority for
due dates), worked out on the day the figures are taken (31 March, or today in the year still in
progress): a child counts as on time for a kind of event when no item of that kind is overdue
that day, i.e. the latest one due has been held, and the next is not yet past its due date.
The due dates are the schedule's:
- CLA reviews: the first within 20 working days of becoming looked after, the second within
  3 months of it, then every 6 months (CPPCR 2010 reg 33; REFERENCE.md §1.1);
- social worker visits: within a week of a placement starting, then every 6 weeks in its first
  year, then every 3 months in a long-term foster placement or every 6 weeks otherwise; weekly
  until the first review, then every 4 weeks, under a connected-person temporary approval or an
  interim care order at home (CPPCR 2010 reg 28; §1.2, §1.3);
- health assessments: the initial one within 20 working days, then reviews every 6 months under
  5 and every 12 months from 5 (DfE/DHSC statutory guidance 2015; §1.4);
- PEPs, for ages 3 to 17: the initial PEP by the first review (20 working days), then one each
  school term by its half-term deadline (§1.5; the deadlines are the authority's policy).

*Choices*: a child whose next event is not yet due (just come into care, say) counts as on time;
a child for whom the schedule cannot work an event out (the episodes need correcting, so the
placement and its visits are not known; no period of care recorded) is UNDETERMINED, listed and
not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from outcomes.rules.indicators import Outcome
from outcomes.rules.schedule import PEP_AGES, EventKind, Item, State


class Indicator(StrEnum):
    CLA_REVIEWS = "cla-reviews"
    VISITS = "visits"
    HEALTH = "health-assessments"
    PEP = "peps"


KINDS: dict[Indicator, frozenset[EventKind]] = {
    Indicator.CLA_REVIEWS: frozenset({EventKind.CLA_REVIEW}),
    Indicator.VISITS: frozenset({EventKind.SOCIAL_WORKER_VISIT}),
    Indicator.HEALTH: frozenset({EventKind.INITIAL_HEALTH_ASSESSMENT,
                                 EventKind.REVIEW_HEALTH_ASSESSMENT}),
    Indicator.PEP: frozenset({EventKind.PEP}),
}
# Every kind of item the indicators read: all the schedule needs to work out for them
# (`schedule(..., kinds=SCHEDULE_KINDS)`).
SCHEDULE_KINDS: frozenset[EventKind] = frozenset().union(*KINDS.values())
_INDICATOR_OF: dict[EventKind, Indicator] = {
    kind: indicator for indicator, kinds in KINDS.items() for kind in kinds}


def applies(indicator: Indicator, *, age: int) -> bool:
    """Whether the duty applies to a child looked after at `age`: PEPs for school ages (§1.5),
    every other one for every child looked after."""
    return age in PEP_AGES if indicator is Indicator.PEP else True


def timeliness(items: Iterable[Item], *, age: int) -> dict[Indicator, Outcome | None]:
    """How a child looked after on the schedule's day counts for each indicator: MET when no
    item of its kinds is overdue, NOT_MET when one is, UNDETERMINED when the duty applies but the
    schedule has no item for it, None when the duty does not apply."""
    found: dict[Indicator, Outcome] = {}  # per indicator with an item: NOT_MET once one is overdue
    for item in items:
        indicator = _INDICATOR_OF.get(item.kind)
        if indicator is not None and found.get(indicator) is not Outcome.NOT_MET:
            found[indicator] = Outcome.NOT_MET if item.state == State.OVERDUE else Outcome.MET
    return {indicator: (found.get(indicator, Outcome.UNDETERMINED)
                        if applies(indicator, age=age) else None)
            for indicator in KINDS}
