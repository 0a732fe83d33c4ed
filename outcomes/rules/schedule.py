"""The statutory schedule: from a young person's history, every statutory event with its due date,
the rule that sets it and its state on a given day.

Pure: facts in (dataclasses below), items out. No ORM; the selector
`outcomes.selectors.schedule` reads the records and builds a `History`. Every rule cites
shared/domain/REFERENCE.md. "Today" is decided by the caller, in Europe/London.

Each duty is a stream of occurrences (first, second, third CLA review ...); for each stream that
applies today the schedule gives the last one done and the next one open, each due date counted
from the day the previous one was actually held. A chain of one-off steps (needs assessment,
pathway plan, its reviews; initial then review health assessments; initial then termly PEPs)
shows only its latest completed step as done.

How the history is read here:
- A period of care is open today when it has started and has not ended before today. Reviews, health
  and PEPs count only events since the current period started (an initial health assessment up to
  3 months before it may suffice). Events dated after today do not count; two on one day count once.
- A placement runs back through consecutive episodes whose reason for new episode is "L" (a change
  of legal status only). Gaps, overlaps, episodes outside every period and a looked-after period
  with no open episode are NEEDS_DATA items; when one touches the current period, visits (which
  depend on the placement) are left out rather than guessed.
- Without a date of birth, what needs an age (care-leaver duties, PEPs, the interval between health
  reviews) is left out and one NEEDS_DATA item asks for it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import NamedTuple

from outcomes.codes import CONNECTED_PERSON_PLACEMENTS, SHORT_BREAK_LEGAL_STATUSES
from outcomes.rules.care_leaver import (
    PRESCRIBED_DAYS,
    CareLeaverCategory,
    CareLeaverStatus,
    CareSpell,
    care_leaver_status,
)
from outcomes.rules.connected_persons import temporary_approval_expiry
from outcomes.rules.dates import add_months, add_working_days, age_on, birthday
from outcomes.rules.placements import open_on


class EventKind(StrEnum):
    CLA_REVIEW = "cla_review"
    SOCIAL_WORKER_VISIT = "social_worker_visit"
    INITIAL_HEALTH_ASSESSMENT = "initial_health_assessment"
    REVIEW_HEALTH_ASSESSMENT = "review_health_assessment"
    PEP = "pep"
    NEEDS_ASSESSMENT = "needs_assessment"
    PATHWAY_PLAN = "pathway_plan"
    PATHWAY_PLAN_REVIEW = "pathway_plan_review"
    PA_VISIT = "pa_visit"
    PA_CONTACT = "pa_contact"
    CONNECTED_PERSON_APPROVAL = "connected_person_approval"
    CARE_LEAVER_RECORD = "care_leaver_record"
    DATA = "data"  # the history is inconsistent: a worker must put it right


class State(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"  # due within `Policy.due_soon_days` (today included)
    OVERDUE = "overdue"
    DONE = "done"
    NEEDS_DATA = "needs_data"
    # Past due before the cut-off (Policy.not_recorded_before): most likely met before Waymark
    # held the records (an import, the demo). Shown apart as "not recorded in Waymark", never
    # escalated, and still open until a record meets it or a manager closes it.
    NOT_RECORDED = "not_recorded"
    CLOSED = "closed"  # closed by a manager as no longer applying, with a reason


class Responsible(StrEnum):
    """Who must make it happen: an allocation role (outcomes.models.AllocationRole values)."""

    SOCIAL_WORKER = "social_worker"
    PERSONAL_ADVISER = "personal_adviser"


@dataclass(frozen=True)
class PeriodFact:
    started_on: dt.date
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class EpisodeFact:
    started_on: dt.date
    ended_on: dt.date | None
    place: str  # SSDA903 PLACE
    legal_status: str  # SSDA903 LS
    reason_new_episode: str  # SSDA903 RNE: "L" is a change of legal status only


@dataclass(frozen=True)
class ApprovalFact:
    """A reg 24 temporary approval of a connected person (see models.ConnectedPersonApproval)."""

    approved_on: dt.date
    extended_until: dt.date | None = None
    fully_approved_on: dt.date | None = None
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class ContactFact:
    on: dt.date
    visit: bool  # a visit (in person), as opposed to a call or message


@dataclass(frozen=True)
class CareLeaverRecordFact:
    age: int
    recorded_on: dt.date


@dataclass(frozen=True)
class History:
    """Everything the schedule needs to know about one young person. Tuples are in any order."""

    date_of_birth: dt.date | None
    periods: tuple[PeriodFact, ...] = ()
    episodes: tuple[EpisodeFact, ...] = ()
    cla_reviews: tuple[dt.date, ...] = ()
    social_worker_visits: tuple[dt.date, ...] = ()
    health_assessments: tuple[tuple[str, dt.date], ...] = ()  # ("initial" | "review", held_on)
    pep_reviews: tuple[dt.date, ...] = ()
    needs_assessments: tuple[dt.date, ...] = ()
    plans_agreed: tuple[dt.date, ...] = ()  # agreed_on of every agreed (or superseded) plan
    pathway_plan_reviews: tuple[dt.date, ...] = ()
    pa_contacts: tuple[ContactFact, ...] = ()
    approvals: tuple[ApprovalFact, ...] = ()
    care_leaver_records: tuple[CareLeaverRecordFact, ...] = ()
    returned_home_for_six_months_on: dt.date | None = None
    in_education_or_training: bool = False
    authority_accommodation: bool = False  # the LA provides the accommodation (CL 2010 reg 8)
    closed: tuple[tuple[str, str], ...] = ()  # (item key, reason): closed as no longer applying


@dataclass(frozen=True)
class Policy:
    """The local settings the regulations leave to the authority."""

    lead_days: tuple[int, ...] = (14, 7, 0)
    due_soon_days: int = 7
    escalate_after_working_days: int = 5
    pa_contact_weeks: int = 8
    # PEP: due by the first half-term of each school term (REFERENCE.md §1.5), as (month, day).
    pep_deadlines: tuple[tuple[int, int], ...] = field(default=((10, 31), (2, 28), (5, 31)))
    care_leaver_record_months_after_birthday: int = 1
    # Open items due before this day are NOT_RECORDED rather than OVERDUE (None: no cut-off).
    not_recorded_before: dt.date | None = None


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Item:
    kind: EventKind
    key: str  # stable for this occurrence of this event, e.g. "cla_review:2025-01-06:2"
    title: str  # plain words: "Second CLA review"
    due_on: dt.date | None  # None only when the state is NEEDS_DATA
    state: State
    rule: str  # plain words: "Care Planning, Placement and Case Review (England) Regulations 2010, reg 33(2)"
    reason: str  # why this date: "3 months after the first review on 06/01/2025"
    responsible: Responsible
    for_young_person: bool = False  # the young person hears about it too (their own reviews)
    done_on: dt.date | None = None


WEEK = dt.timedelta(weeks=1)
FIRST_REVIEW_WORKING_DAYS = 20  # CPPCR 2010 reg 33(1)
CHANGE_OF_LEGAL_STATUS_ONLY = "L"  # SSDA903 RNE (REFERENCE.md §3.4)
LONG_TERM_FOSTER_PLACEMENTS = frozenset({"U1", "U4"})  # REFERENCE.md §3.5: "long-term fostering"
PEP_AGES = range(3, 18)  # school age (REFERENCE.md §1.5)
CARE_LEAVER_RECORD_AGES = range(17, 22)  # OC3 (REFERENCE.md §3.10)

ELIGIBLE = CareLeaverCategory.ELIGIBLE
ADVISED = frozenset({CareLeaverCategory.RELEVANT, CareLeaverCategory.FORMER_RELEVANT})
PATHWAY = ADVISED | {ELIGIBLE}  # needs assessment, pathway plan and its reviews

# What a page, a reminder or the API says as the rule behind a date: plain words, the law's own
# short title. The sources are in shared/domain/REFERENCE.md, cited beside each constant.
CARE_PLANNING = "Care Planning, Placement and Case Review (England) Regulations 2010"
CARE_LEAVERS = "Care Leavers (England) Regulations 2010"
REG_33_1 = f"{CARE_PLANNING}, reg 33(1)"  # REFERENCE.md §1.1
REG_33_2 = f"{CARE_PLANNING}, reg 33(2)"  # REFERENCE.md §1.1
REG_28 = f"{CARE_PLANNING}, reg 28"  # REFERENCE.md §1.2
HEALTH = ("Promoting the health and well-being of looked-after children, DfE and DHSC "
          "statutory guidance, 2015")  # REFERENCE.md §1.4
PEP_RULE = (f"{CARE_PLANNING}, reg 5 and Schedule 1 para 2; "
            "reviewed each school term")  # REFERENCE.md §1.5
NEEDS_ASSESSMENT_RULE = f"{CARE_PLANNING}, regs 41 and 42"  # REFERENCE.md §1.6
PATHWAY_PLAN_RULE = f"{CARE_PLANNING}, reg 43"  # REFERENCE.md §1.6
PATHWAY_REVIEW_RULE = f"{CARE_LEAVERS}: reviewed at least every 6 months"  # REFERENCE.md §1.7
PA_RULE = f"{CARE_LEAVERS}, reg 8"  # REFERENCE.md §1.7
APPROVAL_RULE = f"{CARE_PLANNING}, regs 24 and 25"  # REFERENCE.md §1.3
OC3_RULE = ("The children looked after return to the DfE (SSDA903): care leavers' activity "
            "and accommodation")  # REFERENCE.md §3.10
EPISODES_RULE = ("The children looked after return to the DfE (SSDA903): episodes follow one "
                 "another inside a period of care")  # REFERENCE.md §3.4
VISITS_BLOCKED = " Social worker visits cannot be scheduled until this is put right."
BIRTH_RULE = "Ages set the care-leaver, PEP and health timescales"  # REFERENCE.md §1.4-§1.6

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
            "tenth", "eleventh", "twelfth")
KIND_ORDER = {kind: index for index, kind in enumerate(EventKind)}


def state_of(
    due_on: dt.date, *, today: dt.date, done_on: dt.date | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> State:
    """DONE once done; else NOT_RECORDED when due before `policy.not_recorded_before`, OVERDUE
    after the due day, DUE within `policy.due_soon_days` of it, otherwise UPCOMING."""
    if done_on is not None:
        return State.DONE
    if policy.not_recorded_before is not None and due_on < policy.not_recorded_before:
        return State.NOT_RECORDED
    if today > due_on:
        return State.OVERDUE
    return State.DUE if (due_on - today).days <= policy.due_soon_days else State.UPCOMING


def schedule(history: History, *, today: dt.date, policy: Policy = DEFAULT_POLICY,
             kinds: Collection[EventKind] | None = None) -> list[Item]:
    """Every statutory event that applies on `today`: per stream the last one done and the next
    one open; NEEDS_DATA first, then by due day and kind. Bad data gives NEEDS_DATA, never an
    error.

    `kinds`, when given, keeps only the items of those kinds (EventKind.DATA for the NEEDS_DATA
    items about the records), and works out only the streams that can give them: the same items
    as the whole schedule filtered, for a caller (a report) that wants a few kinds only."""
    case = _Case.of(history, today=today, policy=policy)
    if kinds is None:
        items = list(case.problems)
        for stream, _ in STREAMS:
            items.extend(stream(case))
    else:
        items = [item for item in case.problems if item.kind in kinds]
        for stream, gives in STREAMS:
            if gives.issubset(kinds):
                items.extend(stream(case))
            elif not gives.isdisjoint(kinds):
                items.extend(item for item in stream(case) if item.kind in kinds)
    if history.closed:
        reasons = dict(history.closed)
        items = [replace(item, state=State.CLOSED, reason=f"Closed: {reasons[item.key]}")
                 if item.key in reasons and item.state is not State.DONE else item
                 for item in items]
    return sorted(items, key=lambda i: (i.state is not State.NEEDS_DATA, i.due_on or dt.date.min,
                                        KIND_ORDER[i.kind], i.key))


class _Due(NamedTuple):
    on: dt.date
    reason: str
    rule: str


@dataclass(frozen=True)
class _Case:
    """One young person's history as read on `today`."""

    history: History
    today: dt.date
    policy: Policy
    period: PeriodFact | None  # the period of care open today
    placement: tuple[EpisodeFact, ...]  # the current placement's episodes; () if not known
    problems: tuple[Item, ...]

    @classmethod
    def of(cls, history: History, *, today: dt.date, policy: Policy) -> _Case:
        period = _open_period(history.periods, today)
        problems, placement = _episode_problems(history, period, today)
        if history.date_of_birth is None:
            problems.insert(0, Item(
                EventKind.DATA, "data:date_of_birth", "Date of birth missing", None,
                State.NEEDS_DATA, BIRTH_RULE,
                "Record the date of birth: no due dates can be worked out without it.",
                Responsible.SOCIAL_WORKER if period else Responsible.PERSONAL_ADVISER))
        return cls(history, today, policy, period, placement, tuple(problems))

    # Worked out when first asked for (only the care-leaver duties ask), then kept.
    @cached_property
    def _leaver(self) -> tuple[CareLeaverCategory, dt.date | None]:
        return _care_leaver(self.history, self.today)

    @property
    def category(self) -> CareLeaverCategory:
        return self._leaver[0]

    @property
    def eligible_from(self) -> dt.date | None:
        """The first day eligible (CPPCR 2010 reg 40), if ever."""
        return self._leaver[1]

    @cached_property
    def reviews(self) -> list[dt.date]:
        """The CLA reviews held in the current period of care (worked out once, then kept)."""
        period = self.period
        return self.held(self.history.cla_reviews, since=period.started_on) if period else []

    def age_on(self, day: dt.date) -> int | None:
        born = self.history.date_of_birth
        return None if born is None or day < born else age_on(born, day)

    def held(self, days: Iterable[dt.date], *, since: dt.date | None = None) -> list[dt.date]:
        """The days from `since` to today, sorted, each once."""
        return sorted({day for day in days
                       if (since is None or day >= since) and day <= self.today})

    def item(
        self, kind: EventKind, key: str, title: str, due: _Due, responsible: Responsible, *,
        done_on: dt.date | None = None, for_young_person: bool = False,
    ) -> Item:
        state = state_of(due.on, today=self.today, done_on=done_on, policy=self.policy)
        return Item(kind, key, title, due.on, state, due.rule, due.reason, responsible,
                    for_young_person, done_on)

    def chain(
        self, held: list[dt.date], step: Callable[[list[dt.date]], _Due | None],
        kind: EventKind, key: str, title: str | Callable[[int], str], responsible: Responsible, *,
        for_young_person: bool = False,
    ) -> list[Item]:
        """The last held occurrence (done) and the next one (open). Occurrence n is due by `step`
        of the n - 1 held before it; its key ends in n, so it keeps the key once done."""
        occurrences: list[tuple[int, list[dt.date], dt.date | None]] = (
            [(len(held), held[:-1], held[-1])] if held else [])
        occurrences.append((len(held) + 1, held, None))
        return [
            self.item(kind, f"{key}:{n}", title(n) if callable(title) else title, due, responsible,
                      done_on=done_on, for_young_person=for_young_person)
            for n, before, done_on in occurrences if (due := step(before)) is not None
        ]


