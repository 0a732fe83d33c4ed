"""My caseload: the young people a worker holds (a manager: their team; the virtual school:
children looked after), with what is next due and how much is overdue."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from outcomes import access
from outcomes.models import Channel, Role
from outcomes.rules.schedule import State
from outcomes.selectors.caseloads import caseload_for
from outcomes.selectors.schedule import due_this_week_for
from outcomes.selectors.young_people import SEARCH_REFUSED, search_text_refused
from outcomes.services import access_events_record
from web.decorators import staff_page
from web.views.records import record_page_for_event

PAGE_SIZE = 25
HEADINGS = {
    Role.TEAM_MANAGER: "Your team's young people",
    Role.VIRTUAL_SCHOOL: "Children looked after",
    Role.ADMINISTRATOR: "All young people",
}


SEARCH_KEY = "caseload_search"


@staff_page
def caseload(request: HttpRequest) -> HttpResponse:
    """The list, searchable by name or child id, 25 to a page. Each young person shown is
    audited (one insert).

    The search is posted and kept in the session, never put in the address: a name in a URL
    ends up in access logs and browser history (DESIGN.md, dangerous constructs)."""
    search_error = ""
    if request.method == "POST":
        typed = request.POST.get("q", "").strip()[:100]
        if not search_text_refused(typed):
            request.session[SEARCH_KEY] = typed
            return redirect("web:caseload")
        # Shown again as typed, less the characters that cannot be shown or searched for.
        search_error = SEARCH_REFUSED
        search = "".join(ch for ch in typed if not search_text_refused(ch))
    else:
        search = request.session.get(SEARCH_KEY, "")
    page = Paginator(caseload_for(user=request.user, search=search), PAGE_SIZE).get_page(
        request.GET.get("page"))
    today = timezone.localdate()
    people = list(page.object_list)
    for person in people:
        person.age = person.age_on(today)
    work = _this_week(request, today)
    access_events_record(actor=request.user,
                         young_person_ids=list(dict.fromkeys(
                             [p.pk for p in people] + [row["due"].young_person.pk
                                                       for row in work])),
                         what="web.caseload", channel=Channel.WEB)
    return render(request, "web/caseload.html", {
        "heading": HEADINGS.get(request.user.role, "My caseload"),
        "search": search,
        "search_error": search_error,
        "errors": [search_error] if search_error else [],
        "page": page,
        "people": people,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2,
                                                            on_ends=1),
        "today": today,
        "shows_schedule": access.sees_whole_schedule(request.user),
        "work": work,
        "shows_work": request.user.role in WORKERS,
    }, status=400 if search_error else 200)


# The workers whose home starts with their own work: the schedule names them responsible.
WORKERS = frozenset({Role.PERSONAL_ADVISER, Role.SOCIAL_WORKER})


def _this_week(request: HttpRequest, today) -> list[dict]:
    """What the worker must do themselves, overdue first (oldest first, with how late), then
    waiting for data, then what falls due in the next 7 days; each with the form that records
    it, when their role keeps it. One query."""
    if request.user.role not in WORKERS:
        return []
    rank = {State.OVERDUE: 0, State.NEEDS_DATA: 1}
    rows = [{"due": due, "late": (today - due.entry.due_on).days
             if due.state == State.OVERDUE else 0,
             "record": record_page_for_event(request.user, due.entry.kind)}
            for due in due_this_week_for(user=request.user, on=today)]
    return sorted(rows, key=lambda row: rank.get(row["due"].state, 2))
