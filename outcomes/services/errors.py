from __future__ import annotations

from django.db import models


class StaleVersion(Exception):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, instance: models.Model) -> None:
        self.instance = instance
        self.current_version = getattr(instance, "version", None)
        super().__init__(
            f"{instance._meta.verbose_name} {instance.pk} is now at version {self.current_version}."
        )