# CLA reviews: CPPCR 2010 reg 33 (REFERENCE.md §1.1).
def _cla_reviews(case: _Case) -> list[Item]:
    if case.period is None:
        return []
    start = case.period.started_on

    def step(before: list[dt.date]) -> _Due:
        if not before:
            return _Due(add_working_days(start, FIRST_REVIEW_WORKING_DAYS),
                        f"20 working days after becoming looked after on {_d(start)}", REG_33_1)
        months = 3 if len(before) == 1 else 6
        return _Due(add_months(before[-1], months),
                    f"{months} months after the {_ordinal(len(before))} review on {_d(before[-1])}",
                    REG_33_2)

    return case.chain(case.reviews, step, EventKind.CLA_REVIEW, f"cla_review:{start.isoformat()}",
                      lambda n: f"{_ordinal(n).capitalize()} CLA review",
                      Responsible.SOCIAL_WORKER, for_young_person=True)


# Social worker visits: CPPCR 2010 reg 28 (REFERENCE.md §1.2, §1.3).
def _social_worker_visits(case: _Case) -> list[Item]:
    if not case.placement:
        return []
    start = case.placement[0].started_on

    def step(before: list[dt.date]) -> _Due:
        if not before:
            return _Due(start + WEEK, f"Within 1 week of the placement starting on {_d(start)}",
                        REG_28)
        return _next_visit(case, start, before[-1])

    return case.chain(case.held(case.history.social_worker_visits, since=start), step,
                      EventKind.SOCIAL_WORKER_VISIT, f"sw_visit:{start.isoformat()}",
                      "Social worker visit", Responsible.SOCIAL_WORKER)


