"""What every page's layout needs: the council's name and what the navigation offers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from outcomes import access


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
    }
