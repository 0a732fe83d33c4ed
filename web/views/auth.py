"""Staff sign-in and sign-out: Django's views, GOV.UK templates, django-axes behind them."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from web.forms import StaffAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule), from the sign-out button on every page."""
