from __future__ import annotations

from outcomes.models import AccessEvent, Channel, User


def access_event_record(
    *, actor: User | None, young_person_id: int, what: str, channel: Channel
) -> AccessEvent:
    """Leave the trace of a read of a young person's record (DESIGN.md rule 5). Append-only."""
    return AccessEvent.objects.create(
        actor=actor, young_person_id=young_person_id, what=what, channel=channel
    )
