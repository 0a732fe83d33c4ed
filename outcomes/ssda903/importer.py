"""Read the SSDA903 tables of a collection year from a directory of CSV files, and check them.

Reading writes nothing. It returns each child's rows, typed, with every problem found (file,
line, field, reason); the service `outcomes.services.ssda903_import` writes the children whose
rows are sound. The tables and their code lists are those of `tables.py`, shared with the export.

How the files are read (SSDA903.md §3.1):
- Every `*.csv` file in the directory; a table is recognised by its exact set of column headers
  (any order), never by the file's name. UTF-8, with or without a BOM; UTF-16 is refused.
- Codes and free-text cells are read in capitals, as the DfE validator reads them; CHILD as given.
  Dates are DD/MM/YYYY (a 2-digit year is refused). A blank cell is "not given".
- A file whose header matches no table cannot be read: each of its rows is refused, and so is
  every child it names (a child is imported whole or not at all). If it has no CHILD column its
  rows belong to nobody we can name, so nothing at all is imported (`ImportRefused`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from outcomes.models.people import CHILD_ID_PATTERN, validate_upn
from outcomes.models.placements import validate_postcode
from outcomes.rules.dates import age_on
from outcomes.rules.years import CollectionYear

from . import tables as t
from .tables import Kind

# Columns that must not be blank: the models need them, or the row means nothing without them.
# (tables.py says what a column holds; whether it may be blank is the import's question.)
REQUIRED: dict[str, frozenset[str]] = {
    t.HEADER.key: frozenset({"CHILD", "SEX", "DOB", "ETHNIC"}),
    t.EPISODES.key: frozenset({"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE"}),
    t.REVIEWS.key: frozenset({"CHILD", "DOB", "REVIEW", "REVIEW_CODE"}),
    t.UASC.key: frozenset({"CHILD", "SEX", "DOB"}),
    t.OC2.key: frozenset({"CHILD", "DOB"}),
    t.OC3.key: frozenset({"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"}),
    t.AD1.key: frozenset({"CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
                          "SEX_ADOPTR", "LS_ADOPTR"}),
    t.PLACED_ADOPTION.key: frozenset({"CHILD", "DOB", "DATE_PLACED"}),
    t.PREV_PERM.key: frozenset({"CHILD", "DOB", "PREV_PERM"}),
    t.MISSING.key: frozenset({"CHILD", "DOB", "MISSING", "MIS_START"}),
    t.SW_EPISODES.key: frozenset({"CHILD", "DOB", "SW_ID", "SW_DECOM"}),
}
# Tables with at most one row a child, and the key of the others' rows (a second row with the
# same key is refused rather than one silently winning).
ONE_ROW_A_CHILD = frozenset({t.HEADER.key, t.UASC.key, t.OC2.key, t.OC3.key, t.AD1.key,
                             t.PREV_PERM.key})
ROW_KEY = {t.EPISODES.key: "DECOM", t.REVIEWS.key: "REVIEW", t.PLACED_ADOPTION.key: "DATE_PLACED",
           t.SW_EPISODES.key: "SW_DECOM", t.MISSING.key: "MIS_START"}
OC3_AGES = range(17, 22)  # the return asks at the 17th to 21st birthdays (REFERENCE.md §3.10)
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_HINTS = {  # what a refused code usually means
    ("ACCOM", "S1"): " S (no fixed abode) and X (in custody) are always unsuitable: S2, X2.",
    ("ACCOM", "X1"): " S (no fixed abode) and X (in custody) are always unsuitable: S2, X2.",
}


class ImportRefused(Exception):
    """The files cannot be read as a return at all, so nothing was imported."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row is refused. `field` is the CSV column ("" for the row as a whole)."""

    file: str
    line: int
    child: str
    field: str
    reason: str


@dataclass(slots=True, eq=False)
class Row:
    """One CSV row, typed: dates as `date`, flags as bool, integers as int, codes and text as
    upper-case str; blank cells as None (dates, flags, integers) or "" (codes, text)."""

    table: t.Table | None  # None for a file whose header matches no table
    file: str
    line: int
    child: str
    values: tuple[Any, ...]
    problems: list[Problem] | tuple[()] = ()  # a list once there is one

    def __getitem__(self, column: str) -> Any:
        return self.values[_INDEX[self.table.key][column]]

    @property
    def key(self) -> str:
        """The summary's name for the rows of this table (a file's name if unrecognised)."""
        return self.table.key if self.table else self.file

    def refuse(self, column: str, reason: str) -> None:
        if not self.problems:
            self.problems = []
        self.problems.append(Problem(self.file, self.line, self.child, column, reason))


