"""Reads over young people that the channels share: filters by age band and by adviser."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from outcomes.models import Allocation, AllocationRole, ScheduleEntry, User, YoungPerson
from outcomes.rules.care_leaver import CareLeaverCategory
from outcomes.rules.dates import add_months

from .care_leavers import care_leaver_statuses_for
from .schedule import not_recorded_before

# Age bands as the care-leaver indicators count them (REFERENCE.md §4.1 d1).
AGE_BANDS: dict[str, tuple[int, int]] = {
    "under_16": (0, 15),
    "16_17": (16, 17),
    "18_21": (18, 21),
    "22_25": (22, 25),
}


def young_people_in_age_band(
    queryset: QuerySet[YoungPerson], *, band: str, on: dt.date | None = None
) -> QuerySet[YoungPerson]:
    """Those aged within the band on `on`, as a date-of-birth range so it runs in SQL."""
    day = on or timezone.localdate()
    youngest, oldest = AGE_BANDS[band]
    # Aged at least `youngest`: born on or before the day `youngest` years ago; at most `oldest`:
    # born after the day `oldest + 1` years ago.
    return queryset.filter(date_of_birth__lte=add_months(day, -12 * youngest),
                           date_of_birth__gt=add_months(day, -12 * (oldest + 1)))


def young_people_allocated_to(
    queryset: QuerySet[YoungPerson], *, worker: User | int, role: AllocationRole | None = None,
    on: dt.date | None = None,
) -> QuerySet[YoungPerson]:
    """Those currently allocated to `worker` (in `role`, if given)."""
    allocations = Allocation.objects.current(on).filter(worker=worker)
    if role is not None:
        allocations = allocations.filter(role=role)
    return queryset.filter(pk__in=allocations.values("young_person_id"))


def young_people_in_category(
    queryset: QuerySet[YoungPerson], *, category: CareLeaverCategory, on: dt.date | None = None
) -> QuerySet[YoungPerson]:
    """Those in a care-leaver category on `on`. The rule runs in Python over the whole queryset
    (three queries), so narrow the queryset first where you can."""
    statuses = care_leaver_statuses_for(
        young_people=queryset.select_related(None).only("pk", "date_of_birth"), on=on)
    return queryset.filter(pk__in=[pk for pk, s in statuses.items() if s.category == category])


SEARCH_REFUSED = ("Search for letters, digits, spaces, hyphens or apostrophes: what you typed "
                  "has a character that cannot be searched for.")


def search_text_refused(text: str) -> bool:
    """Whether `text` holds what PostgreSQL will not take in a query (a NUL character, half of a
    surrogate pair) or any other control character, which no name or child id has."""
    return any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF or ord(ch) == 127 for ch in text)


def young_people_matching(queryset: QuerySet[YoungPerson], *, text: str) -> QuerySet[YoungPerson]:
    """Search by LA child id (exact) or by any part of a name. Text that search_text_refused
    finds nothing (the channels say why before they ask)."""
    if search_text_refused(text):
        return queryset.none()
    condition = Q(child_id__iexact=text)
    for word in text.split():
        condition |= (Q(legal_first_name__icontains=word) | Q(legal_last_name__icontains=word)
                      | Q(preferred_name__icontains=word))
    return queryset.filter(condition)


def young_people_overdue(
    queryset: QuerySet[YoungPerson], *, overdue: bool, on: dt.date | None = None
) -> QuerySet[YoungPerson]:
    """Those with (or, when `overdue` is false, without) a statutory item past its due date, from
    the schedule entries the sweep and every scheduling write keep (selectors/schedule.py)."""
    day = on or timezone.localdate()
    late = ScheduleEntry.objects.filter(due_on__lt=day, due_on__gte=not_recorded_before(on=day)
                                        ).values("young_person_id")
    return queryset.filter(pk__in=late) if overdue else queryset.exclude(pk__in=late)
