"""Changing a young person's pathway plan: the ten sections of the plan staff work on, adding a
goal and changing one. The services in `outcomes.services.plan_edits` decide who may (outside
your scope: 404; a plan you may see but not change: 403) and refuse a stale version; these views
parse the form, call them, and show their answer.

A form that went stale (someone saved first) is shown again with what they changed beside what
the user typed: nothing typed is lost, and nothing is saved until the user sends it again.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from outcomes import access
from outcomes.access import Area
from outcomes.models import Channel, PlanHeading, YoungPerson
from outcomes.selectors.plan_editing import (
    PlanForEditing,
    goal_owner_choices_for,
    goal_saves_since,
    plan_for_editing,
    plan_saves_since,
)
from outcomes.selectors.plans import goal_for
from outcomes.services import StaleVersion, access_event_record, plan_edits
from web.decorators import staff_page
from web.plan_forms import Conflict, GoalForm, PlanSectionsForm, ReadAtForm

SEE_ONLY = "You can see this plan but your role cannot change it."


def _person_whose_plan_may_change(request: HttpRequest, pk: int) -> YoungPerson:
    """The young person if the user may change their plan; 404 outside the user's scope for
    plans, 403 for a plan they may see but not change."""
    person = get_object_or_404(access.young_people_visible_to(request.user, Area.PLANS), pk=pk)
    if not access.can_change(request.user, person.pk, Area.PLANS):
        raise PermissionDenied(SEE_ONLY)
    return person


def _traced(request: HttpRequest, person: YoungPerson, what: str) -> None:
    access_event_record(actor=request.user, young_person_id=person.pk, what=what,
                        channel=Channel.WEB)


def _add_service_errors(form: ReadAtForm, error: ValidationError) -> None:
    """A service's refusal on the form: on the field it names, or for the whole form."""
    for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


def _plan_page(request: HttpRequest, person: YoungPerson, context: dict,
               status: int = 200) -> HttpResponse:
    _traced(request, person, "web.plan_edit")
    return render(request, "web/plan_edit.html", {"person": person, **context}, status=status)


def _rows(editing: PlanForEditing, form: PlanSectionsForm,
          conflicts: Sequence[Conflict] = ()) -> list[dict]:
    """Each heading with its field and what someone else changed under it, for the template."""
    by_name = {conflict.name: conflict for conflict in conflicts}
    return [{"item": item, "field": form[item.heading.value],
             "conflict": by_name.get(item.heading.value)} for item in editing.sections]


@staff_page
def plan_goals(request: HttpRequest, pk: int) -> HttpResponse:
    """The goals under each heading, with a link to change each and to add one."""
    person = _person_whose_plan_may_change(request, pk)
    editing = plan_for_editing(viewer=request.user, young_person=person.pk)
    _traced(request, person, "web.plan_goals")
    return render(request, "web/plan_goals.html", {"person": person, "editing": editing})


