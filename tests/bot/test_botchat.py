"""`manage.py botchat --as USER` against the running bot and the local Bot API server: it links
the user's own chat with a link code (once), sends each typed line, prints the answers with
their buttons numbered, and a typed number presses a button."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from bot import texts
from bot.management.commands.botchat import BOTCHAT_CHAT_BASE
from outcomes import models as m
from tests.personas import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


def botchat(bot_api, username: str, typed: str) -> str:
    out = io.StringIO()
    call_command("botchat", username=username, api=bot_api.url, wait=5,
                 stdin=io.StringIO(typed), stdout=out)
    return out.getvalue()


def test_a_young_person_links_and_chats_in_the_terminal(running_bot, bot_api):
    p = build_personas()
    said = botchat(bot_api, "yp1", "/contact\n")
    assert "bot> You're connected, Jordan!" in said
    assert f"bot> Your adviser is {p.adviser.first_name}." in said
    chat = BOTCHAT_CHAT_BASE + p.young_person_user.pk
    link = m.TelegramLink.objects.get(active=True)
    assert (link.user, link.chat_id, link.telegram_user_id) == (p.young_person_user, chat, chat)
    code = m.TelegramLinkCode.objects.get()
    assert code.created_by == p.adviser  # made as their adviser would, through the service

    # A second chat reuses the link: no new code, no /start.
    again = botchat(bot_api, "yp1", "/help\n")
    assert "You're connected" not in again and "NHS 111" in again
    assert m.TelegramLinkCode.objects.count() == 1


def test_buttons_are_numbered_and_a_number_presses_one(running_bot, bot_api):
    p = build_personas()
    said = botchat(bot_api, "adviser", "/caseload\n1\n3\n")
    jordan = p.young_person
    assert "bot> Your caseload\n" in said
    assert f"[1] Jordan ({jordan.child_id})" in said
    # 1 pressed Jordan's button: the list became the card (an edit), its buttons numbered
    # afresh, Back and Menu last; 3 pressed "Goals".
    assert f"bot (edited)> Jordan ({jordan.child_id})\n" in said
    assert f"[1] {texts.STAFF_RECORD_CONTACT}" in said and f"[3] {texts.STAFF_GOALS}" in said
    assert f"[4] {texts.BACK}  [5] {texts.MENU_BUTTON}" in said
    assert "bot (edited)> Jordan has no goals on a current plan." in said
    assert not m.AccessEvent.objects.filter(young_person=p.other_young_person).exists()


def test_it_refuses_unknown_users_and_accounts_linked_elsewhere(running_bot, bot_api):
    p = build_personas()
    with pytest.raises(CommandError, match="no active user"):
        botchat(bot_api, "nobody", "")
    m.TelegramLink.objects.create(user=p.adviser, telegram_user_id=1234, chat_id=1234)
    with pytest.raises(CommandError, match="linked to a Telegram account already"):
        botchat(bot_api, "adviser", "")
    assert bot_api.sent_messages() == []


def test_it_says_when_the_local_server_is_not_there(db):
    build_personas()
    with pytest.raises(CommandError, match="does not answer"):
        call_command("botchat", username="yp1", api="http://127.0.0.1:9", stdin=io.StringIO(""),
                     stdout=io.StringIO())
