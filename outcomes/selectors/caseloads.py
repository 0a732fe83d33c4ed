"""Caseloads: whose young people a worker or a team holds, and what is due for them.

Lists over many young people, each answered in one query whatever their number, from the
schedule entries the sweep and every scheduling write keep (selectors/schedule.py).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from outcomes import access
from outcomes.models import (
    Allocation,
    AllocationRole,
    Role,
    ScheduleEntry,
    User,
    YoungPerson,
)
from outcomes.rules import schedule as rules
from outcomes.rules.care_leaver import CareLeaverCategory
from outcomes.rules.dates import add_months
from outcomes.rules.schedule import Policy

from .care_leavers import care_leaver_statuses_for
from .schedule import DueEntry, current_policy, not_recorded_before
from .young_people import young_people_matching

# Who is owed a personal adviser (REFERENCE.md §1.6): eligible children from 16, relevant and
# former relevant care leavers to 25.
OWED_AN_ADVISER = frozenset({CareLeaverCategory.ELIGIBLE, CareLeaverCategory.RELEVANT,
                             CareLeaverCategory.FORMER_RELEVANT})
OWED_AN_ADVISER_AGES = (16, 25)
CASELOAD_ROLES = (Role.PERSONAL_ADVISER, Role.SOCIAL_WORKER, Role.IRO)


def caseload_for(
    *, user: User, search: str = "", on: dt.date | None = None, own_items_only: bool = False,
) -> QuerySet[YoungPerson]:
    """The young people `user` works with (an adviser, social worker or IRO: their caseload; a
    manager: their team; the virtual school: children looked after), by name, each annotated with
    `next_due_on`, `next_due_title` and `overdue_count`, in one query (empty for a role that
    does not see the schedule). `own_items_only` counts only the items the user's role is
    responsible for (a worker's own to-do list)."""
    day = on or timezone.localdate()
    queryset = access.young_people_visible_to(user, on=day)
    if search.strip():
        queryset = young_people_matching(queryset, text=search.strip())
    entries = ScheduleEntry.objects.filter(young_person=OuterRef("pk"))
    if not access.sees_whole_schedule(user):
        entries = entries.none()  # the virtual school: who, not what is due (access.py)
    if own_items_only:
        entries = entries.filter(responsible=user.role)
    upcoming = entries.filter(due_on__gte=day).order_by("due_on", "key")
    overdue = (entries.filter(due_on__lt=day, due_on__gte=not_recorded_before(on=day))
               .order_by().values("young_person").annotate(n=Count("pk")).values("n"))
    return queryset.select_related("team").annotate(
        next_due_on=Subquery(upcoming.values("due_on")[:1]),
        next_due_title=Subquery(upcoming.values("title")[:1]),
        overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
    ).order_by("legal_last_name", "legal_first_name", "pk")


def without_adviser_for(*, user: User, on: dt.date | None = None) -> list[YoungPerson]:
    """Young people `user` may see who are owed a personal adviser on `on` (eligible, relevant
    or former relevant) and have none allocated, by name. SQL narrows to those aged 16 to 25
    without one; the care-leaver rule decides the rest (three queries, however many)."""
    day = on or timezone.localdate()
    advised = Allocation.objects.current(day).filter(role=AllocationRole.PERSONAL_ADVISER)
    youngest, oldest = OWED_AN_ADVISER_AGES
    candidates = list(
        access.young_people_visible_to(user, access.Area.ALLOCATIONS, on=day)
        .filter(date_of_birth__lte=add_months(day, -12 * youngest),
                date_of_birth__gt=add_months(day, -12 * (oldest + 1)))
        .exclude(pk__in=advised.values("young_person_id"))
        .select_related("team").order_by("legal_last_name", "legal_first_name", "pk"))
    statuses = care_leaver_statuses_for(young_people=candidates, on=day)
    return [person for person in candidates
            if statuses[person.pk].category in OWED_AN_ADVISER]


def caseload_per_worker_for(*, user: User, on: dt.date | None = None) -> QuerySet[User]:
    """The workers of `user`'s team (everyone's, for an administrator), each annotated with
    `caseload`: how many of the young people `user` may see are allocated to them on `on`."""
    day = on or timezone.localdate()
    visible = access.young_people_visible_to(user, access.Area.ALLOCATIONS, on=day)
    workers = User.objects.filter(role__in=CASELOAD_ROLES, is_active=True)
    if user.role != Role.ADMINISTRATOR:
        workers = workers.filter(team__in=access.teams_managed_by(user).values("pk"))
    current = (Q(allocations__started_on__lte=day)
               & (Q(allocations__ended_on__isnull=True) | Q(allocations__ended_on__gte=day))
               # In the worker's own role (an IRO's allocations are as an IRO).
               & Q(allocations__role=F("role")))
    return workers.annotate(
        caseload=Count("allocations", filter=current
                       & Q(allocations__young_person__in=visible.values("pk")))
    ).order_by("-caseload", "last_name", "first_name", "pk")


def due_this_week_in_team_for(
    *, user: User, on: dt.date | None = None, policy: Policy | None = None
) -> list[DueEntry]:
    """What falls due in the next 7 days (today included) among the young people `user` may see
    (for a team manager: their team), soonest first. Overdue items are in `overdue_in_team_for`."""
    day = on or timezone.localdate()
    policy = policy or current_policy(on=day)
    visible = access.young_people_visible_to(user, access.Area.SCHEDULE, on=day)
    rows = (ScheduleEntry.objects.filter(young_person__in=visible.values("pk"), needs_data=False,
                                         due_on__gte=day,
                                         due_on__lte=day + dt.timedelta(days=policy.due_soon_days))
            .select_related("young_person").order_by("due_on", "young_person_id", "key"))
    return [DueEntry(young_person=row.young_person, entry=row,
                     state=rules.state_of(row.due_on, today=day, policy=policy)) for row in rows]
