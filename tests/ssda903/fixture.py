"""A hand-built authority for the SSDA903 export: every placement type and every reason an
episode ends, each in a care history the DfE rules accept, for collection years 2025 and 2026.

Deterministic: fixed dates, no randomness. Each child is a short story told in episodes; the
builder fills in what the return derives (X1 between episodes, the reason for a placement change,
providers, URNs and real postcodes, OC2 for the children looked after continuously for 12 months,
social-worker allocations).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from outcomes import codes
from outcomes import models as m
from tests import factories as f

D = dt.date
HOME = "TW9 1AA"  # homes in the borough (Richmond upon Thames, E09000027)
IN_BOROUGH = "TW1 4BW"
FOSTER_HOME = "TW1 4WH"
OTHER_FOSTER_HOME = "TW2 6JR"
OUT_OF_AREA = "GU1 3PH"
WITH_PARENTS = "TW9 2XD"
CHILDRENS_HOME_URN = "SC900001"
OWN_FOSTERING_URN = "SC900003"
AGENCY_URN = "SC900004"

PROVIDER = {"K1": "PR1", "K2": "PR4", "K3": "PR4", "H5": "PR4", "P1": "PR0", "P2": "PR4",
            "P3": "PR4", "R1": "PR3", "R2": "PR3", "R3": "PR4", "R5": "PR3", "S1": "PR4",
            **dict.fromkeys(codes.ADOPTION_PLACEMENTS | codes.FOSTER_PLACEMENTS, "PR1")}
URN = {**dict.fromkeys(("K1", "K2", "K3", "H5", "S1", "R3"), CHILDRENS_HOME_URN),
       **dict.fromkeys(codes.ADOPTION_PLACEMENTS | codes.FOSTER_PLACEMENTS, OWN_FOSTERING_URN),
       "P2": "XXXXXXX"}
POSTCODE = {"P1": WITH_PARENTS, "K1": IN_BOROUGH, "K3": IN_BOROUGH,
            **dict.fromkeys(codes.ADOPTION_PLACEMENTS | codes.FOSTER_PLACEMENTS, FOSTER_HOME)}
STARTED = D(2022, 5, 2)
IN_2025 = D(2024, 10, 1)  # a day in collection year 2025 (2024/25)
IN_2026 = D(2025, 6, 2)
BORN_2008 = D(2008, 9, 15)  # 16 in 2024/25, 17 in 2025/26, 18 after the 2026 year
BORN_2021 = D(2021, 1, 10)  # a child placed for adoption


@dataclass
class Ep:
    start: dt.date
    rne: str
    ls: str
    place: str
    provider: str | None = None
    postcode: str | None = None
    urn: str | None = None


@dataclass
class Story:
    name: str
    born: dt.date
    episodes: list[Ep]
    end: tuple[dt.date, str] | None = None
    sex: str = "M"
    uasc: bool = False
    need: str = "N1"
    mother: tuple[bool, dt.date | None] | None = None
    adoption: tuple[dt.date, dt.date] | None = None  # decided, matched
    oc3: list[tuple[int, dt.date, str, str, str]] = field(default_factory=list)
    reviews: list[tuple[dt.date, str]] = field(default_factory=list)


def _in_care(place: str, *, on: dt.date, until: dt.date | None = None) -> list[Ep]:
    """Fostered (U4) from STARTED, then moved to `place`, perhaps back to foster care."""
    change = {"A3": "T", "A5": "T"}.get(place, "P")  # with the current foster carer: same carer
    eps = [Ep(STARTED, "S", "C2", "U4")]
    if place in ("A5", "A6"):
        eps.append(Ep(D(2024, 8, 1), "L", "E1", "U4"))  # the placement order (rule 408)
    eps.append(Ep(on, change, eps[-1].ls, place))
    if until:
        eps.append(Ep(until, "P", eps[-1].ls, "U4", postcode=OTHER_FOSTER_HOME, urn=AGENCY_URN,
                      provider="PR4"))
    return eps


def _temporary(place: str) -> list[Ep]:
    """A few days away (T0-T4), then back to the usual foster placement (rule 383)."""
    return [Ep(STARTED, "S", "C2", "U4"), Ep(D(2024, 11, 4), "P", "C2", place),
            Ep(D(2024, 11, 8), "P", "C2", "U4")]


def stories() -> list[Story]:
    out: list[Story] = []
    # Every placement type, in a collection year where it is valid: H5, P2 and Z1 end with
    # 2024/25 (and so end before 31 March 2025); K3 and Z11-Z14 are 2025/26 codes (K3 is valid in
    # 2024/25 too, but the validator's 2024/25 list has it in lower case: SSDA903.md §2.6 item 3).
    for place in ("K1", "K2", "P1", "P3", "R1", "R2", "R3", "R5", "S1",
                  "U1", "U2", "U3", "U5", "U6"):
        out.append(Story(f"placed {place}", BORN_2008, _in_care(place, on=IN_2025)))
    out.append(Story("placed U4", BORN_2008, [Ep(STARTED, "S", "C2", "U4")],
                     reviews=[(D(2024, 6, 3), "PN1"), (D(2024, 12, 2), "PN5"),
                              (D(2025, 6, 2), "PN6")]))
    for place in ("H5", "P2", "Z1"):
        out.append(Story(f"placed {place} in 2024/25", BORN_2008,
                         _in_care(place, on=IN_2025, until=D(2025, 2, 3))))
    for place in ("K3", "Z11", "Z12", "Z13", "Z14"):
        out.append(Story(f"placed {place} in 2025/26", BORN_2008, _in_care(place, on=IN_2026)))
    for place in ("T0", "T1", "T2", "T3", "T4"):
        out.append(Story(f"temporary {place}", BORN_2008, _temporary(place)))
    for place in sorted(codes.ADOPTION_PLACEMENTS):
        out.append(Story(f"placed for adoption {place}", BORN_2021, _in_care(place, on=IN_2025),
                         adoption=(D(2024, 6, 1), D(2024, 9, 16)),
                         reviews=[(D(2024, 6, 3), "PN0"), (D(2025, 6, 2), "PN3")]))

    # Every reason an episode ends (X1 is every change above), alternately in 2024/25 and
    # 2025/26.
    endings = ("E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6",
               "E7", "E8", "E9", "E16")
    for n, rec in enumerate(endings):
        ended = D(2024, 11, 1) if n % 2 == 0 else D(2025, 11, 3)
        place = "U3" if rec == "E45" else "U4"  # SGO to relatives who fostered (rule 516)
        eps = [Ep(STARTED, "S", "C2", "U4")] + (
            [Ep(D(2023, 6, 5), "P", "C2", "U3")] if place == "U3" else [])
        sex = "F" if n % 3 == 0 else "M"
        out.append(Story(f"ended {rec}", BORN_2008, eps, end=(ended, rec), sex=sex))
    for rec, ended in (("E11", D(2025, 12, 1)), ("E12", D(2025, 1, 6))):
        place = "A5" if rec == "E11" else "A6"
        out.append(Story(f"adopted {rec}", BORN_2021, _in_care(place, on=D(2024, 10, 1)),
                         end=(ended, rec), adoption=(D(2024, 6, 1), D(2024, 9, 16))))
    out.append(Story("stayed put E17", D(2007, 10, 10), [Ep(STARTED, "S", "C2", "U4")],
                     end=(D(2025, 10, 10), "E17")))
    out.append(Story("remand ended E14", D(2010, 2, 14), [Ep(D(2025, 9, 1), "S", "J1", "K2")],
                     end=(D(2025, 10, 20), "E14"), need="N6"))
    out.append(Story("age assessed E15", D(2009, 1, 1), [Ep(D(2025, 7, 1), "S", "V2", "K2")],
                     end=(D(2025, 9, 1), "E15"), uasc=True, need="N8"))
    out.append(Story("mother", D(2008, 3, 5), [Ep(STARTED, "S", "C2", "U6")], sex="F",
                     mother=(True, D(2025, 1, 10))))
    out.append(Story("new in care 2024/25", D(2012, 7, 7), [Ep(D(2024, 7, 1), "S", "V2", "U6"),
                                                          Ep(D(2024, 9, 2), "L", "C1", "U6")]))

    # Care leavers, from the birthday after they left (OC3, 17 to 21).
    out.append(Story("care leaver 19", D(2006, 12, 20), [Ep(STARTED, "S", "C2", "U4")],
                     end=(D(2024, 12, 20), "E17"),
                     oc3=[(19, D(2025, 12, 22), "YES", "F2", "U1")]))
    out.append(Story("care leaver 18", D(2007, 2, 5), [Ep(STARTED, "S", "C2", "K2")],
                     end=(D(2024, 9, 2), "E5"), sex="F",
                     oc3=[(18, D(2025, 2, 10), "YES", "G5", "D1"),
                          (19, D(2026, 2, 9), "NO", "0", "0")]))
    out.append(Story("care leaver 17", D(2008, 1, 20), [Ep(STARTED, "S", "V2", "K2")],
                     end=(D(2024, 6, 3), "E6"),
                     oc3=[(17, D(2025, 1, 22), "REFU", "0", "R2"),
                          (18, D(2026, 1, 21), "YES", "F5", "U2")]))
    out.append(Story("care leaver home", D(2007, 5, 30), [Ep(STARTED, "S", "V2", "U6")],
                     end=(D(2024, 5, 30), "E13"),
                     oc3=[(18, D(2025, 6, 2), "RHOM", "0", "0")]))
    return out


def build() -> list[m.YoungPerson]:
    """Create the authority's records; returns the young people."""
    team = f.TeamFactory(name="Children in care team")
    worker = f.UserFactory(username="sw-903", role=m.Role.SOCIAL_WORKER, team=team)
    people = []
    for number, story in enumerate(stories(), start=1):
        people.append(_child(number, story, team=team, worker=worker))
    return people