def _next_visit(case: _Case, start: dt.date, last: dt.date) -> _Due:
    """The visit after the one on `last`, at the interval of the regime in force that day."""
    episode = next((e for e in reversed(case.placement) if e.started_on <= last), case.placement[0])
    after = f"after the last visit on {_d(last)}"
    close = _close_supervision(case, episode, last)
    if close:
        first_review = next(iter(case.reviews), None)
        if first_review is None or first_review > last:
            return _Due(last + WEEK, f"1 week {after}: weekly until the first CLA review while "
                        f"{close}", REG_28)
        return _Due(last + 4 * WEEK, f"4 weeks {after}: since the first CLA review on "
                    f"{_d(first_review)}, at least every 4 weeks while {close}", REG_28)
    if last < add_months(start, 12):
        return _Due(last + 6 * WEEK, f"6 weeks {after}, in the first year of the placement that "
                    f"started on {_d(start)}", REG_28)
    if episode.place in LONG_TERM_FOSTER_PLACEMENTS:
        return _Due(add_months(last, 3), f"3 months {after}: a long-term foster placement held "
                    f"for over a year, since {_d(start)}", REG_28)
    return _Due(last + 6 * WEEK, f"6 weeks {after}: the placement is not long-term fostering",
                REG_28)


def _close_supervision(case: _Case, episode: EpisodeFact, day: dt.date) -> str:
    """Why the child is to be visited weekly until the first review, on `day`; empty if not."""
    if episode.place in CONNECTED_PERSON_PLACEMENTS and any(
        a.approved_on <= day and not _by(a.fully_approved_on, day) and not _by(a.ended_on, day)
        for a in case.history.approvals
    ):
        return "placed with a connected person under a temporary approval (reg 24)"
    if episode.place == "P1" and episode.legal_status == "C1":
        return "living with a parent under an interim care order"
    return ""


