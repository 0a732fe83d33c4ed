"""Optimistic concurrency over HTTP (DESIGN.md rule 6) for records that carry a `version`.

A record's detail is sent with `ETag: "<version>"`. A change must send that ETag back in
`If-Match` (or, where an endpoint allows it, "version" in the body): without it the answer is 428;
with an old one, 412 with the current version and the current record in the body, and nothing is
written. The compare-and-swap itself is the service's; this only carries the version to it."""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.strict import MAX_ID
from outcomes.services.errors import StaleVersion

_STRONG_ETAG = re.compile(r'"(\d{1,10})"')


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = ('Send the ETag you read in an If-Match header (If-Match: "3"), so that '
                      "nobody's change is overwritten.")
    default_code = "precondition_required"


def etag_for(version: int) -> str:
    return f'"{version}"'


def if_match_parameter(*, required: bool = True) -> OpenApiParameter:
    """The If-Match header, for the schema."""
    return OpenApiParameter(
        "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=required,
        description='The ETag from the record you read, for example "3".',
    )


CONCURRENCY_RESPONSES = {
    412: OpenApiResponse(description="The record changed since you read it; nothing was saved. "
                                     "The body has current_version and the current record."),
    428: OpenApiResponse(description="If-Match is missing."),
}


def _version_from(header: str) -> int:
    header = header.strip()
    if header == "*":
        raise PreconditionRequired('If-Match: * does not say which version you read: send the '
                                   'ETag itself, for example "3".')
    match = _STRONG_ETAG.fullmatch(header)
    if match is None or not 1 <= int(match.group(1)) <= MAX_ID:
        raise exceptions.ValidationError(
            {"If-Match": ['Send one ETag exactly as you received it, for example "3".']})
    return int(match.group(1))


class VersionedMixin:
    """For a ScopedViewSet over a model with `version`, before ScopedReadMixin in the bases.

    `detail_serializer_class` renders the record for the ETag'd detail and the 412 body."""

    detail_serializer_class: type

    def expected_version(self, request: Request, *, body_version: int | None = None) -> int:
        """The version the client read: from If-Match, or from the body where an endpoint
        allows it. 428 when neither is sent; 400 when both are and they differ."""
        header = request.headers.get("If-Match")
        if header is None:
            if body_version is None:
                raise PreconditionRequired()
            return body_version
        version = _version_from(header)
        if body_version is not None and body_version != version:
            raise exceptions.ValidationError(
                {"version": ["This does not match the If-Match header. Send one of them."]})
        return version

    def record_response(self, instance, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The record as a detail read shows it, fresh from the database, with its ETag."""
        fresh = self.get_queryset().get(pk=instance.pk)
        serializer = self.detail_serializer_class(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code,
                        headers={"ETag": etag_for(fresh.version)})

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(response.data["version"])
        return response

    def handle_exception(self, exc):
        if isinstance(exc, StaleVersion) and isinstance(exc.instance, self.queryset.model):
            current = self.record_response(exc.instance)
            return Response(
                {"detail": "This record changed since you read it. Nothing was saved.",
                 "errors": {}, "current_version": current.data["version"],
                 "current": current.data},
                status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": current["ETag"]},
            )
        return super().handle_exception(exc)
