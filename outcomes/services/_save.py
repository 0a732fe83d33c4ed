"""The one way services write a model instance: validate fully, then save with the actor in
the change history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from outcomes.models import User

NUL = "\x00"


def _refuse_nul_characters(instance: models.Model) -> None:
    """PostgreSQL cannot store a NUL character in text: say which field, rather than fail on
    save. Forms and the API refuse it already; the bot and imports come through here."""
    errors = {
        field.name: "This text contains a character that cannot be stored (NUL)."
        for field in instance._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and NUL in (getattr(instance, field.attname) or "")
    }
    if errors:
        raise ValidationError(errors)


def validated_save(instance: models.Model, *, actor: User | None) -> models.Model:
    """full_clean() then save(), recording `actor` in django-simple-history."""
    _refuse_nul_characters(instance)
    instance.full_clean()
    instance._history_user = actor
    instance.save()
    return instance
