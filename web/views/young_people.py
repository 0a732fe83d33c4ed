"""The young person's record, in sections: a summary (who they are, what is due, where they live,
who works with them), then one page for each part, each at its own address: the pathway plan,
goals and views, the statutory schedule, the chronology, placements, education, health, and who
has looked.

Each section is offered only when the access policy lets the viewer see its area: a section they
may not see is left out of the navigation and answers 404. Each view leaves one AccessEvent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import Allocation, Channel, YoungPerson
from outcomes.rules.schedule import Item, State
from outcomes.selectors.access_events import access_events_for
from outcomes.selectors.care_leavers import care_leaver_statuses_for
from outcomes.selectors.chronology import chronology_for
from outcomes.selectors.plan_details import plan_detail_for
from outcomes.selectors.records import (
    current_episode_for,
    education_for,
    health_for,
    placements_for,
)
from outcomes.selectors.schedule import schedule_for
from outcomes.services import access_event_record
from web.areas import areas_changeable_by, areas_visible_to
from web.decorators import staff_page

LATEST_ACCESS_EVENTS = 100
SUMMARY_DUE = 8  # items on the summary; the schedule page has them all


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    area: Area
    url_name: str


# The record's sections, in the order of the navigation. Health assessments and the yearly
# health outcomes are assessments, so in the REVIEWS area.
SECTIONS = (
    Section("summary", "Summary", Area.PROFILE, "web:young-person"),
    Section("plan", "Pathway plan", Area.PLANS, "web:young-person-plan"),
    Section("goals", "Goals and views", Area.PLANS, "web:young-person-goals"),
    Section("schedule", "Schedule", Area.SCHEDULE, "web:young-person-schedule"),
    Section("chronology", "Chronology", Area.CHRONOLOGY, "web:chronology"),
    Section("placements", "Placements", Area.CARE_HISTORY, "web:young-person-placements"),
    Section("education", "Education", Area.EDUCATION, "web:young-person-education"),
    Section("health", "Health", Area.REVIEWS, "web:young-person-health"),
    Section("looked", "Who has looked", Area.AUDIT, "web:young-person-looked"),
)
BY_SLUG = {section.slug: section for section in SECTIONS}

# What is due, most urgent first: overdue, then what needs a worker to put the data right, then
# due soon, then later.
STATE_ORDER = {State.OVERDUE: 0, State.NEEDS_DATA: 1, State.DUE: 2, State.UPCOMING: 3}


def due_first(items: list[Item]) -> list[Item]:
    """The open items (not done), overdue first, each group by due date (oldest first)."""
    open_items = [item for item in items if item.state in STATE_ORDER]
    return sorted(open_items, key=lambda item: (
        STATE_ORDER[item.state], item.due_on is None, item.due_on or timezone.localdate()))


def _visible_young_person(request: HttpRequest, pk: int, area: Area) -> YoungPerson:
    """The young person if `area` of their record is in the user's scope; 404 otherwise."""
    return get_object_or_404(
        access.young_people_visible_to(request.user, area).select_related("team"), pk=pk)


def _section_page(request: HttpRequest, pk: int, slug: str) -> tuple[YoungPerson, dict]:
    """The young person (404 outside the section's area), one trace of the read, and what every
    section's page needs: the navigation of the sections the viewer may see."""
    section = BY_SLUG[slug]
    person = _visible_young_person(request, pk, section.area)
    areas = areas_visible_to(request.user, person)
    what = "web.young_person" if slug == "summary" else f"web.young_person.{slug}"
    access_event_record(actor=request.user, young_person_id=person.pk, what=what,
                        channel=Channel.WEB)
    navigation = [(item, reverse(item.url_name, args=[person.pk])) for item in SECTIONS
                  if item.area in areas]
    return person, {
        "person": person, "section": section, "navigation": navigation,
        "areas": {area.value for area in areas},
        "changeable": {area.value for area in areas_changeable_by(request.user, areas)},
    }


