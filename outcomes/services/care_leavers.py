"""A care leaver's own answers for the birthday record (SSDA903 OC3, REFERENCE.md §3.10): kept
as a draft for their adviser to confirm, never as the confirmed return; and the bot's message
that asks for them around each birthday from 17 to 21, written to the outbox once."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from outcomes import access, codes
from outcomes.access import Area
from outcomes.models import (
    CareLeaverRecord,
    Channel,
    Notification,
    NotificationChannel,
    NotificationKind,
    RecordStatus,
    Role,
    User,
    YoungPerson,
)
from outcomes.rules.reminders import after_quiet_hours
from outcomes.rules.schedule import check_in_age, record_confirmed
from outcomes.selectors.care_leavers import care_leaver_check_ins_due

from ._save import validated_save
from .telegram_prompts import telegram_prompt_for

log = logging.getLogger(__name__)

# The outbox rows of the bot's birthday check-in (bot/apps.py words them and adds the buttons).
CHECK_IN_EVENT_KIND = "care_leaver_check_in"
CHECK_IN_LEAD = "birthday"

ALREADY_CONFIRMED = "Your adviser has already confirmed the record for this birthday."
NOT_DUE = "There is no birthday record to give now."
ONLY_THEMSELVES = "Only the young person gives their own answers here."


def care_leaver_record_draft(
    *, actor: User, young_person: YoungPerson, activity: str, accommodation: str,
    channel: Channel, on: dt.date | None = None,
) -> CareLeaverRecord:
    """The young person's own answers for their current birthday as a DRAFT record, in touch
    (they answered): a draft given earlier is replaced, a confirmed one is left alone
    (ValidationError). Raises NotVisible outside the actor's scope, PermissionDenied for anyone
    but the young person themselves."""
    access.require_view(actor, young_person.pk, Area.CARE_LEAVER)
    if actor.role != Role.YOUNG_PERSON or actor.young_person_id != young_person.pk:
        raise PermissionDenied(ONLY_THEMSELVES)
    if activity not in codes.ACTIVITY or accommodation not in codes.ACCOMMODATION:
        raise ValidationError("An answer is not in its OC3 code list.")
    day = on or timezone.localdate()
    age = check_in_age(date_of_birth=young_person.date_of_birth, today=day)
    if age is None:
        raise ValidationError(NOT_DUE)
    with transaction.atomic():
        record = (CareLeaverRecord.objects.select_for_update()
                  .filter(young_person=young_person, age=age).first())
        if record_confirmed(None if record is None else record.status):
            raise ValidationError(ALREADY_CONFIRMED)
        record = record or CareLeaverRecord(young_person=young_person, age=age)
        record.recorded_on = day
        record.in_touch = "YES"
        record.activity = activity
        record.accommodation = accommodation
        record.status = RecordStatus.DRAFT
        record.recorded_by = actor
        record._change_reason = f"The young person's own answers, by {channel}."
        return validated_save(record, actor=actor)


@dataclass(frozen=True)
class CheckInsWritten:
    due: int  # care leavers due a check-in on the day
    written: list[int]  # outbox rows written now (ids), to be sent


def care_leaver_check_ins_write(*, on: dt.date | None = None,
                                now: dt.datetime | None = None) -> CheckInsWritten:
    """Write the bot's birthday check-in to the outbox for every care leaver due one on `on`
    (`care_leaver_check_ins_due`), in the bot's words, with its buttons (registered by the bot:
    without them nothing is written). Once per birthday: the outbox's unique key (event, due
    date, recipient, channel, lead) makes a second run write nothing. Held until the quiet
    hours end; sent, or cancelled after /stop, by the outbox like every reminder."""
    moment = now or timezone.now()
    day = on or timezone.localdate(moment)
    prompt = telegram_prompt_for(CHECK_IN_EVENT_KIND)
    if prompt is None:
        log.warning("No bot has worded the birthday check-in (is the bot app installed?): "
                    "nothing was written.")
        return CheckInsWritten(due=0, written=[])
    due = care_leaver_check_ins_due(on=day)
    started = timezone.now()
    rows = [Notification(
        young_person=check_in.young_person, event_key=f"{CHECK_IN_EVENT_KIND}:{check_in.age}",
        event_kind=CHECK_IN_EVENT_KIND, due_on=check_in.birthday, recipient=check_in.account,
        channel=NotificationChannel.TELEGRAM, lead=CHECK_IN_LEAD, kind=NotificationKind.REMINDER,
        subject=f"Birthday check-in at {check_in.age}",
        body=prompt.text(first_name=check_in.young_person.known_as, age=check_in.age,
                         birthday=check_in.birthday, today=day),
        not_before=after_quiet_hours(moment),
    ) for check_in in due]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # ignore_conflicts hides which rows were new: those written from `started` on are.
    written = list(Notification.objects.filter(
        event_kind=CHECK_IN_EVENT_KIND, created_at__gte=started,
        young_person_id__in=[check_in.young_person.pk for check_in in due],
    ).order_by("pk").values_list("pk", flat=True))
    return CheckInsWritten(due=len(due), written=written)
