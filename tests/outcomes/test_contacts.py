"""outcomes.services.contacts: the same rules for every channel. The access check is inside the
service, the history names the actor, and the codes are checked with the allowed ones named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outcomes import models as m
from outcomes.access import NotVisible
from outcomes.services.contacts import (
    cla_review_record,
    pa_contact_record,
    social_worker_visit_record,
)

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def test_a_contact_is_recorded_with_the_actor_as_adviser_and_in_the_history(personas):
    saved = pa_contact_record(actor=personas.adviser, young_person=personas.young_person,
                              contact_on=YESTERDAY, method="video", note="Checked in.")
    assert (saved.adviser, saved.method, saved.note) == (personas.adviser, "video", "Checked in.")
    assert saved.history.get().history_user == personas.adviser


def test_each_role_records_only_what_it_owns(personas):
    """A visit is the social worker's, a contact the adviser's, a review the IRO's: another
    role that sees the record is refused (PermissionDenied, 403) and nothing is written."""
    young_person = personas.young_person
    for actor in (personas.iro, personas.adviser):
        with pytest.raises(PermissionDenied, match="social worker"):
            social_worker_visit_record(actor=actor, young_person=young_person,
                                       visited_on=YESTERDAY)
    for actor in (personas.iro, personas.social_worker):
        with pytest.raises(PermissionDenied, match="personal adviser"):
            pa_contact_record(actor=actor, young_person=young_person, contact_on=YESTERDAY,
                              method="phone")
    for actor in (personas.adviser, personas.social_worker, personas.manager):
        with pytest.raises(PermissionDenied, match="independent reviewing officer"):
            cla_review_record(actor=actor, young_person=young_person, held_on=YESTERDAY,
                              participation="PN1")
    assert not (m.PAContact.objects.exists() or m.SocialWorkerVisit.objects.exists()
                or m.CLAReview.objects.exists())


def test_a_visit_may_be_recorded_for_another_worker(personas):
    saved = social_worker_visit_record(actor=personas.manager, young_person=personas.young_person,
                                       visited_on=YESTERDAY, worker=personas.social_worker)
    assert (saved.worker, saved.seen_alone) == (personas.social_worker, None)
    assert saved.history.get().history_user == personas.manager


@pytest.mark.parametrize(("who", "refusal"), [("other_adviser", NotVisible),
                                               ("virtual_school", NotVisible),
                                               ("young_person_user", PermissionDenied)])
def test_the_service_itself_refuses_who_may_not_record(personas, who, refusal):
    """Outside the scope: NotVisible (404). Seen but not theirs to record: PermissionDenied."""
    actor = getattr(personas, who)
    with pytest.raises(refusal):
        pa_contact_record(actor=actor, young_person=personas.young_person,
                          contact_on=YESTERDAY, method="phone")
    with pytest.raises(refusal):
        social_worker_visit_record(actor=actor, young_person=personas.young_person,
                                   visited_on=YESTERDAY)
    with pytest.raises(refusal):
        cla_review_record(actor=actor, young_person=personas.young_person, held_on=YESTERDAY,
                          participation="PN1")
    assert not (m.PAContact.objects.exists() or m.SocialWorkerVisit.objects.exists()
                or m.CLAReview.objects.exists())


def test_codes_are_checked_naming_the_allowed_ones(personas):
    with pytest.raises(ValidationError) as error:
        pa_contact_record(actor=personas.adviser, young_person=personas.young_person,
                          contact_on=YESTERDAY, method="fax")
    assert "Allowed: visit, phone" in error.value.message_dict["method"][0]
    with pytest.raises(ValidationError) as error:
        cla_review_record(actor=personas.iro, young_person=personas.young_person,
                          held_on=YESTERDAY, participation="PN8")
    assert "Allowed: PN0, PN1" in error.value.message_dict["participation"][0]


def test_a_review_the_same_day_twice_is_refused(personas):
    cla_review_record(actor=personas.iro, young_person=personas.young_person, held_on=YESTERDAY,
                      participation="PN1", chair=personas.iro)
    with pytest.raises(ValidationError):
        cla_review_record(actor=personas.iro, young_person=personas.young_person,
                          held_on=YESTERDAY, participation="PN5")
    assert m.CLAReview.objects.count() == 1


def test_the_chair_must_be_an_iro(personas):
    with pytest.raises(ValidationError) as error:
        cla_review_record(actor=personas.iro, young_person=personas.young_person,
                          held_on=YESTERDAY, participation="PN1", chair=personas.manager)
    assert list(error.value.message_dict) == ["chair"]
