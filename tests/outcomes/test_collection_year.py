"""The collection year (outcomes.rules.years): its days, its name, and the year of a day."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.rules.years import CollectionYear

D = dt.date


def test_a_year_runs_from_1_april_to_31_march_and_is_named_by_the_year_it_ends():
    year = CollectionYear(2025)
    assert (year.start, year.end) == (D(2024, 4, 1), D(2025, 3, 31)) == year.bounds
    assert year.label == str(year) == "2024 to 2025"


@pytest.mark.parametrize(("day", "year"), [
    (D(2024, 3, 31), 2024), (D(2024, 4, 1), 2025), (D(2024, 12, 31), 2025),
    (D(2025, 1, 1), 2025), (D(2025, 3, 31), 2025), (D(2025, 4, 1), 2026),
    (D(2024, 2, 29), 2024),
])
def test_the_year_of_a_day(day, year):
    assert CollectionYear.of(day) == CollectionYear(year)
    assert day in CollectionYear(year)
    assert day not in CollectionYear(year + 1) and day not in CollectionYear(year - 1)


def test_years_order_by_their_end():
    assert sorted([CollectionYear(2026), CollectionYear(2024)]) == [CollectionYear(2024),
                                                                    CollectionYear(2026)]
