"""Every write to the record goes through a service here: validate, write, record history with
the actor, in one transaction (DESIGN.md rule 1)."""

from .audit import access_event_record, access_events_record
from .data_jobs import (
    DataJobRefused,
    data_job_export_create,
    data_job_import_create,
    data_job_result_open,
    data_job_run,
    data_jobs_interrupted_fail,
)
from .errors import StaleVersion
from .people import allocation_start, young_person_create
from .placements import (
    connected_person_approval_record,
    episode_record,
    period_of_care_start,
)

# Plan and goal writes for a signed-in user: these check the access policy first. The
# functions of the same names in `plans.py` trust their caller and are for these alone.
from .plan_edits import (
    goal_create,
    goal_progress_record,
    goal_update,
    plan_agree,
    plan_draft_create,
    plan_update,
    young_person_view_record,
)
from .telegram_links import (
    LinkCode,
    LinkCodeRefused,
    LinkCoolingOff,
    TelegramAccountTaken,
    telegram_link_active_for,
    telegram_link_claim,
    telegram_link_code_create,
    telegram_link_pause,
    telegram_link_require_may_link,
    telegram_link_resume,
    telegram_link_revoke,
    telegram_link_unlink,
)
from .tokens import api_token_authenticate, api_token_issue, api_token_revoke

__all__ = [
    "DataJobRefused",
    "LinkCode",
    "LinkCodeRefused",
    "LinkCoolingOff",
    "StaleVersion",
    "TelegramAccountTaken",
    "access_event_record",
    "access_events_record",
    "allocation_start",
    "api_token_authenticate",
    "api_token_issue",
    "api_token_revoke",
    "connected_person_approval_record",
    "data_job_export_create",
    "data_job_import_create",
    "data_job_result_open",
    "data_job_run",
    "data_jobs_interrupted_fail",
    "episode_record",
    "goal_create",
    "goal_progress_record",
    "goal_update",
    "period_of_care_start",
    "plan_agree",
    "plan_draft_create",
    "plan_update",
    "telegram_link_active_for",
    "telegram_link_claim",
    "telegram_link_code_create",
    "telegram_link_pause",
    "telegram_link_require_may_link",
    "telegram_link_resume",
    "telegram_link_revoke",
    "telegram_link_unlink",
    "young_person_create",
    "young_person_view_record",
]
