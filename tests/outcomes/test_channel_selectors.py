"""The reads the bot makes through the selectors: a young person's goals (as they see them, and
as staff do), one goal, their latest views, the items on a worker's card and the birthday
check-in. Each checks the policy itself, and the stranger is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from outcomes import models as m
from outcomes.access import NotVisible
from outcomes.rules.schedule import check_in_age, record_confirmed
from outcomes.selectors.care_leavers import CheckIn, care_leaver_check_in_for
from outcomes.selectors.plans import goal_for, goals_for, latest_views_for
from outcomes.selectors.schedule import schedule_entries_for
from tests import factories as f

H = m.PlanHeading


def goal(plan, heading, text, status=m.GoalStatus.NOT_STARTED):
    section = (m.PlanSection.objects.filter(plan=plan, heading=heading).first()
               or f.PlanSectionFactory(plan=plan, heading=heading))
    return f.GoalFactory(section=section, description=text, status=status)


@pytest.fixture
def plans(personas):
    """Jordan's superseded plan 1, agreed plan 2 and draft plan 3, each with goals."""
    jordan, adviser = personas.young_person, personas.adviser
    old = f.PathwayPlanFactory(young_person=jordan, number=1, status=m.PlanStatus.SUPERSEDED,
                               created_by=adviser)
    agreed = f.PathwayPlanFactory(young_person=jordan, number=2, created_by=adviser)
    draft = f.PathwayPlanFactory(young_person=jordan, number=3, status=m.PlanStatus.DRAFT,
                                 agreed_on=None, created_by=adviser)
    return {
        "old": goal(old, H.EDUCATION_TRAINING, "Old goal"),
        # Created in the reverse of the statutory order, so that order is not by id.
        "health": goal(agreed, H.HEALTH, "See the dentist"),
        "dropped": goal(agreed, H.ACCOMMODATION, "Move to Leeds", m.GoalStatus.DROPPED),
        "home": goal(agreed, H.ACCOMMODATION, "Find a flat"),
        "college": goal(agreed, H.EDUCATION_TRAINING, "Enrol at college"),
        "draft": goal(draft, H.SUPPORT_CONTACT, "Draft goal"),
    }


def texts(goals):
    return [g.description for g in goals]


def test_the_young_person_and_staff_see_the_same_plan_in_the_statutory_order(personas, plans):
    jordan = personas.young_person.pk
    assert texts(goals_for(viewer=personas.young_person_user, young_person=jordan)) == [
        "Enrol at college", "Find a flat", "See the dentist"]
    # Staff see the dropped goal too, in its place; never the draft beside an agreed plan.
    assert texts(goals_for(viewer=personas.adviser, young_person=jordan, for_staff=True)) == [
        "Enrol at college", "Move to Leeds", "Find a flat", "See the dentist"]
    # A young person asking for the staff reading gets their own.
    assert texts(goals_for(viewer=personas.young_person_user, young_person=jordan,
                           for_staff=True)) == ["Enrol at college", "Find a flat",
                                                "See the dentist"]


def test_staff_see_the_latest_draft_while_no_plan_is_agreed(personas, plans):
    m.PathwayPlan.objects.filter(status=m.PlanStatus.AGREED).update(
        status=m.PlanStatus.SUPERSEDED)
    jordan = personas.young_person.pk
    assert texts(goals_for(viewer=personas.adviser, young_person=jordan, for_staff=True)) == [
        "Draft goal"]
    assert goals_for(viewer=personas.young_person_user, young_person=jordan) == []
    assert goal_for(viewer=personas.adviser, goal_id=plans["draft"].pk, for_staff=True)
    with pytest.raises(NotVisible):
        goal_for(viewer=personas.young_person_user, goal_id=plans["draft"].pk)


def test_one_goal_has_the_scope_of_the_list(personas, plans):
    adviser, young = personas.adviser, personas.young_person_user
    assert goal_for(viewer=adviser, goal_id=plans["dropped"].pk, for_staff=True).section.plan
    assert goal_for(viewer=young, goal_id=plans["home"].pk).pk == plans["home"].pk
    for name in ("old", "draft"):  # not on the plan either of them sees
        for viewer, for_staff in ((adviser, True), (young, False)):
            with pytest.raises(NotVisible):
                goal_for(viewer=viewer, goal_id=plans[name].pk, for_staff=for_staff)
    with pytest.raises(NotVisible):
        goal_for(viewer=young, goal_id=plans["dropped"].pk, for_staff=True)


