"""The address a request came from, the one way every part of Waymark reads it: the sign-in
lockout (django-axes), the per-address limit, the API throttles (DRF NUM_PROXIES counts the same
proxies) and the security events."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind WAYMARK_TRUSTED_PROXIES proxies, the address the outermost trusted
    proxy saw, read from the right of X-Forwarded-For (the left is whatever the client sent)."""
    proxies = settings.WAYMARK_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in
                     request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
