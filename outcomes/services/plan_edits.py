"""Changes to pathway plans and goals made on behalf of a signed-in user, from any channel: each
checks the access policy first, then writes with its history, in one transaction (DESIGN.md
rules 1, 2 and 6).

The writes in `plans.py` trust their caller; these are the ones a channel calls. Every change is
decided in the same order:

1. Outside the user's scope for the young person's plans: `NotVisible` (channels answer 404, so
   the record's existence is not disclosed).
2. Visible, but the user may not make this change: `PermissionDenied` (channels answer 403). A
   young person records progress on their goals and adds their own views; starting, editing and
   agreeing plans and setting goals is for the people who work with them. Roles that may see
   plans but not change them (an IRO) are refused the same way.
3. The version the caller read is not the current one: `StaleVersion`, nothing written.
4. A superseded plan is the record of what was agreed then: nothing on it changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    STAFF_ROLES,
    Channel,
    Goal,
    GoalProgress,
    GoalStatus,
    PathwayPlan,
    PlanHeading,
    PlanSection,
    PlanStatus,
    User,
    YoungPerson,
    YoungPersonView,
)

from . import plans
from ._save import validated_save
from .errors import StaleVersion

STAFF_ONLY = (
    "Young people can record progress on their goals and add their views; the plan itself is "
    "changed by the people who work with them."
)
SEE_ONLY = "You can see this plan but your role cannot change it."
SUPERSEDED = (
    "This plan has been superseded: it is the record of what was agreed then and cannot be "
    "changed. Change the current plan, or start a new draft."
)
GOAL_FIELDS = frozenset({"description", "target_date", "status", "owner"})


def _require_change(actor: User, young_person_id: int, *, staff_only: bool) -> None:
    """404 outside the user's scope; 403 for a plan they may see but not change this way."""
    access.require_view(actor, young_person_id, Area.PLANS)
    if staff_only and actor.role not in STAFF_ROLES:
        raise PermissionDenied(STAFF_ONLY)
    try:
        access.require_change(actor, young_person_id, Area.PLANS)
    except access.NotVisible:
        raise PermissionDenied(SEE_ONLY) from None


def _lock_open_plan(plan_id: int) -> PathwayPlan:
    """Lock the plan until the transaction ends, so it cannot be superseded under this write."""
    plan = PathwayPlan.objects.select_for_update().get(pk=plan_id)
    if plan.status == PlanStatus.SUPERSEDED:
        raise ValidationError({"status": SUPERSEDED})
    return plan


def _require_owner(owner: User | None, young_person_id: int) -> None:
    if owner is None:
        raise ValidationError({"owner": "Every goal needs an owner: the person who sees it "
                                        "through."})
    if not access.can_view(owner, young_person_id, Area.PLANS):
        raise ValidationError({"owner": "The owner must be someone who can see this plan: the "
                                        "young person or someone who works with them."})


def _assessments_from(data: Mapping[str, Any]) -> dict[str, str]:
    """{heading: assessment} from {"sections": [{"heading": ..., "assessment": ...}, ...]}."""
    unknown = sorted(set(data) - {"sections"})
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    sections = data.get("sections")
    if not sections:
        raise ValidationError({"sections": "Give at least one section to change."})
    assessments: dict[str, str] = {}
    for item in sections:
        heading, assessment = item.get("heading"), item.get("assessment")
        if heading not in PlanHeading.values:
            raise ValidationError({"sections": "Unknown heading. The headings are: "
                                               + ", ".join(PlanHeading.values) + "."})
        if heading in assessments:
            raise ValidationError({"sections": "Each heading may appear only once."})
        if not isinstance(assessment, str):
            raise ValidationError({"sections": "Each section needs its assessment as text."})
        assessments[heading] = assessment
    return assessments


def plan_draft_create(*, actor: User, young_person: YoungPerson) -> PathwayPlan:
    """`plans.plan_draft_create` for a user: workers only, within their scope."""
    _require_change(actor, young_person.pk, staff_only=True)
    return plans.plan_draft_create(actor=actor, young_person=young_person)


