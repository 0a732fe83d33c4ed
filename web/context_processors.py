"""What every page's layout needs: the council's name and what the navigation offers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from outcomes.models import Role

# Who sees the team dashboard: it lists a whole team's work.
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.ADMINISTRATOR})


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": "Waymark",
        "shows_team": getattr(user, "role", None) in MANAGER_ROLES,
    }
