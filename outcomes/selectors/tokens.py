"""A person's own API tokens, newest first, for their list (API and staff page)."""

from __future__ import annotations

from django.db.models import QuerySet

from outcomes.models import ApiToken, User


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens (working, expired or revoked), newest first. Nobody else's."""
    if user is None or not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).select_related("user").order_by("-created_at",
                                                                              "-pk")
