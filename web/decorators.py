"""What the staff pages put around their views: staff-only access and no caching of children's
data."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from outcomes.access import NotVisible
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
    data, so never cached. A record outside the user's scope (NotVisible from a service or
    selector) is not found."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role not in STAFF_ROLES or not request.user.is_active:
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotVisible:
            raise Http404 from None

    return login_required(no_store(wrapped))
