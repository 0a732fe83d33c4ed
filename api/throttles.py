"""The API's throttles count by the client's address as config/client_ip.py reads it, the same
way as the sign-in lockout: behind WAYMARK_TRUSTED_PROXIES proxies, the right-most address they
added; with none, REMOTE_ADDR, whatever X-Forwarded-For a client sends."""

from __future__ import annotations

from rest_framework.throttling import ScopedRateThrottle

from config.client_ip import client_ip


class LoginThrottle(ScopedRateThrottle):
    """API_LOGIN_THROTTLE attempts at POST /api/v1/auth/token/ from one address."""

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"
