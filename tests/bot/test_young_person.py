"""A young person links with a code and reads their plan, their next meeting and how to reach
their adviser, over HTTP through the local Bot API server: only the headings, dates and first
names they need, never a case note; every read traced with channel telegram; a query budget for
each command. /stop pauses every message, /start starts them again."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bot import texts
from outcomes import models as m
from outcomes.selectors.reviews import next_review_for
from outcomes.services import delivery
from tests import factories as f

from .conftest import SECRET

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 4242
# Queries per command, whatever the plan's size: the link (1), the access checks and the reads,
# the schedule (12 for the history, 1 for the young person) and the trace.
PLAN_BUDGET = 20
REVIEW_BUDGET = 16
CONTACT_BUDGET = 4


def assert_nothing_leaked(bot_api, chat_id: int, world) -> None:
    for message in bot_api.sent_messages(chat_id):
        text = message["text"]
        assert SECRET not in text, text
        assert world.personas.young_person.child_id not in text
        assert world.personas.young_person.legal_last_name not in text
        assert world.personas.other_young_person.legal_first_name not in text


def traces(world, what: str) -> list[m.AccessEvent]:
    return list(m.AccessEvent.objects.filter(
        young_person=world.personas.young_person, what=f"bot.{what}"))


def test_a_young_person_links_and_reads_their_plan(running_bot, bot_api, plan_world):
    p = plan_world.personas
    today = timezone.localdate()

    hello = running_bot.say(CHAT, f"/start {plan_world.code}", first_name="Jo")
    assert hello.startswith("You're connected, Jordan!")
    assert f"Your adviser is {p.adviser.first_name}." in hello
    assert "/plan" in hello
    link = m.TelegramLink.objects.get(active=True)
    assert (link.user, link.telegram_user_id, link.chat_id) == (p.young_person_user, CHAT, CHAT)
    bot_api.wait_for_calls("setMyCommands", 2)  # strangers' menu at start-up, then this chat's
    assert [c["command"] for c in bot_api.commands(scope={"type": "chat", "chat_id": CHAT})] == [
        "plan", "goals", "review", "contact", "help", "stop"]

    with running_bot.queries() as queries:
        plan = running_bot.say(CHAT, "/plan")
    assert len(queries) <= PLAN_BUDGET, [q["sql"] for q in queries]
    agreed = texts.day(plan_world.plan.agreed_on, today=today)
    assert plan.startswith(f"Your plan\nAgreed on {agreed}.")
    assert "School, college and training: 2 goals (1 done)" in plan  # the dropped one is not
    assert "Money: 1 goal" in plan
    assert "Where you live: no goals yet" in plan
    assert plan.index("School") < plan.index("Where you live") < plan.index("Money")
    assert "Open a bank account" not in plan  # goals are for /goals
    following = next_review_for(viewer=p.young_person_user, young_person=p.young_person.pk)
    assert following is not None and following.for_young_person
    assert texts.day(following.due_on, today=today) in plan
    [trace] = traces(plan_world, "plan")
    assert (trace.actor, trace.channel) == (p.young_person_user, m.Channel.TELEGRAM)

    with running_bot.queries() as queries:
        review = running_bot.say(CHAT, "/review")
    assert len(queries) <= REVIEW_BUDGET, [q["sql"] for q in queries]
    assert f"Your next meeting should be by {texts.day(following.due_on, today=today)}" in review
    assert texts.MEETINGS[following.kind] in review
    assert len(traces(plan_world, "review")) == 1

    with running_bot.queries() as queries:
        contact = running_bot.say(CHAT, "/contact")
    assert len(queries) <= CONTACT_BUDGET, [q["sql"] for q in queries]
    assert contact == (f"Your adviser is {p.adviser.first_name}.\n\n"
                       f"You can email {p.adviser.first_name} at {p.adviser.email}.")
    assert len(traces(plan_world, "contact")) == 1
    assert p.adviser.last_name not in contact

    assert_nothing_leaked(bot_api, CHAT, plan_world)


def test_a_young_person_without_a_plan_or_an_adviser_is_told_so(running_bot, bot_api,
                                                                plan_world):
    p = plan_world.personas
    m.PathwayPlan.objects.all().delete()
    m.Allocation.objects.filter(young_person=p.young_person).delete()
    m.PeriodOfCare.objects.all().delete()
    running_bot.say(CHAT, f"/start {plan_world.code}")
    assert running_bot.say(CHAT, "/plan").startswith("You don't have an agreed plan yet.")
    assert running_bot.say(CHAT, "/contact") == texts.contact(None)
    assert_nothing_leaked(bot_api, CHAT, plan_world)


def test_stop_pauses_every_message_and_start_starts_them_again(running_bot, bot_api,
                                                               plan_world):
    p = plan_world.personas
    running_bot.say(CHAT, f"/start {plan_world.code}")
    assert running_bot.say(CHAT, "/stop") == texts.STOPPED
    link = m.TelegramLink.objects.get(active=True)
    assert link.paused_at is not None
    assert running_bot.say(CHAT, "/stop") == texts.ALREADY_STOPPED

    # A reminder that falls due meanwhile is not sent: the outbox cancels it.
    reminder = f.NotificationFactory(young_person=p.young_person, recipient=p.young_person_user,
                                     channel=m.NotificationChannel.TELEGRAM)
    sent_before = len(bot_api.sent_messages(CHAT))
    assert delivery.notification_deliver(notification_id=reminder.pk).status == "cancelled"
    reminder.refresh_from_db()
    assert reminder.status == m.NotificationStatus.CANCELLED
    assert len(bot_api.sent_messages(CHAT)) == sent_before

    assert running_bot.say(CHAT, "/plan").startswith("Your plan")  # asking still works
    assert running_bot.say(CHAT, "/start") == texts.STARTED_AGAIN
    link.refresh_from_db()
    assert link.paused_at is None and link.active
    assert running_bot.say(CHAT, "/start").startswith("Hello again, Jordan!")


def test_help_gives_urgent_help_and_says_nobody_watches_all_the_time(running_bot, settings,
                                                                     plan_world):
    settings.OUT_OF_HOURS_PHONE = "020 7946 0999"
    running_bot.say(CHAT, f"/start {plan_world.code}")
    answer = running_bot.say(CHAT, "/help")
    for words in ("999", "NHS 111", "116 123", "85258", "Childline, call 0800 1111",
                  "under 19", "020 7946 0999", "Nobody watches this chat all the time"):
        assert words in answer


def test_a_switched_off_accounts_chat_is_unlinked(running_bot, bot_api, plan_world):
    p = plan_world.personas
    running_bot.say(CHAT, f"/start {plan_world.code}")
    p.young_person_user.is_active = False
    p.young_person_user.save()
    assert running_bot.say(CHAT, "/plan") == texts.HOW_TO_LINK
    link = m.TelegramLink.objects.get()
    assert not link.active and link.deactivated_reason == "The account was switched off."
    assert not traces(plan_world, "plan")


def test_staff_link_for_themselves_and_get_the_staff_menu(running_bot, bot_api, plan_world):
    from outcomes.services import telegram_link_code_create

    p = plan_world.personas
    code = telegram_link_code_create(actor=p.adviser, user=p.adviser).code
    hello = running_bot.say(5151, f"/start {code}")
    assert hello.startswith(f"You're connected, {p.adviser.first_name}.")
    bot_api.wait_for_calls("setMyCommands", 2)
    assert [c["command"] for c in bot_api.commands(scope={"type": "chat", "chat_id": 5151})] == [
        "caseload", "due", "help", "stop"]
    answer = running_bot.say(5151, "/plan")
    assert answer.startswith(texts.FOR_YOUNG_PEOPLE) and "Your plan" not in answer
    assert not m.AccessEvent.objects.filter(channel=m.Channel.TELEGRAM).exists()
