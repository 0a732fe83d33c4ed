"""The SSDA903 collection year: the one home of its days and its name.

A collection year runs from 1 April to 31 March and is named by the year it ends: 2025 is
1 April 2024 to 31 March 2025 (REFERENCE.md §3, "The SSDA903 return"; the DfE validator's
`collection_start`/`collection_end`). Reports, the SSDA903 import and export, and the pages all
take their dates and labels from here.

The label follows the GOV.UK style guide ("use 'to' in date ranges, not hyphens or slashes"):
2025 -> "2024 to 2025".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class CollectionYear:
    """1 April to 31 March, named by the year it ends."""

    year: int

    @classmethod
    def of(cls, day: dt.date) -> CollectionYear:
        """The collection year that contains `day`."""
        return cls(day.year + 1 if day.month >= 4 else day.year)

    @property
    def start(self) -> dt.date:
        """1 April of the year before."""
        return dt.date(self.year - 1, 4, 1)

    @property
    def end(self) -> dt.date:
        """31 March."""
        return dt.date(self.year, 3, 31)

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        """(start, end), both days included."""
        return self.start, self.end

    @property
    def label(self) -> str:
        """2025 -> "2024 to 2025"."""
        return f"{self.year - 1} to {self.year}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label