@staff_page
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the ten sections to change. POST: save the sections the user changed."""
    person = _person_whose_plan_may_change(request, pk)
    editing = plan_for_editing(viewer=request.user, young_person=person.pk)
    if editing is None:
        return _plan_page(request, person, {"editing": None})
    if request.method != "POST":
        form = PlanSectionsForm(editing=editing)
        return _plan_page(request, person, {"editing": editing, "form": form,
                                             "rows": _rows(editing, form)})
    form = PlanSectionsForm(request.POST, editing=editing)
    if not form.is_valid():
        return _plan_page(request, person, {"editing": editing, "form": form,
                                             "rows": _rows(editing, form)}, status=400)
    sections = form.sections()
    read_version = form.cleaned_data["version"]
    try:
        if form.cleaned_data["plan"] != editing.plan.pk:
            raise StaleVersion(editing.plan)  # another plan was agreed after the form was read
        if not sections:
            messages.info(request, "You did not change the plan, so nothing was saved.")
            return redirect(reverse("web:young-person-plan", args=[person.pk]))
        plan_edits.plan_update(actor=request.user, plan=editing.plan,
                               data={"sections": sections}, expected_version=read_version)
    except StaleVersion:
        fresh = plan_for_editing(viewer=request.user, young_person=person.pk)
        if fresh is None:  # nothing left to change: the plan was ended meanwhile
            return _plan_page(request, person, {"editing": None, "form": form, "lost": [
                (PlanHeading(name).label, text) for name, text in form.changed_values().items()
            ]}, status=409)
        rebased, conflicts = form.rebased(fresh)
        same_plan = fresh.plan.pk == form.cleaned_data["plan"]
        saves = (plan_saves_since(viewer=request.user, plan=fresh.plan, version=read_version)
                 if same_plan else [])
        return _plan_page(request, person, {
            "editing": fresh, "form": rebased, "rows": _rows(fresh, rebased, conflicts),
            "conflicts": conflicts, "saves": saves, "stale": True,
            "replaced": not same_plan}, status=409)
    except ValidationError as error:
        _add_service_errors(form, error)
        return _plan_page(request, person, {"editing": editing, "form": form,
                                             "rows": _rows(editing, form)}, status=400)
    messages.success(request, f"Pathway plan {editing.plan.number} saved")
    return redirect(reverse("web:young-person-plan", args=[person.pk]))


def _goal_page(request: HttpRequest, person: YoungPerson, context: dict,
               status: int = 200) -> HttpResponse:
    _traced(request, person, "web.goal_edit")
    return render(request, "web/goal_form.html", {"person": person, **context}, status=status)


def _back_to_heading(person: YoungPerson, heading: str) -> HttpResponse:
    return redirect(reverse("web:plan-goals", args=[person.pk]) + f"#goals-{heading}")


@staff_page
def goal_add(request: HttpRequest, pk: int, heading: str) -> HttpResponse:
    """A new goal under one heading of the plan staff work on."""
    person = _person_whose_plan_may_change(request, pk)
    if heading not in PlanHeading.values:
        raise Http404
    editing = plan_for_editing(viewer=request.user, young_person=person.pk)
    item = editing.section(heading) if editing else None
    if item is None or item.section is None:
        raise Http404  # goals need the heading's section: saving its assessment makes it
    owners = goal_owner_choices_for(viewer=request.user, young_person=person.pk)
    context = {"plan": editing.plan, "heading": item.heading, "adding": True}
    if request.method != "POST":
        return _goal_page(request, person, {**context, "form": GoalForm(owners=owners)})
    form = GoalForm(request.POST, owners=owners)
    if form.is_valid():
        try:
            plan_edits.goal_create(actor=request.user, section=item.section, **form.goal_data())
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Goal added under {item.heading.label}")
            return _back_to_heading(person, heading)
    return _goal_page(request, person, {**context, "form": form}, status=400)


@staff_page
def goal_edit(request: HttpRequest, pk: int, goal_id: int) -> HttpResponse:
    """A goal's description, owner, target date and status."""
    person = _person_whose_plan_may_change(request, pk)
    goal = goal_for(viewer=request.user, goal_id=goal_id, for_staff=True)
    if goal.section.plan.young_person_id != person.pk:
        raise Http404
    owners = goal_owner_choices_for(viewer=request.user, young_person=person.pk,
                                    current=goal.owner)
    heading = PlanHeading(goal.section.heading)
    context = {"plan": goal.section.plan, "heading": heading, "goal": goal}
    if request.method != "POST":
        return _goal_page(request, person, {**context,
                                            "form": GoalForm(owners=owners, goal=goal)})
    form = GoalForm(request.POST, owners=owners, goal=goal)
    if not form.is_valid():
        return _goal_page(request, person, {**context, "form": form}, status=400)
    changes = form.goal_data()
    read_version = form.cleaned_data["version"]
    if not changes:
        messages.info(request, "You did not change the goal, so nothing was saved.")
        return _back_to_heading(person, heading)
    try:
        plan_edits.goal_update(actor=request.user, goal=goal, data=changes,
                               expected_version=read_version)
    except StaleVersion:
        try:
            fresh = goal_for(viewer=request.user, goal_id=goal_id, for_staff=True)
        except access.NotVisible:  # its plan was superseded meanwhile: show what was typed
            return _goal_page(request, person, {**context, "form": form, "gone": True},
                              status=409)
        owners = goal_owner_choices_for(viewer=request.user, young_person=person.pk,
                                        current=fresh.owner)
        rebased, conflicts = form.rebased(fresh, owners)
        return _goal_page(request, person, {
            **context, "goal": fresh, "form": rebased, "conflicts": conflicts, "stale": True,
            "saves": goal_saves_since(viewer=request.user, goal=fresh, version=read_version),
        }, status=409)
    except ValidationError as error:
        _add_service_errors(form, error)
        return _goal_page(request, person, {**context, "form": form}, status=400)
    messages.success(request, "Goal saved")
    return _back_to_heading(person, heading)
