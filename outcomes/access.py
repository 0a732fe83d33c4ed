"""The one access policy: who may see and change which young people's records, and which fields.

Deny by default. Every channel - the API, the bot, the staff pages, the admin's audit - starts its
querysets from `young_people_visible_to(user, area)` and checks single records with
`require(...)`. A record outside a user's scope is "not found" (the channels answer 404), so its
existence is not disclosed (DESIGN.md rule 2).

- A young person: their own record only, never adviser-only fields (case notes, risk, other
  people's names in the chronology).
- A personal adviser or social worker: their current caseload, decided by the allocation history.
- An IRO: the children whose reviews they chair, or are allocated to chair.
- The virtual school: the education records of children looked after now, and the attainment
  gap report over them.
- A team manager: their team, and the other teams they head (a service manager).
  An administrator: everything.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from outcomes.models import (
    Allocation,
    AllocationRole,
    CLAReview,
    DataJob,
    Episode,
    Role,
    SafeguardingAlert,
    Team,
    User,
    YoungPerson,
)
from outcomes.rules.schedule import Item


class Area(StrEnum):
    """The parts of a young person's record that access is decided for."""

    PROFILE = "profile"            # who they are: names, date of birth, team, contact preferences
    ALLOCATIONS = "allocations"    # who works with them
    CARE_HISTORY = "care_history"  # periods of care, episodes, connected-person approvals
    PLANS = "plans"                # pathway plans, sections, goals, actions, progress, views
    REVIEWS = "reviews"            # reviews, assessments, visits, contacts
    EDUCATION = "education"        # enrolments, results, attendance
    CARE_LEAVER = "care_leaver"    # activity and accommodation (OC3)
    CHRONOLOGY = "chronology"
    SCHEDULE = "schedule"          # the statutory due dates, worked out from the records
    AUDIT = "audit"                # who has looked at the record


ALL_AREAS = frozenset(Area)

VIEW_AREAS: dict[str, frozenset[Area]] = {
    Role.YOUNG_PERSON: frozenset({Area.PROFILE, Area.ALLOCATIONS, Area.PLANS, Area.REVIEWS,
                                  Area.EDUCATION, Area.CARE_LEAVER, Area.CHRONOLOGY,
                                  Area.SCHEDULE}),
    Role.PERSONAL_ADVISER: ALL_AREAS,
    Role.SOCIAL_WORKER: ALL_AREAS,
    Role.IRO: ALL_AREAS,
    Role.VIRTUAL_SCHOOL: frozenset({Area.PROFILE, Area.EDUCATION}),
    Role.TEAM_MANAGER: ALL_AREAS,
    Role.ADMINISTRATOR: ALL_AREAS,
}

# What each role may change, within the young people it can see. A young person changes only
# their goals' progress and their own views (both in PLANS, narrowed by the services).
CHANGE_AREAS: dict[str, frozenset[Area]] = {
    Role.YOUNG_PERSON: frozenset({Area.PLANS}),
    Role.PERSONAL_ADVISER: frozenset({Area.PROFILE, Area.PLANS, Area.REVIEWS, Area.EDUCATION,
                                      Area.CARE_LEAVER}),
    Role.SOCIAL_WORKER: frozenset({Area.PROFILE, Area.CARE_HISTORY, Area.PLANS, Area.REVIEWS,
                                   Area.EDUCATION}),
    Role.IRO: frozenset({Area.REVIEWS}),
    Role.VIRTUAL_SCHOOL: frozenset({Area.EDUCATION}),
    Role.TEAM_MANAGER: ALL_AREAS - {Area.AUDIT, Area.CHRONOLOGY, Area.SCHEDULE},
    Role.ADMINISTRATOR: ALL_AREAS - {Area.AUDIT, Area.CHRONOLOGY, Area.SCHEDULE},
}

# Fields a young person never sees, even on their own record: case notes and the workers'
# analysis of risk (REFERENCE.md §7: third-party and adviser-only information).
ADVISER_ONLY_FIELDS: dict[str, frozenset[str]] = {
    "youngperson": frozenset({"contact_notes"}),
    "socialworkervisit": frozenset({"note", "seen_alone"}),
    "pacontact": frozenset({"note"}),
    "pathwayplanreview": frozenset({"outcome"}),
    "pepreview": frozenset({"summary"}),
    "needsassessment": frozenset({"summary"}),
    "connectedpersonapproval": frozenset({"panel_view", "nominated_officer",
                                          "extension_approved_by"}),
}


