"""The comparison behind test_report_downloads_match_the_page, without a browser: it reads a
figure however it is written, and it does catch a number that differs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.browser.support import assert_same_figures, csv_tables, text_tokens, value_tokens


@pytest.mark.parametrize(("text", "tokens"), [
    ("45.0%", ["n:45"]),
    ("9 of 1,234", ["n:9", "n:1234"]),
    ("-2.1 pp", ["n:-2.1"]),
    ("\u22122.1 pp", ["n:-2.1"]),
    ("31 March 2025", ["d:2025-03-31"]),
    ("2025-03-31", ["d:2025-03-31"]),
    ("Aged 17 to 18", ["n:17", "n:18"]),
    ("KS4 Attainment 8", ["n:8"]),
    ("x", ["s:x"]),
    ("c", ["s:c"]),
    ("'-2 placements", ["n:-2"]),   # the apostrophe that keeps text from running in Excel
])
def test_text_tokens(text, tokens):
    assert text_tokens(text) == tokens


def test_a_spreadsheet_value_reads_as_the_page_shows_it():
    assert value_tokens(45.0) == value_tokens(Decimal("45.0")) == text_tokens("45.0%")
    assert value_tokens(1234) == text_tokens("1,234")
    assert value_tokens(dt.datetime(2025, 3, 31)) == text_tokens("31 March 2025")
    assert value_tokens(None) == []


PAGE = {"Placement moves": [["Under 16", "25.0%", "3 of 12", "x"],
                            ["16 and over", "x", "0 of 0", "4.5 pp"]]}
CSV = [["Placement stability, 2024 to 2025"], [],
       ["Placement moves"], ["Age", "3+ (n)", "3+ (N)", "3+ (%)", "Gap"],
       ["Under 16", "3", "12", "25.0", "x"],
       ["16 and over", "0", "0", "x", "4.5"],
       [], ["Definitions"]]


def test_the_same_figures_pass():
    # 3, 12, 25.0 and 4.5, with 0 twice and 16 in each row label
    assert assert_same_figures(PAGE, csv_tables(CSV, set(PAGE)), "CSV") == 8


@pytest.mark.parametrize(("row", "column", "value"), [
    (4, 3, "25.1"),     # a percentage
    (5, 1, "1"),        # a count
    (5, 4, "x"),        # a figure the file lacks
])
def test_a_different_figure_fails(row, column, value):
    changed = [list(record) for record in CSV]
    changed[row][column] = value
    with pytest.raises(AssertionError, match="row"):
        assert_same_figures(PAGE, csv_tables(changed, set(PAGE)), "CSV")


def test_a_missing_row_or_table_fails():
    with pytest.raises(AssertionError, match="rows"):
        assert_same_figures(PAGE, csv_tables(CSV[:5] + CSV[6:], set(PAGE)), "CSV")
    with pytest.raises(AssertionError, match="lacks"):
        assert_same_figures(PAGE, csv_tables(CSV[:2], set(PAGE)), "CSV")
