"""Reads about a young person's reviews that the channels share."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import User
from outcomes.rules.schedule import Item, State

from .schedule import schedule_for

OPEN = frozenset({State.UPCOMING, State.DUE, State.OVERDUE})


def next_review_for(*, viewer: User, young_person: int, on: dt.date | None = None) -> Item | None:
    """The first open item of the young person's schedule that the viewer is shown (for a young
    person: their own reviews and pathway plan, access.schedule_items_for), earliest due first;
    None when nothing is open. Raises NotVisible outside the viewer's scope."""
    person = (access.young_people_visible_to(viewer, Area.SCHEDULE).filter(pk=young_person)
              .only("pk", "date_of_birth", "authority_accommodation").first())
    if person is None:
        raise access.NotVisible
    day = on or timezone.localdate()
    items = access.schedule_items_for(viewer, schedule_for(young_person=person, on=day))
    upcoming = [item for item in items if item.state in OPEN and item.due_on is not None]
    return min(upcoming, key=lambda item: (item.due_on, item.key), default=None)
