"""Safeguarding alerts: a young person's message that may mean they are at risk, and the person
who acted on it (issue 12; DESIGN.md rule 10: safety before silence).

One alert is open per young person at a time: further risk messages while it is open are added to
it. The young person's words are kept only in `SafeguardingMessage`, never in the outbox, emails,
logs or the change history. Who was told, and when, is the outbox itself (`Notification` rows
whose event key starts `safeguarding:<alert id>:`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .base import Channel
from .people import User, YoungPerson


class SafeguardingAction(models.TextChoices):
    """What the member of staff did about the alert."""

    CALLED = "called", "Spoke to them by phone"
    SEEN = "seen", "Saw them in person"
    EMERGENCY = "emergency", "Called the police or an ambulance"
    DUTY = "duty", "Passed to the duty team"
    NO_CONTACT = "no_contact", "Tried but could not reach them"
    OTHER = "other", "Something else (say what)"


class SafeguardingStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


# Channels a risk message can come from.
SAFEGUARDING_CHANNELS = (Channel.TELEGRAM, Channel.WEB, Channel.API)


class SafeguardingAlert(models.Model):
    """An alert that a person must act on. Open until someone records what they did; an attempt
    that did not reach the young person (NO_CONTACT) is recorded and leaves it open, so the
    escalation goes on."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT,
                                     related_name="safeguarding_alerts")
    kinds = models.JSONField(default=list, help_text="The kinds of risk found, e.g. [\"self_harm\"].")
    raised_at = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=SafeguardingStatus.choices,
                              default=SafeguardingStatus.OPEN)
    callback_wanted = models.BooleanField(
        null=True, blank=True, help_text="Their answer to \"Do you want someone to call you now?\"")
    callback_answered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=12, choices=SafeguardingAction.choices, blank=True)
    note = models.TextField(blank=True)
    acknowledged_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    escalation_rounds = models.PositiveSmallIntegerField(
        default=0, help_text="Rounds of escalation written after the first message.")
    duty_told_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When the duty address was first told.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["young_person"], condition=Q(status="open"),
                name="one_open_safeguarding_alert_per_young_person",
                violation_error_message="This young person already has an open alert.",
            ),
            models.CheckConstraint(
                name="safeguarding_alert_status_valid",
                condition=Q(status__in=SafeguardingStatus.values),
                violation_error_message="Unknown alert status.",
            ),
            models.CheckConstraint(
                name="safeguarding_acknowledged_has_who_when_action",
                condition=~Q(status="acknowledged") | (
                    Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False)
                    & ~Q(action="") & ~Q(action="no_contact")),
                violation_error_message="An acknowledged alert records who, when and what they did.",
            ),
            models.CheckConstraint(
                name="safeguarding_action_has_who_when",
                condition=Q(action="") | Q(acknowledged_by__isnull=False,
                                           acknowledged_at__isnull=False),
                violation_error_message="An action records who took it and when.",
            ),
            models.CheckConstraint(
                name="safeguarding_other_has_note",
                condition=~Q(action="other") | ~Q(note=""),
                violation_error_message="Say what was done.",
            ),
            models.CheckConstraint(
                name="safeguarding_callback_answer_has_time",
                condition=Q(callback_wanted__isnull=True) | Q(callback_answered_at__isnull=False),
                violation_error_message="An answer records when it was given.",
            ),
        ]
        indexes = [models.Index(fields=["status", "raised_at"], name="safeguarding_open")]

    def __str__(self) -> str:
        return f"Safeguarding alert {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == SafeguardingStatus.OPEN


class SafeguardingMessage(models.Model):
    """One risk message of the alert, in the young person's words: the only place they are kept.
    Written once and never changed (no change history, so no second copy of the words)."""

    alert = models.ForeignKey(SafeguardingAlert, on_delete=models.CASCADE, related_name="messages")
    text = models.TextField()
    kinds = models.JSONField(default=list)
    at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        ordering = ["alert_id", "at", "id"]

    def __str__(self) -> str:
        return f"Message of safeguarding alert {self.alert_id} at {self.at:%d/%m/%Y %H:%M}"
