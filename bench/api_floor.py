"""Bare Django views that return the same JSON as two API endpoints, from the same database:
the floor the API is measured against in `make bench`.

They do the same database work as the API - the same scope from the access policy, the same
care-leaver rule, the same access-event inserts - and skip only what DRF adds: authentication
classes, content negotiation, filter backends, serializers. The benchmark checks that both
answer the same JSON before it times them.
"""

from __future__ import annotations

from collections import defaultdict

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    Channel,
    Goal,
    GoalAction,
    GoalProgress,
    PathwayPlan,
    PlanSection,
    YoungPersonView,
)
from outcomes.selectors.care_leavers import care_leaver_statuses_for
from outcomes.services import access_event_record, access_events_record

PAGE = 50


def _iso(value):
    if value is None:
        return None
    if hasattr(value, "hour"):
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value.isoformat()


def young_people_list(request: HttpRequest) -> JsonResponse:
    """The first page of /api/v1/young-people/, by hand."""
    user = request.user
    visible = access.young_people_visible_to(user, Area.PROFILE)
    count = visible.count()
    rows = list(visible.select_related("team")
                .order_by("legal_last_name", "legal_first_name", "pk")[:PAGE])
    access_events_record(actor=user, young_person_ids=[p.pk for p in rows],
                         what="youngperson.list", channel=Channel.API)
    statuses = care_leaver_statuses_for(young_people=rows)
    today = timezone.localdate()
    hidden = access.hidden_fields(user, "youngperson")
    results = []
    for p in rows:
        row = {
            "id": p.pk, "child_id": p.child_id, "legal_first_name": p.legal_first_name,
            "legal_last_name": p.legal_last_name, "preferred_name": p.preferred_name,
            "display_name": p.display_name, "date_of_birth": _iso(p.date_of_birth),
            "age": p.age_on(today), "sex": p.sex, "ethnicity": p.ethnicity, "upn": p.upn,
            "uasc": p.uasc, "disability": p.disability, "sen_status": p.sen_status,
            "team": p.team_id, "team_name": p.team.name, "preferred_contact": p.preferred_contact,
            "phone": p.phone, "email": p.email, "contact_notes": p.contact_notes,
            "care_leaver_category": statuses[p.pk].category.value,
        }
        results.append({k: v for k, v in row.items() if k not in hidden})
    next_url = (request.build_absolute_uri(request.path) + "?page=2") if count > PAGE else None
    return JsonResponse({"count": count, "next": next_url, "previous": None,
                         "results": results})


def plan_detail(request: HttpRequest, pk: int) -> JsonResponse:
    """/api/v1/pathway-plans/{pk}/, by hand."""
    user = request.user
    plan = PathwayPlan.objects.get(
        pk=pk, young_person__in=access.young_people_visible_to(user, Area.PLANS).values("pk"))
    access_event_record(actor=user, young_person_id=plan.young_person_id,
                        what="pathwayplan.retrieve", channel=Channel.API)
    sections = list(PlanSection.objects.filter(plan=plan).order_by("plan_id", "id"))
    views = defaultdict(list)
    for v in YoungPersonView.objects.filter(section_id__in=[s.pk for s in sections]).order_by(
            "section_id", "expressed_on", "id"):
        views[v.section_id].append({
            "id": v.pk, "section": v.section_id, "text": v.text,
            "expressed_on": _iso(v.expressed_on), "channel": v.channel,
            "recorded_by": v.recorded_by_id, "recorded_at": _iso(v.recorded_at)})
    goals = list(Goal.objects.filter(section_id__in=[s.pk for s in sections])
                 .order_by("section_id", "id"))
    goal_ids = [g.pk for g in goals]
    actions, progress = defaultdict(list), defaultdict(list)
    for a in GoalAction.objects.filter(goal_id__in=goal_ids).order_by("goal_id", "due_on", "id"):
        actions[a.goal_id].append({"id": a.pk, "description": a.description,
                                   "owner": a.owner_id, "due_on": _iso(a.due_on),
                                   "done_on": _iso(a.done_on)})
    for g in GoalProgress.objects.filter(goal_id__in=goal_ids).order_by(
            "goal_id", "recorded_at", "id"):
        progress[g.goal_id].append({"id": g.pk, "goal": g.goal_id, "status": g.status,
                                    "note": g.note, "actor": g.actor_id, "channel": g.channel,
                                    "recorded_at": _iso(g.recorded_at)})
    goals_by_section = defaultdict(list)
    for g in goals:
        goals_by_section[g.section_id].append({
            "id": g.pk, "description": g.description, "owner": g.owner_id,
            "target_date": _iso(g.target_date), "status": g.status, "version": g.version,
            "actions": actions[g.pk], "progress": progress[g.pk]})
    response = JsonResponse({
        "id": plan.pk, "young_person": plan.young_person_id, "number": plan.number,
        "status": plan.status, "agreed_on": _iso(plan.agreed_on),
        "created_by": plan.created_by_id, "created_at": _iso(plan.created_at),
        "updated_at": _iso(plan.updated_at), "version": plan.version,
        "sections": [{"id": s.pk, "heading": s.heading, "heading_label": s.get_heading_display(),
                      "assessment": s.assessment, "views": views[s.pk],
                      "goals": goals_by_section[s.pk]} for s in sections],
    })
    response["ETag"] = f'"{plan.version}"'
    return response
