"""python manage.py annex_a OUT.xlsx --user USERNAME [--as-of YYYY-MM-DD]

Writes the Ofsted Annex A workbook (List 8, List 9 and notes) for the young people USERNAME may
see, as on the day given (default today, Europe/London). The user must read reports (a team
manager or an administrator). The file appears only when it is complete.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outcomes import access
from outcomes.annex_a_workbook import annex_a_workbook_write
from outcomes.models import Channel, User


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of takes a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = "Write the Ofsted Annex A workbook (List 8 children in care, List 9 care leavers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="The .xlsx file to write.")
        parser.add_argument("--as-of", type=_day, default=None,
                            help="The day the lists are for, YYYY-MM-DD (default today).")
        parser.add_argument("--user", required=True,
                            help="Whose view: the lists cover the young people this user may "
                                 "see. A team manager or an administrator.")

    def handle(self, *args, out: Path, as_of: dt.date | None, user: str, **options) -> None:
        viewer = User.objects.filter(username=user, is_active=True).select_related("team").first()
        if viewer is None:
            raise CommandError(f"No active user {user!r}.")
        if not access.may_export_903(viewer):
            raise CommandError(f"{user} may not read reports: Annex A is for team managers and "
                               "administrators.")
        directory = out.resolve().parent
        if not directory.is_dir():
            raise CommandError(f"No such folder: {directory}")
        handle, partial = tempfile.mkstemp(dir=directory, prefix=".annex-a-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                annex = annex_a_workbook_write(user=viewer, as_of=as_of, out=file,
                                               channel=Channel.ADMIN)
            os.replace(partial, out)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        counts = ", ".join(f"List {annex_list.number}: {len(annex_list.rows)}"
                           for annex_list in annex.lists)
        self.stdout.write(f"Wrote {out} as at {annex.as_of:%d/%m/%Y} ({counts}).")
