"""A report's tables as the rows the page shows and the CSV and XLSX downloads hold.

`flatten` turns each `Table` into rows of cells once; the HTML table shows each cell's `text`,
the downloads write its `values` (a Measure gives three: n, N and %), so the page and both files
show the same numbers. Small-number suppression is applied here, to all three alike.

Symbols follow the Department for Education's: `c` a figure suppressed to protect
confidentiality, `x` no figure (an empty cohort, or no benchmark published).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from outcomes.selectors.reports.base import Cell, Column, Figure, Measure, Report, Table, Unit

SUPPRESSED = "c"
NO_FIGURE = "x"
SMALL_COUNTS = range(1, 6)       # counts of 1 to 5 are suppressed
SMALLEST_SHOWN_BASE = 6          # a figure resting on fewer children is suppressed

SYMBOLS = (
    ("c", "suppressed: a count of 1 to 5 children, or a figure resting on fewer than 6"),
    ("x", "no figure: no children in the group, or no national figure published"),
    ("n", "the number of children counted"),
    ("N", "the number of children in the group (the cohort)"),
    ("pp", "percentage points: the difference between two percentages"),
)

SUPPRESSION_RULE = (
    "Small numbers are suppressed: counts of 1 to 5 children, percentages of groups of 1 to 5 "
    "children or of 1 to 5 children counted, and figures resting on fewer than 6 children are "
    "shown as c. Zero is shown. Charts are left out, because a chart cannot show which values "
    "rest on few children."
)

# A cell a spreadsheet would read as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Value = str | int | Decimal | dt.date | None

UNIT_SUFFIX = {
    Unit.PERCENT: "%",
    Unit.PP: " pp",
    Unit.DAYS: " days",
    Unit.POINTS: "",
    Unit.COUNT: "",
}
UNIT_HEADER = {
    Unit.PERCENT: "%",
    Unit.PP: "percentage points",
    Unit.DAYS: "days",
    Unit.POINTS: "points",
}


@dataclass(frozen=True)
class FlatCell:
    """One cell of the page's table: the words shown, and what the downloads write for it."""

    text: str                      # "45.0%", "c", "31 March 2025"
    values: tuple[Value, ...]      # one value, or (n, N, %) for a Measure
    numeric: bool = False
    detail: str = ""               # "9 of 20" under a Measure's percentage
    drill: str | None = None       # the children behind the figure, when it has a list


@dataclass(frozen=True)
class FlatTable:
    key: str
    caption: str
    columns: tuple[Column, ...]            # the page's header: one per source column
    headers: tuple[str, ...]               # the downloads' header: a Measure takes three
    rows: tuple[tuple[FlatCell, ...], ...]

    @property
    def row_headers(self) -> bool:
        """The first column names each row (a text column): shown as row headers."""
        return bool(self.columns) and not self.columns[0].numeric

    def records(self) -> list[list[Value]]:
        return [[value for cell in row for value in cell.values] for row in self.rows]


def number_text(value: Decimal | int) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,f}"


def figure_text(value: Decimal | None, unit: Unit) -> str:
    if value is None:
        return NO_FIGURE
    return number_text(value) + UNIT_SUFFIX.get(unit, "")


def _small(count: int | None) -> bool:
    return count is not None and count in SMALL_COUNTS


def flatten_measure(measure: Measure, *, suppress: bool) -> FlatCell:
    n, base = measure.numerator, measure.denominator
    percent: Value = measure.percent if measure.percent is not None else NO_FIGURE
    shown_n: Value = n
    shown_base: Value = base
    if suppress:
        if _small(n):
            shown_n = SUPPRESSED
        if _small(base):
            shown_base = SUPPRESSED
        if (_small(n) or _small(base)) and measure.percent is not None:
            percent = SUPPRESSED
    text = f"{percent}%" if isinstance(percent, Decimal) else str(percent)
    detail = f"{number_text(shown_n) if isinstance(shown_n, int) else shown_n} of " \
             f"{number_text(shown_base) if isinstance(shown_base, int) else shown_base}"
    return FlatCell(text=text, values=(shown_n, shown_base, percent), numeric=True,
                    detail=detail, drill=measure.drill)


