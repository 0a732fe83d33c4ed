"""/api/v1/auth/: sign in for a token, sign out (revoke the token in use), and a person's own
tokens, listed and revoked.

Sign-in is limited three ways: API_LOGIN_THROTTLE attempts a minute from one address (the
address as config/client_ip.py reads it), django-axes' lockout of a username tried from one
address, and WAYMARK_LOGIN_ADDRESS_LIMIT failures an hour from one address whatever the username
(password spraying). Failures are logged with the username masked, never the password."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.strict import MAX_ID
from api.throttles import LoginThrottle
from config.client_ip import client_ip
from outcomes.access import NotVisible
from outcomes.models import ApiToken, Channel
from outcomes.selectors.tokens import api_tokens_of
from outcomes.services import api_token_issue
from outcomes.services.security import (
    ADDRESS_REFUSED,
    login_address_refused,
    login_failure_record,
)
from outcomes.services.tokens import SIGNED_OUT, api_token_revoke, api_token_state

log = logging.getLogger("waymark.auth")


class Credentials(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False,
                                     style={"input_type": "password"})


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: only its hash is kept.")
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of your tokens. The token itself is never shown again, only its first characters."""

    state = serializers.SerializerMethodField()
    in_use = serializers.SerializerMethodField(
        help_text="Whether this request was made with this token.")

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at",
                  "revoked_reason", "state", "in_use"]
        read_only_fields = fields

    def get_state(self, obj: ApiToken) -> str:
        """active, expired or revoked (also when your password, role or account changed)."""
        return api_token_state(obj)

    def get_in_use(self, obj: ApiToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == obj.pk


NO_CONTENT = OpenApiResponse(description="Revoked (or already ended).")


class TokenView(APIView):
    """POST: sign in, a new token. DELETE: sign out, revoking the token this request carries."""

    def get_authenticators(self):
        if getattr(getattr(self, "request", None), "method", None) == "POST":
            return []  # signing in: no credentials but the ones in the body
        return super().get_authenticators()

    def get_permissions(self):
        post = getattr(getattr(self, "request", None), "method", None) == "POST"
        return [AllowAny()] if post else [IsAuthenticated()]

    def get_throttles(self):
        post = getattr(getattr(self, "request", None), "method", None) == "POST"
        return [LoginThrottle()] if post else []

    throttle_scope = "login"

    @extend_schema(
        request=Credentials,
        responses={201: IssuedTokenSerializer},
        auth=[],
        summary="Sign in: a new token, working for API_TOKEN_DAYS days",
    )
    def post(self, request: Request) -> Response:
        ip_address = client_ip(request)
        if login_address_refused(ip_address=ip_address):
            return Response({"detail": ADDRESS_REFUSED, "errors": {}},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)
        credentials = Credentials(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request, **credentials.validated_data)
        if user is None:
            login_failure_record(ip_address=ip_address, channel=Channel.API,
                                 username=credentials.validated_data["username"])
            return Response({"detail": "Wrong username or password.", "errors": {}},
                            status=status.HTTP_400_BAD_REQUEST)
        issued = api_token_issue(user=user)
        log.info("API token %s… issued to user %s", issued.token.prefix, user.pk)
        response = Response({"token": issued.raw, "expires_at": issued.token.expires_at},
                            status=status.HTTP_201_CREATED)
        return response

    @extend_schema(request=None, responses={204: NO_CONTENT},
                   summary="Sign out: revoke the token this request carries")
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            return Response({"detail": "This request carries no API token to revoke (it was "
                                       "signed in another way).", "errors": {}},
                            status=status.HTTP_400_BAD_REQUEST)
        api_token_revoke(actor=request.user, token_id=request.auth.pk, reason=SIGNED_OUT)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """Your own API tokens, newest first: working, expired and revoked."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ApiTokenSerializer(many=True)},
                   summary="Your API tokens")
    def get(self, request: Request) -> Response:
        tokens = list(api_tokens_of(user=request.user)[:200])
        return Response(ApiTokenSerializer(tokens, many=True,
                                           context={"request": request}).data)


class TokenDetailView(APIView):
    """One of your own tokens: DELETE revokes it. Another person's token is not found."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: NO_CONTENT},
                   summary="Revoke one of your API tokens")
    def delete(self, request: Request, pk: int) -> Response:
        if not 1 <= pk <= MAX_ID:
            raise NotVisible
        api_token_revoke(actor=request.user, token_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
