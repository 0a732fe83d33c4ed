"""The record endpoints other than plans: care history, reviews, education, care-leaver records.

One table of endpoints, each told from every persona: the owner's adviser sees the young
person's record, the stranger does not (404 on the detail), the young person sees their own
reviews without the case notes, the virtual school sees education only; every read leaves a
trace; a list costs the same for 1 row and 50.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from api.serializers.care import ConnectedPersonApprovalSerializer
from outcomes import access
from outcomes import models as m
from outcomes.access import Area
from tests import factories as f


def _closed_period(young_person: m.YoungPerson) -> m.PeriodOfCare:
    # In the past, so that the young person can also be looked after now (one open period).
    return f.PeriodOfCareFactory(young_person=young_person, started_on=dt.date(2019, 1, 7),
                                 ended_on=dt.date(2020, 3, 2), reason_ceased="E8")


def _closed_episode(young_person: m.YoungPerson) -> m.Episode:
    return f.EpisodeFactory(period_of_care=_closed_period(young_person),
                            ended_on=dt.date(2020, 3, 2), reason_ceased="E8")


@dataclass(frozen=True)
class Endpoint:
    url: str
    area: Area
    make: Callable[[m.YoungPerson], object]

    def __str__(self) -> str:
        return self.url


ENDPOINTS = [
    Endpoint("periods-of-care", Area.CARE_HISTORY, _closed_period),
    Endpoint("episodes", Area.CARE_HISTORY, _closed_episode),
    Endpoint("connected-person-approvals", Area.CARE_HISTORY,
             lambda yp: f.ConnectedPersonApprovalFactory(young_person=yp)),
    Endpoint("cla-reviews", Area.REVIEWS, lambda yp: f.CLAReviewFactory(young_person=yp)),
    Endpoint("pathway-plan-reviews", Area.REVIEWS,
             lambda yp: f.PathwayPlanReviewFactory(young_person=yp)),
    Endpoint("pep-reviews", Area.REVIEWS, lambda yp: f.PEPReviewFactory(young_person=yp)),
    Endpoint("health-assessments", Area.REVIEWS,
             lambda yp: f.HealthAssessmentFactory(young_person=yp)),
    Endpoint("social-worker-visits", Area.REVIEWS,
             lambda yp: f.SocialWorkerVisitFactory(young_person=yp)),
    Endpoint("pa-contacts", Area.REVIEWS, lambda yp: f.PAContactFactory(young_person=yp)),
    Endpoint("school-enrolments", Area.EDUCATION,
             lambda yp: f.SchoolEnrolmentFactory(young_person=yp)),
    Endpoint("ks2-results", Area.EDUCATION, lambda yp: f.KS2ResultFactory(young_person=yp)),
    Endpoint("ks4-results", Area.EDUCATION, lambda yp: f.KS4ResultFactory(young_person=yp)),
    Endpoint("attendance", Area.EDUCATION, lambda yp: f.AttendanceFactory(young_person=yp)),
    Endpoint("care-leaver-records", Area.CARE_LEAVER,
             lambda yp: f.CareLeaverRecordFactory(young_person=yp)),
]
BY_URL = {e.url: e for e in ENDPOINTS}
endpoints = pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)


def url(endpoint: Endpoint, record=None) -> str:
    return f"/api/v1/{endpoint.url}/" + (f"{record.pk}/" if record is not None else "")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def looked_after_now(young_person: m.YoungPerson) -> m.Episode:
    """An open episode: the virtual school's scope is the children looked after now."""
    return f.EpisodeFactory(period_of_care__young_person=young_person)


@endpoints
def test_the_advisers_see_their_young_persons_record_and_the_stranger_is_refused(
        api, personas, endpoint):
    record = endpoint.make(personas.young_person)
    others = endpoint.make(personas.other_young_person)
    adviser = api.as_user(personas.adviser)
    assert ids(adviser.get(url(endpoint))) == [record.pk]
    assert adviser.get(url(endpoint, record)).json()["id"] == record.pk
    assert adviser.get(url(endpoint, others)).status_code == 404

    stranger = api.as_user(personas.other_adviser)
    assert ids(stranger.get(url(endpoint))) == [others.pk]
    response = stranger.get(url(endpoint, record))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}
    assert api.as_user(personas.other_manager).get(url(endpoint, record)).status_code == 404


@endpoints
def test_the_list_filters_by_young_person(api, personas, endpoint):
    record = endpoint.make(personas.young_person)
    endpoint.make(f.YoungPersonFactory(team=personas.team))
    manager = api.as_user(personas.manager)
    assert len(ids(manager.get(url(endpoint)))) == 2
    assert ids(manager.get(f"{url(endpoint)}?young_person={personas.young_person.pk}")) == [
        record.pk]
    # Out of scope or not there at all: the same empty list, so existence is not disclosed.
    other = personas.other_young_person.pk
    assert ids(manager.get(f"{url(endpoint)}?young_person={other}")) == []
    assert ids(manager.get(f"{url(endpoint)}?young_person=99999999")) == []


