"""GET /api/v1/young-people/{id}/schedule/, the `overdue` filter on the young-people list, and
the selectors the bot and the pages use: "overdue in my team", "due this week for me"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from outcomes import models as m
from outcomes.rules.dates import add_working_days
from outcomes.selectors.schedule import due_this_week_for, overdue_in_team_for
from outcomes.services import reminders
from tests import factories as f

LIST = "/api/v1/young-people/"


def schedule_url(person) -> str:
    return f"/api/v1/young-people/{person.pk}/schedule/"


def in_care_since(person, days: int):
    start = timezone.localdate() - dt.timedelta(days=days)
    f.EpisodeFactory(period_of_care=f.PeriodOfCareFactory(young_person=person, started_on=start))
    reminders.schedule_refresh(young_people=[person])
    return start


def test_the_schedule_says_what_is_due_when_why_and_under_which_rule(api, personas):
    start = in_care_since(personas.young_person, days=3)
    response = api.as_user(personas.social_worker).get(schedule_url(personas.young_person))
    assert response.status_code == 200
    items = {item["kind"]: item for item in response.json()["results"]}
    review = items["cla_review"]
    assert review["due_on"] == add_working_days(start, 20).isoformat()
    assert review["state"] in ("upcoming", "due")
    assert "reg 33" in review["rule"] and review["reason"]
    assert review["responsible"] == "social_worker" and review["for_young_person"] is True
    assert {"social_worker_visit", "initial_health_assessment"} <= set(items)
    assert m.AccessEvent.objects.filter(
        actor=personas.social_worker, young_person=personas.young_person,
        what="schedule.list", channel="api").count() == 1


def test_a_young_person_sees_their_own_reviews_not_their_workers_deadlines(api, personas):
    in_care_since(personas.young_person, days=3)
    response = api.as_user(personas.young_person_user).get(schedule_url(personas.young_person))
    assert response.status_code == 200
    kinds = {item["kind"] for item in response.json()["results"]}
    assert "cla_review" in kinds
    assert "social_worker_visit" not in kinds and "initial_health_assessment" not in kinds


def test_outside_scope_the_schedule_does_not_exist(api, personas):
    in_care_since(personas.young_person, days=3)
    for user in (personas.other_adviser, personas.other_manager, personas.virtual_school):
        assert api.as_user(user).get(schedule_url(personas.young_person)).status_code == 404
    assert api.as_user(personas.young_person_user).get(
        schedule_url(personas.other_young_person)).status_code == 404


def test_inconsistent_history_is_flagged_not_a_crash(api, personas):
    period = f.PeriodOfCareFactory(young_person=personas.young_person,
                                   started_on=timezone.localdate() - dt.timedelta(days=200))
    f.EpisodeFactory(period_of_care=period, started_on=period.started_on,
                     ended_on=period.started_on + dt.timedelta(days=30), reason_ceased="E11")
    f.EpisodeFactory(period_of_care=period, started_on=period.started_on + dt.timedelta(days=60),
                     reason_new_episode="P")  # a gap of 30 days between episodes
    response = api.as_user(personas.social_worker).get(schedule_url(personas.young_person))
    assert response.status_code == 200
    flagged = [i for i in response.json()["results"] if i["state"] == "needs_data"]
    assert flagged and flagged[0]["due_on"] is None


def test_the_overdue_filter_and_a_review_recorded_through_the_api(api, personas):
    in_care_since(personas.young_person, days=60)  # the first review (20 working days) is late
    in_care_since(personas.other_young_person, days=2)
    manager = api.as_user(personas.manager)
    ids = lambda query: [p["id"] for p in manager.get(LIST + query).json()["results"]]  # noqa: E731
    assert ids("?overdue=true") == [personas.young_person.pk]
    assert personas.young_person.pk not in ids("?overdue=false")
    assert api.as_user(personas.manager).get(LIST + "?overdue=maybe").status_code == 400
    # Recording the review moves the due date at once: no sweep needed.
    posted = api.as_user(personas.iro).post("/api/v1/cla-reviews/", {
        "young_person": personas.young_person.pk, "participation": "PN1",
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}, format="json")
    assert posted.status_code == 201, posted.json()
    entries = m.ScheduleEntry.objects.filter(young_person=personas.young_person,
                                             kind="cla_review")
    assert [e.due_on > timezone.localdate() for e in entries] == [True]


def test_overdue_in_my_team_and_due_this_week_for_me(personas):
    in_care_since(personas.young_person, days=60)
    stranger = f.YoungPersonFactory(team=personas.other_team)
    in_care_since(stranger, days=60)
    team_items = overdue_in_team_for(user=personas.manager)
    assert team_items and {e.young_person.pk for e in team_items} == {personas.young_person.pk}
    assert all(e.state in ("overdue", "needs_data") for e in team_items)
    assert {e.young_person.pk for e in overdue_in_team_for(user=personas.other_manager)} == {
        stranger.pk}
    mine = due_this_week_for(user=personas.social_worker)
    assert mine and {e.entry.responsible for e in mine} == {"social_worker"}
    assert due_this_week_for(user=personas.other_adviser) == []
    assert due_this_week_for(user=personas.young_person_user) == []


def test_only_roles_that_see_the_whole_schedule_may_ask_what_is_overdue(api, personas):
    in_care_since(personas.young_person, days=60)
    for user in (personas.young_person_user, personas.virtual_school):
        response = api.as_user(user).get(LIST + "?overdue=true")
        assert response.status_code == 400 and "overdue" in response.json()["errors"]
    assert overdue_in_team_for(user=personas.virtual_school) == []
    assert overdue_in_team_for(user=personas.young_person_user) == []


def test_the_virtual_schools_caseload_shows_no_schedule(client, personas):
    from outcomes.selectors.caseloads import caseload_for

    in_care_since(personas.young_person, days=60)
    person = caseload_for(user=personas.virtual_school).get(pk=personas.young_person.pk)
    assert (person.next_due_on, person.overdue_count) == (None, 0)
    mine = caseload_for(user=personas.social_worker).get(pk=personas.young_person.pk)
    assert mine.overdue_count > 0
    client.force_login(personas.virtual_school)
    body = client.get("/").content.decode()
    assert "Jordan Example" in body and "Overdue" not in body and "Next due" not in body
