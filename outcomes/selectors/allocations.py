"""Reads about who works with a young person that the channels share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import Allocation, AllocationRole, User

# Whom a young person is pointed to: their personal adviser, else their social worker.
KEY_ROLES = (AllocationRole.PERSONAL_ADVISER, AllocationRole.SOCIAL_WORKER)


@dataclass(frozen=True)
class KeyWorker:
    role: AllocationRole
    first_name: str
    email: str


def key_worker_for(*, viewer: User, young_person: int,
                   on: dt.date | None = None) -> KeyWorker | None:
    """The young person's personal adviser now, or their social worker if they have no adviser:
    first name and work email only. None when neither is allocated. Raises NotVisible outside
    the viewer's scope."""
    access.require_view(viewer, young_person, Area.ALLOCATIONS)
    day = on or timezone.localdate()
    rows = (Allocation.objects.current(day)
            .filter(young_person_id=young_person, role__in=KEY_ROLES, worker__is_active=True)
            .values_list("role", "worker__first_name", "worker__email"))
    found = {role: (first_name, email) for role, first_name, email in rows}
    for role in KEY_ROLES:
        if role in found:
            first_name, email = found[role]
            return KeyWorker(role=AllocationRole(role), first_name=first_name, email=email)
    return None
