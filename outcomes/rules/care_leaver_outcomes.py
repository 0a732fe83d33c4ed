"""The care-leaver indicators (in touch, in education, employment or training, in suitable
accommodation) for one young person in one collection year, from their OC3 records. Pure.

The rules are REFERENCE.md §4.1 (d) and §3.10:
- The age is the age on 31 March of the collection year, the age reached on the birthday in the
  year; the bands are 17-18 and 19-21 (recorded on or around the birthday) and 22-25 (recorded at
  latest contact, in touch only) (d1).
- IN_TOUCH DIED and RHOM leave the denominator (d2); REFU and NREQ stay in it (*choice* in §4.1).
- In touch = IN_TOUCH YES. Activity and accommodation count whatever IN_TOUCH says, since a third
  party may have given them (d3). EET = ACTIV F1/P1/F2/P2/F4/P4/F5/P5, NEET = G4/G5/G6, "0" not
  known; suitable = ACCOM suffix 1, unsuitable = suffix 2, "0" not known (d4).

Choices made here, beyond §4.1 (each stated on the report):
- Who is a care leaver for the 17-21 birthdays: a young person who was an eligible child (looked
  after for 13 weeks since 14, including after 16; CPPCR 2010 reg 40, §1.6, §3.10's cohort) and
  had left care by the birthday: relevant on their 17th birthday, or eligible or relevant the day
  before their 18th. A 17-year-old still looked after on their birthday is not yet a care leaver.
  Anyone with a confirmed record for the birthday counts too: the adviser has recorded them.
- No record at the birthday: a care leaver with no confirmed record for it (a draft of the young
  person's own answers does not count) stays in the denominator, as not in touch, activity not
  known and accommodation not known, so a missing record can never raise a rate; the report
  shows them as their own figure. An earlier DIED or RHOM record takes them out instead.
- 22-25: only young people with a confirmed record for that age, since the record is made at the
  latest contact of those still receiving support (§1.6); no "no record" figure there.
- Care transferred to another local authority (REC E3 ending their last period of care) leaves
  the cohort (d2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from outcomes.codes import EET_ACTIVITIES, NEET_ACTIVITIES
from outcomes.rules.care_leaver import CareLeaverCategory, CareSpell, care_leaver_status
from outcomes.rules.dates import ONE_DAY, add_months, age_on, birthday
from outcomes.rules.indicators import Outcome

EXCLUDED_IN_TOUCH = frozenset({"DIED", "RHOM"})  # §4.1 d2
TRANSFERRED = "E3"  # §3.7: care taken over by another LA (d2)
NO_INFORMATION = "0"
LEFT_CARE_CATEGORIES = frozenset({CareLeaverCategory.RELEVANT})
BEFORE_18_CATEGORIES = frozenset({CareLeaverCategory.ELIGIBLE, CareLeaverCategory.RELEVANT})


class Indicator(StrEnum):
    IN_TOUCH = "in-touch"
    EET = "eet"
    NEET = "neet"
    ACTIVITY_NOT_KNOWN = "activity-not-known"
    SUITABLE = "suitable"
    UNSUITABLE = "unsuitable"
    ACCOMMODATION_NOT_KNOWN = "accommodation-not-known"
    NO_RECORD = "no-record"
    EXCLUDED = "excluded"  # DIED or RHOM: out of every denominator, counted on its own


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str
    youngest: int
    oldest: int
    indicators: tuple[Indicator, ...]


BIRTHDAY_INDICATORS = (
    Indicator.IN_TOUCH, Indicator.EET, Indicator.NEET, Indicator.ACTIVITY_NOT_KNOWN,
    Indicator.SUITABLE, Indicator.UNSUITABLE, Indicator.ACCOMMODATION_NOT_KNOWN,
    Indicator.NO_RECORD,
)
AGE_BANDS = (
    AgeBand("17-18", "Aged 17 to 18", 17, 18, BIRTHDAY_INDICATORS),
    AgeBand("19-21", "Aged 19 to 21", 19, 21, BIRTHDAY_INDICATORS),
    AgeBand("22-25", "Aged 22 to 25", 22, 25, (Indicator.IN_TOUCH,)),  # d1: in touch only
)
YOUNGEST, OLDEST = AGE_BANDS[0].youngest, AGE_BANDS[-1].oldest


def age_band(age: int) -> AgeBand | None:
    return next((b for b in AGE_BANDS if b.youngest <= age <= b.oldest), None)


@dataclass(frozen=True)
class Record:
    """A confirmed OC3 record (§3.10): IN_TOUCH, ACTIV, ACCOM."""

    in_touch: str
    activity: str
    accommodation: str


def oc3_age(date_of_birth: dt.date, year: int) -> int | None:
    """The age on 31 March of collection year `year`: the age reached on the birthday in it
    (None for someone not yet born then)."""
    last_day = dt.date(year, 3, 31)
    return age_on(date_of_birth, last_day) if date_of_birth <= last_day else None


def left_care_as_care_leaver(*, date_of_birth: dt.date, spells: Iterable[CareSpell],
                             age: int) -> bool:
    """Whether the young person was an eligible child who had left care by their birthday at
    `age` (17 or over): relevant on the 17th birthday; eligible or relevant the day before the
    18th for any later birthday (Children Act 1989 s23A, s23C; REFERENCE.md §1.6, §3.10)."""
    spells = tuple(spells)
    if age == 17:
        on, categories = birthday(date_of_birth, 17), LEFT_CARE_CATEGORIES
    else:
        on, categories = birthday(date_of_birth, 18) - ONE_DAY, BEFORE_18_CATEGORIES
    return care_leaver_status(date_of_birth=date_of_birth, spells=spells,
                              on=on).category in categories


@dataclass(frozen=True)
class BirthdayOutcomes:
    """A care leaver's place in the figures for one birthday."""

    age: int
    band: AgeBand
    outcomes: dict[Indicator, Outcome]


