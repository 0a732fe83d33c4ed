"""What every page's layout needs: the council's name, who is signed in and what the navigation
offers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from outcomes import access
from outcomes.selectors.access_events import who_words


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": "Waymark",
        "shows_team": access.oversees_team(user),
        "shows_reports": access.sees_reports(user),
        "shows_data": access.may_export_903(user),
        # The header's "Signed in as Jo Smith (adviser)".
        "signed_in_as": who_words(user) if getattr(user, "is_authenticated", False) else "",
    }