def flatten_figure(figure: Figure, *, suppress: bool, with_unit: bool) -> FlatCell:
    unit_value: tuple[Value, ...] = (figure.unit.value,) if with_unit else ()
    if figure.value is None:
        return FlatCell(text=NO_FIGURE, values=(NO_FIGURE, *unit_value), numeric=True,
                        drill=figure.drill)
    if suppress and figure.count is not None and figure.count < SMALLEST_SHOWN_BASE:
        return FlatCell(text=SUPPRESSED, values=(SUPPRESSED, *unit_value), numeric=True,
                        drill=figure.drill)
    return FlatCell(text=figure_text(figure.value, figure.unit),
                    values=(figure.value, *unit_value), numeric=True, drill=figure.drill)


def flatten_cell(cell: Cell, column: Column, *, suppress: bool, with_unit: bool) -> FlatCell:
    if isinstance(cell, Measure):
        return flatten_measure(cell, suppress=suppress)
    if isinstance(cell, Figure):
        return flatten_figure(cell, suppress=suppress, with_unit=with_unit)
    if cell is None:
        return FlatCell(text=NO_FIGURE, values=(NO_FIGURE,), numeric=column.numeric)
    if isinstance(cell, bool):   # not part of the contract: shown as words, never as 0/1
        return FlatCell(text="Yes" if cell else "No", values=("Yes" if cell else "No",))
    if isinstance(cell, int):
        # A bare number in a numeric column is a count of children.
        if suppress and column.numeric and _small(cell):
            return FlatCell(text=SUPPRESSED, values=(SUPPRESSED,), numeric=True)
        return FlatCell(text=number_text(cell), values=(cell,), numeric=column.numeric)
    if isinstance(cell, Decimal):
        return FlatCell(text=number_text(cell), values=(cell,), numeric=column.numeric)
    if isinstance(cell, dt.date):
        return FlatCell(text=f"{cell.day} {cell:%B %Y}", values=(cell,), numeric=column.numeric)
    return FlatCell(text=str(cell), values=(str(cell),), numeric=column.numeric)


def _column_kind(table: Table, index: int) -> tuple[bool, set[Unit]]:
    """Whether a column holds Measures, and the units of its Figures."""
    cells = [row[index] for row in table.rows if index < len(row)]
    return (any(isinstance(c, Measure) for c in cells),
            {c.unit for c in cells if isinstance(c, Figure)})


def _fit(cell: FlatCell, *, measures: bool, with_unit: bool) -> FlatCell:
    """The cell's values fitted to its column's shape in the downloads, so every row lines up
    with the header: three in a column of Measures (n and N left blank beside anything that
    is not a Measure, x beside no figure), a unit in a column of Figures with mixed units."""
    values = cell.values
    if measures and len(values) != 3:
        values = (NO_FIGURE,) * 3 if values == (NO_FIGURE,) else (None, None, *values[:1])
    if with_unit and len(values) == (3 if measures else 1):
        values = (*values, None)
    return dataclasses.replace(cell, values=values)


def flatten(table: Table, *, suppress: bool = False) -> FlatTable:
    headers: list[str] = []
    shapes: list[tuple[bool, bool]] = []
    for index, column in enumerate(table.columns):
        has_measures, units = _column_kind(table, index)
        mixed_units = len(units) > 1
        shapes.append((has_measures, mixed_units))
        if has_measures:
            headers += [f"{column.label} (n)", f"{column.label} (N)", f"{column.label} (%)"]
        elif len(units) == 1 and (unit := next(iter(units))) in UNIT_HEADER:
            headers.append(f"{column.label} ({UNIT_HEADER[unit]})")
        else:
            headers.append(column.label)
        if mixed_units:
            headers.append(f"{column.label} (unit)")
    width = len(table.columns)
    rows = tuple(
        tuple(_fit(flatten_cell(cell, column, suppress=suppress, with_unit=mixed),
                   measures=measures, with_unit=mixed)
              for cell, column, (measures, mixed) in zip(
                  (*row[:width], *(None,) * (width - len(row))), table.columns, shapes,
                  strict=True))
        for row in table.rows
    )
    return FlatTable(key=table.key, caption=table.caption, columns=table.columns,
                     headers=tuple(headers), rows=rows)