# Health assessments (REFERENCE.md §1.4).
def _health(case: _Case) -> list[Item]:
    if case.period is None:
        return []
    start, today = case.period.started_on, case.today
    since = add_months(start, -3)  # an assessment up to 3 months before may suffice
    assessments = sorted((on, kind) for kind, on in case.history.health_assessments
                         if since <= on <= today)
    initial = next((on for on, kind in assessments if kind == "initial"), None)
    first = case.item(
        EventKind.INITIAL_HEALTH_ASSESSMENT, f"initial_health_assessment:{start.isoformat()}",
        "Initial health assessment",
        _Due(add_working_days(start, FIRST_REVIEW_WORKING_DAYS),
             f"20 working days after becoming looked after on {_d(start)}, before the first "
             "review; an assessment in the 3 months before may suffice", HEALTH),
        Responsible.SOCIAL_WORKER, done_on=initial)
    if initial is None:
        return [first]
    reviews = sorted({on for on, _ in assessments if on > initial})
    items = case.chain(reviews, lambda before: _health_review_due(case, [initial, *before][-1]),
                       EventKind.REVIEW_HEALTH_ASSESSMENT,
                       f"review_health_assessment:{start.isoformat()}",
                       "Review health assessment", Responsible.SOCIAL_WORKER)
    return items if reviews else [first, *items]


