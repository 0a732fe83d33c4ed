"""The admin: every record has pages; a list costs the same queries at 1 row as at 10; every page
that shows a child's record leaves an AccessEvent; the access trail and goal progress cannot be
changed; model validation shows as form errors, never a 500; and a non-staff user is sent to the
login page."""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from outcomes import models as m
from tests import factories as f

FACTORIES = {
    m.Team: f.TeamFactory,
    m.User: f.YoungPersonUserFactory,
    m.YoungPerson: f.YoungPersonFactory,
    m.Allocation: f.AllocationFactory,
    m.PeriodOfCare: f.PeriodOfCareFactory,
    m.Episode: f.EpisodeFactory,
    m.ConnectedPersonApproval: f.ConnectedPersonApprovalFactory,
    m.PathwayPlan: f.PathwayPlanFactory,
    m.PlanSection: f.PlanSectionFactory,
    m.YoungPersonView: f.YoungPersonViewFactory,
    m.Goal: f.GoalFactory,
    m.GoalAction: f.GoalActionFactory,
    m.GoalProgress: f.GoalProgressFactory,
    m.CLAReview: f.CLAReviewFactory,
    m.PathwayPlanReview: f.PathwayPlanReviewFactory,
    m.PEPReview: f.PEPReviewFactory,
    m.HealthAssessment: f.HealthAssessmentFactory,
    m.SocialWorkerVisit: f.SocialWorkerVisitFactory,
    m.PAContact: f.PAContactFactory,
    m.SchoolEnrolment: f.SchoolEnrolmentFactory,
    m.KS2Result: f.KS2ResultFactory,
    m.KS4Result: f.KS4ResultFactory,
    m.Attendance: f.AttendanceFactory,
    m.CareLeaverRecord: f.CareLeaverRecordFactory,
    m.NationalBenchmark: f.NationalBenchmarkFactory,
    m.AccessEvent: f.AccessEventFactory,
    m.ApiToken: f.ApiTokenFactory,
    m.SecurityEvent: f.SecurityEventFactory,
    m.NeedsAssessment: f.NeedsAssessmentFactory,
    m.TelegramLink: f.TelegramLinkFactory,
    m.TelegramLinkCode: f.TelegramLinkCodeFactory,
    m.Notification: f.NotificationFactory,
    m.ScheduleEntry: f.ScheduleEntryFactory,
    m.ScheduleItemClosure: f.ScheduleItemClosureFactory,
    m.OutcomesRecord: f.OutcomesRecordFactory,
    m.AdoptionDecision: f.AdoptionDecisionFactory,
    m.Adoption: f.AdoptionFactory,
    m.DataJob: f.DataJobFactory,
    m.SafeguardingAlert: f.SafeguardingAlertFactory,
    m.SafeguardingMessage: f.SafeguardingMessageFactory,
}
by_name = attrgetter("__name__")
MODELS = sorted(FACTORIES, key=by_name)

# Records that are not about one child; the trail itself is not a read of a child's record.
NOT_ABOUT_A_CHILD = {m.Team, m.NationalBenchmark, m.AccessEvent, m.ApiToken, m.DataJob,
                     m.SecurityEvent}
# The access trail is written only by reads; tokens only by the API's login.
# Links are made by the bot (link codes by an action or the API); the outbox and the schedule
# entries by the sweep.
NO_ADD_PAGE = {m.AccessEvent, m.ApiToken, m.SecurityEvent, m.TelegramLink, m.TelegramLinkCode,
               m.Notification, m.ScheduleEntry,
               m.ScheduleItemClosure,  # closed on the team page
               m.DataJob,  # data jobs are started from the staff pages
               m.SafeguardingAlert, m.SafeguardingMessage}  # alerts: by the service only


def outcomes_models() -> set[type]:
    return {model for model in apps.get_app_config("outcomes").get_models()
            if not issubclass(model, HistoricalChanges)}