def flatten_report(report: Report, *, suppress: bool = False) -> tuple[FlatTable, ...]:
    return tuple(flatten(table, suppress=suppress) for table in report.tables)


# --- Downloads -------------------------------------------------------------------------------

def safe_text(text: str) -> str:
    """Text a spreadsheet will not run: a leading `= + - @`, tab or CR gets an apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Download:
    """What a file holds besides the tables: a title, the filters chosen, the definitions."""

    title: str
    context: Sequence[tuple[str, str]]      # ("Team", "Leaving care team"), ...
    definitions: Sequence[str]
    suppress: bool


def _notes(download: Download) -> list[list[str]]:
    rows: list[list[str]] = [[label, value] for label, value in download.context]
    rows.append([])
    rows.append(["Definitions"])
    rows += [[definition] for definition in download.definitions]
    if download.suppress:
        rows += [[], [SUPPRESSION_RULE]]
    rows += [[], ["Symbols"]]
    rows += [[symbol, meaning] for symbol, meaning in SYMBOLS]
    return rows


def csv_bytes(tables: Iterable[FlatTable], download: Download | None = None) -> bytes:
    """The tables as CSV in UTF-8 with a byte-order mark (so Excel reads it as UTF-8). With a
    `download`, a title row first, each table under its caption, and the notes at the end;
    without, one table's header and rows only."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def write(row: Iterable[Value]) -> None:
        writer.writerow([_csv_value(value) for value in row])

    if download is not None:
        write([download.title])
        write([])
    for table in tables:
        if download is not None:
            write([table.caption])
        write(table.headers)
        for record in table.records():
            write(record)
        if download is not None:
            write([])
    if download is not None:
        for row in _notes(download):
            write(row)
    return buffer.getvalue().encode("utf-8-sig")


SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, taken: set[str]) -> str:
    base = " ".join(SHEET_TITLE_FORBIDDEN.sub(" ", text).split()).strip("'") or "Table"
    title, number = base[:31].rstrip(), 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title, number = base[:31 - len(suffix)].rstrip() + suffix, number + 1
    taken.add(title.lower())
    return title


def _put(sheet, row: int, column: int, value: Value, *, bold: bool = False):
    if isinstance(value, str):
        value = safe_text(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"    # text stays text, never a formula
    elif isinstance(value, dt.date):
        cell.number_format = "d mmmm yyyy"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(tables: Sequence[FlatTable], download: Download) -> bytes:
    """One sheet per table (a title row, the caption, a bold header row, then the rows, numbers
    as numbers) and a "Definitions" sheet with the filters, definitions and symbols."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = {"definitions"}
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.caption or table.key, taken))
        _put(sheet, 1, 1, download.title).font = Font(bold=True, size=14)
        _put(sheet, 2, 1, table.caption)
        for column, header in enumerate(table.headers, start=1):
            _put(sheet, 3, column, header, bold=True).alignment = Alignment(wrap_text=True)
        for row, record in enumerate(table.records(), start=4):
            for column, value in enumerate(record, start=1):
                _put(sheet, row, column, value)
        sheet.freeze_panes = "A4"
        for column, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(
                max(12, len(header) + 2), 40)
    notes = book.create_sheet("Definitions")
    _put(notes, 1, 1, download.title).font = Font(bold=True, size=14)
    for row, values in enumerate(_notes(download), start=3):
        for column, value in enumerate(values, start=1):
            _put(notes, row, column, value, bold=len(values) == 1 and value in (
                "Definitions", "Symbols"))
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
