"""Impossible records are refused with a message naming the field, and nothing is half-saved.

Each refusal is shown at the service (full validation) and, where the database holds the rule
too, straight at the database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from outcomes import models as m
from outcomes import services
from tests import factories as f

EPISODE = {
    "legal_status": "C2", "category_of_need": "N1", "place": "U4", "place_provider": "PR1",
    "home_postcode": "TW1", "placement_postcode": "TW2", "urn": "XXXXXXX",
}


@pytest.fixture
def child(personas):
    return personas.young_person


@pytest.fixture
def in_care(child, personas):
    return services.period_of_care_start(
        actor=personas.adviser, young_person=child, started_on=dt.date(2024, 5, 1), **EPISODE
    )


def field_errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_episode_ending_before_it_starts_is_refused(in_care, personas):
    in_care.ended_on = dt.date(2024, 4, 1)
    in_care.reason_ceased = "E8"
    with pytest.raises(ValidationError) as excinfo:
        in_care.full_clean()
    assert "ended_on" in field_errors(excinfo)
    with pytest.raises(IntegrityError, match="episode_ends_after_start"), transaction.atomic():
        m.Episode.objects.filter(pk=in_care.pk).update(ended_on=dt.date(2024, 4, 1),
                                                       reason_ceased="E8")
    in_care.refresh_from_db()
    assert in_care.ended_on is None


def test_overlapping_episodes_are_refused(in_care, child, personas):
    overlapping = m.Episode(young_person=child, period_of_care=in_care.period_of_care,
                            started_on=dt.date(2024, 6, 1), reason_new_episode="P", **EPISODE)
    with pytest.raises(ValidationError) as excinfo:
        overlapping.full_clean()
    assert "overlaps the episode from 01/05/2024" in field_errors(excinfo)["started_on"][0]
    # PostgreSQL's exclusion constraint holds the same rule for any writer that skips clean().
    with pytest.raises(IntegrityError, match="episode_no_overlap"), transaction.atomic():
        overlapping.save()
    assert m.Episode.objects.filter(young_person=child).count() == 1


def test_episodes_that_touch_do_not_overlap(in_care, child, personas):
    moved = services.episode_record(
        actor=personas.adviser, young_person=child, started_on=dt.date(2024, 9, 1),
        reason_new_episode="P", place="U6", reason_place_change="CARPL",
    )
    in_care.refresh_from_db()
    assert (in_care.ended_on, in_care.reason_ceased, in_care.reason_place_change) == (
        dt.date(2024, 9, 1), "X1", "CARPL")
    assert moved.period_of_care_id == in_care.period_of_care_id


@pytest.mark.parametrize(
    ("place", "started_on", "year"),
    [
        ("H5", dt.date(2025, 6, 1), "2025 to 2026"),   # H5 removed from 2025-26 (REFERENCE.md §3.5)
        ("P2", dt.date(2025, 4, 1), "2025 to 2026"),   # P2 removed from 2025-26
        ("Z1", dt.date(2026, 1, 5), "2025 to 2026"),   # Z1 split into Z11-Z14 from 2025-26
        ("K3", dt.date(2024, 3, 31), "2023 to 2024"),  # K3 starts in 2024-25
        ("Z11", dt.date(2025, 3, 31), "2024 to 2025"),  # Z11 starts in 2025-26
    ],
)
def test_placement_code_not_in_the_years_list_is_refused(child, personas, place, started_on,
                                                         year):
    provider = {"place_provider": ""} if place.startswith("Z") else {}
    with pytest.raises(ValidationError) as excinfo:
        services.period_of_care_start(actor=personas.adviser, young_person=child,
                                      started_on=started_on, **(EPISODE | {"place": place}
                                                                | provider))
    message = field_errors(excinfo)["place"][0]
    assert f"'{place}' is not a valid placement type in collection year {year}" in message
    assert "Allowed: A3, A4" in message
    assert not m.PeriodOfCare.objects.filter(young_person=child).exists()  # nothing half-saved


def test_placement_code_in_no_list_is_refused_by_the_database(in_care):
    with pytest.raises(IntegrityError, match="episode_codes_valid"), transaction.atomic():
        m.Episode.objects.filter(pk=in_care.pk).update(place="XX")


def test_codes_that_are_valid_in_their_year_are_accepted(child, personas):
    episode = services.period_of_care_start(
        actor=personas.adviser, young_person=child, started_on=dt.date(2025, 4, 1),
        **(EPISODE | {"place": "K3", "place_provider": "PR4"}),
    )
    assert episode.place == "K3"


def test_failed_move_leaves_the_current_episode_open(in_care, child, personas):
    with pytest.raises(ValidationError) as excinfo:
        services.episode_record(actor=personas.adviser, young_person=child,
                                started_on=dt.date(2024, 9, 1), reason_new_episode="P",
                                place="T2", place_provider="PR1")
    assert "place_provider" in field_errors(excinfo)
    in_care.refresh_from_db()
    assert in_care.ended_on is None and in_care.reason_ceased == ""
    assert m.Episode.objects.filter(young_person=child).count() == 1


def test_date_of_birth_in_the_future_is_refused(personas):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.young_person_create(
            actor=personas.admin, child_id="FUT1", legal_first_name="Not", legal_last_name="Yet",
            date_of_birth=tomorrow, sex="F", ethnicity="WBRI", team=personas.team,
        )
    assert field_errors(excinfo)["date_of_birth"] == ["The date of birth cannot be in the future."]
    assert not m.YoungPerson.objects.filter(child_id="FUT1").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ethnicity", "XXXX", "Value 'XXXX' is not a valid choice."),
        ("sex", "1", "Value '1' is not a valid choice."),
        ("upn", "I123456789012", "A UPN is a letter (not I, O or S)"),
        ("child_id", "has space", "The LA child id is 1 to 10 letters or digits."),
    ],
)
def test_young_person_with_bad_codes_is_refused(personas, field, value, message):
    data = {"child_id": "BAD1", "legal_first_name": "Bad", "legal_last_name": "Input",
            "date_of_birth": dt.date(2010, 1, 1), "sex": "M", "ethnicity": "WBRI",
            "team": personas.team} | {field: value}
    with pytest.raises(ValidationError) as excinfo:
        services.young_person_create(actor=personas.admin, **data)
    assert message in field_errors(excinfo)[field][0]
    assert not m.YoungPerson.objects.filter(legal_last_name="Input").exists()


def test_second_current_plan_is_refused(child, personas):
    first = services.plan_draft_create(actor=personas.adviser, young_person=child)
    first = services.plan_agree(actor=personas.adviser, plan=first,
                                agreed_on=dt.date(2025, 1, 10), expected_version=first.version)
    second = m.PathwayPlan(young_person=child, number=2, status=m.PlanStatus.AGREED,
                           agreed_on=dt.date(2025, 2, 1), created_by=personas.adviser)
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "already has a current (agreed) plan" in str(excinfo.value)
    with pytest.raises(IntegrityError, match="one_current_plan_per_young_person"), \
            transaction.atomic():
        second.save()
    assert list(child.pathway_plans.values_list("number", "status")) == [(1, "agreed")]


def test_agreeing_a_new_plan_supersedes_the_current_one(child, personas):
    first = services.plan_draft_create(actor=personas.adviser, young_person=child)
    services.plan_agree(actor=personas.adviser, plan=first, agreed_on=dt.date(2025, 1, 10),
                        expected_version=first.version)
    second = services.plan_draft_create(actor=personas.adviser, young_person=child)
    assert second.sections.count() == 10
    services.plan_agree(actor=personas.adviser, plan=second, agreed_on=dt.date(2025, 7, 10),
                        expected_version=second.version)
    assert list(child.pathway_plans.order_by("number").values_list("number", "status")) == [
        (1, "superseded"), (2, "agreed")]
    assert first.history.first().history_user == personas.adviser


def test_stale_plan_agreement_is_refused_and_changes_nothing(child, personas):
    plan = services.plan_draft_create(actor=personas.adviser, young_person=child)
    with pytest.raises(services.StaleVersion):
        services.plan_agree(actor=personas.adviser, plan=plan, agreed_on=dt.date(2025, 1, 10),
                            expected_version=plan.version + 1)
    plan.refresh_from_db()
    assert plan.status == m.PlanStatus.DRAFT and plan.version == 1


def test_goal_without_an_owner_is_refused(child, personas):
    plan = services.plan_draft_create(actor=personas.adviser, young_person=child)
    section = plan.sections.get(heading=m.PlanHeading.EDUCATION_TRAINING)
    with pytest.raises(ValidationError) as excinfo:
        services.goal_create(actor=personas.adviser, section=section,
                             description="Enrol at college", owner=None)
    assert "owner" in field_errors(excinfo)
    assert not m.Goal.objects.exists()  # nothing half-saved
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Goal.objects.create(section=section, description="No owner", owner=None)


def test_goal_progress_is_logged_and_a_stale_update_loses_nothing(child, personas):
    goal = f.GoalFactory(section__plan__young_person=child, owner=personas.adviser)
    services.goal_progress_record(actor=personas.young_person_user, goal=goal,
                                  status=m.GoalStatus.STARTED, note="Sent the form",
                                  channel=m.Channel.TELEGRAM, expected_version=1)
    with pytest.raises(services.StaleVersion) as excinfo:
        services.goal_progress_record(actor=personas.adviser, goal=goal,
                                      status=m.GoalStatus.DONE, channel=m.Channel.WEB,
                                      expected_version=1)
    assert excinfo.value.current_version == 2
    goal.refresh_from_db()
    assert (goal.status, goal.version) == (m.GoalStatus.STARTED, 2)
    assert list(goal.progress.values_list("status", "note", "channel", "actor")) == [
        ("started", "Sent the form", "telegram", personas.young_person_user.pk)]


def test_connected_person_placement_needs_a_regulation_24_approval(child, personas):
    with pytest.raises(ValidationError) as excinfo:
        services.period_of_care_start(actor=personas.adviser, young_person=child,
                                      started_on=dt.date(2025, 5, 1),
                                      **(EPISODE | {"place": "U3"}))
    assert "regulation 24 approval" in field_errors(excinfo)["place"][0]
    assert not m.PeriodOfCare.objects.filter(young_person=child).exists()

    services.connected_person_approval_record(
        actor=personas.adviser, young_person=child, carer_name="A. Grandparent",
        relationship="grandmother", approved_on=dt.date(2025, 4, 30),
        nominated_officer=personas.manager,
    )
    episode = services.period_of_care_start(actor=personas.adviser, young_person=child,
                                            started_on=dt.date(2025, 5, 1),
                                            **(EPISODE | {"place": "U3"}))
    assert episode.place == "U3"


def test_connected_person_placement_after_the_approval_lapsed_is_refused(child, personas):
    services.connected_person_approval_record(
        actor=personas.adviser, young_person=child, carer_name="A. Aunt", relationship="aunt",
        approved_on=dt.date(2025, 1, 6), nominated_officer=personas.manager,
    )
    # 16 weeks from 6 January 2025 is 28 April 2025 (reg 24).
    with pytest.raises(ValidationError):
        services.period_of_care_start(actor=personas.adviser, young_person=child,
                                      started_on=dt.date(2025, 4, 29),
                                      **(EPISODE | {"place": "U1"}))


def test_connected_person_extension_rules(child, personas):
    base = {"young_person": child, "carer_name": "B. Uncle", "relationship": "uncle",
            "approved_on": dt.date(2025, 1, 6), "nominated_officer": personas.manager}
    with pytest.raises(ValidationError) as excinfo:
        services.connected_person_approval_record(
            actor=personas.adviser, **base, extended_until=dt.date(2025, 7, 1))
    errors = field_errors(excinfo)
    assert "one extension of at most 8 weeks, to 23/06/2025" in errors["extended_until"][0]
    assert set(errors) == {"extended_until", "panel_view", "iro_informed_on",
                           "extension_approved_by"}
    approval = services.connected_person_approval_record(
        actor=personas.adviser, **base, extended_until=dt.date(2025, 6, 23),
        panel_view="Supports it",
        iro_informed_on=dt.date(2025, 4, 1), extension_approved_by=personas.manager,
    )
    assert approval.expires_on == dt.date(2025, 6, 23)