@dataclass(eq=False)
class Period:
    """The episodes of one period of care as the Episodes table tells it, in order. The first
    starts it (RNE S), unless it continues a period that began before the table's first row."""

    episodes: list[Row]

    @property
    def starts_care(self) -> bool:
        return self.episodes[0]["RNE"] == "S"


@dataclass(eq=False, slots=True)
class ChildRows:
    """Everything the files hold about one child, with what is wrong with it."""

    child: str
    rows: dict[str, list[Row]] = field(default_factory=dict)  # by table key
    unrecognised: list[Row] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # besides those of single rows

    def all_rows(self) -> Iterator[Row]:
        for rows in self.rows.values():
            yield from rows
        yield from self.unrecognised

    def first(self, table: t.Table) -> Row | None:
        rows = self.rows.get(table.key)
        return rows[0] if rows else None

    def refused(self) -> list[Problem]:
        return [p for row in self.all_rows() for p in row.problems] + self.problems


@dataclass(eq=False)
class Reading:
    """The rows of a directory, by child, and the rows that belong to no child we can name."""

    year: int
    files: dict[str, str] = field(default_factory=dict)  # table key -> file name
    children: dict[str, ChildRows] = field(default_factory=dict)
    orphans: list[Row] = field(default_factory=list)  # rows with no usable CHILD
    notes: list[str] = field(default_factory=list)

    def given(self, table: t.Table) -> bool:
        return table.key in self.files


_INDEX = {table.key: {name: i for i, name in enumerate(table.header)}
          for table in t.tables_for(t.YEARS[0])}


def ssda903_read(*, directory: Path, year: int) -> Reading:
    """Read and check every CSV table in `directory` for collection year `year`.

    Raises ImportRefused when the files cannot be read as a return (no CSV files, a table given
    twice, a file that is not UTF-8, or rows that cannot be told apart by child)."""
    t.tables_for(year)  # refuses a year whose tables are not defined
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportRefused(f"No such directory: {directory}")
    paths = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not paths:
        raise ImportRefused(f"There are no .csv files in {directory}.")
    reading = Reading(year=year)
    cells = _CellReader(year)
    for path in paths:
        _read_file(path, reading, cells)
    cy = CollectionYear(year)
    for child in reading.children.values():
        _check_child(child, cy)
    return reading


# --- files -------------------------------------------------------------------------------------


def _read_file(path: Path, reading: Reading, cells: _CellReader) -> None:
    name = path.name
    with path.open("rb") as raw:
        start = raw.read(4)
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportRefused(f"{name} is UTF-16 text: save it as UTF-8 (CSV UTF-8) and try again.")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                reading.notes.append(f"{name} is empty (no header row): not read.")
                return
            names = [h.strip().upper() for h in header]
            table = t.table_for_header(names, year=reading.year) \
                if len(set(names)) == len(names) else None
            if table is None:
                _read_unrecognised(name, names, reader, reading)
                return
            if table.key in reading.files:
                raise ImportRefused(
                    f"Both {reading.files[table.key]} and {name} hold the {table.key} table: "
                    "give each table once.")
            reading.files[table.key] = name
            _read_rows(name, table, names, reader, reading, cells)
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{name} is not UTF-8 text ({error.reason} at byte {error.start}): "
                            "save it as UTF-8 (CSV UTF-8) and try again.") from None
    except csv.Error as error:
        raise ImportRefused(f"{name} cannot be read as CSV: {error}.") from None


def _read_rows(name: str, table: t.Table, names: list[str], reader, reading: Reading,
               cells: _CellReader) -> None:
    index = _INDEX[table.key]
    positions = [index[n] for n in names]  # file column -> table column
    parsers = [cells.parser(table.columns[i]) for i in positions]
    required = REQUIRED[table.key]
    child_at = names.index("CHILD")
    width = len(names)
    check_row = _ROW_CHECKS.get(table.key)
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue  # a blank line
        line = reader.line_num
        child = raw[child_at].strip() if child_at < len(raw) else ""
        known = reading.children.get(child)
        if known is not None:
            child = known.child  # one string a child, however many rows
        values: list[Any] = [None] * width
        row = Row(table, name, line, child, ())
        if len(raw) != width:
            row.refuse("", f"The row has {len(raw)} cells where the header has {width}.")
        else:
            for pos, cell in enumerate(raw):
                column = names[pos]
                try:
                    value = parsers[pos](cell)
                except _Bad as bad:
                    row.refuse(column, bad.reason)
                    continue
                if (value is None or value == "") and column in required:
                    row.refuse(column, f"{column} is blank: {table.key} needs it.")
                values[positions[pos]] = child if column == "CHILD" else value
        row.values = tuple(values)
        if check_row and not row.problems:
            check_row(row, reading.year)
        _file_row(row, reading)


