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
from django.db import connection
from django.db.models import F, Lookup, Q
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
    ScheduleItemClosure,
    SocialWorkerVisit,
    User,
    YoungPerson,
)
from outcomes.models.plans import PlanStatus
from outcomes.models.reviews import ContactMethod
from outcomes.rules import schedule as rules
from outcomes.rules.dates import add_months
from outcomes.rules.schedule import EventKind, Item, Policy, State

from .care_leavers import EDUCATION_OR_TRAINING

# Care leavers are owed support to 25 (REFERENCE.md §1.6); nobody older has a schedule.
OLDEST_WITH_A_SCHEDULE = 25
# The kinds of item that read the care-leaver records (needs assessments, pathway plans and their
# reviews, personal adviser contacts, OC3 records) or the care-leaver category they decide.
CARE_LEAVER_KINDS = frozenset({
    EventKind.NEEDS_ASSESSMENT, EventKind.PATHWAY_PLAN, EventKind.PATHWAY_PLAN_REVIEW,
    EventKind.PA_VISIT, EventKind.PA_CONTACT, EventKind.CARE_LEAVER_RECORD})


def not_recorded_before(*, on: dt.date | None = None) -> dt.date:
    """The cut-off before which an open item is "not recorded in Waymark", not overdue: the
    SCHEDULE_NOT_RECORDED_BEFORE date if set (the day the authority started keeping its records
    here), else SCHEDULE_NOT_RECORDED_AFTER_MONTHS months before `on`."""
    if settings.SCHEDULE_NOT_RECORDED_BEFORE is not None:
        return settings.SCHEDULE_NOT_RECORDED_BEFORE
    return add_months(on or timezone.localdate(), -settings.SCHEDULE_NOT_RECORDED_AFTER_MONTHS)


def current_policy(*, on: dt.date | None = None, cut_off: bool = True) -> Policy:
    """The local settings (lead times, escalation, PA contact interval, the cut-off for items
    not recorded in Waymark) from Django settings. `cut_off=False` for a report that works out
    past days' schedules, where every late item is late."""
    return Policy(
        lead_days=tuple(settings.REMINDER_LEAD_DAYS),
        escalate_after_working_days=settings.REMINDER_ESCALATE_AFTER_WORKING_DAYS,
        pa_contact_weeks=settings.PA_CONTACT_WEEKS,
        not_recorded_before=not_recorded_before(on=on) if cut_off else None,
    )


class _AnyOf(Lookup):
    """`column = ANY(%s)` with the ids as one array parameter: PostgreSQL's IN, without the
    placeholder per id that Django and psycopg would otherwise build and parse, thousands of
    them for a report over a whole authority."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, self.rhs)


def _of(ids: list[int]) -> Q:
    """The rows of the young people `ids` (their `young_person_id` among them)."""
    if connection.vendor == "postgresql":
        return Q(_AnyOf(F("young_person_id"), ids))
    return Q(young_person_id__in=ids)


def histories_for(
    *, young_people: Iterable[YoungPerson], on: dt.date,
    kinds: Iterable[EventKind] | None = None,
) -> dict[int, rules.History]:
    """The facts of each young person's history up to `on`, by id, in thirteen queries.

    `kinds`, when given, are the only kinds of item the caller will ask the schedule for
    (`rules.schedule(..., kinds=...)`): without a care-leaver kind among them, the care-leaver
    records are not read (eight queries) and the histories leave them empty."""
    people = {p.pk: p for p in young_people}
    leavers = kinds is None or not CARE_LEAVER_KINDS.isdisjoint(kinds)
    ids = list(people)
    grouped: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))

    def collect(name: str, rows: Iterable[tuple]) -> None:
        for pk, *values in rows:
            grouped[name][pk].append(values[0] if len(values) == 1 else tuple(values))

    theirs = _of(ids)
    collect("periods", PeriodOfCare.objects.filter(theirs, started_on__lte=on).values_list(
        "young_person_id", "started_on", "ended_on"))
    collect("episodes", Episode.objects.filter(theirs, started_on__lte=on).values_list(
        "young_person_id", "started_on", "ended_on", "place", "legal_status", "reason_new_episode"))
    collect("cla", CLAReview.objects.filter(theirs, held_on__lte=on).values_list(
        "young_person_id", "held_on"))
    collect("visits", SocialWorkerVisit.objects.filter(theirs, visited_on__lte=on).values_list(
        "young_person_id", "visited_on"))
    collect("health", HealthAssessment.objects.filter(theirs, held_on__lte=on).values_list(
        "young_person_id", "kind", "held_on"))
    collect("pep", PEPReview.objects.filter(theirs, held_on__lte=on).values_list(
        "young_person_id", "held_on"))
    collect("closed", ScheduleItemClosure.objects.filter(theirs).values_list(
        "young_person_id", "key", "reason"))
    collect("approvals", ConnectedPersonApproval.objects.filter(
        theirs, approved_on__lte=on
    ).values_list("young_person_id", "approved_on", "extended_until", "fully_approved_on",
                  "ended_on"))
    if leavers:
        collect("needs", NeedsAssessment.objects.filter(theirs, completed_on__lte=on)
                .values_list("young_person_id", "completed_on"))
        collect("plans", PathwayPlan.objects.filter(
            theirs, status__in=[PlanStatus.AGREED, PlanStatus.SUPERSEDED], agreed_on__lte=on
        ).values_list("young_person_id", "agreed_on"))
        collect("pp_reviews", PathwayPlanReview.objects.filter(theirs, held_on__lte=on)
                .values_list("young_person_id", "held_on"))
        collect("pa", PAContact.objects.filter(theirs, contact_on__lte=on).values_list(
            "young_person_id", "contact_on", "method"))
        collect("oc3", CareLeaverRecord.objects.filter(theirs, recorded_on__lte=on).order_by(
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
            closed=tuple(grouped["closed"][pk]),
        )
    return histories


def schedules_for(
    *, young_people: Iterable[YoungPerson], on: dt.date | None = None,
    policy: Policy | None = None,
) -> dict[int, list[Item]]:
    """Each young person's schedule on `on` (default today in Europe/London), by id."""
    day = on or timezone.localdate()
    policy = policy or current_policy(on=day)
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
            else rules.state_of(row.due_on, today=on, policy=policy or current_policy(on=on)),
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
    policy = policy or current_policy(on=day)
    return _entries(
        ScheduleEntry.objects.filter(young_person__in=visible.values("pk"))
        .filter(Q(due_on__lt=day, due_on__gte=policy.not_recorded_before) | Q(needs_data=True)),
        on=day, policy=policy,
    )


