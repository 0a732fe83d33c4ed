"""Safeguarding alerts (issue 12): a young person's message that may mean they are at risk, told
to a person at once, and escalated until someone records what they did (DESIGN.md rule 10).

Who is told, through the outbox (`Notification`), each row written once under its unique key and
sent once by the `deliver` task:

- At once: the allocated personal adviser (else social worker) and the young person's team
  managers, by email and, where linked, by Telegram with an "Acknowledge" button. The duty
  address (`WAYMARK_DUTY_EMAIL`) too when it is outside office hours or nobody is allocated.
- Round n, `n * SAFEGUARDING_ACK_MINUTES` after the alert was raised, while nobody has acted:
  the same people again, and duty. The event key `safeguarding:<alert>:round:<n>` is fixed by
  the time raised, so a second sweep or a worker killed half way writes nothing twice.
- A further message while the alert is open is added to it; a new kind of risk in it is told at
  once. "Call me now" is told at once. "Tried but could not reach them" tells duty at once and
  leaves the alert open.

The young person's words are kept in `SafeguardingMessage` only: never in a message, subject,
log line or exception.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from outcomes import access
from outcomes.access import NotVisible
from outcomes.models import (
    SAFEGUARDING_CHANNELS,
    Allocation,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    Role,
    SafeguardingAction,
    SafeguardingAlert,
    SafeguardingMessage,
    SafeguardingStatus,
    TelegramLink,
    User,
    YoungPerson,
)
from outcomes.rules.risk import RiskFinding, assess
from outcomes.rules.safeguarding import escalation_round_due, in_office_hours, kind_labels
from outcomes.selectors.allocations import KEY_ROLES

log = logging.getLogger(__name__)

EVENT_KIND = "safeguarding"
DELIVER_TASK = "tasks.reminders.deliver"  # outcomes does not import tasks: enqueued by name
LEAD_NOW = "now"
LEAD_ROUND = "escalation"
UNCLEAR = "unclear"  # RiskKind.unclear: a finding with no kind is still a risk

__all__ = [
    "CALLBACK_PREFIX",
    "SafeguardingCallback",
    "safeguarding_action_buttons",
    "safeguarding_alert_acknowledge",
    "safeguarding_alert_raise",
    "safeguarding_alerts_escalate",
    "safeguarding_buttons",
    "safeguarding_callback_data",
    "safeguarding_callback_parse",
    "safeguarding_callback_set",
    "safeguarding_risk_in",
]


# --- The detector, never failing closed ----------------------------------------------------------

def safeguarding_risk_in(text: str) -> RiskFinding:
    """What risk `text` shows. A detector error is treated as a risk (`RiskFinding.unclear()`):
    only the error's type is logged, never the text."""
    try:
        return assess(text)
    except Exception as error:  # any failure must still alert a person
        log.error("Risk detector failed (%s): the message is treated as a risk.",
                  type(error).__name__)
        return RiskFinding.unclear()


# --- The Telegram buttons' callback data: one codec for the bot and the outbox -------------------

CALLBACK_PREFIX = "sga"
ACKNOWLEDGE_WORDS = "Acknowledge: say what you did"


@dataclass(frozen=True)
class SafeguardingCallback:
    alert_id: int
    action: SafeguardingAction | None  # None: show the choices


def safeguarding_callback_data(alert_id: int, action: str | None = None) -> str:
    """`sga:<alert id>` (show the choices) or `sga:<alert id>:<action>` (acknowledge)."""
    if action is None:
        return f"{CALLBACK_PREFIX}:{int(alert_id)}"
    return f"{CALLBACK_PREFIX}:{int(alert_id)}:{SafeguardingAction(action).value}"


def safeguarding_callback_parse(data: str) -> SafeguardingCallback | None:
    """The alert and action a button's data names; None when it is not a safeguarding button or
    is malformed."""
    parts = (data or "").split(":")
    if len(parts) not in (2, 3) or parts[0] != CALLBACK_PREFIX or not parts[1].isdigit():
        return None
    if len(parts) == 2:
        return SafeguardingCallback(int(parts[1]), None)
    if parts[2] not in SafeguardingAction.values:
        return None
    return SafeguardingCallback(int(parts[1]), SafeguardingAction(parts[2]))


def safeguarding_buttons(alert_id: int) -> list[list[tuple[str, str]]]:
    """The button under a staff alert message: show the acknowledge choices."""
    return [[(ACKNOWLEDGE_WORDS, safeguarding_callback_data(alert_id))]]