def admin_url(model: type, view: str, *args) -> str:
    return reverse(f"admin:outcomes_{model._meta.model_name}_{view}", args=args)


def child_of(obj) -> m.YoungPerson | None:
    """The young person a record is about, found the long way round."""
    if isinstance(obj, m.YoungPerson):
        return obj
    for path in ("young_person", "plan.young_person", "section.plan.young_person",
                 "goal.section.plan.young_person", "user.young_person", "alert.young_person"):
        try:
            return attrgetter(path)(obj)
        except AttributeError:
            continue
    return None


def form_data(response) -> dict:
    """What a browser would post back from a rendered admin change page, unchanged."""
    data: dict = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


@pytest.fixture
def staff(client, personas):
    client.force_login(personas.admin)
    return client


def test_every_model_in_outcomes_has_admin_pages():
    unregistered = outcomes_models() - set(admin.site._registry)
    assert not unregistered, f"No admin pages for {sorted(map(by_name, unregistered))}"
    assert outcomes_models() == set(FACTORIES), "Give every model a factory in FACTORIES"


def test_admin_configuration_passes_the_system_checks():
    assert checks.run_checks(tags=[checks.Tags.admin]) == []


def test_every_model_with_history_shows_it_in_admin():
    for model in outcomes_models():
        if hasattr(model, "history"):
            assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model


@pytest.mark.parametrize("model", MODELS, ids=by_name)
def test_pages_open(staff, model):
    obj = FACTORIES[model]()
    response = staff.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert obj in response.context["cl"].result_list
    assert staff.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert staff.get(admin_url(model, "history", obj.pk)).status_code == 200
    if model not in NO_ADD_PAGE:
        assert staff.get(admin_url(model, "add")).status_code == 200
    if hasattr(model, "history"):
        past = obj.history.latest()
        response = staff.get(admin_url(model, "simple_history", obj.pk, past.history_id))
        assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=by_name)
def test_changelist_queries_do_not_grow_with_rows(staff, model):
    factory = FACTORIES[model]
    factory()
    url = admin_url(model, "changelist")
    staff.get(url)  # sessions, content types and the like, cached from here on
    with CaptureQueriesContext(connection) as one_row:
        first = staff.get(url)
    factory.create_batch(9)
    with CaptureQueriesContext(connection) as ten_rows:
        second = staff.get(url)
    assert len(second.context["cl"].result_list) == len(first.context["cl"].result_list) + 9
    assert len(ten_rows) == len(one_row), "\n".join(q["sql"] for q in ten_rows.captured_queries)


def test_care_leaver_list_with_recorders_costs_the_same(staff):
    # recorded_by may be empty, so it is joined only because the admin asks for it.
    url = admin_url(m.CareLeaverRecord, "changelist")
    f.CareLeaverRecordFactory(recorded_by=f.UserFactory())
    staff.get(url)
    with CaptureQueriesContext(connection) as one_row:
        staff.get(url)
    for _ in range(9):
        f.CareLeaverRecordFactory(recorded_by=f.UserFactory())
    with CaptureQueriesContext(connection) as ten_rows:
        staff.get(url)
    assert len(ten_rows) == len(one_row)


def test_young_person_page_costs_the_same_with_more_history(staff, personas):
    person = personas.young_person
    period = f.PeriodOfCareFactory(young_person=person, started_on=dt.date(2020, 1, 6))
    f.EpisodeFactory(period_of_care=period, ended_on=dt.date(2020, 3, 2), reason_ceased="X1")
    url = admin_url(m.YoungPerson, "change", person.pk)
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for n, start in enumerate((dt.date(2020, 3, 2), dt.date(2020, 6, 1), dt.date(2021, 1, 4))):
        f.EpisodeFactory(period_of_care=period, started_on=start, reason_ceased="X1",
                         ended_on=start + dt.timedelta(days=30 * (n + 1)))
        f.AllocationFactory(young_person=person, worker=f.UserFactory(),
                            started_on=start, ended_on=start + dt.timedelta(days=10))
    with CaptureQueriesContext(connection) as more:
        staff.get(url)
    assert len(more) == len(few), "\n".join(q["sql"] for q in more.captured_queries)