def _health_review_due(case: _Case, last: dt.date) -> _Due | None:
    if case.history.date_of_birth is None:
        return None
    after = f"after the last health assessment on {_d(last)}"
    six_months = add_months(last, 6)
    age = case.age_on(six_months)
    if age is not None and age < 5:
        return _Due(six_months, f"6 months {after}: under 5 on {_d(six_months)}", HEALTH)
    return _Due(add_months(last, 12), f"12 months {after}: aged 5 or over", HEALTH)


# Personal education plan (REFERENCE.md §1.5).
class _Term(NamedTuple):
    name: str
    start: dt.date
    end: dt.date
    deadline: dt.date


def _term_of(day: dt.date, policy: Policy) -> _Term:
    """The school term of `day`: autumn 1 Sep-31 Dec, spring 1 Jan-31 Mar, summer 1 Apr-31 Aug."""
    year, (autumn, spring, summer) = day.year, policy.pep_deadlines
    if day.month >= 9:
        return _Term("autumn", dt.date(year, 9, 1), dt.date(year, 12, 31), _deadline(year, autumn))
    if day.month <= 3:
        return _Term("spring", dt.date(year, 1, 1), dt.date(year, 3, 31), _deadline(year, spring))
    return _Term("summer", dt.date(year, 4, 1), dt.date(year, 8, 31), _deadline(year, summer))


def _deadline(year: int, month_day: tuple[int, int]) -> dt.date:
    """The deadline in `year`; 28 February stands for the last day of February."""
    month, day = month_day
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, last if month == 2 and day >= 28 else min(day, last))


def _pep(case: _Case) -> list[Item]:
    age = case.age_on(case.today)
    if case.period is None or age not in PEP_AGES:
        return []
    start = case.period.started_on
    held = case.held(case.history.pep_reviews, since=start)

    def pep(name: str, title: str, due: _Due, done_on: dt.date | None) -> Item:
        return case.item(EventKind.PEP, f"pep:{start.isoformat()}:{name}", title, due,
                         Responsible.SOCIAL_WORKER, done_on=done_on)

    def termly(term: _Term, done_on: dt.date | None) -> Item:
        due = _Due(term.deadline, f"One PEP each school term: the {term.name} term's is due by "
                   f"the {term.deadline:%B} half-term, {_d(term.deadline)}", PEP_RULE)
        year = term.start.year
        return pep(f"{term.name}-{year}", f"PEP for the {term.name} term {year}", due, done_on)

    initial = _Due(add_working_days(start, FIRST_REVIEW_WORKING_DAYS), "Ready for the first CLA "
                   f"review: 20 working days after becoming looked after on {_d(start)}", PEP_RULE)
    if not held:
        return [pep("initial", "Initial PEP", initial, None)]
    latest, term = held[-1], _term_of(case.today, case.policy)
    if term.start <= latest <= term.end:
        term = _term_of(term.end + dt.timedelta(days=1), case.policy)
    done = (pep("initial", "Initial PEP", initial, latest) if len(held) == 1
            else termly(_term_of(latest, case.policy), latest))
    return [done, termly(term, None)]


# Needs assessment, pathway plan and its reviews: CPPCR 2010 reg 41-43, CL 2010 (§1.6, §1.7).
def _pathway(case: _Case) -> list[Item]:
    born = case.history.date_of_birth
    if born is None or case.category not in PATHWAY:
        return []
    sixteenth = birthday(born, 16)
    responsible = Responsible.SOCIAL_WORKER if case.period else Responsible.PERSONAL_ADVISER
    assessed = case.held(case.history.needs_assessments, since=add_months(sixteenth, -3))
    plans = case.held(case.history.plans_agreed)
    due = _needs_assessment_due(sixteenth, case.eligible_from)
    assessment = case.item(EventKind.NEEDS_ASSESSMENT, f"needs_assessment:{sixteenth.isoformat()}",
                           "Needs assessment", due, responsible, done_on=next(iter(assessed), None))
    plan = case.item(
        EventKind.PATHWAY_PLAN, f"pathway_plan:{sixteenth.isoformat()}", "Pathway plan",
        _Due(due.on, "Prepared as soon as possible after the needs assessment, which is due by "
             f"{_d(due.on)}", PATHWAY_PLAN_RULE),
        responsible, done_on=next(iter(plans), None), for_young_person=True)
    if not plans:
        return [plan, assessment]
    open_assessment = [] if assessed else [assessment]
    reviews = [day for day in case.held([*plans, *case.history.pathway_plan_reviews])
               if day > plans[0]]

    def step(before: list[dt.date]) -> _Due:
        what = "the last review" if before else "the pathway plan was agreed"
        last = [plans[0], *before][-1]
        return _Due(add_months(last, 6), f"6 months after {what} on {_d(last)}",
                    PATHWAY_REVIEW_RULE)

    items = case.chain(reviews, step, EventKind.PATHWAY_PLAN_REVIEW,
                       f"pathway_plan_review:{plans[0].isoformat()}", "Pathway plan review",
                       responsible, for_young_person=True)
    return [*open_assessment, *items] if reviews else [*open_assessment, plan, *items]