def safeguarding_action_buttons(alert_id: int) -> list[list[tuple[str, str]]]:
    """One button per action that needs no note (OTHER needs a note: it is done on the web)."""
    return [[(action.label, safeguarding_callback_data(alert_id, action.value))]
            for action in SafeguardingAction if action != SafeguardingAction.OTHER]


# --- Texts: who, what kind, when, where to act; never the words ---------------------------------

def _kind_values(finding: RiskFinding) -> list[str]:
    values = {str(getattr(kind, "value", kind)) for kind in finding.kinds}
    return sorted(values) or [UNCLEAR]


def alert_url(alert: SafeguardingAlert) -> str:
    return settings.WAYMARK_BASE_URL + reverse("web:safeguarding-alert", args=[alert.pk])


def _who(young_person: YoungPerson) -> str:
    return f"{young_person.known_as} ({young_person.child_id})"


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


def _message(alert: SafeguardingAlert, *, headline: str, reason: str = "",
             kinds: list[str] | None = None) -> tuple[str, str]:
    who = _who(alert.young_person)
    subject = f"{headline}: {who}"
    words = "; ".join(kind_labels(kinds if kinds is not None else alert.kinds))
    lines = [
        f"{who} sent a message to Waymark at {_when(alert.raised_at)} "
        f"({alert.get_channel_display()}) that may mean they are at risk.",
        f"Kind of risk: {words}.",
    ]
    if reason:
        lines += ["", reason]
    lines += [
        "",
        "Contact them now. If you cannot reach them, follow your safeguarding procedure and tell "
        "the duty team.",
        "",
        "Their words are not in this message. Open Waymark to read them and to acknowledge, "
        f"saying what you did: {alert_url(alert)}",
    ]
    return subject[:200], "\n".join(lines)


# --- Who is told -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Audience:
    users: list[User]
    key_worker: bool  # an adviser or social worker is allocated


def _audience(young_person: YoungPerson, day: dt.date) -> _Audience:
    """The allocated personal adviser, else social worker, and the team's managers."""
    workers = {a.role: a.worker for a in Allocation.objects.current(day).filter(
        young_person=young_person, role__in=KEY_ROLES, worker__is_active=True,
    ).select_related("worker")}
    key = next((workers[role] for role in KEY_ROLES if role in workers), None)
    users = [key] if key is not None else []
    if young_person.team_id is not None:
        users += [u for u in User.objects.filter(
            role=Role.TEAM_MANAGER, team_id=young_person.team_id, is_active=True).order_by("pk")
            if u not in users]
    return _Audience(users=users, key_worker=key is not None)


def _duty_at_once(alert: SafeguardingAlert, audience: _Audience, moment: dt.datetime) -> str:
    """Why duty is told now, or "" when it need not be."""
    if not audience.key_worker:
        return "No adviser or social worker is allocated: the duty team is told too."
    if not in_office_hours(moment, settings.SAFEGUARDING_OFFICE_HOURS):
        return "It is outside office hours: the duty team is told too."
    if alert.duty_told_at is not None:
        return "The duty team has been told of this alert already and is told again."
    return ""


def _write(alert: SafeguardingAlert, *, key: str, lead: str, subject: str, body: str,
           users: list[User], duty: bool, moment: dt.datetime) -> list[int]:
    """Write the rows of one step (idempotent under the outbox's unique keys): email to each
    user with an address, Telegram with the button to each linked user, and email to the duty
    address. The ids of the rows written now."""
    event_key = f"{EVENT_KIND}:{alert.pk}:{key}"
    due_on = timezone.localdate(alert.raised_at)
    common = {"young_person_id": alert.young_person_id, "event_key": event_key,
              "due_on": due_on, "lead": lead}
    defaults = {"event_kind": EVENT_KIND, "kind": NotificationKind.SAFEGUARDING,
                "subject": subject, "not_before": moment}
    linked = set(TelegramLink.objects.filter(user__in=users, active=True)
                 .values_list("user_id", flat=True))
    created_ids = []
    for user in users:
        wanted = []
        if user.email:
            wanted.append((NotificationChannel.EMAIL, body, []))
        if user.pk in linked:
            wanted.append((NotificationChannel.TELEGRAM, f"{subject}\n\n{body}",
                           safeguarding_buttons(alert.pk)))
        for channel, text, buttons in wanted:
            row, created = Notification.objects.get_or_create(
                **common, recipient=user, channel=channel,
                defaults={**defaults, "body": text, "buttons": buttons})
            if created:
                created_ids.append(row.pk)
    if duty:
        address = settings.WAYMARK_DUTY_EMAIL
        if address:
            row, created = Notification.objects.get_or_create(
                **common, recipient=None, address=address, channel=NotificationChannel.EMAIL,
                defaults={**defaults, "body": body})
            if created:
                created_ids.append(row.pk)
        else:
            log.error("Safeguarding alert %s: the duty team should be told but "
                      "WAYMARK_DUTY_EMAIL is not set.", alert.pk)
    return created_ids


