from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import models as m
from tests import factories as f

URL = "/api/v1/young-people/"


def test_adviser_sees_only_their_caseload(api, personas):
    response = api.as_user(personas.adviser).get(URL)
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [personas.young_person.pk]
    assert api.as_user(personas.other_adviser).get(
        f"{URL}{personas.young_person.pk}/").status_code == 404


def test_anonymous_is_refused_with_the_error_shape(api, personas):
    response = api.as_user(None).get(URL)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail", "errors"}


def test_a_young_person_sees_themselves_without_adviser_only_fields(api, personas):
    response = api.as_user(personas.young_person_user).get(f"{URL}{personas.young_person.pk}/")
    assert response.status_code == 200
    assert "contact_notes" not in response.json()
    assert api.as_user(personas.adviser).get(
        f"{URL}{personas.young_person.pk}/").json()["contact_notes"] == ""


def test_every_read_is_audited(api, personas):
    api.as_user(personas.manager).get(URL)
    api.as_user(personas.adviser).get(f"{URL}{personas.young_person.pk}/")
    events = list(m.AccessEvent.objects.order_by("id").values_list(
        "actor__username", "young_person_id", "what", "channel"))
    assert events == [
        ("manager", personas.young_person.pk, "youngperson.list", "api"),
        ("adviser", personas.young_person.pk, "youngperson.retrieve", "api"),
    ]


def test_filters_by_age_band_and_adviser(api, personas):
    today = dt.date.today()
    child = f.YoungPersonFactory(team=personas.team, date_of_birth=today.replace(year=today.year - 12))
    client = api.as_user(personas.manager)
    ids = lambda query: [p["id"] for p in client.get(URL + query).json()["results"]]  # noqa: E731
    assert ids("?age_band=under_16") == [child.pk]
    assert ids(f"?adviser={personas.adviser.pk}") == [personas.young_person.pk]
    assert ids("?search=jordan") == [personas.young_person.pk]
    assert ids("?care_leaver_category=eligible") == []


@pytest.mark.parametrize("query", ["?page_size=100000", "?age_band=bogus", "?adviser=99999999999999",
                                   "?team=abc", "?page=999"])
def test_bad_queries_are_answered_without_a_500(api, personas, query):
    response = api.as_user(personas.manager).get(URL + query)
    assert response.status_code in (200, 400, 404)
    assert "detail" in response.json() or "results" in response.json()


def test_the_list_costs_the_same_for_1_and_50_rows(api, personas):
    client = api.as_user(personas.manager)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(URL).json()["results"]) == 1
    for _ in range(49):
        child = f.YoungPersonFactory(team=personas.team)
        f.EpisodeFactory(period_of_care__young_person=child)
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get(URL).json()["results"]) == 50
    assert len(fifty) == len(one), "\n".join(q["sql"] for q in fifty.captured_queries)


def test_the_allocation_list_costs_the_same_for_1_and_50_rows(api, personas):
    client = api.as_user(personas.manager)
    url = f"/api/v1/allocations/?young_person={personas.young_person.pk}&role=personal_adviser"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()["results"]) == 1
    current = personas.young_person.allocations.get(role=m.AllocationRole.PERSONAL_ADVISER)
    current.started_on = dt.date(2020, 1, 1)
    current.save()
    for n in range(49):  # a history of earlier advisers, a week each
        f.AllocationFactory(young_person=personas.young_person,
                            worker=f.UserFactory(username=f"earlier{n}"),
                            started_on=dt.date(2015, 1, 1) + dt.timedelta(weeks=n),
                            ended_on=dt.date(2015, 1, 4) + dt.timedelta(weeks=n))
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get(url).json()["results"]) == 50
    assert len(fifty) == len(one), "\n".join(q["sql"] for q in fifty.captured_queries)
