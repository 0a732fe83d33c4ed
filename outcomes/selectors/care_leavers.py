"""Care-leaver category from the records: the care history and the OC3 records, read once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from outcomes import codes
from outcomes.models import CareLeaverRecord, Episode, YoungPerson
from outcomes.rules.care_leaver import CareLeaverStatus, CareSpell, care_leaver_status

# ACTIV codes for education or training (REFERENCE.md §3.10): higher and other education and
# apprenticeships. F5/P5 mix training with employment, so they do not extend support alone.
EDUCATION_OR_TRAINING = frozenset({"F1", "P1", "F2", "P2", "F4", "P4"})


def care_leaver_status_for(
    *, young_person: YoungPerson, on: dt.date | None = None
) -> CareLeaverStatus:
    """The young person's care-leaver category on `on` (default today, in Europe/London)."""
    day = on or timezone.localdate()
    spells = [
        CareSpell(start=start, end=end, short_break=legal_status in codes.SHORT_BREAK_LEGAL_STATUSES)
        for start, end, legal_status in Episode.objects.filter(
            young_person=young_person, started_on__lte=day
        ).values_list("started_on", "ended_on", "legal_status")
    ]
    records = list(
        CareLeaverRecord.objects.filter(young_person=young_person, recorded_on__lte=day)
        .order_by("recorded_on")
        .values_list("recorded_on", "in_touch", "activity")
    )
    returned_home = next((on for on, in_touch, _ in records if in_touch == "RHOM"), None)
    latest_activity = records[-1][2] if records else ""
    return care_leaver_status(
        date_of_birth=young_person.date_of_birth,
        spells=spells,
        on=day,
        returned_home_for_six_months_on=returned_home,
        in_education_or_training=latest_activity in EDUCATION_OR_TRAINING,
    )

