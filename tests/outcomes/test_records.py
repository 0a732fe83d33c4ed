"""outcomes.services.records and the policy behind them (access.RECORDERS): each role records
only what it owns, in every channel, because the check is in the service; the history names
the actor; the schedule is refreshed in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outcomes import access
from outcomes import models as m
from outcomes.access import NotVisible, RecordKind
from outcomes.services import records
from outcomes.services.reminders import schedule_refresh
from tests import factories as f

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)

# The policy, written out by hand (not computed from access.py, which is under test): the
# roles that keep each kind of record. Everyone else who sees the record is refused.
OWNERS = {
    RecordKind.SOCIAL_WORKER_VISIT: {"social_worker", "manager", "admin"},
    RecordKind.PA_CONTACT: {"adviser", "manager", "admin"},
    RecordKind.CLA_REVIEW: {"iro", "admin"},
    RecordKind.PATHWAY_PLAN_REVIEW: {"adviser", "social_worker", "manager", "admin"},
    RecordKind.NEEDS_ASSESSMENT: {"adviser", "social_worker", "manager", "admin"},
    RecordKind.HEALTH_ASSESSMENT: {"social_worker", "manager", "admin"},
    RecordKind.PEP: {"virtual_school", "social_worker", "manager", "admin"},
    RecordKind.SCHOOL: {"virtual_school", "social_worker", "adviser", "manager", "admin"},
    RecordKind.ATTENDANCE: {"virtual_school", "social_worker", "adviser", "manager", "admin"},
    RecordKind.RESULTS: {"virtual_school", "social_worker", "adviser", "manager", "admin"},
    RecordKind.CARE_LEAVER_RECORD: {"adviser", "manager", "admin"},
}
PERSONAS = ("young_person_user", "adviser", "social_worker", "iro", "virtual_school",
            "manager", "admin")


def test_the_table_covers_every_kind():
    assert set(OWNERS) == set(RecordKind) == set(access.RECORDERS)


@pytest.mark.parametrize("kind", list(RecordKind))
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_records_each_kind(personas, kind, persona):
    user = getattr(personas, persona)
    assert access.role_records(user, kind) == (persona in OWNERS[kind])


def save(kind: RecordKind, actor, young_person):
    """One record of `kind`, through its service."""
    mine = {"actor": actor, "young_person": young_person}
    match kind:
        case RecordKind.PATHWAY_PLAN_REVIEW:
            return records.pathway_plan_review_record(**mine, held_on=YESTERDAY, outcome="OK")
        case RecordKind.NEEDS_ASSESSMENT:
            return records.needs_assessment_record(**mine, completed_on=YESTERDAY, summary="S")
        case RecordKind.HEALTH_ASSESSMENT:
            return records.health_assessment_record(**mine, kind="review", held_on=YESTERDAY)
        case RecordKind.PEP:
            return records.pep_review_record(**mine, held_on=YESTERDAY, targets="Read daily.")
        case RecordKind.SCHOOL:
            return records.school_enrolment_record(**mine, urn="123456", school_name="Hill",
                                                   started_on=YESTERDAY)
        case RecordKind.ATTENDANCE:
            return records.attendance_record(**mine, academic_year=2026, term="autumn",
                                             sessions_possible=100, sessions_attended=90)
        case RecordKind.RESULTS:
            return records.ks4_result_record(**mine, academic_year=2025,
                                             attainment8=Decimal("40.5"), english_grade=5,
                                             maths_grade=4)
        case RecordKind.CARE_LEAVER_RECORD:
            return records.care_leaver_record_confirm(**mine, age=17, in_touch="YES",
                                                      activity="F2", accommodation="B1")
    raise AssertionError(kind)


NEW_KINDS = [kind for kind in RecordKind if kind not in (
    RecordKind.SOCIAL_WORKER_VISIT, RecordKind.PA_CONTACT, RecordKind.CLA_REVIEW)]


@pytest.fixture
def looked_after(personas):
    """The personas' young person, looked after now, with an agreed plan."""
    f.EpisodeFactory(period_of_care__young_person=personas.young_person)
    f.PathwayPlanFactory(young_person=personas.young_person, created_by=personas.adviser,
                         agreed_on=TODAY - dt.timedelta(days=30))
    return personas.young_person


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_service_saves_with_the_actor_in_the_history(personas, looked_after, kind):
    record = save(kind, personas.admin, looked_after)
    assert record.pk
    assert record.history.latest().history_user == personas.admin


@pytest.mark.parametrize("kind", NEW_KINDS)
@pytest.mark.parametrize("persona", ["young_person_user", "adviser", "social_worker", "iro",
                                     "virtual_school"])
def test_each_service_refuses_a_role_that_does_not_own_it(personas, looked_after, kind, persona):
    if persona in OWNERS[kind]:
        save(kind, getattr(personas, persona), looked_after)
        return
    area = access.RECORDERS[kind][0]
    sees = access.can_view(getattr(personas, persona), looked_after, area)
    with pytest.raises(PermissionDenied if sees else NotVisible):
        save(kind, getattr(personas, persona), looked_after)


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_service_refuses_the_stranger_as_not_found(personas, looked_after, kind):
    with pytest.raises(NotVisible):
        save(kind, personas.other_adviser, looked_after)
    with pytest.raises(NotVisible):
        save(kind, personas.other_manager, looked_after)


