"""When reminders go out (outcomes/rules/reminders.py): lead times, overdue, escalation after
working days, and the quiet hours in which a young person is never messaged."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.rules.reminders import LONDON, after_quiet_hours, in_quiet_hours, reminder_leads
from outcomes.rules.schedule import Policy

D = dt.date


@pytest.mark.parametrize(("due", "today", "leads"), [
    (D(2026, 3, 20), D(2026, 3, 5), []),                      # 15 days ahead: nothing yet
    (D(2026, 3, 20), D(2026, 3, 6), ["14d"]),                 # 14 days ahead
    (D(2026, 3, 20), D(2026, 3, 10), ["14d"]),                # between the leads: still 14d
    (D(2026, 3, 20), D(2026, 3, 13), ["7d"]),
    (D(2026, 3, 20), D(2026, 3, 20), ["0d"]),                 # the day itself
    (D(2026, 3, 20), D(2026, 3, 21), ["overdue"]),
    # Escalation after 5 working days late: due Fri 20 Mar; Mon 23 .. Fri 27 is the 5th.
    (D(2026, 3, 20), D(2026, 3, 26), ["overdue"]),
    (D(2026, 3, 20), D(2026, 3, 27), ["overdue", "escalation"]),
    # Easter 2026: Good Friday 3 Apr and Easter Monday 6 Apr are not working days.
    (D(2026, 4, 1), D(2026, 4, 8), ["overdue"]),              # Thu 2, Tue 7, Wed 8: 3 days
    (D(2026, 4, 1), D(2026, 4, 10), ["overdue", "escalation"]),  # + Thu 9, Fri 10 = 5
], ids=lambda v: str(v))
def test_reminder_leads(due, today, leads):
    assert reminder_leads(due_on=due, today=today) == leads


def test_a_missed_sweep_catches_up_with_one_reminder_not_a_burst():
    # Nothing ran 14 days ahead; on day -6 both 14d and 7d are reached: only the nearer goes.
    assert reminder_leads(due_on=D(2026, 3, 20), today=D(2026, 3, 14)) == ["7d"]


def test_lead_times_and_escalation_follow_the_policy():
    policy = Policy(lead_days=(3,), escalate_after_working_days=1)
    assert reminder_leads(due_on=D(2026, 3, 20), today=D(2026, 3, 16), policy=policy) == []
    assert reminder_leads(due_on=D(2026, 3, 20), today=D(2026, 3, 17), policy=policy) == ["3d"]
    assert reminder_leads(due_on=D(2026, 3, 20), today=D(2026, 3, 23), policy=policy) == [
        "overdue", "escalation"]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.mark.parametrize(("moment", "quiet"), [
    (at(D(2026, 6, 1), 7, 59), True),
    (at(D(2026, 6, 1), 8, 0), False),
    (at(D(2026, 6, 1), 20, 59), False),
    (at(D(2026, 6, 1), 21, 0), True),
    (at(D(2026, 6, 1), 23, 30), True),
    # 20:30 UTC is 21:30 in London in summer (BST): quiet, though not in UTC terms.
    (dt.datetime(2026, 6, 1, 20, 30, tzinfo=dt.UTC), True),
    (dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC), False),  # GMT in winter
])
def test_quiet_hours_are_london_time(moment, quiet):
    assert in_quiet_hours(moment) is quiet


def test_a_message_in_quiet_hours_waits_until_eight():
    assert after_quiet_hours(at(D(2026, 6, 1), 22, 15)) == at(D(2026, 6, 2), 8)
    assert after_quiet_hours(at(D(2026, 6, 2), 5, 0)) == at(D(2026, 6, 2), 8)
    assert after_quiet_hours(at(D(2026, 6, 2), 9, 0)) == at(D(2026, 6, 2), 9)


def test_quiet_hours_across_the_clock_change():
    # The clocks go forward at 01:00 on Sunday 29 March 2026: 08:00 that day is 07:00 UTC.
    waited = after_quiet_hours(at(D(2026, 3, 28), 23, 0))
    assert waited == at(D(2026, 3, 29), 8)
    assert waited.astimezone(dt.UTC).hour == 7