def test_young_person_list_searches_and_filters(staff, personas):
    url = admin_url(m.YoungPerson, "changelist")

    def listed(**params):
        return set(staff.get(url, params).context["cl"].result_list)

    assert listed(q=personas.young_person.child_id) == {personas.young_person}
    assert listed(q="Sample") == {personas.other_young_person}
    assert listed(team__id__exact=personas.other_team.pk) == {personas.other_young_person}
    f.YoungPersonFactory(team=personas.team, sex=m.Sex.MALE)
    assert personas.young_person in listed(sex__exact=m.Sex.FEMALE)
    assert personas.young_person not in listed(sex__exact=m.Sex.MALE)


def test_young_person_list_shows_age(staff, personas):
    response = staff.get(admin_url(m.YoungPerson, "changelist"))
    age = personas.young_person.age_on(timezone.localdate())
    assert f'<td class="field-age">{age}</td>' in response.content.decode()


def test_young_people_can_be_picked_by_child_id(staff, personas):
    response = staff.get(reverse("admin:autocomplete"), {
        "app_label": "outcomes", "model_name": "allocation", "field_name": "young_person",
        "term": personas.young_person.child_id,
    })
    assert [r["id"] for r in response.json()["results"]] == [str(personas.young_person.pk)]


def test_opening_a_young_person_writes_one_access_event(staff, personas):
    before = set(m.AccessEvent.objects.values_list("pk", flat=True))
    response = staff.get(admin_url(m.YoungPerson, "change", personas.young_person.pk))
    assert response.status_code == 200
    new = m.AccessEvent.objects.exclude(pk__in=before)
    assert [(e.actor, e.young_person, e.what, e.channel) for e in new] == [
        (personas.admin, personas.young_person, "young_person.admin", m.Channel.ADMIN)
    ]


@pytest.mark.parametrize("model", MODELS, ids=by_name)
def test_every_page_showing_a_child_record_is_audited(staff, personas, model):
    obj = FACTORIES[model]()
    child = None if model in NOT_ABOUT_A_CHILD else child_of(obj)
    for view in ("change", "history"):
        before = set(m.AccessEvent.objects.values_list("pk", flat=True))
        assert staff.get(admin_url(model, view, obj.pk)).status_code == 200
        new = list(m.AccessEvent.objects.exclude(pk__in=before))
        if child is None:
            assert new == []
        else:
            assert [(e.actor, e.young_person, e.channel) for e in new] == [
                (personas.admin, child, m.Channel.ADMIN)
            ]


def test_opening_a_staff_account_is_not_a_read_of_a_child(staff, personas):
    before = m.AccessEvent.objects.count()
    assert staff.get(admin_url(m.User, "change", personas.adviser.pk)).status_code == 200
    assert m.AccessEvent.objects.count() == before


