"""seed_demo: the demo logins and caseloads, determinism, idempotence, the DEBUG guard, and that the
generated care records pass the models' own validation (full_clean)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from outcomes import models as m

YOUNG_PEOPLE = 40
STAFF_LOGINS = {
    "admin": m.Role.ADMINISTRATOR,
    "manager": m.Role.TEAM_MANAGER,
    "adviser": m.Role.PERSONAL_ADVISER,
    "adviser2": m.Role.PERSONAL_ADVISER,
    "socialworker": m.Role.SOCIAL_WORKER,
    "iro": m.Role.IRO,
    "virtualschool": m.Role.VIRTUAL_SCHOOL,
}
YOUNG_PERSON_LOGINS = ("yp1", "yp2", "yp3", "yp4", "yp5")

pytestmark = pytest.mark.django_db


def seed_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--young-people", str(YOUNG_PEOPLE), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def seeded(settings, today):
    settings.DEBUG = True
    return seed_demo("--seed", "7", "--today", today.isoformat())


def caseload(username: str, today) -> set[int]:
    return set(m.Allocation.objects.current(on=today).filter(
        worker__username=username, role=m.AllocationRole.PERSONAL_ADVISER,
    ).values_list("young_person_id", flat=True))


def test_creates_the_demo_logins_with_the_demo_password(seeded):
    users = {u.username: u for u in m.User.objects.filter(
        username__in=[*STAFF_LOGINS, *YOUNG_PERSON_LOGINS])}
    assert set(users) == {*STAFF_LOGINS, *YOUNG_PERSON_LOGINS}
    for username, role in STAFF_LOGINS.items():
        assert users[username].role == role
        assert users[username].check_password("waymark-demo"), username
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not users["manager"].is_staff  # the admin is for administrators only
    assert users["manager"].team.name == "Leaving care team"
    for username in YOUNG_PERSON_LOGINS:
        assert users[username].role == m.Role.YOUNG_PERSON
        assert users[username].check_password("waymark-demo")
    assert "waymark-demo" in seeded and "yp5" in seeded


def test_young_person_logins_are_on_advisers_current_caseload(seeded, today):
    on_caseload = caseload("adviser", today)
    for user in m.User.objects.filter(username__in=YOUNG_PERSON_LOGINS).select_related(
            "young_person"):
        assert user.young_person_id in on_caseload
        assert 16 <= user.young_person.age_on(today) <= 21


def test_advisers_have_different_non_empty_caseloads(seeded, today):
    adviser, adviser2 = caseload("adviser", today), caseload("adviser2", today)
    assert adviser and adviser2
    assert adviser != adviser2
    assert m.YoungPerson.objects.count() == YOUNG_PEOPLE


def test_generated_care_records_pass_full_clean(seeded):
    records = [
        *m.PeriodOfCare.objects.all(),
        *m.Episode.objects.select_related("period_of_care"),
        *m.Allocation.objects.select_related("worker"),
        *m.ConnectedPersonApproval.objects.all(),
        *m.YoungPerson.objects.all(),
        *m.CareLeaverRecord.objects.all(),
    ]
    assert m.Episode.objects.count() > YOUNG_PEOPLE
    for record in records:
        record.full_clean()


def test_same_seed_gives_the_same_data(settings, today):
    settings.DEBUG = True
    first = seeded_digest("7", today)
    assert seeded_digest("7", today) == first
    assert seeded_digest("8", today) != first


def test_second_run_does_nothing(seeded, today):
    before = (m.YoungPerson.objects.count(), m.User.objects.count(), m.Episode.objects.count())
    output = seed_demo("--seed", "7", "--today", today.isoformat())
    assert "nothing to do" in output
    assert (m.YoungPerson.objects.count(), m.User.objects.count(),
            m.Episode.objects.count()) == before


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed_demo()
    assert not m.YoungPerson.objects.exists()
    seed_demo("--force")
    assert m.YoungPerson.objects.count() == YOUNG_PEOPLE


def test_refuses_too_few_young_people(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="at least"):
        call_command("seed_demo", "--young-people", "3", stdout=io.StringIO())


class _Undo(Exception):
    """Raised to roll a seed back, so the next one starts from an empty database again."""


def seeded_digest(seed: str, today) -> str:
    """Seed into an empty database, digest what was made (never ids), and roll it all back."""
    try:
        with transaction.atomic():
            seed_demo("--seed", seed, "--today", today.isoformat())
            digest = hashlib.sha256()
            for rows in (
                m.YoungPerson.objects.order_by("child_id").values_list(
                    "child_id", "legal_first_name", "legal_last_name", "date_of_birth", "sex",
                    "ethnicity", "upn"),
                m.Episode.objects.order_by("young_person__child_id", "started_on").values_list(
                    "young_person__child_id", "started_on", "ended_on", "reason_new_episode",
                    "legal_status", "place", "place_provider", "reason_ceased",
                    "placement_postcode"),
                m.Allocation.objects.order_by("young_person__child_id", "role", "started_on")
                .values_list("young_person__child_id", "role", "worker__username", "started_on",
                             "ended_on"),
                m.PathwayPlan.objects.order_by("young_person__child_id", "number").values_list(
                    "young_person__child_id", "number", "status", "agreed_on"),
                m.KS4Result.objects.order_by("young_person__child_id").values_list(
                    "young_person__child_id", "attainment8", "english_grade"),
                m.User.objects.filter(young_person__isnull=False).order_by("username")
                .values_list("username", "young_person__child_id"),
            ):
                digest.update(repr(list(rows)).encode())
            raise _Undo
    except _Undo:
        return digest.hexdigest()


# --- A demo that shows the product ------------------------------------------------------------


def test_the_manager_heads_the_service_and_sees_both_kinds_of_team(seeded):
    from bench.generator import TEAM_LEAVING_CARE, TEAM_NORTH, TEAM_SOUTH
    from outcomes import access

    manager = m.User.objects.get(username="manager")
    assert {t.name for t in access.teams_managed_by(manager)} == {
        TEAM_LEAVING_CARE, TEAM_NORTH, TEAM_SOUTH}
    seen = set(access.young_people_visible_to(manager).values_list("team__name", flat=True))
    assert seen == {TEAM_LEAVING_CARE, TEAM_NORTH, TEAM_SOUTH}
    # The other teams' managers still see only their own team.
    for other in m.User.objects.filter(role=m.Role.TEAM_MANAGER).exclude(username="manager"):
        assert set(access.young_people_visible_to(other).values_list("team_id", flat=True)) \
            <= {other.team_id}, other.username


def test_the_managers_reports_open_on_a_year_with_children(seeded):
    from outcomes.selectors.reports.attainment import attainment_gap_report
    from outcomes.selectors.reports.care_leavers import care_leavers_report
    from outcomes.selectors.reports.stability import placement_stability_report
    from outcomes.selectors.reports.timeliness import timeliness_report

    manager = m.User.objects.get(username="manager")
    for report in (placement_stability_report, timeliness_report, care_leavers_report,
                   attainment_gap_report):
        opened = report(user=manager)
        assert "No child you can see" not in opened.finding, (opened.key, opened.finding)
        assert opened.tables, opened.key


def test_the_virtual_school_reads_the_attainment_gap_of_the_children_in_care(seeded):
    from outcomes import access
    from outcomes.access import Area
    from outcomes.selectors.reports.attainment import attainment_gap_report

    school = m.User.objects.get(username="virtualschool")
    assert access.young_people_visible_to(school, Area.EDUCATION).exists()
    assert not access.young_people_visible_to(school, Area.CARE_LEAVER).exists()
    assert attainment_gap_report(user=school).tables


def test_most_things_are_on_time_and_every_needs_assessment_is_done(seeded, today):
    from outcomes.rules.schedule import EventKind, State
    from outcomes.selectors.schedule import schedules_for

    items = [item for schedule in schedules_for(
        young_people=m.YoungPerson.objects.all(), on=today).values() for item in schedule]
    overdue = [item for item in items if item.state == State.OVERDUE]
    assert len(overdue) < 0.1 * len(items), (len(overdue), len(items))
    assert not [item for item in overdue if item.kind == EventKind.NEEDS_ASSESSMENT]
