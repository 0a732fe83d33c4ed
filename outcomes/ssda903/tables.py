"""The tables of the SSDA903 return, per collection year: names, exact CSV headers, and what each
column holds. The export writes them and the import reads them, so both sides share one source.

Source: SSDA903.md §3.1-3.3 (the validator `csc-validator-be-903`, `lac_validator/config.py`)
and REFERENCE.md §3. Tables are recognised by their exact set of column headers, not by file name;
dates are DD/MM/YYYY; a collection year is named by the year it ends (2025 = 2024/25).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from outcomes import codes

DATE_FORMAT = "%d/%m/%Y"
YEARS = (2025, 2026)  # the collection years whose tables are defined here


class Kind(enum.Enum):
    """What a cell holds, so the importer knows how to read it and the export how to write it."""

    ID = "id"  # the LA child id (CHILD)
    CODE = "code"  # one of a code list (which may depend on the year)
    DATE = "date"  # DD/MM/YYYY
    FLAG = "flag"  # 0 or 1
    INTEGER = "integer"
    TEXT = "text"  # free text in a format of its own (UPN, postcode, URN, SW_ID)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    # The codes allowed in a collection year; None for columns that are not coded.
    codes: Callable[[int], frozenset[str]] | None = None

    def allowed(self, year: int) -> frozenset[str] | None:
        return self.codes(year) if self.codes else None


@dataclass(frozen=True)
class Table:
    key: str  # the validator's name for the table ("Header", "Episodes", ...)
    filename: str
    columns: tuple[Column, ...]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _fixed(values: Iterable[str]) -> Callable[[int], frozenset[str]]:
    allowed = frozenset(values)
    return lambda year: allowed


def _id() -> Column:
    return Column("CHILD", Kind.ID)


def _dob() -> Column:
    return Column("DOB", Kind.DATE)


def _code(name: str, values: Iterable[str] | Callable[[int], frozenset[str]]) -> Column:
    return Column(name, Kind.CODE, values if callable(values) else _fixed(values))


def _date(name: str) -> Column:
    return Column(name, Kind.DATE)


def _flag(name: str) -> Column:
    return Column(name, Kind.FLAG)


MISSING_TYPE = ("M", "A")  # REFERENCE.md §3.9: missing, or away without authorisation


def _place(year: int) -> frozenset[str]:
    return codes.placement_types_in(year)


HEADER = Table("Header", "header.csv", (
    _id(), Column("SEX", Kind.CODE, _fixed(codes.SEX)), _dob(),
    _code("ETHNIC", codes.ETHNICITY), Column("UPN", Kind.TEXT), _flag("MOTHER"),
    _date("MC_DOB"),
))
EPISODES = Table("Episodes", "episodes.csv", (
    _id(), _date("DECOM"), _code("RNE", codes.REASON_NEW_EPISODE),
    _code("LS", codes.LEGAL_STATUS), _code("CIN", codes.CATEGORY_OF_NEED),
    _code("PLACE", _place), _code("PLACE_PROVIDER", codes.PLACEMENT_PROVIDER), _date("DEC"),
    _code("REC", codes.REASON_EPISODE_CEASED),
    _code("REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE), Column("HOME_POST", Kind.TEXT),
    Column("PL_POST", Kind.TEXT), Column("URN", Kind.TEXT),
))
REVIEWS = Table("Reviews", "reviews.csv", (
    _id(), _dob(), _date("REVIEW"), _code("REVIEW_CODE", codes.REVIEW_PARTICIPATION),
))
UASC = Table("UASC", "uasc.csv", (
    _id(), Column("SEX", Kind.CODE, _fixed(codes.SEX)), _dob(), _date("DUC"),
))
OC2 = Table("OC2", "oc2.csv", (
    _id(), _dob(), Column("SDQ_SCORE", Kind.INTEGER), _code("SDQ_REASON", codes.SDQ_REASON),
    _flag("CONVICTED"), _flag("HEALTH_CHECK"), _flag("IMMUNISATIONS"), _flag("TEETH_CHECK"),
    _flag("HEALTH_ASSESSMENT"), _flag("SUBSTANCE_MISUSE"), _flag("INTERVENTION_RECEIVED"),
    _flag("INTERVENTION_OFFERED"),
))
OC3 = Table("OC3", "oc3.csv", (
    _id(), _dob(), _code("IN_TOUCH", codes.IN_TOUCH), _code("ACTIV", codes.ACTIVITY),
    _code("ACCOM", codes.ACCOMMODATION),
))
AD1 = Table("AD1", "ad1.csv", (
    _id(), _dob(), _date("DATE_INT"), _date("DATE_MATCH"), _flag("FOSTER_CARE"),
    _code("NB_ADOPTR", codes.NUMBER_OF_ADOPTERS), _code("SEX_ADOPTR", codes.SEX_OF_ADOPTERS),
    _code("LS_ADOPTR", codes.LEGAL_STATUS_OF_ADOPTERS),
))
PLACED_ADOPTION = Table("PlacedAdoption", "placed_for_adoption.csv", (
    _id(), _dob(), _date("DATE_PLACED"), _date("DATE_PLACED_CEASED"),
    _code("REASON_PLACED_CEASED", codes.REASON_PLACED_CEASED),
))
PREV_PERM = Table("PrevPerm", "previous_permanence.csv", (
    _id(), _dob(), _code("PREV_PERM", codes.PREVIOUS_PERMANENCE), Column("LA_PERM", Kind.TEXT),
    _date("DATE_PERM"),
))
MISSING = Table("Missing", "missing.csv", (
    _id(), _dob(), _code("MISSING", MISSING_TYPE), _date("MIS_START"), _date("MIS_END"),
))
SW_EPISODES = Table("SWEpisodes", "sw_episodes.csv", (
    _id(), _dob(), Column("SW_ID", Kind.TEXT), _date("SW_DECOM"), _date("SW_DEC"),
    _code("SW_REASON", codes.SOCIAL_WORKER_CHANGE_REASON),
))

# SWEpisodes is collected from 2023/24; DoLo (2026/27) is not defined here yet.
_ALL = (HEADER, EPISODES, REVIEWS, UASC, OC2, OC3, AD1, PLACED_ADOPTION, PREV_PERM, MISSING,
        SW_EPISODES)


def tables_for(year: int) -> tuple[Table, ...]:
    """The tables of the return for a collection year, Header first."""
    if year not in YEARS:
        raise ValueError(f"SSDA903 tables are defined for collection years "
                         f"{', '.join(map(str, YEARS))}, not {year}.")
    return _ALL


def table_for_header(names: Iterable[str], *, year: int) -> Table | None:
    """The table whose exact set of column names this is (order free), or None."""
    given = frozenset(n.strip().upper() for n in names)
    return next((t for t in tables_for(year) if frozenset(t.header) == given), None)


def format_date(day: dt.date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


def parse_date(text: str) -> dt.date | None:
    """Read a DD/MM/YYYY cell (blank is None); raise ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    return dt.datetime.strptime(text, DATE_FORMAT).date()  # noqa: DTZ007 - a date, not a time


def format_flag(value: bool | None) -> str:
    return "" if value is None else "1" if value else "0"


def row_of(table: Table, values: Mapping[str, str]) -> list[str]:
    """A CSV row in the table's column order; a column missing from `values` is blank."""
    unknown = set(values) - set(table.header)
    if unknown:
        raise KeyError(f"{table.key} has no column {', '.join(sorted(unknown))}")
    return [values.get(name, "") for name in table.header]
