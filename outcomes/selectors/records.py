"""Parts of one young person's record as staff pages show them: their placements, their
education and their health. Each checks the viewer's scope for its area first, and reads a fixed number of
queries however long the history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    Attendance,
    Episode,
    HealthAssessment,
    KS2Result,
    KS4Result,
    OutcomesRecord,
    SchoolEnrolment,
    Term,
    User,
    YoungPerson,
)

TERM_ORDER = (Term.AUTUMN, Term.SPRING, Term.SUMMER)  # within an academic year


def placements_for(*, viewer: User, young_person: YoungPerson) -> list[Episode]:
    """Every episode of care, latest first. Raises NotVisible outside the viewer's scope for
    the care history. One query after the check."""
    access.require_view(viewer, young_person.pk, Area.CARE_HISTORY)
    return list(Episode.objects.filter(young_person=young_person).order_by("-started_on", "-pk"))


@dataclass(frozen=True)
class Education:
    enrolments: tuple[SchoolEnrolment, ...]  # latest first
    ks2: tuple[KS2Result, ...]
    ks4: tuple[KS4Result, ...]
    attendance: tuple[Attendance, ...]  # latest term first


def education_for(*, viewer: User, young_person: YoungPerson) -> Education:
    """Schools, key stage results and attendance. Raises NotVisible outside the viewer's scope
    for education. Four queries after the check."""
    access.require_view(viewer, young_person.pk, Area.EDUCATION)
    mine = {"young_person": young_person}
    return Education(
        enrolments=tuple(SchoolEnrolment.objects.filter(**mine).order_by("-started_on", "-pk")),
        ks2=tuple(KS2Result.objects.filter(**mine).order_by("-academic_year")),
        ks4=tuple(KS4Result.objects.filter(**mine).order_by("-academic_year")),
        attendance=tuple(Attendance.objects.filter(**mine).order_by(
            "-academic_year", Case(*(When(term=term, then=Value(rank))
                                     for rank, term in enumerate(TERM_ORDER)),
                                   output_field=IntegerField()).desc())),
    )


def current_episode_for(*, viewer: User, young_person: YoungPerson) -> Episode | None:
    """The episode of care open today (the current placement), or None. Raises NotVisible
    outside the viewer's scope for the care history. One query after the check."""
    access.require_view(viewer, young_person.pk, Area.CARE_HISTORY)
    today = timezone.localdate()
    return (Episode.objects.filter(young_person=young_person).open_on(today)
            .order_by("-started_on", "-pk").first())


@dataclass(frozen=True)
class Health:
    assessments: tuple[HealthAssessment, ...]  # latest first
    outcomes: tuple[OutcomesRecord, ...]  # the SSDA903 OC2 records, latest year first


def health_for(*, viewer: User, young_person: YoungPerson) -> Health:
    """Health assessments held and the yearly outcomes records (immunisations, teeth, SDQ).
    They are assessments, so in the REVIEWS area: raises NotVisible outside the viewer's scope
    for it. Two queries after the check."""
    access.require_view(viewer, young_person.pk, Area.REVIEWS)
    mine = {"young_person": young_person}
    return Health(
        assessments=tuple(HealthAssessment.objects.filter(**mine).order_by("-held_on", "-pk")),
        outcomes=tuple(OutcomesRecord.objects.filter(**mine).order_by("-collection_year")),
    )
