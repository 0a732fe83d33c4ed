"""Teams: which teams' work a user may look at as a whole (the reports' team filter)."""

from __future__ import annotations

from django.db.models import QuerySet

from outcomes import access
from outcomes.models import Role, Team, User


def teams_overseen_by(*, user: User | None) -> QuerySet[Team]:
    """The teams whose figures `user` may choose between, by name: every team for an
    administrator, those they manage for a team manager (their own, and any others they head),
    none for anyone else (access.oversees_team)."""
    if not access.oversees_team(user):
        return Team.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Team.objects.order_by("name")
    return access.teams_managed_by(user).order_by("name")
