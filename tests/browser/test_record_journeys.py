"""Recording the work in a real browser, one journey per role: the adviser records a contact
and the overdue contact clears; the social worker records a visit; the IRO records a review
through its check-answers page; the virtual school records a PEP. axe-core runs on each page."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from playwright.sync_api import expect

from tests.browser.support import assert_accessible

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
SAID = formats.date_format(YESTERDAY, "j F Y")


def fill_date(page, day: dt.date) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def open_record(site, person, link: str) -> None:
    page = site.page
    site.open(f"/young-people/{person.pk}/")
    page.get_by_role("link", name=link).click()
    page.wait_for_url(f"**/young-people/{person.pk}/record/**")
    site.check_page()
    assert_accessible(page)


def schedule_row(page, title: str):
    return page.locator("table tr", has=page.get_by_role("cell", name=title, exact=True))


def test_an_adviser_records_a_contact_and_the_overdue_contact_clears(site, demo):
    from tests.web.test_record_forms import care_leaver

    person = care_leaver(demo.personas)
    page = site.page
    site.sign_in("adviser")
    site.open(f"/young-people/{person.pk}/schedule/")
    expect(schedule_row(page, "Personal adviser contact").first).to_contain_text("Overdue")

    open_record(site, person, "Record a contact")
    page.get_by_role("button", name="Save").click()  # nothing filled in: the error summary
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the date of the contact")).to_be_visible()
    assert_accessible(page)

    fill_date(page, YESTERDAY)
    page.get_by_label("Phone").check()
    page.get_by_label("Note (optional)").fill("Talked about the college course.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/young-people/{person.pk}/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Contact on {SAID} recorded")
    assert_accessible(page)
    site.open(f"/young-people/{person.pk}/schedule/")  # the whole schedule, done items too
    row = schedule_row(page, "Personal adviser contact")
    expect(row.filter(has_text="Overdue")).to_have_count(0)
    expect(row.filter(has_text="Done")).to_have_count(1)


def test_a_social_worker_records_a_visit(site, demo):
    person = demo.personas.young_person
    page = site.page
    site.sign_in("socialworker")
    open_record(site, person, "Record a visit")
    fill_date(page, YESTERDAY)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/young-people/{person.pk}/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Visit on {SAID} recorded")
    site.open(f"/young-people/{person.pk}/schedule/")
    expect(schedule_row(page, "Social worker visit").filter(has_text="Done")).to_have_count(1)


def test_the_iro_records_a_review_after_checking_the_answers(site, demo):
    person = demo.personas.young_person
    page = site.page
    site.sign_in("iro")
    open_record(site, person, "Record a looked-after child review")
    fill_date(page, YESTERDAY)
    page.get_by_label("Attends and speaks for self").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/record/cla-review/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text(SAID)
    assert_accessible(page)

    # Change a answer: the form shows what was typed.
    page.get_by_role("link", name="Change how did the child take part?").click()
    expect(page.get_by_label("Attends and speaks for self")).to_be_checked()
    expect(page.get_by_label("Day")).to_have_value(str(YESTERDAY.day))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/record/cla-review/check/")
    page.get_by_role("button", name="Record it").click()
    page.wait_for_url(f"**/young-people/{person.pk}/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Review on {SAID} recorded")


def test_the_virtual_school_records_a_pep_with_its_targets(site, demo):
    person = demo.personas.young_person
    page = site.page
    site.sign_in("virtualschool")
    open_record(site, person, "Record a PEP meeting")
    expect(page.get_by_role("heading", level=1)).to_contain_text("personal education plan")
    fill_date(page, YESTERDAY)
    page.get_by_label("Targets agreed").fill("Reading age up by a year.\nAttend every day.")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/record/pep/check/")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Reading age up by a year.")
    assert_accessible(page)
    page.get_by_role("button", name="Record it").click()
    page.wait_for_url(f"**/young-people/{person.pk}/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"PEP on {SAID} recorded")
