"""The Ofsted Annex A workbook: List 8 and List 9 sheets with the template's headers, and a notes
sheet (the as-of date, who is on each list, how each column is worked out, which are left blank
and why).

Written with openpyxl's write-only mode, row by row, so a large authority's lists stream to the
file. Dates are real Excel dates shown DD/MM/YYYY. Called the same way by the staff pages and the
`annex_a` management command:

    content = annex_a_workbook(user=request.user, as_of=day)             # bytes for a response
    annex_a_workbook_write(user=user, as_of=day, out=fh, channel=...)    # to a file-like object

Each young person on a list gets an AccessEvent (DESIGN.md rule 5), in one insert.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from outcomes.models import Channel, Role, User
from outcomes.selectors.annex_a import (
    CODED_VALUES_NOTE,
    TEMPLATE_SOURCE,
    AnnexA,
    AnnexAList,
    Cell,
    Kind,
    annex_a_for,
)
from outcomes.services.audit import access_events_record

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
ACCESS_WHAT = "annex_a.workbook"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def annex_a_filename(as_of: dt.date) -> str:
    """A download name that carries the date, never a name or id."""
    return f"annex-a-lists-8-9-{as_of:%Y-%m-%d}.xlsx"


def annex_a_workbook(*, user: User | None, as_of: dt.date | None = None,
                     channel: Channel = Channel.WEB) -> bytes:
    """The workbook as bytes. Raises NotVisible unless the user reads reports."""
    buffer = io.BytesIO()
    annex_a_workbook_write(user=user, as_of=as_of, out=buffer, channel=channel)
    return buffer.getvalue()


def annex_a_workbook_write(*, user: User | None, as_of: dt.date | None = None, out: BinaryIO,
                           channel: Channel = Channel.WEB) -> AnnexA:
    """Write the workbook to `out` (a binary file-like object) and leave the access trace.
    Raises NotVisible, before anything is written, unless the user reads reports."""
    annex = annex_a_for(user=user, as_of=as_of)
    workbook = Workbook(write_only=True)
    for annex_list in annex.lists:
        _write_list(workbook.create_sheet(f"List {annex_list.number}"), annex_list)
    _write_notes(workbook.create_sheet("Notes"), annex, user)
    workbook.save(out)
    access_events_record(
        actor=user, channel=channel, what=ACCESS_WHAT,
        young_person_ids=[pk for annex_list in annex.lists for pk in annex_list.young_person_ids],
    )
    return annex


def _write_list(sheet: WriteOnlyWorksheet, annex_list: AnnexAList) -> None:
    # Column widths and the frozen header must be set before the first row is written.
    for number, column in enumerate(annex_list.columns, start=1):
        width = 14 if column.kind is not Kind.TEXT else min(max(len(column.header), 14), 40)
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "B2"
    sheet.append([_cell(sheet, header, font=BOLD, alignment=WRAP)
                  for header in annex_list.headers])
    for row in annex_list.rows:
        sheet.append([_cell(sheet, value, number_format=DATE_FORMAT)
                      if isinstance(value, str | dt.date) else value for value in row])


def _cell(sheet: WriteOnlyWorksheet, value: Cell | dt.datetime, *, number_format: str = "",
          font: Font | None = None, alignment: Alignment | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Names and codes come from free text: they stay text, never a formula (OWASP CSV
        # injection), whatever they start with. The text itself is written unchanged.
        cell.data_type = "s"
    elif number_format and value is not None:
        cell.number_format = number_format
    if font:
        cell.font = font
    if alignment:
        cell.alignment = alignment
    return cell


def _write_notes(sheet: WriteOnlyWorksheet, annex: AnnexA, user: User | None) -> None:
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 100

    def heading(text: str) -> None:
        sheet.append([])
        sheet.append([_cell(sheet, text, font=BOLD)])

    def line(*values) -> None:
        sheet.append([_cell(sheet, v, alignment=WRAP) if isinstance(v, str) else v
                      for v in values])

    sheet.append([_cell(sheet, "Ofsted Annex A: List 8 (children in care) and List 9 "
                               "(care leavers)", font=BOLD)])
    line("As at", _cell(sheet, annex.as_of, number_format=DATE_FORMAT))
    produced = timezone.localtime().replace(tzinfo=None, microsecond=0)
    line("Produced", _cell(sheet, produced, number_format=DATETIME_FORMAT))
    line("Covers", _scope(user))
    for annex_list in annex.lists:
        line(f"List {annex_list.number}", f"{len(annex_list.rows)} young people")
    line("Source", TEMPLATE_SOURCE)
    line("Codes", CODED_VALUES_NOTE)

    for annex_list in annex.lists:
        heading(f"List {annex_list.number} ({annex_list.title.lower()}): who is on it")
        for rule in annex_list.cohort:
            line("", rule)

    heading("Columns left blank, and why")
    line("List", "Column", "Why it is blank")
    for annex_list in annex.lists:
        for column in annex_list.columns:
            if not column.derived:
                line(f"List {annex_list.number}", column.header, column.blank_because)

    heading("How each other column is worked out (as on the as-of date)")
    line("List", "Column", "From")
    for annex_list in annex.lists:
        for column in annex_list.columns:
            if column.derived:
                line(f"List {annex_list.number}", column.header, column.source)


def _scope(user: User | None) -> str:
    """Whose records the lists cover, in words: the same scope as the user's other reports."""
    if user is None:
        return ""
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return f"The young people of {user.team.name}, as their team manager sees them."
    if user.role == Role.ADMINISTRATOR:
        return "Every young person in Waymark."
    return f"The young people {user.get_role_display().lower()} {user} may see."