# The virtual school sees who a child is and their education, not how to reach them, their
# immigration status, or their care-leaver category (the CARE_LEAVER area it does not see).
VIRTUAL_SCHOOL_HIDDEN_FIELDS: dict[str, frozenset[str]] = {
    "youngperson": frozenset({"phone", "email", "contact_notes", "preferred_contact", "uasc",
                              "care_leaver_category"}),
}


class NotVisible(Exception):
    """The record is outside the user's scope. Channels answer 404: existence is not disclosed."""


def _caseload_role(user: User) -> AllocationRole | None:
    return {
        Role.PERSONAL_ADVISER: AllocationRole.PERSONAL_ADVISER,
        Role.SOCIAL_WORKER: AllocationRole.SOCIAL_WORKER,
        Role.IRO: AllocationRole.IRO,
    }.get(user.role)


def _allocated(user: User, role: AllocationRole, on: dt.date) -> Q:
    # From the worker's allocations (indexed by worker), not a test on every young person.
    return Q(pk__in=Allocation.objects.current(on).filter(worker=user, role=role)
             .values("young_person_id"))


def _chairs_latest_review(user: User, on: dt.date) -> Q:
    later_by_another = CLAReview.objects.filter(
        young_person_id=OuterRef("young_person_id"), held_on__gt=OuterRef("held_on"),
        held_on__lte=on,
    )
    return Q(pk__in=CLAReview.objects.filter(chair=user, held_on__lte=on)
             .exclude(Exists(later_by_another)).values("young_person_id"))


def _looked_after(on: dt.date) -> Q:
    return Q(pk__in=Episode.objects.looked_after_on(on).values("young_person_id"))


def scope_filter(user: User | None, area: Area = Area.PROFILE, *, on: dt.date | None = None) -> Q:
    """The filter over YoungPerson that a user's scope for `area` comes to. Nothing by default."""
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    if area not in VIEW_AREAS.get(user.role, frozenset()):
        return nothing
    day = on or timezone.localdate()
    match user.role:
        case Role.ADMINISTRATOR:
            return Q()
        case Role.YOUNG_PERSON:
            return Q(pk=user.young_person_id) if user.young_person_id else nothing
        case Role.PERSONAL_ADVISER | Role.SOCIAL_WORKER:
            return _allocated(user, _caseload_role(user), day)
        case Role.IRO:
            # Allocated to chair the reviews now, or chaired the latest review held.
            return _allocated(user, AllocationRole.IRO, day) | _chairs_latest_review(user, day)
        case Role.VIRTUAL_SCHOOL:
            return _looked_after(day)
        case Role.TEAM_MANAGER:
            return Q(team_id__in=teams_managed_by(user).values("pk"))
    return nothing


def teams_managed_by(user: User | None) -> QuerySet[Team]:
    """The teams a team manager oversees: their own, and those they head besides (a service
    manager's `managed_teams`). None for any other role; every team is an administrator's
    through their own scope, not this. A subquery where it is used: no query of its own."""
    if getattr(user, "role", None) != Role.TEAM_MANAGER or not user.is_active:
        return Team.objects.none()
    own = Q(pk=user.team_id) if user.team_id else Q(pk__in=[])
    return Team.objects.filter(own | Q(managers=user)).distinct()


def young_people_visible_to(
    user: User | None, area: Area = Area.PROFILE, *, on: dt.date | None = None
) -> QuerySet[YoungPerson]:
    """Every young person whose `area` the user may see. The start of every channel's queryset."""
    return YoungPerson.objects.filter(scope_filter(user, area, on=on))


def can_view(user: User | None, young_person: YoungPerson | int, area: Area) -> bool:
    pk = young_person if isinstance(young_person, int) else young_person.pk
    return young_people_visible_to(user, area).filter(pk=pk).exists()


def can_change(user: User | None, young_person: YoungPerson | int, area: Area) -> bool:
    if user is None or area not in CHANGE_AREAS.get(getattr(user, "role", ""), frozenset()):
        return False
    return can_view(user, young_person, area)


def require_view(user: User | None, young_person: YoungPerson | int, area: Area) -> None:
    """Raise NotVisible unless the user may see this part of the young person's record."""
    if not can_view(user, young_person, area):
        raise NotVisible


def require_change(user: User | None, young_person: YoungPerson | int, area: Area) -> None:
    """Raise NotVisible unless the user may change this part of the young person's record."""
    if not can_change(user, young_person, area):
        raise NotVisible


