"""/young-people/{id}/chronology/ and /young-people/{id}/access-events/: scoped like every other
read (the stranger gets 404), each read leaving one trace, at a constant cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import models as m
from tests import factories as f


def chronology(young_person) -> str:
    return f"/api/v1/young-people/{young_person.pk}/chronology/"


def access_events(young_person) -> str:
    return f"/api/v1/young-people/{young_person.pk}/access-events/"


@pytest.fixture
def history(personas):
    """A care history with an adviser-only entry (a contact with a note) and a named worker."""
    f.EpisodeFactory(period_of_care__young_person=personas.young_person)
    f.PAContactFactory(young_person=personas.young_person, adviser=personas.adviser,
                       note="Worried about the new flat.")
    f.CLAReviewFactory(young_person=personas.young_person, chair=personas.iro)
    return personas


def test_the_adviser_reads_the_whole_chronology(api, history):
    response = api.as_user(history.adviser).get(chronology(history.young_person))
    assert response.status_code == 200
    entries = response.json()["results"]
    kinds = [e["kind"] for e in entries]
    assert {"care.started", "episode.started", "allocation.started", "review.cla",
            "contact.personal_adviser"} <= set(kinds)
    assert response.json()["count"] == len(entries)
    assert [e["on"] for e in entries] == sorted(e["on"] for e in entries)
    contact = next(e for e in entries if e["kind"] == "contact.personal_adviser")
    assert "Worried about the new flat." in contact["detail"]
    assert contact["adviser_only"] is True
    assert contact["source"].startswith("outcomes.pacontact:")
    assert str(history.iro) in response.content.decode()


def test_the_young_person_reads_their_own_without_case_notes_or_names(api, history):
    response = api.as_user(history.young_person_user).get(chronology(history.young_person))
    assert response.status_code == 200
    entries = response.json()["results"]
    assert "review.cla" in {e["kind"] for e in entries}
    assert not any(e["adviser_only"] for e in entries)
    body = response.content.decode()
    assert "Worried about the new flat." not in body
    for worker in (history.adviser, history.iro, history.social_worker):
        assert str(worker) not in body


@pytest.mark.parametrize("who", ["other_adviser", "other_manager", "virtual_school"])
def test_the_stranger_and_the_virtual_school_are_refused(api, history, who):
    response = api.as_user(getattr(history, who)).get(chronology(history.young_person))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}
    assert not m.AccessEvent.objects.exists()


def test_a_young_person_cannot_read_anothers_chronology(api, history):
    assert api.as_user(history.young_person_user).get(
        chronology(history.other_young_person)).status_code == 404


@pytest.mark.parametrize("young_person_id", ["abc", "-1", "1.5", "99999999999999999999",
                                             "9999999999999999999", "0"])
def test_malformed_or_unknown_ids_are_a_404(api, personas, young_person_id):
    for path in ("chronology", "access-events"):
        response = api.as_user(personas.admin).get(
            f"/api/v1/young-people/{young_person_id}/{path}/")
        assert response.status_code == 404


def test_reading_the_chronology_leaves_one_trace(api, history):
    api.as_user(history.adviser).get(chronology(history.young_person))
    assert list(m.AccessEvent.objects.values_list(
        "actor", "young_person", "what", "channel")) == [
        (history.adviser.pk, history.young_person.pk, "chronology.list", "api")]


def test_the_chronology_is_paged(api, history):
    client = api.as_user(history.adviser)
    everything = client.get(chronology(history.young_person)).json()
    first = client.get(chronology(history.young_person) + "?page_size=2").json()
    assert first["count"] == everything["count"] > 2
    assert first["results"] == everything["results"][:2]
    assert first["next"]


def test_the_chronology_costs_the_same_for_1_and_50_entries(api, personas):
    client = api.as_user(personas.adviser)
    f.PAContactFactory(young_person=personas.young_person)
    client.get(chronology(personas.young_person))
    with CaptureQueriesContext(connection) as few:
        client.get(chronology(personas.young_person))
    for _ in range(49):
        f.PAContactFactory(young_person=personas.young_person)
        f.SchoolEnrolmentFactory(young_person=personas.young_person)
    with CaptureQueriesContext(connection) as many:
        body = client.get(chronology(personas.young_person) + "?page_size=200").json()
    assert body["count"] >= 100
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


# --- Who has looked at the record ---------------------------------------------------------


def test_the_manager_sees_who_has_looked_newest_first(api, personas):
    api.as_user(personas.adviser).get(f"/api/v1/young-people/{personas.young_person.pk}/")
    api.as_user(personas.social_worker).get(chronology(personas.young_person))
    f.AccessEventFactory(young_person=personas.other_young_person)
    response = api.as_user(personas.manager).get(access_events(personas.young_person))
    assert response.status_code == 200
    rows = response.json()["results"]
    # Reading the trail is itself a read: it comes first.
    assert [(r["actor"], r["what"], r["channel"]) for r in rows] == [
        (personas.manager.pk, "accessevent.list", "api"),
        (personas.social_worker.pk, "chronology.list", "api"),
        (personas.adviser.pk, "youngperson.retrieve", "api"),
    ]
    assert rows[1]["actor_name"] == personas.social_worker.get_full_name()
    assert rows[1]["channel_label"] == "API"


def test_access_events_filter_by_actor_and_channel(api, personas):
    f.AccessEventFactory(young_person=personas.young_person, actor=personas.adviser,
                         channel=m.Channel.TELEGRAM)
    f.AccessEventFactory(young_person=personas.young_person, actor=personas.iro)
    client = api.as_user(personas.admin)
    url = access_events(personas.young_person)
    by_actor = client.get(f"{url}?actor={personas.adviser.pk}").json()["results"]
    assert [r["actor"] for r in by_actor] == [personas.adviser.pk]
    by_channel = client.get(f"{url}?channel=telegram").json()["results"]
    assert [r["channel"] for r in by_channel] == ["telegram"]
    assert client.get(f"{url}?channel=pigeon").status_code == 400
    assert client.get(f"{url}?actor=abc").status_code == 400


@pytest.mark.parametrize("who", ["young_person_user", "virtual_school", "other_adviser",
                                 "other_manager"])
def test_young_people_and_strangers_never_see_the_trail(api, personas, who):
    f.AccessEventFactory(young_person=personas.young_person)
    response = api.as_user(getattr(personas, who)).get(access_events(personas.young_person))
    assert response.status_code == 404
    assert m.AccessEvent.objects.count() == 1


@pytest.mark.parametrize("who", ["adviser", "social_worker", "iro", "manager", "admin"])
def test_staff_with_the_audit_area_see_the_trail(api, personas, who):
    response = api.as_user(getattr(personas, who)).get(access_events(personas.young_person))
    assert response.status_code == 200


def test_the_trail_costs_the_same_for_1_and_50_events(api, personas):
    client = api.as_user(personas.manager)
    client.get(access_events(personas.young_person))
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(access_events(personas.young_person)).json()["results"]) == 2
    for _ in range(48):
        f.AccessEventFactory(young_person=personas.young_person)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(access_events(personas.young_person)).json()["results"]) == 50
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_the_trail_cannot_be_changed_through_the_api(api, personas):
    client = api.as_user(personas.admin)
    url = access_events(personas.young_person)
    assert client.post(url, {}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
