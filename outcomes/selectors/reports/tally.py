"""What the placement-stability, care-leaver and timeliness reports share: the young people a
report may count, and a tally of children by indicator, group and outcome that answers both the
figures (`Measure`, `Figure`) and the children behind each one (its `drill` key).

A drill key is `<indicator>[.band.<band>][:<part>][@<year>]`, the grammar of the attainment-gap
report's keys:
- `.band.<band>`: within one age band, else the whole cohort;
- no part: the children in the numerator; `cohort`: the denominator; `not`: the denominator
  without the numerator; `undetermined`: the children the records could not decide;
- `@<year>`: a figure of another year than the report's (a trend row) pins its own year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import User, YoungPerson
from outcomes.rules.indicators import Outcome
from outcomes.rules.years import CollectionYear

from .base import Figure, Measure, Unit

PARTS = ("", "cohort", "not", "undetermined")


def report_people(*, user: User | None, area: Area, team_id: int | None) -> QuerySet[YoungPerson]:
    """The young people a report counts: those whose `area` the user may see, in `team_id` when
    given. Raises NotVisible for anyone who may not read every manager report (these are the
    reports of care histories, care leavers and the schedule, beyond the virtual school's)."""
    if access.reports_for(user) != access.ALL_REPORTS:
        raise access.NotVisible
    people = access.young_people_visible_to(user, area)
    return people if team_id is None else people.filter(team_id=team_id)


def current_year() -> int:
    """The collection year in progress today, in Europe/London."""
    return CollectionYear.of(timezone.localdate()).year


def drill_key(indicator: str, part: str = "", group: str | None = None,
              year: int | None = None) -> str:
    return (indicator + (f".band.{group}" if group else "") + (f":{part}" if part else "")
            + (f"@{year}" if year else ""))


@dataclass(frozen=True)
class Drill:
    indicator: str
    part: str
    group: str | None
    year: int | None


def parse_drill(drill: str, *, indicators: Iterable[str], groups: Iterable[str] = ()) -> Drill:
    """The parts of a drill key; KeyError for a key no figure has."""
    rest, at, pinned = drill.partition("@")
    rest, colon, part = rest.partition(":")
    indicator, dot, grouping = rest.partition(".")
    dimension, _, group = grouping.partition(".")
    if (indicator not in set(indicators) or part not in PARTS or (colon and not part)
            or (dot and (dimension != "band" or group not in set(groups)))
            or (at and not (pinned.isdigit() and len(pinned) == 4))):
        raise KeyError(drill)
    return Drill(indicator, part, group or None, int(pinned) if at else None)


class Tally:
    """Children (by id) per indicator, group and outcome. The drill keys of a tally for another
    year than the report's pin that year (`pin`)."""

    def __init__(self, pin: int | None = None) -> None:
        self.pin = pin
        self._cells: dict[tuple[str, str | None], dict[Outcome, list[int]]] = defaultdict(
            lambda: defaultdict(list))

    def add(self, indicator: str, outcome: Outcome | None, pk: int,
            groups: Iterable[str] = ()) -> None:
        """Count child `pk` (once per call) for the whole cohort and for each of `groups`."""
        if outcome is None:
            return
        for group in (None, *groups):
            self._cells[(indicator, group)][outcome].append(pk)

    def measure(self, indicator: str, group: str | None = None) -> Measure:
        cell = self._cells.get((indicator, group), {})
        met = len(cell.get(Outcome.MET, ()))
        return Measure(met, met + len(cell.get(Outcome.NOT_MET, ())),
                       drill=drill_key(indicator, group=group, year=self.pin))

    def count(self, indicator: str, outcome: Outcome = Outcome.MET,
              group: str | None = None) -> Figure:
        """How many children have `outcome` (as a count, with the children behind it)."""
        n = len(self._cells.get((indicator, group), {}).get(outcome, ()))
        part = "undetermined" if outcome is Outcome.UNDETERMINED else ""
        return Figure(Decimal(n), Unit.COUNT, drill=drill_key(indicator, part, group, self.pin),
                      count=n)

    def undetermined(self, indicator: str, group: str | None = None) -> Figure:
        return self.count(indicator, Outcome.UNDETERMINED, group)

    def children(self, indicator: str, part: str, group: str | None) -> list[int]:
        cell = self._cells.get((indicator, group), {})
        wanted = {"": (Outcome.MET,), "cohort": (Outcome.MET, Outcome.NOT_MET),
                  "not": (Outcome.NOT_MET,), "undetermined": (Outcome.UNDETERMINED,)}[part]
        return sorted({pk for outcome in wanted for pk in cell.get(outcome, ())})


def percent_points(
    measures: Iterable[tuple[str, Measure | None]],
) -> tuple[tuple[str, Decimal | None], ...]:
    """Chart points (label, percentage) from measures; an empty cohort, or no measure, has no
    point."""
    return tuple((label, m.percent if m is not None else None) for label, m in measures)


def percent(measure: Measure) -> str:
    """'12.5%', or 'no figure' for an empty cohort."""
    return "no figure" if measure.percent is None else f"{measure.percent}%"


def share(measure: Measure) -> str:
    """'12.5% (5 of 40)', or 'no children' for an empty cohort: for findings in words."""
    if not measure.denominator:
        return "no children"
    return f"{measure.percent}% ({measure.numerator} of {measure.denominator})"


def change_in_words(now: Measure, before: Measure | None, since: str) -> str:
    """', up from 10.0% in 2023/24' and the like; empty when there is nothing to compare."""
    if before is None or now.percent is None or before.percent is None:
        return ""
    if now.percent == before.percent:
        return f", the same as in {since}"
    direction = "up" if now.percent > before.percent else "down"
    return f", {direction} from {before.percent}% in {since}"