def test_the_stranger_is_refused_the_goals(personas, plans):
    stranger, jordan = personas.other_adviser, personas.young_person.pk
    with pytest.raises(NotVisible):
        goals_for(viewer=stranger, young_person=jordan, for_staff=True)
    for name in plans:
        with pytest.raises(NotVisible):
            goal_for(viewer=stranger, goal_id=plans[name].pk, for_staff=True)
    with pytest.raises(NotVisible):
        goal_for(viewer=stranger, goal_id=999_999_999, for_staff=True)


def test_the_latest_views_newest_first_from_any_plan(personas, plans, django_assert_num_queries):
    today = timezone.localdate()
    for days, plan_goal in ((10, "old"), (0, "college"), (5, "draft"), (20, "health")):
        f.YoungPersonViewFactory(section=plans[plan_goal].section, text=f"{days} days ago",
                                 expressed_on=today - dt.timedelta(days=days))
    f.YoungPersonViewFactory(section=f.PlanSectionFactory(
        plan=f.PathwayPlanFactory(young_person=personas.other_young_person)))
    jordan = personas.young_person.pk
    with django_assert_num_queries(2):
        views = latest_views_for(viewer=personas.adviser, young_person=jordan, limit=3)
        assert [v.section.heading for v in views]  # the section comes with the view
    assert texts_of(views) == ["0 days ago", "5 days ago", "10 days ago"]
    with pytest.raises(NotVisible):
        latest_views_for(viewer=personas.other_adviser, young_person=jordan, limit=3)


def texts_of(views):
    return [v.text for v in views]


def test_the_card_items_for_staff_who_see_the_schedule(personas, django_assert_num_queries):
    jordan, today = personas.young_person, timezone.localdate()
    for key, due in (("b", today + dt.timedelta(days=9)), ("a", None),
                     ("c", today - dt.timedelta(days=1)), ("d", today + dt.timedelta(days=30))):
        f.ScheduleEntryFactory(young_person=jordan, key=key, due_on=due, needs_data=due is None)
    f.ScheduleEntryFactory(young_person=personas.other_young_person, key="riley")
    with django_assert_num_queries(2):
        items = schedule_entries_for(viewer=personas.adviser, young_person=jordan.pk, limit=3)
    assert [item.key for item in items] == ["a", "c", "b"]
    for viewer in (personas.other_adviser, personas.young_person_user, personas.virtual_school):
        with pytest.raises(NotVisible):
            schedule_entries_for(viewer=viewer, young_person=jordan.pk, limit=3)


# --- The birthday check-in ----------------------------------------------------------------------


def test_whether_a_record_is_confirmed():
    assert record_confirmed(None) is False
    assert record_confirmed(m.RecordStatus.DRAFT) is False
    assert record_confirmed(m.RecordStatus.CONFIRMED) is True


def test_the_check_in_reads_the_window_and_the_confirmed_record(personas):
    jordan, user = personas.young_person, personas.young_person_user
    today = timezone.localdate()
    jordan.date_of_birth = dt.date(today.year - 19, 1, 1)
    jordan.save()
    age = check_in_age(date_of_birth=jordan.date_of_birth, today=today)
    assert age in (19, 20)
    assert care_leaver_check_in_for(viewer=user, young_person=jordan.pk, on=today) == \
        CheckIn(age=age, confirmed=False)
    record = m.CareLeaverRecord.objects.create(
        young_person=jordan, age=age, recorded_on=today, in_touch="YES", activity="F1",
        accommodation="U1", status=m.RecordStatus.DRAFT)
    assert care_leaver_check_in_for(viewer=user, young_person=jordan.pk, on=today).confirmed \
        is False
    record.status = m.RecordStatus.CONFIRMED
    record.save()
    assert care_leaver_check_in_for(viewer=user, young_person=jordan.pk, on=today) == \
        CheckIn(age=age, confirmed=True)
    # The adviser reads it too; before the window at 17 nothing is asked.
    assert care_leaver_check_in_for(viewer=personas.adviser, young_person=jordan.pk,
                                    on=today).confirmed is True
    assert care_leaver_check_in_for(viewer=user, young_person=jordan.pk,
                                    on=dt.date(today.year - 3, 1, 1)) == CheckIn(age=None)


def test_the_stranger_is_refused_the_check_in(personas):
    for stranger in (personas.other_adviser, personas.virtual_school):
        with pytest.raises(NotVisible):
            care_leaver_check_in_for(viewer=stranger, young_person=personas.young_person.pk)
