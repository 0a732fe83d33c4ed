"""A young person's chronology: one dated timeline generated from the records themselves.

Nothing here is typed in twice: every entry is derived from a record (its source), so the
chronology can never disagree with the care history, plans, reviews and education records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import timezone

from outcomes import codes
from outcomes.models import (
    Adoption,
    AdoptionDecision,
    Allocation,
    Attendance,
    CareLeaverRecord,
    CLAReview,
    ConnectedPersonApproval,
    Episode,
    GoalProgress,
    HealthAssessment,
    KS2Result,
    KS4Result,
    NeedsAssessment,
    PAContact,
    PathwayPlan,
    PathwayPlanReview,
    PEPReview,
    PeriodOfCare,
    PlanStatus,
    RecordStatus,
    SafeguardingAlert,
    SchoolEnrolment,
    SocialWorkerVisit,
    Term,
    User,
    YoungPerson,
    YoungPersonView,
)
from outcomes.models.education import academic_year_label
from outcomes.rules import connected_persons
from outcomes.rules.safeguarding import kind_labels

# Every kind of entry, in the order entries of one day are shown: what stops on a day comes before
# what begins on it (a placement ends, then care ends; a worker's allocation ends, then the next
# one starts), beginnings before the events that happen within them.
KINDS: tuple[str, ...] = (
    "episode.ended",
    "care.ended",
    "allocation.ended",
    "school.left",
    "approval.ended",
    "adoption.decision_reversed",
    "plan.superseded",
    "care.started",
    "approval.temporary",
    "approval.extended",
    "approval.full",
    "episode.started",
    "episode.moved",
    "episode.legal_status",
    "episode.placement_changed",
    "episode.temporary_move",
    "allocation.started",
    "school.started",
    "adoption.best_interests",
    "adoption.decided",
    "adoption.matched",
    "plan.created",
    "plan.agreed",
    "review.cla",
    "review.pathway_plan",
    "review.pep",
    "assessment.needs",
    "health.assessment",
    "visit.social_worker",
    "contact.personal_adviser",
    "plan.view",
    "goal.progress",
    "education.ks2",
    "education.ks4",
    "school.permanent_exclusion",
    "care_leaver.oc3",
    "safeguarding.alert",
    "safeguarding.acted",
)
_KIND_ORDER = {kind: rank for rank, kind in enumerate(KINDS)}

# Case-note-like entries: a young person's own view of their chronology leaves them out. A simple
# flag for now; the field-level rules will move to outcomes/access.py.
ADVISER_ONLY_KINDS = frozenset({
    "review.pathway_plan",
    "review.pep",
    "assessment.needs",
    "health.assessment",
    "visit.social_worker",
    "contact.personal_adviser",
    "safeguarding.alert",
    "safeguarding.acted",
})

# SSDA903 RNE (reason for new episode) -> kind of the entry for the episode's start.
_RNE_KIND = {
    "S": "episode.started",
    "P": "episode.moved",
    "B": "episode.moved",
    "L": "episode.legal_status",
    "U": "episode.legal_status",
    "T": "episode.placement_changed",
}
_SAME_DAY_CHANGE = "X1"  # REC: the episode ends and the next starts the same day


@dataclass(frozen=True)
class ChronologyEntry:
    """One event in a young person's history, and the record it comes from."""

    on: dt.date
    kind: str
    title: str
    detail: str
    source: str  # "<app>.<model>:<pk>", e.g. "outcomes.episode:12"
    adviser_only: bool = False
    # Timestamped records (plans, goal progress) keep their moment, in England's local time, to
    # order entries within the day; `on` is the local date of that moment.
    at: dt.datetime | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple:
        label, _, pk = self.source.rpartition(":")
        moment = self.at.timestamp() if self.at else 0.0
        return (self.on, _KIND_ORDER[self.kind], moment, label, int(pk))