def test_access_events_cannot_be_added_changed_or_deleted(staff, personas):
    event = f.AccessEventFactory(actor=personas.adviser, young_person=personas.young_person)
    assert staff.get(admin_url(m.AccessEvent, "add")).status_code == 403
    assert staff.post(admin_url(m.AccessEvent, "add"), {"what": "x"}).status_code == 403
    page = staff.get(admin_url(m.AccessEvent, "change", event.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert staff.post(admin_url(m.AccessEvent, "change", event.pk),
                      {"what": "tampered"}).status_code == 403
    assert staff.get(admin_url(m.AccessEvent, "delete", event.pk)).status_code == 403
    assert staff.post(admin_url(m.AccessEvent, "delete", event.pk),
                      {"post": "yes"}).status_code == 403
    changelist = staff.get(admin_url(m.AccessEvent, "changelist"))
    assert "delete_selected" not in changelist.content.decode()
    event.refresh_from_db()
    assert event.what == "young_person.detail"


def test_access_events_are_searched_by_child_id_and_username(staff, personas):
    mine = f.AccessEventFactory(actor=personas.adviser, young_person=personas.young_person)
    theirs = f.AccessEventFactory(actor=personas.other_adviser,
                                  young_person=personas.other_young_person)
    url = admin_url(m.AccessEvent, "changelist")

    def listed(**params):
        return set(staff.get(url, params).context["cl"].result_list)

    assert listed(q=personas.young_person.child_id) == {mine}
    assert listed(q="adviser2") == {theirs}
    assert listed(channel__exact=m.Channel.WEB) == {mine, theirs}
    assert listed(channel__exact=m.Channel.TELEGRAM) == set()


def test_goal_progress_is_added_never_changed_or_deleted(staff, personas):
    goal = f.GoalFactory(section__plan__young_person=personas.young_person)
    entry = f.GoalProgressFactory(goal=goal)
    assert staff.post(admin_url(m.GoalProgress, "change", entry.pk),
                      {"goal": goal.pk, "status": "done"}).status_code == 403
    assert staff.get(admin_url(m.GoalProgress, "delete", entry.pk)).status_code == 403
    response = staff.post(admin_url(m.GoalProgress, "add"),
                          {"goal": goal.pk, "status": m.GoalStatus.DONE, "note": "Enrolled."})
    assert response.status_code == 302
    added = m.GoalProgress.objects.exclude(pk=entry.pk).get()
    assert (added.actor, added.channel, added.status) == (
        personas.admin, m.Channel.ADMIN, m.GoalStatus.DONE)
    goal.refresh_from_db()  # the log and the goal move together
    assert (goal.status, goal.version) == (m.GoalStatus.DONE, 2)


def test_an_admin_edit_shows_in_the_history_with_its_actor(staff, personas):
    person = personas.young_person
    data = form_data(staff.get(admin_url(m.YoungPerson, "change", person.pk)))
    data["legal_last_name"] = "Renamed"
    response = staff.post(admin_url(m.YoungPerson, "change", person.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = person.history.latest()
    assert (latest.legal_last_name, latest.history_user) == ("Renamed", personas.admin)
    history = staff.get(admin_url(m.YoungPerson, "history", person.pk)).content.decode()
    assert "Example" in history and "Renamed" in history
    assert str(personas.admin) in history


def test_an_overlapping_episode_is_refused_with_a_form_error(staff):
    first = f.EpisodeFactory()  # open since 3 May 2022
    response = staff.post(admin_url(m.Episode, "add"), {
        "young_person": first.young_person.pk, "period_of_care": first.period_of_care.pk,
        "started_on": "2023-01-09", "reason_new_episode": "P", "legal_status": "C2",
        "category_of_need": "N1", "place": "U4", "place_provider": "PR1",
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["started_on"] == [
        "This episode overlaps the episode from 03/05/2022 (U4)."
    ]
    assert "This episode overlaps the episode from 03/05/2022" in response.content.decode()
    assert m.Episode.objects.count() == 1


def test_an_episode_that_follows_on_is_saved(staff):
    first = f.EpisodeFactory(ended_on=dt.date(2023, 1, 9), reason_ceased="X1")
    response = staff.post(admin_url(m.Episode, "add"), {
        "young_person": first.young_person.pk, "period_of_care": first.period_of_care.pk,
        "started_on": "2023-01-09", "reason_new_episode": "P", "legal_status": "C2",
        "category_of_need": "N1", "place": "U6", "place_provider": "PR1",
    })
    assert response.status_code == 302
    assert m.Episode.objects.count() == 2


@pytest.mark.parametrize(("place", "with_period"), [("U4", True), ("U1", False)])
def test_an_episode_without_decom_is_a_form_error(staff, place, with_period):
    period = f.PeriodOfCareFactory()
    response = staff.post(admin_url(m.Episode, "add"), {
        "young_person": period.young_person.pk,
        "period_of_care": period.pk if with_period else "",
        "reason_new_episode": "S", "legal_status": "C2", "category_of_need": "N1",
        "place": place, "place_provider": "PR1",
    })
    assert response.status_code == 200
    assert "started_on" in response.context["adminform"].form.errors


@pytest.mark.parametrize("model", [mo for mo in MODELS if mo not in NO_ADD_PAGE], ids=by_name)
def test_an_empty_add_form_shows_errors_not_a_500(staff, model):
    before = model._default_manager.count()
    response = staff.post(admin_url(model, "add"), {})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert model._default_manager.count() == before


def test_a_user_is_created_with_a_role(staff, personas):
    response = staff.post(admin_url(m.User, "add"), {
        "username": "newadviser", "usable_password": "true",
        "password1": "a-long-test-password-9", "password2": "a-long-test-password-9",
        "role": m.Role.PERSONAL_ADVISER, "team": personas.team.pk,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = m.User.objects.get(username="newadviser")
    assert (created.role, created.team) == (m.Role.PERSONAL_ADVISER, personas.team)


def test_only_a_young_person_account_is_linked_to_a_record(staff, personas):
    response = staff.post(admin_url(m.User, "add"), {
        "username": "wronglink", "usable_password": "false",
        "role": m.Role.PERSONAL_ADVISER, "young_person": personas.other_young_person.pk,
    })
    assert response.status_code == 200
    assert "only a young-person account may be" in response.content.decode()
    assert not m.User.objects.filter(username="wronglink").exists()


def test_a_plan_edit_moves_its_version_on(staff, personas):
    plan = f.PathwayPlanFactory(young_person=personas.young_person)
    url = admin_url(m.PathwayPlan, "change", plan.pk)
    data = form_data(staff.get(url))
    data["agreed_on"] = "2024-02-01"
    assert staff.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.agreed_on, plan.version) == (dt.date(2024, 2, 1), 2)


def test_a_plan_changed_elsewhere_since_it_was_opened_is_not_overwritten(staff, personas):
    plan = f.PathwayPlanFactory(young_person=personas.young_person)
    url = admin_url(m.PathwayPlan, "change", plan.pk)
    data = form_data(staff.get(url))
    m.PathwayPlan.objects.filter(pk=plan.pk).update(version=2)  # another channel saved
    data["agreed_on"] = "2024-02-01"
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "Someone changed this record after you opened it" in response.content.decode()
    plan.refresh_from_db()
    assert plan.version == 2 and plan.agreed_on != dt.date(2024, 2, 1)


@pytest.mark.parametrize("path", ["/admin/", "/admin/outcomes/youngperson/"])
def test_a_non_staff_user_is_sent_to_the_admin_login(client, personas, path):
    client.force_login(personas.adviser)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not m.AccessEvent.objects.exists()


def test_a_staff_user_without_permissions_is_refused(client, personas):
    personas.manager.is_staff = True
    personas.manager.save()
    client.force_login(personas.manager)
    url = admin_url(m.YoungPerson, "change", personas.young_person.pk)
    assert client.get(url).status_code == 403
    assert client.get(admin_url(m.YoungPerson, "changelist")).status_code == 403
    assert not m.AccessEvent.objects.exists()


def test_revoking_links_in_the_admin_goes_through_the_service(staff, django_capture_on_commit_callbacks):
    link = f.TelegramLinkFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff.post(admin_url(m.TelegramLink, "changelist"),
                              {"action": "revoke", "_selected_action": [link.pk]})
    assert response.status_code == 302
    link.refresh_from_db()
    assert not link.active and link.deactivated_reason == "Revoked by admin."
    assert link.history.latest().history_user.username == "admin"
    assert callbacks, "the chat's command menu is reset once the revoke commits"
