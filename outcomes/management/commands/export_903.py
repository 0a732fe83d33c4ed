"""`manage.py export_903 DIR --year 2025`: write the SSDA903 return's CSV tables for a collection
year (outcomes/ssda903/export.py), and with --previous-year-dir last year's too, so both can be
given to the DfE validator ("This year" and "Prev year")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        targets = [(year, options["directory"])]
        if options["previous_year_dir"] is not None:
            if year - 1 not in YEARS:
                raise CommandError(f"The tables of collection year {year - 1} are not defined.")
            targets.append((year - 1, options["previous_year_dir"]))
        for target_year, directory in targets:
            self._report(ssda903_export(year=target_year, directory=directory))

    def _report(self, summary: ExportSummary) -> None:
        self.stdout.write(self.style.SUCCESS(
            f"Collection year {summary.year - 1}/{str(summary.year)[2:]}: "
            f"{summary.children:,} children in {summary.directory}"))
        for written in summary.tables:
            self.stdout.write(f"  {written.path.name:<28} {written.rows:>8,} rows")
        for what, count in summary.left_out.items():
            self.stdout.write(self.style.WARNING(f"  Left out: {count:,} {what}"))