def chronology_for(
    *, young_person: YoungPerson, viewer_is_young_person: bool = False
) -> list[ChronologyEntry]:
    """The young person's history as one list, oldest first and in a deterministic order.

    One query per source table, whatever the number of records. For the young person's own view,
    adviser-only entries are left out (their tables are not even read) and workers are not named.
    """
    view = _View(young_person=young_person, names=not viewer_is_young_person)
    entries: list[ChronologyEntry] = []
    for build, adviser_only in _BUILDERS:
        if adviser_only and viewer_is_young_person:
            continue
        entries.extend(build(view))
    if viewer_is_young_person:
        entries = [entry for entry in entries if not entry.adviser_only]
    return sorted(entries, key=lambda entry: entry.sort_key)


@dataclass(frozen=True)
class _View:
    young_person: YoungPerson
    names: bool  # False when the young person is looking: leave other people's names out

    def name(self, user: User | None) -> str:
        return str(user) if user is not None and self.names else ""

    def named(self, user: User | None, template: str) -> str:
        """`template` with the person's name for staff ("Chaired by {}."); nothing otherwise."""
        who = self.name(user)
        return template.format(who) if who else ""


def _entry(kind: str, on: dt.date, record: Model, title: str, *details: str,
           at: dt.datetime | None = None) -> ChronologyEntry:
    return ChronologyEntry(
        on=on, kind=kind, title=title, detail=" ".join(d for d in details if d),
        source=f"{record._meta.label_lower}:{record.pk}",
        adviser_only=kind in ADVISER_ONLY_KINDS, at=at,
    )


def _label(code_list: dict, code: str) -> str:
    value = code_list.get(code, code)
    return value[0] if isinstance(value, tuple) else value


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


# --- Care history ---------------------------------------------------------------------------


def _periods_of_care(view: _View) -> Iterator[ChronologyEntry]:
    for period in PeriodOfCare.objects.filter(young_person=view.young_person):
        yield _entry("care.started", period.started_on, period, "Started to be looked after")
        if period.ended_on:
            yield _entry(
                "care.ended", period.ended_on, period, "Stopped being looked after",
                f"Reason: {_label(codes.REASON_EPISODE_CEASED, period.reason_ceased)}.",
            )


def _episodes(view: _View) -> Iterator[ChronologyEntry]:
    episodes = list(Episode.objects.filter(young_person=view.young_person).order_by("started_on"))
    # Episodes touch: the one before a change ends the day the next starts.
    ending_on = {(e.period_of_care_id, e.ended_on): e for e in episodes if e.ended_on}
    starting_on = {e.started_on for e in episodes}
    for episode in episodes:
        yield _episode_start(episode, previous=ending_on.get((episode.period_of_care_id, episode.started_on)))
        if episode.ended_on and (
            episode.reason_ceased != _SAME_DAY_CHANGE or episode.ended_on not in starting_on
        ):
            # The placement (and usually the period of care) ends with no episode after it; a
            # same-day change is told by the next episode's start instead.
            yield _entry(
                "episode.ended", episode.ended_on, episode,
                f"Left placement: {_label(codes.PLACEMENT_TYPE, episode.place)}",
                f"Reason the episode ended: "
                f"{_label(codes.REASON_EPISODE_CEASED, episode.reason_ceased)}.",
                _place_change_reason(episode),
            )


def _episode_start(episode: Episode, *, previous: Episode | None) -> ChronologyEntry:
    place = _label(codes.PLACEMENT_TYPE, episode.place)
    legal_status = _label(codes.LEGAL_STATUS, episode.legal_status)
    rne = episode.reason_new_episode
    kind = _RNE_KIND.get(rne, "episode.moved")
    if episode.is_temporary and rne != "S":
        kind, title = "episode.temporary_move", f"Temporary move: {place}"
    elif kind == "episode.started":
        title = f"Placed: {place}"
    elif kind == "episode.legal_status":
        title = f"Legal status changed: {legal_status}"
    elif previous is not None and previous.is_temporary:
        title = f"Back from a temporary move: {place}"
    elif kind == "episode.placement_changed":
        title = f"Placement changed, same carer: {place}"
    else:
        title = f"Moved placement: {place}"
    details = [f"Reason for new episode: {_label(codes.REASON_NEW_EPISODE, rne)}."]
    if rne == "U":
        details.append(f"Placement changed, same carer: {place}.")
    elif kind == "episode.legal_status":
        details.append(f"Placement: {place}.")
    elif rne == "B":
        details.append(f"Legal status changed: {legal_status}.")
    else:
        details.append(f"Legal status: {legal_status}.")
    if previous is not None:
        details.append(_place_change_reason(previous))
    return _entry(kind, episode.started_on, episode, title, *details)


