"""Reads of pathway plans that the channels share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Q, When

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    Goal,
    GoalStatus,
    PathwayPlan,
    PlanHeading,
    PlanSection,
    PlanStatus,
    Role,
    User,
    YoungPerson,
    YoungPersonView,
)

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


def _for_staff(viewer: User, for_staff: bool) -> bool:
    """Whether the staff reading applies: asked for, and the viewer is not a young person (who
    always reads their own goals as they stand on the agreed plan)."""
    return for_staff and getattr(viewer, "role", None) != Role.YOUNG_PERSON


def _staff_plan(young_person: int) -> PathwayPlan | None:
    """The plan staff work on: the current (agreed) one, or the latest draft while none is
    agreed yet."""
    return (PathwayPlan.objects.filter(young_person_id=young_person,
                                       status__in=(PlanStatus.AGREED, PlanStatus.DRAFT))
            .order_by(Case(When(status=PlanStatus.AGREED, then=0), default=1), "-number")
            .only("pk").first())


def _current_goals(viewer: User, young_person: int | None = None):
    """Goals still wanted on the current (agreed) plans the viewer may see, with their section."""
    goals = Goal.objects.filter(
        section__plan__young_person__in=access.young_people_visible_to(viewer, Area.PLANS),
        section__plan__status=PlanStatus.AGREED,
    ).exclude(status=GoalStatus.DROPPED).select_related("section")
    if young_person is not None:
        goals = goals.filter(section__plan__young_person_id=young_person)
    return goals


def _in_heading_order(goals: list[Goal]) -> list[Goal]:
    return sorted(goals, key=lambda goal: (HEADING_ORDER.get(goal.section.heading, 99), goal.pk))


def goals_for(*, viewer: User, young_person: int, for_staff: bool = False) -> list[Goal]:
    """The young person's goals on their current plan, not the dropped ones, in the statutory
    order of their headings (each with its section). Raises NotVisible outside the viewer's
    scope. Two queries.

    `for_staff` (ignored for a young person): the plan staff work on, the agreed one or the
    latest draft while none is agreed, with its dropped goals too, in the same order. Three
    queries."""
    access.require_view(viewer, young_person, Area.PLANS)
    if not _for_staff(viewer, for_staff):
        return _in_heading_order(list(_current_goals(viewer, young_person)))
    plan = _staff_plan(young_person)
    if plan is None:
        return []
    return _in_heading_order(list(Goal.objects.filter(
        section__plan=plan,
        section__plan__young_person__in=access.young_people_visible_to(viewer, Area.PLANS),
    ).select_related("section")))


def goal_for(*, viewer: User, goal_id: int, for_staff: bool = False) -> Goal:
    """One goal still wanted on a current plan the viewer may see, with its section and plan.
    Raises NotVisible for any other id, whether or not it exists. One query.

    `for_staff` (ignored for a young person): any goal, dropped too, on the plan staff work on
    (as `goals_for`). Two queries."""
    if not _for_staff(viewer, for_staff):
        goal = _current_goals(viewer).select_related("section__plan").filter(pk=goal_id).first()
    else:
        goal = Goal.objects.filter(
            pk=goal_id, section__plan__status__in=(PlanStatus.AGREED, PlanStatus.DRAFT),
            section__plan__young_person__in=access.young_people_visible_to(viewer, Area.PLANS),
        ).select_related("section__plan").first()
        if goal is not None:
            plan = _staff_plan(goal.section.plan.young_person_id)
            goal = goal if plan is not None and plan.pk == goal.section.plan_id else None
    if goal is None:
        raise access.NotVisible
    return goal


def plan_sections_for(*, viewer: User, young_person: int) -> list[PlanSection]:
    """The sections of the young person's current (agreed) plan, in the statutory order, with
    their plan; empty when no plan is agreed. Raises NotVisible outside the viewer's scope."""
    access.require_view(viewer, young_person, Area.PLANS)
    sections = list(PlanSection.objects.filter(
        plan__young_person_id=young_person, plan__status=PlanStatus.AGREED,
    ).select_related("plan"))
    return sorted(sections, key=lambda section: HEADING_ORDER[section.heading])


def plan_section_for(*, viewer: User, section_id: int) -> PlanSection:
    """One section of a current plan the viewer may see, with its plan. Raises NotVisible for
    any other id, whether or not it exists."""
    section = PlanSection.objects.filter(
        pk=section_id, plan__status=PlanStatus.AGREED,
        plan__young_person__in=access.young_people_visible_to(viewer, Area.PLANS),
    ).select_related("plan").first()
    if section is None:
        raise access.NotVisible
    return section


@dataclass(frozen=True)
class PersonViews:
    """A young person (their names and child id) with their latest views."""

    young_person: YoungPerson
    views: list[YoungPersonView]


def latest_views_with_person_for(*, viewer: User, young_person: int,
                                 limit: int) -> PersonViews:
    """The young person, as the viewer may see them, and their latest views in their own words,
    newest first, from any of their plans, each with its section. Raises NotVisible outside the
    viewer's scope. Two queries: the young person through the policy (the one access check),
    then the views."""
    person = access.young_people_visible_to(viewer, Area.PLANS).filter(pk=young_person).first()
    if person is None:
        raise access.NotVisible
    return PersonViews(person, list(
        YoungPersonView.objects.filter(section__plan__young_person_id=person.pk)
        .select_related("section").order_by("-expressed_on", "-pk")[:limit]))


def latest_views_for(*, viewer: User, young_person: int, limit: int) -> list[YoungPersonView]:
    """The young person's latest views (`latest_views_with_person_for` without the young
    person). Raises NotVisible outside the viewer's scope. Two queries."""
    return latest_views_with_person_for(viewer=viewer, young_person=young_person,
                                        limit=limit).views
