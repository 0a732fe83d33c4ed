"""The young person's record in sections: a summary (who, what is due with overdue first, the
current placement, the allocated workers), then a page at its own address for the plan, goals
and views, the schedule, the chronology, placements, education, health and who has looked. Each
section only for those who may see its area; one trace per view; never cached; the same number
of queries however long the history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outcomes import models as m
from tests import factories as f
from tests.web.conftest import build_record

SECTIONS = ("", "plan/", "goals-and-views/", "schedule/", "chronology/", "placements/",
            "education/", "health/", "who-has-looked/")
TRACES = {"": "web.young_person", "plan/": "web.young_person.plan",
          "goals-and-views/": "web.young_person.goals",
          "schedule/": "web.young_person.schedule",
          "chronology/": "web.young_person.chronology",
          "placements/": "web.young_person.placements",
          "education/": "web.young_person.education", "health/": "web.young_person.health",
          "who-has-looked/": "web.young_person.looked"}


def page(person, section: str = "") -> str:
    return f"/young-people/{person.pk}/{section}"


def get(client, person, section: str = "") -> str:
    response = client.get(page(person, section))
    assert response.status_code == 200, (section, response.status_code)
    return response.content.decode()


def test_the_summary_says_who_what_is_due_overdue_first_where_they_live_and_who_works_with_them(
        personas, record, pages):
    client = pages.as_user(personas.adviser)
    body = get(client, personas.young_person)
    assert "<h1 class=\"govuk-heading-l\">Jordan Example</h1>" in body
    assert personas.young_person.child_id in body
    assert "Care-leaver category" in body
    # Current placement and allocated workers.
    assert "Current placement" in body and "Foster with relative or friend, long-term" in body
    assert "Personal adviser: " + str(personas.adviser) in body
    # What is due, the most urgent first: every Overdue tag before any other state's tag.
    assert "What is due" in body
    states = re.findall(r'<strong class="govuk-tag govuk-tag--(\w+)">', body)
    assert "red" in states
    assert states == sorted(states, key=lambda colour: colour != "red")
    # Not the other sections' contents: those have their own pages.
    assert "I want to be a chef." not in body and "Worried about the new flat." not in body
    # A navigation to every section the adviser may see, the summary marked as current.
    for section in SECTIONS:
        assert f'href="{page(personas.young_person, section)}"' in body, section
    assert re.search(r'aria-current="page">Summary<', body)


def test_each_section_has_its_own_page(personas, record, pages):
    client = pages.as_user(personas.adviser)
    person = personas.young_person
    plan = get(client, person, "plan/")
    positions = [plan.index(heading.label) for heading in m.PlanHeading]
    assert positions == sorted(positions)
    assert f"Plan 1, agreed on {record.plan.agreed_on:%-d %B %Y}" in plan
    assert "Wants to start college in September." in plan
    assert "Nothing written under this heading yet." in plan
    assert re.search(r'aria-current="page">Pathway plan<', plan)

    goals = get(client, person, "goals-and-views/")
    assert "“I want to be a chef.”" in goals
    assert f"In their own words, <time datetime=\"{record.view.expressed_on:%Y-%m-%d}\">" in goals
    assert "Apply for the catering course" in goals and ">Started</strong>" in goals

    schedule = get(client, person, "schedule/")
    assert "govuk-tag" in schedule and "reg 33" in schedule
    # The rule in plain words: no file name, no section sign.
    assert "Care Planning, Placement and Case Review (England) Regulations 2010" in schedule
    assert "REFERENCE" not in schedule and "§" not in schedule

    chronology = get(client, person, "chronology/")
    assert "Looked-after child review" in chronology
    assert "Worried about the new flat." in chronology  # staff see case notes

    placements = get(client, person, "placements/")
    assert "Foster with relative or friend, long-term" in placements

    education = get(client, person, "education/")
    assert "Riverside Academy" in education and "Attainment 8: 31.50" in education
    assert "90% (126 of 140 sessions)" in education


def test_the_health_page_has_assessments_and_each_years_health(personas, record, pages):
    person = personas.young_person
    f.HealthAssessmentFactory(young_person=person, kind=m.HealthAssessmentKind.REVIEW,
                              held_on=dt.date(2026, 3, 2))
    f.OutcomesRecordFactory(young_person=person, collection_year=2026, sdq_score=14,
                            teeth_check=False)
    body = get(pages.as_user(personas.social_worker), person, "health/")
    assert "Review health assessment, <time datetime=\"2026-03-02\">2 March 2026</time>" in body
    assert "14 out of 40" in body and ">No<" in body


def test_who_has_looked_is_said_in_plain_words(personas, record, pages):
    f.AccessEventFactory(young_person=personas.young_person, actor=personas.social_worker,
                         what="young_person.retrieve", channel=m.Channel.API)
    body = get(pages.as_user(personas.manager), personas.young_person, "who-has-looked/")
    table = re.sub(r"<[^>]+>", "", body[body.index("<tbody"):body.index("</tbody>")])
    assert f"{personas.social_worker} (social worker), through the API, " in table
    # This very look: the manager, on the web, now, in England's time.
    now = timezone.localtime()
    assert f"{personas.manager} (manager), on the web, {now.day} {now:%b %Y %H}" in table
    assert "Who has looked at the record" in table and "The summary" in table
    for machine_name in ("young_person", "retrieve", "web.", "api"):
        assert machine_name not in table, machine_name


def test_the_header_names_who_is_signed_in(personas, record, pages):
    body = get(pages.as_user(personas.adviser), personas.young_person)
    assert f"Signed in as {personas.adviser} (adviser)" in body
    assert ">Sign out</button>" in body


@pytest.mark.parametrize("section", SECTIONS)
def test_each_view_leaves_one_trace_and_is_not_cached(personas, record, pages, section):
    response = pages.as_user(personas.adviser).get(page(personas.young_person, section))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    events = list(m.AccessEvent.objects.all())
    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.young_person, event.what, event.channel) == (
        personas.adviser, personas.young_person, TRACES[section], m.Channel.WEB)


@pytest.mark.parametrize("who", ["other_adviser", "other_manager"])
def test_strangers_get_404_on_every_section_and_leave_no_trace(personas, record, pages, who):
    client = pages.as_user(getattr(personas, who))
    for section in SECTIONS:
        assert client.get(page(personas.young_person, section)).status_code == 404, section
        assert client.get(f"/young-people/999999/{section}").status_code == 404, section
    assert m.AccessEvent.objects.count() == 0


def test_the_virtual_school_sees_who_and_education_only(personas, record, pages):
    personas.young_person.phone = "07700900123"
    personas.young_person.contact_notes = "Not before noon."
    personas.young_person.save()
    client = pages.as_user(personas.virtual_school)
    person = personas.young_person
    body = get(client, person)
    assert "Jordan Example" in body and person.child_id in body
    for hidden in ("What is due", "Current placement", "Allocated workers", "07700900123",
                   "Not before noon.", "Care-leaver category", "Pathway plan", "Chronology",
                   "Who has looked"):
        assert hidden not in body, hidden
    # Their navigation offers only what they may see.
    assert f'href="{page(person, "education/")}"' in body
    assert f'href="{page(person, "plan/")}"' not in body
    education = get(client, person, "education/")
    assert "Riverside Academy" in education and "Key stage 4, 2024/25" in education
    assert "90% (126 of 140 sessions)" in education
    for section in SECTIONS:
        if section not in ("", "education/"):
            assert client.get(page(person, section)).status_code == 404, section


def test_the_iro_sees_the_plan_but_no_link_to_change_it(personas, record, pages):
    body = get(pages.as_user(personas.iro), personas.young_person, "plan/")
    assert "Wants to start college in September." in body
    assert "/plan/edit/" not in body


def add_history(personas, times: int) -> None:
    person = personas.young_person
    start = m.CLAReview.objects.filter(young_person=person).count()
    for n in range(start, start + times):
        f.CLAReviewFactory(young_person=person, chair=personas.iro,
                           held_on=timezone.localdate() - dt.timedelta(days=30 * (n + 4)))
        f.PAContactFactory(young_person=person, adviser=personas.adviser)
        f.AccessEventFactory(young_person=person, actor=personas.manager)
        f.AccessEventFactory(young_person=person, actor=personas.social_worker)
        f.SchoolEnrolmentFactory(young_person=person, started_on=dt.date(2010 + n, 9, 1))
        f.AttendanceFactory(young_person=person, academic_year=2010 + n)
        f.HealthAssessmentFactory(young_person=person,
                                  held_on=timezone.localdate() - dt.timedelta(days=200 * n + 1))
        f.OutcomesRecordFactory(young_person=person, collection_year=2000 + n)
        f.EpisodeFactory(period_of_care__young_person=person,
                         period_of_care__started_on=dt.date(2000 + n, 1, 1),
                         period_of_care__ended_on=dt.date(2000 + n, 2, 1),
                         period_of_care__reason_ceased="E4A", ended_on=dt.date(2000 + n, 2, 1),
                         reason_ceased="E4A")
        plan = m.PathwayPlan.objects.get(young_person=person)
        used = set(plan.sections.values_list("heading", flat=True))
        section = f.PlanSectionFactory(plan=plan, heading=next(
            heading for heading in m.PlanHeading if heading not in used))
        f.YoungPersonViewFactory(section=section, recorded_by=personas.adviser)
        f.GoalFactory(section=section, owner=personas.social_worker)


def page_queries(client, person, section: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page(person, section)).status_code == 200
    return len(queries)


# Each section's budget: the session and user, the scope check, the areas the viewer may see,
# the trace, then the section's own reads (the schedule reads every record it is worked out from).
BUDGETS = {"": 24, "plan/": 12, "goals-and-views/": 12, "schedule/": 20, "chronology/": 28,
           "placements/": 9, "education/": 12, "health/": 10, "who-has-looked/": 8}


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_costs_the_same_with_more_history(personas, pages, section,
                                                       django_assert_max_num_queries):
    build_record(personas)
    client = pages.as_user(personas.adviser)
    add_history(personas, 1)
    little = page_queries(client, personas.young_person, section)
    add_history(personas, 4)
    with django_assert_max_num_queries(BUDGETS[section]):
        assert page_queries(client, personas.young_person, section) == little
