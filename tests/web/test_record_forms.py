"""Recording the work from the young person page: each form's happy path, its errors (an error
summary linked to the fields, nothing typed lost), the check-answers page of the statutory
records, the roles refused (403) and the stranger (404); each page's queries counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import models as m
from outcomes.services.reminders import schedule_refresh
from tests import factories as f

TODAY = timezone.localdate()


def url(person, kind: str, *, check: bool = False) -> str:
    return reverse("web:record-check" if check else "web:record", args=[person.pk, kind])


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}


YESTERDAY = TODAY - dt.timedelta(days=1)

# For each form: who records it in the tests, a valid post, and the banner after saving.
FORMS = {
    "visit": ("social_worker", {**date_fields("visited_on", YESTERDAY), "seen_alone": "yes",
                                "note": "Settled at the placement."},
              m.SocialWorkerVisit, "Visit on"),
    "contact": ("adviser", {**date_fields("contact_on", YESTERDAY), "method": "phone",
                            "note": "Talked about college."}, m.PAContact, "Contact on"),
    "cla-review": ("iro", {**date_fields("held_on", YESTERDAY), "participation": "PN1"},
                   m.CLAReview, "Review on"),
    "pathway-plan-review": ("adviser", {**date_fields("held_on", YESTERDAY),
                                        "outcome": "Plan still fits."},
                            m.PathwayPlanReview, "Pathway plan review on"),
    "needs-assessment": ("social_worker", {**date_fields("completed_on", YESTERDAY),
                                           "summary": "Needs help with budgeting."},
                         m.NeedsAssessment, "Needs assessment on"),
    "health-assessment": ("social_worker", {"kind": "review", **date_fields("held_on", YESTERDAY)},
                          m.HealthAssessment, "Health assessment on"),
    "pep": ("virtual_school", {**date_fields("held_on", YESTERDAY), "school_urn": "100000",
                               "targets": "Read for 20 minutes a day.", "summary": ""},
            m.PEPReview, "PEP on"),
    "school": ("virtual_school", {"school_name": "Hillside College", "urn": "123456",
                                  **date_fields("started_on", YESTERDAY)},
               m.SchoolEnrolment, "Hillside College from"),
    "attendance": ("virtual_school", {"academic_year": str(TODAY.year + (TODAY.month >= 9)),
                                      "term": "autumn", "sessions_possible": "120",
                                      "sessions_attended": "110", "suspensions": "0",
                                      "permanently_excluded": "no"},
                   m.Attendance, "Attendance for the"),
    "ks2-results": ("virtual_school", {"academic_year": str(TODAY.year + (TODAY.month >= 9) - 1),
                                       "reading_expected": "yes", "writing_expected": "no",
                                       "maths_expected": "yes", "reading_scaled": "104",
                                       "maths_scaled": ""},
                    m.KS2Result, "Key stage 2 results recorded"),
    "care-leaver-record": ("adviser", {"age": "17", "in_touch": "YES", "activity": "F2",
                                       "accommodation": "B1"},
                           m.CareLeaverRecord, "Activity and accommodation at 17"),
}
CHECKED = {"cla-review", "needs-assessment", "health-assessment", "pep", "care-leaver-record"}


@pytest.fixture
def plan_agreed(record):
    return record.plan


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_each_form_saves_through_its_service_and_says_so(
        pages, personas, record, kind, django_assert_max_num_queries):
    who, data, model, banner = FORMS[kind]
    person = personas.young_person
    client = pages.as_user(getattr(personas, who))
    with django_assert_max_num_queries(12):
        page = client.get(url(person, kind))
    assert page.status_code == 200
    assert "Record" in page.content.decode()
    before = model.objects.filter(young_person=person).count()
    response = client.post(url(person, kind), data)
    if kind in CHECKED:
        assert response.status_code == 302 and response["Location"] == url(person, kind,
                                                                            check=True)
        assert model.objects.filter(young_person=person).count() == before, "saved unchecked"
        with django_assert_max_num_queries(12):
            check = client.get(url(person, kind, check=True))
        body = check.content.decode()
        assert check.status_code == 200 and "Check your answers" in body
        assert f"{url(person, kind)}?change=1#id_" in body
        response = client.post(url(person, kind, check=True))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("web:young-person", args=[person.pk])
    assert model.objects.filter(young_person=person).count() == before + 1
    shown = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in shown and banner in shown
    assert m.AccessEvent.objects.filter(young_person=person, actor=getattr(personas, who),
                                        what=f"web.record.{kind}").exists()


def test_key_stage_4_results(pages, personas, record):
    m.KS4Result.objects.filter(young_person=personas.young_person).delete()
    client = pages.as_user(personas.virtual_school)
    response = client.post(url(personas.young_person, "ks4-results"), {
        "academic_year": str(TODAY.year + (TODAY.month >= 9) - 1), "attainment8": "42.5",
        "english_grade": "5", "maths_grade": "4"})
    assert response.status_code == 302
    result = m.KS4Result.objects.get(young_person=personas.young_person)
    assert (str(result.attainment8), result.english_grade) == ("42.50", 5)


def test_an_error_summary_links_to_each_field_and_keeps_what_was_typed(pages, personas, record):
    client = pages.as_user(personas.social_worker)
    response = client.post(url(personas.young_person, "visit"), {
        "visited_on_day": "31", "visited_on_month": "2", "visited_on_year": "2026",
        "note": "Kept this note."})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and "<title>Error:" in body
    assert 'href="#id_visited_on-day">Date of the visit must be a real date' in body
    assert 'href="#id_seen_alone">Select whether the child was seen alone' in body
    assert "Kept this note." in body and 'value="31"' in body
    assert not m.SocialWorkerVisit.objects.filter(note="Kept this note.").exists()


def test_the_services_refusal_lands_on_its_field(pages, personas, record):
    tomorrow = TODAY + dt.timedelta(days=1)
    response = pages.as_user(personas.adviser).post(url(personas.young_person, "contact"), {
        **date_fields("contact_on", tomorrow), "method": "phone", "note": "Typed."})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_contact_on-day">This date is in the future' in body
    assert "Typed." in body


@pytest.mark.parametrize("garbage", [{"attainment8": "lots"}, {"attainment8": "1e400"},
                                     {"english_grade": "-3"}, {"academic_year": "1700"},
                                     {"attainment8": "NaN"}])
def test_bad_input_is_a_field_error_never_a_500(pages, personas, record, garbage):
    data = {"academic_year": str(TODAY.year), "attainment8": "40", "english_grade": "5",
            "maths_grade": "5", **garbage}
    response = pages.as_user(personas.virtual_school).post(
        url(personas.young_person, "ks4-results"), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_a_second_record_the_database_refuses_is_a_field_error(pages, personas, record):
    client = pages.as_user(personas.virtual_school)
    data = FORMS["attendance"][1]
    assert client.post(url(personas.young_person, "attendance"), data).status_code == 302
    again = client.post(url(personas.young_person, "attendance"), data)
    assert again.status_code == 400
    assert "Attendance for this term is already recorded" in again.content.decode()


def test_change_from_the_check_page_shows_what_was_typed(pages, personas, record):
    client = pages.as_user(personas.virtual_school)
    client.post(url(personas.young_person, "pep"), FORMS["pep"][1])
    back = client.get(url(personas.young_person, "pep") + "?change=1").content.decode()
    assert "Read for 20 minutes a day." in back and 'value="100000"' in back
    fresh = client.get(url(personas.young_person, "pep")).content.decode()
    assert "Read for 20 minutes a day." not in fresh


def test_the_check_page_without_answers_goes_back_to_the_form(pages, personas, record):
    response = pages.as_user(personas.iro).get(url(personas.young_person, "cla-review",
                                                   check=True))
    assert response.status_code == 302
    assert response["Location"] == url(personas.young_person, "cla-review")


def test_a_form_without_a_check_page_has_none(pages, personas, record):
    response = pages.as_user(personas.adviser).get(url(personas.young_person, "contact",
                                                       check=True))
    assert response.status_code == 404


# Who may use each form (the access policy, written out by hand: see outcomes/access.py).
MAY = {
    "visit": {"social_worker", "manager", "admin"},
    "contact": {"adviser", "manager", "admin"},
    "cla-review": {"iro", "admin"},
    "pathway-plan-review": {"adviser", "social_worker", "manager", "admin"},
    "needs-assessment": {"adviser", "social_worker", "manager", "admin"},
    "health-assessment": {"social_worker", "manager", "admin"},
    "pep": {"virtual_school", "social_worker", "manager", "admin"},
    "school": {"virtual_school", "social_worker", "adviser", "manager", "admin"},
    "attendance": {"virtual_school", "social_worker", "adviser", "manager", "admin"},
    "ks2-results": {"virtual_school", "social_worker", "adviser", "manager", "admin"},
    "ks4-results": {"virtual_school", "social_worker", "adviser", "manager", "admin"},
    "care-leaver-record": {"adviser", "manager", "admin"},
}
STAFF = ("adviser", "other_adviser", "social_worker", "iro", "virtual_school", "manager",
         "other_manager", "admin")
EDUCATION = {"pep", "school", "attendance", "ks2-results", "ks4-results"}


@pytest.mark.parametrize("kind", sorted(MAY))
@pytest.mark.parametrize("persona", STAFF)
def test_who_may_open_each_form(pages, personas, record, kind, persona):
    """Their own role's records: the form. Another role's, on a young person they see: 403 with
    the reason. A young person they do not see: 404, for every form."""
    status = pages.as_user(getattr(personas, persona)).get(
        url(personas.young_person, kind)).status_code
    sees = persona not in ("other_adviser", "other_manager") and (
        persona != "virtual_school" or kind in EDUCATION)
    expected = 200 if persona in MAY[kind] and sees else 403 if sees else 404
    assert status == expected, f"{persona} on {kind}: {status}"


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_a_refused_role_cannot_post_either(pages, personas, record, kind):
    refused = next(p for p in ("iro", "adviser", "social_worker") if p not in MAY[kind])
    model = FORMS[kind][2]
    before = model.objects.filter(young_person=personas.young_person).count()
    response = pages.as_user(getattr(personas, refused)).post(url(personas.young_person, kind),
                                                              FORMS[kind][1])
    assert response.status_code == 403
    assert model.objects.filter(young_person=personas.young_person).count() == before


def test_the_stranger_and_the_young_person_are_refused(pages, personas, record):
    assert pages.as_user(personas.other_adviser).post(
        url(personas.young_person, "contact"), FORMS["contact"][1]).status_code == 404
    assert pages.as_user(personas.young_person_user).get(
        url(personas.young_person, "contact")).status_code == 403
    signed_out = pages.as_user(None).get(url(personas.young_person, "contact"))
    assert signed_out.status_code == 302 and "/login/" in signed_out["Location"]
    assert pages.as_user(personas.adviser).get(
        url(personas.young_person, "nothing-like-this")).status_code == 404


@pytest.mark.parametrize(("persona", "offered", "not_offered"), [
    ("adviser", "Record a contact", "Record a visit"),
    ("social_worker", "Record a visit", "Record a contact"),
    ("iro", "Record a looked-after child review", "Record a visit"),
    ("virtual_school", "Record a PEP meeting", "Record a looked-after child review"),
])
def test_the_young_person_page_offers_only_the_forms_the_role_may_use(
        pages, personas, record, persona, offered, not_offered):
    body = pages.as_user(getattr(personas, persona)).get(
        reverse("web:young-person", args=[personas.young_person.pk])).content.decode()
    assert offered in body
    assert not_offered not in body


def test_a_visit_clears_the_overdue_visit_at_once(pages, personas, record):
    person = personas.young_person
    schedule_refresh(young_people=[person])
    overdue = m.ScheduleEntry.objects.filter(young_person=person, kind="social_worker_visit",
                                             due_on__lt=TODAY)
    assert overdue.exists(), "the set-up should leave a visit overdue"
    pages.as_user(personas.social_worker).post(url(person, "visit"), FORMS["visit"][1])
    assert not overdue.exists()
    upcoming = m.ScheduleEntry.objects.get(young_person=person, kind="social_worker_visit")
    assert upcoming.due_on > TODAY


def care_leaver(personas) -> m.YoungPerson:
    """Left care at 18 a year ago, on the adviser's caseload: a personal adviser contact due."""
    born = dt.date(TODAY.year - 19, TODAY.month, 1)
    person = f.YoungPersonFactory(team=personas.team, date_of_birth=born,
                                  legal_first_name="Robin", legal_last_name="Leaver")
    left = born.replace(year=born.year + 18)
    period = f.PeriodOfCareFactory(young_person=person, started_on=born.replace(
        year=born.year + 14), ended_on=left, reason_ceased="E8")
    f.EpisodeFactory(period_of_care=period, ended_on=left, reason_ceased="E8")
    f.AllocationFactory(young_person=person, worker=personas.adviser,
                        role=m.AllocationRole.PERSONAL_ADVISER)
    return person


def test_a_contact_clears_the_overdue_contact_at_once(pages, personas):
    person = care_leaver(personas)
    schedule_refresh(young_people=[person])
    overdue = m.ScheduleEntry.objects.filter(young_person=person, kind="pa_contact",
                                             due_on__lt=TODAY)
    assert overdue.exists(), "the set-up should leave a contact overdue"
    response = pages.as_user(personas.adviser).post(url(person, "contact"),
                                                    FORMS["contact"][1])
    assert response.status_code == 302
    assert not overdue.exists()
