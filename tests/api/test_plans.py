"""Pathway plans and goals over the API: reads scoped and audited, changes through the services,
no lost updates (ETag / If-Match), a young person records progress and views but changes nothing
else, and the stranger is refused everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outcomes import models as m
from outcomes.services import plans as plan_services
from tests import factories as f

PLANS = "/api/v1/pathway-plans/"
GOALS = "/api/v1/goals/"
SECTIONS = "/api/v1/plan-sections/"
EDUCATION = m.PlanHeading.EDUCATION_TRAINING
TODAY = timezone.localdate


@pytest.fixture
def plan(personas):
    """The young person's current plan (agreed, version 2), with its ten sections."""
    draft = plan_services.plan_draft_create(actor=personas.adviser,
                                            young_person=personas.young_person)
    return plan_services.plan_agree(actor=personas.adviser, plan=draft,
                                    agreed_on=TODAY() - dt.timedelta(days=10), expected_version=1)


@pytest.fixture
def section(plan):
    return plan.sections.get(heading=EDUCATION)


@pytest.fixture
def goal(personas, section):
    goal = f.GoalFactory(section=section, owner=personas.adviser)
    f.GoalActionFactory(goal=goal, owner=personas.adviser)
    f.GoalProgressFactory(goal=goal, actor=personas.adviser)
    return goal


def patch_json(client, url, data, etag=None):
    headers = {} if etag is None else {"HTTP_IF_MATCH": etag}
    return client.patch(url, data, format="json", **headers)


def post_json(client, url, data, etag=None):
    headers = {} if etag is None else {"HTTP_IF_MATCH": etag}
    return client.post(url, data, format="json", **headers)


def education_change(text: str) -> dict:
    return {"sections": [{"heading": EDUCATION, "assessment": text}]}


# --- Reading ---


