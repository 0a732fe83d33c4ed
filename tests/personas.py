"""The people every feature test is told from (DESIGN.md, Testing): a young person, their
personal adviser, another adviser who must be refused, a social worker, an IRO, the virtual
school, the team's manager, another team's manager, and an administrator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from outcomes import models as m
from tests import factories as f


@dataclass
class Personas:
    team: m.Team
    other_team: m.Team
    young_person: m.YoungPerson
    young_person_user: m.User
    other_young_person: m.YoungPerson
    adviser: m.User
    other_adviser: m.User
    social_worker: m.User
    iro: m.User
    virtual_school: m.User
    manager: m.User
    other_manager: m.User
    admin: m.User


def build_personas() -> Personas:
    team = f.TeamFactory(name="Leaving care team")
    other_team = f.TeamFactory(name="Children in care team")
    start = timezone.localdate() - dt.timedelta(days=400)
    adviser = f.UserFactory(username="adviser", role=m.Role.PERSONAL_ADVISER, team=team)
    other_adviser = f.UserFactory(username="adviser2", role=m.Role.PERSONAL_ADVISER,
                                  team=other_team)
    social_worker = f.UserFactory(username="socialworker", role=m.Role.SOCIAL_WORKER, team=team)
    iro = f.UserFactory(username="iro", role=m.Role.IRO, team=team)
    virtual_school = f.UserFactory(username="virtualschool", role=m.Role.VIRTUAL_SCHOOL, team=None)
    manager = f.UserFactory(username="manager", role=m.Role.TEAM_MANAGER, team=team)
    other_manager = f.UserFactory(username="manager2", role=m.Role.TEAM_MANAGER, team=other_team)
    admin = f.UserFactory(username="admin", role=m.Role.ADMINISTRATOR, team=None,
                          is_staff=True, is_superuser=True)
    young_person = f.YoungPersonFactory(team=team, legal_first_name="Jordan",
                                        legal_last_name="Example")
    other_young_person = f.YoungPersonFactory(team=other_team, legal_first_name="Riley",
                                              legal_last_name="Sample")
    young_person_user = f.YoungPersonUserFactory(username="yp1", young_person=young_person)
    for worker, role in ((adviser, m.AllocationRole.PERSONAL_ADVISER),
                         (social_worker, m.AllocationRole.SOCIAL_WORKER),
                         (iro, m.AllocationRole.IRO)):
        f.AllocationFactory(young_person=young_person, worker=worker, role=role, started_on=start)
    f.AllocationFactory(young_person=other_young_person, worker=other_adviser,
                        role=m.AllocationRole.PERSONAL_ADVISER, started_on=start)
    return Personas(team, other_team, young_person, young_person_user, other_young_person,
                    adviser, other_adviser, social_worker, iro, virtual_school, manager,
                    other_manager, admin)
