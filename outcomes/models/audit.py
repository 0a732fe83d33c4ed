"""Reads of a young person's record: an append-only trail (DESIGN.md rule 5).

Changes are kept by django-simple-history on every record model; this table keeps the reads.
"""

from __future__ import annotations

from django.db import models

from .base import Channel
from .people import User, YoungPerson


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an access event."""


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Access events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Access events cannot be deleted.")


class AccessEvent(models.Model):
    """Who looked at whose record, what they looked at, through which channel, and when."""

    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+",
                              help_text="Empty for the system itself.")
    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT,
                                     related_name="access_events")
    what = models.CharField(max_length=100, help_text="The view or command, e.g. young_person.detail")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["young_person", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor} viewed {self.what} ({self.channel}) at {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Access events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access events cannot be deleted.")
