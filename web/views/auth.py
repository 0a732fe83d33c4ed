"""Staff sign-in and sign-out (Django's views, GOV.UK templates, django-axes behind them), the
timeout warning's "Stay signed in", and a person's own API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from outcomes.selectors.tokens import api_tokens_of
from outcomes.services.tokens import api_token_revoke, api_token_state
from web.decorators import staff_page
from web.forms import StaffAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule), from the sign-out button on every page."""


@login_required
@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """"Stay signed in" in the timeout warning: the request itself restarts the idle clock
    (config.middleware.IdleSessionMiddleware)."""
    return HttpResponse(status=204)


@staff_page
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Your API tokens: when each was made, last used and stops working; revoke any of them.
    A token is shown only once, when it is issued through the API, so never here."""
    now = timezone.now()
    tokens = list(api_tokens_of(user=request.user)[:200])
    rows = [{"token": token, "state": api_token_state(token, now=now)} for token in tokens]
    return render(request, "web/api_tokens.html", {
        "rows": rows, "days": settings.API_TOKEN_DAYS,
        "any_active": any(row["state"] == "active" for row in rows)})


@staff_page
@require_POST
def api_token_revoke_page(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of your tokens (another's is not found)."""
    token = api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, f"Token {token.prefix}… is revoked: it no longer works.")
    return redirect("web:api-tokens")
