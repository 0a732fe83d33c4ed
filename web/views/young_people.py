"""The young person page: their record as far as the viewer may see it, and its chronology.

Each part is shown only when the access policy lets the viewer see its area: a part they may not
see is left out, not shown empty. Each view leaves one AccessEvent.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import AccessEvent, Allocation, Channel, YoungPerson
from outcomes.selectors.care_leavers import care_leaver_statuses_for
from outcomes.selectors.chronology import chronology_for
from outcomes.selectors.plan_details import plan_detail_for
from outcomes.selectors.records import education_for, placements_for
from outcomes.selectors.schedule import schedule_for
from outcomes.services import access_event_record
from web.areas import areas_changeable_by, areas_visible_to
from web.decorators import staff_page

LATEST_CHRONOLOGY = 50
LATEST_ACCESS_EVENTS = 20


def _visible_young_person(request: HttpRequest, pk: int, area: Area) -> YoungPerson:
    """The young person if `area` of their record is in the user's scope; 404 otherwise."""
    return get_object_or_404(
        access.young_people_visible_to(request.user, area).select_related("team"), pk=pk)


def _summary(request: HttpRequest, person: YoungPerson, areas: frozenset[Area]) -> dict:
    today = timezone.localdate()
    hidden = access.hidden_fields(request.user, "youngperson")
    contact = [
        (label, value) for field, label, value in (
            ("preferred_contact", "Preferred contact", person.get_preferred_contact_display()),
            ("phone", "Phone", person.phone),
            ("email", "Email", person.email),
            ("contact_notes", "Contact notes", person.contact_notes),
        ) if field not in hidden and value
    ]
    workers = []
    if Area.ALLOCATIONS in areas:
        workers = list(Allocation.objects.current(today).filter(young_person=person)
                       .select_related("worker").order_by("role"))
    category = None
    if Area.CARE_LEAVER in areas:
        category = care_leaver_statuses_for(young_people=[person], on=today)[person.pk]
    return {"age": person.age_on(today), "contact": contact, "workers": workers,
            "care_leaver": category}


@staff_page
def young_person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_young_person(request, pk, Area.PROFILE)
    areas = areas_visible_to(request.user, person)
    access_event_record(actor=request.user, young_person_id=person.pk, what="web.young_person",
                        channel=Channel.WEB)
    context = {"person": person, "areas": {area.value for area in areas},
               "changeable": {area.value for area in areas_changeable_by(request.user, areas)},
               **_summary(request, person, areas)}
    if Area.PLANS in areas:
        context["plan"] = plan_detail_for(viewer=request.user, young_person=person)
    if Area.CARE_HISTORY in areas:
        context["placements"] = placements_for(viewer=request.user, young_person=person)
    if Area.EDUCATION in areas:
        context["education"] = education_for(viewer=request.user, young_person=person)
    if Area.SCHEDULE in areas:
        context["schedule"] = access.schedule_items_for(request.user,
                                                        schedule_for(young_person=person))
    if Area.CHRONOLOGY in areas:
        entries = chronology_for(young_person=person)
        context["chronology"] = entries[::-1][:LATEST_CHRONOLOGY]
        context["chronology_total"] = len(entries)
    if Area.AUDIT in areas:
        context["access_events"] = list(AccessEvent.objects.filter(young_person=person)
                                        .select_related("actor")[:LATEST_ACCESS_EVENTS])
    return render(request, "web/young_person.html", context)


@staff_page
def young_person_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """Every entry of the chronology, latest first."""
    person = _visible_young_person(request, pk, Area.CHRONOLOGY)
    access_event_record(actor=request.user, young_person_id=person.pk, what="web.chronology",
                        channel=Channel.WEB)
    return render(request, "web/chronology.html", {
        "person": person, "chronology": chronology_for(young_person=person)[::-1]})
