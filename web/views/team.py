"""The team dashboard for managers: what is overdue, who has no personal adviser, how the
caseloads are shared, and what falls due this week."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from outcomes import access
from outcomes.models import Channel
from outcomes.selectors.caseloads import (
    caseload_per_worker_for,
    due_this_week_in_team_for,
    without_adviser_for,
)
from outcomes.selectors.schedule import not_recorded_in_team_for, overdue_in_team_for
from outcomes.services import access_events_record
from web.decorators import staff_page
from web.views.safeguarding import safeguarding_alerts_shown


@staff_page
def team(request: HttpRequest) -> HttpResponse:
    """Each young person named on the page is audited (one insert)."""
    if not access.oversees_team(request.user):
        raise PermissionDenied
    overdue = overdue_in_team_for(user=request.user)
    not_recorded = not_recorded_in_team_for(user=request.user)
    due = due_this_week_in_team_for(user=request.user)
    without_adviser = list(without_adviser_for(user=request.user))
    workers = list(caseload_per_worker_for(user=request.user))
    alerts = safeguarding_alerts_shown(request.user, open_only=True)
    access_events_record(
        actor=request.user, what="web.team", channel=Channel.WEB,
        young_person_ids=[row.young_person.pk for row in (*overdue, *not_recorded, *due)]
        + [person.pk for person in without_adviser]
        + [alert.young_person_id for alert in alerts],
    )
    return render(request, "web/team.html", {
        "team": request.user.team, "overdue": overdue, "due": due, "not_recorded": not_recorded,
        "closes": access.closes_schedule_items(request.user),
        "without_adviser": without_adviser, "workers": workers, "safeguarding_alerts": alerts,
    })
