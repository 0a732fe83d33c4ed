"""A safeguarding alert (issue 12): the adviser and team managers are told at once, duty at once
out of hours or when nobody holds the case, and every SAFEGUARDING_ACK_MINUTES until someone
records what they did; a burst is one alert; the young person's words never leave the record."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from config.celery import app as celery_app
from outcomes import models as m
from outcomes.access import NotVisible
from outcomes.rules.risk import RiskFinding, RiskKind
from outcomes.services.safeguarding import (
    safeguarding_action_buttons,
    safeguarding_alert_acknowledge,
    safeguarding_alert_raise,
    safeguarding_alerts_escalate,
    safeguarding_buttons,
    safeguarding_callback_data,
    safeguarding_callback_parse,
    safeguarding_callback_set,
    safeguarding_risk_in,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DUTY = "duty@council.example"
WORDS = "i have got the pills and i am going to take them all tonight"
# A Wednesday in office hours, a Wednesday at 2 am, a Saturday, and Christmas Day 2026 (a Friday).
IN_HOURS = dt.datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)
NIGHT = dt.datetime(2026, 12, 2, 2, 0, tzinfo=LONDON)
SATURDAY = dt.datetime(2026, 12, 5, 11, 0, tzinfo=LONDON)
CHRISTMAS = dt.datetime(2026, 12, 25, 14, 0, tzinfo=LONDON)
MINUTE = dt.timedelta(minutes=1)


def finding(*kinds: str) -> RiskFinding:
    return RiskFinding(kinds=frozenset(RiskKind(kind) for kind in kinds), matched=("x",))


@pytest.fixture(autouse=True)
def duty(settings):
    settings.WAYMARK_DUTY_EMAIL = DUTY
    settings.SAFEGUARDING_ACK_MINUTES = 15
    settings.SAFEGUARDING_OFFICE_HOURS = (dt.time(9), dt.time(17))


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(celery_app, "send_task",
                        lambda name, args=None, **kwargs: calls.extend(args))
    return calls


def told(alert: m.SafeguardingAlert, key: str = "round:0") -> set[tuple[str, str]]:
    """(to whom, channel) of the rows of one step."""
    return {(row.recipient.username if row.recipient else row.address, row.channel)
            for row in m.Notification.objects.filter(event_key=f"safeguarding:{alert.pk}:{key}")}


def raise_alert(p, *, at=IN_HOURS, kinds=("self_harm",), text=WORDS):
    return safeguarding_alert_raise(young_person=p.young_person, finding=finding(*kinds),
                                    text=text, channel="telegram", now=at)


def test_the_adviser_and_managers_are_told_at_once_with_a_button(
        personas, enqueued, django_capture_on_commit_callbacks):
    p = personas
    f.TelegramLinkFactory(user=p.adviser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert = raise_alert(p)
    assert not enqueued  # nothing goes before the write commits
    for callback in callbacks:
        callback()
    assert told(alert) == {("adviser", "email"), ("adviser", "telegram"), ("manager", "email")}
    assert sorted(enqueued) == sorted(m.Notification.objects.values_list("pk", flat=True))
    telegram = m.Notification.objects.get(channel="telegram")
    assert telegram.buttons == [[list(button) for button in row]
                                for row in safeguarding_buttons(alert.pk)]
    assert telegram.buttons[0][0][1] == f"sga:{alert.pk}"
    assert (alert.status, alert.kinds, alert.channel) == ("open", ["self_harm"], "telegram")
    assert [(msg.text, msg.channel) for msg in alert.messages.all()] == [(WORDS, "telegram")]
    body = telegram.body
    assert p.young_person.child_id in body and p.young_person.known_as in body
    assert f"/safeguarding/{alert.pk}/" in body
    assert alert.duty_told_at is None  # in office hours with an adviser: duty waits


def test_a_burst_is_one_alert_and_only_a_new_kind_is_told_again(personas, enqueued):
    p = personas
    alert = raise_alert(p)
    first = m.Notification.objects.count()
    again = raise_alert(p, at=IN_HOURS + MINUTE, text="still want to die")
    assert again.pk == alert.pk and m.Notification.objects.count() == first
    assert alert.messages.count() == 2
    newer = raise_alert(p, at=IN_HOURS + 2 * MINUTE, kinds=("nowhere_safe", "self_harm"),
                        text="and i have nowhere to sleep")
    assert newer.pk == alert.pk
    assert newer.kinds == ["nowhere_safe", "self_harm"]
    assert told(alert, "kind:nowhere_safe") == {("adviser", "email"), ("manager", "email")}
    assert m.SafeguardingAlert.objects.count() == 1 and alert.messages.count() == 3


def test_the_callback_answer_is_told_once_and_only_for_their_own_alert(personas, enqueued):
    p = personas
    alert = raise_alert(p)
    safeguarding_callback_set(young_person=p.young_person, alert_id=alert.pk, wanted=True,
                              now=IN_HOURS + MINUTE)
    assert told(alert, "callback") == {("adviser", "email"), ("manager", "email")}
    rows = m.Notification.objects.count()
    safeguarding_callback_set(young_person=p.young_person, alert_id=alert.pk, wanted=True,
                              now=IN_HOURS + 2 * MINUTE)
    assert m.Notification.objects.count() == rows
    alert.refresh_from_db()
    assert alert.callback_wanted is True and alert.callback_answered_at is not None
    assert "Asked for a call now" in m.Notification.objects.filter(
        event_key__endswith=":callback").first().subject
    with pytest.raises(NotVisible):
        safeguarding_callback_set(young_person=p.other_young_person, alert_id=alert.pk,
                                  wanted=True)


def test_without_an_adviser_or_social_worker_the_manager_and_duty_are_told_at_once(
        personas, enqueued):
    p = personas
    m.Allocation.objects.filter(young_person=p.young_person).delete()
    alert = raise_alert(p)
    assert told(alert) == {("manager", "email"), (DUTY, "email")}
    alert.refresh_from_db()
    assert alert.duty_told_at == IN_HOURS


@pytest.mark.parametrize("at", [NIGHT, SATURDAY, CHRISTMAS], ids=["2am", "saturday", "25-dec"])
def test_out_of_hours_duty_is_told_at_once(personas, enqueued, at):
    alert = raise_alert(personas, at=at)
    assert (DUTY, "email") in told(alert)
    assert ("adviser", "email") in told(alert)


def test_in_hours_duty_is_told_after_the_set_minutes_and_again_each_round_until_acknowledged(
        personas, enqueued):
    p = personas
    alert = raise_alert(p)
    assert (DUTY, "email") not in told(alert)
    assert safeguarding_alerts_escalate(now=IN_HOURS + 14 * MINUTE) == []
    written = safeguarding_alerts_escalate(now=IN_HOURS + 15 * MINUTE)
    assert told(alert, "round:1") == {("adviser", "email"), ("manager", "email"), (DUTY, "email")}
    assert len(written) == 3
    # A second sweep in the same round, or a worker that runs it again, writes nothing.
    assert safeguarding_alerts_escalate(now=IN_HOURS + 16 * MINUTE) == []
    assert safeguarding_alerts_escalate(now=IN_HOURS + 29 * MINUTE) == []
    assert len(safeguarding_alerts_escalate(now=IN_HOURS + 30 * MINUTE)) == 3
    alert.refresh_from_db()
    assert alert.escalation_rounds == 2 and alert.duty_told_at == IN_HOURS + 15 * MINUTE
    safeguarding_alert_acknowledge(actor=p.manager, alert_id=alert.pk, action="called",
                                   channel="web")
    assert safeguarding_alerts_escalate(now=IN_HOURS + 45 * MINUTE) == []
    assert not m.Notification.objects.filter(event_key__endswith=":round:3").exists()


def test_a_sweep_after_an_outage_writes_only_the_latest_round(personas, enqueued):
    alert = raise_alert(personas)
    safeguarding_alerts_escalate(now=IN_HOURS + 61 * MINUTE)
    keys = set(m.Notification.objects.values_list("event_key", flat=True))
    assert keys == {f"safeguarding:{alert.pk}:round:0", f"safeguarding:{alert.pk}:round:4"}


def test_acknowledging_records_who_when_and_what_and_the_first_one_stands(personas, enqueued):
    p = personas
    alert = raise_alert(p)
    done = safeguarding_alert_acknowledge(actor=p.manager, alert_id=alert.pk, action="seen",
                                          note="At the office.", channel="web")
    assert (done.status, done.acknowledged_by, done.action, done.note) == (
        "acknowledged", p.manager, "seen", "At the office.")
    second = safeguarding_alert_acknowledge(actor=p.adviser, alert_id=alert.pk, action="called",
                                            channel="telegram")
    assert (second.acknowledged_by, second.action) == (p.manager, "seen")
    assert alert.history.filter(history_user=p.manager, status="acknowledged").exists()
    # A new message after the acknowledgement is a new alert.
    assert raise_alert(p, at=IN_HOURS + 30 * MINUTE).pk != alert.pk


def test_pending_reminders_are_cancelled_by_the_acknowledgement(personas, enqueued):
    p = personas
    alert = raise_alert(p)
    safeguarding_alerts_escalate(now=IN_HOURS + 15 * MINUTE)
    safeguarding_alert_acknowledge(actor=p.adviser, alert_id=alert.pk, action="called",
                                   channel="web")
    assert set(m.Notification.objects.filter(event_key__endswith=":round:1")
               .values_list("status", flat=True)) == {"cancelled"}
    assert set(m.Notification.objects.filter(event_key__endswith=":round:0")
               .values_list("status", flat=True)) == {"pending"}


def test_could_not_reach_them_tells_duty_at_once_and_escalation_goes_on(personas, enqueued):
    p = personas
    alert = raise_alert(p)
    tried = safeguarding_alert_acknowledge(actor=p.adviser, alert_id=alert.pk,
                                           action="no_contact", channel="web")
    assert tried.status == "open" and tried.acknowledged_by == p.adviser
    [no_contact] = {row.event_key for row in m.Notification.objects.filter(
        event_key__contains=":no-contact:")}
    assert (DUTY, "email") in told(alert, no_contact.split(":", 2)[2])
    assert safeguarding_alerts_escalate(now=IN_HOURS + 15 * MINUTE)
    # Someone who then reaches them closes it.
    closed = safeguarding_alert_acknowledge(actor=p.manager, alert_id=alert.pk, action="called",
                                            channel="web")
    assert (closed.status, closed.acknowledged_by) == ("acknowledged", p.manager)


def test_acknowledging_is_refused_outside_scope_and_other_needs_a_note(personas, enqueued):
    p = personas
    alert = raise_alert(p)
    for stranger in (p.other_adviser, p.other_manager, p.iro, p.virtual_school,
                     p.young_person_user):
        with pytest.raises(NotVisible):
            safeguarding_alert_acknowledge(actor=stranger, alert_id=alert.pk, action="called",
                                           channel="web")
    with pytest.raises(ValidationError):
        safeguarding_alert_acknowledge(actor=p.adviser, alert_id=alert.pk, action="other",
                                       note="  ", channel="web")
    with pytest.raises(ValidationError):
        safeguarding_alert_acknowledge(actor=p.adviser, alert_id=alert.pk, action="shrugged",
                                       channel="web")
    done = safeguarding_alert_acknowledge(actor=p.admin, alert_id=alert.pk, action="other",
                                          note="Housing found a room.", channel="web")
    assert done.status == "acknowledged"


def test_the_words_never_leave_the_record(personas, enqueued):
    p = personas
    f.TelegramLinkFactory(user=p.adviser)
    m.Allocation.objects.filter(young_person=p.young_person).delete()
    alert = raise_alert(p, at=NIGHT)
    raise_alert(p, at=NIGHT + MINUTE, kinds=("harm_from_others",), text="he hit me again")
    safeguarding_callback_set(young_person=p.young_person, alert_id=alert.pk, wanted=True)
    safeguarding_alerts_escalate(now=NIGHT + 16 * MINUTE)
    rows = list(m.Notification.objects.all())
    assert len(rows) >= 8
    for row in rows:
        for words in (WORDS, "he hit me again", "pills", "hit me"):
            assert words not in row.subject and words not in row.body
        assert p.young_person.legal_last_name not in row.subject + row.body


def test_a_detector_error_is_treated_as_a_risk_and_the_text_is_not_logged(
        monkeypatch, caplog):
    import outcomes.services.safeguarding as service

    def broken(text):
        raise RuntimeError(f"failed on {text}")

    monkeypatch.setattr(service, "assess", broken)
    result = safeguarding_risk_in("a secret message")
    assert result.at_risk
    assert "RuntimeError" in caplog.text and "secret" not in caplog.text


def test_the_callback_codec():
    assert safeguarding_callback_data(42) == "sga:42"
    assert safeguarding_callback_data(42, "no_contact") == "sga:42:no_contact"
    parsed = safeguarding_callback_parse("sga:42:called")
    assert (parsed.alert_id, parsed.action) == (42, m.SafeguardingAction.CALLED)
    assert safeguarding_callback_parse("sga:42").action is None
    for bad in ("", "sga", "sga:x", "sga:1:shrug", "goal:1", "sga:1:called:x"):
        assert safeguarding_callback_parse(bad) is None
    datas = [data for row in safeguarding_action_buttons(7) for _, data in row]
    assert "sga:7:other" not in datas and "sga:7:called" in datas
    assert all(len(data.encode()) <= 64 for data in datas)


def test_production_refuses_to_start_without_the_duty_address():
    from config.production_check import problems

    env = {"DJANGO_DEBUG": "false"}
    assert any(line.startswith("WAYMARK_DUTY_EMAIL is not set") for line in problems("all", env))
    assert not any("WAYMARK_DUTY_EMAIL" in line
                   for line in problems("all", env | {"WAYMARK_DUTY_EMAIL": DUTY}))


@pytest.mark.parametrize(("who", "sees"), [
    ("adviser", True), ("social_worker", True), ("manager", True), ("admin", True),
    ("other_adviser", False), ("other_manager", False), ("iro", False),
    ("virtual_school", False), ("young_person_user", False)])
def test_who_may_see_and_acknowledge_an_alert(personas, enqueued, who, sees):
    from outcomes.access import safeguarding_alerts_visible_to

    alert = raise_alert(personas)
    assert safeguarding_alerts_visible_to(getattr(personas, who)).filter(
        pk=alert.pk).exists() is sees


def test_the_chronology_shows_the_alert_without_the_words(personas, enqueued):
    from outcomes.selectors.chronology import chronology_for

    alert = raise_alert(personas, at=NIGHT)
    safeguarding_alert_acknowledge(actor=personas.adviser, alert_id=alert.pk, action="called",
                                   note="Safe at a friend's.", channel="web")
    entries = [e for e in chronology_for(young_person=personas.young_person)
               if e.kind.startswith("safeguarding.")]
    assert [e.kind for e in entries] == ["safeguarding.alert", "safeguarding.acted"]
    assert entries[0].at == NIGHT and "02:00" in entries[0].detail
    assert "Spoke to them by phone".lower() in entries[1].title
    assert str(personas.adviser) in entries[1].detail
    assert all(WORDS not in e.title + e.detail and "pills" not in e.detail for e in entries)
    own = chronology_for(young_person=personas.young_person, viewer_is_young_person=True)
    assert not [e for e in own if e.kind.startswith("safeguarding.")]


def test_the_detectors_finding_raises_the_alert_with_its_kinds(personas, enqueued):
    found = safeguarding_risk_in("I got kicked out and have nowhere to sleep tonight")
    assert found.at_risk
    alert = safeguarding_alert_raise(young_person=personas.young_person, finding=found,
                                     text="I got kicked out and have nowhere to sleep tonight",
                                     channel="telegram", now=IN_HOURS)
    assert alert.kinds == ["nowhere_safe"]
    body = m.Notification.objects.filter(event_key__endswith=":round:0").first().body
    assert "Kind of risk: Nowhere safe to sleep." in body and "kicked out" not in body


def test_the_outbox_goes_to_a_user_or_by_email_to_an_address_once(personas):
    from django.db import IntegrityError, transaction

    row = {"young_person": personas.young_person, "event_key": "safeguarding:1:round:1",
           "event_kind": "safeguarding", "due_on": IN_HOURS.date(), "lead": "escalation",
           "kind": m.NotificationKind.SAFEGUARDING, "subject": "s", "body": "b",
           "not_before": IN_HOURS}
    m.Notification.objects.create(**row, address=DUTY, channel="email")
    for bad in ({"address": DUTY, "channel": "email"},  # the same row twice
                {"address": DUTY, "channel": "telegram"},  # an address has no Telegram
                {"channel": "email"},  # nobody
                {"recipient": personas.adviser, "address": DUTY, "channel": "email"}):  # both
        with pytest.raises(IntegrityError), transaction.atomic():
            m.Notification.objects.create(**row, **bad)