@endpoints
def test_the_young_person(api, personas, endpoint):
    """Sees their reviews, education and care-leaver records, never the case notes; not their
    care history (not in their areas)."""
    record = endpoint.make(personas.young_person)
    client = api.as_user(personas.young_person_user)
    if endpoint.area not in access.VIEW_AREAS[m.Role.YOUNG_PERSON]:
        assert client.get(url(endpoint, record)).status_code == 404
        assert ids(client.get(url(endpoint))) == []
        return
    hidden = access.ADVISER_ONLY_FIELDS.get(type(record)._meta.model_name, frozenset())
    detail = client.get(url(endpoint, record)).json()
    assert detail["id"] == record.pk
    assert not hidden & set(detail)
    listed = client.get(url(endpoint)).json()["results"]
    assert [row["id"] for row in listed] == [record.pk]
    assert not hidden & set(listed[0])
    # ... which staff do see.
    assert hidden <= set(api.as_user(personas.adviser).get(url(endpoint, record)).json())


@pytest.mark.parametrize(("endpoint", "note"), [
    (BY_URL["social-worker-visits"], "Settled; talked about school."),
    (BY_URL["pa-contacts"], "Talked about the college interview."),
    (BY_URL["pathway-plan-reviews"], "Plan still right; college application goes ahead."),
    (BY_URL["pep-reviews"], "Tutoring in maths agreed."),
], ids=str)
def test_no_case_note_reaches_the_young_person_by_any_name(api, personas, endpoint, note):
    endpoint.make(personas.young_person)
    body = api.as_user(personas.young_person_user).get(url(endpoint)).content.decode()
    assert note not in body
    assert note in api.as_user(personas.adviser).get(url(endpoint)).content.decode()


@endpoints
def test_the_virtual_school_sees_education_only(api, personas, endpoint):
    looked_after_now(personas.young_person)
    record = endpoint.make(personas.young_person)
    client = api.as_user(personas.virtual_school)
    if endpoint.area == Area.EDUCATION:
        assert ids(client.get(url(endpoint))) == [record.pk]
        assert client.get(url(endpoint, record)).status_code == 200
    else:
        assert client.get(url(endpoint, record)).status_code == 404
        assert ids(client.get(url(endpoint))) == []


@endpoints
def test_every_read_is_audited(api, personas, endpoint):
    record = endpoint.make(personas.young_person)
    endpoint.make(personas.other_young_person)
    client = api.as_user(personas.manager)
    client.get(url(endpoint))
    client.get(url(endpoint, record))
    client.get(url(endpoint) + "?young_person=99999999")  # nothing shown, nothing recorded
    name = type(record)._meta.model_name
    assert list(m.AccessEvent.objects.order_by("id").values_list(
        "actor__username", "young_person_id", "what", "channel")) == [
        ("manager", personas.young_person.pk, f"{name}.list", "api"),
        ("manager", personas.young_person.pk, f"{name}.retrieve", "api"),
    ]


@endpoints
def test_the_list_costs_the_same_for_1_and_50_rows(api, personas, endpoint):
    endpoint.make(personas.young_person)
    client = api.as_user(personas.manager)
    client.get(url(endpoint))
    with CaptureQueriesContext(connection) as one:
        assert len(ids(client.get(url(endpoint)))) == 1
    for _ in range(49):
        endpoint.make(f.YoungPersonFactory(team=personas.team))
    with CaptureQueriesContext(connection) as fifty:
        assert len(ids(client.get(url(endpoint)))) == 50
    assert len(fifty) == len(one), "\n".join(q["sql"] for q in fifty.captured_queries)


@endpoints
def test_the_records_are_read_only_here(api, personas, endpoint):
    record = endpoint.make(personas.young_person)
    client = api.as_user(personas.manager)
    assert client.put(url(endpoint, record), {}, format="json").status_code == 405
    assert client.delete(url(endpoint, record)).status_code == 405
    if endpoint.url not in {"cla-reviews", "social-worker-visits", "pa-contacts",
                            "pathway-plan-reviews", "pep-reviews", "needs-assessments",
                            "health-assessments"}:
        assert client.post(url(endpoint), {}, format="json").status_code == 405


@endpoints
@pytest.mark.parametrize("query", ["?young_person=abc", "?young_person=-1",
                                   "?young_person=99999999999999999999999", "?page=999",
                                   "?page_size=100000", "?ordering=nonsense", "?page=abc"])
def test_bad_queries_are_answered_without_a_500(api, personas, endpoint, query):
    endpoint.make(personas.young_person)
    response = api.as_user(personas.manager).get(url(endpoint) + query)
    assert response.status_code in (200, 400, 404)
    body = response.json()
    assert "results" in body or set(body) == {"detail", "errors"}
    if response.status_code == 400:
        assert "young_person" in body["errors"]


