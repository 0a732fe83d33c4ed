"""My caseload: each worker sees only their young people, with what is due, at a constant cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outcomes import models as m
from tests import factories as f


def test_the_adviser_sees_only_their_caseload(personas, record, pages):
    response = pages.as_user(personas.adviser).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "My caseload" in body
    assert "Jordan Example" in body and personas.young_person.child_id in body
    assert "Riley Sample" not in body
    # The next item due and the count of overdue ones, from the schedule entries.
    assert "Second CLA review" in body and "1 overdue" in body
    assert response["Cache-Control"] == "no-store"
    # And the stranger is refused: the other adviser neither lists nor opens the record.
    other = pages.as_user(personas.other_adviser)
    assert "Jordan Example" not in other.get("/").content.decode()
    assert other.get(f"/young-people/{personas.young_person.pk}/").status_code == 404


def test_each_young_person_listed_leaves_one_trace(personas, record, pages):
    pages.as_user(personas.adviser).get("/")
    events = list(m.AccessEvent.objects.all())
    assert [(e.actor, e.young_person, e.what, e.channel) for e in events] == [
        (personas.adviser, personas.young_person, "web.caseload", m.Channel.WEB)]


@pytest.mark.parametrize(("who", "heading", "sees"), [
    ("social_worker", "My caseload", ["Jordan Example"]),
    ("iro", "My caseload", ["Jordan Example"]),
    ("manager", "Your team&#x27;s young people", ["Jordan Example"]),
    ("other_manager", "Your team&#x27;s young people", ["Riley Sample"]),
    ("virtual_school", "Children looked after", ["Jordan Example"]),
    ("admin", "All young people", ["Jordan Example", "Riley Sample"]),
])
def test_each_role_lists_its_own_scope(personas, record, pages, who, heading, sees):
    body = pages.as_user(getattr(personas, who)).get("/").content.decode()
    assert heading in body
    for name in ("Jordan Example", "Riley Sample"):
        assert (name in body) == (name in sees)


def test_search_by_name_or_child_id(personas, pages):
    f.AllocationFactory(young_person=f.YoungPersonFactory(legal_first_name="Casey",
                                                          legal_last_name="Other"),
                        worker=personas.adviser)
    client = pages.as_user(personas.adviser)

    def search(text: str) -> str:
        posted = client.post("/", {"q": text})
        assert posted.status_code == 302 and posted["Location"] == "/"  # no name in the address
        return client.get("/").content.decode()

    body = search("jordan")
    assert "Jordan Example" in body and "Casey Other" not in body
    body = search(personas.young_person.child_id)
    assert "Jordan Example" in body and "Casey Other" not in body
    assert "No young person matches" in search("nobody-like-this")
    body = search("")
    assert "Jordan Example" in body and "Casey Other" in body


def test_the_list_is_in_pages_of_25_that_keep_the_search(personas, pages):
    for n in range(30):
        f.AllocationFactory(young_person=f.YoungPersonFactory(legal_first_name=f"Kid{n:02d}",
                                                              legal_last_name="Paged"),
                            worker=personas.adviser)
    client = pages.as_user(personas.adviser)
    client.post("/", {"q": "Paged"})
    first = client.get("/").content.decode()
    assert first.count('class="govuk-table__row"') == 26  # the header row and 25
    assert "page 1 of 2" in first
    assert 'href="?page=2"' in first and "Paged&" not in first
    second = client.get("/", {"page": 2}).content.decode()
    assert second.count('class="govuk-table__row"') == 6
    assert "Kid29 Paged" in second and "Kid00 Paged" not in second


def add_young_people(adviser, count: int) -> None:
    today = timezone.localdate()
    for _ in range(count):
        person = f.YoungPersonFactory()
        f.AllocationFactory(young_person=person, worker=adviser)
        f.ScheduleEntryFactory(young_person=person, due_on=today - dt.timedelta(days=3))
        f.ScheduleEntryFactory(young_person=person, due_on=today + dt.timedelta(days=9))


def caseload_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_caseload_costs_the_same_for_2_or_20_young_people(personas, pages):
    client = pages.as_user(personas.adviser)
    add_young_people(personas.adviser, 1)
    with_two = caseload_queries(client)
    add_young_people(personas.adviser, 18)
    assert caseload_queries(client) == with_two <= 7  # with the safeguarding banner