def _enqueue_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids: list[int]) -> None:
    from celery import current_app

    for notification_id in ids:
        current_app.send_task(DELIVER_TASK, args=[notification_id])


def _save(alert: SafeguardingAlert, *, actor: User | None, fields: list[str]) -> None:
    alert._history_user = actor
    alert.save(update_fields=fields)


def _tell(alert: SafeguardingAlert, *, key: str, headline: str, moment: dt.datetime,
          kinds: list[str] | None = None, force_duty: str = "", lead: str = LEAD_NOW) -> list[int]:
    """Tell the adviser and managers (and duty when due) about one step of the alert."""
    audience = _audience(alert.young_person, timezone.localdate(moment))
    reason = force_duty or _duty_at_once(alert, audience, moment)
    subject, body = _message(alert, headline=headline, reason=reason, kinds=kinds)
    ids = _write(alert, key=key, lead=lead, subject=subject, body=body, users=audience.users,
                 duty=bool(reason), moment=moment)
    if reason and alert.duty_told_at is None and settings.WAYMARK_DUTY_EMAIL:
        alert.duty_told_at = moment
        _save(alert, actor=None, fields=["duty_told_at"])
    return ids


# --- The services --------------------------------------------------------------------------------

def safeguarding_alert_raise(*, young_person: YoungPerson, finding: RiskFinding, text: str,
                             channel: str, now: dt.datetime | None = None) -> SafeguardingAlert:
    """Record a risk message and tell people at once. While an alert is open for the young person
    the message is added to it; only a kind of risk it did not have yet is told again."""
    if channel not in SAFEGUARDING_CHANNELS:
        raise ValueError(f"Unknown channel for a safeguarding alert: {channel!r}")
    moment = now or timezone.now()
    kinds = _kind_values(finding)
    words = (text or "").replace("\x00", "")
    with transaction.atomic():
        # One raise at a time per young person: a burst of messages makes one alert.
        YoungPerson.objects.select_for_update().filter(pk=young_person.pk).values_list("pk").first()
        alert = (SafeguardingAlert.objects.select_related("young_person")
                 .filter(young_person=young_person, status=SafeguardingStatus.OPEN).first())
        if alert is None:
            alert = SafeguardingAlert(young_person=young_person, kinds=kinds, raised_at=moment,
                                      channel=channel)
            alert._history_user = None
            alert.save()
            SafeguardingMessage.objects.create(alert=alert, text=words, kinds=kinds, at=moment,
                                               channel=channel)
            ids = _tell(alert, key="round:0", headline="Safeguarding alert", moment=moment)
        else:
            SafeguardingMessage.objects.create(alert=alert, text=words, kinds=kinds, at=moment,
                                               channel=channel)
            new = [kind for kind in kinds if kind not in alert.kinds]
            ids = []
            if new:
                alert.kinds = sorted(set(alert.kinds) | set(new))
                _save(alert, actor=None, fields=["kinds"])
                ids = _tell(alert, key="kind:" + "+".join(new), moment=moment, kinds=new,
                            headline="Safeguarding alert: a new kind of risk")
        _enqueue_on_commit(ids)
    return alert


def safeguarding_callback_set(*, young_person: YoungPerson, alert_id: int, wanted: bool,
                              now: dt.datetime | None = None) -> SafeguardingAlert:
    """The young person's answer to "Do you want someone to call you now?". Yes is told at once
    to the same people. Raises NotVisible for an alert that is not theirs."""
    moment = now or timezone.now()
    with transaction.atomic():
        alert = (SafeguardingAlert.objects.select_for_update().select_related("young_person")
                 .filter(pk=alert_id, young_person=young_person).first())
        if alert is None:
            raise NotVisible
        first_yes = wanted and not Notification.objects.filter(
            event_key=f"{EVENT_KIND}:{alert.pk}:callback").exists()
        alert.callback_wanted = bool(wanted)
        alert.callback_answered_at = moment
        _save(alert, actor=None, fields=["callback_wanted", "callback_answered_at"])
        if first_yes:
            _enqueue_on_commit(_tell(alert, key="callback", moment=moment,
                                     headline="Asked for a call now"))
    return alert


