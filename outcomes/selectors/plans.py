"""Reads of pathway plans that the channels share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from outcomes import access
from outcomes.access import Area
from outcomes.models import GoalStatus, PathwayPlan, PlanHeading, PlanSection, PlanStatus, User

HEADING_ORDER = {heading: index for index, heading in enumerate(PlanHeading.values)}


@dataclass(frozen=True)
class HeadingSummary:
    heading: PlanHeading
    goals: int  # goals still wanted (not dropped)
    done: int


@dataclass(frozen=True)
class PlanSummary:
    """A plan in short: no assessment, views, notes or goal text, so nothing adviser-only."""

    number: int
    agreed_on: dt.date
    headings: tuple[HeadingSummary, ...]  # in the statutory order


def plan_summary_for(*, viewer: User, young_person: int) -> PlanSummary | None:
    """The young person's current (agreed) plan in short: each heading with how many goals it
    has and how many are done. None when no plan is agreed yet. Raises NotVisible outside the
    viewer's scope. Three queries."""
    access.require_view(viewer, young_person, Area.PLANS)
    plan = (PathwayPlan.objects.filter(young_person_id=young_person, status=PlanStatus.AGREED)
            .only("pk", "number", "agreed_on").first())
    if plan is None:
        return None
    rows = (PlanSection.objects.filter(plan=plan).order_by()
            .annotate(wanted=Count("goals", filter=~Q(goals__status=GoalStatus.DROPPED)),
                      done=Count("goals", filter=Q(goals__status=GoalStatus.DONE)))
            .values_list("heading", "wanted", "done"))
    headings = sorted((HeadingSummary(PlanHeading(heading), wanted, done)
                       for heading, wanted, done in rows),
                      key=lambda h: HEADING_ORDER[h.heading])
    return PlanSummary(number=plan.number, agreed_on=plan.agreed_on, headings=tuple(headings))