def test_a_health_assessment_clears_the_overdue_one_in_the_same_transaction(personas):
    person = personas.young_person
    f.EpisodeFactory(period_of_care__young_person=person,
                     period_of_care__started_on=TODAY - dt.timedelta(days=200))
    schedule_refresh(young_people=[person])
    overdue = m.ScheduleEntry.objects.filter(young_person=person,
                                             kind="initial_health_assessment")
    assert overdue.filter(due_on__lt=TODAY).exists()
    records.health_assessment_record(actor=personas.social_worker, young_person=person,
                                     kind="initial", held_on=YESTERDAY)
    assert not overdue.exists()
    assert m.ScheduleEntry.objects.get(young_person=person,
                                       kind="review_health_assessment").due_on > TODAY


def test_a_pep_clears_the_overdue_initial_pep(personas):
    person = personas.young_person
    person.date_of_birth = TODAY.replace(day=1) - dt.timedelta(days=365 * 12)
    person.save()
    f.EpisodeFactory(period_of_care__young_person=person,
                     period_of_care__started_on=TODAY - dt.timedelta(days=200))
    schedule_refresh(young_people=[person])
    assert m.ScheduleEntry.objects.filter(young_person=person, kind="pep",
                                          due_on__lt=TODAY).exists()
    records.pep_review_record(actor=personas.virtual_school, young_person=person,
                              held_on=YESTERDAY, targets="Phonics daily.")
    assert not m.ScheduleEntry.objects.filter(young_person=person, kind="pep",
                                              due_on__lt=TODAY).exists()


def test_a_pathway_plan_review_needs_an_agreed_plan(personas):
    with pytest.raises(ValidationError) as error:
        records.pathway_plan_review_record(actor=personas.adviser,
                                           young_person=personas.young_person,
                                           held_on=YESTERDAY)
    assert list(error.value.message_dict) == ["held_on"]


def test_a_new_school_ends_the_last_one_the_day_before(personas, looked_after):
    old = f.SchoolEnrolmentFactory(young_person=looked_after, started_on=TODAY - dt.timedelta(
        days=400), ended_on=None)
    new = records.school_enrolment_record(actor=personas.virtual_school,
                                          young_person=looked_after, urn="654321",
                                          school_name="New School", started_on=YESTERDAY)
    old.refresh_from_db()
    assert old.ended_on == YESTERDAY - dt.timedelta(days=1)
    assert old.history.latest().history_user == personas.virtual_school
    assert new.ended_on is None
    with pytest.raises(ValidationError):
        records.school_enrolment_record(actor=personas.virtual_school,
                                        young_person=looked_after, urn="1", school_name="X",
                                        started_on=YESTERDAY - dt.timedelta(days=5))


def test_attendance_cannot_exceed_the_sessions_possible(personas, looked_after):
    with pytest.raises(ValidationError) as error:
        records.attendance_record(actor=personas.virtual_school, young_person=looked_after,
                                  academic_year=2026, term="spring", sessions_possible=10,
                                  sessions_attended=11)
    assert list(error.value.message_dict) == ["sessions_attended"]


def test_the_adviser_confirms_the_young_persons_draft_and_not_twice(personas):
    person = personas.young_person
    draft = f.CareLeaverRecordFactory(young_person=person, age=18, status=m.RecordStatus.DRAFT,
                                      recorded_by=personas.young_person_user)
    confirmed = records.care_leaver_record_confirm(
        actor=personas.adviser, young_person=person, age=18, in_touch="YES", activity="G6",
        accommodation="T1")
    assert confirmed.pk == draft.pk
    assert (confirmed.status, confirmed.recorded_by) == (m.RecordStatus.CONFIRMED,
                                                          personas.adviser)
    with pytest.raises(ValidationError) as error:
        records.care_leaver_record_confirm(actor=personas.adviser, young_person=person, age=18,
                                           in_touch="YES", activity="F2", accommodation="B1")
    assert "already confirmed" in error.value.message_dict["age"][0]


@pytest.mark.parametrize(("changes", "field"), [
    ({"in_touch": "MAYBE"}, "in_touch"), ({"activity": "Z9"}, "activity"),
    ({"age": 16}, "age"), ({"in_touch": "DIED"}, None)])
def test_oc3_codes_are_checked(personas, changes, field):
    values = {"age": 17, "in_touch": "YES", "activity": "F2", "accommodation": "B1", **changes}
    with pytest.raises(ValidationError) as error:
        records.care_leaver_record_confirm(actor=personas.adviser,
                                           young_person=personas.young_person, **values)
    if field:
        assert field in error.value.message_dict


def test_a_second_health_assessment_the_same_day_is_refused(personas, looked_after):
    records.health_assessment_record(actor=personas.social_worker, young_person=looked_after,
                                     kind="initial", held_on=YESTERDAY)
    with pytest.raises(ValidationError):
        records.health_assessment_record(actor=personas.social_worker,
                                         young_person=looked_after, kind="review",
                                         held_on=YESTERDAY)
    with pytest.raises(ValidationError) as error:
        records.health_assessment_record(actor=personas.social_worker,
                                         young_person=looked_after, kind="annual",
                                         held_on=YESTERDAY - dt.timedelta(days=3))
    assert "kind" in error.value.message_dict
