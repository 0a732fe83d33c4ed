"""POST /api/v1/auth/token/: username and password in, a token out. Failures are throttled and
logged (without the password)."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from outcomes.services import api_token_issue

log = logging.getLogger("waymark.auth")


class Credentials(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False,
                                     style={"input_type": "password"})


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=Credentials,
        responses={201: inline_serializer("Token", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        credentials = Credentials(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request, **credentials.validated_data)
        if user is None:
            log.warning("API login failed for username %r from %s",
                        credentials.validated_data["username"], request.META.get("REMOTE_ADDR"))
            return Response({"detail": "Wrong username or password.", "errors": {}},
                            status=status.HTTP_400_BAD_REQUEST)
        log.info("API token issued to user %s", user.pk)
        return Response({"token": api_token_issue(user=user)}, status=status.HTTP_201_CREATED)