# Who oversees a team's work: its overdue items, who has no adviser, each worker's caseload.
TEAM_OVERSIGHT_ROLES = frozenset({Role.TEAM_MANAGER, Role.ADMINISTRATOR})


def oversees_team(user: User | None) -> bool:
    """Whether the user may see a whole team's work at once (the team dashboard)."""
    return getattr(user, "role", None) in TEAM_OVERSIGHT_ROLES and bool(
        getattr(user, "is_active", False))


# Who reads the manager reports (attainment gap, placement stability, care leavers, timeliness):
# the same roles as the team dashboard. Their figures cover only the young people the user may see.
REPORT_ROLES = TEAM_OVERSIGHT_ROLES
ALL_REPORTS = frozenset({"attainment-gap", "placement-stability", "care-leavers", "timeliness"})
# Which reports each role reads. The virtual school reads the attainment gap, over the education
# of the children in care it sees (its scope); nothing of their care histories, care-leaver
# records or schedules, which its areas leave out (VIEW_AREAS).
REPORTS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.TEAM_MANAGER: ALL_REPORTS,
    Role.ADMINISTRATOR: ALL_REPORTS,
    Role.VIRTUAL_SCHOOL: frozenset({"attainment-gap"}),
}


def reports_for(user: User | None) -> frozenset[str]:
    """The reports (by their address's name) the user may open and download."""
    if not getattr(user, "is_active", False):
        return frozenset()
    return REPORTS_BY_ROLE.get(getattr(user, "role", None), frozenset())


def sees_reports(user: User | None, report: str | None = None) -> bool:
    """Whether the user may open `report` (any report, when None) and download its figures.
    The figures cover only the young people whose areas the user may see."""
    allowed = reports_for(user)
    return bool(allowed) if report is None else report in allowed


# The data pages: the SSDA903 return in and out, and the Ofsted Annex A lists.
# - Export and Annex A: the report roles. Each holds only the young people the user may see
#   (Annex A through its selector; the export leaves out every other child's rows), so a team
#   manager's export is their team's part of the return, and an administrator's the whole of it.
# - Import: administrators only. It matches children across the whole authority by their LA child
#   id, so it can create and change any child's record, beyond any one team's scope.
# - A job is seen by whoever asked for it, and by administrators (who see every record anyway).
DATA_EXPORT_ROLES = REPORT_ROLES
DATA_IMPORT_ROLES = frozenset({Role.ADMINISTRATOR})


def _active_in(user: User | None, roles: frozenset) -> bool:
    return getattr(user, "role", None) in roles and bool(getattr(user, "is_active", False))


def may_export_903(user: User | None) -> bool:
    """Whether the user may open the data pages, export the SSDA903 tables of the young people
    they can see, and download the Annex A lists."""
    return _active_in(user, DATA_EXPORT_ROLES)


def may_import_903(user: User | None) -> bool:
    """Whether the user may import an SSDA903 return (it writes any child's record)."""
    return _active_in(user, DATA_IMPORT_ROLES)


def data_jobs_visible_to(user: User | None) -> QuerySet[DataJob]:
    """The imports and exports a user may follow and download from: their own; every one for an
    administrator; none for anyone without the data pages."""
    if not may_export_903(user):
        return DataJob.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return DataJob.objects.all()
    return DataJob.objects.filter(requested_by=user)


# Who closes a statutory item as no longer applying (a decision about a duty, so the managers').
SCHEDULE_CLOSERS = TEAM_OVERSIGHT_ROLES
NOT_A_CLOSER = "Only a team manager can close a statutory item."


def closes_schedule_items(user: User | None) -> bool:
    return _active_in(user, SCHEDULE_CLOSERS)


def require_close_schedule_items(user: User | None) -> None:
    """PermissionDenied unless the user's role closes statutory items (check the scope first)."""
    if not closes_schedule_items(user):
        raise PermissionDenied(NOT_A_CLOSER)


def sees_whole_schedule(user: User | None) -> bool:
    """Whether the user's role is shown every statutory item (the workers' deadlines, data
    problems, what is overdue): staff whose role sees the SCHEDULE area. Not a young person, nor
    the virtual school."""
    role = getattr(user, "role", None)
    return role != Role.YOUNG_PERSON and Area.SCHEDULE in VIEW_AREAS.get(role, frozenset())


def schedule_items_for(user: User | None, items: list[Item]) -> list[Item]:
    """The schedule items a user is shown: a young person sees the events they take part in
    (their reviews and pathway plan), not their workers' deadlines or data problems."""
    if getattr(user, "role", None) == Role.YOUNG_PERSON:
        return [item for item in items if item.for_young_person]
    return items if sees_whole_schedule(user) else []


