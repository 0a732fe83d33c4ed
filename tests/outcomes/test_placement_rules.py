"""Placements, moves and cohorts from SSDA903 episodes (REFERENCE.md §4.1): tables of cases."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from outcomes.rules.placements import (
    EPISODE_FIELDS,
    CareStart,
    EpisodeFacts,
    PlacementGroup,
    as_facts,
    care_start,
    looked_after_continuously,
    looked_after_on,
    moves_during,
    placement_group,
    placement_on,
    placements_during,
    placements_from,
)

D = dt.date
YEAR_START, YEAR_END = D(2024, 4, 1), D(2025, 3, 31)


def ep(start, end, rne, place="U4", *, ls="C2", provider="PR1", urn="SC000001", post="TW2 1",
       rec=None):
    """An episode; REC defaults to X1 when it ends (the child stays in care)."""
    return EpisodeFacts(start, end, rne, place, ls, provider, urn, post,
                        "" if end is None else (rec or "X1"))


def temp(start, end, place="T4"):
    return ep(start, end, "P", place, provider="", urn="", post="")


def chain(*steps, first_rne="S", last_rec=None):
    """Contiguous episodes: steps are (start, rne, place[, urn]); each ends when the next starts."""
    episodes = []
    for i, step in enumerate(steps):
        start, rne, place, *rest = step
        end = steps[i + 1][0] if i + 1 < len(steps) else None
        kwargs = {"urn": rest[0]} if rest else {}
        if place in {"T0", "T1", "T2", "T3", "T4"}:
            kwargs.update(provider="", urn="", post="")
        episodes.append(ep(start, end, rne, place, **kwargs))
    if last_rec:
        last = episodes[-1]
        episodes[-1] = last._replace(ended_on=last_rec[0], reason_ceased=last_rec[1])
    return episodes


# --- placements_during and moves_during ---------------------------------------------------


MOVE_CASES = [
    # (description, episodes, placements during 2024-25, moves during 2024-25)
    ("one placement all year",
     chain((D(2022, 5, 3), "S", "U4")), 1, 0),
    ("entered care in the year: not a move",
     chain((D(2024, 6, 1), "S", "U4")), 1, 0),
    ("entered care on 1 April",
     chain((D(2024, 4, 1), "S", "U4")), 1, 0),
    ("one move with a new carer (P)",
     chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "P", "U6", "B")), 2, 1),
    ("a move with B (legal status and carer) counts",
     chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "B", "K2", "B")), 2, 1),
    ("legal status only (L) is not a move",
     chain((D(2022, 5, 3), "S", "U4"), (D(2024, 9, 1), "L", "U4")), 1, 0),
    ("same carer moves house (T) is not a move",
     chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "T", "U4", "A2")), 1, 0),
    ("legal status and placement, same carer (U) is not a move",
     chain((D(2022, 5, 3), "S", "U6", "A"), (D(2024, 9, 1), "U", "U4", "A")), 1, 0),
    ("T4 respite and back to the same carer: not a move",
     chain((D(2022, 5, 3), "S", "U4"), (D(2024, 9, 1), "P", "T4"), (D(2024, 9, 5), "P", "U4")),
     1, 0),
    ("T1 hospital and back, then T3 carer's holiday and back: not moves",
     chain((D(2022, 5, 3), "S", "U4"), (D(2024, 7, 1), "P", "T1"), (D(2024, 7, 9), "P", "U4"),
           (D(2024, 8, 1), "P", "T3"), (D(2024, 8, 15), "P", "U4")), 1, 0),
    ("T0 and on to a different carer: one move",
     chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "P", "T0"),
           (D(2024, 9, 3), "P", "U6", "B")), 2, 1),
    ("placed for adoption with the current foster carer (A5, even coded P): not a move",
     chain((D(2022, 5, 3), "S", "U5"), (D(2024, 9, 1), "P", "A5")), 1, 0),
    ("placed for adoption with new carers (A6): a move",
     chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "P", "A6", "B")), 2, 1),
    ("three moves in the year",
     chain((D(2024, 1, 1), "S", "U4", "A"), (D(2024, 5, 1), "P", "U6", "B"),
           (D(2024, 8, 1), "P", "K2", "C"), (D(2025, 2, 1), "P", "U6", "D")), 4, 3),
    ("a move on 1 April is in the year; the placement ending that day counts too",
     chain((D(2023, 5, 3), "S", "U4", "A"), (D(2024, 4, 1), "P", "U6", "B")), 2, 1),
    ("a move on 31 March is in the year",
     chain((D(2023, 5, 3), "S", "U4", "A"), (D(2025, 3, 31), "P", "U6", "B")), 2, 1),
    ("a move on 1 April next year is not",
     chain((D(2023, 5, 3), "S", "U4", "A"), (D(2025, 4, 1), "P", "U6", "B")), 1, 0),
    ("a placement that ended before the year is not counted",
     chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 3, 1), "P", "U6", "B")), 1, 0),
    ("left care and came back: the return starts a new period, not a move",
     [ep(D(2023, 5, 3), D(2024, 6, 1), "S", rec="E4A"), ep(D(2024, 10, 1), None, "S", "U6")],
     2, 0),
]


@pytest.mark.parametrize(("episodes", "placements", "moves"),
                         [c[1:] for c in MOVE_CASES], ids=[c[0] for c in MOVE_CASES])
def test_placements_and_moves_in_the_year(episodes, placements, moves):
    assert placements_during(episodes, YEAR_START, YEAR_END) == placements
    assert moves_during(episodes, YEAR_START, YEAR_END) == moves


def test_short_breaks_are_dropped_before_counting():
    # a2: V3/V4 episodes are not placements; the child in a series of short breaks has none.
    breaks = [ep(D(2024, 5, 1), D(2024, 5, 3), "S", "U4", ls="V3", rec="E8"),
              ep(D(2024, 6, 1), D(2024, 6, 3), "S", "K2", ls="V4", rec="E8")]
    assert placements_from(breaks) == []
    assert moves_during(breaks, YEAR_START, YEAR_END) == 0
    # Short breaks before a full care order do not make the care order a move.
    assert moves_during([*breaks, ep(D(2024, 9, 1), None, "S")], YEAR_START, YEAR_END) == 0


def test_episodes_need_not_be_in_order_and_may_be_plain_tuples():
    episodes = chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "P", "U6", "B"))
    shuffled = [tuple(e) for e in reversed(episodes)]
    assert moves_during(shuffled, YEAR_START, YEAR_END) == 1


def test_model_like_objects_are_read_by_attribute():
    row = SimpleNamespace(started_on=D(2024, 9, 1), ended_on=None, reason_new_episode="S",
                          place="U4", legal_status="C2", place_provider="PR1", urn="X",
                          placement_postcode="TW2", reason_ceased="")
    assert as_facts(row).rne == "S"
    assert EPISODE_FIELDS[2] == "reason_new_episode"
    assert placements_during([row], YEAR_START, YEAR_END) == 1


def test_a_period_of_care_never_starts_with_a_temporary_placement():
    episodes = chain((D(2024, 5, 1), "S", "T4"), (D(2024, 5, 5), "P", "U4"))
    [placement] = placements_from(episodes)
    assert placement.started_on == D(2024, 5, 5) and placement.place == "U4"


def test_placement_records_its_usual_and_current_place():
    episodes = chain((D(2022, 5, 3), "S", "U5"), (D(2023, 1, 1), "P", "T2"),
                     (D(2023, 1, 10), "P", "U5"), (D(2024, 2, 1), "P", "A5"))
    [placement] = placements_from(episodes)
    assert (placement.place, placement.current_place) == ("U5", "A5")
    assert placement.starts_period and placement.ended_on is None
    assert len(placement.episodes) == 4


def test_adoption_with_new_carers_joins_the_previous_placement_on_the_older_reading():
    # c2: "placed for adoption and their adoptive placement together with their previous placement"
    episodes = chain((D(2021, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "P", "A6", "B"))
    assert len(placements_from(episodes)) == 2
    [combined] = placements_from(episodes, adoption_with_previous=True)
    assert combined.started_on == D(2021, 5, 3) and combined.current_place == "A6"


def test_placement_on_a_day():
    episodes = chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "P", "K2", "B"),
                     last_rec=(D(2025, 3, 31), "E4A"))
    assert placement_on(episodes, D(2024, 8, 31)).place == "U4"
    assert placement_on(episodes, D(2024, 9, 1)).place == "K2"   # the later one on a move day
    assert placement_on(episodes, D(2025, 3, 31)).place == "K2"  # the day care ends counts
    assert placement_on(episodes, D(2025, 4, 1)) is None


@pytest.mark.parametrize(("place", "group"), [
    ("U1", PlacementGroup.FOSTER), ("U6", PlacementGroup.FOSTER), ("A4", PlacementGroup.ADOPTION),
    ("P1", PlacementGroup.PARENTS), ("K2", PlacementGroup.CHILDRENS_HOME),
    ("K3", PlacementGroup.SUPPORTED), ("R1", PlacementGroup.RESIDENTIAL),
    ("Z12", PlacementGroup.OTHER),
])
def test_placement_groups(place, group):
    assert placement_group(place) is group
    assert group.label


# --- cohorts: looked after on a day, continuously ------------------------------------------


LOOKED_AFTER_AT_31_MARCH = [
    ("in care all year", [ep(D(2022, 5, 3), None, "S")], True),
    ("entered care on 1 April (after the day)", [ep(D(2025, 4, 1), None, "S")], False),
    ("entered care on 31 March", [ep(D(2025, 3, 31), None, "S")], True),
    ("episode ends on 31 March: counted (choice after c3)",
     [ep(D(2022, 5, 3), D(2025, 3, 31), "S", rec="E4A")], True),
    ("left care on 30 March", [ep(D(2022, 5, 3), D(2025, 3, 30), "S", rec="E4A")], False),
    ("short break on 31 March: excluded (a2)",
     [ep(D(2025, 3, 30), D(2025, 4, 2), "S", ls="V3", rec="E8")], False),
]


@pytest.mark.parametrize(("episodes", "expected"), [c[1:] for c in LOOKED_AFTER_AT_31_MARCH],
                         ids=[c[0] for c in LOOKED_AFTER_AT_31_MARCH])
def test_looked_after_on_31_march(episodes, expected):
    assert looked_after_on(episodes, YEAR_END) is expected


CONTINUOUSLY_12_MONTHS = [
    ("in care since before the year", [ep(D(2022, 5, 3), None, "S")], True),
    ("period starts on 1 April: the whole year (c3)", [ep(D(2024, 4, 1), None, "S")], True),
    ("period starts on 2 April", [ep(D(2024, 4, 2), None, "S")], False),
    ("moves inside the year keep continuity",
     chain((D(2022, 5, 3), "S", "U4", "A"), (D(2024, 9, 1), "P", "U6", "B"),
           (D(2024, 10, 1), "P", "T4"), (D(2024, 10, 4), "P", "U6", "B")), True),
    ("episode ending on 31 March does not break it (c3)",
     [ep(D(2022, 5, 3), D(2025, 3, 31), "S", rec="E4A")], True),
    ("left care on 30 March", [ep(D(2022, 5, 3), D(2025, 3, 30), "S", rec="E4A")], False),
    ("left and came back: a non-X1 end breaks it",
     [ep(D(2022, 5, 3), D(2024, 8, 1), "S", rec="E4B"), ep(D(2024, 8, 1), None, "S")], False),
    ("a new S episode after the start breaks it even when contiguous",
     [ep(D(2022, 5, 3), D(2024, 8, 1), "S"), ep(D(2024, 8, 1), None, "S")], False),
    ("a gap between X1 episodes breaks it",
     [ep(D(2022, 5, 3), D(2024, 8, 1), "S"), ep(D(2024, 8, 5), None, "P")], False),
    ("a V3 episode in the year breaks it",
     [ep(D(2022, 5, 3), D(2024, 8, 1), "S"), ep(D(2024, 8, 1), D(2024, 8, 3), "L", ls="V3"),
      ep(D(2024, 8, 3), None, "L")], False),
    ("a short-break series before the year does not",
     [ep(D(2023, 1, 1), D(2023, 1, 4), "S", ls="V3", rec="E8"), ep(D(2023, 6, 1), None, "S")],
     True),
    ("only short breaks", [ep(D(2022, 5, 3), None, "S", ls="V4")], False),
    ("no episodes", [], False),
]


@pytest.mark.parametrize(("episodes", "expected"), [c[1:] for c in CONTINUOUSLY_12_MONTHS],
                         ids=[c[0] for c in CONTINUOUSLY_12_MONTHS])
def test_looked_after_continuously_for_12_months_at_31_march(episodes, expected):
    assert looked_after_continuously(episodes, YEAR_START, YEAR_END) is expected


def test_care_start_walks_back_to_the_s_episode():
    episodes = chain((D(2021, 5, 3), "S", "U4", "A"), (D(2022, 9, 1), "P", "U6", "B"),
                     (D(2023, 1, 1), "L", "U6", "B"))
    assert care_start(episodes, YEAR_END) == CareStart(D(2021, 5, 3), known=True)
    # The files do not reach the start: only "on or before" is known.
    assert care_start(episodes[1:], YEAR_END) == CareStart(D(2022, 9, 1), known=False)
    assert care_start(episodes, D(2021, 1, 1)) is None
    # A return after leaving care starts a new period.
    back = [ep(D(2020, 1, 1), D(2021, 1, 1), "S", rec="E4A"), ep(D(2022, 2, 2), None, "S")]
    assert care_start(back, YEAR_END) == CareStart(D(2022, 2, 2), known=True)