def _needs_assessment_due(sixteenth: dt.date, eligible_from: dt.date | None) -> _Due:
    start, what = ((eligible_from, "becoming an eligible child") if eligible_from
                   and eligible_from > sixteenth else (sixteenth, "the 16th birthday"))
    return _Due(add_months(start, 3), f"3 months after {what} on {_d(start)}",
                NEEDS_ASSESSMENT_RULE)


# Personal adviser: CL 2010 reg 8 (REFERENCE.md §1.7).
def _personal_adviser(case: _Case) -> list[Item]:
    left = max((p.ended_on for p in case.history.periods
                if p.ended_on is not None and p.ended_on <= case.today), default=None)
    if case.period or case.category not in ADVISED or left is None:
        return []
    contacts = [contact for contact in case.history.pa_contacts if contact.on >= left]
    adviser = Responsible.PERSONAL_ADVISER
    if case.history.authority_accommodation:
        return case.chain(case.held(c.on for c in contacts if c.visit),
                          lambda before: _pa_visit_due(left, before), EventKind.PA_VISIT,
                          f"pa_visit:{left.isoformat()}", "Personal adviser visit", adviser)
    weeks = case.policy.pa_contact_weeks

    def step(before: list[dt.date]) -> _Due:
        what = f"the last contact on {_d(before[-1])}" if before else f"leaving care on {_d(left)}"
        return _Due([left, *before][-1] + weeks * WEEK, f"{weeks} weeks after {what}",
                    PA_RULE)

    return case.chain(case.held(c.on for c in contacts), step, EventKind.PA_CONTACT,
                      f"pa_contact:{left.isoformat()}", "Personal adviser contact", adviser)


def _pa_visit_due(left: dt.date, before: list[dt.date]) -> _Due:
    if not before:
        return _Due(left + WEEK, f"Within 7 days of leaving care on {_d(left)} into accommodation "
                    "the authority provides", PA_RULE)
    return _Due(add_months(before[-1], 2), f"2 months after the last visit on {_d(before[-1])}, in "
                "accommodation the authority provides", PA_RULE)


# Connected-person temporary approval: CPPCR 2010 reg 24-25 (REFERENCE.md §1.3).
def _connected_person_approvals(case: _Case) -> list[Item]:
    """Each temporary approval still running (one per day of approval, the latest expiry), and the
    latest full approval if it came in the last 3 months."""
    history, today = case.history, case.today
    temporary = {a.approved_on: a for a in sorted(history.approvals, key=_expiry)
                 if not _by(a.fully_approved_on, today) and not _by(a.ended_on, today)}
    items = [_approval_item(case, approval, None) for approval in temporary.values()]
    approved = [a for a in history.approvals
                if _by(a.fully_approved_on, today) and a.approved_on not in temporary]
    latest = max(approved, key=lambda a: a.fully_approved_on or dt.date.min, default=None)
    fully = latest.fully_approved_on if latest is not None else None
    if latest is not None and fully is not None and fully >= add_months(today, -3):
        items.append(_approval_item(case, latest, fully))
    return items


def _approval_item(case: _Case, approval: ApprovalFact, done_on: dt.date | None) -> Item:
    approved = _d(approval.approved_on)
    if done_on is not None:
        reason = f"Fully approved on {_d(done_on)}, after temporary approval on {approved}."
    elif approval.extended_until is not None:
        reason = (f"Extended under reg 25 to {_d(approval.extended_until)} (temporary approval on "
                  f"{approved}). No further extension is possible: approve in full by then or "
                  "make other arrangements.")
    else:
        reason = (f"16 weeks after the temporary approval on {approved} (reg 24). One extension of "
                  "up to 8 weeks is still possible (reg 25): it needs the fostering panel's view, "
                  "the IRO informed and a nominated officer's approval.")
    title = ("Connected person fully approved" if done_on
             else "Connected-person temporary approval ends")
    return case.item(EventKind.CONNECTED_PERSON_APPROVAL,
                     f"connected_person_approval:{approval.approved_on.isoformat()}", title,
                     _Due(_expiry(approval), reason, APPROVAL_RULE), Responsible.SOCIAL_WORKER,
                     done_on=done_on)


