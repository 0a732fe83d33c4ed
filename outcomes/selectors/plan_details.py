"""A young person's current pathway plan in full, as staff read it: the ten statutory sections
in order, each with the worker's assessment, the young person's own views and the goals."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    Goal,
    PathwayPlan,
    PlanHeading,
    PlanSection,
    PlanStatus,
    User,
    YoungPerson,
    YoungPersonView,
)


@dataclass(frozen=True)
class SectionDetail:
    heading: PlanHeading
    section: PlanSection | None  # None when the plan has nothing under this heading yet
    assessment: str  # "" when hidden from the viewer or not written
    views: tuple[YoungPersonView, ...]
    goals: tuple[Goal, ...]


@dataclass(frozen=True)
class PlanDetail:
    plan: PathwayPlan | None  # the agreed (current) plan; None when none is agreed yet
    draft_number: int | None  # the number of a plan being drafted, if any
    sections: tuple[SectionDetail, ...]  # all ten headings, in the statutory order


def plan_detail_for(*, viewer: User, young_person: YoungPerson) -> PlanDetail:
    """The current plan with every section, view and goal. Raises NotVisible outside the viewer's
    scope for plans; fields `hidden_fields` names for the viewer are left out. Five queries."""
    access.require_view(viewer, young_person.pk, Area.PLANS)
    plans = list(PathwayPlan.objects.filter(
        young_person=young_person, status__in=[PlanStatus.AGREED, PlanStatus.DRAFT]
    ).only("pk", "number", "status", "agreed_on", "version", "young_person_id"))
    plan = next((p for p in plans if p.status == PlanStatus.AGREED), None)
    draft = next((p.number for p in plans if p.status == PlanStatus.DRAFT), None)
    by_heading: dict[str, PlanSection] = {}
    if plan is not None:
        by_heading = {section.heading: section for section in PlanSection.objects.filter(
            plan=plan).prefetch_related(
                Prefetch("views", queryset=YoungPersonView.objects.order_by("expressed_on", "id")),
                Prefetch("goals", queryset=Goal.objects.select_related("owner").order_by("id")),
        )}
    hide_assessment = "assessment" in access.hidden_fields(viewer, "plansection")
    sections = []
    for heading in PlanHeading:
        section = by_heading.get(heading.value)
        sections.append(SectionDetail(
            heading=heading, section=section,
            assessment="" if section is None or hide_assessment else section.assessment,
            views=tuple(section.views.all()) if section else (),
            goals=tuple(section.goals.all()) if section else (),
        ))
    return PlanDetail(plan=plan, draft_number=draft, sections=tuple(sections))
