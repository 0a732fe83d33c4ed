"""The young person page: the plan with their own views, the schedule, the chronology and who has
looked; each part only for those who may see it; one trace per view; never cached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outcomes import models as m
from tests import factories as f
from tests.web.conftest import build_record


def page(person) -> str:
    return f"/young-people/{person.pk}/"


def test_the_adviser_sees_the_plan_their_views_and_the_schedule(personas, record, pages):
    response = pages.as_user(personas.adviser).get(page(personas.young_person))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1 class=\"govuk-heading-l\">Jordan Example</h1>" in body
    # The summary.
    assert personas.young_person.child_id in body
    assert "Personal adviser: " + str(personas.adviser) in body
    assert "Care-leaver category" in body
    # The plan: all ten headings in the statutory order, the assessment, the goal, and the young
    # person's own words quoted and dated.
    positions = [body.index(heading.label) for heading in m.PlanHeading]
    assert positions == sorted(positions)
    assert f"Plan 1, agreed on {record.plan.agreed_on:%-d %B %Y}" in body
    assert "Wants to start college in September." in body
    assert "“I want to be a chef.”" in body
    assert f"In their own words, <time datetime=\"{record.view.expressed_on:%Y-%m-%d}\">" in body
    assert "Apply for the catering course" in body and ">Started</strong>" in body
    assert "Nothing written under this heading yet." in body
    # The placements and the education.
    assert "Foster with relative or friend, long-term" in body
    assert "Riverside Academy" in body and "Attainment 8: 31.50" in body
    assert "90% (126 of 140 sessions)" in body
    # The schedule, each item's state as a tag, with why and the rule.
    assert 'id="schedule"' in body and "govuk-tag" in body
    assert "reg 33" in body or "REFERENCE.md" in body
    # The chronology and who has looked.
    assert "Looked-after child review" in body
    assert "Worried about the new flat." in body  # staff see case notes
    assert "Who has looked at this record" in body and "web.young_person" in body


def test_a_view_leaves_one_trace_and_is_not_cached(personas, record, pages):
    response = pages.as_user(personas.adviser).get(page(personas.young_person))
    assert response["Cache-Control"] == "no-store"
    events = list(m.AccessEvent.objects.all())
    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.young_person, event.what, event.channel) == (
        personas.adviser, personas.young_person, "web.young_person", m.Channel.WEB)


@pytest.mark.parametrize("who", ["other_adviser", "other_manager"])
def test_strangers_get_404_and_leave_no_trace(personas, record, pages, who):
    client = pages.as_user(getattr(personas, who))
    assert client.get(page(personas.young_person)).status_code == 404
    assert client.get(f"{page(personas.young_person)}chronology/").status_code == 404
    assert client.get("/young-people/999999/").status_code == 404
    assert m.AccessEvent.objects.count() == 0


def test_the_virtual_school_sees_education_only(personas, record, pages):
    personas.young_person.phone = "07700900123"
    personas.young_person.contact_notes = "Not before noon."
    personas.young_person.save()
    response = pages.as_user(personas.virtual_school).get(page(personas.young_person))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Jordan Example" in body and personas.young_person.child_id in body
    # Education is what they are there for.
    assert 'id="education"' in body and "Riverside Academy" in body
    assert "Key stage 4, 2024/25" in body and "90% (126 of 140 sessions)" in body
    for hidden in ("Pathway plan", "Placements", "I want to be a chef.", "Wants to start college",
                   "Statutory schedule", "Chronology", "Worried about the new flat.",
                   "Who has looked at this record", "Allocated workers", "07700900123",
                   "Not before noon.", "Care-leaver category"):
        assert hidden not in body, hidden
    # Sections they may not see are left out, not shown empty.
    assert 'id="plan"' not in body and 'id="schedule"' not in body
    assert 'id="placements"' not in body
    assert pages.as_user(personas.virtual_school).get(
        f"{page(personas.young_person)}chronology/").status_code == 404


def test_the_audit_list_is_for_roles_that_may_see_it(personas, record, pages):
    f.AccessEventFactory(young_person=personas.young_person, actor=personas.social_worker,
                         what="young_person.retrieve", channel=m.Channel.API)
    body = pages.as_user(personas.manager).get(page(personas.young_person)).content.decode()
    assert "young_person.retrieve" in body and "API" in body
    assert str(personas.social_worker) in body


def test_the_chronology_page_has_every_entry_latest_first(personas, pages):
    for days in range(60):
        f.PAContactFactory(young_person=personas.young_person, adviser=personas.adviser,
                           contact_on=timezone.localdate() - dt.timedelta(days=days + 1),
                           note=f"Contact number {days}.")
    client = pages.as_user(personas.adviser)
    body = client.get(page(personas.young_person)).content.decode()
    assert "The latest 50 of" in body and "See the whole chronology" in body
    response = client.get(f"{page(personas.young_person)}chronology/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "Contact number 0." in body and "Contact number 59." in body
    assert body.index("Contact number 0.") < body.index("Contact number 59.")
    assert m.AccessEvent.objects.filter(what="web.chronology").count() == 1


def add_history(personas, times: int) -> None:
    person = personas.young_person
    start = m.CLAReview.objects.filter(young_person=person).count()
    for n in range(start, start + times):
        f.CLAReviewFactory(young_person=person, chair=personas.iro,
                           held_on=timezone.localdate() - dt.timedelta(days=30 * (n + 4)))
        f.PAContactFactory(young_person=person, adviser=personas.adviser)
        f.AccessEventFactory(young_person=person, actor=personas.manager)
        f.SchoolEnrolmentFactory(young_person=person, started_on=dt.date(2010 + n, 9, 1))
        f.AttendanceFactory(young_person=person, academic_year=2010 + n)
        plan = m.PathwayPlan.objects.get(young_person=person)
        used = set(plan.sections.values_list("heading", flat=True))
        section = f.PlanSectionFactory(plan=plan, heading=next(
            heading for heading in m.PlanHeading if heading not in used))
        f.YoungPersonViewFactory(section=section, recorded_by=personas.adviser)
        f.GoalFactory(section=section, owner=personas.social_worker)


def page_queries(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page(person)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_with_more_history(personas, pages):
    build_record(personas)
    client = pages.as_user(personas.adviser)
    add_history(personas, 1)
    little = page_queries(client, personas.young_person)
    add_history(personas, 6)
    assert page_queries(client, personas.young_person) == little <= 56  # 1: the safeguarding banner
