"""Recording a social worker visit, a personal adviser contact or a looked-after child review
through the API: the allocated worker can, with the change history naming them; the stranger is
refused (404, nothing written); bad input is a 400 naming the field, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from outcomes import models as m
from tests import factories as f

VISITS = "/api/v1/social-worker-visits/"
CONTACTS = "/api/v1/pa-contacts/"
REVIEWS = "/api/v1/cla-reviews/"
OWNER = {VISITS: "social_worker", CONTACTS: "adviser", REVIEWS: "iro"}  # who records each


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def post(client, url: str, body):
    return client.post(url, body, format="json")


def visit(personas, **changes) -> dict:
    return {"young_person": personas.young_person.pk, "visited_on": days_ago(3),
            "seen_alone": True, "note": "Settled; talked about football."} | changes


def contact(personas, **changes) -> dict:
    return {"young_person": personas.young_person.pk, "contact_on": days_ago(1),
            "method": "phone", "note": "Talked about the college interview."} | changes


def review(personas, **changes) -> dict:
    return {"young_person": personas.young_person.pk, "held_on": days_ago(7),
            "participation": "PN1"} | changes


def test_the_allocated_adviser_records_a_contact_with_history_naming_them(api, personas):
    response = post(api.as_user(personas.adviser), CONTACTS, contact(personas))
    assert response.status_code == 201, response.json()
    body = response.json()
    saved = m.PAContact.objects.get(pk=body["id"])
    assert (saved.young_person, saved.adviser, saved.method) == (
        personas.young_person, personas.adviser, "phone")
    assert body["adviser_name"] == personas.adviser.get_full_name()
    assert body["note"] == "Talked about the college interview."
    assert body["method_label"] == "Phone"
    history = saved.history.get()
    assert (history.history_type, history.history_user) == ("+", personas.adviser)


def test_the_allocated_social_worker_records_a_visit(api, personas):
    response = post(api.as_user(personas.social_worker), VISITS,
                    visit(personas, seen_alone=None))
    assert response.status_code == 201, response.json()
    saved = m.SocialWorkerVisit.objects.get(pk=response.json()["id"])
    assert (saved.worker, saved.seen_alone) == (personas.social_worker, None)
    assert saved.history.get().history_user == personas.social_worker
    # What was recorded is then in the list, for the worker and (without the note) the child.
    assert [r["id"] for r in api.as_user(personas.social_worker).get(VISITS).json()["results"]] \
        == [saved.pk]
    own = api.as_user(personas.young_person_user).get(VISITS).json()["results"]
    assert [r["id"] for r in own] == [saved.pk] and "note" not in own[0]


def test_the_iro_records_the_review_they_chaired(api, personas):
    response = post(api.as_user(personas.iro), REVIEWS,
                    review(personas, chair=personas.iro.pk))
    assert response.status_code == 201, response.json()
    saved = m.CLAReview.objects.get(pk=response.json()["id"])
    assert (saved.chair, saved.participation) == (personas.iro, "PN1")
    assert saved.history.get().history_user == personas.iro
    assert response.json()["participation_label"] == "Attends and speaks for self"


def test_a_review_may_be_recorded_without_its_chair(api, personas):
    """By an administrator putting the record right; an IRO's own review names them."""
    response = post(api.as_user(personas.admin), REVIEWS, review(personas))
    assert response.status_code == 201, response.json()
    assert response.json()["chair"] is None
    response = post(api.as_user(personas.iro), REVIEWS, review(personas, held_on=days_ago(2)))
    assert response.json()["chair"] == personas.iro.pk