def _place_change_reason(ending: Episode) -> str:
    # REFERENCE.md §3.8: REASON_PLACE_CHANGE is recorded on the episode that ends, so a move
    # shows the reason held on the episode before it.
    if not ending.reason_place_change:
        return ""
    return (f"Reason for the placement change: "
            f"{_label(codes.REASON_PLACE_CHANGE, ending.reason_place_change)}.")


def _allocations(view: _View) -> Iterator[ChronologyEntry]:
    allocations = Allocation.objects.filter(young_person=view.young_person).select_related(
        "worker"
    )
    for allocation in allocations:
        role = allocation.get_role_display()
        who = view.name(allocation.worker)
        suffix = f": {who}" if who else ""
        yield _entry("allocation.started", allocation.started_on, allocation,
                     f"{role} allocated{suffix}")
        if allocation.ended_on:
            yield _entry("allocation.ended", allocation.ended_on, allocation,
                         f"{role} allocation ended{suffix}")


def _connected_person_approvals(view: _View) -> Iterator[ChronologyEntry]:
    approvals = ConnectedPersonApproval.objects.filter(
        young_person=view.young_person
    ).select_related("nominated_officer", "extension_approved_by")
    for approval in approvals:
        carer = (f"{approval.carer_name} ({approval.relationship})" if view.names
                 else approval.relationship)
        expiry = connected_persons.temporary_approval_expiry(approved_on=approval.approved_on)
        yield _entry(
            "approval.temporary", approval.approved_on, approval,
            f"Connected person approved as a temporary foster carer: {carer}",
            f"Regulation 24 approval, to {_day(expiry)}.",
            view.named(approval.nominated_officer, "Decided by {}."),
        )
        if approval.extended_until and approval.iro_informed_on:
            # The day the extension was decided is not recorded; informing the IRO is part of
            # the reg 25 decision (and required with it), so that is the nearest recorded date.
            yield _entry(
                "approval.extended", approval.iro_informed_on, approval,
                f"Temporary approval extended: {carer}",
                f"Regulation 25 extension, to {_day(approval.extended_until)}.",
                view.named(approval.extension_approved_by, "Approved by {}."),
            )
        if approval.fully_approved_on:
            yield _entry("approval.full", approval.fully_approved_on, approval,
                         f"Connected person approved as a foster carer: {carer}")
        if approval.ended_on:
            yield _entry("approval.ended", approval.ended_on, approval,
                         f"Connected-person approval ended: {carer}")


def _adoption_decisions(view: _View) -> Iterator[ChronologyEntry]:
    # SSDA903 PlacedAdoption: the agency decision maker's decision, and its reversal if it came.
    for decision in AdoptionDecision.objects.filter(young_person=view.young_person):
        yield _entry("adoption.decided", decision.decided_on, decision,
                     "Decision that they should be placed for adoption")
        if decision.reversed_on:
            yield _entry(
                "adoption.decision_reversed", decision.reversed_on, decision,
                "Decision that they should no longer be placed for adoption",
                f"Reason: {_label(codes.REASON_PLACED_CEASED, decision.reversal_reason)}.",
            )


def _adoptions(view: _View) -> Iterator[ChronologyEntry]:
    # SSDA903 AD1 (one a child). What is recorded about the adopters is theirs, not the child's
    # story: shown to staff, left out of the young person's own view like other people's names.
    for adoption in Adoption.objects.filter(young_person=view.young_person):
        yield _entry("adoption.best_interests", adoption.best_interests_on, adoption,
                     "Decision that adoption is in their best interests")
        adopters = ""
        if view.names:
            number = _label(codes.NUMBER_OF_ADOPTERS, adoption.number_of_adopters)
            sex = _label(codes.SEX_OF_ADOPTERS, adoption.sex_of_adopters)
            status = _label(codes.LEGAL_STATUS_OF_ADOPTERS, adoption.legal_status_of_adopters)
            adopters = f"Adopters: {number}; {sex.lower()}; {status.lower()}."
        yield _entry(
            "adoption.matched", adoption.matched_on, adoption, "Matched with adopters",
            "Their foster carers are adopting them." if adoption.by_foster_carers else "",
            adopters,
        )


