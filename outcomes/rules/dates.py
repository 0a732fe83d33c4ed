"""Date arithmetic the statutory rules share: calendar months, working days, birthdays and ages.

Working days leave out Saturdays, Sundays and the bank holidays of England and Wales, taken from
the `holidays` package (DESIGN.md rule 8; REFERENCE.md §1.1: "within 20 working days"). Dates in,
dates out: callers decide "today" in Europe/London before they get here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_left, bisect_right
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (or earlier), clamped to the end of a shorter month."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    if day.day <= 28:  # every month has a 28th: nothing to clamp (the common case, kept cheap)
        return dt.date(year, month, day.day)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """The bank holidays of England and Wales in `year`, including substitute days."""
    # holidays' country classes are built at import time and carry no type hints.
    return frozenset(holidays.UK(subdiv="ENG", years=year))  # type: ignore[no-untyped-call]


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a weekday that is not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


@lru_cache(maxsize=64)
def _working_days_in(year: int) -> tuple[int, ...]:
    """The working days of `year` (`is_working_day`), as ordinals, in order: what the two
    functions below count along with a binary search instead of a walk from day to day."""
    first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    return tuple(o for o in range(first, last + 1) if is_working_day(dt.date.fromordinal(o)))


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The `n`th working day after `day` (before it when `n` is negative); `day` itself never counts."""
    if n == 0:
        return day
    year, ordinal = day.year, day.toordinal()
    days = _working_days_in(year)
    if n > 0:
        index = bisect_right(days, ordinal)  # the first working day after `day`
        while index + n > len(days):  # the nth is in a later year
            n -= len(days) - index
            year += 1
            days, index = _working_days_in(year), 0
        return dt.date.fromordinal(days[index + n - 1])
    n, index = -n, bisect_left(days, ordinal)  # `index` working days before `day` this year
    while n > index:  # the nth before is in an earlier year
        n -= index
        year -= 1
        days = _working_days_in(year)
        index = len(days)
    return dt.date.fromordinal(days[index - n])


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n)) == n`.
    """
    if end < start:
        return -working_days_between(end, start)
    first, last = start.toordinal(), end.toordinal()
    return sum(bisect_right(days, last) - bisect_right(days, first)
               for days in map(_working_days_in, range(start.year, end.year + 1)))


def birthday(date_of_birth: dt.date, age: int) -> dt.date:
    """The day on which someone born on `date_of_birth` attains `age`."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        # Born on 29 February and the year has none. Family Law Reform Act 1969 s9: an age is
        # attained at the start of the anniversary of the birth date; in England and Wales that
        # anniversary is, by the common-law convention, taken to be 1 March in a common year.
        return dt.date(date_of_birth.year + age, 3, 1)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Age in whole years on `day`. Raises ValueError for a day before the birth (swapped arguments)."""
    if day < date_of_birth:
        raise ValueError("The day is before the date of birth.")
    years = day.year - date_of_birth.year
    if birthday(date_of_birth, years) > day:
        years -= 1
    return years