def _expiry(approval: ApprovalFact) -> dt.date:
    return approval.extended_until or temporary_approval_expiry(approved_on=approval.approved_on)


# Care-leaver activity and accommodation, OC3 (REFERENCE.md §3.10).
def _care_leaver_records(case: _Case) -> list[Item]:
    """The latest birthday record done and the next one: the birthday whose window (from a month
    before it) is open, or the next once that one is done."""
    born = case.history.date_of_birth
    if born is None:
        return []
    opens = {age: add_months(birthday(born, age), -1) for age in CARE_LEAVER_RECORD_AGES}
    if not (case.category in ADVISED or (case.category is ELIGIBLE and case.today >= opens[17])):
        return []
    recorded = {r.age: r.recorded_on for r in case.history.care_leaver_records
                if r.recorded_on <= case.today}
    current = max((age for age, day in opens.items() if case.today >= day), default=17)
    following = next((age for age in range(current, 22) if age not in recorded), None)
    done = max((age for age in recorded if age in CARE_LEAVER_RECORD_AGES
                and (following is None or age < following)), default=None)
    months = case.policy.care_leaver_record_months_after_birthday
    return [case.item(
        EventKind.CARE_LEAVER_RECORD, f"care_leaver_record:{age}",
        f"Care-leaver activity and accommodation at {age}",
        _Due(add_months(birthday(born, age), months),
             f"{months} month{'' if months == 1 else 's'} after the {_nth(age)} birthday on "
             f"{_d(birthday(born, age))}: activity and accommodation for the care-leaver return",
             OC3_RULE),
        Responsible.PERSONAL_ADVISER, done_on=done_on)
        for age, done_on in ((done, None if done is None else recorded.get(done)),
                             (following, None)) if age is not None]


# Each stream and the kinds of item it can give, in the order the schedule works them out.
STREAMS: tuple[tuple[Callable[[_Case], list[Item]], frozenset[EventKind]], ...] = (
    (_cla_reviews, frozenset({EventKind.CLA_REVIEW})),
    (_social_worker_visits, frozenset({EventKind.SOCIAL_WORKER_VISIT})),
    (_health, frozenset({EventKind.INITIAL_HEALTH_ASSESSMENT,
                         EventKind.REVIEW_HEALTH_ASSESSMENT})),
    (_pep, frozenset({EventKind.PEP})),
    (_pathway, frozenset({EventKind.NEEDS_ASSESSMENT, EventKind.PATHWAY_PLAN,
                          EventKind.PATHWAY_PLAN_REVIEW})),
    (_personal_adviser, frozenset({EventKind.PA_VISIT, EventKind.PA_CONTACT})),
    (_connected_person_approvals, frozenset({EventKind.CONNECTED_PERSON_APPROVAL})),
    (_care_leaver_records, frozenset({EventKind.CARE_LEAVER_RECORD})),
)


# Reading the history.
def _open_period(periods: Iterable[PeriodFact], today: dt.date) -> PeriodFact | None:
    open_today = [p for p in periods if p.started_on <= today and _open_on(p.ended_on, today)]
    return max(open_today, key=lambda p: p.started_on, default=None)


def _care_leaver(history: History, today: dt.date) -> tuple[CareLeaverCategory, dt.date | None]:
    """The care-leaver category today and, for one with pathway duties, the first day eligible."""
    born = history.date_of_birth
    if born is None or today < born:
        return CareLeaverCategory.NONE, None
    spells = [CareSpell(e.started_on, e.ended_on, e.legal_status in SHORT_BREAK_LEGAL_STATUSES)
              for e in history.episodes if e.ended_on is None or e.ended_on > e.started_on]

    def status_on(day: dt.date) -> CareLeaverStatus:
        return care_leaver_status(
            date_of_birth=born, spells=spells, on=day,
            returned_home_for_six_months_on=history.returned_home_for_six_months_on,
            in_education_or_training=history.in_education_or_training)

    category = status_on(today).category
    if category not in PATHWAY:
        return category, None
    sixteenth, eighteenth = birthday(born, 16), birthday(born, 18)
    for spell in sorted((s for s in spells if not s.short_break), key=lambda s: s.start):
        day = max(spell.start, sixteenth)
        while day < min(spell.end or eighteenth, eighteenth, today + dt.timedelta(days=1)):
            status = status_on(day)
            if status.category is ELIGIBLE:
                return category, day
            # Jump by the days still short of 13 weeks: none of them can be eligible.
            day += dt.timedelta(days=max(1, PRESCRIBED_DAYS - status.days_looked_after_since_14))
    return category, None