def _read_unrecognised(name: str, names: list[str], reader, reading: Reading) -> None:
    reason = _why_unrecognised(names, reading.year)
    if "CHILD" not in names:
        raise ImportRefused(f"{name}: {reason} It has no CHILD column either, so its rows cannot "
                            "be set aside child by child: nothing was imported.")
    child_at = names.index("CHILD")
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        child = raw[child_at].strip() if child_at < len(raw) else ""
        row = Row(None, name, reader.line_num, child, ())
        row.refuse("", reason)
        _file_row(row, reading)


def _why_unrecognised(names: list[str], year: int) -> str:
    given = set(names)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        return (f"The header repeats the column {', '.join(repeated)}, so it matches no SSDA903 "
                f"table of {CollectionYear(year).label}.")

    def distance(table: t.Table) -> int:
        return len(given ^ set(table.header))

    closest = min(t.tables_for(year), key=distance)
    unknown = sorted(given - set(closest.header))
    missing = [n for n in closest.header if n not in given]
    parts = []
    if unknown:
        parts.append(f"unknown column {', '.join(unknown)}")
    if missing:
        parts.append(f"missing column {', '.join(missing)}")
    return (f"The header matches no SSDA903 table of {CollectionYear(year).label}; the nearest is "
            f"{closest.key} ({'; '.join(parts)}).")


def _file_row(row: Row, reading: Reading) -> None:
    if not row.child or not CHILD_ID_PATTERN.match(row.child):
        if not any(p.field == "CHILD" for p in row.problems):
            row.refuse("CHILD", "CHILD is blank: the row belongs to no child."
                       if not row.child else _CHILD_FORMAT.format(row.child))
        reading.orphans.append(row)
        return
    child = reading.children.get(row.child)
    if child is None:
        child = reading.children[row.child] = ChildRows(row.child)
    if row.table is None:
        child.unrecognised.append(row)
    else:
        child.rows.setdefault(row.table.key, []).append(row)


# --- cells -------------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


_CHILD_FORMAT = "{!r} is not an LA child id (1 to 10 letters or digits)."
_TEXTS_KEPT_A_COLUMN = 100_000


class _CellReader:
    """A parser per column, with the year's code lists; dates are shared between rows."""

    def __init__(self, year: int) -> None:
        self.year = year
        self._dates: dict[str, dt.date] = {}
        self._texts: dict[str, dict[str, str]] = {}

    def parser(self, column: t.Column) -> Callable[[str], Any]:
        name = column.name
        if column.kind is Kind.ID:
            return self._child
        if column.kind is Kind.DATE:
            return lambda cell: self._date(cell, name)
        if column.kind is Kind.FLAG:
            return lambda cell: _flag(cell, name)
        if column.kind is Kind.INTEGER:
            return lambda cell: _integer(cell, name)
        if column.kind is Kind.CODE:
            allowed = {code: code for code in column.allowed(self.year) or ()}
            listed = ", ".join(sorted(allowed))
            label = CollectionYear(self.year).label

            def code(cell: str) -> str:
                value = cell.strip().upper()
                if not value:
                    return ""
                try:
                    return allowed[value]
                except KeyError:
                    raise _Bad(f"{value!r} is not a valid {name} code in {label}. Allowed: "
                               f"{listed}."
                               + _HINTS.get((name, value), "")) from None

            return code
        check = _TEXT_CHECKS.get(name)
        seen = self._texts.setdefault(name, {})  # per column: each has its own check

        def text(cell: str) -> str:
            value = cell.strip().upper()
            if value in seen:
                return seen[value]  # postcodes and URNs repeat: keep one copy
            if value and check:
                check(value)
            if len(seen) < _TEXTS_KEPT_A_COLUMN:
                seen[value] = value
            return value

        return text

    @staticmethod
    def _child(cell: str) -> str:
        value = cell.strip()
        if value and not CHILD_ID_PATTERN.match(value):
            raise _Bad(_CHILD_FORMAT.format(value))
        return value

    def _date(self, cell: str, name: str) -> dt.date | None:
        text = cell.strip()
        if not text:
            return None
        day = self._dates.get(text)
        if day is not None:
            return day
        match = _DATE.match(text)
        if not match:
            raise _Bad(f"{name} {text!r} is not a date in the form DD/MM/YYYY.")
        d, m, y = (int(g) for g in match.groups())
        try:
            day = dt.date(y, m, d)
        except ValueError:
            raise _Bad(f"{name} {text!r} is not a real date (DD/MM/YYYY).") from None
        if not 1900 <= y <= 2100:
            raise _Bad(f"{name} {text!r} is not a plausible date: the year is {y}.")
        self._dates[text] = day
        return day


