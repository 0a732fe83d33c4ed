"""The statutory schedule from the records: read each kind of record once for a whole batch of
young people, build the facts `outcomes.rules.schedule` wants, and ask it.

The number of queries does not depend on how many young people are in the batch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from outcomes import access
from outcomes.models import (
    Allocation,
    CareLeaverRecord,
    CLAReview,
    ConnectedPersonApproval,
    Episode,
    HealthAssessment,
    NeedsAssessment,
    PAContact,
    PathwayPlan,
    PathwayPlanReview,
    PEPReview,
    PeriodOfCare,
    ScheduleEntry,
    SocialWorkerVisit,
    User,
    YoungPerson,
)
from outcomes.models.plans import PlanStatus
from outcomes.models.reviews import ContactMethod
from outcomes.rules import schedule as rules
from outcomes.rules.dates import add_months
from outcomes.rules.schedule import Item, Policy, State

from .care_leavers import EDUCATION_OR_TRAINING

# Care leavers are owed support to 25 (REFERENCE.md §1.6); nobody older has a schedule.
OLDEST_WITH_A_SCHEDULE = 25


def current_policy() -> Policy:
    """The local settings (lead times, escalation, PA contact interval) from Django settings."""
    return Policy(
        lead_days=tuple(settings.REMINDER_LEAD_DAYS),
        escalate_after_working_days=settings.REMINDER_ESCALATE_AFTER_WORKING_DAYS,
        pa_contact_weeks=settings.PA_CONTACT_WEEKS,
    )


def histories_for(
    *, young_people: Iterable[YoungPerson], on: dt.date
) -> dict[int, rules.History]:
    """The facts of each young person's history up to `on`, by id, in twelve queries."""
    people = {p.pk: p for p in young_people}
    ids = list(people)
    grouped: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))

    def collect(name: str, rows: Iterable[tuple]) -> None:
        for pk, *values in rows:
            grouped[name][pk].append(values[0] if len(values) == 1 else tuple(values))

    mine = {"young_person_id__in": ids}
    collect("periods", PeriodOfCare.objects.filter(**mine, started_on__lte=on).values_list(
        "young_person_id", "started_on", "ended_on"))
    collect("episodes", Episode.objects.filter(**mine, started_on__lte=on).values_list(
        "young_person_id", "started_on", "ended_on", "place", "legal_status", "reason_new_episode"))
    collect("cla", CLAReview.objects.filter(**mine, held_on__lte=on).values_list(
        "young_person_id", "held_on"))
    collect("visits", SocialWorkerVisit.objects.filter(**mine, visited_on__lte=on).values_list(
        "young_person_id", "visited_on"))
    collect("health", HealthAssessment.objects.filter(**mine, held_on__lte=on).values_list(
        "young_person_id", "kind", "held_on"))
    collect("pep", PEPReview.objects.filter(**mine, held_on__lte=on).values_list(
        "young_person_id", "held_on"))
    collect("needs", NeedsAssessment.objects.filter(**mine, completed_on__lte=on).values_list(
        "young_person_id", "completed_on"))
    collect("plans", PathwayPlan.objects.filter(
        **mine, status__in=[PlanStatus.AGREED, PlanStatus.SUPERSEDED], agreed_on__lte=on
    ).values_list("young_person_id", "agreed_on"))
    collect("pp_reviews", PathwayPlanReview.objects.filter(**mine, held_on__lte=on).values_list(
        "young_person_id", "held_on"))
    collect("pa", PAContact.objects.filter(**mine, contact_on__lte=on).values_list(
        "young_person_id", "contact_on", "method"))
    collect("approvals", ConnectedPersonApproval.objects.filter(
        **mine, approved_on__lte=on
    ).values_list("young_person_id", "approved_on", "extended_until", "fully_approved_on",
                  "ended_on"))
    collect("oc3", CareLeaverRecord.objects.filter(**mine, recorded_on__lte=on).order_by(
        "recorded_on", "pk").values_list("young_person_id", "age", "recorded_on", "in_touch",
                                         "activity"))

    histories = {}
    for pk, person in people.items():
        oc3 = grouped["oc3"][pk]
        histories[pk] = rules.History(
            date_of_birth=person.date_of_birth,
            periods=tuple(rules.PeriodFact(s, e) for s, e in grouped["periods"][pk]),
            episodes=tuple(rules.EpisodeFact(*row) for row in grouped["episodes"][pk]),
            cla_reviews=tuple(grouped["cla"][pk]),
            social_worker_visits=tuple(grouped["visits"][pk]),
            health_assessments=tuple(grouped["health"][pk]),
            pep_reviews=tuple(grouped["pep"][pk]),
            needs_assessments=tuple(grouped["needs"][pk]),
            plans_agreed=tuple(grouped["plans"][pk]),
            pathway_plan_reviews=tuple(grouped["pp_reviews"][pk]),
            pa_contacts=tuple(rules.ContactFact(day, method == ContactMethod.VISIT)
                              for day, method in grouped["pa"][pk]),
            approvals=tuple(rules.ApprovalFact(*row) for row in grouped["approvals"][pk]),
            care_leaver_records=tuple(rules.CareLeaverRecordFact(age, day)
                                      for age, day, _, _ in oc3),
            returned_home_for_six_months_on=next(
                (day for _, day, in_touch, _ in oc3 if in_touch == "RHOM"), None),
            in_education_or_training=bool(oc3) and oc3[-1][3] in EDUCATION_OR_TRAINING,
            authority_accommodation=person.authority_accommodation,
        )
    return histories


