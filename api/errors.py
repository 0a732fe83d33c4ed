"""One error shape everywhere: {"detail": "...", "errors": {"field": ["..."]}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from outcomes.access import NotVisible
from outcomes.services import StaleVersion

NOT_FOUND = "Not found."


def _as_lists(errors) -> dict[str, list[str]]:
    if isinstance(errors, dict):
        out: dict[str, list[str]] = {}
        for field, value in errors.items():
            name = "non_field_errors" if field == "__all__" else str(field)
            if isinstance(value, dict):
                for sub, messages in _as_lists(value).items():
                    out[f"{name}.{sub}"] = messages
            elif isinstance(value, list | tuple):
                flat: list[str] = []
                for item in value:
                    if isinstance(item, dict):
                        for sub, messages in _as_lists(item).items():
                            out[f"{name}.{sub}"] = messages
                    else:
                        flat.append(str(item))
                if flat:
                    out[name] = flat
            else:
                out[name] = [str(value)]
        return out
    if isinstance(errors, list | tuple):
        return {"non_field_errors": [str(e) for e in errors]}
    return {"non_field_errors": [str(errors)]}


def exception_handler(exc, context):
    if isinstance(exc, NotVisible | Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        # A service's reason for refusing a visible record's change reaches the client.
        exc = exceptions.PermissionDenied(str(exc) if exc.args else None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, StaleVersion):
        return Response(
            {"detail": "This record changed since you read it. Nothing was saved.",
             "errors": {}, "current_version": exc.current_version},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Some of the data was not valid.",
                         "errors": _as_lists(response.data)}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"detail": str(detail), "errors": {}}
    return response