def _flag(cell: str, name: str) -> bool | None:
    value = cell.strip()
    if value == "1":
        return True
    if value == "0":
        return False
    if not value:
        return None
    raise _Bad(f"{name} is 0 or 1, not {value!r}.")


def _integer(cell: str, name: str) -> int | None:
    value = cell.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise _Bad(f"{name} is a whole number, not {value!r}.")
    return int(value)


def _by_validator(validator: Callable[[str], None], name: str) -> Callable[[str], None]:
    def check(value: str) -> None:
        try:
            validator(value)
        except ValidationError as error:
            raise _Bad(f"{name} {value!r}: {' '.join(error.messages)}") from None

    return check


def _sw_id(value: str) -> None:
    if not value.startswith(("SW", "XX")):
        raise _Bad(f"SW_ID {value!r} must start with SW or XX.")


# The models' own validators, so the file is told the same thing the staff pages are.
_TEXT_CHECKS: dict[str, Callable[[str], None]] = {
    "UPN": _by_validator(validate_upn, "UPN"),
    "HOME_POST": _by_validator(validate_postcode, "HOME_POST"),
    "PL_POST": _by_validator(validate_postcode, "PL_POST"),
    "SW_ID": _sw_id,
}


# --- rows --------------------------------------------------------------------------------------


def _fmt(day: dt.date) -> str:
    return t.format_date(day)


def _check_header(row: Row, year: int) -> None:
    if row["MC_DOB"] is not None and row["MOTHER"] is not True:
        row.refuse("MC_DOB", "MC_DOB (the first child's date of birth) is given only when "
                             "MOTHER is 1.")


def _check_episode(row: Row, year: int) -> None:
    start, end = row["DECOM"], row["DEC"]
    if end is not None and end < start:
        row.refuse("DEC", f"DEC {_fmt(end)} is before DECOM {_fmt(start)}: an episode cannot "
                          "end before it starts.")
    elif end is not None and end == start:
        row.refuse("DEC", f"DEC {_fmt(end)} is the day the episode starts: an episode ends "
                          "after the day it starts.")


def _check_oc2(row: Row, year: int) -> None:
    score = row["SDQ_SCORE"]
    if score is not None and score > 40:
        row.refuse("SDQ_SCORE", f"SDQ_SCORE runs 0 to 40, not {score}.")
    elif score is not None and row["SDQ_REASON"]:
        row.refuse("SDQ_REASON", "SDQ_REASON is the reason there is no SDQ_SCORE, so it is "
                                 "blank when there is a score.")


def _check_oc3(row: Row, year: int) -> None:
    age = oc3_age(row["DOB"], year=year)
    if age not in OC3_AGES:
        row.refuse("DOB", f"OC3 is for care leavers whose 17th to 21st birthday falls in "
                          f"{CollectionYear(year).label}; this date of birth gives a birthday of {age}.")


def _check_ad1(row: Row, year: int) -> None:
    if row["DATE_MATCH"] < row["DATE_INT"]:
        row.refuse("DATE_MATCH", f"DATE_MATCH {_fmt(row['DATE_MATCH'])} is before DATE_INT "
                                 f"{_fmt(row['DATE_INT'])}: a match follows the decision.")


def _ends_after(start: str, end: str, what: str) -> Callable[[Row, int], None]:
    def check(row: Row, year: int) -> None:
        if row[end] is not None and row[end] < row[start]:
            row.refuse(end, f"{end} {_fmt(row[end])} is before {start} {_fmt(row[start])}: "
                            f"{what} cannot end before it starts.")

    return check


