"""API tokens: issued for API_TOKEN_DAYS days, kept only as a hash, listed and revoked by their
owner, and ended by any change to the owner's password, role or account.

The last is kept by a stamp rather than by hooks on every way a password or role can change (the
admin, `changepassword`, a future single sign-on): each token holds a keyed hash of its owner's
password hash, role and whether the account is on, made when it was issued. A token whose stamp
no longer matches is revoked the first time it is used, and shown as ended in its owner's list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from outcomes.access import NotVisible
from outcomes.models import ApiToken, SecurityEventKind, User

from .security import security_event_record

log = logging.getLogger("waymark.auth")

REVOKED_BY_OWNER = "Revoked by its owner."
SIGNED_OUT = "Signed out with this token."
ACCOUNT_CHANGED = "The password, role or account changed."


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_user_stamp(user: User) -> str:
    """What the owner's account was when a token was issued (see the module doc)."""
    return salted_hmac("waymark.api-token.user-stamp",
                       f"{user.pk}:{user.password}:{user.role}:{user.is_active}",
                       algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    raw: str
    token: ApiToken


def api_token_issue(*, user: User, now: dt.datetime | None = None) -> IssuedToken:
    """Issue a new API token for `user`, working for API_TOKEN_DAYS days. Only its hash is
    kept: `raw` is shown once."""
    raw = secrets.token_urlsafe(32)
    now = now or timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=_digest(raw), prefix=raw[:8], user_stamp=api_token_user_stamp(user),
            expires_at=now + dt.timedelta(days=settings.API_TOKEN_DAYS))
    return IssuedToken(raw=raw, token=token)


def api_token_state(token: ApiToken, *, now: dt.datetime | None = None) -> str:
    """'active', 'expired' or 'revoked' (revoked also when the owner's account changed)."""
    now = now or timezone.now()
    if token.revoked_at is not None or not token.user_stamp or not constant_time_compare(
            token.user_stamp, api_token_user_stamp(token.user)) or not token.user.is_active:
        return "revoked"
    if token.expires_at is None or token.expires_at <= now:
        return "expired"
    return "active"


def api_token_authenticate(*, raw: str, ip_address: str | None = None) -> ApiToken | None:
    """The token, with its active user, or None for an unknown, expired or revoked one. Using a
    known token that no longer works is a security event (once an hour for each token)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    state = api_token_state(token, now=now)
    if state != "active":
        if token.revoked_at is None and state == "revoked":
            ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
                revoked_at=now, revoked_reason=ACCOUNT_CHANGED)
        if cache.add(f"security:token-refused:{token.pk}", 1, 60 * 60):
            security_event_record(
                kind=SecurityEventKind.TOKEN_REFUSED, channel="api", ip_address=ip_address,
                user=token.user, detail=f"Token {token.prefix}… used after it was {state}.")
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, actor: User, token_id: int, reason: str = REVOKED_BY_OWNER) -> ApiToken:
    """Revoke one of the actor's own tokens (another's, or none: NotVisible). Revoking a token
    already ended changes nothing."""
    with transaction.atomic():
        token = (ApiToken.objects.select_for_update()
                 .filter(pk=token_id, user_id=getattr(actor, "pk", None)).first())
        if token is None:
            raise NotVisible
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_reason = reason[:100]
            token.save(update_fields=["revoked_at", "revoked_reason"])
            log.info("API token %s… of user %s revoked: %s", token.prefix, actor.pk, reason)
    return token
