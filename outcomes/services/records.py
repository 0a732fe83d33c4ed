"""Recording the statutory work beyond visits, contacts and reviews (services/contacts.py):
pathway plan reviews, needs assessments, health assessments, personal education plans, school
placements, attendance, key stage results and the adviser's care-leaver record (OC3).

Each checks who keeps this kind of record (`access.require_record`: outside the actor's scope,
NotVisible, answered 404; seen but not their role's record, PermissionDenied, answered 403),
validates (ValidationError naming the field), saves with the actor in the history, and refreshes
the young person's schedule in the same transaction, so what the record meets stops being due.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outcomes import access, codes
from outcomes.access import RecordKind
from outcomes.models import (
    Attendance,
    CareLeaverRecord,
    HealthAssessment,
    KS2Result,
    KS4Result,
    NeedsAssessment,
    PathwayPlan,
    PathwayPlanReview,
    PEPReview,
    RecordStatus,
    SchoolEnrolment,
    User,
    YoungPerson,
)
from outcomes.models.plans import PlanStatus
from outcomes.models.reviews import HealthAssessmentKind
from outcomes.rules.schedule import CARE_LEAVER_RECORD_AGES

from ._save import validated_save
from .contacts import check_happened
from .reminders import rescheduled


def _hold(young_person: YoungPerson) -> None:
    """Hold the child's row: two saves at once for the same child queue up, so a uniqueness
    check in full_clean() cannot pass for both and leave the second to fail in the database."""
    YoungPerson.objects.select_for_update().get(pk=young_person.pk)


def pathway_plan_review_record(
    *, actor: User, young_person: YoungPerson, held_on: dt.date, outcome: str = "",
    reviewer: User | None = None,
) -> PathwayPlanReview:
    """Record a review of the pathway plan (CL 2010; at least every 6 months), against the plan
    agreed when it was held."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.PATHWAY_PLAN_REVIEW)
        check_happened(young_person=young_person, on=held_on, field="held_on")
        plan = (PathwayPlan.objects.filter(
            young_person=young_person, status__in=[PlanStatus.AGREED, PlanStatus.SUPERSEDED],
            agreed_on__lte=held_on).order_by("-agreed_on", "-number").first())
        if plan is None:
            raise ValidationError({"held_on": "No pathway plan had been agreed by this date: "
                                              "a review needs an agreed plan."})
        return rescheduled(validated_save(
            PathwayPlanReview(young_person=young_person, plan=plan, held_on=held_on,
                              reviewer=reviewer or actor, outcome=outcome),
            actor=actor))


def needs_assessment_record(
    *, actor: User, young_person: YoungPerson, completed_on: dt.date, summary: str = "",
    assessor: User | None = None,
) -> NeedsAssessment:
    """Record an eligible child's needs assessment (CPPCR 2010 reg 41-42)."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.NEEDS_ASSESSMENT)
        check_happened(young_person=young_person, on=completed_on, field="completed_on")
        return rescheduled(validated_save(
            NeedsAssessment(young_person=young_person, completed_on=completed_on,
                            assessor=assessor or actor, summary=summary),
            actor=actor))


def health_assessment_record(
    *, actor: User, young_person: YoungPerson, kind: str, held_on: dt.date,
) -> HealthAssessment:
    """Record an initial or review health assessment. Only one initial assessment is kept for a
    child (a second is a review)."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.HEALTH_ASSESSMENT)
        codes.check_code(kind, HealthAssessmentKind.values, field="kind",
                         what="kind of health assessment")
        check_happened(young_person=young_person, on=held_on, field="held_on")
        _hold(young_person)
        if HealthAssessment.objects.filter(young_person=young_person, held_on=held_on).exists():
            raise ValidationError({"held_on": "A health assessment is already recorded that day."})
        return rescheduled(validated_save(
            HealthAssessment(young_person=young_person, kind=kind, held_on=held_on),
            actor=actor))


