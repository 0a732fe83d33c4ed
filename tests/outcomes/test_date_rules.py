"""Date helpers behind the statutory timescales: months, working days, birthdays and ages.

Bank holidays are England and Wales (gov.uk/bank-holidays): 2025 Good Friday 18 April, Easter
Monday 21 April, Christmas 25-26 December; 2026 Good Friday 3 April, Easter Monday 6 April,
Boxing Day on Saturday 26 December with Monday 28 December in its place.
"""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.rules.dates import (
    add_months,
    add_working_days,
    age_on,
    bank_holidays,
    birthday,
    is_working_day,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(D(2025, 1, 31), 1, D(2025, 2, 28), id="31-jan-plus-1-clamps-to-28-feb"),
        pytest.param(D(2024, 1, 31), 1, D(2024, 2, 29), id="31-jan-plus-1-leap-year-29-feb"),
        pytest.param(D(2024, 2, 29), 12, D(2025, 2, 28), id="29-feb-plus-12-to-common-year"),
        pytest.param(D(2024, 2, 29), 48, D(2028, 2, 29), id="29-feb-plus-48-to-leap-year"),
        pytest.param(D(2025, 3, 31), -1, D(2025, 2, 28), id="31-mar-minus-1-clamps"),
        pytest.param(D(2025, 5, 31), 3, D(2025, 8, 31), id="reg33-2-second-review-3-months"),
        pytest.param(D(2025, 8, 31), 6, D(2026, 2, 28), id="reg33-2-later-review-6-months-clamps"),
        pytest.param(D(2025, 10, 15), 6, D(2026, 4, 15), id="reg33-2-later-review-6-months"),
        pytest.param(D(2025, 12, 15), 1, D(2026, 1, 15), id="december-rolls-into-next-year"),
        pytest.param(D(2025, 1, 15), -1, D(2024, 12, 15), id="january-back-into-last-year"),
        pytest.param(D(2025, 3, 10), 0, D(2025, 3, 10), id="zero-months-same-day"),
        pytest.param(D(2025, 4, 30), 1, D(2025, 5, 30), id="30th-stays-30th-in-longer-month"),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(D(2025, 4, 18), False, id="good-friday-2025"),
        pytest.param(D(2025, 4, 21), False, id="easter-monday-2025"),
        pytest.param(D(2025, 4, 22), True, id="tuesday-after-easter-2025"),
        pytest.param(D(2025, 5, 5), False, id="early-may-2025"),
        pytest.param(D(2025, 8, 25), False, id="late-summer-2025"),
        pytest.param(D(2025, 12, 25), False, id="christmas-2025"),
        pytest.param(D(2025, 12, 26), False, id="boxing-day-2025"),
        pytest.param(D(2025, 12, 27), False, id="saturday"),
        pytest.param(D(2025, 12, 28), False, id="sunday"),
        pytest.param(D(2025, 12, 29), True, id="monday-between-christmas-and-new-year"),
        pytest.param(D(2026, 1, 1), False, id="new-year-2026"),
        pytest.param(D(2026, 4, 3), False, id="good-friday-2026"),
        pytest.param(D(2026, 4, 6), False, id="easter-monday-2026"),
        pytest.param(D(2026, 12, 28), False, id="boxing-day-substitute-monday-2026"),
        pytest.param(D(2023, 5, 8), False, id="one-off-coronation-bank-holiday-2023"),
        pytest.param(D(2025, 3, 17), True, id="st-patricks-day-is-northern-ireland-only"),
        pytest.param(D(2025, 1, 2), True, id="2-january-is-scotland-only"),
    ],
)
def test_is_working_day_england_and_wales(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        pytest.param(D(2025, 4, 17), 1, D(2025, 4, 22), id="over-easter-2025"),
        pytest.param(D(2026, 4, 2), 1, D(2026, 4, 7), id="over-easter-2026"),
        pytest.param(D(2025, 12, 24), 1, D(2025, 12, 29), id="over-christmas-2025"),
        pytest.param(D(2026, 12, 24), 1, D(2026, 12, 29), id="over-christmas-2026-substitute-day"),
        pytest.param(D(2025, 12, 31), 1, D(2026, 1, 2), id="over-new-year-2026"),
        pytest.param(D(2025, 11, 7), 1, D(2025, 11, 10), id="friday-over-weekend"),
        pytest.param(D(2025, 11, 8), 1, D(2025, 11, 10), id="from-a-saturday"),
        pytest.param(D(2025, 11, 8), 0, D(2025, 11, 8), id="zero-is-the-day-itself"),
        pytest.param(D(2025, 11, 3), 20, D(2025, 12, 1), id="reg33-1-first-review-20-working-days"),
        pytest.param(D(2025, 12, 1), 20, D(2025, 12, 31), id="reg33-1-20-days-across-christmas"),
        pytest.param(D(2026, 4, 1), 10, D(2026, 4, 17), id="reg4-2-care-plan-10-days-over-easter"),
        pytest.param(D(2025, 4, 22), -1, D(2025, 4, 17), id="backwards-over-easter-2025"),
        pytest.param(D(2026, 1, 2), -4, D(2025, 12, 24), id="backwards-over-christmas"),
    ],
)
def test_add_working_days(day, n, expected):
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(D(2025, 4, 17), D(2025, 4, 22), 1, id="easter-2025"),
        pytest.param(D(2026, 4, 2), D(2026, 4, 7), 1, id="easter-2026"),
        pytest.param(D(2025, 12, 1), D(2025, 12, 31), 20, id="december-2025"),
        pytest.param(D(2025, 12, 22), D(2026, 1, 2), 6, id="christmas-and-new-year"),
        pytest.param(D(2026, 12, 24), D(2026, 12, 31), 3, id="christmas-2026-substitute-day"),
        pytest.param(D(2025, 11, 10), D(2025, 11, 10), 0, id="same-day"),
        pytest.param(D(2025, 11, 7), D(2025, 11, 9), 0, id="only-a-weekend"),
        pytest.param(D(2025, 4, 22), D(2025, 4, 17), -1, id="reversed-is-negative"),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize("n", [1, 5, 10, 20])
