"""A young person's care-leaver category on a given day: eligible, relevant, former relevant, qualifying.

The law (REFERENCE.md §1.6):
- Eligible: Children Act 1989 Sch 2 para 19B(2) and CPPCR 2010 reg 40(1). Aged 16 or 17, looked
  after, and looked after for a period or periods totalling 13 weeks that began after the 14th
  birthday and ended after the 16th.
- Relevant: s23A(2). Aged 16 or 17, no longer looked after, and eligible before last leaving care.
  Also (CL 2010 reg 3) a child not subject to a care order who was detained or in hospital on their
  16th birthday, having been looked after for 13 weeks since 14 immediately before. A relevant child
  who lives with a parent for six continuous months stops being relevant (CL 2010 reg 3) and is then
  qualifying.
- Former relevant: s23C(1). Aged 18 to 20 and (a) relevant before 18, and would still be if under 18,
  or (b) looked after at 18 having been eligible. Beyond 21 and up to 25 while in education or
  training (s23C(7), s23CA) or, for a personal adviser's support, on request (s23CZB, inserted by the
  Children and Social Work Act 2017 s3).
- Qualifying: s24(1B). Under 21, looked after at some time after the 16th birthday while still a
  child, and no longer looked after. Help with education or training continues to 25 (s24B).

How care history is read here:
- A spell is recorded as SSDA903 records an episode: looked after from `start` (DECOM) and not on
  `end` (DEC), the day care ceased.
- Nobody is looked after from their 18th birthday: a child stops being looked after the day before it
  (statistical convention, REFERENCE.md §1.6), so every spell is cut there.
- Days looked after are counted up to and including the day asked about; 13 weeks is 91 days.
- Short breaks (legal status V3/V4, CPPCR 2010 reg 48) count neither towards the 13 weeks nor as care
  "after the 16th birthday" for eligible and relevant: reg 40(2) says a reg 48 child is not an eligible
  child, and CL 2010 reg 3 leaves short breaks out of its 13 weeks. Section 24 has no such exclusion: a
  child in a short break is looked after (s22(1)), so short breaks after 16 do make a young person
  qualifying once they have ended.
- Not modelled: special guardianship orders (s24(1A)) and being accommodated or privately fostered
  outside the local authority's care (s24(2)). A caller who knows of them decides those cases itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from outcomes.rules.dates import age_on, birthday

ONE_DAY = dt.timedelta(days=1)
PRESCRIBED_AGE = 14  # CPPCR 2010 reg 40(1)
PRESCRIBED_DAYS = 13 * 7  # 13 weeks, CPPCR 2010 reg 40(1)

Interval = tuple[dt.date, dt.date]  # [start, end): looked after on start, not on end


class CareLeaverCategory(StrEnum):
    ELIGIBLE = "eligible"
    RELEVANT = "relevant"
    FORMER_RELEVANT = "former_relevant"
    QUALIFYING = "qualifying"
    NONE = "none"

    @property
    def label(self) -> str:
        return "Not a care leaver" if self is CareLeaverCategory.NONE else (
            self.value.replace("_", " ").capitalize()
        )


@dataclass(frozen=True)
class CareSpell:
    """A time looked after, from `start` until `end` (the day care ceased; None while it continues).

    `short_break` marks a pre-planned series of short breaks (legal status V3/V4, CPPCR 2010 reg 48).
    """

    start: dt.date
    end: dt.date | None = None
    short_break: bool = False

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError("A spell of care must end after the day it starts.")


@dataclass(frozen=True)
class CareLeaverStatus:
    """The category on a day, why, the days counted towards the 13 weeks, and when it ends.

    `support_until` is the day the category ends on the facts given (the young person is in it up to,
    not including, that day); None when there is no category.
    """

    category: CareLeaverCategory
    reason: str
    days_looked_after_since_14: int
    support_until: dt.date | None

    @property
    def weeks_looked_after_since_14(self) -> float:
        return self.days_looked_after_since_14 / 7


def care_leaver_status(
    *,
    date_of_birth: dt.date,
    spells: Iterable[CareSpell],
    on: dt.date,
    detained_or_in_hospital_on_16th_birthday: bool = False,
    returned_home_for_six_months_on: dt.date | None = None,
    in_education_or_training: bool = False,
    requested_support: bool = False,
) -> CareLeaverStatus:
    """The young person's care-leaver category on `on`, from their date of birth and care history.

    `returned_home_for_six_months_on` is the day they completed six continuous months living with a
    parent (or someone with parental responsibility); pass None if that arrangement broke down.
    """
    history = _History.of(date_of_birth=date_of_birth, spells=spells)
    facts = _Facts(
        detained_on_16th=detained_or_in_hospital_on_16th_birthday,
        home_from=returned_home_for_six_months_on,
        education=in_education_or_training,
        requested=requested_support,
    )
    age = age_on(date_of_birth, on)
    if age < 16:
        return history.status(
            CareLeaverCategory.NONE, on,
            f"Aged {age}: care-leaver categories start at 16 (Children Act 1989 Sch 2 para 19B).",
        )
    if age >= 25:
        return history.status(
            CareLeaverCategory.NONE, on,
            f"Aged {age}: leaving-care duties end at 25 (Children Act 1989 s23C, s23CZB, s24B).",
        )
    if age < 18:
        return _status_aged_16_or_17(history, facts, on)
    return _status_aged_18_to_24(history, facts, on, age)


def days_looked_after_since_14(
    *, date_of_birth: dt.date, spells: Iterable[CareSpell], through: dt.date
) -> int:
    """Days looked after from the 14th birthday up to and including `through`, leaving out short
    breaks and overlaps: the count behind the 13-week rule (CPPCR 2010 reg 40)."""
    return _History.of(date_of_birth=date_of_birth, spells=spells).days_since_14(through)


@dataclass(frozen=True)
class _Facts:
    detained_on_16th: bool
    home_from: dt.date | None
    education: bool
    requested: bool


@dataclass(frozen=True)
class _History:
    date_of_birth: dt.date
    countable: tuple[Interval, ...]  # spells other than short breaks, merged, cut at 18
    any_care: tuple[Interval, ...]  # every spell, merged, cut at 18

    @classmethod
    def of(cls, *, date_of_birth: dt.date, spells: Iterable[CareSpell]) -> _History:
        spells = tuple(spells)
        cut = birthday(date_of_birth, 18)
        return cls(
            date_of_birth=date_of_birth,
            countable=_merged(((s.start, s.end) for s in spells if not s.short_break), cut=cut),
            any_care=_merged(((s.start, s.end) for s in spells), cut=cut),
        )

    def birthday(self, age: int) -> dt.date:
        return birthday(self.date_of_birth, age)

    def days_since_14(self, through: dt.date) -> int:
        return _days_within(self.countable, self.birthday(PRESCRIBED_AGE), through + ONE_DAY)

    def looked_after_since_16(self, through: dt.date) -> bool:
        return _days_within(self.any_care, self.birthday(16), through + ONE_DAY) > 0

    def last_countable_spell(self, through: dt.date) -> Interval | None:
        """The latest countable spell that had started by `through`."""
        started = [interval for interval in self.countable if interval[0] <= through]
        return started[-1] if started else None

    def status(
        self, category: CareLeaverCategory, on: dt.date, reason: str,
        support_until: dt.date | None = None,
    ) -> CareLeaverStatus:
        return CareLeaverStatus(category, reason, self.days_since_14(on), support_until)


def _status_aged_16_or_17(history: _History, facts: _Facts, on: dt.date) -> CareLeaverStatus:
    days = history.days_since_14(on)
    eighteenth = history.birthday(18)
    if _covers(history.countable, on):
        if days >= PRESCRIBED_DAYS:
            return history.status(
                CareLeaverCategory.ELIGIBLE, on,
                f"Looked after now, and for {_weeks(days)} since age 14, including after 16 "
                "(Children Act 1989 Sch 2 para 19B; CPPCR 2010 reg 40).",
                eighteenth,
            )
        eligible_from = on + dt.timedelta(days=PRESCRIBED_DAYS - days)
        then = (f"; eligible from {eligible_from:%d/%m/%Y} if still looked after"
                if eligible_from < eighteenth else "")
        return history.status(
            CareLeaverCategory.NONE, on,
            f"Looked after now, but for only {_weeks(days)} since age 14, short of the 13 weeks "
            f"(CPPCR 2010 reg 40){then}.",
        )
    if _covers(history.any_care, on):
        return history.status(
            CareLeaverCategory.NONE, on,
            "On a short break (V3/V4): a child on a planned series of short breaks is not an "
            "eligible child (CPPCR 2010 reg 40(2), reg 48).",
        )

    relevant_because = _relevant_because(history, facts, on)
    if relevant_because:
        home = _home_for_six_months(history, facts, on)
        if home:
            return _qualifying(history, facts, on, f"Was relevant, but {home}", until_21=True)
        return history.status(CareLeaverCategory.RELEVANT, on, relevant_because, eighteenth)
    if history.looked_after_since_16(on):
        return _qualifying(history, facts, on, _why_not_eligible(history, on), until_21=True)
    return _never_after_16(history, on)


def _status_aged_18_to_24(
    history: _History, facts: _Facts, on: dt.date, age: int
) -> CareLeaverStatus:
    last_day_as_child = history.birthday(18) - ONE_DAY
    if _covers(history.countable, last_day_as_child):
        if history.days_since_14(last_day_as_child) >= PRESCRIBED_DAYS:
            return _former_relevant(
                history, facts, on, age,
                was="looked after until 18 as an eligible child (Children Act 1989 s23C(1)(b))",
            )
    elif _relevant_because(history, facts, last_day_as_child):
        # s23C(1)(a): a relevant child "and would be one if he were under eighteen", which six
        # months at home ends; limb (b), looked after at 18, has no such condition.
        home = _home_for_six_months(history, facts, on)
        if not home:
            return _former_relevant(
                history, facts, on, age,
                was="a relevant child before 18 (Children Act 1989 s23C(1)(a))",
            )
        return _qualifying(history, facts, on, f"Was relevant, but {home}", until_21=age < 21)
    if history.looked_after_since_16(on):
        return _qualifying(history, facts, on, _why_not_eligible(history, on), until_21=age < 21)
    return _never_after_16(history, on)


def _relevant_because(history: _History, facts: _Facts, on: dt.date) -> str:
    """Why a young person aged 16 or 17, not looked after on `on`, is relevant; empty if not."""
    last = history.last_countable_spell(on)
    if last is not None:
        left = last[1]
        days = history.days_since_14(left - ONE_DAY)
        if left > history.birthday(16) and days >= PRESCRIBED_DAYS:
            return (
                f"Left care on {left:%d/%m/%Y} as an eligible child, looked after for "
                f"{_weeks(days)} since age 14, including after 16 (Children Act 1989 s23A)."
            )
    days_by_16 = history.days_since_14(history.birthday(16) - ONE_DAY)
    if facts.detained_on_16th and days_by_16 >= PRESCRIBED_DAYS:
        return (
            "Detained or in hospital on their 16th birthday, having been looked after for "
            f"{_weeks(days_by_16)} since age 14 (CL 2010 reg 3)."
        )
    return ""


def _home_for_six_months(history: _History, facts: _Facts, on: dt.date) -> str:
    """Why six months at home has ended relevance (CL 2010 reg 3); empty if it has not."""
    if facts.home_from is None or facts.home_from > on:
        return ""
    last = history.last_countable_spell(on)
    # Six months at home completed before the last spell of care began belongs to an earlier time.
    if last is not None and facts.home_from <= last[0]:
        return ""
    return (f"had lived with a parent for six continuous months by {facts.home_from:%d/%m/%Y} "
            "(CL 2010 reg 3)")


def _why_not_eligible(history: _History, on: dt.date) -> str:
    if not _days_within(history.countable, history.birthday(16), on + ONE_DAY):
        return ("looked after at 16 or 17 only on short breaks, which do not make an eligible child "
                "(CPPCR 2010 reg 40(2))")
    return (f"looked after at 16 or 17, but for only {_weeks(history.days_since_14(on))} in all "
            "since age 14, short of the 13 weeks (CPPCR 2010 reg 40)")


def _qualifying(
    history: _History, facts: _Facts, on: dt.date, why: str, *, until_21: bool
) -> CareLeaverStatus:
    twenty_first, twenty_fifth = history.birthday(21), history.birthday(25)
    why = _sentence(why)
    if until_21:
        if facts.education:
            return history.status(
                CareLeaverCategory.QUALIFYING, on,
                f"{why}; qualifies for advice and assistance to 21, and for help with education "
                "or training to 25 (Children Act 1989 s24, s24B).",
                twenty_fifth,
            )
        return history.status(
            CareLeaverCategory.QUALIFYING, on,
            f"{why}; qualifies for advice and assistance to 21 (Children Act 1989 s24).",
            twenty_first,
        )
    if facts.education:
        return history.status(
            CareLeaverCategory.QUALIFYING, on,
            f"{why}; in education or training, so help continues to 25 "
            "(Children Act 1989 s24, s24B).",
            twenty_fifth,
        )
    return history.status(
        CareLeaverCategory.NONE, on,
        f"{why}; qualifying ends at 21 unless in education or training "
        "(Children Act 1989 s24, s24B).",
    )


def _former_relevant(
    history: _History, facts: _Facts, on: dt.date, age: int, *, was: str
) -> CareLeaverStatus:
    before = f"Aged {age}; was {was}"
    if facts.education:
        extension = ("; in education or training, so duties continue to 25 "
                     "(Children Act 1989 s23C(7), s23CA)")
    elif facts.requested:
        extension = ("; asked for a personal adviser's support, available to 25 "
                     "(Children Act 1989 s23CZB, inserted by the Children and Social Work Act 2017)")
    elif age < 21:
        return history.status(
            CareLeaverCategory.FORMER_RELEVANT, on, f"{before}.", history.birthday(21)
        )
    else:
        return history.status(
            CareLeaverCategory.NONE, on,
            f"{before}; duties end at 21 unless they are in education or training or ask for "
            "support (Children Act 1989 s23C(6), s23CZB).",
        )
    return history.status(
        CareLeaverCategory.FORMER_RELEVANT, on, f"{before}{extension}.", history.birthday(25)
    )


def _never_after_16(history: _History, on: dt.date) -> CareLeaverStatus:
    days = history.days_since_14(on)
    earlier = f"Looked after for {_weeks(days)} since age 14, but n" if days else "N"
    return history.status(
        CareLeaverCategory.NONE, on,
        f"{earlier}ot looked after on or after their 16th birthday "
        "(Children Act 1989 Sch 2 para 19B, s24).",
    )


def _merged(spans: Iterable[tuple[dt.date, dt.date | None]], *, cut: dt.date) -> tuple[Interval, ...]:
    """Spans as sorted, non-overlapping [start, end) intervals, none running past `cut`."""
    merged: list[Interval] = []
    for start, end in sorted((s, min(e or cut, cut)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _days_within(intervals: Iterable[Interval], start: dt.date, end: dt.date) -> int:
    return sum(max(0, (min(e, end) - max(s, start)).days) for s, e in intervals)


def _covers(intervals: Iterable[Interval], day: dt.date) -> bool:
    return any(s <= day < e for s, e in intervals)


def _weeks(days: int) -> str:
    weeks, rest = divmod(days, 7)
    parts = [f"{weeks} week{'' if weeks == 1 else 's'}"] if weeks else []
    if rest or not weeks:
        parts.append(f"{rest} day{'' if rest == 1 else 's'}")
    return " and ".join(parts)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