_ROW_CHECKS: dict[str, Callable[[Row, int], None]] = {
    t.HEADER.key: _check_header,
    t.EPISODES.key: _check_episode,
    t.OC2.key: _check_oc2,
    t.OC3.key: _check_oc3,
    t.AD1.key: _check_ad1,
    t.PLACED_ADOPTION.key: _ends_after("DATE_PLACED", "DATE_PLACED_CEASED",
                                       "a decision to place for adoption"),
    t.MISSING.key: _ends_after("MIS_START", "MIS_END", "a missing episode"),
    t.SW_EPISODES.key: _ends_after("SW_DECOM", "SW_DEC", "a social worker episode"),
}


def oc3_age(born: dt.date, *, year: int) -> int:
    """The birthday a care leaver has in collection year `year` (1 April to 31 March)."""
    return age_on(born, CollectionYear(year).end)


# --- children ----------------------------------------------------------------------------------


def _check_child(child: ChildRows, cy: CollectionYear) -> None:
    """What no single row shows: repeated rows, a date of birth that differs between tables,
    and episodes that do not make up periods of care."""
    for key, rows in child.rows.items():
        if key in ONE_ROW_A_CHILD:
            for row in rows[1:]:
                row.refuse("CHILD", f"A second {key} row for this child (the first is at line "
                                    f"{rows[0].line}): the table has one row a child.")
        elif key in ROW_KEY:
            column, seen = ROW_KEY[key], {}
            for row in rows:
                value = row[column] if row.values else None
                if value is None:
                    continue
                if value in seen:
                    row.refuse(column, f"A second {key} row for this child with {column} "
                                       f"{_fmt(value)} (the first is at line {seen[value]}).")
                else:
                    seen[value] = row.line
    header = child.first(t.HEADER)
    if header is not None and not header.problems:
        for key, rows in child.rows.items():
            if key == t.HEADER.key:
                continue
            for row in rows:
                if row.problems or "DOB" not in _INDEX[key]:
                    continue
                if row["DOB"] != header["DOB"]:
                    row.refuse("DOB", f"DOB {_fmt(row['DOB'])} differs from the date of birth "
                                      f"in {header.file} line {header.line} "
                                      f"({_fmt(header['DOB'])}).")
                if key == t.UASC.key and row["SEX"] != header["SEX"]:
                    row.refuse("SEX", f"SEX {row['SEX']} differs from {header.file} line "
                                      f"{header.line} ({header['SEX']}).")
    episodes = child.rows.get(t.EPISODES.key, [])
    if episodes and not any(row.problems for row in episodes):
        child.periods = _periods(sorted(episodes, key=lambda row: row["DECOM"]))


def _periods(episodes: list[Row]) -> list[Period]:
    """Group a child's episodes into periods of care: RNE S starts one, a reason other than
    X1 ends it, and every other episode continues the one before (REFERENCE.md §3.1, §3.4)."""
    periods: list[Period] = []
    previous: Row | None = None
    for row in episodes:
        if previous is not None:
            before = f"the episode from {_fmt(previous['DECOM'])} (line {previous.line})"
            if previous["DEC"] is None:
                row.refuse("DECOM", f"This episode starts while {before} is still open (no "
                                    "DEC): end that one first.")
            elif previous["DEC"] > row["DECOM"]:
                row.refuse("DECOM", f"This episode starts on {_fmt(row['DECOM'])}, before "
                                    f"{before} ends ({_fmt(previous['DEC'])}).")
            elif row["RNE"] == "S" and previous["REC"] == "X1":
                row.refuse("RNE", f"RNE S starts a new period of care, but {before} ends with "
                                  "REC X1 (still looked after): give the RNE of the change.")
            elif row["RNE"] != "S" and previous["REC"] != "X1":
                row.refuse("RNE", f"RNE {row['RNE']} continues a period of care, but {before} "
                                  f"ended it (REC {previous['REC']}): a new period of care "
                                  "starts with RNE S.")
        if not periods or row["RNE"] == "S":
            periods.append(Period([row]))
        else:
            periods[-1].episodes.append(row)
        previous = row
    return periods


__all__ = ["ChildRows", "ImportRefused", "Period", "Problem", "Reading", "Row", "oc3_age",
           "ssda903_read"]