def safeguarding_alert_acknowledge(*, actor: User, alert_id: int, action: str, note: str = "",
                                   channel: str) -> SafeguardingAlert:
    """Record what `actor` did about the alert. The first acknowledgement stands: a second one
    returns the alert unchanged (its `acknowledged_by`/`acknowledged_at` say who was first).
    "Tried but could not reach them" is recorded, tells duty at once, and leaves it open.
    Raises NotVisible outside the actor's scope, ValidationError for a bad action or note."""
    note = (note or "").replace("\x00", "").strip()
    if action not in SafeguardingAction.values:
        raise ValidationError({"action": "Choose what you did."})
    if action == SafeguardingAction.OTHER and not note:
        raise ValidationError({"note": "Say what you did."})
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the note to 2,000 characters or fewer."})
    moment = timezone.now()
    with transaction.atomic():
        alert = (access.safeguarding_alerts_visible_to(actor).select_for_update(of=("self",))
                 .select_related("young_person").filter(pk=alert_id).first())
        if alert is None:
            raise NotVisible
        if alert.status == SafeguardingStatus.ACKNOWLEDGED:
            return alert
        alert.acknowledged_by = actor
        alert.acknowledged_at = moment
        alert.action = action
        alert.note = note
        alert.acknowledged_channel = channel
        fields = ["acknowledged_by", "acknowledged_at", "action", "note", "acknowledged_channel"]
        if action != SafeguardingAction.NO_CONTACT:
            alert.status = SafeguardingStatus.ACKNOWLEDGED
            fields.append("status")
        alert.full_clean(exclude=["young_person"])
        _save(alert, actor=actor, fields=fields)
        if action == SafeguardingAction.NO_CONTACT:
            _enqueue_on_commit(_tell(
                alert, key=f"no-contact:{moment:%Y%m%dT%H%M%S%f}", moment=moment,
                headline="Could not reach them",
                force_duty=f"{actor.get_full_name() or actor.username} tried but could not "
                           f"reach them at {_when(moment)}: the duty team is told."))
        else:
            # Reminders written but not yet taken by a worker are no longer true.
            Notification.objects.filter(
                event_key__startswith=f"{EVENT_KIND}:{alert.pk}:round:",
                status=NotificationStatus.PENDING,
            ).exclude(event_key=f"{EVENT_KIND}:{alert.pk}:round:0").update(
                status=NotificationStatus.CANCELLED,
                last_error="Not sent: the alert was acknowledged.")
    return alert


def safeguarding_alerts_escalate(*, now: dt.datetime | None = None) -> list[int]:
    """Write the round of escalation now due for every open alert (the adviser, managers and
    duty again), once per round whatever the number of sweeps. The ids of the rows written, for
    the caller to enqueue (rows not enqueued are sent by the outbox dispatcher)."""
    moment = now or timezone.now()
    ack = dt.timedelta(minutes=settings.SAFEGUARDING_ACK_MINUTES)
    due_ids = list(SafeguardingAlert.objects.filter(
        status=SafeguardingStatus.OPEN, raised_at__lte=moment - ack,
    ).values_list("pk", flat=True))
    written: list[int] = []
    # Open alerts are few: one short transaction each, so one slow alert holds up no other.
    for pk in due_ids:
        with transaction.atomic():
            alert = (SafeguardingAlert.objects.select_for_update(skip_locked=True)
                     .select_related("young_person")
                     .filter(pk=pk, status=SafeguardingStatus.OPEN).first())
            if alert is None:
                continue
            round_number = escalation_round_due(raised_at=alert.raised_at, now=moment, ack=ack)
            if round_number <= alert.escalation_rounds:
                continue
            minutes = int((moment - alert.raised_at).total_seconds() // 60)
            written += _tell(
                alert, key=f"round:{round_number}", lead=LEAD_ROUND, moment=moment,
                headline=f"Not yet acknowledged after {minutes} minutes",
                force_duty=f"Nobody has acknowledged this alert in {minutes} minutes: the duty "
                           "team is told.")
            alert.escalation_rounds = round_number
            _save(alert, actor=None, fields=["escalation_rounds"])
    return written
