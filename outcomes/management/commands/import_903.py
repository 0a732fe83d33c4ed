"""`manage.py import_903 DIR --year 2025 [--rejected OUT.csv] [--team NAME] [--user USERNAME]`

Reads the SSDA903 CSV tables in DIR (recognised by their headers) and imports them child by child
(outcomes/services/ssda903_import.py): each child's rows go in together or not at all.

Exit status: 0 when every row was imported or was already in the record; 3 when the import ran
and the sound children are in, but some rows were refused (named in the summary and, with
--rejected, in a CSV of file, line, child, field and reason); 1 when nothing was imported (bad
arguments, or files that cannot be read as a return). Importing the same files again is safe:
what is already in the record is left alone, so fixing the refused rows and running it again
imports just those children.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from outcomes.models import Team, User
from outcomes.rules.years import CollectionYear
from outcomes.services.ssda903_import import ImportSummary, ssda903_import
from outcomes.ssda903.importer import ImportRefused
from outcomes.ssda903.tables import YEARS

SOME_ROWS_REFUSED = 3
SHOWN = 20  # refused rows printed when there is no --rejected file


class Command(BaseCommand):
    help = ("Import the SSDA903 tables (Header, Episodes, Reviews, UASC, OC2, OC3, AD1, "
            "PlacedAdoption, PrevPerm, Missing, SWEpisodes) of a collection year from the CSV "
            "files in a directory. Exit status 3 when some rows were refused (the rest are in).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="The directory holding the CSV files.")
        parser.add_argument("--year", type=int, required=True, choices=YEARS,
                            help="The collection year, named by the year it ends: 2025 is "
                                 "1 April 2024 to 31 March 2025.")
        parser.add_argument("--rejected", type=Path, default=None,
                            help="Write the refused rows here as CSV (file, line, child, field, "
                                 "reason).")
        parser.add_argument("--team", default=None,
                            help="The team new young people join (needed when the files hold "
                                 "children not yet in Waymark).")
        parser.add_argument("--user", default=None,
                            help="Record this user as the author of the changes in the history "
                                 "(default: none, with the reason 'SSDA903 import').")

    def handle(self, *args: Any, directory: Path, year: int, rejected: Path | None,
               team: str | None, user: str | None, **options: Any) -> None:
        actor = self._user(user)
        new_team = self._team(team)
        if rejected is not None and not rejected.resolve().parent.is_dir():
            raise CommandError(f"No such folder for --rejected: {rejected.resolve().parent}")
        bar = tqdm(unit=" children", disable=not sys.stderr.isatty(), file=sys.stderr)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done)

        try:
            with bar:
                summary = ssda903_import(actor=actor, year=year, directory=directory,
                                         team=new_team, progress=progress)
        except ImportRefused as refused:
            raise CommandError(f"Nothing was imported. {refused}") from None
        self._report(summary, listed_elsewhere=rejected is not None)
        if rejected is not None:
            with rejected.open("w", newline="", encoding="utf-8") as out:
                summary.rejections_write(out)
            self.stdout.write(f"Refused rows: {rejected}")
        if summary.rejected_rows:
            raise CommandError(
                f"{_n(summary.rejected_rows, 'row')} {_were(summary.rejected_rows)} refused "
                f"({_n(summary.children.rejected, 'child', 'children')} not imported); the other "
                "children are imported.",
                returncode=SOME_ROWS_REFUSED)

    def _user(self, username: str | None) -> User | None:
        if username is None:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user

    def _team(self, name: str | None) -> Team | None:
        if name is None:
            return None
        team = Team.objects.filter(name=name).first()
        if team is None:
            names = ", ".join(Team.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No team {name!r}. Teams: {names}.")
        return team

    def _report(self, summary: ImportSummary, *, listed_elsewhere: bool) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"SSDA903 {CollectionYear(summary.year).label}: "
                                     f"{summary.children.total:,} children"))
        width = max([len(k) for k in summary.tables] + [len("Periods of care"), 8])
        out.write(f"  {'':<{width}} {'created':>9} {'updated':>9} {'unchanged':>10} "
                  f"{'rejected':>9} {'skipped':>8}")
        lines = [*summary.tables.items(), ("Periods of care", summary.periods_of_care),
                 ("Children", summary.children)]
        for name, c in lines:
            out.write(f"  {name:<{width}} {c.created:>9,} {c.updated:>9,} {c.unchanged:>10,} "
                      f"{c.rejected:>9,} {c.skipped:>8,}")
        for note, count in summary.notes.items():
            out.write(self.style.WARNING(f"  Note: {note}: {count:,}"))
        if summary.rejections and not listed_elsewhere:
            # Without CHILD: this output ends up in logs; the --rejected file is the user's.
            for p in summary.rejections[:SHOWN]:
                out.write(f"  {p.file} line {p.line}{', ' + p.field if p.field else ''}: "
                          f"{p.reason}")
            if len(summary.rejections) > SHOWN:
                out.write(f"  ... and {len(summary.rejections) - SHOWN:,} more: use --rejected "
                          "OUT.csv to have them all.")



def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _were(count: int) -> str:
    return "was" if count == 1 else "were"
