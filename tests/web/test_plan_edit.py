"""Changing a pathway plan on the staff pages: the ten sections and the goals, through the
access-checked services. A form carries the version it was read at; a stale one shows what
changed and keeps what was typed; bad input gets GOV.UK errors and loses nothing; strangers get
404, the young person and a role that may only look get 403; every read leaves a trace."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from outcomes import models as m
from tests import factories as f
from tests.web.page_forms import form_fields


def edit(person) -> str:
    return f"/young-people/{person.pk}/plan/edit/"


def goals(person) -> str:
    return f"/young-people/{person.pk}/plan/goals/"


def add_goal(person, heading: str = "education_training") -> str:
    return f"/young-people/{person.pk}/plan/goals/add/{heading}/"


def change_goal(person, goal) -> str:
    return f"/young-people/{person.pk}/plan/goals/{goal.pk}/"


def sections(plan) -> dict[str, str]:
    return dict(m.PlanSection.objects.filter(plan=plan).values_list("heading", "assessment"))


# --- The sections ---------------------------------------------------------------------------


def test_the_adviser_changes_two_sections_and_the_plan_moves_on_one_version(
        personas, record, pages):
    client = pages.as_user(personas.adviser)
    person = personas.young_person
    response = client.get(edit(person))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert all(f'name="{heading.value}"' in body for heading in m.PlanHeading)
    fields = form_fields(body)
    assert (fields["plan"], fields["version"]) == (str(record.plan.pk), "1")
    assert fields["health"] == "Registered with a GP near the flat."
    assert fields["accommodation"] == ""

    fields["health"] = "Registered with a GP.\r\nDentist booked for March."  # as browsers send
    fields["accommodation"] = "Staying put with her foster carer until 21."
    response = client.post(edit(person), fields)
    assert response.status_code == 302
    assert response["Location"] == f"/young-people/{person.pk}/plan/"

    record.plan.refresh_from_db()
    assert record.plan.version == 2
    assert sections(record.plan) == {
        "education_training": "Wants to start college in September.",
        "health": "Registered with a GP.\nDentist booked for March.",
        "accommodation": "Staying put with her foster carer until 21.",
    }
    # Kept in the history, by whom; the section left alone was not written again.
    latest = record.plan.history.first()
    assert (latest.version, latest.history_user) == (2, personas.adviser)
    assert m.PlanSection.history.filter(heading="education_training").count() == 1
    page = client.get(f"/young-people/{person.pk}/plan/").content.decode()
    assert "Pathway plan 1 saved" in page and "Dentist booked for March." in page


def test_sending_the_form_unchanged_saves_nothing(personas, record, pages):
    client = pages.as_user(personas.adviser)
    fields = form_fields(client.get(edit(personas.young_person)).content.decode())
    assert client.post(edit(personas.young_person), fields).status_code == 302
    record.plan.refresh_from_db()
    assert record.plan.version == 1
    page = client.get(f"/young-people/{personas.young_person.pk}/plan/").content.decode()
    assert "You did not change the plan, so nothing was saved." in page


def test_a_stale_form_shows_what_changed_keeps_what_was_typed_and_saves_only_when_sent_again(
        personas, record, pages):
    person = personas.young_person
    adviser, social_worker = pages.as_user(personas.adviser), pages.as_user(personas.social_worker)
    mine = form_fields(adviser.get(edit(person)).content.decode())

    # The social worker saves first.
    theirs = form_fields(social_worker.get(edit(person)).content.decode())
    theirs["health"] = "GP appointment on Friday."
    theirs["accommodation"] = "Moving to supported lodgings in May."
    assert social_worker.post(edit(person), theirs).status_code == 302

    # The adviser, on the form read at version 1, changes health too, and education.
    mine["health"] = "Registered with a GP; needs a dentist."
    mine["education_training"] = "Starts college on 8 September."
    response = adviser.post(edit(person), mine)
    assert response.status_code == 409
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert "Someone else saved this plan after you opened this page" in body
    assert str(personas.social_worker) in body
    # Each section they changed, linked from the summary; theirs beside yours.
    assert '<a href="#id_health">Health, including mental health was changed: you changed it ' \
           'too</a>' in body
    assert '<a href="#id_accommodation">Accommodation was changed</a>' in body
    assert "education_training was changed" not in body and "Education and training was " \
        "changed" not in body
    assert "What you wrote" in body and "and so did you" in body
    assert "The box now shows what they saved." in body
    assert "GP appointment on Friday." in body and "Registered with a GP; needs a dentist." in body

    # Nothing was saved over theirs.
    record.plan.refresh_from_db()
    assert record.plan.version == 2
    assert sections(record.plan)["health"] == "GP appointment on Friday."

    # The form again: what the adviser typed is kept; what they had not touched shows theirs.
    again = form_fields(body)
    assert again["version"] == "2"
    assert again["health"] == "Registered with a GP; needs a dentist."
    assert again["education_training"] == "Starts college on 8 September."
    assert again["accommodation"] == "Moving to supported lodgings in May."

    # Sent again on purpose: saved, and the social worker's accommodation is not undone.
    assert adviser.post(edit(person), again).status_code == 302
    record.plan.refresh_from_db()
    assert record.plan.version == 3
    assert sections(record.plan) == {
        "education_training": "Starts college on 8 September.",
        "health": "Registered with a GP; needs a dentist.",
        "accommodation": "Moving to supported lodgings in May.",
    }
    # Each page the adviser was shown left a trace; the saves are in the plan's history.
    assert list(m.AccessEvent.objects.filter(actor=personas.adviser).values_list(
        "what", "channel")) == [("web.plan_edit", m.Channel.WEB)] * 2


def test_a_plan_agreed_meanwhile_shows_the_new_plan_and_keeps_what_was_typed(
        personas, record, pages):
    person = personas.young_person
    client = pages.as_user(personas.adviser)
    fields = form_fields(client.get(edit(person)).content.decode())
    # A new plan is drafted and agreed meanwhile: the form's plan is superseded.
    from outcomes.services import plan_agree, plan_draft_create

    draft = plan_draft_create(actor=personas.social_worker, young_person=person)
    plan_agree(actor=personas.social_worker, plan=draft, agreed_on=dt.date.today(),
               expected_version=draft.version)
    fields["health"] = "Sees the GP every month."
    response = client.post(edit(person), fields)
    assert response.status_code == 409
    body = response.content.decode()
    assert "A new version of the plan was agreed after you opened this page." in body
    again = form_fields(body)
    assert again["plan"] == str(draft.pk) and again["health"] == "Sees the GP every month."
    assert client.post(edit(person), again).status_code == 302
    assert sections(draft)["health"] == "Sees the GP every month."
    assert sections(record.plan)["health"] == "Registered with a GP near the flat."


def test_bad_input_gets_field_errors_and_loses_nothing(personas, record, pages):
    client = pages.as_user(personas.adviser)
    fields = form_fields(client.get(edit(personas.young_person)).content.decode())
    fields["finance"] = "Leaving care grant. " * 1001  # 20,020 characters
    fields["health"] = "A new GP in town."
    response = client.post(edit(personas.young_person), fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body and "There is a problem" in body
    message = "Financial support must be 20,000 characters or fewer"
    assert f'<a href="#id_finance">{message}</a>' in body
    assert '<p id="id_finance-error" class="govuk-error-message">' in body
    assert "govuk-form-group--error" in body and "govuk-textarea--error" in body
    again = form_fields(body)
    assert again["finance"] == fields["finance"] and again["health"] == "A new GP in town."
    record.plan.refresh_from_db()
    assert record.plan.version == 1


def test_a_damaged_form_is_refused_without_a_traceback(personas, record, pages):
    client = pages.as_user(personas.adviser)
    fields = form_fields(client.get(edit(personas.young_person)).content.decode())
    fields["version"] = "not a number"
    fields["health"] = "Kept."
    response = client.post(edit(personas.young_person), fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This page is out of date or incomplete" in body
    assert form_fields(body)["health"] == "Kept."


def test_the_form_needs_its_csrf_token(personas, record):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.adviser)
    fields = form_fields(client.get(edit(personas.young_person)).content.decode())
    fields["health"] = "Changed."
    without_token = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    assert client.post(edit(personas.young_person), without_token).status_code == 403
    assert client.post(edit(personas.young_person), fields).status_code == 302


def test_a_young_person_with_no_plan_yet(personas, pages):
    response = pages.as_user(personas.adviser).get(edit(personas.young_person))
    assert response.status_code == 200
    assert "has no pathway plan to change yet" in response.content.decode()


def test_while_no_plan_is_agreed_the_draft_is_the_one_changed(personas, pages):
    from outcomes.services import plan_draft_create

    person = personas.young_person
    draft = plan_draft_create(actor=personas.adviser, young_person=person)
    client = pages.as_user(personas.adviser)
    assert f'href="{edit(person)}"' in client.get(
        f"/young-people/{person.pk}/plan/").content.decode()
    body = client.get(edit(person)).content.decode()
    assert "Plan 1, a draft." in body
    fields = form_fields(body)
    assert fields["plan"] == str(draft.pk)
    fields["finance"] = "Setting up a budget with her adviser."
    assert client.post(edit(person), fields).status_code == 302
    assert sections(draft)["finance"] == "Setting up a budget with her adviser."
    # The draft has all ten sections, so a goal can be added under any heading.
    listing = client.get(goals(person)).content.decode()
    assert all(f'href="{add_goal(person, heading.value)}"' in listing
               for heading in m.PlanHeading)


# --- Goals ----------------------------------------------------------------------------------


def test_the_adviser_adds_a_goal_and_changes_it(personas, record, pages):
    person = personas.young_person
    client = pages.as_user(personas.adviser)
    listing = client.get(goals(person))
    assert listing.status_code == 200 and listing["Cache-Control"] == "no-store"
    body = listing.content.decode()
    assert "Apply for the catering course" in body
    assert f'href="{change_goal(person, record.goal)}"' in body
    assert f'href="{add_goal(person)}"' in body and f'href="{add_goal(person, "health")}"' in body
    # A heading with no section yet: its assessment first.
    assert f'href="{add_goal(person, "accommodation")}"' not in body

    form = client.get(add_goal(person)).content.decode()
    # The young person first, then their workers and the adviser.
    assert form.index("Jordan") < form.index(str(personas.social_worker))
    fields = form_fields(form)
    fields.update({"description": "Open a bank account", "owner": personas.young_person_user.pk,
                   "target_date_day": "1", "target_date_month": "9",
                   "target_date_year": "2027"})
    response = client.post(add_goal(person), fields)
    assert response.status_code == 302
    assert response["Location"] == f"{goals(person)}#goals-education_training"
    goal = m.Goal.objects.get(description="Open a bank account")
    assert (goal.owner, goal.target_date, goal.section.heading) == (
        personas.young_person_user, dt.date(2027, 9, 1), "education_training")

    fields = form_fields(client.get(change_goal(person, goal)).content.decode())
    assert (fields["description"], fields["owner"], fields["target_date_day"],
            fields["status"], fields["version"]) == (
        "Open a bank account", str(personas.young_person_user.pk), "1", "not_started", "1")
    fields.update({"status": "started", "target_date_day": "15"})
    assert client.post(change_goal(person, goal), fields).status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.target_date, goal.version) == (
        m.GoalStatus.STARTED, dt.date(2027, 9, 15), 2)
    assert goal.description == "Open a bank account"
    assert goal.history.first().history_user == personas.adviser
    assert "Goal saved" in client.get(goals(person)).content.decode()


def test_bad_goal_input_gets_field_errors_and_loses_nothing(personas, record, pages):
    person = personas.young_person
    client = pages.as_user(personas.adviser)
    fields = form_fields(client.get(add_goal(person)).content.decode())
    fields.update({"description": "", "target_date_day": "31", "target_date_month": "2",
                   "target_date_year": "2027"})
    response = client.post(add_goal(person), fields)
    assert response.status_code == 400
    body = response.content.decode()
    for anchor, message in (("id_description", "Enter what the goal is"),
                            ("id_owner", "Select who makes sure it happens"),
                            ("id_target_date-day", "Target date must be a real date")):
        assert f'<a href="#{anchor}">{message}</a>' in body
    again = form_fields(body)
    assert (again["target_date_day"], again["target_date_month"],
            again["target_date_year"]) == ("31", "2", "2027")

    fields.update({"description": "Learn to cook five meals", "target_date_year": "27",
                   "owner": personas.adviser.pk, "target_date_day": "3"})
    body = client.post(add_goal(person), fields).content.decode()
    assert "Target date must be a real date" in body
    assert form_fields(body)["description"] == "Learn to cook five meals"
    fields.pop("target_date_month")
    fields["target_date_year"] = "2027"
    assert "Target date must include a month" in client.post(add_goal(person),
                                                              fields).content.decode()
    assert m.Goal.objects.count() == 1


def test_a_stale_goal_form_shows_what_changed_and_keeps_what_was_chosen(
        personas, record, pages):
    person, goal = personas.young_person, record.goal
    adviser = pages.as_user(personas.adviser)
    mine = form_fields(adviser.get(change_goal(person, goal)).content.decode())
    theirs = form_fields(pages.as_user(personas.social_worker).get(
        change_goal(person, goal)).content.decode())
    theirs["description"] = "Apply for the catering course at Riverside College"
    assert pages.as_user(personas.social_worker).post(
        change_goal(person, goal), theirs).status_code == 302

    mine["status"] = "done"
    response = adviser.post(change_goal(person, goal), mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this goal after you opened this page" in body
    assert '<a href="#id_description">The goal was changed</a>' in body
    assert "Apply for the catering course at Riverside College" in body
    goal.refresh_from_db()
    assert (goal.status, goal.version) == (m.GoalStatus.STARTED, 2)
    again = form_fields(body)
    assert again["status"] == "done" and again["version"] == "2"
    assert again["description"] == "Apply for the catering course at Riverside College"
    assert adviser.post(change_goal(person, goal), again).status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.description, goal.version) == (
        m.GoalStatus.DONE, "Apply for the catering course at Riverside College", 3)


# --- Who may ---------------------------------------------------------------------------------


def _every_address(personas, record) -> list[str]:
    person = personas.young_person
    return [edit(person), goals(person), add_goal(person), change_goal(person, record.goal)]


@pytest.mark.parametrize("who", ["other_adviser", "other_manager", "virtual_school"])
def test_strangers_get_404_and_change_nothing(personas, record, pages, who):
    client = pages.as_user(getattr(personas, who))
    for address in _every_address(personas, record):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"health": "x", "plan": record.plan.pk, "version": 1,
                                     "description": "x"}).status_code == 404, address
    # Someone else's goal under this young person's address is not found either.
    other = f.GoalFactory(section__plan__young_person=personas.other_young_person)
    assert pages.as_user(personas.adviser).get(
        change_goal(personas.young_person, other)).status_code == 404
    record.plan.refresh_from_db()
    assert record.plan.version == 1 and m.Goal.objects.count() == 2
    assert not m.AccessEvent.objects.exists()


@pytest.mark.parametrize("who", ["young_person_user", "iro"])
def test_the_young_person_and_a_role_that_only_looks_are_refused(personas, record, pages, who):
    client = pages.as_user(getattr(personas, who))
    for address in _every_address(personas, record):
        assert client.get(address).status_code == 403, address
        assert client.post(address, {"health": "x"}).status_code == 403, address
    record.plan.refresh_from_db()
    assert record.plan.version == 1
    assert not m.AccessEvent.objects.exists()


def test_the_young_person_page_links_to_the_editing_only_for_who_may_change(
        personas, record, pages):
    person = personas.young_person
    adviser_page = pages.as_user(personas.adviser).get(f"/young-people/{person.pk}/plan/")
    assert f'href="{edit(person)}"' in adviser_page.content.decode()
    assert f'href="{goals(person)}"' in adviser_page.content.decode()
    iro_page = pages.as_user(personas.iro).get(f"/young-people/{person.pk}/plan/").content.decode()
    assert "Pathway plan" in iro_page and f'href="{edit(person)}"' not in iro_page


# --- Traces and query budgets -------------------------------------------------------------------


def test_each_page_leaves_one_trace(personas, record, pages):
    client = pages.as_user(personas.manager)
    person = personas.young_person
    for address, what in ((edit(person), "web.plan_edit"), (goals(person), "web.plan_goals"),
                          (add_goal(person), "web.goal_edit"),
                          (change_goal(person, record.goal), "web.goal_edit")):
        before = set(m.AccessEvent.objects.values_list("pk", flat=True))
        assert client.get(address).status_code == 200
        [event] = m.AccessEvent.objects.exclude(pk__in=before)
        assert (event.actor, event.young_person, event.what, event.channel) == (
            personas.manager, person, what, m.Channel.WEB)


def _more_goals(personas, record, n: int) -> None:
    section = record.goal.section
    for i in range(n):
        f.GoalFactory(section=section, owner=personas.social_worker, description=f"Goal {i}")


def test_query_budgets(personas, record, pages, django_assert_max_num_queries):
    person = personas.young_person
    client = pages.as_user(personas.adviser)
    _more_goals(personas, record, 10)
    with django_assert_max_num_queries(12):
        fields = form_fields(client.get(edit(person)).content.decode())
    fields["health"] = "Changed."
    # Most of a save is the service's: its access checks, locks, full_clean's constraint checks
    # and the history rows.
    with django_assert_max_num_queries(36):
        assert client.post(edit(person), fields).status_code == 302
    with django_assert_max_num_queries(12):
        assert client.get(goals(person)).status_code == 200
    with django_assert_max_num_queries(14):
        fields = form_fields(client.get(change_goal(person, record.goal)).content.decode())
    fields["status"] = "done"
    with django_assert_max_num_queries(25):
        assert client.post(change_goal(person, record.goal), fields).status_code == 302


def test_the_goals_page_costs_the_same_with_more_goals(personas, record, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = pages.as_user(personas.adviser)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(goals(personas.young_person)).status_code == 200
        return len(queries)

    few = cost()
    _more_goals(personas, record, 15)
    assert cost() == few


def test_the_pages_are_sound_html(personas, record, pages):
    from tests.web.test_markup import outline

    person = personas.young_person
    client = pages.as_user(personas.adviser)
    fields = form_fields(client.get(edit(person)).content.decode())
    stale = dict(fields, health="Mine.")
    theirs = dict(fields, health="Theirs.")
    assert pages.as_user(personas.social_worker).post(edit(person), theirs).status_code == 302
    bodies = [client.get(address).content.decode()
              for address in _every_address(personas, record)]
    bodies.append(client.post(edit(person), stale).content.decode())
    bodies.append(client.post(add_goal(person), {"description": ""}).content.decode())
    for body in bodies:
        parsed = outline(body)
        assert parsed.html_lang == "en-GB" and parsed.first_link == "#main-content"
        assert parsed.tags["h1"] == 1
        assert [i for i, n in parsed.ids.items() if n > 1] == []
        assert all(field in parsed.labels for field in parsed.fields)