# Each role records only what it owns: the reason, and nothing written (the schedule would
# count it, and the reminders to the worker who owns it would stop).
@pytest.mark.parametrize(("who", "url", "body", "reason"), [
    ("iro", VISITS, visit, "Statutory visits are recorded by the child's social worker."),
    ("adviser", VISITS, visit, "Statutory visits are recorded by the child's social worker."),
    ("iro", CONTACTS, contact, "Contacts with a care leaver are recorded by their personal "
                               "adviser."),
    ("social_worker", CONTACTS, contact, "Contacts with a care leaver are recorded by their "
                                         "personal adviser."),
    ("adviser", REVIEWS, review, "Looked-after child reviews are recorded by the independent "
                                 "reviewing officer."),
    ("manager", REVIEWS, review, "Looked-after child reviews are recorded by the independent "
                                 "reviewing officer."),
])
def test_a_role_that_does_not_own_the_record_is_refused_with_the_reason(
        api, personas, who, url, body, reason):
    response = post(api.as_user(getattr(personas, who)), url, body(personas))
    assert response.status_code == 403
    assert response.json() == {"detail": reason, "errors": {}}
    assert nothing_written()


def nothing_written() -> bool:
    return not (m.SocialWorkerVisit.objects.exists() or m.PAContact.objects.exists()
                or m.CLAReview.objects.exists())


@pytest.mark.parametrize(("url", "body"), [(VISITS, visit), (CONTACTS, contact),
                                           (REVIEWS, review)])
@pytest.mark.parametrize("who", ["other_adviser", "other_manager", "virtual_school"])
def test_the_stranger_is_refused_with_a_404_and_nothing_is_written(
        api, personas, url, body, who):
    response = post(api.as_user(getattr(personas, who)), url, body(personas))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}
    assert nothing_written()


@pytest.mark.parametrize(("url", "body"), [(VISITS, visit), (CONTACTS, contact),
                                           (REVIEWS, review)])
def test_the_young_person_sees_their_reviews_but_does_not_record_them(api, personas, url, body):
    response = post(api.as_user(personas.young_person_user), url, body(personas))
    assert response.status_code == 403
    assert " recorded by " in response.json()["detail"]
    assert nothing_written()
    other = post(api.as_user(personas.young_person_user), url,
                 body(personas, young_person=personas.other_young_person.pk))
    assert other.status_code == 404


@pytest.mark.parametrize(("url", "body"), [(VISITS, visit), (CONTACTS, contact),
                                           (REVIEWS, review)])
def test_a_young_person_out_of_scope_or_not_there_is_the_same_404(api, personas, url, body):
    client = api.as_user(personas.adviser)
    other = post(client, url, body(personas, young_person=personas.other_young_person.pk))
    missing = post(client, url, body(personas, young_person=999999))
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_anonymous_is_refused(api, personas):
    assert post(api.as_user(None), CONTACTS, contact(personas)).status_code in (401, 403)


def test_an_unknown_contact_method_names_the_allowed_ones(api, personas):
    response = post(api.as_user(personas.adviser), CONTACTS,
                    contact(personas, method="carrier pigeon"))
    assert response.status_code == 400
    [message] = response.json()["errors"]["method"]
    assert "visit, phone, video, message, email, office" in message


def test_an_unknown_participation_code_names_the_allowed_ones(api, personas):
    response = post(api.as_user(personas.iro), REVIEWS, review(personas, participation="PN9"))
    assert response.status_code == 400
    [message] = response.json()["errors"]["participation"]
    assert "PN0, PN1, PN2, PN3, PN4, PN5, PN6, PN7" in message


@pytest.mark.parametrize(("url", "body", "field", "value"), [
    (CONTACTS, contact, "contact_on", "2024-13-45"),
    (CONTACTS, contact, "contact_on", "yesterday"),
    (CONTACTS, contact, "contact_on", 20240101),
    (CONTACTS, contact, "contact_on", "2024-01-01T10:00:00Z"),
    (CONTACTS, contact, "contact_on", None),
    (VISITS, visit, "visited_on", ["2024-01-01"]),
    (REVIEWS, review, "held_on", {"day": 1}),
    (VISITS, visit, "seen_alone", "yes"),
    (VISITS, visit, "seen_alone", 1),
    (VISITS, visit, "note", 42),
    (VISITS, visit, "note", "x" * 20_001),
    (VISITS, visit, "note", "a\x00b"),
    (CONTACTS, contact, "method", 7),
    (CONTACTS, contact, "method", None),
    (REVIEWS, review, "participation", ["PN1"]),
    (REVIEWS, review, "chair", "iro"),
    (REVIEWS, review, "chair", 99999999999999999999),
    (REVIEWS, review, "young_person", "abc"),
    (REVIEWS, review, "young_person", 1.5),
    (REVIEWS, review, "young_person", True),
    (REVIEWS, review, "young_person", -4),
    (REVIEWS, review, "young_person", 99999999999999999999),
])
def test_malformed_values_are_a_400_naming_the_field(api, personas, url, body, field, value):
    response = post(api.as_user(personas.iro), url, body(personas, **{field: value}))
    assert response.status_code == 400, response.json()
    assert response.json()["detail"] == "Some of the data was not valid."
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize(("url", "body", "field"), [
    (CONTACTS, contact, "contact_on"), (VISITS, visit, "visited_on"), (REVIEWS, review, "held_on")])
