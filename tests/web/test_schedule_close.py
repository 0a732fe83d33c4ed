"""The team page shows apart what was not recorded in Waymark; a manager closes an item that no
longer applies, with the reason; nobody else can."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from outcomes import models as m
from outcomes.selectors.schedule import schedule_for
from outcomes.services.reminders import schedule_refresh
from tests import factories as f


@pytest.fixture
def since_2022(personas):
    f.EpisodeFactory(period_of_care__young_person=personas.young_person)
    schedule_refresh(young_people=[personas.young_person])
    return personas.young_person


def close_url(person, key: str) -> str:
    return reverse("web:schedule-close", args=[person.pk]) + f"?key={quote(key)}"


def test_the_team_page_shows_apart_what_was_not_recorded(pages, personas, since_2022,
                                                         django_assert_max_num_queries):
    client = pages.as_user(personas.manager)
    client.get(reverse("web:team"))  # the session and the user, read once
    with django_assert_max_num_queries(30) as captured:
        body = client.get(reverse("web:team")).content.decode()
    few = len(captured)
    more = f.YoungPersonFactory(team=personas.team)
    f.EpisodeFactory(period_of_care__young_person=more)
    f.AllocationFactory(young_person=more, worker=personas.adviser,
                        role=m.AllocationRole.PERSONAL_ADVISER)
    schedule_refresh(young_people=[more])
    with django_assert_max_num_queries(few):  # the same however many rows (no N+1)
        client.get(reverse("web:team"))
    apart = body.split('id="not-recorded"')[1]
    assert "Not recorded in Waymark" in apart and "Social worker visit" in apart
    assert "Close<span" in apart


def test_a_manager_closes_an_item_with_a_reason(pages, personas, since_2022,
                                                django_assert_max_num_queries):
    item = next(i for i in schedule_for(young_person=since_2022)
                if i.kind == "initial_health_assessment")
    client = pages.as_user(personas.manager)
    with django_assert_max_num_queries(30):
        page = client.get(close_url(since_2022, item.key))
    assert page.status_code == 200 and "Close initial health assessment" in page.content.decode()
    empty = client.post(reverse("web:schedule-close", args=[since_2022.pk]),
                        {"key": item.key, "reason": ""})
    assert empty.status_code == 400
    assert 'href="#id_reason">Enter why this no longer applies' in empty.content.decode()
    done = client.post(reverse("web:schedule-close", args=[since_2022.pk]),
                       {"key": item.key, "reason": "Done by the previous authority."})
    assert done.status_code == 302 and done["Location"] == reverse("web:team")
    closure = m.ScheduleItemClosure.objects.get()
    assert (closure.key, closure.closed_by) == (item.key, personas.manager)
    assert "Initial health assessment closed" in client.get(done["Location"]).content.decode()
    assert m.AccessEvent.objects.filter(what="web.schedule_close", actor=personas.manager).exists()


def test_others_are_refused(pages, personas, since_2022):
    key = schedule_for(young_person=since_2022)[0].key
    assert pages.as_user(personas.social_worker).get(
        close_url(since_2022, key)).status_code == 403
    assert pages.as_user(personas.other_manager).get(
        close_url(since_2022, key)).status_code == 404
    assert pages.as_user(personas.manager).get(
        close_url(since_2022, "no-such-item")).status_code == 404
    assert not m.ScheduleItemClosure.objects.exists()