def birthday_outcomes(*, age: int, care_leaver: bool, records: Mapping[int, Record],
                      transferred: bool = False) -> BirthdayOutcomes | None:
    """How a young person counts at their birthday at `age`, given their confirmed records by
    age and whether their history makes them a care leaver; None when not in the cohort."""
    band = age_band(age)
    record = records.get(age)
    if band is None or transferred or (record is None and (not care_leaver or age > 21)):
        return None
    earlier_exit = any(r.in_touch in EXCLUDED_IN_TOUCH for a, r in records.items() if a < age)
    if (record is not None and record.in_touch in EXCLUDED_IN_TOUCH) or (
            record is None and earlier_exit):
        return BirthdayOutcomes(age, band, {Indicator.EXCLUDED: Outcome.MET})
    if record is None:
        record = Record("", NO_INFORMATION, NO_INFORMATION)
        missing = True
    else:
        missing = False
    facts = {
        Indicator.IN_TOUCH: record.in_touch == "YES",
        Indicator.EET: record.activity in EET_ACTIVITIES,
        Indicator.NEET: record.activity in NEET_ACTIVITIES,
        Indicator.ACTIVITY_NOT_KNOWN: record.activity not in EET_ACTIVITIES | NEET_ACTIVITIES,
        Indicator.SUITABLE: record.accommodation.endswith("1"),
        Indicator.UNSUITABLE: record.accommodation.endswith("2"),
        Indicator.ACCOMMODATION_NOT_KNOWN: record.accommodation[-1:] not in {"1", "2"},
        Indicator.NO_RECORD: missing,
    }
    return BirthdayOutcomes(age, band, {
        indicator: Outcome.MET if facts[indicator] else Outcome.NOT_MET
        for indicator in band.indicators
    })


def counted_yet(*, date_of_birth: dt.date, age: int, has_record: bool, today: dt.date,
                months_to_record: int) -> bool:
    """Whether the birthday at `age` counts by `today`: once its record is made, or once the
    record is due (`months_to_record` after the birthday, the schedule's policy; §3.10) - so in
    the year in progress a care leaver is not shown as having no record before it is due."""
    day = birthday(date_of_birth, age)
    return day <= today and (has_record or add_months(day, months_to_record) <= today)


def pathway_plan_in_date(*, last_agreed_or_reviewed: dt.date | None, on: dt.date) -> bool:
    """Whether a care leaver's pathway plan is in date on `on`: a plan has been agreed, and it
    was agreed or last reviewed no more than 6 months before (CL 2010, reviewed at least every
    6 months; REFERENCE.md §1.7) - the schedule's next review is not yet overdue."""
    if last_agreed_or_reviewed is None or last_agreed_or_reviewed > on:
        return False
    return on <= add_months(last_agreed_or_reviewed, 6)