def test_a_missing_field_is_named(api, personas, url, body, field):
    data = body(personas)
    del data[field]
    response = post(api.as_user(personas.iro), url, data)
    assert response.status_code == 400
    assert response.json()["errors"] == {field: ["This field is required."]}


@pytest.mark.parametrize(("url", "body", "extra"), [
    (CONTACTS, contact, {"adviser": 1}),
    (CONTACTS, contact, {"id": 5}),
    (VISITS, visit, {"worker": 1}),
    (VISITS, visit, {"visted_on": "2024-01-01"}),
    (REVIEWS, review, {"participation_label": "x"}),
])
def test_unknown_fields_are_refused_not_ignored(api, personas, url, body, extra):
    response = post(api.as_user(personas.iro), url, body(personas) | extra)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == list(extra)


@pytest.mark.parametrize("payload", [[], "text", None, 5, [{"young_person": 1}]])
def test_a_body_that_is_not_an_object_is_a_400(api, personas, payload):
    response = post(api.as_user(personas.adviser), CONTACTS, payload)
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


def test_only_json_bodies_are_read(api, personas):
    response = api.as_user(personas.adviser).post(CONTACTS, contact(personas))  # multipart
    assert response.status_code == 415
    response = api.as_user(personas.adviser).generic(
        "POST", CONTACTS, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(("url", "body", "field"), [
    (CONTACTS, contact, "contact_on"), (VISITS, visit, "visited_on"), (REVIEWS, review, "held_on")])
def test_a_date_in_the_future_or_before_birth_is_refused(api, personas, url, body, field):
    client = api.as_user(getattr(personas, OWNER[url]))
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post(client, url, body(personas, **{field: tomorrow}))
    assert response.status_code == 400
    assert "future" in response.json()["errors"][field][0]
    before_birth = (personas.young_person.date_of_birth - dt.timedelta(days=1)).isoformat()
    response = post(client, url, body(personas, **{field: before_birth}))
    assert response.status_code == 400
    assert "born" in response.json()["errors"][field][0]


def test_one_review_a_day(api, personas):
    client = api.as_user(personas.iro)
    assert post(client, REVIEWS, review(personas)).status_code == 201
    response = post(client, REVIEWS, review(personas, participation="PN2"))
    assert response.status_code == 400
    assert m.CLAReview.objects.count() == 1


def test_pn0_is_only_for_a_child_under_four(api, personas):
    response = post(api.as_user(personas.iro), REVIEWS, review(personas, participation="PN0"))
    assert response.status_code == 400
    assert "under 4" in response.json()["errors"]["participation"][0]
    toddler = f.YoungPersonFactory(team=personas.team,
                                   date_of_birth=timezone.localdate() - dt.timedelta(days=800))
    f.AllocationFactory(young_person=toddler, worker=personas.iro, role=m.AllocationRole.IRO)
    response = post(api.as_user(personas.iro), REVIEWS,
                    review(personas, young_person=toddler.pk, participation="PN0"))
    assert response.status_code == 201, response.json()


def test_the_chair_is_an_iro(api, personas):
    response = post(api.as_user(personas.admin), REVIEWS,
                    review(personas, chair=personas.adviser.pk))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["chair"]
