"""Every change keeps its history with the actor; every read leaves an append-only trace."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from outcomes import models as m
from outcomes import services

# A safeguarding message keeps the young person's words once and is never edited (no history
# copy of the words); security events are written once by the sign-in and token checks.
APPEND_ONLY = {m.AccessEvent, m.GoalProgress, m.SafeguardingMessage, m.SecurityEvent}
# A token row is its own history: issued, last used, revoked; only the hash is kept. So is a
# Telegram link code's (made by whom, used when and from which account). An outbox row is its
# own too (written, claimed, sent or failed, with the times); schedule entries are worked out
# from the records and rebuilt, never edited.
# Data jobs (imports and exports run from the staff pages) keep who, what and when on the row.
NOT_A_RECORD = {m.ApiToken, m.TelegramLinkCode, m.Notification, m.ScheduleEntry, m.DataJob}


def test_every_record_model_keeps_its_history():
    without_history = [
        model.__name__ for model in apps.get_app_config("outcomes").get_models()
        if not model.__name__.startswith("Historical")
        and model not in APPEND_ONLY | NOT_A_RECORD
        and not hasattr(model, "history")
    ]
    assert without_history == []


def test_service_writes_record_the_actor(personas):
    plan = services.plan_draft_create(actor=personas.adviser, young_person=personas.young_person)
    services.plan_agree(actor=personas.manager, plan=plan, agreed_on=plan.created_at.date(),
                        expected_version=plan.version)
    history = list(plan.history.order_by("history_date").values_list("status", "history_user"))
    assert history == [("draft", personas.adviser.pk), ("agreed", personas.manager.pk)]


def test_access_events_are_append_only(personas):
    event = m.AccessEvent.objects.create(actor=personas.adviser,
                                         young_person=personas.young_person,
                                         what="young_person.detail", channel=m.Channel.WEB)
    event.what = "something else"
    with pytest.raises(m.AppendOnlyError):
        event.save()
    with pytest.raises(m.AppendOnlyError):
        event.delete()
    with pytest.raises(m.AppendOnlyError):
        m.AccessEvent.objects.all().update(what="x")
    with pytest.raises(m.AppendOnlyError):
        m.AccessEvent.objects.all().delete()
    # Below the ORM, the database refuses too.
    for statement in ("UPDATE outcomes_accessevent SET what = 'x'",
                      "DELETE FROM outcomes_accessevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement)
    assert m.AccessEvent.objects.get().what == "young_person.detail"


def test_a_nul_character_is_refused_by_field_not_by_the_database(personas):
    from django.core.exceptions import ValidationError

    from outcomes.services.contacts import pa_contact_record

    with pytest.raises(ValidationError) as refused:
        pa_contact_record(actor=personas.adviser, young_person=personas.young_person,
                          contact_on=personas.young_person.date_of_birth.replace(year=2025),
                          method="phone", note="Talked\x00about college")
    assert "note" in refused.value.message_dict
