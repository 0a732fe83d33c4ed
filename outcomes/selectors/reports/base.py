"""The shape every manager report takes, whatever it measures, so one set of page code draws its
chart, its table and its CSV and XLSX downloads.

A report selector (`attainment_gap_report`, `placement_stability_report`, `care_leavers_report`,
`timeliness_report`) takes the user, the collection year (the year ending 31 March) and an optional
team, works its figures out in SQL over the young people the user may see (`access`), and answers a
`Report`. The children behind a figure come from the same module's `*_children` function, given the
figure's `drill` key, again scoped by access.

Values are plain numbers: a `Measure` is a count out of a cohort (shown as a percentage, n of N);
a `Figure` is a number with a unit (points, percentage points, days). `None` means "no figure"
(an empty cohort, or no benchmark published), never zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Unit(StrEnum):
    PERCENT = "percent"        # 0 to 100
    POINTS = "points"          # e.g. Attainment 8
    PP = "percentage points"   # a gap between two percentages
    COUNT = "count"
    DAYS = "days"


@dataclass(frozen=True)
class Measure:
    """`numerator` of the `denominator` children in a cohort; `drill` names the children behind it
    (None when there is no list to show)."""

    numerator: int
    denominator: int
    drill: str | None = None

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(100 * self.numerator) / Decimal(self.denominator)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    """A number that is not a share of a cohort: an average, a benchmark, a gap."""

    value: Decimal | None
    unit: Unit
    drill: str | None = None
    count: int | None = None   # how many children the figure rests on (for suppression)


Cell = str | int | Decimal | dt.date | Measure | Figure | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True    # right-aligned in the table (GOV.UK numeric cells)


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[str, Decimal | None], ...]   # (x label, y value or no value)


@dataclass(frozen=True)
class Chart:
    """A chart the page draws as SVG: `kind` "bar" (grouped bars) or "line" (a trend)."""

    key: str
    title: str
    description: str          # what the chart shows, in words, for screen readers
    kind: str
    unit: Unit
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Report:
    key: str                  # "attainment-gap", "placement-stability", "care-leavers", "timeliness"
    title: str
    year: int                 # the collection year: 1 April (year - 1) to 31 March (year)
    finding: str              # the one-sentence finding shown as the page's heading
    charts: tuple[Chart, ...]
    tables: tuple[Table, ...]
    # The definitions and counting choices applied, with their REFERENCE.md section, in words.
    definitions: tuple[str, ...] = ()
    years_available: tuple[int, ...] = ()
    extra: dict = field(default_factory=dict)