# --- Plans and reviews ----------------------------------------------------------------------


def _pathway_plans(view: _View) -> Iterator[ChronologyEntry]:
    plans = list(PathwayPlan.objects.filter(young_person=view.young_person)
                 .select_related("created_by").order_by("number"))
    for plan in plans:
        created = timezone.localtime(plan.created_at)
        yield _entry("plan.created", created.date(), plan, f"Pathway plan {plan.number} started",
                     view.named(plan.created_by, "Started by {}."), at=created)
        if plan.agreed_on:
            yield _entry("plan.agreed", plan.agreed_on, plan, f"Pathway plan {plan.number} agreed")
        if plan.status == PlanStatus.SUPERSEDED:
            successor = next((p for p in plans if p.number > plan.number and p.agreed_on), None)
            # A plan is superseded when the next one is agreed; failing that, when it last changed.
            on = successor.agreed_on if successor else timezone.localdate(plan.updated_at)
            yield _entry(
                "plan.superseded", on, plan, f"Pathway plan {plan.number} replaced",
                f"Replaced by pathway plan {successor.number}." if successor else "",
            )


def _young_person_views(view: _View) -> Iterator[ChronologyEntry]:
    views = YoungPersonView.objects.filter(
        section__plan__young_person=view.young_person
    ).select_related("section", "recorded_by")
    for said in views:
        if said.recorded_by.young_person_id == view.young_person.pk:
            written = "Written by the young person."
        else:
            written = view.named(said.recorded_by, "Written down by {}.")
        yield _entry(
            "plan.view", said.expressed_on, said,
            f"Views recorded: {said.section.get_heading_display()}",
            f"Said in their own words: {_sentence(said.text)}", written,
        )


def _goal_progress(view: _View) -> Iterator[ChronologyEntry]:
    entries = GoalProgress.objects.filter(
        goal__section__plan__young_person=view.young_person
    ).select_related("goal", "actor")
    for progress in entries:
        recorded = timezone.localtime(progress.recorded_at)
        if progress.actor.young_person_id == view.young_person.pk:
            who = "Recorded by the young person."
        else:
            who = view.named(progress.actor, "Recorded by {}.")
        yield _entry(
            "goal.progress", recorded.date(), progress,
            f"Goal progress: {progress.goal.description}",
            f"Status: {progress.get_status_display()}.", _sentence(progress.note), who,
            at=recorded,
        )


def _cla_reviews(view: _View) -> Iterator[ChronologyEntry]:
    reviews = CLAReview.objects.filter(young_person=view.young_person).select_related("chair")
    for review in reviews:
        yield _entry(
            "review.cla", review.held_on, review, "Looked-after child review",
            f"Participation: {_label(codes.REVIEW_PARTICIPATION, review.participation)}.",
            view.named(review.chair, "Chaired by {}."),
        )


def _pathway_plan_reviews(view: _View) -> Iterator[ChronologyEntry]:
    reviews = PathwayPlanReview.objects.filter(
        young_person=view.young_person
    ).select_related("plan", "reviewer")
    for review in reviews:
        plan = f" (plan {review.plan.number})" if review.plan else ""
        yield _entry(
            "review.pathway_plan", review.held_on, review, f"Pathway plan review{plan}",
            view.named(review.reviewer, "Reviewed by {}."),
            f"Outcome: {_sentence(review.outcome)}" if review.outcome else "",
        )


def _pep_reviews(view: _View) -> Iterator[ChronologyEntry]:
    for review in PEPReview.objects.filter(young_person=view.young_person):
        yield _entry(
            "review.pep", review.held_on, review, "Personal education plan (PEP) review",
            f"School URN {review.school_urn}." if review.school_urn else "",
            _sentence(review.summary),
        )


