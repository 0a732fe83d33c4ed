"""Flags csc-validator-be-903 0.1.17 raises on data the DfE rules accept, each named, explained,
and excused only on the rows where a check of our own shows the flag is the validator's mistake.
Every other flag fails the test. Found by running the validator (SSDA903.md §2.6 lists the
first; the rest were found here).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from outcomes.models import Allocation, AllocationRole, Episode, YoungPerson
from outcomes.rules.years import CollectionYear
from outcomes.ssda903.tables import EPISODES, SW_EPISODES, parse_date

from .validator import Issue, ValidatorResult


@dataclass
class Context:
    """What a check may look at: the year, the files given to the validator, and our records."""

    year: int
    this_year: Path
    previous_year: Path | None

    @cached_property
    def episodes(self) -> dict[str, list[dict[str, str]]]:
        by_child: dict[str, list[dict[str, str]]] = {}
        with (self.this_year / EPISODES.filename).open(newline="") as handle:
            for row in csv.DictReader(handle):
                by_child.setdefault(row["CHILD"], []).append(row)
        return by_child

    @cached_property
    def social_worker_episodes(self) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
        by_child: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
        with (self.this_year / SW_EPISODES.filename).open(newline="") as handle:
            for row in csv.DictReader(handle):
                by_child.setdefault(row["CHILD"], []).append(
                    (parse_date(row["SW_DECOM"]) or dt.date.min, parse_date(row["SW_DEC"])))
        return by_child

    @property
    def window_start(self) -> dt.date:
        """The first day the validator can see: the start of last year's return if given."""
        first = self.year - 1 if self.previous_year else self.year
        return CollectionYear(first).start


@dataclass(frozen=True)
class KnownFalsePositive:
    rule: str
    why: str
    applies: Callable[[Issue, Context], bool]
    years: frozenset[int] = frozenset({2025, 2026})


def _k3(issue: Issue, context: Context) -> bool:
    return issue.values.get("PLACE") == "K3"


def _not_looked_after_at_31_march(issue: Issue, context: Context) -> bool:
    """The child's last episode this year ended, other than by X1, on or before 31 March."""
    episodes = context.episodes.get(issue.child or "", [])
    if not episodes:
        return False
    last = max(episodes, key=lambda row: parse_date(row["DECOM"]) or dt.date.min)
    ended = parse_date(last["DEC"])
    return ended is not None and last["REC"] not in ("", "X1") \
        and ended <= CollectionYear(context.year).end


def _next_social_worker_follows(issue: Issue, context: Context) -> bool:
    """Every social-worker episode of the child ending in the last 5 days of the year is
    followed within a week by the next in our records (which may begin on 1 April, after the
    year), or the child ceased to be looked after."""
    if _not_looked_after_at_31_march(issue, context):
        return True
    end = CollectionYear(context.year).end
    ending = [e for _, e in context.social_worker_episodes.get(issue.child or "", [])
              if e is not None and end - dt.timedelta(days=5) <= e <= end]
    return bool(ending) and all(
        Allocation.objects.filter(
            young_person__child_id=issue.child, role=AllocationRole.SOCIAL_WORKER,
            started_on__gt=e, started_on__lte=e + dt.timedelta(days=7)).exists()
        for e in ending)


def _open_at_31_march_or_left(issue: Issue, context: Context) -> bool:
    """The child ceased to be looked after, or their last social worker of the year handed
    over to the next on 1 April (in our records): the year's end falls between the two."""
    if _not_looked_after_at_31_march(issue, context):
        return True
    spells = context.social_worker_episodes.get(issue.child or "", [])
    if not spells or any(e is None for _, e in spells):
        return False
    last = max(e for _, e in spells if e is not None)
    return last == CollectionYear(context.year).end and Allocation.objects.filter(
        young_person__child_id=issue.child, role=AllocationRole.SOCIAL_WORKER,
        started_on=last + dt.timedelta(days=1)).exists()


def _care_before_the_window(issue: Issue, context: Context) -> bool:
    """Our records hold episodes of this care leaver that ended before the years loaded."""
    return Episode.objects.filter(young_person__child_id=issue.child,
                                  ended_on__lt=context.window_start).exists()