def test_episodes_show_each_ssda903_code_with_its_label(api, personas):
    looked_after_now(personas.young_person)
    row = api.as_user(personas.adviser).get("/api/v1/episodes/").json()["results"][0]
    assert row["legal_status"] == "C2"
    assert row["legal_status_label"] == "Full care order"
    assert row["place"] == "U4"
    assert row["place_label"] == "Foster with other carer, long-term"
    assert row["category_of_need_label"] == "Abuse or neglect"
    assert row["reason_new_episode_label"] == "Started to be looked after"
    assert row["place_provider_label"] == "Own LA provision"
    assert row["reason_ceased"] == "" and row["reason_ceased_label"] is None
    assert row["is_temporary"] is False


def test_a_connected_person_approval_shows_when_it_expires(api, personas):
    approval = f.ConnectedPersonApprovalFactory(young_person=personas.young_person,
                                                approved_on=dt.date(2025, 1, 6))
    row = api.as_user(personas.adviser).get(
        f"/api/v1/connected-person-approvals/{approval.pk}/").json()
    assert row["expires_on"] == approval.expires_on.isoformat()
    assert row["nominated_officer_name"] == approval.nominated_officer.get_full_name()
    assert row["extension_approved_by"] is None and row["extension_approved_by_name"] is None
    approval.fully_approved_on = dt.date(2025, 3, 1)
    approval.save()
    assert api.as_user(personas.adviser).get(
        f"/api/v1/connected-person-approvals/{approval.pk}/").json()["expires_on"] is None


def test_care_leaver_records_show_oc3_labels_and_the_indicators(api, personas):
    f.CareLeaverRecordFactory(young_person=personas.young_person, age=17, activity="F2",
                              accommodation="E1")
    f.CareLeaverRecordFactory(young_person=personas.young_person, age=18, activity="G5",
                              accommodation="S2")
    f.CareLeaverRecordFactory(young_person=personas.young_person, age=19, activity="0",
                              accommodation="0")
    rows = api.as_user(personas.young_person_user).get(
        "/api/v1/care-leaver-records/").json()["results"]
    assert [(r["age"], r["in_eet"], r["suitably_housed"]) for r in rows] == [
        (17, True, True), (18, False, False), (19, None, None)]
    assert rows[0]["activity_label"] == "Full-time education other than higher education"
    assert rows[0]["accommodation_label"] == "Supported lodgings (suitable)"
    assert rows[0]["in_touch_label"] == "In touch"


def test_education_records_carry_their_academic_year_and_rates(api, personas):
    f.AttendanceFactory(young_person=personas.young_person)
    f.KS2ResultFactory(young_person=personas.young_person)
    client = api.as_user(personas.adviser)
    attendance = client.get("/api/v1/attendance/").json()["results"][0]
    assert attendance["academic_year_label"] == "2023/24"
    assert attendance["term_label"] == "Autumn"
    assert attendance["attendance_rate"] == pytest.approx(0.9)
    ks2 = client.get("/api/v1/ks2-results/").json()["results"][0]
    assert ks2["rwm_expected"] is False


def test_reviews_name_their_workers_and_codes_for_staff(api, personas):
    review = f.CLAReviewFactory(young_person=personas.young_person, chair=personas.iro)
    row = api.as_user(personas.adviser).get(f"/api/v1/cla-reviews/{review.pk}/").json()
    assert row["chair"] == personas.iro.pk
    assert row["chair_name"] == personas.iro.get_full_name()
    assert row["participation_label"] == "Attends and speaks for self"


def test_a_name_is_hidden_with_the_user_it_names(personas):
    """A derived field (a user's name, a code's label) goes with its source: were a young person
    ever shown connected-person approvals, the decision-makers' names would stay hidden."""
    request = APIRequestFactory().get("/")
    for user, shown in ((personas.young_person_user, False), (personas.adviser, True)):
        request.user = user
        fields = set(ConnectedPersonApprovalSerializer(context={"request": request}).fields)
        assert ({"nominated_officer", "nominated_officer_name", "extension_approved_by_name",
                 "panel_view"} <= fields) is shown
        assert "carer_name" in fields


def test_the_schema_allows_a_blank_code_where_the_record_may_leave_it_blank(api, personas):
    schema = api.as_user(personas.manager).get("/api/v1/schema/?format=json").json()
    properties = schema["components"]["schemas"]["Episode"]["properties"]
    for name in ("reason_ceased", "place_provider", "reason_place_change"):
        assert {"$ref": "#/components/schemas/BlankEnum"} in properties[name]["oneOf"], name
    assert "oneOf" not in properties["legal_status"]  # required: never blank