def _needs_assessments(view: _View) -> Iterator[ChronologyEntry]:
    assessments = NeedsAssessment.objects.filter(young_person=view.young_person).select_related(
        "assessor")
    for assessment in assessments:
        yield _entry(
            "assessment.needs", assessment.completed_on, assessment, "Needs assessment completed",
            view.named(assessment.assessor, "Assessed by {}."), _sentence(assessment.summary),
        )


def _health_assessments(view: _View) -> Iterator[ChronologyEntry]:
    for assessment in HealthAssessment.objects.filter(young_person=view.young_person):
        yield _entry("health.assessment", assessment.held_on, assessment,
                     assessment.get_kind_display())


def _social_worker_visits(view: _View) -> Iterator[ChronologyEntry]:
    visits = SocialWorkerVisit.objects.filter(young_person=view.young_person).select_related(
        "worker"
    )
    seen_alone = {True: "Seen alone.", False: "Not seen alone.",
                  None: "Whether seen alone was not recorded."}
    for visit in visits:
        yield _entry(
            "visit.social_worker", visit.visited_on, visit, "Social worker visit",
            seen_alone[visit.seen_alone], view.named(visit.worker, "Social worker: {}."),
            _sentence(visit.note),
        )


def _pa_contacts(view: _View) -> Iterator[ChronologyEntry]:
    contacts = PAContact.objects.filter(young_person=view.young_person).select_related("adviser")
    for contact in contacts:
        yield _entry(
            "contact.personal_adviser", contact.contact_on, contact,
            f"Personal adviser contact: {contact.get_method_display().lower()}",
            view.named(contact.adviser, "Personal adviser: {}."), _sentence(contact.note),
        )


# --- Education and leaving care -------------------------------------------------------------


def _enrolments(view: _View) -> Iterator[ChronologyEntry]:
    for enrolment in SchoolEnrolment.objects.filter(young_person=view.young_person):
        urn = f"School URN {enrolment.urn}."
        yield _entry("school.started", enrolment.started_on, enrolment,
                     f"Started at {enrolment.school_name}", urn)
        if enrolment.ended_on:
            yield _entry("school.left", enrolment.ended_on, enrolment,
                         f"Left {enrolment.school_name}", urn)


def ks2_results_on(academic_year: int) -> dt.date:
    """The date a KS2 result is shown on: 1 July of the academic year it belongs to.

    KS2 tests are sat in May and results are returned to schools in early July, while the child is
    still on roll at primary school; 1 July is that month's first day, so the entry sits before the
    summer-term move to secondary school rather than after it.
    """
    return dt.date(academic_year, 7, 1)


def ks4_results_on(academic_year: int) -> dt.date:
    """The date a KS4 result is shown on: 31 August of the academic year it belongs to.

    GCSE results day falls in the second half of August; 31 August, the last day of the academic
    year, is never before results day and still inside the year the results belong to.
    """
    return dt.date(academic_year, 8, 31)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _ks2_results(view: _View) -> Iterator[ChronologyEntry]:
    for result in KS2Result.objects.filter(young_person=view.young_person):
        scores = [f"reading {result.reading_scaled}" if result.reading_scaled else "",
                  f"maths {result.maths_scaled}" if result.maths_scaled else ""]
        scaled = ", ".join(s for s in scores if s)
        yield _entry(
            "education.ks2", ks2_results_on(result.academic_year), result,
            f"Key stage 2 results ({academic_year_label(result.academic_year)})",
            f"Expected standard in reading: {_yes_no(result.reading_expected)}; "
            f"writing: {_yes_no(result.writing_expected)}; "
            f"maths: {_yes_no(result.maths_expected)}.",
            f"Scaled scores: {scaled}." if scaled else "",
        )


def _ks4_results(view: _View) -> Iterator[ChronologyEntry]:
    for result in KS4Result.objects.filter(young_person=view.young_person):
        yield _entry(
            "education.ks4", ks4_results_on(result.academic_year), result,
            f"Key stage 4 (GCSE) results ({academic_year_label(result.academic_year)})",
            f"Attainment 8: {result.attainment8}.",
            f"English grade {result.english_grade}, maths grade {result.maths_grade}.",
            f"Progress 8: {result.progress8}." if result.progress8 is not None else "",
        )


