"""The records the permission matrix and the schema fuzz are told from: the personas, and one
record of every kind for each young person (tests/api/conftest.py: `matrix_world`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from outcomes import models as m
from tests import factories as f
from tests.personas import Personas, build_personas

# In every field a young person must never see (case notes, the panel's view, contact notes):
# this text must not reach a young person in any response, under any name.
ADVISER_ONLY_TEXT = "ADVISER-ONLY-7f3c"
# The young people's contact details: they must never reach the virtual school.
CONTACT_PHONE = "07700900461"
CONTACT_EMAIL = "contact-details-9d2e@example.invalid"

# Everyone a request is made as; "anonymous" sends no credentials.
PERSONA_NAMES = ("young_person", "adviser", "other_adviser", "social_worker", "iro",
                 "virtual_school", "manager", "other_manager", "admin", "anonymous")


@dataclass
class MatrixWorld:
    """The personas and three young people, each with one record of every kind:

    - "own": personas.young_person, in `team`, allocated to adviser, social worker and IRO (who
      also chaired their last review); looked after now.
    - "other": personas.other_young_person, in `other_team`, allocated to other_adviser; their
      review was chaired by another IRO; looked after now.
    - "left_care": in `team`, no longer looked after, and no longer allocated to anyone (the
      adviser's and social worker's allocations ended last month).
    """

    personas: Personas
    young_people: dict[str, m.YoungPerson]
    workers: dict[str, dict[str, m.User]]

    def user(self, persona: str) -> m.User | None:
        if persona == "anonymous":
            return None
        if persona == "young_person":
            return self.personas.young_person_user
        return getattr(self.personas, persona)


def _records_for(young_person: m.YoungPerson, *, workers: dict[str, m.User],
                 looked_after_now: bool, today: dt.date) -> list:
    """One record of every kind for `young_person`, each checked with full_clean()."""
    secret = f"{ADVISER_ONLY_TEXT} {young_person.child_id}"
    young_person.phone, young_person.email = CONTACT_PHONE, CONTACT_EMAIL
    young_person.contact_notes = f"{secret} contact notes"
    young_person.save()
    started = today - dt.timedelta(days=400)
    if looked_after_now:
        period = f.PeriodOfCareFactory(young_person=young_person, started_on=started)
        episode = f.EpisodeFactory(period_of_care=period)
    else:
        ended = today - dt.timedelta(days=30)
        period = f.PeriodOfCareFactory(young_person=young_person, started_on=started,
                                       ended_on=ended, reason_ceased="E8")
        episode = f.EpisodeFactory(period_of_care=period, ended_on=ended, reason_ceased="E8")
    approved_on = today - dt.timedelta(days=60)
    approval = f.ConnectedPersonApprovalFactory(
        young_person=young_person, approved_on=approved_on, nominated_officer=workers["manager"],
        extended_until=approved_on + dt.timedelta(weeks=20), panel_view=f"{secret} panel view",
        iro_informed_on=today - dt.timedelta(days=10), extension_approved_by=workers["manager"])
    plan = f.PathwayPlanFactory(young_person=young_person, created_by=workers["adviser"])
    section = f.PlanSectionFactory(plan=plan)
    goal = f.GoalFactory(section=section, owner=workers["adviser"])
    records = [
        young_person, period, episode, approval, plan, section, goal,
        f.GoalActionFactory(goal=goal, owner=workers["adviser"]),
        f.GoalProgressFactory(goal=goal, actor=workers["adviser"]),
        f.YoungPersonViewFactory(section=section, recorded_by=workers["adviser"]),
        f.CLAReviewFactory(young_person=young_person, chair=workers["iro"]),
        f.PathwayPlanReviewFactory(young_person=young_person, plan=plan,
                                   reviewer=workers["adviser"], outcome=f"{secret} outcome"),
        f.PEPReviewFactory(young_person=young_person, summary=f"{secret} summary"),
        f.NeedsAssessmentFactory(young_person=young_person, assessor=workers["social_worker"],
                                 summary=f"{secret} needs summary"),
        f.HealthAssessmentFactory(young_person=young_person),
        f.SocialWorkerVisitFactory(young_person=young_person, worker=workers["social_worker"],
                                   note=f"{secret} visit note"),
        f.PAContactFactory(young_person=young_person, adviser=workers["adviser"],
                           note=f"{secret} contact note"),
        f.SchoolEnrolmentFactory(young_person=young_person),
        f.KS2ResultFactory(young_person=young_person),
        f.KS4ResultFactory(young_person=young_person, academic_year=2024),
        f.AttendanceFactory(young_person=young_person),
        f.CareLeaverRecordFactory(young_person=young_person, recorded_by=workers["adviser"]),
    ]
    for record in records:
        record.full_clean()
    # Append-only, so no clean to run; it gives the access-event list something to show.
    records.append(f.AccessEventFactory(young_person=young_person, actor=workers["adviser"]))
    return records


def build_matrix_world() -> MatrixWorld:
    p = build_personas()
    today = timezone.localdate()
    other_workers = {
        "adviser": p.other_adviser,
        "social_worker": f.UserFactory(username="socialworker2", role=m.Role.SOCIAL_WORKER,
                                       team=p.other_team),
        "iro": f.UserFactory(username="iro2", role=m.Role.IRO, team=p.other_team),
        "manager": p.other_manager,
    }
    workers = {
        "own": {"adviser": p.adviser, "social_worker": p.social_worker, "iro": p.iro,
                "manager": p.manager},
        "other": other_workers,
        # Their review was chaired by another IRO, so the IRO persona does not see them either.
        "left_care": {"adviser": p.adviser, "social_worker": p.social_worker,
                      "iro": other_workers["iro"], "manager": p.manager},
    }
    left_care = f.YoungPersonFactory(team=p.team, legal_first_name="Casey",
                                     legal_last_name="Leftcare")
    # The adviser and the social worker worked with them until last month: no longer their
    # caseload, which is the current allocations only.
    for worker, role in ((p.adviser, m.AllocationRole.PERSONAL_ADVISER),
                         (p.social_worker, m.AllocationRole.SOCIAL_WORKER)):
        f.AllocationFactory(young_person=left_care, worker=worker, role=role,
                            started_on=today - dt.timedelta(days=400),
                            ended_on=today - dt.timedelta(days=30)).full_clean()
    young_people = {"own": p.young_person, "other": p.other_young_person,
                    "left_care": left_care}
    for who, young_person in young_people.items():
        _records_for(young_person, workers=workers[who], looked_after_now=who != "left_care",
                     today=today)
    return MatrixWorld(personas=p, young_people=young_people, workers=workers)
