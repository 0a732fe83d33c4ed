"""Create the periodic tasks in django-celery-beat's tables, once.

Idempotent: an entry that exists is left as it is, so a time changed in the admin survives a
re-run (and a deploy). `--reset` puts the defaults back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

SWEEP = "Reminders: daily sweep"
DISPATCH = "Reminders: dispatch the outbox"
CHECK_INS = "Care leavers: the bot's birthday check-in"
INTERRUPTED_JOBS = "Data jobs: fail the jobs whose worker died"
SAFEGUARDING = "Safeguarding: escalate alerts nobody has acknowledged"
EXPIRED_FILES = "Data jobs: delete files older than DATA_JOB_FILE_HOURS"
# Often enough that a user waiting on the status page is told soon after the heartbeat limit.
INTERRUPTED_JOBS_MINUTES = 5
# After the sweep has refreshed the schedules, and out of a young person's quiet hours.
CHECK_IN_HOUR = 10


class Command(BaseCommand):
    help = ("Create the beat schedules for the reminder sweep, the outbox dispatcher, the "
            "bot's birthday check-in, the sweep for data jobs whose worker died and the "
            "escalation of safeguarding alerts.")

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="Put the default times back on entries that exist.")

    @transaction.atomic
    def handle(self, *args, reset: bool = False, **options):
        daily, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour=str(settings.REMINDER_SWEEP_HOUR), day_of_week="*",
            day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE,
        )
        every_minute, _ = IntervalSchedule.objects.get_or_create(
            every=1, period=IntervalSchedule.MINUTES)
        every_five_minutes, _ = IntervalSchedule.objects.get_or_create(
            every=INTERRUPTED_JOBS_MINUTES, period=IntervalSchedule.MINUTES)
        mid_morning, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour=str(CHECK_IN_HOUR), day_of_week="*", day_of_month="*",
            month_of_year="*", timezone=settings.TIME_ZONE,
        )
        wanted = {
            SWEEP: {"task": "tasks.reminders.sweep", "crontab": daily, "interval": None},
            DISPATCH: {"task": "tasks.reminders.dispatch", "interval": every_minute,
                       "crontab": None},
            CHECK_INS: {"task": "tasks.check_ins.ask", "crontab": mid_morning, "interval": None},
            INTERRUPTED_JOBS: {"task": "tasks.data_jobs.fail_interrupted",
                               "interval": every_five_minutes, "crontab": None},
            SAFEGUARDING: {"task": "tasks.safeguarding.escalate", "interval": every_minute,
                           "crontab": None},
            EXPIRED_FILES: {"task": "tasks.data_jobs.expire_files",
                            "interval": every_five_minutes, "crontab": None},
        }
        for name, defaults in wanted.items():
            task, created = PeriodicTask.objects.get_or_create(name=name, defaults=defaults)
            if created:
                self.stdout.write(f"Created: {name}")
            elif reset:
                for field, value in defaults.items():
                    setattr(task, field, value)
                task.enabled = True
                task.save()
                self.stdout.write(f"Reset: {name}")
            else:
                self.stdout.write(f"Kept as it is: {name}")
