"""Security events, and the limit on failed sign-ins from one address whatever the username.

django-axes locks a username tried from one address after 5 failures; that does not stop
password spraying, one address trying a common password against many usernames. So every
failed sign-in, on the staff pages and the API alike, is also counted per address in the cache
(Redis in production, shared by every process), and an address with WAYMARK_LOGIN_ADDRESS_LIMIT
failures in the hour is refused until the hour is out, its credentials not even checked.

What an administrator should see is written as a SecurityEvent (the admin lists them); when
WAYMARK_SECURITY_ALERT_THRESHOLD of them come in an hour, every active administrator with an
e-mail address is told, once per hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from outcomes.models import Role, SecurityEvent, SecurityEventKind, User

log = logging.getLogger("waymark.security")

WINDOW_SECONDS = 60 * 60
ALERT_SUBJECT = "Waymark: unusual sign-in activity"
ADDRESS_REFUSED = ("Too many failed sign-ins have come from your network. Try again in an hour, "
                   "or ask your administrator.")


def username_mask(username: str | None) -> str:
    """Enough of a username to tell attempts apart, not enough to read: 'ad***' for 'adviser'.
    A password typed into the username box is then not kept."""
    text = (username or "").strip()
    if not text:
        return ""
    return f"{text[:2]}***" if len(text) > 2 else "***"


def _address_key(ip_address: str | None) -> str:
    return f"security:login-failures:{ip_address or 'unknown'}"


def login_address_refused(*, ip_address: str | None) -> bool:
    """Whether this address has had WAYMARK_LOGIN_ADDRESS_LIMIT failed sign-ins this hour."""
    return (cache.get(_address_key(ip_address)) or 0) >= settings.WAYMARK_LOGIN_ADDRESS_LIMIT


def login_failure_record(*, ip_address: str | None, username: str, channel: str) -> None:
    """Count a failed sign-in against its address. The failure itself goes to the log (masked);
    reaching the limit writes an ADDRESS_BLOCKED event."""
    key = _address_key(ip_address)
    cache.add(key, 0, WINDOW_SECONDS)  # the hour runs from the first failure
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    log.warning("Sign-in failed (%s) for username %s from %s", channel, username_mask(username),
                ip_address)
    if count == settings.WAYMARK_LOGIN_ADDRESS_LIMIT:
        security_event_record(
            kind=SecurityEventKind.ADDRESS_BLOCKED, channel=channel, ip_address=ip_address,
            username=username,
            detail=f"{count} failed sign-ins from this address within an hour.")


def security_event_record(*, kind: SecurityEventKind, channel: str = "",
                          ip_address: str | None = None, user: User | None = None,
                          username: str = "", detail: str = "") -> SecurityEvent:
    """Write a security event; over the hour's threshold, e-mail the administrators."""
    event = SecurityEvent.objects.create(
        kind=kind, channel=channel, ip_address=_valid_ip(ip_address),
        user=user if user is not None and user.pk else None,
        username_masked=username_mask(username), detail=detail[:200])
    log.warning("Security event: %s (%s) from %s", kind, channel, ip_address)
    since = timezone.now() - dt.timedelta(seconds=WINDOW_SECONDS)
    threshold = settings.WAYMARK_SECURITY_ALERT_THRESHOLD
    if (SecurityEvent.objects.filter(at__gte=since).count() >= threshold
            and cache.add("security:alert-sent", 1, WINDOW_SECONDS)):
        transaction.on_commit(_alert_administrators, robust=True)
    return event


def _alert_administrators() -> None:
    """No usernames, addresses or details leave the system: the admin list has them."""
    recipients = list(User.objects.filter(role=Role.ADMINISTRATOR, is_active=True)
                      .exclude(email="").values_list("email", flat=True))
    if not recipients:
        log.error("Security events passed the alert threshold but no administrator has an "
                  "e-mail address.")
        return
    send_mail(
        ALERT_SUBJECT,
        f"{settings.WAYMARK_SECURITY_ALERT_THRESHOLD} or more security events (failed sign-ins "
        "refused, lockouts, misused API tokens) were recorded in the last hour. Open Waymark's "
        "admin, Security events, to see them. You will not be e-mailed again for an hour.",
        None, recipients)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _valid_ip(ip_address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(ip_address)) if ip_address else None
    except ValueError:
        return None


def lockout_record(*, request, username: str, ip_address: str | None) -> None:
    """django-axes locked a username out (its user_locked_out signal, connected in apps.py)."""
    key = f"security:lockout:{username_mask(username)}:{_digest(username)}:{ip_address}"
    if not cache.add(key, 1, WINDOW_SECONDS):
        return  # axes signals again on every attempt while locked: one event is enough
    channel = "api" if getattr(request, "path", "").startswith("/api/") else "web"
    user = User.objects.filter(username=username).first() if username else None
    security_event_record(kind=SecurityEventKind.LOCKOUT, channel=channel,
                          ip_address=ip_address, user=user, username=username,
                          detail="Five failed sign-ins for this username from one address.")
