from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from config.client_ip import client_ip
from outcomes.services import api_token_authenticate


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <token>`, checked against the stored hash (outcomes.ApiToken).
    `request.auth` is the ApiToken, so DELETE /api/v1/auth/token/ can revoke the one in use."""

    def authenticate(self, request):
        self._ip_address = client_ip(request)
        return super().authenticate(request)

    def authenticate_credentials(self, key: str):
        token = api_token_authenticate(raw=key, ip_address=getattr(self, "_ip_address", None))
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return (token.user, token)


class HashedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <token>, from POST /api/v1/auth/token/. Works for "
                               "API_TOKEN_DAYS days (30 by default)."}