def hidden_fields(user: User | None, model_name: str) -> frozenset[str]:
    """Fields of `model_name` (lower-case model name) the user must never be shown."""
    role = getattr(user, "role", None)
    if role == Role.YOUNG_PERSON:
        return ADVISER_ONLY_FIELDS.get(model_name, frozenset())
    if role == Role.VIRTUAL_SCHOOL:
        return VIRTUAL_SCHOOL_HIDDEN_FIELDS.get(model_name, frozenset())
    return frozenset()


# Safeguarding alerts (issue 12): seen, read in full (the young person's words) and acknowledged
# by the young person's allocated adviser or social worker, their team's managers, and
# administrators; everyone else is refused as "not found".
SAFEGUARDING_ROLES = frozenset({Role.PERSONAL_ADVISER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER,
                                Role.ADMINISTRATOR})


def safeguarding_alerts_visible_to(user: User | None) -> QuerySet[SafeguardingAlert]:
    """The safeguarding alerts a user may see and acknowledge: those of the young people in
    their scope (caseload, team, everyone for an administrator)."""
    if not _active_in(user, SAFEGUARDING_ROLES):
        return SafeguardingAlert.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return SafeguardingAlert.objects.all()
    return SafeguardingAlert.objects.filter(
        young_person__in=young_people_visible_to(user).values("pk"))
# --- Filters: a filter on what a role may not see is a side channel -------------------------
# `?uasc=true` on a list that hides `uasc` still tells who is unaccompanied. So a filter is
# refused when what it reads is hidden from the user: a field (hidden_fields above) or a part of
# the record (VIEW_AREAS). By default a filter reads the field of its own name; these read more.
FILTER_READS: dict[str, dict[str, str | Area]] = {
    "youngperson": {
        "adviser": Area.ALLOCATIONS,          # who is allocated to whom
        "overdue": Area.SCHEDULE,             # what is past its due date
        "care_leaver_category": "care_leaver_category",
        "sen_status": Area.EDUCATION,
    },
}
FILTER_REFUSED = "You cannot filter by this: your role does not see it."


def filter_refused(user: User | None, model_name: str, filter_name: str) -> bool:
    """Whether `user` may not filter a list of `model_name` by `filter_name` (see FILTER_READS).
    The channels answer 400 with FILTER_REFUSED, never an answer that tells what is hidden."""
    reads = FILTER_READS.get(model_name, {}).get(filter_name, filter_name)
    if isinstance(reads, Area):
        role = getattr(user, "role", None)
        if reads == Area.SCHEDULE:
            return not sees_whole_schedule(user)
        return reads not in VIEW_AREAS.get(role, frozenset())
    return reads in hidden_fields(user, model_name)
# --- Who records which kind of record -------------------------------------------------------------
# Seeing a part of the record (VIEW_AREAS) and being able to change that area (CHANGE_AREAS) is
# not enough to record a statutory event in it: the schedule counts every record, so a visit
# recorded by someone who did not make it stops the reminders for the one who must. Each kind of
# record is kept by the role that does the work (REFERENCE.md §1), by their team manager (who
# covers for a worker and puts records right), and by an administrator (corrections, imports).
# Within those roles the young person must also be in the actor's scope for the kind's area.


class RecordKind(StrEnum):
    """The statutory records staff keep, one per form; the values are the web addresses' words."""

    SOCIAL_WORKER_VISIT = "visit"
    PA_CONTACT = "contact"
    CLA_REVIEW = "cla-review"
    PATHWAY_PLAN_REVIEW = "pathway-plan-review"
    NEEDS_ASSESSMENT = "needs-assessment"
    HEALTH_ASSESSMENT = "health-assessment"
    PEP = "pep"
    SCHOOL = "school"
    ATTENDANCE = "attendance"
    RESULTS = "results"
    CARE_LEAVER_RECORD = "care-leaver-record"


_COVER = frozenset({Role.TEAM_MANAGER, Role.ADMINISTRATOR})
_EDUCATION = frozenset({Role.VIRTUAL_SCHOOL, Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER}) | _COVER

