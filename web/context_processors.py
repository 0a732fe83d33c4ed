"""What every page's layout needs: the council's name, who is signed in and what the navigation
offers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from outcomes import access
from outcomes.models import STAFF_ROLES
from outcomes.selectors.access_events import who_words
from outcomes.selectors.safeguarding import safeguarding_open_count_for


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": "Waymark",
        "shows_team": access.oversees_team(user),
        "shows_reports": access.sees_reports(user),
        "shows_data": access.may_export_903(user),
        # The timeout warning (web/static/web/timeout.js) comes two minutes before this.
        "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
        # The header's "Signed in as Jo Smith (adviser)".
        "signed_in_as": who_words(user) if getattr(user, "is_authenticated", False) else "",
    }


def safeguarding(request: HttpRequest) -> dict:
    """How many safeguarding alerts are open in the signed-in member of staff's scope, for the
    banner on every page: one query, only when a staff user is signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role not in STAFF_ROLES:
        return {"safeguarding_open": 0}
    return {"safeguarding_open": safeguarding_open_count_for(user)}
