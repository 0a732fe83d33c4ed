"""The one way services write a model instance: validate fully, then save with the actor in
the change history."""

from __future__ import annotations

from django.db import models

from outcomes.models import User


def validated_save(instance: models.Model, *, actor: User | None) -> models.Model:
    """full_clean() then save(), recording `actor` in django-simple-history."""
    instance.full_clean()
    instance._history_user = actor
    instance.save()
    return instance
