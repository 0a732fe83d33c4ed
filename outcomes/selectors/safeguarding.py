"""Reads of safeguarding alerts (issue 12), each from `access.safeguarding_alerts_visible_to`.

The list and the banner show who, what kind and when; only the alert's own page shows the young
person's words (and the channel records that read as an AccessEvent).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from outcomes import access
from outcomes.models import (
    Notification,
    SafeguardingAlert,
    SafeguardingMessage,
    SafeguardingStatus,
    User,
)

# How long an acknowledged alert stays on the list.
RECENT = dt.timedelta(days=7)


def safeguarding_open_count_for(user: User | None) -> int:
    """How many open alerts are in the user's scope: one query (the banner on every page)."""
    return access.safeguarding_alerts_visible_to(user).filter(
        status=SafeguardingStatus.OPEN).count()


def safeguarding_alerts_for(*, user: User, now: dt.datetime | None = None,
                            open_only: bool = False) -> QuerySet[SafeguardingAlert]:
    """The open alerts in the user's scope, oldest first, then those acknowledged in the last
    week, newest first (unless `open_only`)."""
    moment = now or timezone.now()
    wanted = Q(status=SafeguardingStatus.OPEN)
    if not open_only:
        wanted |= Q(status=SafeguardingStatus.ACKNOWLEDGED, acknowledged_at__gte=moment - RECENT)
    return (access.safeguarding_alerts_visible_to(user).filter(wanted)
            .select_related("young_person", "acknowledged_by").order_by("-status", "raised_at"))


@dataclass(frozen=True)
class SafeguardingAlertDetail:
    alert: SafeguardingAlert
    messages: list[SafeguardingMessage]
    told: list[Notification]  # who was told, when: the outbox rows of this alert


def safeguarding_alert_detail_for(*, user: User, alert_id: int) -> SafeguardingAlertDetail:
    """The alert with the young person's words and who was told. Raises NotVisible outside the
    user's scope. The caller records the read (AccessEvent)."""
    alert = (access.safeguarding_alerts_visible_to(user)
             .select_related("young_person", "acknowledged_by").filter(pk=alert_id).first())
    if alert is None:
        raise access.NotVisible
    messages = list(alert.messages.order_by("at", "pk"))
    told = list(Notification.objects.filter(
        young_person_id=alert.young_person_id, event_key__startswith=f"safeguarding:{alert.pk}:",
    ).select_related("recipient").order_by("created_at", "pk"))
    return SafeguardingAlertDetail(alert=alert, messages=messages, told=told)
