"""Messages out: the Telegram links of people who use the bot, and the outbox of reminders.

Every reminder is written once to the outbox (a unique key per event, due date, recipient,
channel and lead time) and sent once: a worker claims a row with a conditional UPDATE, sends,
and marks it sent (DESIGN.md rules 4 and 7).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .people import User, YoungPerson


class TelegramLink(models.Model):
    """A Telegram chat linked to a person's account (a young person or a member of staff).

    A Telegram account links to one person only. `paused_at` is set by /stop: nothing is sent
    until they start again. `active` goes false when the link is revoked or the bot is blocked.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="telegram_links")
    telegram_user_id = models.BigIntegerField()
    chat_id = models.BigIntegerField()
    active = models.BooleanField(default=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user_id", "-linked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["telegram_user_id"], condition=Q(active=True),
                name="one_active_link_per_telegram_account",
                violation_error_message="This Telegram account is already linked to someone.",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(active=True),
                name="one_active_link_per_user",
                violation_error_message="This person already has a linked Telegram account.",
            ),
        ]

    def __str__(self) -> str:
        state = "active" if self.active else "inactive"
        return f"Telegram link for {self.user} ({state})"

    @property
    def can_receive(self) -> bool:
        return self.active and self.paused_at is None


class TelegramLinkCode(models.Model):
    """A one-time code that links a Telegram account to `user`: handed over as a
    `t.me/<bot>?start=<code>` link. Only the SHA-256 of the code is kept; it is claimed once
    (a conditional UPDATE on `used_at`) and only before `expires_at`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="telegram_link_codes",
                             help_text="Whom the code links.")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the code.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by_telegram_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="telegram_link_code_used_by_whom",
                condition=Q(used_at__isnull=True, used_by_telegram_user_id__isnull=True)
                | Q(used_at__isnull=False, used_by_telegram_user_id__isnull=False),
                violation_error_message="A used code records the Telegram account that used it.",
            ),
        ]

    def __str__(self) -> str:
        state = "used" if self.used_at else "unused"
        return f"Telegram link code for {self.user} ({state})"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Email"
    TELEGRAM = "telegram", "Telegram"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Escalation to the team manager"
    ALERT = "alert", "Alert: crisis words in a message to the bot"
    SAFEGUARDING = "safeguarding", "Safeguarding alert"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Notification(models.Model):
    """One message to one person on one channel: the outbox row. A row goes either to a user
    (`recipient`) or, by email only, to an address that is not a user (`address`: the
    out-of-hours duty team)."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="notifications"
    )
    event_key = models.CharField(max_length=120, help_text="The schedule item's stable key.")
    event_kind = models.CharField(max_length=40)
    due_on = models.DateField()
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications",
                                  null=True, blank=True)
    address = models.EmailField(blank=True, help_text="An email address that is not a user's "
                                "(the duty team), when there is no recipient.")
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    lead = models.CharField(
        max_length=12, help_text='"14d", "7d", "0d" before the due date, "overdue" or "escalation".'
    )
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    buttons = models.JSONField(default=list, blank=True, help_text="Rows of Telegram inline "
                               "buttons under the message: [[words, callback data], ...].")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    not_before = models.DateTimeField(help_text="Not sent before this (quiet hours wait).")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    fallback_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallbacks",
        help_text="The Telegram message this email replaces (the bot was blocked).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["young_person", "event_key", "due_on", "recipient", "channel", "lead"],
                name="one_notification_per_event_recipient_channel_lead",
                violation_error_message="This reminder has already been written.",
            ),
            models.UniqueConstraint(
                fields=["young_person", "event_key", "due_on", "address", "channel", "lead"],
                condition=Q(recipient__isnull=True),
                name="one_notification_per_event_address_channel_lead",
                violation_error_message="This message has already been written.",
            ),
            models.CheckConstraint(
                name="notification_to_a_user_or_an_address",
                condition=Q(recipient__isnull=False, address="")
                | (Q(recipient__isnull=True, channel="email") & ~Q(address="")),
                violation_error_message="A message goes to a user, or by email to an address.",
            ),
            models.CheckConstraint(
                name="notification_status_valid",
                condition=Q(status__in=NotificationStatus.values),
                violation_error_message="Unknown notification status.",
            ),
            models.CheckConstraint(
                name="notification_channel_valid",
                condition=Q(channel__in=NotificationChannel.values),
                violation_error_message="Unknown notification channel.",
            ),
            models.CheckConstraint(
                name="notification_sent_has_time",
                condition=~Q(status=NotificationStatus.SENT) | Q(sent_at__isnull=False),
                violation_error_message="A sent notification needs the time it was sent.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "not_before"], name="notification_ready"),
            models.Index(fields=["recipient", "-created_at"], name="notification_by_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.get_channel_display()} ({self.status})"


class ScheduleEntry(models.Model):
    """An open item of a young person's statutory schedule, kept so that lists can ask "what is
    overdue?" in SQL. Rebuilt from the records by `schedule_refresh` after every write that moves
    a due date, and by the daily sweep; the schedule itself is computed by
    `outcomes.rules.schedule` and is the authority."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="schedule_entries"
    )
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True, help_text="Empty when data is needed first.")
    needs_data = models.BooleanField(default=False)
    responsible = models.CharField(max_length=20, help_text="The allocation role that must act.")
    refreshed_on = models.DateField()

    class Meta:
        ordering = ["young_person_id", "due_on", "key"]
        verbose_name_plural = "schedule entries"
        constraints = [
            models.UniqueConstraint(fields=["young_person", "key"], name="one_entry_per_item"),
        ]
        indexes = [models.Index(fields=["due_on", "young_person"], name="schedule_entry_due")]

    def __str__(self) -> str:
        return f"{self.title} due {self.due_on:%d/%m/%Y}" if self.due_on else self.title


class ScheduleItemClosure(models.Model):
    """A statutory item a manager closed as no longer applying, with the reason: the schedule
    shows it closed and no longer reminds anyone of it (services/schedule_items.py)."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE,
                                     related_name="schedule_closures")
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    reason = models.TextField()
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["young_person_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["young_person", "key"], name="one_closure_per_item",
                                    violation_error_message="This item is already closed."),
        ]

    def __str__(self) -> str:
        return f"{self.title} closed on {self.closed_on:%d/%m/%Y}"
