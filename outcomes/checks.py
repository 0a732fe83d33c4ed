"""System checks for settings that the code cannot default safely."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register()
def duty_address_set(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Out of debug, a safeguarding alert must be able to reach the out-of-hours duty team."""
    if settings.DEBUG or settings.WAYMARK_DUTY_EMAIL:
        return []
    return [checks.Warning(
        "WAYMARK_DUTY_EMAIL is not set: safeguarding alerts out of hours, with nobody "
        "allocated, or not acknowledged in time cannot reach the duty team.",
        hint="Set WAYMARK_DUTY_EMAIL to the out-of-hours duty team's address.",
        id="waymark.W001")]
