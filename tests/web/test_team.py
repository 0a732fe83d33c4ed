"""The team dashboard: for managers, over their team only, aggregated in SQL."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outcomes import models as m
from tests import factories as f


def test_the_manager_sees_their_teams_work(personas, record, pages):
    # Looked after since 2022, so eligible at 17, with no personal adviser: listed. Not listed:
    # a 17-year-old never looked after, and a 12-year-old looked after (not owed one yet).
    unadvised = f.YoungPersonFactory(team=personas.team, legal_first_name="Alex",
                                     legal_last_name="Unadvised")
    f.EpisodeFactory(period_of_care__young_person=unadvised)
    f.YoungPersonFactory(team=personas.team, legal_first_name="Never", legal_last_name="InCare")
    child = f.YoungPersonFactory(team=personas.team, legal_first_name="Young",
                                 legal_last_name="Child",
                                 date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 12))
    f.EpisodeFactory(period_of_care__young_person=child)
    response = pages.as_user(personas.manager).get("/team/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "<h1 class=\"govuk-heading-l\">Leaving care team</h1>" in body
    overdue = body[body.index('id="overdue"'):body.index('id="due"')]
    assert "Health assessment" in overdue and ">Overdue</strong>" in overdue
    due = body[body.index('id="due"'):body.index('id="without-adviser"')]
    assert "Second CLA review" in due and "Health assessment" not in due
    without = body[body.index('id="without-adviser"'):body.index('id="caseloads"')]
    assert "Alex Unadvised" in without
    for absent in ("Never InCare", "Young Child", "Jordan Example"):
        assert absent not in without
    caseloads = body[body.index('id="caseloads"'):]
    assert str(personas.adviser) in caseloads
    assert str(personas.other_adviser) not in caseloads  # another team's worker
    # Each young person named leaves a trace.
    traced = set(m.AccessEvent.objects.filter(what="web.team").values_list(
        "young_person_id", flat=True))
    assert traced == {personas.young_person.pk, unadvised.pk}


def test_caseload_per_worker_counts_current_allocations_in_sql(personas, pages):
    for _ in range(3):
        f.AllocationFactory(young_person=f.YoungPersonFactory(team=personas.team),
                            worker=personas.adviser)
    ended = f.AllocationFactory(young_person=f.YoungPersonFactory(team=personas.team),
                                worker=personas.adviser,
                                started_on=timezone.localdate() - dt.timedelta(days=100))
    ended.ended_on = timezone.localdate() - dt.timedelta(days=1)
    ended.save()
    body = pages.as_user(personas.manager).get("/team/").content.decode()
    row = body[body.index(f">{personas.adviser}</th>"):]
    row = row[:row.index("</tr>")]
    assert 'govuk-table__cell--numeric">4</td>' in row  # Jordan and three more; not the ended one


def test_another_teams_manager_does_not_see_this_team(personas, record, pages):
    body = pages.as_user(personas.other_manager).get("/team/").content.decode()
    assert "Jordan Example" not in body and "Health assessment" not in body
    assert "Children in care team" in body


def test_workers_are_refused_the_team_dashboard(personas, pages):
    for who in ("adviser", "social_worker", "iro", "virtual_school"):
        response = pages.as_user(getattr(personas, who)).get("/team/")
        assert response.status_code == 403, who
    assert 'href="/team/"' not in pages.as_user(personas.adviser).get("/").content.decode()
    assert 'href="/team/"' in pages.as_user(personas.manager).get("/").content.decode()


def test_the_dashboard_costs_the_same_for_a_bigger_team(personas, pages):
    def grow(count):
        today = timezone.localdate()
        for _ in range(count):
            person = f.YoungPersonFactory(team=personas.team)
            f.AllocationFactory(young_person=person, worker=personas.social_worker,
                                role=m.AllocationRole.SOCIAL_WORKER)
            f.ScheduleEntryFactory(young_person=person, due_on=today - dt.timedelta(days=2))
            f.ScheduleEntryFactory(young_person=person, due_on=today + dt.timedelta(days=2))

    def queries():
        client = pages.as_user(personas.manager)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/team/").status_code == 200
        return len(captured)

    grow(2)
    small = queries()
    grow(15)
    assert queries() == small
