"""Every write to the record goes through a service here: validate, write, record history with
the actor, in one transaction (DESIGN.md rule 1)."""

from .audit import access_event_record, access_events_record
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
from .tokens import api_token_authenticate, api_token_issue

__all__ = [
    "StaleVersion",
    "access_event_record",
    "access_events_record",
    "allocation_start",
    "api_token_authenticate",
    "api_token_issue",
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
