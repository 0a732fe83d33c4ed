"""Recording the statutory work from the young person page: a visit or contact, reviews,
assessments, the PEP, school, attendance, results and the care-leaver record.

One page a kind of record: `/young-people/<id>/record/<kind>/`. The statutory records (a CLA
review, a PEP, a health or needs assessment, the OC3 record) then show what was entered on a
check-answers page (`.../check/`) before it is saved; what was typed waits in the session
meanwhile and is never lost on an error. Every save goes through the same service as the API
and the bot, which decides again who may record it: outside the user's scope, 404; a record
their role does not keep, 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats

from outcomes import access
from outcomes.access import Area, RecordKind
from outcomes.models import Channel, YoungPerson
from outcomes.selectors.schedule import schedule_for
from outcomes.services import access_event_record, schedule_items
from outcomes.services import contacts as contact_services
from outcomes.services import records as record_services
from web import record_forms
from web.decorators import staff_page


@dataclass(frozen=True)
class RecordPage:
    slug: str  # the address's word
    kind: RecordKind  # what access.py decides for
    title: str  # "Record a visit"
    link: str  # the words of the link from the young person page
    form: type[record_forms.RecordForm]
    save: Callable[..., Model]  # the service
    saved: Callable[[Model], str]  # the notification banner's words
    check: bool = False  # a statutory record: check the answers before saving


def _on(day) -> str:
    return formats.date_format(day, "j F Y")


PAGES: tuple[RecordPage, ...] = (
    RecordPage("visit", RecordKind.SOCIAL_WORKER_VISIT, "Record a visit", "a visit",
               record_forms.VisitForm, contact_services.social_worker_visit_record,
               lambda r: f"Visit on {_on(r.visited_on)} recorded"),
    RecordPage("contact", RecordKind.PA_CONTACT, "Record a contact", "a contact",
               record_forms.ContactForm, contact_services.pa_contact_record,
               lambda r: f"Contact on {_on(r.contact_on)} recorded"),
    RecordPage("cla-review", RecordKind.CLA_REVIEW, "Record a looked-after child review",
               "a looked-after child review", record_forms.CLAReviewForm,
               contact_services.cla_review_record,
               lambda r: f"Review on {_on(r.held_on)} recorded", check=True),
    RecordPage("pathway-plan-review", RecordKind.PATHWAY_PLAN_REVIEW,
               "Record a pathway plan review", "a pathway plan review",
               record_forms.PathwayPlanReviewForm, record_services.pathway_plan_review_record,
               lambda r: f"Pathway plan review on {_on(r.held_on)} recorded"),
    RecordPage("needs-assessment", RecordKind.NEEDS_ASSESSMENT, "Record a needs assessment",
               "a needs assessment", record_forms.NeedsAssessmentForm,
               record_services.needs_assessment_record,
               lambda r: f"Needs assessment on {_on(r.completed_on)} recorded", check=True),
    RecordPage("health-assessment", RecordKind.HEALTH_ASSESSMENT,
               "Record a health assessment", "a health assessment",
               record_forms.HealthAssessmentForm, record_services.health_assessment_record,
               lambda r: f"Health assessment on {_on(r.held_on)} recorded", check=True),
    RecordPage("pep", RecordKind.PEP, "Record a personal education plan (PEP) meeting",
               "a PEP meeting", record_forms.PEPForm, record_services.pep_review_record,
               lambda r: f"PEP on {_on(r.held_on)} recorded", check=True),
    RecordPage("school", RecordKind.SCHOOL, "Record a new school", "a new school",
               record_forms.SchoolForm, record_services.school_enrolment_record,
               lambda r: f"{r.school_name} from {_on(r.started_on)} recorded"),
    RecordPage("attendance", RecordKind.ATTENDANCE, "Record a term's attendance",
               "a term's attendance", record_forms.AttendanceForm,
               record_services.attendance_record,
               lambda r: f"Attendance for the {r} term recorded"),
    RecordPage("ks2-results", RecordKind.RESULTS, "Record key stage 2 results",
               "key stage 2 results", record_forms.KS2ResultsForm,
               record_services.ks2_result_record, lambda r: "Key stage 2 results recorded"),
    RecordPage("ks4-results", RecordKind.RESULTS, "Record key stage 4 results",
               "key stage 4 results", record_forms.KS4ResultsForm,
               record_services.ks4_result_record, lambda r: "Key stage 4 results recorded"),
    RecordPage("care-leaver-record", RecordKind.CARE_LEAVER_RECORD,
               "Record activity and accommodation (care-leaver return)",
               "activity and accommodation (care-leaver return)",
               record_forms.CareLeaverRecordForm, record_services.care_leaver_record_confirm,
               lambda r: f"Activity and accommodation at {r.age} recorded", check=True),
)
BY_SLUG = {page.slug: page for page in PAGES}

# The form that records what a schedule item asks for (rules.schedule.EventKind values).
FORM_FOR_EVENT = {
    "social_worker_visit": "visit", "pa_contact": "contact", "pa_visit": "contact",
    "cla_review": "cla-review", "initial_health_assessment": "health-assessment",
    "review_health_assessment": "health-assessment", "pep": "pep",
    "needs_assessment": "needs-assessment", "pathway_plan_review": "pathway-plan-review",
    "care_leaver_record": "care-leaver-record",
}


def record_page_for_event(user, event_kind: str) -> RecordPage | None:
    """The form that meets a schedule item of `event_kind`, if the user's role keeps it."""
    page = BY_SLUG.get(FORM_FOR_EVENT.get(event_kind, ""))
    return page if page is not None and access.role_records(user, page.kind) else None


