from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from outcomes.models import ApiToken, User


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(*, user: User) -> str:
    """Issue a new API token for `user` and return it. Only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, key_hash=_digest(raw), prefix=raw[:8])
    return raw


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user a token belongs to, or None for an unknown or revoked token."""
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=_digest(raw), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
