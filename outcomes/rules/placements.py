"""Placements, moves and cohorts from SSDA903 episodes: pure functions, episodes in, facts out.

The counting rules are REFERENCE.md §4.1 ("How placements and cohorts are counted"); each choice
below names its row there (a2-a6, c2, c3). Used by the attainment-gap report (moves in the year)
and the placement-stability report (3+ placements, long-term stability).

Input: episodes as `EpisodeFacts` (a NamedTuple, so a plain tuple in `EPISODE_FIELDS` order works
too), or any object with those attributes (an `Episode` row; `rne` may be `reason_new_episode`).
Order does not matter; one child's episodes per call. Dates are `datetime.date`.

    rows = Episode.objects.filter(young_person=child).values_list(*EPISODE_FIELDS)
    placements_during(rows, start, end)      # DfE a1: placements open in the window (3+ = unstable)
    moves_during(rows, start, end)           # changes of placement in the window (0, 1, 2, 3+)
    placements_from(rows)                    # the placements themselves, oldest first
    looked_after_on(rows, day)               # in care on `day` (an episode ending that day counts)
    looked_after_continuously(rows, start, end)  # c3: 12 months at 31 March, 2 years for (b)
    care_start(rows, on)                     # the period of care's first day, if the files reach it

API summary:
- `placements_from(episodes, *, adoption_with_previous=False) -> list[Placement]`
- `placements_during(episodes, start, end, *, adoption_with_previous=False) -> int`
- `moves_during(episodes, start, end) -> int`
- `placement_on(episodes, day, *, adoption_with_previous=False) -> Placement | None`
- `placement_group(place) -> PlacementGroup`
- `open_on(started_on, ended_on, day) -> bool`, `open_during(started_on, ended_on, start, end)`
- `looked_after_on(episodes, day) -> bool`
- `looked_after_continuously(episodes, start, end) -> bool`
- `care_start(episodes, on) -> CareStart | None`
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

# REFERENCE.md §3.2/§4.1 a2 (short breaks are left out of every CLA figure) and §3.5/a6
# (temporary placements): the code lists live in outcomes.codes, their one home.
from outcomes.codes import SHORT_BREAK_LEGAL_STATUSES, TEMPORARY_PLACEMENTS

# §4.1 a5: RNE codes that keep the same carer, so the placement continues.
SAME_CARER_RNE = frozenset({"L", "T", "U"})
# §4.1 a3/a4: placed for adoption with the current foster carer is not a change of placement.
ADOPTION_WITH_CURRENT_CARER = frozenset({"A3", "A5"})
ADOPTION_WITH_NEW_CARER = frozenset({"A4", "A6"})

# The Episode model's field names in the order of EpisodeFacts: `values_list(*EPISODE_FIELDS)`.
EPISODE_FIELDS = (
    "started_on", "ended_on", "reason_new_episode", "place", "legal_status",
    "place_provider", "urn", "placement_postcode", "reason_ceased",
)


class EpisodeFacts(NamedTuple):
    """One SSDA903 episode (§3.1): DECOM, DEC, RNE, PLACE, LS, PLACE_PROVIDER, URN, PL_POST, REC."""

    started_on: dt.date
    ended_on: dt.date | None
    rne: str
    place: str
    legal_status: str = ""
    place_provider: str = ""
    urn: str = ""
    placement_postcode: str = ""
    reason_ceased: str = ""

    @property
    def temporary(self) -> bool:
        return self.place in TEMPORARY_PLACEMENTS

    @property
    def short_break(self) -> bool:
        return self.legal_status in SHORT_BREAK_LEGAL_STATUSES

    @property
    def setting(self) -> tuple[str, str, str, str]:
        """What identifies the usual placement a child returns to after a temporary one (a6)."""
        return (self.place, self.place_provider, self.urn, self.placement_postcode)


def as_facts(episode: Any) -> EpisodeFacts:
    """An EpisodeFacts from a tuple in EPISODE_FIELDS order or an object with those attributes."""
    if isinstance(episode, EpisodeFacts):
        return episode
    if isinstance(episode, tuple):
        return EpisodeFacts(*episode)
    rne: str = getattr(episode, "rne", None) or getattr(episode, "reason_new_episode", "") or ""
    return EpisodeFacts(
        episode.started_on, episode.ended_on, rne, episode.place,
        getattr(episode, "legal_status", "") or "", getattr(episode, "place_provider", "") or "",
        getattr(episode, "urn", "") or "", getattr(episode, "placement_postcode", "") or "",
        getattr(episode, "reason_ceased", "") or "",
    )


def _sorted(episodes: Iterable[Any], *, keep_short_breaks: bool = False) -> list[EpisodeFacts]:
    facts = (as_facts(e) for e in episodes)
    return sorted((e for e in facts if keep_short_breaks or not e.short_break),
                  key=lambda e: e.started_on)


@dataclass(frozen=True)
class Placement:
    """One placement with one carer: from `started_on` until `ended_on` (the day the child moved
    on or left care; None while it goes on). `place` is the PLACE it began with (never T0-T4);
    `current_place` the latest non-temporary PLACE (e.g. A3 after U4). `starts_period` is True
    when it began a period of care (RNE S, or after a gap), so it is not a move."""

    started_on: dt.date
    ended_on: dt.date | None
    place: str
    current_place: str
    starts_period: bool
    episodes: tuple[EpisodeFacts, ...]

    def open_on(self, day: dt.date) -> bool:
        """Open on `day`; the day it ends counts (the day of a move is a day with both carers)."""
        return open_on(self.started_on, self.ended_on, day)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        """Open on at least one day of `start`..`end` inclusive (§4.1: "during the year")."""
        return open_during(self.started_on, self.ended_on, start, end)


class _Builder:
    def __init__(self, first: EpisodeFacts, *, starts_period: bool) -> None:
        self.episodes = [first]
        self.usual = first  # the latest non-temporary episode: the setting a child returns to
        self.starts_period = starts_period

    def add(self, episode: EpisodeFacts) -> None:
        self.episodes.append(episode)
        if not episode.temporary:
            self.usual = episode

    @property
    def in_temporary(self) -> bool:
        return self.episodes[-1].temporary

    def build(self) -> Placement:
        first, last = self.episodes[0], self.episodes[-1]
        return Placement(first.started_on, last.ended_on, first.place, self.usual.place,
                         self.starts_period, tuple(self.episodes))


def _continues(current: _Builder, episode: EpisodeFacts, *, adoption_with_previous: bool) -> bool:
    """Whether `episode`, which follows the current placement without a gap, keeps it going."""
    if episode.rne == "S":
        return False                        # a5: S starts a period of care
    if episode.temporary:
        return True                         # a6: a temporary move never starts a placement
    if episode.rne in SAME_CARER_RNE:
        return True                         # a5: L, T, U keep the same carer
    if current.in_temporary and episode.setting == current.usual.setting:
        return True                         # a6: back to the usual placement after T0-T4
    if episode.place in ADOPTION_WITH_CURRENT_CARER:
        return True                         # a3/a4: even when miscoded P or B
    # c2, the older long-term wording, joins A4/A6 to the placement before; otherwise P, B (or
    # anything else) start a new placement.
    return adoption_with_previous and episode.place in ADOPTION_WITH_NEW_CARER


def placements_from(episodes: Iterable[Any], *, adoption_with_previous: bool = False,
                    ) -> list[Placement]:
    """One child's placements, oldest first, over episodes with V3/V4 dropped (§4.1 a2).

    A placement starts with RNE S, P or B, or after a gap between episodes; L, T and U continue
    it (a5). A temporary placement (T0-T4) never starts one: it belongs to the placement it
    interrupts, and the return to the same PLACE, provider, URN and postcode continues that
    placement (a6, a *choice* in §4.1). A period of care that begins with a temporary episode
    (invalid, validator rule 380) has it skipped until a real placement starts. A3/A5 continue the
    placement even if miscoded P/B (a3); A4/A6 start a new one unless `adoption_with_previous`
    (the older long-term wording, c2).
    """
    placements: list[Placement] = []
    current: _Builder | None = None
    last_end: dt.date | None = None
    for episode in _sorted(episodes):
        contiguous = last_end == episode.started_on
        if current is not None and contiguous and _continues(
                current, episode, adoption_with_previous=adoption_with_previous):
            current.add(episode)
        elif current is not None and contiguous and episode.rne != "S":
            placements.append(current.build())
            current = _Builder(episode, starts_period=False)
        else:
            if current is not None:
                placements.append(current.build())
            # A gap, RNE S, or nothing before: a new period of care. It cannot begin with a
            # temporary placement (validator rule 380), so such an episode is skipped.
            current = None if episode.temporary else _Builder(episode, starts_period=True)
        last_end = episode.ended_on
    if current is not None:
        placements.append(current.build())
    return placements


def placements_during(episodes: Iterable[Any], start: dt.date, end: dt.date, *,
                      adoption_with_previous: bool = False) -> int:
    """Placements open on at least one day of `start`..`end` inclusive (§4.1, rule a1's count):
    the placement current on `start` counts as one, and so does one ending on `start` (*choice*)."""
    return sum(1 for p in placements_from(episodes, adoption_with_previous=adoption_with_previous)
               if p.overlaps(start, end))


def moves_during(episodes: Iterable[Any], start: dt.date, end: dt.date) -> int:
    """Changes of placement on a day in `start`..`end` inclusive: placements that began then,
    other than the first placement of a period of care (entering care is not a move). Temporary
    placements and short breaks are not moves (§4.1 a2, a6)."""
    return sum(1 for p in placements_from(episodes)
               if not p.starts_period and start <= p.started_on <= end)


def placement_on(episodes: Iterable[Any], day: dt.date, *,
                 adoption_with_previous: bool = False) -> Placement | None:
    """The placement the child is in on `day` (the later one on the day of a move)."""
    open_then = [p for p in placements_from(episodes, adoption_with_previous=adoption_with_previous)
                 if p.open_on(day)]
    return open_then[-1] if open_then else None


class PlacementGroup(StrEnum):
    """Placement types grouped as the statistics group them (§3.5 "Groupings"); the split of the
    rest is a *choice*, close to DfE's published placement categories."""

    FOSTER = "foster"
    ADOPTION = "adoption"
    PARENTS = "parents"
    CHILDRENS_HOME = "childrens_home"
    SUPPORTED = "supported"
    RESIDENTIAL = "residential"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PLACEMENT_GROUP_LABELS[self]


PLACEMENT_GROUP_LABELS = {
    PlacementGroup.FOSTER: "Foster placements (U1-U6)",
    PlacementGroup.ADOPTION: "Placed for adoption (A3-A6)",
    PlacementGroup.PARENTS: "With parents or others with parental responsibility (P1)",
    PlacementGroup.CHILDRENS_HOME: "Children's homes and secure children's homes (K1, K2)",
    PlacementGroup.SUPPORTED: "Supported or independent living (H5, K3, P2)",
    PlacementGroup.RESIDENTIAL: "Other residential settings (R1-R5, S1, P3)",
    PlacementGroup.OTHER: "Other placements (Z1, Z11-Z14)",
}

PLACEMENT_GROUPS: dict[str, PlacementGroup] = {
    **dict.fromkeys(("U1", "U2", "U3", "U4", "U5", "U6"), PlacementGroup.FOSTER),
    **dict.fromkeys(("A3", "A4", "A5", "A6"), PlacementGroup.ADOPTION),
    "P1": PlacementGroup.PARENTS,
    **dict.fromkeys(("K1", "K2"), PlacementGroup.CHILDRENS_HOME),
    **dict.fromkeys(("H5", "K3", "P2"), PlacementGroup.SUPPORTED),
    **dict.fromkeys(("R1", "R2", "R3", "R5", "S1", "P3"), PlacementGroup.RESIDENTIAL),
}


def placement_group(place: str) -> PlacementGroup:
    """The group of a PLACE code; Z1/Z11-Z14 and anything unknown are "other"."""
    return PLACEMENT_GROUPS.get(place, PlacementGroup.OTHER)


def open_on(started_on: dt.date, ended_on: dt.date | None, day: dt.date) -> bool:
    """An episode (or any dated record) is open on `day`: started on or before it, and not
    ended, or ended on or after it. The one rule for "on a day"; its SQL twin is
    `EpisodeQuerySet.open_on` (outcomes/models/placements.py), tested on the same table.

    REFERENCE.md §4.1, row "CLA at 31 March": DECOM <= day and DEC blank or DEC >= day (*choice*
    following c3: a child whose episode ends on 31 March is counted as looked after on 31 March,
    as the validator's continuity rule counts an episode ending on 31 March as covering the year).
    """
    return started_on <= day and (ended_on is None or ended_on >= day)


def open_during(started_on: dt.date, ended_on: dt.date | None,
                start: dt.date, end: dt.date) -> bool:
    """Open on at least one day of `start`..`end` (both included): §4.1 "during the year"."""
    return started_on <= end and (ended_on is None or ended_on >= start)


def looked_after_on(episodes: Iterable[Any], day: dt.date) -> bool:
    """Looked after on `day`: a non-V3/V4 episode (§4.1 a2) open on `day` (`open_on`).
    SQL twin: `Episode.objects.looked_after_on(day)`."""
    return any(open_on(e.started_on, e.ended_on, day) for e in _sorted(episodes))


def looked_after_continuously(episodes: Iterable[Any], start: dt.date, end: dt.date) -> bool:
    """Looked after on every day of `start`..`end` (§4.1 c3, the validator's
    CONTINUOUSLY_LOOKED_AFTER): an episode covers `start` (a period starting on `start` counts as
    the whole span) and continuity is not broken by an RNE S after `start`, an end other than X1
    before `end` (an episode ending on `end` does not break it), a gap, or a V3/V4 episode.

    For "looked after continuously for 12 months at 31 March Y": start = 1 April Y-1,
    end = 31 March Y.
    """
    spanning = [e for e in _sorted(episodes, keep_short_breaks=True)
                if open_during(e.started_on, e.ended_on, start, end)]
    if not spanning or spanning[0].started_on > start:
        return False
    previous: EpisodeFacts | None = None
    for episode in spanning:
        if episode.short_break:
            return False
        if previous is not None and episode.started_on != previous.ended_on:
            return False                    # a gap
        if episode.rne == "S" and episode.started_on > start:
            return False                    # care started again
        if episode.ended_on is not None and episode.ended_on < end and (
                episode.reason_ceased != "X1"):
            return False
        previous = episode
    last = spanning[-1]   # `previous` after the loop
    return last.ended_on is None or last.ended_on >= end


@dataclass(frozen=True)
class CareStart:
    """The first day of a period of care. `known` is False when the episodes do not reach back
    to its RNE S: then the start is only known to be on or before `on` (§4.1 "Period of care
    start"), and a figure that depends on it should list the child as undetermined."""

    on: dt.date
    known: bool


def care_start(episodes: Iterable[Any], on: dt.date) -> CareStart | None:
    """The start of the period of care the child is in on `on` (None if not looked after then):
    walk back through contiguous episodes (previous DEC = DECOM, RNE not S) to an RNE S."""
    facts = _sorted(episodes)
    current = [e for e in facts if open_on(e.started_on, e.ended_on, on)]
    if not current:
        return None
    episode = current[-1]
    by_end = {e.ended_on: e for e in facts if e.ended_on is not None}
    while episode.rne != "S":
        previous = by_end.get(episode.started_on)
        if previous is None:
            return CareStart(episode.started_on, known=False)
        episode = previous
    return CareStart(episode.started_on, known=True)
