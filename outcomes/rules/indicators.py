"""What every manager-report indicator shares: how one child counts towards a figure, and the day
a collection year's figures are taken on. Pure: dates in, facts out.

A collection year is named by the year it ends (REFERENCE.md §3: the SSDA903 year runs 1 April to
31 March). The DfE indicators are taken on 31 March (§4, §4.1); for the year still in progress the
reports take them on today instead (*choice*: "so far this year"), with every window still opening
on 1 April.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Outcome(StrEnum):
    """How one child counts towards one indicator (a child outside its cohort has no outcome)."""

    MET = "met"                    # in the cohort and in the numerator
    NOT_MET = "not_met"            # in the cohort, not in the numerator
    # The records cannot decide it (e.g. the files do not reach back to the start of care):
    # listed on the report, never guessed, and left out of both numerator and denominator
    # (REFERENCE.md §4.1, "Period of care start").
    UNDETERMINED = "undetermined"


def reference_day(year: int, *, today: dt.date) -> dt.date:
    """The day collection year `year`'s figures are taken on: 31 March, or `today` while the
    year is still in progress (*choice*)."""
    return min(dt.date(year, 3, 31), today)