def term_starts_on(*, academic_year: int, term: str) -> dt.date:
    """Approximate first day of a school term (academic years are named by the year they end)."""
    return {
        Term.AUTUMN: dt.date(academic_year - 1, 9, 1),
        Term.SPRING: dt.date(academic_year, 1, 1),
        Term.SUMMER: dt.date(academic_year, 4, 1),
    }[term]


def _permanent_exclusions(view: _View) -> Iterator[ChronologyEntry]:
    # Termly attendance is too fine-grained for a chronology; only a permanent exclusion is an
    # event in the child's life. The record holds the term, not the day: dating it on the term's
    # first day keeps it ahead of the school move it usually leads to, and the title names the term.
    exclusions = Attendance.objects.filter(young_person=view.young_person,
                                           permanently_excluded=True)
    for record in exclusions:
        yield _entry(
            "school.permanent_exclusion",
            term_starts_on(academic_year=record.academic_year, term=record.term), record,
            f"Permanently excluded ({record.get_term_display().lower()} term "
            f"{academic_year_label(record.academic_year)})",
        )


def _care_leaver_records(view: _View) -> Iterator[ChronologyEntry]:
    for record in CareLeaverRecord.objects.filter(young_person=view.young_person):
        draft = " (draft)" if record.status != RecordStatus.CONFIRMED else ""
        yield _entry(
            "care_leaver.oc3", record.recorded_on, record,
            f"Care-leaver check at {record.age}{draft}",
            f"{_label(codes.IN_TOUCH, record.in_touch)}.",
            f"Activity: {_label(codes.ACTIVITY, record.activity)}.",
            f"Accommodation: {_label(codes.ACCOMMODATION, record.accommodation)}.",
        )


# --- Safeguarding -----------------------------------------------------------------------------


def _safeguarding_alerts(view: _View) -> Iterator[ChronologyEntry]:
    """The alert (kind and time) and what was done, by whom: never the young person's words,
    which are read on the alert's own page (an audited read)."""
    alerts = SafeguardingAlert.objects.filter(young_person=view.young_person).select_related(
        "acknowledged_by")
    for alert in alerts:
        raised = timezone.localtime(alert.raised_at)
        yield _entry("safeguarding.alert", raised.date(), alert, "Safeguarding alert",
                     _sentence(f"{'; '.join(kind_labels(alert.kinds)).capitalize()}"),
                     f"Raised at {raised:%H:%M} from a message by "
                     f"{alert.get_channel_display()}.", at=alert.raised_at)
        if alert.action:
            acted = timezone.localtime(alert.acknowledged_at)
            yield _entry("safeguarding.acted", acted.date(), alert,
                         f"Safeguarding alert: {alert.get_action_display().lower()}",
                         f"At {acted:%H:%M}.", view.named(alert.acknowledged_by, "By {}."),
                         _sentence(alert.note), at=alert.acknowledged_at)


# Each builder reads one table (one query), and whether all its entries are adviser-only (the
# table is then not read at all for the young person's own view).
_BUILDERS: tuple[tuple[Callable[[_View], Iterator[ChronologyEntry]], bool], ...] = (
    (_periods_of_care, False),
    (_episodes, False),
    (_allocations, False),
    (_connected_person_approvals, False),
    (_adoption_decisions, False),
    (_adoptions, False),
    (_pathway_plans, False),
    (_young_person_views, False),
    (_goal_progress, False),
    (_cla_reviews, False),
    (_pathway_plan_reviews, True),
    (_pep_reviews, True),
    (_needs_assessments, True),
    (_health_assessments, True),
    (_social_worker_visits, True),
    (_pa_contacts, True),
    (_enrolments, False),
    (_ks2_results, False),
    (_ks4_results, False),
    (_permanent_exclusions, False),
    (_care_leaver_records, False),
    (_safeguarding_alerts, True),
)
