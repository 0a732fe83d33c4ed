"""When a safeguarding alert is escalated: office hours on working days in London (weekends and
bank holidays of England and Wales are out of hours), and the round due, by tables of cases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from outcomes.rules.safeguarding import (
    escalation_round_at,
    escalation_round_due,
    in_office_hours,
    kind_labels,
)

LONDON = ZoneInfo("Europe/London")
HOURS = (dt.time(9), dt.time(17))


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(("moment", "expected"), [
    (london(2026, 12, 2, 8, 59), False),    # Wednesday, before nine
    (london(2026, 12, 2, 9, 0), True),
    (london(2026, 12, 2, 16, 59), True),
    (london(2026, 12, 2, 17, 0), False),    # the end is out of hours
    (london(2026, 12, 2, 2, 0), False),     # 2 am
    (london(2026, 12, 5, 11, 0), False),    # Saturday
    (london(2026, 12, 6, 11, 0), False),    # Sunday
    (london(2026, 12, 25, 14, 0), False),   # Christmas Day (a Friday)
    (london(2026, 12, 28, 11, 0), False),   # Boxing Day's substitute (26th is a Saturday)
    (london(2027, 3, 26, 11, 0), False),    # Good Friday 2027
    (london(2026, 7, 1, 9, 30), True),      # summer time: 08:30 UTC is 09:30 in London
    (dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC), True),
    (dt.datetime(2026, 7, 1, 16, 30, tzinfo=dt.UTC), False),  # 17:30 in London
])
def test_office_hours(moment, expected):
    assert in_office_hours(moment, HOURS) is expected


@pytest.mark.parametrize(("minutes", "expected"), [
    (-1, 0), (0, 0), (14.99, 0), (15, 1), (29, 1), (30, 2), (61, 4)])
def test_the_round_due(minutes, expected):
    raised = london(2026, 12, 2, 10, 0)
    ack = dt.timedelta(minutes=15)
    now = raised + dt.timedelta(minutes=minutes)
    assert escalation_round_due(raised_at=raised, now=now, ack=ack) == expected
    if expected:
        assert escalation_round_at(raised_at=raised, round_number=expected, ack=ack) <= now


def test_kinds_in_plain_words_even_for_a_kind_no_longer_known():
    assert kind_labels(["self_harm", "gone_kind"])[1] == "gone kind"
    assert "_" not in kind_labels(["self_harm"])[0]
