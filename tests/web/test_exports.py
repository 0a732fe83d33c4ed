"""The rows behind a report's table, its CSV and its XLSX: one flattening, so the page and both
files show the same numbers; formulas never run; small numbers suppressed alike. No database."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl

from outcomes.selectors.reports.base import Column, Figure, Measure, Table, Unit
from web.exports import Download, csv_bytes, flatten, safe_text, xlsx_bytes

TABLE = Table(
    key="by-moves",
    caption="KS4 by placement moves in the year",
    columns=(Column("group", "Placement moves", numeric=False), Column("children", "Children"),
             Column("em4", "English and maths grade 4+"), Column("a8", "Attainment 8"),
             Column("since", "Counted since", numeric=False)),
    rows=(
        ("0", 40, Measure(18, 40, drill="ks4.moves.0:em4"),
         Figure(Decimal("31.5"), Unit.POINTS, drill="ks4.moves.0", count=40),
         dt.date(2024, 4, 1)),
        ("3+", 4, Measure(2, 4, drill="ks4.moves.3+:em4"),
         Figure(Decimal("12.0"), Unit.POINTS, count=4), None),
        ("=HYPERLINK(\"http://evil\")", 0, Measure(0, 0), Figure(None, Unit.POINTS, count=0),
         "-1+2"),
    ),
)
DOWNLOAD = Download(title="Attainment gap, 2024 to 2025",
                    context=(("Team", "@Leaving care team"),),
                    definitions=("KS4: Attainment 8 as DfE defines it (REFERENCE.md §4).",),
                    suppress=False)


def test_a_measure_is_three_columns_and_the_unit_goes_in_the_header():
    flat = flatten(TABLE)
    assert flat.headers == (
        "Placement moves", "Children", "English and maths grade 4+ (n)",
        "English and maths grade 4+ (N)", "English and maths grade 4+ (%)",
        "Attainment 8 (points)", "Counted since")
    first = flat.rows[0]
    assert [c.text for c in first] == ["0", "40", "45.0%", "31.5", "1 April 2024"]
    assert first[2].detail == "18 of 40" and first[2].drill == "ks4.moves.0:em4"
    assert flat.records()[0] == ["0", 40, 18, 40, Decimal("45.0"), Decimal("31.5"),
                                 dt.date(2024, 4, 1)]
    # No figure (an empty cohort, a missing value) is x, never 0.
    assert flat.records()[2][3:6] == [0, "x", "x"]
    assert flat.rows[1][4].text == "x"
    assert flat.row_headers


def test_mixed_units_get_their_own_column():
    table = Table(key="t", caption="Benchmarks", columns=(Column("v", "Value"),), rows=(
        (Figure(Decimal("45.9"), Unit.POINTS),), (Figure(Decimal("-2.1"), Unit.PP),)))
    flat = flatten(table)
    assert flat.headers == ("Value", "Value (unit)")
    assert flat.records() == [[Decimal("45.9"), "points"], [Decimal("-2.1"), "percentage points"]]
    assert [row[0].text for row in flat.rows] == ["45.9", "-2.1 pp"]


def test_suppression_hides_counts_of_1_to_5_and_what_rests_on_them():
    flat = flatten(TABLE, suppress=True)
    assert flat.records()[0][:6] == ["0", 40, 18, 40, Decimal("45.0"), Decimal("31.5")]
    # 4 children: the count, n (2), N (4), the percentage and the average on 4 are all c.
    assert flat.records()[1][:6] == ["3+", "c", "c", "c", "c", "c"]
    assert [c.text for c in flat.rows[1][:4]] == ["3+", "c", "c", "c"]
    assert flat.rows[1][2].detail == "c of c"
    # Zero stays zero; "no figure" stays x.
    assert flat.records()[2][1:6] == [0, 0, 0, "x", "x"]
    # A large group with a small count: the count and its percentage go, the group stays.
    small = flatten(Table(key="t", caption="c", columns=(Column("m", "M"),),
                          rows=((Measure(3, 200),), (Measure(197, 200),))), suppress=True)
    assert small.records() == [["c", 200, "c"], [197, 200, Decimal("98.5")]]


def test_csv_has_a_bom_and_escapes_formulas_but_not_numbers():
    body = csv_bytes([flatten(TABLE)], DOWNLOAD)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Attainment gap, 2024 to 2025"]
    assert rows[2] == ["KS4 by placement moves in the year"]
    assert rows[3][0] == "Placement moves"
    assert rows[4] == ["0", "40", "18", "40", "45.0", "31.5", "2024-04-01"]
    assert rows[6][0] == "'=HYPERLINK(\"http://evil\")"
    assert rows[6][-1] == "'-1+2"
    assert ["Team", "'@Leaving care team"] in rows
    assert ["KS4: Attainment 8 as DfE defines it (REFERENCE.md §4)."] in rows
    # A negative number is a number, not a formula.
    negative = csv_bytes([flatten(Table(key="t", caption="c", columns=(Column("g", "Gap"),),
                                        rows=((Figure(Decimal("-2.1"), Unit.PP),),)))])
    assert negative.decode("utf-8-sig").splitlines() == ["Gap (percentage points)", "-2.1"]


def test_every_formula_start_is_escaped():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_text(start + "1") == "'" + start + "1"
    assert safe_text("Leaving care") == "Leaving care"


def test_one_table_alone_is_its_header_and_rows():
    body = csv_bytes([flatten(TABLE)]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Placement moves" and len(rows) == 4


def test_xlsx_has_a_sheet_per_table_bold_headers_numbers_and_definitions():
    other = Table(key="other", caption="KS4 by placement moves in the year", columns=(
        Column("n", "Number"),), rows=((7,),))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([flatten(TABLE), flatten(other)],
                                                        DOWNLOAD)))
    assert book.sheetnames == ["KS4 by placement moves in the y", "KS4 by placement moves in t (2)",
                               "Definitions"]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Attainment gap, 2024 to 2025" and sheet["A1"].font.b
    assert sheet["A2"].value == "KS4 by placement moves in the year"
    assert [c.value for c in sheet[3]] == list(flatten(TABLE).headers)
    assert all(c.font.b for c in sheet[3])
    values = [c.value for c in sheet[4]]
    assert values[1:6] == [40, 18, 40, 45, 31.5]
    assert all(isinstance(v, int | float) for v in values[1:6])
    assert sheet["G4"].value == dt.datetime(2024, 4, 1)
    assert sheet["A6"].value == "'=HYPERLINK(\"http://evil\")" and sheet["A6"].data_type == "s"
    # The numbers in the file are the numbers in the rows the page shows.
    for record, row in zip(flatten(TABLE).records(), sheet.iter_rows(min_row=4), strict=True):
        for value, cell in zip(record, row, strict=True):
            if isinstance(value, int | Decimal):
                assert cell.value == value
    notes = [[c.value for c in row if c.value is not None] for row in book["Definitions"]]
    assert ["KS4: Attainment 8 as DfE defines it (REFERENCE.md §4)."] in notes
    assert ["Team", "'@Leaving care team"] in notes
    assert any(row and row[0] == "c" for row in notes)


def test_xlsx_sheet_names_are_valid():
    odd = Table(key="x", caption="Reviews: on time / late [all]?", columns=(Column("n", "N"),),
                rows=())
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([flatten(odd)], DOWNLOAD)))
    assert book.sheetnames == ["Reviews on time late all", "Definitions"]


def test_every_row_lines_up_with_the_header_whatever_a_column_mixes():
    table = Table(key="t", caption="Mixed", columns=(
        Column("label", "Group", numeric=False), Column("rate", "Rate"), Column("v", "Value")),
        rows=(
            ("All", Measure(3, 10), Figure(Decimal("4.5"), Unit.POINTS)),
            ("Benchmark", Figure(Decimal("55.0"), Unit.PERCENT), Figure(Decimal("2.0"), Unit.PP)),
            ("None", None, None),
            ("Short",),
        ))
    flat = flatten(table)
    assert flat.headers == ("Group", "Rate (n)", "Rate (N)", "Rate (%)", "Value",
                            "Value (unit)")
    assert flat.records() == [
        ["All", 3, 10, Decimal("30.0"), Decimal("4.5"), "points"],
        ["Benchmark", None, None, Decimal("55.0"), Decimal("2.0"), "percentage points"],
        ["None", "x", "x", "x", "x", None],
        ["Short", "x", "x", "x", "x", None],
    ]
    assert all(len(record) == len(flat.headers) for record in flat.records())
    rows = list(csv.reader(io.StringIO(csv_bytes([flat]).decode("utf-8-sig"))))
    assert rows[2] == ["Benchmark", "", "", "55.0", "2.0", "percentage points"]