def _episode_problems(
    history: History, period: PeriodFact | None, today: dt.date
) -> tuple[list[Item], tuple[EpisodeFact, ...]]:
    """NEEDS_DATA items for inconsistent episodes, and the current placement when it is known."""
    episodes = sorted((e for e in history.episodes if e.started_on <= today),
                      key=lambda e: (e.started_on, e.ended_on or dt.date.max))
    problems: list[tuple[str, str, bool]] = []  # key, reason, whether the current period is touched
    for episode in episodes:
        start, end = episode.started_on, episode.ended_on
        if not any(_inside(episode, p) for p in history.periods):
            touches = period is not None and start <= (period.ended_on or today) and (
                end is None or end >= period.started_on)
            problems.append((f"episode_outside_period:{start.isoformat()}",
                             f"The episode {_span(episode)} is not inside any period of care.",
                             touches))
    for p in history.periods:
        problems += _sequence_problems(p, [e for e in episodes if _inside(e, p)], p is period)
    chain = [e for e in episodes if period is not None and _inside(e, period)]
    if period is not None and not (chain and _open_on(chain[-1].ended_on, today)):
        problems.append((f"no_open_episode:{period.started_on.isoformat()}",
                         f"Looked after since {_d(period.started_on)}, but no episode of care is "
                         "open today: record the current placement.", True))
    items = {key: Item(EventKind.DATA, f"data:{key}", "Episodes of care need correcting", None,
                       State.NEEDS_DATA, EPISODES_RULE,
                       reason + (VISITS_BLOCKED if touches else ""), Responsible.SOCIAL_WORKER)
             for key, reason, touches in problems}
    blocked = period is None or any(touches for _, _, touches in problems)
    return list(items.values()), () if blocked else _placement(chain)


def _sequence_problems(
    period: PeriodFact, episodes: list[EpisodeFact], current: bool
) -> list[tuple[str, str, bool]]:
    """Gaps and overlaps: each episode should start on the day the one before it ended."""
    problems = []
    where = f"in the period of care that started on {_d(period.started_on)}"
    previous = None
    for episode in episodes:
        start = episode.started_on
        expected = previous.ended_on if previous else period.started_on
        if expected is None or start < expected:
            problems.append((f"episode_overlap:{start.isoformat()}",
                             f"The episode {_span(previous)} overlaps the next one, which starts "
                             f"on {_d(start)}, {where}." if previous is not None else
                             f"The episode {_span(episode)} starts before the period of care "
                             f"that it belongs to, which started on {_d(period.started_on)}.",
                             current))
        elif start > expected:
            problems.append((f"episode_gap:{expected.isoformat()}:{start.isoformat()}",
                             f"No episode covers {_d(expected)} to {_d(start)} {where}.", current))
        previous = episode
    return problems


def _placement(chain: list[EpisodeFact]) -> tuple[EpisodeFact, ...]:
    """The current placement: back from the open episode through changes of legal status only."""
    first = len(chain) - 1
    while (first > 0 and chain[first].reason_new_episode == CHANGE_OF_LEGAL_STATUS_ONLY
           and chain[first - 1].ended_on == chain[first].started_on):
        first -= 1
    return tuple(chain[first:])


def _inside(episode: EpisodeFact, period: PeriodFact) -> bool:
    return (period.started_on <= episode.started_on
            and (episode.ended_on or dt.date.max) <= (period.ended_on or dt.date.max))


def _open_on(ended_on: dt.date | None, today: dt.date) -> bool:
    """Whether a period or episode ending on `ended_on` is open today (its last day counts):
    `rules.placements.open_on` for a record that has started."""
    return open_on(dt.date.min, ended_on, today)


def _by(day: dt.date | None, today: dt.date) -> bool:
    """Whether `day` is set and has come by `today`."""
    return day is not None and day <= today


def _span(episode: EpisodeFact) -> str:
    end = f"to {_d(episode.ended_on)}" if episode.ended_on else "still open"
    return f"from {_d(episode.started_on)} {end}"


def _ordinal(n: int) -> str:
    return ORDINALS[n - 1] if n <= len(ORDINALS) else _nth(n)


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@lru_cache(maxsize=1 << 15)  # every day of some 90 years: strftime is slow, and asked often
def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- The care leaver's own answers for the birthday record (OC3) ----------------------------------

RECORD_DRAFT = "draft"  # RecordStatus.DRAFT: the young person's own answers, not yet confirmed


def check_in_age(*, date_of_birth: dt.date, today: dt.date) -> int | None:
    """The birthday (17 to 21) a record is asked for on `today`: the latest whose window has
    opened (a month before the birthday, as the schedule has it), until the window at 22 opens.
    None before the window at 17 and from a month before the 22nd birthday."""
    opened = [age for age in CARE_LEAVER_RECORD_AGES
              if today >= add_months(birthday(date_of_birth, age), -1)]
    if not opened or today >= add_months(birthday(date_of_birth, 22), -1):
        return None
    return max(opened)


def record_confirmed(status: str | None) -> bool:
    """Whether the birthday's record stands as the adviser's, so the young person's answers no
    longer change it: any record but their own draft. No record (None) is not confirmed."""
    return status is not None and status != RECORD_DRAFT
