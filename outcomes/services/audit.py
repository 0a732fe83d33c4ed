from __future__ import annotations

from collections.abc import Iterable

from outcomes.models import AccessEvent, Channel, User


def access_event_record(
    *, actor: User | None, young_person_id: int, what: str, channel: Channel
) -> AccessEvent:
    """Leave the trace of a read of a young person's record (DESIGN.md rule 5). Append-only."""
    return AccessEvent.objects.create(
        actor=actor, young_person_id=young_person_id, what=what, channel=channel
    )


def access_events_record(
    *, actor: User | None, young_person_ids: Iterable[int], what: str, channel: Channel
) -> None:
    """Leave one trace per young person shown in a list, in a single insert."""
    AccessEvent.objects.bulk_create(
        AccessEvent(actor=actor, young_person_id=pk, what=what, channel=channel)
        for pk in dict.fromkeys(young_person_ids)
    )
