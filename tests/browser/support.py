"""What the browser tests do on every page: open it (a 404 or any unexpected status fails, never
skips), check its stylesheets really loaded and no script failed, and run axe-core on it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Response

# The password tests/factories.py gives every user.
PASSWORD = "waymark-test-password"

# axe-core's impacts are minor, moderate, serious and critical: these two fail a page.
FAILING_IMPACTS = frozenset({"serious", "critical"})

_axe = Axe()  # reads the axe-core bundled in the wheel once (no network)


def axe_report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"[{violation['helpUrl']}]")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """axe-core's default rules (WCAG 2.x A and AA, and best practices) on the page as it is
    now: no violation whose impact is serious or critical."""
    violations = _axe.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe-core on {page.url}:\n{axe_report(failing)}"


@dataclass
class Site:
    """A browser tab on the live server, watching for what a user would notice going wrong: a
    static file that does not load, a script that throws."""

    page: Page
    broken: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("pageerror", lambda error: self.broken.append(f"script error: {error}"))
        # A navigation that fails shows in open()'s status; one that becomes a download is
        # reported as aborted, and is not a fault.
        self.page.on("requestfailed", lambda request: None if request.is_navigation_request()
                     else self.broken.append(f"request failed: {request.url} ({request.failure})"))
        self.page.on("response", self._check_response)
        # A Content-Security-Policy violation (an inline script or style, a style= attribute):
        # Chromium reports each on the console (issue 15; tests/browser/test_csp.py).
        self.page.on("console", lambda message: self.broken.append(
            f"CSP violation: {message.text}") if "Content Security Policy" in message.text
            else None)

    def _check_response(self, response: Response) -> None:
        # Each page's own status is checked by open(); its sub-resources must all load.
        if response.request.resource_type != "document" and response.status >= 400:
            self.broken.append(f"{response.status} for {response.url}")

    def open(self, path: str, *, status: int = 200, axe: bool = True) -> Response:
        """Go to `path` and fail unless it answers `status`. A page that answers 404 where 200
        was expected fails with a message saying so: a page listed before its feature has
        landed is an error, not a skip."""
        response = self.page.goto(path)
        assert response is not None, f"no response for {path}"
        if response.status == 404 and status != 404:
            pytest.fail(f"{path} answered 404 (Page not found). If its feature has not landed "
                        "yet, take it out of the list until it has: nothing here is skipped.")
        assert response.status == status, f"{path} answered {response.status}, not {status}"
        self.check_page()
        if axe:
            assert_accessible(self.page)
        return response

    def check_page(self) -> None:
        """Every stylesheet the page links to loaded and has rules (so the page is really
        styled, not only linked), and nothing failed to load or threw."""
        self.page.wait_for_load_state("load")
        sheets = self.page.evaluate("""() => [...document.querySelectorAll('link[rel=stylesheet]')]
            .map(link => ({href: link.href, rules: link.sheet ? link.sheet.cssRules.length : 0}))""")
        assert sheets, f"{self.page.url} links to no stylesheet"
        unstyled = [sheet["href"] for sheet in sheets if not sheet["rules"]]
        assert not unstyled, f"stylesheets not loaded on {self.page.url}: {unstyled}"
        assert not self.broken, f"on {self.page.url}: {self.broken}"

    def sign_in(self, username: str, password: str = PASSWORD, *, lands_on: str = "/") -> None:
        """Through the real sign-in form (django-axes and all), as a person would."""
        self.open("/login/", axe=False)
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(lambda url: urlsplit(url).path == lands_on)
        self.check_page()


# --- Report figures: the page's tables against the CSV and XLSX downloads ---------------------
# Each cell becomes tokens that do not depend on how it is written: numbers ("1,234", "45.0%",
# "-2.1 pp" and 1234, Decimal("45.0"), -2.1), dates ("31 March 2025", 2025-03-31) and the
# symbols x and c. A row of the page and its row in a download must hold the same numbers and
# dates: the page's "45.0%" with "9 of 20" below is the download's 9, 20 and 45.0.

MONTHS = {name: number for number, name in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"), start=1)}
WORDY_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
NUMBER = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w.])")
SYMBOLS = frozenset({"x", "c"})
FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")   # the apostrophe that keeps text from Excel


def _number_token(value: Decimal) -> str:
    return "n:" + format(value.normalize(), "f")


def text_tokens(text: str) -> list[str]:
    text = FORMULA_GUARD.sub("", text.replace("\u2212", "-").strip())
    if text in SYMBOLS:
        return ["s:" + text]
    tokens = []

    def date(match: re.Match, year: int, month: int, day: int) -> str:
        tokens.append(f"d:{dt.date(year, month, day).isoformat()}")
        return " "

    text = WORDY_DATE.sub(lambda m: date(m, int(m[3]), MONTHS[m[2]], int(m[1])), text)
    text = ISO_DATE.sub(lambda m: date(m, int(m[1]), int(m[2]), int(m[3])), text)
    tokens += [_number_token(Decimal(m[0].replace(",", ""))) for m in NUMBER.finditer(text)]
    return tokens


def value_tokens(value: object) -> list[str]:
    """Tokens of a spreadsheet cell's value (numbers stay numbers; text as on the page)."""
    if value is None:
        return []
    if isinstance(value, bool):
        return text_tokens(str(value))
    if isinstance(value, int | float | Decimal):
        return [_number_token(Decimal(str(value)))]
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return [f"d:{day.isoformat()}"]
    return text_tokens(str(value))


