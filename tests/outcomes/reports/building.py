"""Care histories for the report tests (stability, care leavers, timeliness): SSDA903 episodes
saved with their periods of care, from short step lists."""

from __future__ import annotations

import datetime as dt

from outcomes import codes
from outcomes import models as m
from tests import factories as f


def care(child: m.YoungPerson, *steps: tuple, end: tuple[dt.date, str] | None = None,
         legal_status: str = "C2") -> list[m.Episode]:
    """One period of care of contiguous episodes. Steps are (start, RNE, PLACE[, LS]); each
    episode ends when the next starts (REC X1); `end` is (DEC, REC) of the last one."""
    last_end, last_reason = end or (None, "")
    period = f.PeriodOfCareFactory(young_person=child, started_on=steps[0][0],
                                   ended_on=last_end, reason_ceased=last_reason)
    episodes = []
    for i, (start, rne, place, *rest) in enumerate(steps):
        following = steps[i + 1][0] if i + 1 < len(steps) else None
        ended_on = following or last_end
        episodes.append(f.EpisodeFactory(
            period_of_care=period, started_on=start, ended_on=ended_on,
            reason_ceased="X1" if following else last_reason,
            reason_new_episode=rne, place=place, legal_status=rest[0] if rest else legal_status,
            place_provider="" if place in codes.NO_PROVIDER_PLACEMENTS else "PR1",
        ))
    return episodes


def short_break(child: m.YoungPerson, start: dt.date, end: dt.date | None,
                legal_status: str = "V3") -> m.Episode:
    """A short break (V3/V4) in a period of its own."""
    return care(child, (start, "S", "U6", legal_status), end=(end, "E8") if end else None)[0]
