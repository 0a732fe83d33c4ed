from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from outcomes.models import STAFF_ROLES

NOT_STAFF = ("These pages are for staff. Young people use Waymark on Telegram: ask your "
             "personal adviser if you need help with it.")


class StaffAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, for staff accounts only, with GOV.UK wording."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "not_staff": NOT_STAFF,
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.role not in STAFF_ROLES:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")
