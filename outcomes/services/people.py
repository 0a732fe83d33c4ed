from __future__ import annotations

import datetime as dt

from django.db import transaction

from outcomes.models import Allocation, AllocationRole, User, YoungPerson

from ._save import validated_save


def young_person_create(*, actor: User, **fields) -> YoungPerson:
    """Create a young person's record after full validation (codes, UPN, date of birth)."""
    with transaction.atomic():
        return validated_save(YoungPerson(**fields), actor=actor)


def allocation_start(
    *, actor: User, young_person: YoungPerson, worker: User, role: AllocationRole,
    started_on: dt.date,
) -> Allocation:
    """Allocate `worker` to the young person in `role` from `started_on`, ending the current
    allocation in that role the day before. The allocation history is kept, never overwritten."""
    with transaction.atomic():
        current = (
            Allocation.objects.select_for_update()
            .filter(young_person=young_person, role=role, ended_on__isnull=True)
            .first()
        )
        if current is not None:
            if current.worker_id == worker.pk:
                return current
            current.ended_on = max(current.started_on, started_on - dt.timedelta(days=1))
            validated_save(current, actor=actor)
        return validated_save(
            Allocation(young_person=young_person, worker=worker, role=role,
                       started_on=started_on),
            actor=actor,
        )