def _child(number: int, story: Story, *, team: m.Team, worker: m.User) -> m.YoungPerson:
    is_mother, first_child = story.mother or (False, None)
    person = f.YoungPersonFactory(
        child_id=f"F{number:04d}", date_of_birth=story.born, sex=story.sex, team=team,
        ethnicity="AOTH" if story.uasc else "WBRI", uasc=story.uasc,
        upn="UN2" if story.uasc else f"A{number:012d}",
        is_mother=is_mother if story.sex == "F" else None,
        first_child_born_on=first_child if story.sex == "F" else None,
    )
    end_day, end_reason = story.end or (None, "")
    first = story.episodes[0].start
    period = f.PeriodOfCareFactory(
        young_person=person, started_on=first, ended_on=end_day, reason_ceased=end_reason,
        previous_permanence="Z1")
    for i, ep in enumerate(story.episodes):
        following = story.episodes[i + 1] if i + 1 < len(story.episodes) else None
        temporary = ep.place in codes.TEMPORARY_PLACEMENTS or (
            following is not None and following.place in codes.TEMPORARY_PLACEMENTS)
        change = ""
        if following is not None and following.rne in "PBTU" and not temporary:
            change = "CARPL" if following.rne in "PB" else "PLACE"
        f.EpisodeFactory(
            period_of_care=period, young_person=person, started_on=ep.start,
            reason_new_episode=ep.rne, legal_status=ep.ls, category_of_need=story.need,
            place=ep.place,
            place_provider=ep.provider if ep.provider is not None else PROVIDER.get(ep.place, ""),
            ended_on=following.start if following else end_day,
            reason_ceased="X1" if following else end_reason, reason_place_change=change,
            home_postcode="" if story.uasc else HOME,
            placement_postcode=ep.postcode or POSTCODE.get(ep.place, OUT_OF_AREA),
            urn=ep.urn if ep.urn is not None else URN.get(ep.place, ""),
        )
    f.AllocationFactory(young_person=person, worker=worker,
                        role=m.AllocationRole.SOCIAL_WORKER, started_on=first, ended_on=end_day,
                        reason="FCONTA")
    for held, code in story.reviews:
        f.CLAReviewFactory(young_person=person, held_on=held, participation=code, chair=None)
    for age, recorded, in_touch, activity, accommodation in story.oc3:
        f.CareLeaverRecordFactory(young_person=person, age=age, recorded_on=recorded,
                                  in_touch=in_touch, activity=activity,
                                  accommodation=accommodation)
    if story.adoption:
        decided, matched = story.adoption
        f.AdoptionDecisionFactory(young_person=person, decided_on=decided)
        if end_reason in ("E11", "E12"):
            f.AdoptionFactory(young_person=person, best_interests_on=decided, matched_on=matched,
                              by_foster_carers=story.episodes[-1].place in ("A3", "A5"))
    for year in (2025, 2026):
        if _looked_after_continuously(story, year):
            _outcomes(person, year)
    return person


def _looked_after_continuously(story: Story, year: int) -> bool:
    """For 12 months at 31 March (REFERENCE.md §4.1 c3): in care by 1 April and to 31 March."""
    start, end = D(year - 1, 4, 1), D(year, 3, 31)
    ended = story.end[0] if story.end else None
    return story.episodes[0].start <= start and (ended is None or ended >= end)


def _outcomes(person: m.YoungPerson, year: int) -> None:
    age_end = person.age_on(D(year, 3, 31))
    age_start = person.age_on(D(year - 1, 4, 1))
    f.OutcomesRecordFactory(
        young_person=person, collection_year=year,
        sdq_score=12 if age_end >= 4 and age_start < 17 else None,
        convicted=False if age_end >= 10 else None,
        health_check=True if age_end < 5 else None,
    )