def test_working_days_between_undoes_add_working_days(n):
    day = D(2025, 1, 1)
    while day < D(2027, 1, 1):
        assert working_days_between(day, add_working_days(day, n)) == n
        day += dt.timedelta(days=1)


def test_bank_holidays_are_cached_per_year():
    assert bank_holidays(2025) is bank_holidays(2025)
    assert D(2025, 12, 25) in bank_holidays(2025)


@pytest.mark.parametrize(
    ("date_of_birth", "age", "expected"),
    [
        pytest.param(D(2008, 5, 10), 18, D(2026, 5, 10), id="ordinary-birthday"),
        pytest.param(D(2008, 2, 29), 16, D(2024, 2, 29), id="29-feb-in-leap-year"),
        pytest.param(D(2008, 2, 29), 17, D(2025, 3, 1), id="29-feb-flra-1969-s9-1-march"),
        pytest.param(D(2008, 2, 29), 18, D(2026, 3, 1), id="29-feb-18th-on-1-march"),
        pytest.param(D(2008, 2, 28), 18, D(2026, 2, 28), id="28-feb-unaffected"),
    ],
)
def test_birthday(date_of_birth, age, expected):
    assert birthday(date_of_birth, age) == expected


@pytest.mark.parametrize(
    ("date_of_birth", "day", "expected"),
    [
        pytest.param(D(2008, 5, 10), D(2026, 5, 9), 17, id="day-before-18th"),
        pytest.param(D(2008, 5, 10), D(2026, 5, 10), 18, id="on-18th-birthday"),
        pytest.param(D(2008, 5, 10), D(2008, 5, 10), 0, id="day-of-birth"),
        pytest.param(D(2007, 12, 31), D(2008, 1, 1), 0, id="next-day-new-year"),
        pytest.param(D(2008, 2, 29), D(2026, 2, 28), 17, id="leapling-28-feb-still-17"),
        pytest.param(D(2008, 2, 29), D(2026, 3, 1), 18, id="leapling-18-on-1-march"),
        pytest.param(D(2008, 2, 29), D(2024, 2, 28), 15, id="leapling-day-before-16th"),
        pytest.param(D(2008, 2, 29), D(2024, 2, 29), 16, id="leapling-16-on-29-feb"),
    ],
)
def test_age_on(date_of_birth, day, expected):
    assert age_on(date_of_birth, day) == expected


def test_age_on_refuses_a_day_before_birth():
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(D(2026, 5, 10), D(2008, 5, 10))
