from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from outcomes.services import api_token_authenticate


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <token>`, checked against the stored hash (outcomes.ApiToken)."""

    def authenticate_credentials(self, key: str):
        user = api_token_authenticate(raw=key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return (user, None)


class HashedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <token>, from POST /api/v1/auth/token/"}
