"""The SQL floors of the manager-report benchmarks (bench/reports.py) give the reports' figures.

`make bench` times each report selector against a hand-written SQL query that works out the same
figures; the ratio means something only while the query really does. So here each floor runs on a
small synthetic authority (bench/generator.py) with hand-made edge cases on top, for the
administrator and a team manager and for several years, and must answer exactly what the
report's tables show. The SQL placement counting is also held to the pure rules
(`outcomes.rules.placements`) child by child.

Edge cases added to the generated authority (which only makes valid, complete histories):
    files that begin mid-care (first RNE P), so stability figures are undetermined;
    a period of care that begins with a temporary placement (invalid, skipped by the rules);
    a T3 and back to the same carer, then a T2 and on to another (one move, not three);
    adoption by the foster carer miscoded P (A3), then by new carers (A4: joined or not);
    a short break (V3) between two periods; an RNE S straight after an X1;
    care leavers who died, went home (RHOM), were transferred (E3), or have only a draft record;
    an episode outside every period of care; a child at home under an interim care order (P1/C1);
    a connected-person placement under a temporary approval.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from django.utils import timezone

from bench import generator, reports
from outcomes import models as m
from outcomes.rules.dates import birthday
from outcomes.rules.placements import EPISODE_FIELDS, placements_from
from outcomes.rules.years import CollectionYear
from tests import factories as f
from tests.outcomes.reports.building import care, short_break

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def authority(django_db_setup, django_db_blocker):
    """Seeded once for the module, rolled back after it: the administrator, a team manager (of
    one team) and the demo's `manager`, who heads the service (every team, so the whole
    authority's figures)."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator.seed(young_people=240, seed=11)
        admin = m.User.objects.get(username="admin")
        manager = m.User.objects.get(username="manager")
        one_team = m.User.objects.filter(
            role=m.Role.TEAM_MANAGER, team__isnull=False, managed_teams__isnull=True,
        ).order_by("username").first()
        _edge_cases(one_team.team)
        yield {"admin": (admin, None), "manager": (one_team, one_team.team_id),
               "service_manager": (manager, None)}
        transaction.set_rollback(True)


def _child(team: m.Team, born: dt.date) -> m.YoungPerson:
    return f.YoungPersonFactory(team=team, date_of_birth=born)


def _edge_cases(team: m.Team) -> None:
    today = timezone.localdate()
    year = CollectionYear.of(today).year
    march = dt.date(year - 1, 3, 31)           # the last 31 March
    start = march - 700 * DAY
    twelve = today.replace(year=today.year - 12, day=1)

    # Files that begin mid-care: no RNE S, so how long in care is not known.
    care(_child(team, twelve), (start - 400 * DAY, "P", "U4"), (march - 60 * DAY, "P", "U6"))
    # A period of care beginning with a temporary placement, then the real one.
    invalid = _child(team, twelve)
    care(invalid, (start, "S", "T1"), (start + 10 * DAY, "P", "U4"))
    f.KS4ResultFactory(young_person=invalid, academic_year=year - 1, attainment8="31.50",
                       english_grade=5, maths_grade=4)
    # A T3 and back to the same carer (no move), then a T2 and on to another carer (one move).
    moved = _child(team, twelve)
    care(moved, (start, "S", "U4"), (march - 200 * DAY, "P", "T3"), (march - 190 * DAY, "P", "U4"),
         (march - 100 * DAY, "P", "T2"), (march - 90 * DAY, "P", "U6"))
    f.KS4ResultFactory(young_person=moved, academic_year=year - 1, attainment8="44.00",
                       english_grade=6, maths_grade=5)
    f.SchoolEnrolmentFactory(young_person=moved, urn="199999", school_name="Edge School",
                             started_on=march - 600 * DAY)
    # Placed for adoption with the foster carer (A3, miscoded P), then with new carers (A4).
    adopted = _child(team, twelve)
    care(adopted, (start, "S", "U4"), (march - 300 * DAY, "P", "A3"),
         (march - 150 * DAY, "P", "A4"))
    f.KS2ResultFactory(young_person=adopted, academic_year=year - 1)
    # A short break between two periods of care.
    breaks = _child(team, twelve)
    care(breaks, (start, "S", "U4"), end=(march - 250 * DAY, "E8"))
    short_break(breaks, march - 250 * DAY, march - 240 * DAY)
    care(breaks, (march - 240 * DAY, "S", "U6"))
    # An RNE S on the day an episode ended X1.
    again = _child(team, twelve)
    period = f.PeriodOfCareFactory(young_person=again, started_on=start,
                                   ended_on=march - 120 * DAY, reason_ceased="E8")
    f.EpisodeFactory(period_of_care=period, started_on=start, ended_on=march - 120 * DAY,
                     reason_ceased="X1")
    care(again, (march - 120 * DAY, "S", "U6"))

    # Care leavers: died at 19; went home at 18; care transferred at 17; only a draft at 19.
    def leaver(age_days: int, left: int) -> m.YoungPerson:
        person = _child(team, today - age_days * DAY)
        born = person.date_of_birth
        care(person, (birthday(born, 15), "S", "U4"), end=(birthday(born, 18) - left * DAY,
                                                           "E8" if left else "E3"))
        return person

    died = leaver(20 * 366 + 100, 10)
    f.CareLeaverRecordFactory(young_person=died, age=18, recorded_on=today - 700 * DAY)
    f.CareLeaverRecordFactory(young_person=died, age=19, recorded_on=today - 300 * DAY,
                              in_touch="DIED", activity="0", accommodation="0")
    home = leaver(19 * 366 + 200, 30)
    f.CareLeaverRecordFactory(young_person=home, age=18, recorded_on=today - 400 * DAY,
                              in_touch="RHOM", activity="0", accommodation="0")
    leaver(19 * 366 + 50, 0)    # transferred: REC E3
    draft = leaver(19 * 366 + 10, 20)
    f.CareLeaverRecordFactory(young_person=draft, age=19, recorded_on=today - 5 * DAY,
                              activity="F1", status=m.RecordStatus.DRAFT)

    ten = today.replace(year=today.year - 10, day=1)
    # An episode outside every period of care, touching the current one.
    stray = _child(team, ten)
    period = f.PeriodOfCareFactory(young_person=stray, started_on=start)
    f.EpisodeFactory(period_of_care=period, started_on=start - 30 * DAY, ended_on=start,
                     reason_ceased="X1")
    f.EpisodeFactory(period_of_care=period, started_on=start, reason_new_episode="P", place="U6")
    # At home with a parent under an interim care order: visited weekly until the first review.
    at_home = _child(team, ten)
    care(at_home, (today - 60 * DAY, "S", "P1", "C1"))
    for days in (55, 48, 20):
        f.SocialWorkerVisitFactory(young_person=at_home, visited_on=today - days * DAY)
    f.CLAReviewFactory(young_person=at_home, held_on=today - 30 * DAY)
    f.HealthAssessmentFactory(young_person=at_home, kind="initial", held_on=today - 40 * DAY)
    # With a connected person under a temporary approval.
    kin = _child(team, ten)
    care(kin, (today - 90 * DAY, "S", "U3"))
    f.ConnectedPersonApprovalFactory(young_person=kin, approved_on=today - 91 * DAY)
    f.SocialWorkerVisitFactory(young_person=kin, visited_on=today - 85 * DAY)
    f.PEPReviewFactory(young_person=kin, held_on=today - 70 * DAY)