def record_pages_for(user, kinds: list[RecordKind]) -> list[RecordPage]:
    """The forms offered to a user who may record `kinds` (access.record_kinds_for)."""
    return [page for page in PAGES if page.kind in kinds]


def _page_and_person(request: HttpRequest, pk: int, slug: str) -> tuple[RecordPage, YoungPerson]:
    """The form and the young person: 404 for an unknown form or a young person outside the
    user's scope, 403 when the user's role does not keep this record (with the reason)."""
    page = BY_SLUG.get(slug)
    if page is None:
        raise Http404
    area = access.RECORDERS[page.kind][0]
    person = get_object_or_404(access.young_people_visible_to(request.user, area), pk=pk)
    if not access.role_records(request.user, page.kind):
        raise PermissionDenied(access.NOT_YOURS[page.kind])
    access_event_record(actor=request.user, young_person_id=person.pk,
                        what=f"web.record.{slug}", channel=Channel.WEB)
    return page, person


def _session_key(person: YoungPerson, page: RecordPage) -> str:
    return f"record:{person.pk}:{page.slug}"


def _typed(stored: dict[str, list[str]] | None) -> dict[str, str] | None:
    """What was typed, as kept in the session, as form data again."""
    if stored is None:
        return None
    return {name: values[-1] if values else "" for name, values in stored.items()}


def _form_page(request: HttpRequest, page: RecordPage, person: YoungPerson,
               form: record_forms.RecordForm, status: int = 200) -> HttpResponse:
    return render(request, "web/record_form.html", {"page": page, "person": person,
                                                    "form": form}, status=status)


def _add_service_errors(form: record_forms.RecordForm, error: ValidationError) -> None:
    for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


def _save(request: HttpRequest, page: RecordPage, person: YoungPerson,
          form: record_forms.RecordForm) -> HttpResponse:
    """Save through the service; its refusal goes back on the form, with what was typed."""
    try:
        record = page.save(actor=request.user, young_person=person, **form.service_data())
    except ValidationError as error:
        _add_service_errors(form, error)
        return _form_page(request, page, person, form, status=400)
    request.session.pop(_session_key(person, page), None)
    messages.success(request, page.saved(record))
    return redirect(reverse("web:young-person", args=[person.pk]))


@staff_page
def record_form(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """GET: the form (with what was typed, when coming back from the check page). POST: save it,
    or, for a statutory record, go on to check the answers."""
    page, person = _page_and_person(request, pk, kind)
    key = _session_key(person, page)
    if request.method != "POST":
        typed = _typed(request.session.get(key)) if request.GET.get("change") else None
        if typed is None:
            request.session.pop(key, None)
        return _form_page(request, page, person, page.form(typed))
    form = page.form(request.POST)
    if not form.is_valid():
        return _form_page(request, page, person, form, status=400)
    if not page.check:
        return _save(request, page, person, form)
    request.session[key] = {name: request.POST.getlist(name) for name in request.POST
                            if name != "csrfmiddlewaretoken"}
    return redirect("web:record-check", pk=person.pk, kind=page.slug)


@staff_page
def record_check(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The answers of a statutory record to check; POST saves them."""
    page, person = _page_and_person(request, pk, kind)
    if not page.check:
        raise Http404
    typed = _typed(request.session.get(_session_key(person, page)))
    if typed is None:  # nothing to check (saved already, or the session ended)
        return redirect("web:record", pk=person.pk, kind=page.slug)
    form = page.form(typed)
    if not form.is_valid():
        return _form_page(request, page, person, form, status=400)
    if request.method == "POST":
        return _save(request, page, person, form)
    return render(request, "web/record_check.html", {"page": page, "person": person,
                                                     "answers": form.answers()})


class CloseForm(record_forms.forms.Form):
    key = record_forms.forms.CharField(max_length=120, widget=record_forms.forms.HiddenInput)
    reason = record_forms._text("Why does this no longer apply?", required=True,
                                message="Enter why this no longer applies",
                                max_length=schedule_items.REASON_MAX_LENGTH)


@staff_page
def schedule_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an open statutory item as no longer applying, with the reason (a manager's
    decision: 403 for anyone else; 404 outside their scope or for an item not open)."""
    person = get_object_or_404(access.young_people_visible_to(request.user, Area.SCHEDULE),
                               pk=pk)
    access.require_close_schedule_items(request.user)
    access_event_record(actor=request.user, young_person_id=person.pk,
                        what="web.schedule_close", channel=Channel.WEB)
    data = request.POST if request.method == "POST" else None
    key = (data or request.GET).get("key", "")
    item = next((item for item in schedule_for(young_person=person)
                 if item.key == key and item.state in schedule_items.CLOSABLE), None)
    if item is None:
        raise Http404
    form = CloseForm(data, initial={"key": key})
    status = 200
    if data is not None:
        if form.is_valid():
            try:
                schedule_items.schedule_item_close(actor=request.user, young_person=person,
                                                   key=key, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, f"{item.title} closed")
                return redirect(reverse("web:team") if access.oversees_team(request.user)
                                else reverse("web:young-person", args=[person.pk]))
        status = 400
    return render(request, "web/schedule_close.html", {"person": person, "item": item,
                                                       "form": form}, status=status)
