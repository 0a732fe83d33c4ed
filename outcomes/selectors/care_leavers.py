"""Care-leaver category from the records: the care history and the OC3 records, read once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from outcomes import access, codes
from outcomes.access import Area
from outcomes.models import CareLeaverRecord, Episode, User, YoungPerson
from outcomes.rules.care_leaver import CareLeaverStatus, CareSpell, care_leaver_status
from outcomes.rules.schedule import check_in_age, record_confirmed

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