@staff_page
def young_person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary: who they are, what is due (overdue first), the current placement and the
    allocated workers."""
    person, context = _section_page(request, pk, "summary")
    areas = context["areas"]
    today = timezone.localdate()
    hidden = access.hidden_fields(request.user, "youngperson")
    context["age"] = person.age_on(today)
    context["contact"] = [
        (label, value) for field, label, value in (
            ("preferred_contact", "Preferred contact", person.get_preferred_contact_display()),
            ("phone", "Phone", person.phone),
            ("email", "Email", person.email),
            ("contact_notes", "Contact notes", person.contact_notes),
        ) if field not in hidden and value
    ]
    if Area.ALLOCATIONS in areas:
        context["workers"] = list(Allocation.objects.current(today).filter(young_person=person)
                                  .select_related("worker").order_by("role"))
    if Area.CARE_LEAVER in areas:
        context["care_leaver"] = care_leaver_statuses_for(young_people=[person],
                                                          on=today)[person.pk]
    if Area.CARE_HISTORY in areas:
        context["placement"] = current_episode_for(viewer=request.user, young_person=person)
    if Area.SCHEDULE in areas:
        due = due_first(access.schedule_items_for(request.user, schedule_for(young_person=person)))
        context["due"] = due[:SUMMARY_DUE]
        context["due_total"] = len(due)
        context["overdue_total"] = sum(item.state == State.OVERDUE for item in due)
    return render(request, "web/young_person/summary.html", context)


@staff_page
def young_person_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The current pathway plan, section by section in the statutory order."""
    person, context = _section_page(request, pk, "plan")
    context["plan"] = plan_detail_for(viewer=request.user, young_person=person)
    return render(request, "web/young_person/plan.html", context)


@staff_page
def young_person_goals(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's goals and the young person's own views, by heading."""
    person, context = _section_page(request, pk, "goals")
    plan = plan_detail_for(viewer=request.user, young_person=person)
    context["plan"] = plan
    context["with_goals_or_views"] = [item for item in plan.sections if item.goals or item.views]
    return render(request, "web/young_person/goals.html", context)


@staff_page
def young_person_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Every statutory item, with why it falls on its date and the rule behind it."""
    person, context = _section_page(request, pk, "schedule")
    context["schedule"] = access.schedule_items_for(request.user,
                                                    schedule_for(young_person=person))
    return render(request, "web/young_person/schedule.html", context)


@staff_page
def young_person_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """Every entry of the chronology, latest first."""
    person, context = _section_page(request, pk, "chronology")
    context["chronology"] = chronology_for(young_person=person)[::-1]
    return render(request, "web/young_person/chronology.html", context)


@staff_page
def young_person_placements(request: HttpRequest, pk: int) -> HttpResponse:
    """Every episode of care, latest first."""
    person, context = _section_page(request, pk, "placements")
    context["placements"] = placements_for(viewer=request.user, young_person=person)
    return render(request, "web/young_person/placements.html", context)


@staff_page
def young_person_education(request: HttpRequest, pk: int) -> HttpResponse:
    """Schools, attendance and results."""
    person, context = _section_page(request, pk, "education")
    context["education"] = education_for(viewer=request.user, young_person=person)
    return render(request, "web/young_person/education.html", context)


@staff_page
def young_person_health(request: HttpRequest, pk: int) -> HttpResponse:
    """Health assessments held and the yearly health outcomes."""
    person, context = _section_page(request, pk, "health")
    context["health"] = health_for(viewer=request.user, young_person=person)
    return render(request, "web/young_person/health.html", context)


@staff_page
def young_person_looked(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has looked at the record, latest first, in plain words."""
    person, context = _section_page(request, pk, "looked")
    context["access_events"] = access_events_for(young_person=person,
                                                 limit=LATEST_ACCESS_EVENTS)
    return render(request, "web/young_person/looked.html", context)