def row_tokens(cells: list) -> tuple[list[str], set[str]]:
    """The row's numbers and dates (each as often as it appears), and which symbols it uses: a
    measure with no figure is one "x" on the page and three (n, N, %) in a download."""
    tokens = [token for cell in cells for token in value_tokens(cell)]
    return (sorted(t for t in tokens if not t.startswith("s:")),
            {t for t in tokens if t.startswith("s:")})


def page_tables(page: Page) -> dict[str, list[list[str]]]:
    """{caption: rows} of the page's tables of figures, less a chart's own table (inside its
    <figure>); each cell's text pieces are read apart, so a figure and the "n of N" under it
    are two. Screen-reader-only words are left out."""
    tables = page.evaluate("""() => [...document.querySelectorAll('main table')]
        .filter(table => !table.closest('figure')).map(table => ({
        caption: table.caption ? table.caption.textContent.replace(/\\s+/g, ' ').trim() : '',
        rows: [...table.tBodies].flatMap(body => [...body.rows]).map(row =>
            [...row.cells].map(cell => {
                const pieces = [];
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                    const node = walker.currentNode;
                    if (node.parentElement.closest('.govuk-visually-hidden')) continue;
                    if (node.textContent.trim()) pieces.push(node.textContent.trim());
                }
                return pieces;
            }))
    }))""")
    found: dict[str, list[list[str]]] = {}
    for table in tables:
        assert table["caption"] not in found, f"two tables captioned {table['caption']!r}"
        found[table["caption"]] = [[piece for cell in row for piece in cell]
                                   for row in table["rows"]]
    return found


def csv_tables(rows: list[list[str]], captions: set[str]) -> dict[str, list[list[str]]]:
    """{caption: records} from a whole-report CSV: a table is its caption's row, a header row,
    then its records up to a blank row."""
    found = {}
    for index, row in enumerate(rows):
        caption = " ".join(row[0].split()) if len(row) == 1 else None
        if caption in captions and caption not in found:
            records = []
            for record in rows[index + 2:]:
                if not any(cell.strip() for cell in record):
                    break
                records.append(record)
            found[caption] = records
    return found


def xlsx_tables(workbook, captions: set[str]) -> dict[str, list[list]]:
    """{caption: records} from a report workbook: one sheet per table, its caption in A2, the
    header in row 3 and the records from row 4."""
    found = {}
    for sheet in workbook.worksheets:
        caption = " ".join(str(sheet.cell(row=2, column=1).value or "").split())
        if caption in captions:
            found[caption] = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)
                              if any(value not in (None, "") for value in row)]
    return found


def assert_same_figures(shown: dict[str, list[list[str]]], downloaded: dict[str, list[list]],
                        what: str) -> int:
    """The download holds every table of the page, with the same rows, each holding the same
    numbers, dates and symbols. Answers how many numbers were compared."""
    assert shown, "the page shows no table of figures"
    missing = sorted(set(shown) - set(downloaded))
    assert not missing, f"the {what} lacks the page's tables {missing}"
    compared = 0
    for caption, records in downloaded.items():
        rows = shown[caption]
        assert len(rows) == len(records), (
            f"{what}, {caption!r}: {len(records)} rows, the page shows {len(rows)}")
        for number, (row, record) in enumerate(zip(rows, records, strict=True), start=1):
            on_page, in_file = row_tokens(row), row_tokens(record)
            assert on_page == in_file, (
                f"{what}, {caption!r}, row {number}: the page shows {row} ({on_page}), the "
                f"file holds {record} ({in_file})")
            compared += sum(token.startswith("n:") for token in on_page[0])
    return compared
