"""Recording the statutory contacts: social worker visits, personal adviser contacts and
looked-after child reviews, from any channel. Each checks the access policy first, then
validates and saves with the actor in the history, in one transaction.

Outside the actor's scope for the young person's reviews: `NotVisible` (channels answer 404, so
the record's existence is not disclosed). Seen, but the actor's role does not keep this kind of
record (`access.RECORDERS`: a visit is the social worker's, a contact the adviser's, a review the
IRO's): `PermissionDenied` (403) with the reason, as for plans (services/plan_edits.py).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outcomes import access, codes
from outcomes.access import RecordKind
from outcomes.models import CLAReview, PAContact, Role, SocialWorkerVisit, User, YoungPerson
from outcomes.models.reviews import ContactMethod

from ._save import validated_save
from .reminders import rescheduled

UNDER_FOUR = "PN0"  # REFERENCE.md §3.9: REVIEW_CODE PN0 is "child under 4 at the time of the review"


def check_happened(*, young_person: YoungPerson, on: dt.date, field: str) -> None:
    """A visit, contact or review is recorded once it has happened, in the young person's life."""
    if on > timezone.localdate():
        raise ValidationError({field: "This date is in the future: record it once it has happened."})
    if on < young_person.date_of_birth:
        raise ValidationError({field: "This date is before the young person was born."})


def social_worker_visit_record(
    *, actor: User, young_person: YoungPerson, visited_on: dt.date,
    seen_alone: bool | None = None, note: str = "", worker: User | None = None,
) -> SocialWorkerVisit:
    """Record a statutory visit (CPPCR 2010 reg 28) by `worker` (the actor unless given).
    Raises NotVisible or PermissionDenied unless the actor may record it."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.SOCIAL_WORKER_VISIT)
        check_happened(young_person=young_person, on=visited_on, field="visited_on")
        return rescheduled(validated_save(
            SocialWorkerVisit(young_person=young_person, visited_on=visited_on,
                              worker=worker or actor, seen_alone=seen_alone, note=note),
            actor=actor,
        ))


def pa_contact_record(
    *, actor: User, young_person: YoungPerson, contact_on: dt.date, method: str, note: str = "",
    adviser: User | None = None,
) -> PAContact:
    """Keep the written record of a personal adviser's contact (CL 2010 reg 8) by `adviser`
    (the actor unless given). Raises NotVisible or PermissionDenied unless the actor may."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.PA_CONTACT)
        codes.check_code(method, ContactMethod.values, field="method", what="contact method")
        check_happened(young_person=young_person, on=contact_on, field="contact_on")
        return rescheduled(validated_save(
            PAContact(young_person=young_person, contact_on=contact_on, method=method,
                      adviser=adviser or actor, note=note),
            actor=actor,
        ))


def cla_review_record(
    *, actor: User, young_person: YoungPerson, held_on: dt.date, participation: str,
    chair: User | None = None,
) -> CLAReview:
    """Record a looked-after child review (CPPCR 2010 reg 32-33) and how the child took part
    (REVIEW_CODE). The chair, when given, is an IRO; an IRO recording a review chaired it
    unless another chair is given. Raises NotVisible or PermissionDenied
    unless the actor may record it."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.CLA_REVIEW)
        codes.check_code(participation, codes.REVIEW_PARTICIPATION, field="participation",
                         what="participation code (REVIEW_CODE)")
        check_happened(young_person=young_person, on=held_on, field="held_on")
        if participation == UNDER_FOUR and young_person.age_on(held_on) >= 4:
            raise ValidationError({"participation": "PN0 is only for a child under 4 at the "
                                                    "time of the review."})
        if chair is None and actor.role == Role.IRO:
            chair = actor
        if chair is not None and chair.role != Role.IRO:
            raise ValidationError({"chair": "The chair of a review is an independent reviewing "
                                            "officer."})
        # One review a day: hold the child's row so that two requests at once cannot both pass
        # full_clean's uniqueness check and leave the second to fail in the database.
        YoungPerson.objects.select_for_update().get(pk=young_person.pk)
        return rescheduled(validated_save(
            CLAReview(young_person=young_person, held_on=held_on, participation=participation,
                      chair=chair),
            actor=actor,
        ))
