from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from outcomes.models import ConnectedPersonApproval, Episode, PeriodOfCare, User, YoungPerson

from ._save import validated_save
from .reminders import rescheduled

EPISODE_FIELDS = (
    "reason_new_episode", "legal_status", "category_of_need", "place", "place_provider",
    "reason_place_change", "home_postcode", "placement_postcode", "urn",
)


def period_of_care_start(
    *, actor: User, young_person: YoungPerson, started_on: dt.date, **first_episode
) -> Episode:
    """Start a period of care with its first episode (RNE S). Both are saved, or neither."""
    with transaction.atomic():
        period = validated_save(
            PeriodOfCare(young_person=young_person, started_on=started_on), actor=actor
        )
        return rescheduled(validated_save(
            Episode(young_person=young_person, period_of_care=period, started_on=started_on,
                    reason_new_episode="S", **first_episode),
            actor=actor,
        ))


def episode_record(
    *, actor: User, young_person: YoungPerson, started_on: dt.date,
    reason_place_change: str = "", **fields,
) -> Episode:
    """Record a change of placement or legal status: the open episode ends (REC X1) the day
    the new one starts, and the new episode continues the same period of care."""
    with transaction.atomic():
        current = (
            Episode.objects.select_for_update()
            .filter(young_person=young_person, ended_on__isnull=True)
            .select_related("period_of_care")
            .first()
        )
        if current is None:
            raise ValidationError(
                {"started_on": "There is no open episode: start a period of care first."}
            )
        if fields.get("reason_new_episode") == "S":
            raise ValidationError(
                {"reason_new_episode": "S starts a period of care; use period_of_care_start."}
            )
        current.ended_on = started_on
        current.reason_ceased = "X1"
        current.reason_place_change = reason_place_change
        validated_save(current, actor=actor)
        values = {name: getattr(current, name) for name in EPISODE_FIELDS} | fields
        values["reason_place_change"] = ""
        return rescheduled(validated_save(
            Episode(young_person=young_person, period_of_care=current.period_of_care,
                    started_on=started_on, **values),
            actor=actor,
        ))


def connected_person_approval_record(
    *, actor: User, young_person: YoungPerson, **fields
) -> ConnectedPersonApproval:
    """Record a regulation 24 temporary approval (and any reg 25 extension) for a connected
    person, so that a U1-U3 placement with them can be recorded."""
    with transaction.atomic():
        return rescheduled(validated_save(
            ConnectedPersonApproval(young_person=young_person, **fields), actor=actor
        ))
