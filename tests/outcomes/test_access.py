"""The one access policy, told from every persona (DESIGN.md rule 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from outcomes import access
from outcomes.access import Area
from outcomes.models import Role
from tests import factories as f


@pytest.fixture
def looked_after(personas):
    """The young person is looked after now; the other young person left care last year."""
    f.EpisodeFactory(period_of_care__young_person=personas.young_person,
                     period_of_care__started_on=dt.date(2023, 1, 9))
    f.EpisodeFactory(period_of_care__young_person=personas.other_young_person,
                     period_of_care__started_on=dt.date(2020, 1, 9),
                     period_of_care__ended_on=dt.date(2024, 1, 9),
                     period_of_care__reason_ceased="E4A",
                     ended_on=dt.date(2024, 1, 9), reason_ceased="E4A")
    return personas


def visible(user, area=Area.PROFILE):
    return set(access.young_people_visible_to(user, area).values_list("child_id", flat=True))


# persona -> (sees own young person's profile, sees the other young person's profile)
SCOPE = {
    "young_person_user": (True, False),
    "adviser": (True, False),
    "other_adviser": (False, True),
    "social_worker": (True, False),
    "iro": (True, False),
    "virtual_school": (True, False),   # looked after now; the other left care
    "manager": (True, False),
    "other_manager": (False, True),
    "admin": (True, True),
}


@pytest.mark.parametrize("persona", SCOPE)
def test_each_persona_sees_exactly_their_scope(looked_after, persona):
    p = looked_after
    expected = {child.child_id for child, seen in zip(
        (p.young_person, p.other_young_person), SCOPE[persona], strict=True) if seen}
    assert visible(getattr(p, persona)) == expected


def test_anonymous_and_inactive_users_see_nothing(looked_after):
    assert visible(AnonymousUser()) == set()
    assert visible(None) == set()
    looked_after.admin.is_active = False
    assert visible(looked_after.admin) == set()


def test_an_ended_allocation_ends_the_access(looked_after):
    p = looked_after
    allocation = p.young_person.allocations.get(worker=p.adviser)
    allocation.ended_on = dt.date.today() - dt.timedelta(days=1)
    allocation.save()
    assert visible(p.adviser) == set()
    assert visible(p.adviser, Area.PLANS) == set()


def test_an_iro_sees_the_children_whose_latest_review_they_chaired(looked_after):
    p = looked_after
    other_iro = f.UserFactory(username="iro2", role=Role.IRO, team=p.other_team)
    assert visible(other_iro) == set()
    f.CLAReviewFactory(young_person=p.other_young_person, chair=other_iro,
                       held_on=dt.date(2023, 6, 1))
    assert visible(other_iro) == {p.other_young_person.child_id}
    f.CLAReviewFactory(young_person=p.other_young_person, chair=p.iro,
                       held_on=dt.date(2023, 12, 1))
    assert visible(other_iro) == set()


def test_the_virtual_school_sees_education_only(looked_after):
    p = looked_after
    assert visible(p.virtual_school, Area.EDUCATION) == {p.young_person.child_id}
    for area in set(Area) - {Area.PROFILE, Area.EDUCATION}:
        assert visible(p.virtual_school, area) == set(), area


def test_a_young_person_never_sees_the_audit_or_case_notes(looked_after):
    p = looked_after
    assert visible(p.young_person_user, Area.AUDIT) == set()
    assert visible(p.young_person_user, Area.CARE_HISTORY) == set()
    assert "note" in access.hidden_fields(p.young_person_user, "socialworkervisit")
    assert access.hidden_fields(p.adviser, "socialworkervisit") == frozenset()


def test_changes_are_narrower_than_views(looked_after):
    p = looked_after
    assert access.can_change(p.young_person_user, p.young_person, Area.PLANS)
    assert not access.can_change(p.young_person_user, p.young_person, Area.PROFILE)
    assert not access.can_change(p.iro, p.young_person, Area.PLANS)
    assert access.can_change(p.adviser, p.young_person, Area.PLANS)
    assert not access.can_change(p.other_adviser, p.young_person, Area.PLANS)
    with pytest.raises(access.NotVisible):
        access.require_change(p.other_adviser, p.young_person, Area.PLANS)


def test_every_role_has_a_rule():
    assert set(access.VIEW_AREAS) == set(Role) == set(access.CHANGE_AREAS)


def test_the_scope_is_one_query(looked_after, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(access.young_people_visible_to(looked_after.iro))


# --- A service manager heads several teams; a team manager sees their own only -----------------


def test_a_service_manager_sees_every_team_they_head(looked_after):
    p = looked_after
    head = f.UserFactory(username="servicemanager", role=Role.TEAM_MANAGER, team=p.team)
    head.managed_teams.add(p.other_team)
    both = {p.young_person.child_id, p.other_young_person.child_id}
    assert visible(head) == both
    assert visible(head, Area.CARE_HISTORY) == both
    assert set(access.teams_managed_by(head)) == {p.team, p.other_team}
    # The managers of one team still see only that team.
    assert visible(p.manager) == {p.young_person.child_id}
    assert visible(p.other_manager) == {p.other_young_person.child_id}
    assert list(access.teams_managed_by(p.manager)) == [p.team]


def test_managed_teams_count_only_for_team_managers(looked_after):
    p = looked_after
    p.adviser.managed_teams.add(p.other_team)   # a mistake in the admin gives an adviser nothing
    assert visible(p.adviser) == {p.young_person.child_id}
    assert not access.teams_managed_by(p.adviser).exists()
    head = f.UserFactory(username="headless", role=Role.TEAM_MANAGER, team=None)
    assert visible(head) == set()
    head.managed_teams.add(p.other_team)
    assert visible(head) == {p.other_young_person.child_id}
    head.is_active = False
    assert visible(head) == set() and not access.teams_managed_by(head).exists()
