"""API tokens for integrations (only a hash of each token is stored), and the security events an
administrator reviews: password spraying, lockouts, misuse of tokens."""

from __future__ import annotations

from django.db import models

from .people import User


class ApiToken(models.Model):
    """A token for `Authorization: Token ...`. The raw token is shown once, when it is issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True,
                                      help_text="Issued for API_TOKEN_DAYS days.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=100, blank=True)
    user_stamp = models.CharField(
        max_length=64, blank=True,
        help_text="A keyed hash of the owner's password, role and whether the account is on, "
                  "when the token was issued: a change to any of them ends the token.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… for {self.user}"


class SecurityEventKind(models.TextChoices):
    """Each failed sign-in is logged (username masked) and counted, not written here: only what
    an administrator should look at is."""

    LOCKOUT = "lockout", "Username locked out"
    ADDRESS_BLOCKED = "address_blocked", "Address refused (password spraying)"
    TOKEN_REFUSED = "token_refused", "Expired or revoked API token used"


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlySecurityEventError("Security events cannot be changed.")

    def delete(self):
        raise AppendOnlySecurityEventError("Security events cannot be deleted.")


class AppendOnlySecurityEventError(Exception):
    """Raised on any attempt to change or remove a security event."""


class SecurityEvent(models.Model):
    """Something an administrator should be able to see about sign-ins and tokens. Append-only.
    A username that was tried is kept masked (its first two characters), never in full: a
    mistyped password is sometimes typed into the username box."""

    kind = models.CharField(max_length=20, choices=SecurityEventKind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    channel = models.CharField(max_length=10, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text="The account, when one is known.")
    username_masked = models.CharField(max_length=20, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlySecurityEventError("Security events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlySecurityEventError("Security events cannot be deleted.")