def plan_update(
    *, actor: User, plan: PathwayPlan, data: Mapping[str, Any], expected_version: int
) -> PathwayPlan:
    """Change the assessments of a draft or the current plan: `data` is {"sections": [{"heading",
    "assessment"}]}; headings not named are left as they are. The plan's version moves on, so a
    change to an agreed plan is kept in its history. Raises StaleVersion if it changed since
    read."""
    _require_change(actor, plan.young_person_id, staff_only=True)
    assessments = _assessments_from(data)
    with transaction.atomic():
        locked = PathwayPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.version != expected_version:
            raise StaleVersion(locked)
        if locked.status == PlanStatus.SUPERSEDED:
            raise ValidationError({"status": SUPERSEDED})
        existing = {s.heading: s for s in locked.sections.select_for_update()}
        for heading, assessment in assessments.items():
            section = existing.get(heading) or PlanSection(plan=locked, heading=heading)
            if section.pk is None or section.assessment != assessment:
                section.assessment = assessment
                validated_save(section, actor=actor)
        locked.version += 1
        return validated_save(locked, actor=actor)


def plan_agree(
    *, actor: User, plan: PathwayPlan, agreed_on: dt.date, expected_version: int
) -> PathwayPlan:
    """`plans.plan_agree` for a user: workers only, within their scope."""
    _require_change(actor, plan.young_person_id, staff_only=True)
    return plans.plan_agree(actor=actor, plan=plan, agreed_on=agreed_on,
                            expected_version=expected_version)


def goal_create(
    *, actor: User, section: PlanSection, description: str, owner: User | None,
    target_date: dt.date | None = None,
) -> Goal:
    """`plans.goal_create` for a user: workers only, on a plan that is not superseded, with an
    owner who can see the plan."""
    young_person_id = section.plan.young_person_id
    _require_change(actor, young_person_id, staff_only=True)
    with transaction.atomic():
        _lock_open_plan(section.plan_id)
        _require_owner(owner, young_person_id)
        return plans.goal_create(actor=actor, section=section, description=description,
                                 owner=owner, target_date=target_date)


def goal_update(
    *, actor: User, goal: Goal, data: Mapping[str, Any], expected_version: int
) -> Goal:
    """Change a goal's description, target date, status or owner (keys of `data`; others are
    refused). Raises StaleVersion if the goal changed since it was read."""
    young_person_id = goal.section.plan.young_person_id
    _require_change(actor, young_person_id, staff_only=True)
    unknown = sorted(set(data) - GOAL_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    if not data:
        raise ValidationError({"non_field_errors": "Nothing to change."})
    with transaction.atomic():
        plan = PathwayPlan.objects.select_for_update().get(pk=goal.section.plan_id)
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if locked.version != expected_version:
            raise StaleVersion(locked)
        if plan.status == PlanStatus.SUPERSEDED:
            raise ValidationError({"status": SUPERSEDED})
        if "owner" in data:
            _require_owner(data["owner"], young_person_id)
        for field, value in data.items():
            setattr(locked, field, value)
        locked.version += 1
        return validated_save(locked, actor=actor)


def goal_progress_record(
    *, actor: User, goal: Goal, status: GoalStatus, note: str = "", channel: Channel,
    expected_version: int,
) -> GoalProgress:
    """`plans.goal_progress_record` for a user: the young person themselves or their workers."""
    _require_change(actor, goal.section.plan.young_person_id, staff_only=False)
    with transaction.atomic():
        _lock_open_plan(goal.section.plan_id)
        return plans.goal_progress_record(actor=actor, goal=goal, status=status, note=note,
                                          channel=channel, expected_version=expected_version)


def young_person_view_record(
    *, actor: User, section: PlanSection, text: str, expressed_on: dt.date, channel: Channel
) -> YoungPersonView:
    """`plans.young_person_view_record` for a user: the young person themselves or their
    workers."""
    _require_change(actor, section.plan.young_person_id, staff_only=False)
    with transaction.atomic():
        _lock_open_plan(section.plan_id)
        return plans.young_person_view_record(actor=actor, section=section, text=text,
                                              expressed_on=expressed_on, channel=channel)