RECORDERS: dict[RecordKind, tuple[Area, frozenset[str]]] = {
    # CPPCR 2010 reg 28: the child's social worker visits. Not an adviser nor the IRO.
    RecordKind.SOCIAL_WORKER_VISIT: (Area.REVIEWS, frozenset({Role.SOCIAL_WORKER}) | _COVER),
    # CL 2010 reg 8: the personal adviser keeps in touch and keeps the written record.
    RecordKind.PA_CONTACT: (Area.REVIEWS, frozenset({Role.PERSONAL_ADVISER}) | _COVER),
    # CPPCR 2010 reg 36 and 45-46: the IRO chairs the review and records it. Not the team
    # manager: the IRO is independent of the line management of the case.
    RecordKind.CLA_REVIEW: (Area.REVIEWS, frozenset({Role.IRO, Role.ADMINISTRATOR})),
    # CPPCR 2010 reg 42-43, CL 2010: the social worker while the young person is looked after
    # (the schedule makes them responsible), the personal adviser once they have left care.
    RecordKind.PATHWAY_PLAN_REVIEW: (Area.REVIEWS, frozenset({Role.PERSONAL_ADVISER,
                                                              Role.SOCIAL_WORKER}) | _COVER),
    RecordKind.NEEDS_ASSESSMENT: (Area.REVIEWS, frozenset({Role.PERSONAL_ADVISER,
                                                           Role.SOCIAL_WORKER}) | _COVER),
    # Health assessments are made by doctors and nurses; the child's social worker records them.
    RecordKind.HEALTH_ASSESSMENT: (Area.REVIEWS, frozenset({Role.SOCIAL_WORKER}) | _COVER),
    # The PEP is the social worker's, with the school, quality-assured by the virtual school
    # head (CA 1989 s22(3B)); both record it. It ends at 18, so not the adviser's.
    RecordKind.PEP: (Area.EDUCATION, frozenset({Role.VIRTUAL_SCHOOL, Role.SOCIAL_WORKER})
                     | _COVER),
    # School, attendance and results: the virtual school, and the workers who already kept them.
    RecordKind.SCHOOL: (Area.EDUCATION, _EDUCATION),
    RecordKind.ATTENDANCE: (Area.EDUCATION, _EDUCATION),
    RecordKind.RESULTS: (Area.EDUCATION, _EDUCATION),
    # SSDA903 OC3: the adviser confirms activity and accommodation around each birthday (the
    # young person's own answers are a draft for them: services/care_leavers.py).
    RecordKind.CARE_LEAVER_RECORD: (Area.CARE_LEAVER, frozenset({Role.PERSONAL_ADVISER})
                                    | _COVER),
}

NOT_YOURS = {
    RecordKind.SOCIAL_WORKER_VISIT: "Statutory visits are recorded by the child's social worker.",
    RecordKind.PA_CONTACT: "Contacts with a care leaver are recorded by their personal adviser.",
    RecordKind.CLA_REVIEW: "Looked-after child reviews are recorded by the independent "
                           "reviewing officer.",
    RecordKind.PATHWAY_PLAN_REVIEW: "Pathway plan reviews are recorded by the social worker or "
                                    "personal adviser.",
    RecordKind.NEEDS_ASSESSMENT: "Needs assessments are recorded by the social worker or "
                                 "personal adviser.",
    RecordKind.HEALTH_ASSESSMENT: "Health assessments are recorded by the child's social worker.",
    RecordKind.PEP: "Personal education plans are recorded by the virtual school or the social "
                    "worker.",
    RecordKind.SCHOOL: "Your role does not record education.",
    RecordKind.ATTENDANCE: "Your role does not record education.",
    RecordKind.RESULTS: "Your role does not record education.",
    RecordKind.CARE_LEAVER_RECORD: "Care-leaver records are confirmed by the personal adviser.",
}


def role_records(user: User | None, kind: RecordKind) -> bool:
    """Whether the user's role keeps this kind of record at all (no query)."""
    return (getattr(user, "role", None) in RECORDERS[kind][1]
            and bool(getattr(user, "is_active", False)))


def record_kinds_for(user: User | None, visible: frozenset[Area]) -> list[RecordKind]:
    """Of the areas `user` may see of one young person (web.areas.areas_visible_to), the kinds
    of record they may add, in RecordKind's order. No query."""
    return [kind for kind, (area, _) in RECORDERS.items()
            if area in visible and role_records(user, kind)]


def require_record(user: User | None, young_person: YoungPerson | int,
                   kind: RecordKind) -> None:
    """Raise NotVisible outside the user's scope for the kind's area (404), PermissionDenied
    (403, with the reason) when it is seen but the user's role does not keep this record."""
    area = RECORDERS[kind][0]
    require_view(user, young_person, area)
    if not role_records(user, kind):
        raise PermissionDenied(NOT_YOURS[kind])
