"""Every write to the record goes through a service here: validate, write, record history with
the actor, in one transaction (DESIGN.md rule 1)."""

from .audit import access_event_record
from .errors import StaleVersion
from .people import allocation_start, young_person_create
from .placements import (
    connected_person_approval_record,
    episode_record,
    period_of_care_start,
)
from .plans import (
    goal_create,
    goal_progress_record,
    plan_agree,
    plan_draft_create,
    young_person_view_record,
)

__all__ = [
    "StaleVersion",
    "access_event_record",
    "allocation_start",
    "connected_person_approval_record",
    "episode_record",
    "goal_create",
    "goal_progress_record",
    "period_of_care_start",
    "plan_agree",
    "plan_draft_create",
    "young_person_create",
    "young_person_view_record",
]
