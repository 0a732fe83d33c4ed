"""Issue 15: text PostgreSQL refuses (a NUL character) or that no name holds (control
characters) gets a clear message in the caseload search and the API's filters, never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

BAD = ["Jor\x00dan", "\x00", "a\x01b", "tab\tname", "del\x7f"]


@pytest.mark.parametrize("text", BAD)
def test_the_caseload_search_says_what_is_wrong_and_keeps_what_was_typed(personas, pages, text):
    client = pages.as_user(personas.adviser)
    response = client.post("/", {"q": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "has a character that cannot be searched for" in body
    shown = "".join(ch for ch in text if ord(ch) >= 32 and ord(ch) != 127)
    assert f'value="{shown}"' in body
    assert "\x00" not in body
    # Nothing was kept: the list is as it was.
    assert client.get("/").status_code == 200
    assert "caseload_search" not in client.session


def test_a_good_search_still_works(personas, pages):
    client = pages.as_user(personas.adviser)
    response = client.post("/", {"q": "Jordan"}, follow=True)
    assert response.status_code == 200 and "Jordan" in response.content.decode()


@pytest.mark.parametrize("query", [{"search": "Jor\x00dan"}, {"search": "\x00"},
                                   {"age_band": "\x00"}, {"team": "\x00"},
                                   {"adviser": "1\x00"}, {"care_leaver_category": "\x00"},
                                   {"ordering": "\x00"}, {"sen_status": "\x00"}])
def test_the_api_filters_refuse_a_nul_with_a_400(personas, query):
    client = APIClient()
    client.force_authenticate(personas.manager)
    response = client.get("/api/v1/young-people/", query)
    assert response.status_code in (200, 400), response.content  # never a 500
    assert set(response.json()) == ({"detail", "errors"} if response.status_code == 400
                                    else {"count", "next", "previous", "results"})
    if "search" in query:
        assert response.status_code == 400
        assert response.json()["errors"] == {"search": ["Null characters are not allowed."]}


def test_the_core_search_finds_nothing_for_refused_text(personas):
    from outcomes.models import YoungPerson
    from outcomes.selectors.young_people import young_people_matching

    assert list(young_people_matching(YoungPerson.objects.all(), text="a\x00b")) == []
