from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from config.client_ip import client_ip
from outcomes.models import STAFF_ROLES, Channel
from outcomes.services.security import (
    ADDRESS_REFUSED,
    login_address_refused,
    login_failure_record,
)

NOT_STAFF = ("These pages are for staff. Young people use Waymark on Telegram: ask your "
             "personal adviser if you need help with it.")


class StaffAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, for staff accounts only, with GOV.UK wording."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "not_staff": NOT_STAFF,
        "address_refused": ADDRESS_REFUSED,
    }

    def clean(self):
        """Refuse an address with too many failures this hour (password spraying) before
        looking at the credentials; count each wrong username or password against it."""
        ip_address = client_ip(self.request) if self.request is not None else None
        if login_address_refused(ip_address=ip_address):
            raise forms.ValidationError(self.error_messages["address_refused"],
                                        code="address_refused")
        try:
            return super().clean()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                login_failure_record(ip_address=ip_address, channel=Channel.WEB,
                                     username=self.cleaned_data.get("username") or "")
            raise

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.role not in STAFF_ROLES:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")
