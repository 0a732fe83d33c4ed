"""A care leaver's own answers for the birthday record (SSDA903 OC3, REFERENCE.md §3.10): kept
as a draft for their adviser to confirm, never as the confirmed return."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from outcomes import access, codes
from outcomes.access import Area
from outcomes.models import CareLeaverRecord, Channel, RecordStatus, Role, User, YoungPerson
from outcomes.rules.schedule import check_in_age, record_confirmed

from ._save import validated_save

ALREADY_CONFIRMED = "Your adviser has already confirmed the record for this birthday."
NOT_DUE = "There is no birthday record to give now."
ONLY_THEMSELVES = "Only the young person gives their own answers here."


def care_leaver_record_draft(
    *, actor: User, young_person: YoungPerson, activity: str, accommodation: str,
    channel: Channel, on: dt.date | None = None,
) -> CareLeaverRecord:
    """The young person's own answers for their current birthday as a DRAFT record, in touch
    (they answered): a draft given earlier is replaced, a confirmed one is left alone
    (ValidationError). Raises NotVisible outside the actor's scope, PermissionDenied for anyone
    but the young person themselves."""
    access.require_view(actor, young_person.pk, Area.CARE_LEAVER)
    if actor.role != Role.YOUNG_PERSON or actor.young_person_id != young_person.pk:
        raise PermissionDenied(ONLY_THEMSELVES)
    if activity not in codes.ACTIVITY or accommodation not in codes.ACCOMMODATION:
        raise ValidationError("An answer is not in its OC3 code list.")
    day = on or timezone.localdate()
    age = check_in_age(date_of_birth=young_person.date_of_birth, today=day)
    if age is None:
        raise ValidationError(NOT_DUE)
    with transaction.atomic():
        record = (CareLeaverRecord.objects.select_for_update()
                  .filter(young_person=young_person, age=age).first())
        if record_confirmed(None if record is None else record.status):
            raise ValidationError(ALREADY_CONFIRMED)
        record = record or CareLeaverRecord(young_person=young_person, age=age)
        record.recorded_on = day
        record.in_touch = "YES"
        record.activity = activity
        record.accommodation = accommodation
        record.status = RecordStatus.DRAFT
        record.recorded_by = actor
        record._change_reason = f"The young person's own answers, by {channel}."
        return validated_save(record, actor=actor)
