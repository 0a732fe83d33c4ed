"""When a link ends, however it ends, the chat's own command menu goes (deleteMyCommands, chat
scope), so the person no longer sees the linked role's menu: Telegram shows them the menu of
every private chat, how to link and help. Done by a task once the write commits, through a real
worker on the real broker, against the local Bot API server; not done when the chat has been
linked again meanwhile; retried when Telegram asks to wait."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from telegram import Bot, BotCommand, BotCommandScopeChat

from config.celery import app
from outcomes import models as m
from outcomes.services import (
    telegram_link_active_for,
    telegram_link_revoke,
    telegram_link_unlink,
)
from outcomes.services.telegram_menus import telegram_menu_reset
from tasks import telegram_menus
from tests.fakes.botapi import FakeBotAPI
from tests.personas import build_personas

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 7400


@pytest.fixture
def telegram(settings, bot_api: FakeBotAPI) -> Iterator[FakeBotAPI]:
    settings.TELEGRAM_BOT_TOKEN = bot_api.token
    settings.TELEGRAM_API_BASE_URL = bot_api.base_url
    cache.clear()
    app.control.purge()
    yield bot_api
    cache.clear()


@pytest.fixture
def worker(django_db_blocker, telegram) -> Iterator[None]:
    with django_db_blocker.unblock(), start_worker(app, pool="solo", perform_ping_check=False,
                                                   shutdown_timeout=10):
        yield


def linked_with_menu(bot_api: FakeBotAPI, user: m.User, chat: int = CHAT) -> m.TelegramLink:
    """`user` linked in `chat`, which has the role's menu, as the bot leaves it after linking."""
    link = m.TelegramLink.objects.create(user=user, telegram_user_id=chat, chat_id=chat)

    async def set_menu() -> None:
        async with Bot(bot_api.token, base_url=bot_api.base_url) as bot:
            await bot.set_my_commands([BotCommand("caseload", "My young people")],
                                      scope=BotCommandScopeChat(chat))

    asyncio.run(set_menu())
    assert bot_api.commands(scope=chat_scope(chat))
    return link


def chat_scope(chat: int = CHAT) -> dict:
    return {"type": "chat", "chat_id": chat}


def menu_reset(bot_api: FakeBotAPI, chat: int = CHAT) -> None:
    [call] = bot_api.wait_for_calls("deleteMyCommands", 1, timeout=30)
    assert (call.status, call.params["scope"]) == (200, chat_scope(chat))
    assert bot_api.commands(scope=chat_scope(chat)) == []


def test_a_link_revoked_by_staff_takes_the_chats_menu_with_it(worker, telegram):
    p = build_personas()
    link = linked_with_menu(telegram, p.young_person_user)
    telegram_link_revoke(actor=p.adviser, link=link)
    menu_reset(telegram)


def test_an_unlinked_chat_loses_its_menu(worker, telegram):
    p = build_personas()
    link = linked_with_menu(telegram, p.adviser)
    telegram_link_unlink(link=link)
    menu_reset(telegram)


def test_a_switched_off_accounts_chat_loses_its_menu_when_it_next_writes(worker, telegram):
    p = build_personas()
    linked_with_menu(telegram, p.social_worker)
    p.social_worker.is_active = False
    p.social_worker.save()
    assert telegram_link_active_for(telegram_user_id=CHAT) is None  # as the bot asks it
    menu_reset(telegram)


def test_telegrams_429_is_waited_for(worker, telegram):
    p = build_personas()
    link = linked_with_menu(telegram, p.adviser)
    telegram.fail_next("deleteMyCommands", 429, retry_after=1)
    telegram_link_unlink(link=link)
    telegram.wait_for_calls("deleteMyCommands", 2, timeout=30)
    assert [call.status for call in telegram.calls_to("deleteMyCommands")] == [429, 200]
    assert telegram.commands(scope=chat_scope()) == []


def test_a_chat_linked_again_meanwhile_keeps_its_new_menu(telegram):
    p = build_personas()
    old = linked_with_menu(telegram, p.adviser)
    old.active = False
    old.save()
    m.TelegramLink.objects.create(user=p.adviser, telegram_user_id=CHAT, chat_id=CHAT)
    assert telegram_menu_reset(chat_id=CHAT).status == "linked"
    assert telegram_menus.reset.apply(args=[CHAT]).get() == "linked"
    assert telegram.calls_to("deleteMyCommands") == []
    assert telegram.commands(scope=chat_scope())
