"""Overdue means something: an open item due before the cut-off is "not recorded in Waymark",
not overdue, and never escalated; a manager closes an item that no longer applies, with the
reason, audited; the schedule then shows it closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outcomes import models as m
from outcomes.access import NotVisible
from outcomes.rules.schedule import DEFAULT_POLICY, Policy, State, state_of
from outcomes.selectors.caseloads import caseload_for
from outcomes.selectors.schedule import (
    current_policy,
    not_recorded_before,
    not_recorded_in_team_for,
    overdue_in_team_for,
    schedule_for,
)
from outcomes.services.reminders import schedule_refresh
from outcomes.services.schedule_items import schedule_item_close
from tests import factories as f

TODAY = timezone.localdate()


@pytest.mark.parametrize(("due_on", "cut_off", "state"), [
    (dt.date(2018, 5, 20), dt.date(2025, 4, 1), State.NOT_RECORDED),
    (dt.date(2025, 4, 1), dt.date(2025, 4, 1), State.OVERDUE),  # the cut-off day itself
    (dt.date(2025, 3, 31), dt.date(2025, 4, 1), State.NOT_RECORDED),
    (dt.date(2018, 5, 20), None, State.OVERDUE),
])
def test_the_rule(due_on, cut_off, state):
    policy = Policy(not_recorded_before=cut_off)
    assert state_of(due_on, today=dt.date(2026, 12, 4), policy=policy) == state
    assert state_of(due_on, today=dt.date(2026, 12, 4), policy=policy,
                    done_on=due_on) == State.DONE
    assert DEFAULT_POLICY.not_recorded_before is None


def test_the_cut_off_is_a_setting(settings):
    settings.SCHEDULE_NOT_RECORDED_BEFORE = None
    settings.SCHEDULE_NOT_RECORDED_AFTER_MONTHS = 12
    assert not_recorded_before(on=dt.date(2026, 12, 4)) == dt.date(2025, 12, 4)
    settings.SCHEDULE_NOT_RECORDED_BEFORE = dt.date(2024, 4, 1)
    assert not_recorded_before(on=dt.date(2026, 12, 4)) == dt.date(2024, 4, 1)
    assert current_policy(cut_off=False).not_recorded_before is None


@pytest.fixture
def since_2022(personas):
    """Looked after since 2022 with nothing recorded: the first visit was due in 2022."""
    f.EpisodeFactory(period_of_care__young_person=personas.young_person)
    schedule_refresh(young_people=[personas.young_person])
    return personas.young_person


def test_items_due_before_the_cut_off_are_shown_apart_not_as_overdue(personas, since_2022):
    states = {item.kind: item.state for item in schedule_for(young_person=since_2022)}
    assert states["social_worker_visit"] == State.NOT_RECORDED
    overdue = {row.entry.kind for row in overdue_in_team_for(user=personas.manager)}
    apart = {row.entry.kind for row in not_recorded_in_team_for(user=personas.manager)}
    assert "social_worker_visit" in apart and "social_worker_visit" not in overdue
    assert all(row.state == State.NOT_RECORDED
               for row in not_recorded_in_team_for(user=personas.manager))
    row = caseload_for(user=personas.social_worker).get(pk=since_2022.pk)
    assert row.overdue_count == sum(item.state == State.OVERDUE
                                    for item in schedule_for(young_person=since_2022))
    # The stranger sees none of it.
    assert not not_recorded_in_team_for(user=personas.other_manager)


def test_the_sweep_never_reminds_of_an_item_not_recorded_in_waymark(personas, since_2022):
    from outcomes.services.reminders import reminders_sweep

    reminders_sweep()
    assert not m.Notification.objects.filter(young_person=since_2022,
                                             event_kind="social_worker_visit").exists()
    assert m.ScheduleEntry.objects.filter(young_person=since_2022,
                                          kind="social_worker_visit").exists()


def test_a_manager_closes_an_item_with_the_reason(personas, since_2022):
    key = next(item.key for item in schedule_for(young_person=since_2022)
               if item.kind == "initial_health_assessment")
    closure = schedule_item_close(actor=personas.manager, young_person=since_2022, key=key,
                                  reason="Assessed by the previous authority in 2022.")
    assert closure.history.get().history_user == personas.manager
    item = next(item for item in schedule_for(young_person=since_2022) if item.key == key)
    assert item.state == State.CLOSED
    assert item.reason == "Closed: Assessed by the previous authority in 2022."
    assert not m.ScheduleEntry.objects.filter(young_person=since_2022, key=key).exists()
    with pytest.raises(ValidationError):  # closed already: no longer open
        schedule_item_close(actor=personas.manager, young_person=since_2022, key=key,
                            reason="Again.")


def test_only_a_manager_closes_an_item_and_the_stranger_is_not_told(personas, since_2022):
    key = schedule_for(young_person=since_2022)[0].key
    for worker in (personas.social_worker, personas.adviser, personas.iro):
        with pytest.raises(PermissionDenied):
            schedule_item_close(actor=worker, young_person=since_2022, key=key, reason="No.")
    with pytest.raises(NotVisible):
        schedule_item_close(actor=personas.other_manager, young_person=since_2022, key=key,
                            reason="No.")
    with pytest.raises(ValidationError) as error:
        schedule_item_close(actor=personas.manager, young_person=since_2022, key=key,
                            reason="   ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        schedule_item_close(actor=personas.manager, young_person=since_2022,
                            key="no-such-item", reason="Gone.")
    assert not m.ScheduleItemClosure.objects.exists()
