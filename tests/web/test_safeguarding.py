"""Safeguarding alerts on the staff pages: the banner on every page while an alert is open in the
user's scope, the list, the alert's page (the words, who was told, the acknowledge form) and the
team dashboard; the stranger is refused, every read is audited, and the queries do not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from outcomes import models as m
from outcomes.rules.risk import KIND_LABELS, RiskFinding, RiskKind
from outcomes.selectors.safeguarding import safeguarding_open_count_for
from outcomes.services.safeguarding import safeguarding_alert_raise
from tests import factories as f

WORDS = "my boyfriend hit me again and i am scared to go home"
BANNER = "open safeguarding alert"


@pytest.fixture(autouse=True)
def quiet_outbox(monkeypatch, settings):
    from config.celery import app

    settings.WAYMARK_DUTY_EMAIL = "duty@council.example"
    monkeypatch.setattr(app, "send_task", lambda *args, **kwargs: None)


def raise_for(person, *, minutes_ago: int = 23, text: str = WORDS) -> m.SafeguardingAlert:
    return safeguarding_alert_raise(
        young_person=person, text=text, channel="telegram",
        finding=RiskFinding(kinds=frozenset({RiskKind("harm_from_others")}), matched=("hit me",)),
        now=timezone.now() - dt.timedelta(minutes=minutes_ago))


def body(response) -> str:
    return response.content.decode()


def test_the_banner_shows_on_every_page_for_those_in_scope_only(personas, pages):
    raise_for(personas.young_person)
    for user in (personas.adviser, personas.social_worker, personas.manager, personas.admin):
        page = body(pages.as_user(user).get("/"))
        assert f"1 {BANNER}" in page and 'href="/safeguarding/"' in page, user
    for user in (personas.other_adviser, personas.other_manager, personas.iro,
                 personas.virtual_school):
        assert BANNER not in body(pages.as_user(user).get("/telegram/")), user


def test_the_banner_is_one_query(personas, django_assert_num_queries):
    for _ in range(3):
        person = f.YoungPersonFactory(team=personas.team)
        raise_for(person)
    with django_assert_num_queries(1):
        assert safeguarding_open_count_for(personas.manager) == 3
    with django_assert_num_queries(1):
        assert safeguarding_open_count_for(personas.adviser) == 0  # none on their caseload


def test_the_list_shows_age_kind_and_young_person_without_the_words(personas, pages):
    alert = raise_for(personas.young_person)
    response = pages.as_user(personas.adviser).get("/safeguarding/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = body(response)
    assert "raised 23\xa0minutes ago" in page
    assert escape(KIND_LABELS[RiskKind("harm_from_others")]) in page
    assert f'/safeguarding/{alert.pk}/' in page and personas.young_person.child_id in page
    assert "boyfriend" not in page
    assert m.AccessEvent.objects.filter(what="web.safeguarding", actor=personas.adviser,
                                        young_person=personas.young_person).exists()
    assert "No alert is open" in body(pages.as_user(personas.other_adviser).get("/safeguarding/"))


def test_the_list_and_banner_queries_do_not_grow_with_alerts(personas, pages):
    client = pages.as_user(personas.manager)
    raise_for(f.YoungPersonFactory(team=personas.team))
    client.get("/safeguarding/")
    with CaptureQueriesContext(connection) as one:
        client.get("/safeguarding/")
    for _ in range(6):
        raise_for(f.YoungPersonFactory(team=personas.team))
    with CaptureQueriesContext(connection) as seven:
        response = client.get("/safeguarding/")
    assert body(response).count("Not acknowledged") == 7
    assert len(seven) == len(one) <= 12, [q["sql"] for q in seven.captured_queries]


def test_the_alert_page_shows_the_words_and_who_was_told_and_audits_the_read(
        personas, pages, monkeypatch):
    from outcomes.services import safeguarding as service

    monkeypatch.setattr(service, "in_office_hours", lambda moment, hours: True)
    alert = raise_for(personas.young_person)
    response = pages.as_user(personas.manager).get(f"/safeguarding/{alert.pk}/")
    assert response.status_code == 200
    page = body(response)
    assert WORDS in page
    assert str(personas.adviser) in page and "Duty team" not in page  # in hours, adviser told
    assert m.AccessEvent.objects.filter(what="web.safeguarding_alert", actor=personas.manager,
                                        young_person=personas.young_person).count() == 1


@pytest.mark.parametrize("who", ["other_adviser", "other_manager", "iro", "virtual_school"])
def test_the_stranger_is_refused_the_alert(personas, pages, who):
    alert = raise_for(personas.young_person)
    client = pages.as_user(getattr(personas, who))
    assert client.get(f"/safeguarding/{alert.pk}/").status_code == 404
    assert client.post(f"/safeguarding/{alert.pk}/", {"action": "called"}).status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"
    assert not m.AccessEvent.objects.filter(what="web.safeguarding_alert").exists()


def test_a_young_person_cannot_open_the_staff_pages(personas, pages):
    alert = raise_for(personas.young_person)
    client = pages.as_user(personas.young_person_user)
    assert client.get(f"/safeguarding/{alert.pk}/").status_code == 403
    assert client.get("/safeguarding/").status_code == 403


def test_acknowledging_needs_an_action_and_other_needs_a_note(personas, pages):
    alert = raise_for(personas.young_person)
    client = pages.as_user(personas.adviser)
    response = client.post(f"/safeguarding/{alert.pk}/", {"note": "x"})
    assert response.status_code == 400
    page = body(response)
    assert "There is a problem" in page and "Choose what you did" in page
    assert "<title>Error:" in page
    response = client.post(f"/safeguarding/{alert.pk}/", {"action": "other", "note": " "})
    assert response.status_code == 400 and "Say what you did" in body(response)
    alert.refresh_from_db()
    assert alert.status == "open"


def test_acknowledging_clears_the_banner_for_the_whole_team(personas, pages):
    alert = raise_for(personas.young_person)
    manager = pages.as_user(personas.manager)
    response = manager.post(f"/safeguarding/{alert.pk}/",
                            {"action": "seen", "note": "Came into the office."}, follow=True)
    assert response.status_code == 200
    assert "Recorded. The alert is closed." in body(response)
    for user in (personas.adviser, personas.manager, personas.admin):
        assert BANNER not in body(pages.as_user(user).get("/")), user
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.action, alert.acknowledged_channel) == (
        "acknowledged", personas.manager, "seen", "web")
    # A second acknowledgement changes nothing, and says who was first.
    again = pages.as_user(personas.adviser).post(f"/safeguarding/{alert.pk}/",
                                                 {"action": "called"}, follow=True)
    assert f"Already acknowledged by {personas.manager}" in body(again)
    alert.refresh_from_db()
    assert alert.acknowledged_by == personas.manager


def test_could_not_reach_them_keeps_the_banner(personas, pages):
    alert = raise_for(personas.young_person)
    response = pages.as_user(personas.adviser).post(
        f"/safeguarding/{alert.pk}/", {"action": "no_contact"}, follow=True)
    assert "The duty team has been told" in body(response)
    assert f"1 {BANNER}" in body(pages.as_user(personas.manager).get("/"))


def test_the_team_dashboard_lists_open_alerts_with_their_age(personas, pages):
    raise_for(personas.young_person, minutes_ago=40)
    raise_for(personas.other_young_person)  # another team's
    page = body(pages.as_user(personas.manager).get("/team/"))
    section = page[page.index('id="safeguarding"'):page.index('id="overdue"')]
    assert personas.young_person.child_id in section and "raised 40\xa0minutes ago" in section
    assert personas.other_young_person.child_id not in section
    assert "boyfriend" not in page


def test_the_chronology_shows_the_alert_without_the_words(personas, pages):
    alert = raise_for(personas.young_person)
    pages.as_user(personas.adviser).post(f"/safeguarding/{alert.pk}/", {"action": "called"})
    page = body(pages.as_user(personas.adviser).get(
        f"/young-people/{personas.young_person.pk}/chronology/"))
    assert "Safeguarding alert" in page and "spoke to them by phone" in page
    assert "boyfriend" not in page and "hit me" not in page


def test_the_alert_page_queries_do_not_grow_with_messages_and_rows(personas, pages):
    alert = raise_for(personas.young_person)
    client = pages.as_user(personas.manager)
    client.get(f"/safeguarding/{alert.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/safeguarding/{alert.pk}/")
    for n in range(5):
        raise_for(personas.young_person, minutes_ago=20 - n, text=f"message {n}")
    m.Allocation.objects.filter(young_person=personas.young_person).delete()
    from outcomes.services.safeguarding import safeguarding_callback_set

    safeguarding_callback_set(young_person=personas.young_person, alert_id=alert.pk, wanted=True)
    with CaptureQueriesContext(connection) as many:
        page = body(client.get(f"/safeguarding/{alert.pk}/"))
    assert "message 4" in page and "Duty team" in page
    assert len(many) == len(few) <= 14, [q["sql"] for q in many.captured_queries]