def pep_review_record(
    *, actor: User, young_person: YoungPerson, held_on: dt.date, school_urn: str = "",
    targets: str = "", summary: str = "",
) -> PEPReview:
    """Record a personal education plan meeting, with its targets (CPPCR 2010 reg 5)."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.PEP)
        check_happened(young_person=young_person, on=held_on, field="held_on")
        _hold(young_person)
        if PEPReview.objects.filter(young_person=young_person, held_on=held_on).exists():
            raise ValidationError({"held_on": "A PEP meeting is already recorded that day."})
        return rescheduled(validated_save(
            PEPReview(young_person=young_person, held_on=held_on, school_urn=school_urn,
                      targets=targets, summary=summary),
            actor=actor))


def school_enrolment_record(
    *, actor: User, young_person: YoungPerson, urn: str, school_name: str,
    started_on: dt.date,
) -> SchoolEnrolment:
    """Record a new school (an education placement) from `started_on`. The school the child was
    at until then is ended the day before."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.SCHOOL)
        check_happened(young_person=young_person, on=started_on, field="started_on")
        _hold(young_person)
        open_ones = list(SchoolEnrolment.objects.filter(young_person=young_person,
                                                        ended_on__isnull=True))
        if any(school.started_on >= started_on for school in open_ones):
            raise ValidationError({"started_on": "The current school started on or after this "
                                                 "date: the new school must start later."})
        if SchoolEnrolment.objects.filter(young_person=young_person, ended_on__gte=started_on,
                                          started_on__lte=started_on).exists():
            raise ValidationError({"started_on": "Another school is recorded on this date."})
        for school in open_ones:
            school.ended_on = started_on - dt.timedelta(days=1)
            school._change_reason = "Ended by the next school's start."
            validated_save(school, actor=actor)
        return validated_save(
            SchoolEnrolment(young_person=young_person, urn=urn, school_name=school_name,
                            started_on=started_on),
            actor=actor)


def attendance_record(
    *, actor: User, young_person: YoungPerson, academic_year: int, term: str,
    sessions_possible: int, sessions_attended: int, suspensions: int = 0,
    permanently_excluded: bool = False,
) -> Attendance:
    """Record a term's attendance and exclusions (one record a term)."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.ATTENDANCE)
        if sessions_attended > sessions_possible:
            raise ValidationError({"sessions_attended": "Sessions attended cannot be more than "
                                                        "sessions possible."})
        _hold(young_person)
        return validated_save(
            Attendance(young_person=young_person, academic_year=academic_year, term=term,
                       sessions_possible=sessions_possible, sessions_attended=sessions_attended,
                       suspensions=suspensions, permanently_excluded=permanently_excluded),
            actor=actor)


def ks2_result_record(
    *, actor: User, young_person: YoungPerson, academic_year: int, reading_expected: bool,
    writing_expected: bool, maths_expected: bool, reading_scaled: int | None = None,
    maths_scaled: int | None = None,
) -> KS2Result:
    """Record key stage 2 results (one set a child), with the SEN status at the time."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.RESULTS)
        _hold(young_person)
        return validated_save(
            KS2Result(young_person=young_person, academic_year=academic_year,
                      reading_expected=reading_expected, writing_expected=writing_expected,
                      maths_expected=maths_expected, reading_scaled=reading_scaled,
                      maths_scaled=maths_scaled, sen_status=young_person.sen_status),
            actor=actor)


def ks4_result_record(
    *, actor: User, young_person: YoungPerson, academic_year: int, attainment8: Decimal,
    english_grade: int, maths_grade: int, progress8: Decimal | None = None,
) -> KS4Result:
    """Record key stage 4 results (one set a child), with the SEN status at the time."""
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.RESULTS)
        _hold(young_person)
        return validated_save(
            KS4Result(young_person=young_person, academic_year=academic_year,
                      attainment8=attainment8, english_grade=english_grade,
                      maths_grade=maths_grade, progress8=progress8,
                      sen_status=young_person.sen_status),
            actor=actor)


ALREADY_CONFIRMED = "The record for this birthday is already confirmed."


def care_leaver_record_confirm(
    *, actor: User, young_person: YoungPerson, age: int, in_touch: str, activity: str,
    accommodation: str, recorded_on: dt.date | None = None,
) -> CareLeaverRecord:
    """The adviser's confirmed OC3 record for the birthday at `age` (17 to 21): replaces the
    young person's own draft answers, if any; a record confirmed already is left alone."""
    day = recorded_on or timezone.localdate()
    with transaction.atomic():
        access.require_record(actor, young_person, RecordKind.CARE_LEAVER_RECORD)
        if age not in CARE_LEAVER_RECORD_AGES:
            raise ValidationError({"age": "Choose a birthday from the 17th to the 21st."})
        codes.check_code(in_touch, codes.IN_TOUCH, field="in_touch", what="in touch code")
        codes.check_code(activity, codes.ACTIVITY, field="activity", what="activity code")
        codes.check_code(accommodation, codes.ACCOMMODATION, field="accommodation",
                         what="accommodation code")
        check_happened(young_person=young_person, on=day, field="recorded_on")
        record = (CareLeaverRecord.objects.select_for_update()
                  .filter(young_person=young_person, age=age).first())
        if record is not None and record.status != RecordStatus.DRAFT:
            raise ValidationError({"age": ALREADY_CONFIRMED})
        record = record or CareLeaverRecord(young_person=young_person, age=age)
        record.recorded_on = day
        record.in_touch = in_touch
        record.activity = activity
        record.accommodation = accommodation
        record.status = RecordStatus.CONFIRMED
        record.recorded_by = actor
        return rescheduled(validated_save(record, actor=actor))
