"""Closing a statutory item that no longer applies (a child moved on the day a review fell due,
a duty that ended with a change the records cannot show), with the reason, by a manager.

The closure is kept with its history (who, when, why); the schedule then shows the item as
closed with the reason and no longer reminds anyone of it; the schedule entries are refreshed
in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import ScheduleItemClosure, User, YoungPerson
from outcomes.rules.schedule import State
from outcomes.selectors.schedule import schedule_for

from ._save import validated_save
from .reminders import rescheduled

CLOSABLE = frozenset({State.UPCOMING, State.DUE, State.OVERDUE, State.NOT_RECORDED})
REASON_MAX_LENGTH = 2_000


def schedule_item_close(*, actor: User, young_person: YoungPerson, key: str,
                        reason: str) -> ScheduleItemClosure:
    """Close the young person's open item `key` as no longer applying. Raises NotVisible outside
    the actor's scope, PermissionDenied unless their role closes items (access.py), and
    ValidationError for an item that is not open or a missing reason."""
    access.require_view(actor, young_person, Area.SCHEDULE)
    access.require_close_schedule_items(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why this no longer applies"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX_LENGTH:,} characters "
                                         "or fewer"})
    with transaction.atomic():
        YoungPerson.objects.select_for_update().get(pk=young_person.pk)
        item = next((item for item in schedule_for(young_person=young_person)
                     if item.key == key and item.state in CLOSABLE), None)
        if item is None:
            raise ValidationError("This item is no longer open: it may have been recorded or "
                                  "closed already.")
        closure = ScheduleItemClosure(young_person=young_person, key=key, title=item.title,
                                      reason=reason, closed_by=actor,
                                      closed_on=timezone.localdate())
        return rescheduled(validated_save(closure, actor=actor))