def _years() -> tuple[None, int, int]:
    now = CollectionYear.of(timezone.localdate()).year
    return (None, now - 1, now - 3)


@pytest.mark.parametrize("key", list(reports.SPECS))
@pytest.mark.parametrize("who", ["admin", "manager", "service_manager"])
def test_floor_gives_the_reports_figures(authority, key, who):
    user, team_id = authority[who]
    spec = reports.SPECS[key]
    years = _years() if key != "report_attainment_gap" else (
        None, *spec.report(user=user).years_available)
    for year in years:
        report = spec.report(user=user, year=year)
        figures = spec.floor(team_id=team_id, year=year)
        assert reports.differences(spec.figures(report), figures) == [], (key, who, year)


def test_the_figures_are_not_empty(authority):
    """The comparison means something: there are children behind the figures."""
    now = CollectionYear.of(timezone.localdate()).year
    assert reports.stability_floor()["indicators"]["three-plus-year"][1] > 50
    # files that begin mid-care: 3+ placements in 2 years cannot be decided three years back
    assert reports.stability_floor(year=now - 3)["indicators"]["three-plus-two-years"][3] > 0
    assert reports.care_leavers_floor()["current"]["adviser"][1] > 20
    timeliness = reports.timeliness_floor()
    assert timeliness["looked_after"] > 50
    attainment = reports.attainment_floor(year=now - 1)
    assert sum(g["ks4_n"] for g in attainment["breakdowns"]["moves"].values()) > 3


@pytest.mark.parametrize("joined", [False, True])
def test_sql_placements_follow_the_rules(authority, joined):
    """Placement by placement, for every child: first and last day, whether it began a period of
    care, the usual PLACE and the RNE it began with (REFERENCE.md §4.1)."""
    episodes = defaultdict(list)
    for child, *row in m.Episode.objects.values_list("young_person_id", *EPISODE_FIELDS):
        episodes[child].append(tuple(row))
    expected = {child: [(p.started_on, p.ended_on, p.starts_period, p.current_place,
                         p.episodes[0].rne)
                        for p in placements_from(rows, adoption_with_previous=joined)]
                for child, rows in episodes.items()}
    found = defaultdict(list)
    for child, *row in reports.placement_rows(joined=joined):
        found[child].append(tuple(row))
    assert {c: p for c, p in expected.items() if p} == dict(found)
    assert sum(map(len, found.values())) > 300
