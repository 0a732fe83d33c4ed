"""When reminders go out: lead times before a due date, overdue notices, escalation, and the quiet
hours in which a young person is never messaged.

Pure: dates and times in, decisions out. The sweep (`outcomes.services.reminders`) asks these
once a day for every open schedule item; the outbox's unique key makes each decision happen once.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .dates import working_days_between
from .schedule import DEFAULT_POLICY, Policy

LONDON = ZoneInfo("Europe/London")
OVERDUE = "overdue"
ESCALATION = "escalation"
# A young person is not messaged between 21:00 and 08:00 (issue 4): a message waits until 08:00.
QUIET_FROM = dt.time(21, 0)
QUIET_UNTIL = dt.time(8, 0)


def lead_label(days: int) -> str:
    return f"{days}d"


def reminder_leads(*, due_on: dt.date, today: dt.date, policy: Policy = DEFAULT_POLICY) -> list[str]:
    """The reminders an item has earned by `today`.

    Before or on the due date: the shortest lead time reached ("14d", "7d", "0d"), so a sweep
    that missed a day catches up with one reminder, not a burst. After it: "overdue", and
    "escalation" once it is late by `policy.escalate_after_working_days` working days.
    """
    if today <= due_on:
        reached = [days for days in policy.lead_days if due_on - dt.timedelta(days=days) <= today]
        return [lead_label(min(reached))] if reached else []
    leads = [OVERDUE]
    if working_days_between(due_on, today) >= policy.escalate_after_working_days:
        leads.append(ESCALATION)
    return leads


def in_quiet_hours(moment: dt.datetime) -> bool:
    local = moment.astimezone(LONDON).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def after_quiet_hours(moment: dt.datetime) -> dt.datetime:
    """`moment`, or the next 08:00 in London when `moment` falls in the quiet hours. Aware in,
    aware out; the clock change is handled by building 08:00 on the London calendar day."""
    if not in_quiet_hours(moment):
        return moment
    local = moment.astimezone(LONDON)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=LONDON)
