"""Issue 15: a strict Content-Security-Policy on every page, and no page breaks it. Every page in
PAGES (and the admin's, and the API's documentation) is loaded in Chromium with a listener for
`securitypolicyviolation` events installed before any of the page's own code runs; any event, or
any console report of a violation, fails. The timeout warning is shown and used too."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import PAGES

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || "?"}:${event.lineNumber}`);
});
"""
EXTRA = [("/admin/", "admin"), ("/admin/outcomes/youngperson/", "admin"),
         ("/admin/outcomes/securityevent/", "admin"), ("/api/v1/docs/", "manager")]


def _violations(site) -> list[str]:
    return site.page.evaluate("() => window.__cspViolations || []")


@pytest.fixture
def watched(site):
    site.page.add_init_script(LISTEN)
    return site


@pytest.mark.parametrize(("path", "who"), [(p.path, p.who) for p in PAGES] + EXTRA,
                         ids=[f"{who}:{path}" for path, who in
                              [(p.path, p.who) for p in PAGES] + EXTRA])
def test_no_page_breaks_the_content_security_policy(watched, demo, path, who):
    if who:
        watched.sign_in(who)
    response = watched.open(path.format(**demo.urls()), axe=False)
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy
    watched.page.wait_for_timeout(300)  # late scripts (GOV.UK's, Swagger UI's) have run
    assert _violations(watched) == [], f"{path}: {_violations(watched)}"
    assert not watched.broken, watched.broken


def test_the_listener_sees_a_violation(watched, demo):
    """The test can fail: an inline style put on the page is reported."""
    watched.sign_in("adviser")
    watched.open("/", axe=False)
    watched.page.evaluate("""() => { const s = document.createElement('style');
        s.textContent = 'body { color: red }'; document.head.appendChild(s); }""")
    watched.page.wait_for_timeout(300)
    assert any("style-src" in v for v in _violations(watched)), _violations(watched)
    watched.broken.clear()


def test_the_timeout_warning_shows_and_stay_signed_in_keeps_the_session(watched, demo,
                                                                         settings):
    settings.SESSION_IDLE_MINUTES = 2  # the warning comes 2 minutes before: at once
    watched.sign_in("adviser")
    watched.open("/", axe=False)
    dialog = watched.page.get_by_role("dialog", name="You are about to be signed out")
    dialog.wait_for(state="visible", timeout=5_000)
    with watched.page.expect_response(lambda r: r.url.endswith("/session/keep-alive/")) as info:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert info.value.status == 204
    assert not dialog.is_visible()
    assert _violations(watched) == []
