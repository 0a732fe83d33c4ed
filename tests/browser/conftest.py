"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
pytest-django's live server, on the suite's PostgreSQL database.

- One Chromium per session (`browser`); each test gets a fresh context, so no cookie or session
  leaks from one test into the next (`site`, `page`).
- The live server serves static files through Django's staticfiles handler and WhiteNoise's
  finders (config/test_settings.py), so web/static/govuk (built by `make install`) loads as in
  production; `Site.check_page` fails a page whose stylesheets did not load.
- On a failure, a full-page screenshot goes to var/test-artifacts/ (git-ignored).
- Playwright's sync API keeps an asyncio loop marked as running in the test thread while it is
  started, which makes Django refuse ORM calls (SynchronousOnlyOperation) and breaks any later
  `asyncio.run()`. So these tests run last in a session (see pytest_collection_modifyitems), and
  DJANGO_ALLOW_ASYNC_UNSAFE is set only while the browser is up. The live server's thread has no
  loop, so the pages themselves run exactly as in production.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.support import Site

# Generous for two shared cores; nothing here measures speed.
TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 30_000
LAUNCH_TIMEOUT_MS = 60_000

HERE = Path(__file__).resolve().parent
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# As the machine notes say Debian's Chromium runs here: headless, as root (no sandbox), no GPU,
# and none of the background calls to Google that a closed network refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last (after pytest-django's own ordering), so the browser's event loop is
    never seen by another test."""
    browser = [item for item in items if item.path.is_relative_to(HERE)]
    if browser:
        others = [item for item in items if not item.path.is_relative_to(HERE)]
        items[:] = others + browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)   # expect()'s own default is 5 s

    executable = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if not os.access(executable, os.X_OK):
        pytest.fail(f"No Chromium at {executable}. Install Debian's (apt-get install chromium; "
                    ".ci/run does) or set CHROMIUM_PATH. Browsers are never downloaded.")
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                              timeout=LAUNCH_TIMEOUT_MS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe


@pytest.fixture
def page(browser, live_server, request):
    """A tab in a fresh browser context whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  timezone_id="Europe/London",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    if any(getattr(request.node, f"report_{when}", None) is not None
           and getattr(request.node, f"report_{when}").failed for when in ("setup", "call")):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.nodeid).strip("-")[:180]
        try:
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as error:  # a screenshot must not hide the test's own failure
            print(f"no screenshot for {request.node.nodeid}: {error}")
        else:
            print(f"screenshot: {ARTIFACTS / name}.png")
    context.close()


@pytest.fixture
def site(page) -> Site:
    return Site(page)


@dataclass
class Demo:
    """The personas (tests/personas.py) with a full record for their young person, and more young
    people on each caseload, so lists are lists."""

    personas: object
    record: object
    caseload: list      # the adviser's young people, the personas' young person first
    team_only: list     # in the manager's team, not on the adviser's caseload
    data_job: object    # a finished SSDA903 export asked for by the manager
    safeguarding_alert: object = None  # open, for the personas' young person

    def urls(self) -> dict[str, int]:
        """The ids a page address in a test's list may name: {young_person}, {plan}, ..."""
        p = self.personas
        return {"young_person": p.young_person.pk, "other_young_person": p.other_young_person.pk,
                "plan": self.record.plan.pk, "goal": self.record.goal.pk,
                "data_job": self.data_job.pk,
                "safeguarding_alert": self.safeguarding_alert.pk}


def build_demo() -> Demo:
    from django.utils import timezone

    from outcomes import models as m
    from tests import factories as f
    from tests.personas import build_personas
    from tests.web.conftest import build_record

    personas = build_personas()
    record = build_record(personas)
    caseload = [personas.young_person]
    for first, last in (("Casey", "Morgan"), ("Alex", "Rivera")):
        person = f.YoungPersonFactory(team=personas.team, legal_first_name=first,
                                      legal_last_name=last)
        f.AllocationFactory(young_person=person, worker=personas.adviser,
                            role=m.AllocationRole.PERSONAL_ADVISER)
        caseload.append(person)
    team_only = [f.YoungPersonFactory(team=personas.team, legal_first_name="Jamie",
                                      legal_last_name="Unallocated")]
    data_job = m.DataJob.objects.create(
        kind=m.DataJobKind.EXPORT_903, year=2025, requested_by=personas.manager,
        status=m.DataJobStatus.DONE, started_at=timezone.now(), finished_at=timezone.now())
    alert = f.SafeguardingMessageFactory(
        alert__young_person=personas.young_person,
        alert__raised_at=timezone.now() - dt.timedelta(minutes=23)).alert
    return Demo(personas, record, caseload, team_only, data_job, safeguarding_alert=alert)


@pytest.fixture
def demo(live_server) -> Demo:
    """Committed data (the live server's thread reads it over its own connection):
    `live_server` brings pytest-django's transactional_db, which empties the tables after."""
    return build_demo()
