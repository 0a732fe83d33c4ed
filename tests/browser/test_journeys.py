"""Staff journeys in a real browser: signing in through the form, what each role sees, signing
out, the sign-in error, and the keyboard. axe-core runs on every page opened (Site.open)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.support import assert_accessible


def test_a_manager_opens_the_caseload_a_young_person_and_the_team_dashboard(site, demo):
    page = site.page
    site.sign_in("manager")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team's young people")
    names = page.locator("table.govuk-table tbody th").all_inner_texts()
    for person in (*demo.caseload, *demo.team_only):
        assert person.display_name in names
    assert demo.personas.other_young_person.display_name not in names

    page.get_by_role("link", name=demo.personas.young_person.display_name).click()
    page.wait_for_url(f"**/young-people/{demo.personas.young_person.pk}/")
    site.check_page()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jordan Example")
    expect(page.get_by_text(f"Signed in as {demo.personas.manager} (manager)")).to_be_visible()
    expect(page.get_by_role("heading", name="What is due")).to_be_visible()
    # The record's sections, each at its own address, from the sub-navigation.
    sections = page.get_by_role("navigation", name=re.compile("Sections of"))
    sections.get_by_role("link", name="Goals and views").click()
    page.wait_for_url(f"**/young-people/{demo.personas.young_person.pk}/goals-and-views/")
    site.check_page()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Goals and views")
    expect(page.get_by_text("Apply for the catering course")).to_be_visible()
    expect(sections.get_by_role("link", name="Goals and views")).to_have_attribute(
        "aria-current", "page")
    sections.get_by_role("link", name="Who has looked").click()
    page.wait_for_url(f"**/young-people/{demo.personas.young_person.pk}/who-has-looked/")
    expect(page.get_by_text(f"{demo.personas.manager} (manager), on the web,").first
           ).to_be_visible()

    page.get_by_role("link", name="Team", exact=True).click()
    page.wait_for_url("**/team/")
    site.check_page()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Leaving care team")
    expect(page.get_by_role("heading", name="Overdue or waiting for data")).to_be_visible()
    expect(page.get_by_role("cell", name="Health assessment").first).to_be_visible()


def test_an_adviser_sees_only_their_caseload(site, demo):
    page = site.page
    site.sign_in("adviser")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    names = page.locator("table.govuk-table tbody th").all_inner_texts()
    assert sorted(names) == sorted(person.display_name for person in demo.caseload)
    assert demo.personas.other_young_person.display_name not in names
    # Not in the navigation either: the team dashboard is for managers.
    expect(page.get_by_role("link", name="Team", exact=True)).to_have_count(0)

    # Another adviser's young person: the address answers the 404 page, which discloses nothing.
    site.open(f"/young-people/{demo.personas.other_young_person.pk}/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text(demo.personas.other_young_person.display_name)).to_have_count(0)


def test_signing_out_ends_the_session(site, demo):
    page = site.page
    site.sign_in("adviser")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Waymark")
    # The caseload now sends the browser back to sign in.
    page.goto("/")
    page.wait_for_url("**/login/?next=/")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_a_wrong_password_shows_the_error_summary(site, demo):
    page = site.page
    site.open("/login/")
    page.get_by_label("Username").fill("adviser")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        "Enter a correct username and password. Both are case-sensitive.")
    # GOV.UK Frontend's script moves focus to the summary, the title says "Error:", and what was
    # typed in the username is kept.
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in\b"))
    expect(page.get_by_label("Username")).to_have_value("adviser")
    assert page.url.endswith("/login/")
    site.check_page()
    assert_accessible(page)
    # The summary's link takes focus to the field to correct.
    summary.get_by_role("link").click()
    expect(page.get_by_label("Username")).to_be_focused()


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(site, demo):
    page = site.page
    site.sign_in("adviser")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused (hidden until then by GOV.UK's CSS)
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    # The next Tab goes on from the main content, not back to the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate("() => document.activeElement.closest('main') !== null")
    assert in_main


def test_the_pages_are_styled_by_gov_uk_frontend_and_its_script_runs(site, demo):
    page = site.page
    site.open("/login/")
    style = page.evaluate("""() => {
        const skip = getComputedStyle(document.querySelector('.govuk-skip-link'));
        const button = getComputedStyle(document.querySelector('.govuk-button'));
        return {font: getComputedStyle(document.body).fontFamily, skipPosition: skip.position,
                buttonColour: button.backgroundColor,
                supported: document.body.classList.contains('govuk-frontend-supported')};
    }""")
    assert style["font"].lower().startswith("arial")           # web/static/web/waymark.css
    assert style["skipPosition"] == "absolute"                   # govuk-frontend.min.css
    assert style["buttonColour"] not in ("", "rgba(0, 0, 0, 0)", "rgb(239, 239, 239)")
    assert style["supported"]                                    # web/static/web/init.js ran
