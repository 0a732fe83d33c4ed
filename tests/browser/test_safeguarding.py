"""Safeguarding in a real browser: a manager sees the open-alert banner on every page, opens the
alert, acknowledges it with an action, and the banner is gone for the adviser too."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.support import Site, assert_accessible


def test_a_manager_acknowledges_and_the_banner_goes_for_the_whole_team(site, demo, browser,
                                                                        live_server):
    page = site.page
    site.sign_in("manager")
    banner = page.get_by_role("region", name="Safeguarding", exact=True)
    expect(banner).to_contain_text("1 open safeguarding alert")
    site.open("/team/")
    expect(page.locator("#safeguarding + .waymark-table-scroll table")).to_contain_text("raised 23")

    banner.get_by_role("link").click()
    page.wait_for_url("**/safeguarding/")
    site.check_page()
    page.get_by_role("link", name=demo.personas.young_person.display_name).click()
    page.wait_for_url(f"**/safeguarding/{demo.safeguarding_alert.pk}/")
    expect(page.get_by_text("i dont want to be here anymore")).to_be_visible()

    # Without an action: the GOV.UK error summary, linked to the radios, focus moved to it.
    page.get_by_role("button", name="Acknowledge").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose what you did")
    assert_accessible(page)
    summary.get_by_role("link", name="Choose what you did").click()
    expect(page.get_by_label("Spoke to them by phone")).to_be_focused()

    page.get_by_label("Saw them in person").check()
    page.get_by_label("Note").fill("Came into the office; safe with a friend tonight.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Recorded. The alert is closed.")).to_be_visible()
    expect(page.get_by_role("region", name="Safeguarding", exact=True)).to_have_count(0)
    assert_accessible(page)

    # The adviser, in another browser session: no banner either.
    context = browser.new_context(base_url=live_server.url)
    try:
        other = context.new_page()
        adviser = Site(other)
        adviser.sign_in("adviser")
        expect(other.get_by_role("region", name="Safeguarding", exact=True)).to_have_count(0)
        adviser.open(f"/safeguarding/{demo.safeguarding_alert.pk}/")
        expect(other.get_by_text("Saw them in person")).to_be_visible()
    finally:
        context.close()