def _eligible_by_full_history(issue: Issue, context: Context) -> bool:
    """Rule 1001's own test on the whole care history in our records, not the two years loaded
    (and not only for those under 20, whom it means to leave out but flags): 91 days or more
    looked after since the 14th birthday, some of it after the 16th, and not adopted."""
    person = YoungPerson.objects.get(child_id=issue.child)
    born = person.date_of_birth
    fourteen, sixteen = _birthday(born, 14), _birthday(born, 16)
    end = CollectionYear(context.year).end
    since_14 = since_16 = 0
    last = None
    for start, ended, legal_status, reason in Episode.objects.filter(
            young_person=person, started_on__lte=end).order_by("started_on").values_list(
            "started_on", "ended_on", "legal_status", "reason_ceased"):
        last = reason
        if legal_status in ("V3", "V4"):
            continue
        stop = min(ended or end, end)
        since_14 += max(0, (stop - max(start, fourteen)).days)
        since_16 += max(0, (stop - max(start, sixteen)).days)
    return since_14 >= 91 and since_16 >= 1 and last not in ("E11", "E12")


def _birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return dt.date(born.year + years, 3, 1)


def _age_in_whole_years(issue: Issue, context: Context) -> bool:
    """Rule 1016 measures age in years of 365.2425 days, so a young person whose birthday is
    31 March is taken to be a year younger on that day. Redo it with calendar birthdays: 17 at
    31 March and left on or after the 17th birthday, or 18 and on or after the 18th."""
    born = parse_date(issue.values.get("DOB") or "")
    if born is None:
        return False
    end = CollectionYear(context.year).end
    age = end.year - born.year - ((end.month, end.day) < (born.month, born.day))
    if age not in (17, 18):
        return True  # the rule asks nothing of other ages
    birthday = born.replace(year=born.year + age)
    return not any((parse_date(row["DEC"]) or dt.date.min) >= birthday
                   for row in context.episodes.get(issue.child or "", []))


def _care_leaver_not_looked_after(issue: Issue, context: Context) -> bool:
    return issue.child not in context.episodes


KNOWN_FALSE_POSITIVES = (
    KnownFalsePositive(
        "146", "the 2024/25 list has placement type 'k3' in lower case and ingress upper-cases "
        "every value, so K3 (valid from 2024/25) is flagged (SSDA903.md §2.6 item 3)",
        _k3, years=frozenset({2025})),
    KnownFalsePositive(
        "SW17STG2", "asks for a social-worker episode open at 31 March of every child in the "
        "table, also those who ceased to be looked after during the year, and of a child whose "
        "social worker changed on 1 April", _open_at_31_march_or_left,
        years=frozenset({2026})),
    KnownFalsePositive(
        "SW11bSTG2", "looks for the episode after one ending in the last 5 days of the year in "
        "the wrong direction (it compares the episode before), so it flags a change of social "
        "worker then even when the next one follows the next day; also asks it of a child who "
        "ceased to be looked after", _next_social_worker_follows),
    KnownFalsePositive(
        "1002", "looks for a care leaver's care in the two years loaded only (its own NOTE); our "
        "records hold care that ended before them", _care_before_the_window),
    KnownFalsePositive(
        "1001", "judges relevant/former relevant from the two years loaded only (its own NOTE), "
        "and flags everyone 20 or over, whom it means to leave out; its own test on the whole "
        "history passes", _eligible_by_full_history),
    KnownFalsePositive(
        "1016", "measures age in 365.2425-day years, a day out for a 31 March birthday",
        _age_in_whole_years),
    KnownFalsePositive(
        "624", "a mother last year who is a care leaver only this year must have MOTHER blank "
        "(rule 628) and so MC_DOB blank (rule 612), which 624 reads as a changed MC_DOB",
        _care_leaver_not_looked_after),
)


def unexplained(result: ValidatorResult, context: Context) -> tuple[list[Issue], list[Issue]]:
    """The issues no known false positive explains, and those one does."""
    known = {(k.rule, year): k for k in KNOWN_FALSE_POSITIVES for year in k.years}
    left, excused = [], []
    for issue in result.issues:
        rule = known.get((issue.rule, context.year))
        (excused if rule and rule.applies(issue, context) else left).append(issue)
    return left, excused
