"""`manage.py seed_demo`: fill an empty database with a synthetic authority and the demo logins.

The rows are written with COPY (PostgreSQL) or bulk_create (elsewhere), which bypass
django-simple-history: the synthetic records start without history rows, which is acceptable for
demo data. Everyone in it is invented (bench/generator.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from bench import generator
from outcomes import models as m
from outcomes.services import reminders


class Command(BaseCommand):
    help = ("Create a synthetic local authority (teams, staff, young people with care histories, "
            "plans, reviews and education) and the demo logins. Does nothing if young people "
            "already exist.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1,
                            help="Random seed: the same seed gives the same data (default 1).")
        parser.add_argument("--young-people", type=int, default=200, dest="young_people",
                            help="How many young people to create (default 200).")
        parser.add_argument("--today", type=_date, default=None,
                            help="The day the data is relative to, YYYY-MM-DD (default: today).")
        parser.add_argument("--force", action="store_true",
                            help="Run even with DEBUG off (never on a live service).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates synthetic people and logins with a published password, so it "
                "runs only with DEBUG on (DJANGO_DEBUG=true). Use --force to run it anyway.")
        if options["young_people"] < generator.MIN_YOUNG_PEOPLE:
            raise CommandError(
                f"--young-people must be at least {generator.MIN_YOUNG_PEOPLE}.")
        existing = m.YoungPerson.objects.count()
        if existing:
            self.stdout.write(f"Demo data already present ({existing} young people): "
                              "nothing to do.")
            return
        taken = sorted(m.User.objects.filter(username__in=generator.DEMO_USERNAMES)
                       .values_list("username", flat=True))
        if taken:
            raise CommandError(
                f"The database has no young people but already has the users {', '.join(taken)}; "
                "seed_demo fills an empty database only.")

        total = options["young_people"]
        # A bar on a terminal; nothing per chunk in logs and CI.
        bar = tqdm(total=total, unit=" young people", disable=not sys.stderr.isatty(),
                   file=sys.stderr)
        started = time.perf_counter()
        with bar:
            result = generator.seed(young_people=total, seed=options["seed"],
                                    today=options["today"], progress=bar.update)
        seconds = time.perf_counter() - started
        self._summary(result, seconds)
        # The statutory schedule of everyone, so "overdue" lists work before the first sweep.
        scheduled = reminders.schedule_refresh_all(on=options["today"])
        self.stdout.write(f"Worked out the statutory schedule of {scheduled:,} young people.")

    def _summary(self, result: generator.SeedResult, seconds: float) -> None:
        counts = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {counts[m.YoungPerson]:,} young people in {seconds:.1f} s "
            f"({result.total_rows:,} rows)."))
        width = max(len(model._meta.verbose_name_plural) for model in counts)
        for model, count in counts.items():
            self.stdout.write(f"  {model._meta.verbose_name_plural:<{width}}  {count:>10,}")
        self.stdout.write(f"Demo logins (password {generator.DEMO_PASSWORD}):")
        for username, role in result.demo_logins:
            self.stdout.write(f"  {username:<14} {role}")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        # argparse turns this into a usage error (a CommandError under call_command).
        raise argparse.ArgumentTypeError(f"give a date as YYYY-MM-DD, not {value!r}") from error
