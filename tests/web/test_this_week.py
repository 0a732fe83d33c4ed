"""The adviser's home starts with their own work: overdue first with how late, then what falls
due this week, each with the form that records it; the same queries however many rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes import models as m
from outcomes.services.reminders import schedule_refresh
from tests import factories as f
from tests.web.test_record_forms import care_leaver


def home(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("web:caseload")).content.decode()
    return body, len(queries)


def test_the_home_starts_with_what_is_late_and_how_late(pages, personas):
    person = care_leaver(personas)
    schedule_refresh(young_people=[person])
    entry = m.ScheduleEntry.objects.get(young_person=person, kind="pa_contact")
    late = (timezone.localdate() - entry.due_on).days
    soon = f.ScheduleEntryFactory(young_person=person, kind="care_leaver_record",
                                  title="Care-leaver activity and accommodation at 19",
                                  responsible="personal_adviser",
                                  due_on=timezone.localdate())
    client = pages.as_user(personas.adviser)
    body, _ = home(client)
    work = body.split('id="this-week"')[1].split("</table>")[0]
    assert work.index("Personal adviser contact") < work.index(soon.title), "overdue first"
    assert f"{late} days late" in work
    assert reverse("web:record", args=[person.pk, "contact"]) in work
    assert "today" in work


def test_the_same_queries_however_many_rows(pages, personas):
    client = pages.as_user(personas.adviser)
    client.get(reverse("web:caseload"))
    first = care_leaver(personas)
    schedule_refresh(young_people=[first])
    _, few = home(client)
    for _ in range(3):
        schedule_refresh(young_people=[care_leaver(personas)])
    body, more = home(client)
    assert body.count("Personal adviser contact") >= 4
    assert more == few


def test_not_for_those_who_hold_no_work_of_their_own(pages, personas):
    schedule_refresh(young_people=[care_leaver(personas)])
    for who in (personas.iro, personas.manager, personas.virtual_school):
        body, _ = home(pages.as_user(who))
        assert 'id="this-week"' not in body
    body, _ = home(pages.as_user(personas.other_adviser))
    assert "Robin" not in body