def test_a_plan_reads_with_its_sections_views_and_goals_and_an_etag(api, personas, plan,
                                                                     section, goal):
    f.YoungPersonViewFactory(section=section, recorded_by=personas.young_person_user)
    response = api.as_user(personas.young_person_user).get(f"{PLANS}{plan.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["status"], body["version"], len(body["sections"])) == ("agreed", 2, 10)
    education = next(s for s in body["sections"] if s["heading"] == EDUCATION)
    assert education["heading_label"] == "Education and training"
    [view] = education["views"]
    assert view["recorded_by"] == personas.young_person_user.pk and view["channel"] == "web"
    [shown] = education["goals"]
    assert shown["owner"] == personas.adviser.pk  # people by id only, never by name
    assert len(shown["actions"]) == 1 and len(shown["progress"]) == 1
    assert "owner_name" not in shown and "recorded_by_name" not in view
    assert list(m.AccessEvent.objects.values_list("actor", "what", "channel")) == [
        (personas.young_person_user.pk, "pathwayplan.retrieve", "api")]


def test_lists_filter_and_every_read_is_audited(api, personas, plan, goal):
    client = api.as_user(personas.adviser)
    ids = lambda url: [row["id"] for row in client.get(url).json()["results"]]  # noqa: E731
    assert ids(f"{PLANS}?young_person={personas.young_person.pk}&status=agreed") == [plan.pk]
    assert ids(f"{PLANS}?status=draft") == []
    assert ids(f"{GOALS}?young_person={personas.young_person.pk}") == [goal.pk]
    assert ids(f"{GOALS}?plan={plan.pk}&status=not_started") == [goal.pk]
    assert ids(f"{GOALS}?status=done") == []
    goal_response = client.get(f"{GOALS}{goal.pk}/")
    assert goal_response["ETag"] == '"1"'
    assert goal_response.json()["young_person"] == personas.young_person.pk
    whats = set(m.AccessEvent.objects.values_list("what", "channel"))
    assert whats == {("pathwayplan.list", "api"), ("goal.list", "api"),
                     ("goal.retrieve", "api")}


@pytest.mark.parametrize("query", ["?young_person=99999999999", "?young_person=abc",
                                   "?status=bogus", "?plan=-1", "?page_size=100000",
                                   "?page=999", "?ordering=nonsense"])
@pytest.mark.parametrize("url", [PLANS, GOALS])
def test_bad_queries_are_answered_without_a_500(api, personas, plan, url, query):
    response = api.as_user(personas.manager).get(url + query)
    assert response.status_code in (200, 400, 404)


def test_an_out_of_range_id_is_not_found(api, personas):
    client = api.as_user(personas.manager)
    for url in (f"{PLANS}99999999999/", f"{GOALS}99999999999/", f"{GOALS}abc/"):
        assert client.get(url).status_code == 404


def _list_costs(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and len(response.json()["results"]) == rows
    return len(queries)


def test_the_plan_list_costs_the_same_for_1_and_50_rows(api, personas, plan):
    client = api.as_user(personas.manager)
    client.get(PLANS)
    one = _list_costs(client, PLANS, 1)
    for _ in range(49):
        f.PathwayPlanFactory(young_person=f.YoungPersonFactory(team=personas.team),
                             created_by=personas.adviser)
    assert _list_costs(client, PLANS, 50) == one


def test_the_goal_list_costs_the_same_for_1_and_50_rows(api, personas, section, goal):
    client = api.as_user(personas.manager)
    client.get(GOALS)
    one = _list_costs(client, GOALS, 1)
    for _ in range(49):
        other = f.GoalFactory(owner=personas.adviser,
                              section__plan__young_person=f.YoungPersonFactory(team=personas.team),
                              section__plan__created_by=personas.adviser)
        f.GoalActionFactory(goal=other, owner=personas.adviser)
        f.GoalProgressFactory(goal=other, actor=personas.adviser)
    assert _list_costs(client, GOALS, 50) == one


# --- No lost updates ---


def test_two_clients_edit_the_same_plan_and_the_second_is_refused(api, personas, plan, section):
    first, second = api.as_user(personas.adviser), api.as_user(personas.social_worker)
    etag = first.get(f"{PLANS}{plan.pk}/")["ETag"]
    assert second.get(f"{PLANS}{plan.pk}/")["ETag"] == etag

    saved = patch_json(first, f"{PLANS}{plan.pk}/", education_change("College in September."),
                       etag)
    assert saved.status_code == 200, saved.json()
    stale = patch_json(second, f"{PLANS}{plan.pk}/", education_change("An apprenticeship."),
                       etag)

    assert stale.status_code == 412
    body = stale.json()
    assert body["current_version"] == 3 and body["errors"] == {}
    assert stale["ETag"] == '"3"'
    current = next(s for s in body["current"]["sections"] if s["heading"] == EDUCATION)
    assert current["assessment"] == "College in September."
    section.refresh_from_db()
    assert section.assessment == "College in September."


def test_the_etag_moves_on_after_each_edit(api, personas, plan, goal):
    client = api.as_user(personas.adviser)
    assert client.get(f"{PLANS}{plan.pk}/")["ETag"] == '"2"'
    edited = patch_json(client, f"{PLANS}{plan.pk}/", education_change("Updated."), '"2"')
    assert edited["ETag"] == '"3"' and edited.json()["version"] == 3
    assert client.get(f"{PLANS}{plan.pk}/")["ETag"] == '"3"'

    changed = patch_json(client, f"{GOALS}{goal.pk}/", {"status": "started"}, '"1"')
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    assert client.get(f"{GOALS}{goal.pk}/")["ETag"] == '"2"'


def _writes(plan, goal):
    """(method, url, body) for each change that needs If-Match."""
    return [
        ("patch", f"{PLANS}{plan.pk}/", education_change("No header.")),
        ("post", f"{PLANS}{plan.pk}/agree/", {"agreed_on": str(TODAY())}),
        ("patch", f"{GOALS}{goal.pk}/", {"status": "done"}),
        ("post", f"{GOALS}{goal.pk}/progress/", {"status": "done"}),
    ]


@pytest.mark.parametrize("which", range(4))
def test_a_change_without_if_match_is_428_and_changes_nothing(api, personas, plan, goal, which):
    method, url, body = _writes(plan, goal)[which]
    response = getattr(api.as_user(personas.adviser), method)(url, body, format="json")
    assert response.status_code == 428
    assert response.json()["errors"] == {} and "If-Match" in response.json()["detail"]
    plan.refresh_from_db()
    goal.refresh_from_db()
    assert (plan.version, goal.version, goal.progress.count()) == (2, 1, 1)


def test_a_stale_goal_change_is_412_with_the_current_goal(api, personas, goal):
    adviser, young_person = api.as_user(personas.adviser), api.as_user(personas.young_person_user)
    assert patch_json(adviser, f"{GOALS}{goal.pk}/", {"target_date": "2031-01-31"},
                      '"1"').status_code == 200
    stale = post_json(young_person, f"{GOALS}{goal.pk}/progress/", {"status": "done"}, '"1"')
    assert stale.status_code == 412
    assert stale.json()["current"]["target_date"] == "2031-01-31"
    assert stale.json()["current_version"] == 2
    goal.refresh_from_db()
    assert (goal.status, goal.progress.count()) == ("not_started", 1)


# --- The young person ---


def test_the_young_person_records_progress_and_a_view_through_the_api(api, personas, section,
                                                                     goal):
    client = api.as_user(personas.young_person_user)
    etag = client.get(f"{GOALS}{goal.pk}/")["ETag"]
    recorded = post_json(client, f"{GOALS}{goal.pk}/progress/",
                         {"status": "started", "note": "Sent the form"}, etag)
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["goal_version"] == 2
    # A client that cannot send headers carries the version in the body.
    again = post_json(client, f"{GOALS}{goal.pk}/progress/", {"status": "done", "version": 2})
    assert again.status_code == 201, again.json()

    view = post_json(client, f"{SECTIONS}{section.pk}/views/",
                     {"text": "I'd like to do catering.", "expressed_on": str(TODAY())})
    assert view.status_code == 201, view.json()
    assert view.json()["recorded_by"] == personas.young_person_user.pk

    goal.refresh_from_db()
    assert (goal.status, goal.version) == ("done", 3)
    assert list(goal.progress.order_by("id").values_list("actor", "status", "note", "channel"))[1:] == [
        (personas.young_person_user.pk, "started", "Sent the form", "api"),
        (personas.young_person_user.pk, "done", "", "api"),
    ]
    assert list(section.views.values_list("recorded_by", "text", "channel")) == [
        (personas.young_person_user.pk, "I'd like to do catering.", "api")]
    assert goal.history.first().history_user == personas.young_person_user


def test_the_young_person_cannot_change_or_start_plans_or_goals(api, personas, plan, section,
                                                               goal):
    client = api.as_user(personas.young_person_user)
    refused = [
        patch_json(client, f"{PLANS}{plan.pk}/", education_change("Mine now."), '"2"'),
        post_json(client, f"{PLANS}{plan.pk}/agree/", {"agreed_on": str(TODAY())}, '"2"'),
        post_json(client, PLANS, {"young_person": personas.young_person.pk}),
        patch_json(client, f"{GOALS}{goal.pk}/", {"status": "dropped"}, '"1"'),
        post_json(client, GOALS, {"section": section.pk, "description": "Mine",
                                  "owner": personas.young_person_user.pk}),
    ]
    for response in refused:
        assert response.status_code == 403, response.json()
        assert "progress" in response.json()["detail"]  # says what they can do instead
    plan.refresh_from_db()
    goal.refresh_from_db()
    assert (plan.version, goal.version, goal.status) == (2, 1, "not_started")
    assert m.PathwayPlan.objects.count() == 1 and m.Goal.objects.count() == 1


def test_a_role_that_may_see_plans_but_not_change_them_gets_403(api, personas, plan, goal):
    client = api.as_user(personas.iro)
    assert client.get(f"{PLANS}{plan.pk}/").status_code == 200
    response = patch_json(client, f"{PLANS}{plan.pk}/", education_change("IRO note."), '"2"')
    assert response.status_code == 403
    assert post_json(client, f"{GOALS}{goal.pk}/progress/", {"status": "done"},
                     '"1"').status_code == 403


# --- The stranger ---


def test_the_stranger_is_refused_on_every_plan_and_goal_endpoint(api, personas, plan, section,
                                                                goal):
    client = api.as_user(personas.other_adviser)
    yp = personas.young_person.pk
    assert client.get(PLANS).json()["results"] == []
    assert client.get(f"{PLANS}?young_person={yp}").json()["results"] == []
    assert client.get(GOALS).json()["results"] == []
    assert client.get(f"{GOALS}?young_person={yp}").json()["results"] == []
    responses = [
        client.get(f"{PLANS}{plan.pk}/"),
        client.get(f"{GOALS}{goal.pk}/"),
        post_json(client, PLANS, {"young_person": yp}),
        patch_json(client, f"{PLANS}{plan.pk}/", education_change("Not mine."), '"2"'),
        post_json(client, f"{PLANS}{plan.pk}/agree/", {"agreed_on": str(TODAY())}, '"2"'),
        post_json(client, GOALS, {"section": section.pk, "description": "Not mine",
                                  "owner": personas.other_adviser.pk}),
        patch_json(client, f"{GOALS}{goal.pk}/", {"status": "done"}, '"1"'),
        post_json(client, f"{GOALS}{goal.pk}/progress/", {"status": "done"}, '"1"'),
        post_json(client, f"{SECTIONS}{section.pk}/views/",
                  {"text": "Not mine.", "expressed_on": str(TODAY())}),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert all(r.json() == {"detail": "Not found.", "errors": {}} for r in responses)
    plan.refresh_from_db()
    goal.refresh_from_db()
    assert (plan.version, goal.version, goal.progress.count(), section.views.count()) == (2, 1, 1, 0)
    assert not m.AccessEvent.objects.filter(actor=personas.other_adviser).exists()


# --- Starting, changing and agreeing ---


def test_a_worker_starts_changes_and_agrees_the_next_plan(api, personas, plan, section, goal):
    section.assessment = "Carried over."
    section.save()
    client = api.as_user(personas.adviser)
    created = post_json(client, PLANS, {"young_person": personas.young_person.pk})
    assert created.status_code == 201, created.json()
    draft = created.json()
    assert created["Location"] == f"{PLANS}{draft['id']}/" and created["ETag"] == '"1"'
    assert (draft["number"], draft["status"], len(draft["sections"])) == (2, "draft", 10)
    assert next(s["assessment"] for s in draft["sections"]
                if s["heading"] == EDUCATION) == "Carried over."
    again = post_json(client, PLANS, {"young_person": personas.young_person.pk})
    assert again.status_code == 400 and "already has a draft" in str(again.json()["errors"])

    changed = patch_json(client, f"{PLANS}{draft['id']}/", {"sections": [
        {"heading": "accommodation", "assessment": "Staying put until 21."},
        {"heading": EDUCATION, "assessment": ""}]}, '"1"')
    assert changed.status_code == 200, changed.json()
    agreed = post_json(client, f"{PLANS}{draft['id']}/agree/", {"agreed_on": str(TODAY())},
                       changed["ETag"])
    assert agreed.status_code == 200, agreed.json()
    assert (agreed.json()["status"], agreed.json()["version"]) == ("agreed", 3)
    plan.refresh_from_db()
    assert plan.status == m.PlanStatus.SUPERSEDED

    # The superseded plan is the record of what was agreed then: read-only.
    frozen = [
        patch_json(client, f"{PLANS}{plan.pk}/", education_change("Too late."),
                   f'"{plan.version}"'),
        post_json(client, f"{GOALS}{goal.pk}/progress/", {"status": "done"}, '"1"'),
        patch_json(client, f"{GOALS}{goal.pk}/", {"status": "done"}, '"1"'),
        post_json(client, GOALS, {"section": section.pk, "description": "Late",
                                  "owner": personas.adviser.pk}),
        post_json(client, f"{SECTIONS}{section.pk}/views/",
                  {"text": "Late.", "expressed_on": str(TODAY())}),
    ]
    for response in frozen:
        assert response.status_code == 400, response.json()
        assert "superseded" in response.json()["errors"]["status"][0]
    assert post_json(client, f"{PLANS}{plan.pk}/agree/", {"agreed_on": str(TODAY())},
                     f'"{plan.version}"').status_code == 400


def test_an_agreed_plan_may_be_changed_by_staff_and_keeps_its_history(api, personas, plan,
                                                                      section):
    response = patch_json(api.as_user(personas.social_worker), f"{PLANS}{plan.pk}/",
                          education_change("Now at college."), '"2"')
    assert response.status_code == 200
    plan.refresh_from_db()
    section.refresh_from_db()
    assert (plan.status, plan.version, section.assessment) == ("agreed", 3, "Now at college.")
    assert plan.history.first().history_user == personas.social_worker
    latest, before = section.history.all()[:2]
    assert latest.history_user == personas.social_worker
    assert (latest.assessment, before.assessment) == ("Now at college.", "")


def test_a_worker_adds_and_changes_a_goal_with_history(api, personas, section):
    client = api.as_user(personas.adviser)
    created = post_json(client, GOALS, {"section": section.pk, "description": "Open a bank account",
                                        "owner": personas.young_person_user.pk,
                                        "target_date": "2031-03-01"})
    assert created.status_code == 201, created.json()
    goal = m.Goal.objects.get(pk=created.json()["id"])
    assert created["Location"] == f"{GOALS}{goal.pk}/"
    assert (goal.owner, goal.target_date) == (personas.young_person_user, dt.date(2031, 3, 1))

    changed = patch_json(client, f"{GOALS}{goal.pk}/", {
        "description": "Open a bank account and a savings account", "owner": personas.adviser.pk,
        "target_date": None, "status": "started"}, created["ETag"])
    assert changed.status_code == 200, changed.json()
    goal.refresh_from_db()
    assert (goal.owner, goal.target_date, goal.status, goal.version) == (
        personas.adviser, None, "started", 2)
    assert [h.history_user for h in goal.history.all()] == [personas.adviser, personas.adviser]


# --- Bad input: 400 naming the field, never a 500 ---


def test_an_unknown_heading_is_refused_naming_the_headings(api, personas, plan):
    response = patch_json(api.as_user(personas.adviser), f"{PLANS}{plan.pk}/",
                          {"sections": [{"heading": "hobbies", "assessment": "x"}]}, '"2"')
    assert response.status_code == 400
    [message] = response.json()["errors"]["sections.0.heading"]
    assert all(heading in message for heading in m.PlanHeading.values)


LONG = "x" * 20_001
EDU = {"heading": EDUCATION, "assessment": "ok"}
TOMORROW = lambda: str(TODAY() + dt.timedelta(days=1))  # noqa: E731

# (id, method, url, body, the field the error names). In urls and bodies, "{plan}", "{goal}" and
# "{section}" stand for the records' ids; bodies are functions of those ids and the personas.
BAD_INPUTS = [
    ("plan-unknown-field", "patch", "{plans}{plan}/",
     lambda ids, p: {"sections": [EDU], "status": "draft"}, "status"),
    ("section-unknown-field", "patch", "{plans}{plan}/",
     lambda ids, p: {"sections": [{**EDU, "colour": "red"}]}, "sections.0.colour"),
    ("assessment-number", "patch", "{plans}{plan}/",
     lambda ids, p: {"sections": [{**EDU, "assessment": 123}]}, "sections.0.assessment"),
    ("assessment-too-long", "patch", "{plans}{plan}/",
     lambda ids, p: {"sections": [{**EDU, "assessment": LONG}]}, "sections.0.assessment"),
    ("assessment-nul", "patch", "{plans}{plan}/",
     lambda ids, p: {"sections": [{**EDU, "assessment": "a\x00b"}]}, "sections.0.assessment"),
    ("sections-text", "patch", "{plans}{plan}/", lambda ids, p: {"sections": "education"},
     "sections"),
    ("sections-empty", "patch", "{plans}{plan}/", lambda ids, p: {"sections": []}, "sections"),
    ("sections-twice", "patch", "{plans}{plan}/", lambda ids, p: {"sections": [EDU, EDU]},
     "sections"),
    ("plan-empty-body", "patch", "{plans}{plan}/", lambda ids, p: {}, "sections"),
    ("plan-body-a-list", "patch", "{plans}{plan}/", lambda ids, p: ["not", "an", "object"],
     "non_field_errors"),
    ("agreed-on-format", "post", "{plans}{plan}/agree/", lambda ids, p: {"agreed_on": "31/12/2025"},
     "agreed_on"),
    ("agreed-on-number", "post", "{plans}{plan}/agree/", lambda ids, p: {"agreed_on": 20251231},
     "agreed_on"),
    ("young-person-text", "post", "{plans}", lambda ids, p: {"young_person": "1"}, "young_person"),
    ("young-person-huge", "post", "{plans}", lambda ids, p: {"young_person": 2**40},
     "young_person"),
    ("young-person-missing", "post", "{plans}", lambda ids, p: {}, "young_person"),
    ("goal-no-owner", "post", "{goals}",
     lambda ids, p: {"section": ids["section"], "description": "No owner"}, "owner"),
    ("goal-description-too-long", "post", "{goals}",
     lambda ids, p: {"section": ids["section"], "description": "x" * 501,
                     "owner": p.adviser.pk}, "description"),
    ("goal-impossible-date", "post", "{goals}",
     lambda ids, p: {"section": ids["section"], "description": "Bad date",
                     "owner": p.adviser.pk, "target_date": "2031-02-30"}, "target_date"),
    ("goal-owner-text", "post", "{goals}",
     lambda ids, p: {"section": ids["section"], "description": "x", "owner": "adviser"},
     "owner"),
    ("goal-owner-unknown", "post", "{goals}",
     lambda ids, p: {"section": ids["section"], "description": "x", "owner": 99999999999},
     "owner"),
    ("goal-owner-cannot-see-plan", "post", "{goals}",
     lambda ids, p: {"section": ids["section"], "description": "x",
                     "owner": p.other_adviser.pk}, "owner"),
    ("goal-nothing-to-change", "patch", "{goals}{goal}/", lambda ids, p: {},
     "non_field_errors"),
    ("goal-status-unknown", "patch", "{goals}{goal}/", lambda ids, p: {"status": "finished"},
     "status"),
    ("goal-status-boolean", "patch", "{goals}{goal}/", lambda ids, p: {"status": True},
     "status"),
    ("goal-description-blank", "patch", "{goals}{goal}/", lambda ids, p: {"description": ""},
     "description"),
    ("goal-owner-null", "patch", "{goals}{goal}/", lambda ids, p: {"owner": None}, "owner"),
    ("goal-version-read-only", "patch", "{goals}{goal}/", lambda ids, p: {"version": 1},
     "version"),
    ("progress-no-status", "post", "{goals}{goal}/progress/", lambda ids, p: {"note": "x"},
     "status"),
    ("progress-note-too-long", "post", "{goals}{goal}/progress/",
     lambda ids, p: {"status": "done", "note": "x" * 1001}, "note"),
    ("view-blank", "post", "{sections}{section}/views/",
     lambda ids, p: {"text": "", "expressed_on": str(TODAY())}, "text"),
    ("view-in-the-future", "post", "{sections}{section}/views/",
     lambda ids, p: {"text": "Tomorrow", "expressed_on": TOMORROW()}, "expressed_on"),
    ("view-date-words", "post", "{sections}{section}/views/",
     lambda ids, p: {"text": "When?", "expressed_on": "yesterday"}, "expressed_on"),
]


@pytest.mark.parametrize(("method", "url", "body", "field"), [case[1:] for case in BAD_INPUTS],
                         ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_a_400_naming_the_field(api, personas, plan, section, goal, method, url,
                                             body, field):
    ids = {"plan": plan.pk, "goal": goal.pk, "section": section.pk}
    url = url.format(plans=PLANS, goals=GOALS, sections=SECTIONS, **ids)
    etag = '"2"' if url.startswith(PLANS) else '"1"'
    response = getattr(api.as_user(personas.adviser), method)(
        url, body(ids, personas), format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"detail", "errors"}
    assert field in response.json()["errors"], response.json()
    plan.refresh_from_db()
    goal.refresh_from_db()
    assert (plan.version, goal.version, m.Goal.objects.count(), m.PathwayPlan.objects.count(),
            section.views.count(), goal.progress.count()) == (2, 1, 1, 1, 0, 1)


@pytest.mark.parametrize("header", ["2", 'W/"2"', '"2", "3"', '"abc"', '"99999999999"'])
def test_a_malformed_if_match_is_a_400(api, personas, plan, header):
    response = patch_json(api.as_user(personas.adviser), f"{PLANS}{plan.pk}/",
                          education_change("x"), header)
    assert response.status_code == 400 and "If-Match" in response.json()["errors"]


def test_if_match_star_is_not_enough(api, personas, plan):
    response = patch_json(api.as_user(personas.adviser), f"{PLANS}{plan.pk}/",
                          education_change("x"), "*")
    assert response.status_code == 428


def test_a_form_encoded_body_is_refused(api, personas, plan):
    response = api.as_user(personas.adviser).post(PLANS, {"young_person": "1"})
    assert response.status_code == 415
    assert set(response.json()) == {"detail", "errors"}


def test_put_is_not_offered(api, personas, plan):
    response = api.as_user(personas.adviser).put(f"{PLANS}{plan.pk}/", {}, format="json")
    assert response.status_code == 405
