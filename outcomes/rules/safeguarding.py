"""When a safeguarding alert is escalated (issue 12; DESIGN.md rules 8 and 10). Pure: aware
datetimes in, facts out.

- Office hours are the working days of England and Wales (`dates.is_working_day`: no weekends,
  no bank holidays) between the configured times, in Europe/London. Outside them the duty team
  is told at once.
- Round n of escalation falls due `n * ack` after the alert was raised, for n = 1, 2, ...: the
  round number comes from the time raised, so every sweep, and every worker, agrees on it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .dates import is_working_day
from .risk import KIND_LABELS, RiskKind

LONDON = ZoneInfo("Europe/London")


def in_office_hours(moment: dt.datetime, hours: tuple[dt.time, dt.time]) -> bool:
    """Whether `moment` (aware) falls in office hours on a working day in London."""
    local = moment.astimezone(LONDON)
    start, end = hours
    return is_working_day(local.date()) and start <= local.time() < end


def escalation_round_due(*, raised_at: dt.datetime, now: dt.datetime, ack: dt.timedelta) -> int:
    """The latest round of escalation due by `now`: 0 before the first `ack` has passed."""
    if now < raised_at:
        return 0
    return int((now - raised_at) // ack)


def escalation_round_at(*, raised_at: dt.datetime, round_number: int,
                        ack: dt.timedelta) -> dt.datetime:
    """When round `round_number` falls due."""
    return raised_at + ack * round_number


def kind_labels(kinds: list[str]) -> list[str]:
    """Stored kinds (RiskKind values) in plain words (`KIND_LABELS`), in the order given."""
    labels = []
    for value in kinds:
        try:
            labels.append(KIND_LABELS[RiskKind(value)])
        except (ValueError, KeyError):  # a kind the detector no longer has: still say it
            labels.append(value.replace("_", " "))
    return labels