def schedules_for(
    *, young_people: Iterable[YoungPerson], on: dt.date | None = None,
    policy: Policy | None = None,
) -> dict[int, list[Item]]:
    """Each young person's schedule on `on` (default today in Europe/London), by id."""
    day = on or timezone.localdate()
    policy = policy or current_policy()
    histories = histories_for(young_people=young_people, on=day)
    return {pk: rules.schedule(history, today=day, policy=policy)
            for pk, history in histories.items()}


def schedule_for(
    *, young_person: YoungPerson, on: dt.date | None = None, policy: Policy | None = None
) -> list[Item]:
    return schedules_for(young_people=[young_person], on=on, policy=policy)[young_person.pk]


def with_a_schedule(*, on: dt.date):
    """Young people who can have statutory events: everyone under 26 (care leavers to 25)."""
    born_after = add_months(on, -12 * (OLDEST_WITH_A_SCHEDULE + 1))
    return YoungPerson.objects.filter(date_of_birth__gt=born_after)


@dataclass(frozen=True)
class DueEntry:
    """An open schedule item of one young person, for lists of work."""

    young_person: YoungPerson
    entry: ScheduleEntry
    state: State


def _entries(queryset, *, on: dt.date, policy: Policy) -> list[DueEntry]:
    rows = queryset.select_related("young_person").order_by("due_on", "young_person_id", "key")
    return [
        DueEntry(
            young_person=row.young_person, entry=row,
            state=State.NEEDS_DATA if row.needs_data
            else rules.state_of(row.due_on, today=on, policy=policy or current_policy()),
        )
        for row in rows
    ]


def overdue_in_team_for(
    *, user: User, on: dt.date | None = None, policy: Policy | None = None
) -> list[DueEntry]:
    """What is overdue, or waiting for data, among the young people `user` may see (for a team
    manager: their team), oldest first."""
    day = on or timezone.localdate()
    if not access.sees_whole_schedule(user):
        return []
    visible = access.young_people_visible_to(user, access.Area.SCHEDULE)
    return _entries(
        ScheduleEntry.objects.filter(young_person__in=visible.values("pk"))
        .filter(Q(due_on__lt=day) | Q(needs_data=True)),
        on=day, policy=policy,
    )


def due_this_week_for(
    *, user: User, on: dt.date | None = None, policy: Policy | None = None
) -> list[DueEntry]:
    """What `user` must do themselves: items of young people currently allocated to them in the
    role responsible for the item, overdue or due in the next 7 days."""
    day = on or timezone.localdate()
    if not access.sees_whole_schedule(user):
        return []
    allocated = access.young_people_visible_to(user, access.Area.SCHEDULE).filter(
        pk__in=Allocation.objects.current(day).filter(worker=user, role=user.role)
        .values("young_person_id"))
    mine = ScheduleEntry.objects.filter(
        young_person__in=allocated.values("pk"), responsible=user.role,
    ).filter(Q(due_on__lte=day + dt.timedelta(days=(policy or current_policy()).due_soon_days))
             | Q(needs_data=True))
    return _entries(mine, on=day, policy=policy)


def schedule_entries_for(*, viewer: User, young_person: int, limit: int) -> list[ScheduleEntry]:
    """The young person's first `limit` open statutory items, those waiting for a date first,
    then by due date. For staff who see the whole schedule only: raises NotVisible for anyone
    else, and outside the viewer's scope. Two queries."""
    if not access.sees_whole_schedule(viewer):
        raise access.NotVisible
    access.require_view(viewer, young_person, access.Area.SCHEDULE)
    visible = access.young_people_visible_to(viewer, access.Area.SCHEDULE)
    return list(ScheduleEntry.objects.filter(young_person_id=young_person,
                                             young_person__in=visible.values("pk"))
                .order_by(F("due_on").asc(nulls_first=True), "key")[:limit])
