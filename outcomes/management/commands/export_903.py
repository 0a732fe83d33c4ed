"""`manage.py export_903 DIR --year 2025`: write the SSDA903 return's CSV tables for a collection
year (outcomes/ssda903/export.py), and with --previous-year-dir last year's too, so both can be
given to the DfE validator ("This year" and "Prev year").

Every child written is an access event (channel "Command line"), by the user named with --by
(an active administrator: the export is the whole authority's), or by no one named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outcomes.models import Role, User
from outcomes.rules.years import CollectionYear
from outcomes.services.data_jobs import ssda903_export_audit
from outcomes.ssda903 import tables as t
from outcomes.ssda903.export import ExportSummary, ssda903_export
from outcomes.ssda903.tables import YEARS


class Command(BaseCommand):
    help = ("Write the SSDA903 tables (Header, Episodes, Reviews, UASC, OC2, OC3, AD1, "
            "PlacedAdoption, PrevPerm, Missing, SWEpisodes) for a collection year as CSV files. "
            "A collection year is named by the year it ends: 2025 is 1 April 2024 to 31 March "
            "2025.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="Where to write the CSV files.")
        parser.add_argument("--year", type=int, required=True, choices=YEARS,
                            help="The collection year, named by the year it ends.")
        parser.add_argument("--previous-year-dir", type=Path, default=None,
                            help="Also write the year before's tables into this directory.")
        parser.add_argument("--by", default=None, metavar="USERNAME",
                            help="Who is exporting (an administrator's username), for the "
                                 "access trail.")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        actor = None
        if options["by"]:
            actor = User.objects.filter(username=options["by"], is_active=True,
                                        role=Role.ADMINISTRATOR).first()
            if actor is None:
                raise CommandError(f"No active administrator has the username {options['by']!r}.")
        targets = [(year, options["directory"])]
        if options["previous_year_dir"] is not None:
            if year - 1 not in YEARS:
                raise CommandError(f"The tables of collection year {year - 1} are not defined.")
            targets.append((year - 1, options["previous_year_dir"]))
        for target_year, directory in targets:
            summary = ssda903_export(year=target_year, directory=directory)
            self._report(summary)
            header = next(w.path for w in summary.tables if w.table == t.HEADER.key)
            recorded = ssda903_export_audit(actor=actor, header=header)
            self.stdout.write(f"  Access trail: {recorded:,} children recorded as exported.")

    def _report(self, summary: ExportSummary) -> None:
        self.stdout.write(self.style.SUCCESS(
            f"Collection year {CollectionYear(summary.year).label}: "
            f"{summary.children:,} children in {summary.directory}"))
        for written in summary.tables:
            self.stdout.write(f"  {written.path.name:<28} {written.rows:>8,} rows")
        for what, count in summary.left_out.items():
            self.stdout.write(self.style.WARNING(f"  Left out: {count:,} {what}"))
