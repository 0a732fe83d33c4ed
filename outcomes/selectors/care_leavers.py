"""Care-leaver category from the records: the care history and the OC3 records, read once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from outcomes import access, codes
from outcomes.access import Area
from outcomes.models import CareLeaverRecord, Episode, ScheduleEntry, User, YoungPerson
from outcomes.rules.care_leaver import CareLeaverStatus, CareSpell, care_leaver_status
from outcomes.rules.dates import birthday
from outcomes.rules.schedule import EventKind, check_in_age, record_confirmed

# ACTIV codes for education or training (REFERENCE.md §3.10): higher and other education and
# apprenticeships. F5/P5 mix training with employment, so they do not extend support alone.
EDUCATION_OR_TRAINING = frozenset({"F1", "P1", "F2", "P2", "F4", "P4"})


def care_leaver_status_for(
    *, young_person: YoungPerson, on: dt.date | None = None
) -> CareLeaverStatus:
    """The young person's care-leaver category on `on` (default today, in Europe/London)."""
    return care_leaver_statuses_for(young_people=[young_person], on=on)[young_person.pk]


def care_leaver_statuses_for(
    *, young_people: Iterable[YoungPerson], on: dt.date | None = None
) -> dict[int, CareLeaverStatus]:
    """The category of each young person on `on`, by id, in two queries however many."""
    day = on or timezone.localdate()
    people = {p.pk: p for p in young_people}
    spells: dict[int, list[CareSpell]] = defaultdict(list)
    for pk, start, end, legal_status in Episode.objects.filter(
        young_person_id__in=people, started_on__lte=day
    ).values_list("young_person_id", "started_on", "ended_on", "legal_status"):
        spells[pk].append(CareSpell(start=start, end=end,
                                    short_break=legal_status in codes.SHORT_BREAK_LEGAL_STATUSES))
    returned_home: dict[int, dt.date] = {}
    latest_activity: dict[int, str] = {}
    for pk, recorded_on, in_touch, activity in (
        CareLeaverRecord.objects.filter(young_person_id__in=people, recorded_on__lte=day)
        .order_by("recorded_on", "pk")
        .values_list("young_person_id", "recorded_on", "in_touch", "activity")
    ):
        if in_touch == "RHOM":
            returned_home.setdefault(pk, recorded_on)
        latest_activity[pk] = activity
    return {
        pk: care_leaver_status(
            date_of_birth=person.date_of_birth,
            spells=spells[pk],
            on=day,
            returned_home_for_six_months_on=returned_home.get(pk),
            in_education_or_training=latest_activity.get(pk, "") in EDUCATION_OR_TRAINING,
        )
        for pk, person in people.items()
    }


@dataclass(frozen=True)
class CheckIn:
    """The birthday check-in on a day: the birthday whose record is asked for (None when no
    window is open) and whether the adviser has already confirmed that birthday's record."""

    age: int | None
    confirmed: bool = False


def care_leaver_check_in_for(
    *, viewer: User, young_person: int, on: dt.date | None = None
) -> CheckIn:
    """The young person's birthday check-in on `on` (default today, in Europe/London), by the
    same rules as `care_leaver_record_draft`. Raises NotVisible outside the viewer's scope.
    Three queries."""
    access.require_view(viewer, young_person, Area.CARE_LEAVER)
    born = (access.young_people_visible_to(viewer, Area.CARE_LEAVER).filter(pk=young_person)
            .values_list("date_of_birth", flat=True).first())
    if born is None:
        return CheckIn(age=None)
    age = check_in_age(date_of_birth=born, today=on or timezone.localdate())
    if age is None:
        return CheckIn(age=None)
    status = (CareLeaverRecord.objects.filter(young_person_id=young_person, age=age)
              .values_list("status", flat=True).first())
    return CheckIn(age=age, confirmed=record_confirmed(status))


@dataclass(frozen=True)
class CheckInDue:
    """A care leaver the bot asks, on a day, for their birthday check-in."""

    young_person: YoungPerson
    account: User  # their own account, linked to Telegram
    age: int  # the birthday asked about
    birthday: dt.date


def _record_key(age: int) -> str:
    # The schedule's key for the birthday record at `age` (outcomes.rules.schedule).
    return f"{EventKind.CARE_LEAVER_RECORD}:{age}"


def care_leaver_check_ins_due(*, on: dt.date | None = None) -> list[CheckInDue]:
    """The care leavers to ask for their birthday check-in on `on` (default today, in
    Europe/London): whose schedule holds the record of the birthday whose window is open (from a
    month before it: `check_in_age`) and not yet due (the window closes when the record falls
    due after the birthday), with no record for that birthday yet (neither their own answers
    nor their adviser's), and whose own account is on and linked to Telegram, not paused with
    /stop. For the outbox, not for a person: no access check, as for the reminders. Two
    queries, however many."""
    day = on or timezone.localdate()
    entries = list(ScheduleEntry.objects.filter(
        kind=EventKind.CARE_LEAVER_RECORD, due_on__gte=day,
        young_person__date_of_birth__isnull=False,
        young_person__user__is_active=True,
        young_person__user__telegram_links__active=True,
        young_person__user__telegram_links__paused_at__isnull=True,
    ).select_related("young_person__user").order_by("young_person_id", "key"))
    due = {}
    for entry in entries:
        person = entry.young_person
        age = check_in_age(date_of_birth=person.date_of_birth, today=day)
        if age is not None and entry.key == _record_key(age):
            due[person.pk] = CheckInDue(person, person.user, age,
                                        birthday(person.date_of_birth, age))
    answered = set(CareLeaverRecord.objects.filter(young_person_id__in=due)
                   .values_list("young_person_id", "age"))
    return [check_in for pk, check_in in due.items() if (pk, check_in.age) not in answered]
