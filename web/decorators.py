"""What the staff pages put around their views: staff-only access and no caching of children's
data."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from outcomes.models import STAFF_ROLES

View = Callable[..., HttpResponse]


def no_store(view: View) -> View:
    """`Cache-Control: no-store`: a page with a child's data is kept by no cache or browser."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapped


def staff_page(view: View) -> View:
    """A page for signed-in staff (anyone else is sent to sign in, or refused) showing a child's
    data, so never cached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role not in STAFF_ROLES or not request.user.is_active:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(no_store(wrapped))