def not_recorded_in_team_for(
    *, user: User, on: dt.date | None = None, policy: Policy | None = None
) -> list[DueEntry]:
    """Open items among the young people `user` may see that fell due before the cut-off
    (`not_recorded_before`): shown apart from what is overdue, oldest first."""
    day = on or timezone.localdate()
    if not access.sees_whole_schedule(user):
        return []
    visible = access.young_people_visible_to(user, access.Area.SCHEDULE)
    policy = policy or current_policy(on=day)
    return _entries(ScheduleEntry.objects.filter(
        young_person__in=visible.values("pk"), needs_data=False,
        due_on__lt=policy.not_recorded_before), on=day, policy=policy)


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
    policy = policy or current_policy(on=day)
    mine = ScheduleEntry.objects.filter(
        young_person__in=allocated.values("pk"), responsible=user.role,
    ).filter(Q(due_on__lte=day + dt.timedelta(days=policy.due_soon_days),
               due_on__gte=policy.not_recorded_before) | Q(needs_data=True))
    return _entries(mine, on=day, policy=policy)


@dataclass(frozen=True)
class PersonEntries:
    """A young person (their names and child id) with their first open statutory items."""

    young_person: YoungPerson
    entries: list[ScheduleEntry]


def schedule_entries_with_person_for(*, viewer: User, young_person: int,
                                     limit: int) -> PersonEntries:
    """The young person, as the viewer may see them, and their first `limit` open statutory
    items, those waiting for a date first, then by due date. For staff who see the whole
    schedule only: raises NotVisible for anyone else, and outside the viewer's scope. Two
    queries: the young person through the policy (the one access check), then the items."""
    if not access.sees_whole_schedule(viewer):
        raise access.NotVisible
    person = (access.young_people_visible_to(viewer, access.Area.SCHEDULE)
              .filter(pk=young_person).first())
    if person is None:
        raise access.NotVisible
    return PersonEntries(person, list(
        ScheduleEntry.objects.filter(young_person_id=person.pk)
        .order_by(F("due_on").asc(nulls_first=True), "key")[:limit]))


def schedule_entries_for(*, viewer: User, young_person: int, limit: int) -> list[ScheduleEntry]:
    """The young person's first `limit` open statutory items (`schedule_entries_with_person_for`
    without the young person). Raises NotVisible as it does. Two queries."""
    return schedule_entries_with_person_for(viewer=viewer, young_person=young_person,
                                            limit=limit).entries
