"""A young person says how their goals are going and tells their adviser what they think, with
buttons, over HTTP through the local Bot API server; the adviser sees both through the API, with
channel telegram. A button press edits the message it was under (editMessageText), and every
screen offers Back and Menu. A forged goal id, a stale version and an over-long note write
nothing. /unlink asks first. (A risk in a message: test_safeguarding.py.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from bot import keyboards, texts, young_person
from outcomes import models as m
from tests import factories as f

from .conftest import SECRET

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 4343
# Queries: the link (1), the access check and the goals (2), the trace (1), and a little room.
GOALS_BUDGET = 6
# A tap: the link, the goal through the policy, the trace. The note: the link and the goal (2),
# then the service's own 18 (access checks, the transaction and its savepoints, the plan and goal
# locked, full_clean's checks, the goal with its history, the progress entry).
TAP_BUDGET = 5
SAVE_BUDGET = 20


def tap(running_bot, bot_api, chat_id: int, data: str, *, expect: int = 1) -> list[str]:
    """Press the inline button carrying `data` under the bot's last message; the texts of the
    next `expect` things the bot says (an edit of that message, or a new one). Every press is
    answered (answerCallbackQuery)."""
    return [said["text"] for said in press(bot_api, chat_id, data, expect=expect)]


def press(bot_api, chat_id: int, data: str, *, expect: int = 1) -> list[dict]:
    """As `tap`: what the bot says, each with its `reply_markup` and whether it was `edited`."""
    before = len(bot_api.bot_messages(chat_id))
    answered = len(bot_api.calls_to("answerCallbackQuery"))
    bot_api.inject_callback(chat_id, data)
    said = bot_api.wait_for_bot_messages(chat_id, before + expect)
    bot_api.wait_for_calls("answerCallbackQuery", answered + 1)
    return said[before:]


def screen_after(running_bot, bot_api, chat_id: int, data: str) -> str:
    """Press a button carrying `data`; what the chat's last message says once the bot has
    handled it (the same screen pressed twice is not edited again, so nothing new is said)."""
    answered = len(bot_api.calls_to("answerCallbackQuery"))
    bot_api.inject_callback(chat_id, data)
    bot_api.wait_for_calls("answerCallbackQuery", answered + 1)
    running_bot.settle()
    return bot_api.bot_messages(chat_id)[-1]["text"]


def buttons(bot_api, chat_id: int) -> list[list[tuple[str, str]]]:
    """The inline keyboard under what the bot said last (sent or edited): rows of (words,
    callback data), without the last row of Back and Menu (`nav`)."""
    rows = all_buttons(bot_api, chat_id)
    assert rows and rows[-1][-1] == MENU, rows
    return rows[:-1]


def all_buttons(bot_api, chat_id: int) -> list[list[tuple[str, str]]]:
    markup = bot_api.bot_messages(chat_id)[-1].get("reply_markup") or {}
    return [[(button["text"], button["callback_data"]) for button in row]
            for row in markup.get("inline_keyboard", [])]


def nav(bot_api, chat_id: int) -> list[tuple[str, str]]:
    """The last row under what the bot said last: Back (where there is one) and Menu."""
    return all_buttons(bot_api, chat_id)[-1]


MENU = (texts.MENU_BUTTON, keyboards.MENU_DATA)


def as_adviser(world) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.personas.adviser)
    return client


def linked(running_bot, world) -> None:
    running_bot.say(CHAT, f"/start {world.code}")


def jordans_goals(world) -> list[m.Goal]:
    """As /goals lists them: school first (by id), then money; not the dropped one."""
    goals = (m.Goal.objects.filter(section__plan=world.plan)
             .exclude(status=m.GoalStatus.DROPPED).select_related("section"))
    return sorted(goals, key=lambda goal: (
        goal.section.heading != m.PlanHeading.EDUCATION_TRAINING, goal.pk))


def others_goal(world) -> m.Goal:
    p = world.personas
    plan = f.PathwayPlanFactory(young_person=p.other_young_person, created_by=p.other_adviser)
    section = f.PlanSectionFactory(plan=plan)
    return f.GoalFactory(section=section, owner=p.other_adviser, description="Riley's own goal")


def test_a_young_person_updates_a_goal_with_buttons_and_a_note(running_bot, bot_api,
                                                               plan_world):
    p = plan_world.personas
    linked(running_bot, plan_world)
    _, school, money = jordans_goals(plan_world)

    with running_bot.queries() as queries:
        listed = running_bot.say(CHAT, "/goals")
    assert len(queries) <= GOALS_BUDGET, [q["sql"] for q in queries]
    assert listed.startswith("Your goals\n\n1. Apply for the level 2 catering course\n"
                             "School, college and training. Now: Done")
    assert "3. Open a bank account\nMoney. Now: Not started" in listed
    assert listed.endswith(texts.GOALS_TAP)
    assert buttons(bot_api, CHAT)[2] == [
        ("3: Not started", f"g:{money.pk}:n:1"), ("3: Started", f"g:{money.pk}:s:1"),
        ("3: Done", f"g:{money.pk}:d:1")]
    assert all(len(data.encode()) <= 64 for row in buttons(bot_api, CHAT) for _, data in row)
    assert m.AccessEvent.objects.filter(what="bot.goals", channel=m.Channel.TELEGRAM,
                                        actor=p.young_person_user).count() == 1

    list_id = bot_api.bot_messages(CHAT)[-1]["message_id"]
    with running_bot.queries() as queries:
        [asked] = press(bot_api, CHAT, f"g:{money.pk}:s:1")
    assert len(queries) <= TAP_BUDGET, [q["sql"] for q in queries]
    # The list becomes the question: edited in place, not a new message.
    assert (asked["edited"], asked["message_id"]) == (True, list_id)
    assert asked["text"] == ('"Open a bank account": Started.\n\n'
                             "Want to add a note for your adviser? Send it now, or tap Skip.")
    assert buttons(bot_api, CHAT) == [[("Skip", f"g:{money.pk}:s:1:k")]]
    assert nav(bot_api, CHAT) == [(texts.BACK, "i:goals"), MENU]
    [edit] = [call for call in bot_api.calls_to("editMessageText") if call.status == 200]
    assert (edit.params["chat_id"], edit.params["message_id"]) == (CHAT, list_id)

    assert running_bot.say(CHAT, "x" * 501) == texts.NOTE_TOO_LONG  # nothing half-saved
    assert not m.GoalProgress.objects.filter(goal=money).exists()

    with running_bot.queries() as queries:
        saved = running_bot.say(CHAT, "Went to the bank with my ID")
    assert len(queries) <= SAVE_BUDGET, [q["sql"] for q in queries]
    assert saved == texts.GOAL_SAVED

    goal = as_adviser(plan_world).get(f"/api/v1/goals/{money.pk}/").json()
    assert (goal["status"], goal["version"]) == ("started", 2)
    [entry] = goal["progress"]
    assert (entry["status"], entry["note"], entry["channel"], entry["actor"]) == (
        "started", "Went to the bank with my ID", "telegram", p.young_person_user.pk)

    # Done, without a note: Skip saves it, on the same message.
    [asked] = tap(running_bot, bot_api, CHAT, f"g:{school.pk}:d:1")
    assert asked.startswith(f'"{school.description}": Done.')
    [saved] = press(bot_api, CHAT, f"g:{school.pk}:d:1:k")
    assert (saved["text"], saved["edited"]) == (texts.GOAL_SAVED_DONE, True)
    assert all_buttons(bot_api, CHAT) == [[(texts.INTENT_BUTTONS["goals"], "i:goals")], [MENU]]
    school.refresh_from_db()
    assert (school.status, school.version) == (m.GoalStatus.DONE, 2)
    assert school.progress.get().note == ""

    # The next words are words again, not a note.
    assert running_bot.say(CHAT, "when's my next meeting").startswith("Your next meeting")
    assert m.GoalProgress.objects.filter(actor=p.young_person_user).count() == 2
    assert SECRET not in "".join(message["text"] for message in bot_api.sent_messages(CHAT))


def test_a_command_ends_the_wait_for_a_note(running_bot, bot_api, plan_world):
    linked(running_bot, plan_world)
    _, school, _ = jordans_goals(plan_world)
    tap(running_bot, bot_api, CHAT, f"g:{school.pk}:d:1")
    assert running_bot.say(CHAT, "/contact").startswith("Your adviser is")
    assert running_bot.say(CHAT, "my goals").startswith("Your goals")  # words, not a note
    assert not m.GoalProgress.objects.filter(goal=school).exists()


def test_back_and_menu_move_between_screens_on_one_message(running_bot, bot_api, plan_world):
    linked(running_bot, plan_world)
    _, school, _ = jordans_goals(plan_world)
    running_bot.say(CHAT, "/goals")
    assert nav(bot_api, CHAT) == [MENU]  # the list is the first screen: no Back

    # A status, then Back: the list again, and the note is no longer awaited.
    tap(running_bot, bot_api, CHAT, f"g:{school.pk}:d:1")
    [back] = press(bot_api, CHAT, "i:goals")
    assert back["text"].startswith("Your goals") and back["edited"]
    assert running_bot.say(CHAT, "my goals").startswith("Your goals")  # words, not a note

    # Menu: what they can do, as buttons; Menu pressed mid-question says nothing was saved.
    tap(running_bot, bot_api, CHAT, f"g:{school.pk}:d:1")
    [menu] = press(bot_api, CHAT, keyboards.MENU_DATA)
    assert menu["text"] == f"{texts.NOTHING_SAVED}\n\n{texts.MENU}" and menu["edited"]
    assert all_buttons(bot_api, CHAT) == [
        [("See my plan", "i:plan"), ("My goals", "i:goals")],
        [("My next meeting", "i:review"), ("My adviser", "i:contact")], [("Help", "i:help")]]
    assert running_bot.say(CHAT, "I'll do it later").startswith(texts.NOT_SURE)  # not a note
    assert not m.GoalProgress.objects.filter(goal=school).exists()

    # From there, each button edits that one message into its screen, with Back and Menu.
    before = len(bot_api.bot_messages(CHAT))
    screen = bot_api.bot_messages(CHAT)[-1]["message_id"]
    [shown] = press(bot_api, CHAT, keyboards.MENU_DATA)
    assert shown["text"] == texts.MENU
    [shown] = press(bot_api, CHAT, "i:plan")
    assert shown["text"].startswith("Your plan") and nav(bot_api, CHAT) == [MENU]
    [shown] = press(bot_api, CHAT, keyboards.MENU_DATA)
    [shown] = press(bot_api, CHAT, "i:review")
    assert shown["text"].startswith("Your next meeting")
    [shown] = press(bot_api, CHAT, "v:ask")
    assert shown["text"] == texts.VIEW_WHICH
    assert nav(bot_api, CHAT) == [(texts.BACK, "i:review"), MENU]
    [shown] = press(bot_api, CHAT, "i:review")
    assert shown["text"].startswith("Your next meeting")
    # Pressing the same screen again changes nothing and says nothing new.
    answered = len(bot_api.calls_to("answerCallbackQuery"))
    bot_api.inject_callback(CHAT, "i:review")
    bot_api.wait_for_calls("answerCallbackQuery", answered + 1)
    running_bot.settle()
    later = bot_api.bot_messages(CHAT)[before:]
    assert len(later) == 6
    assert all(said["edited"] and said["message_id"] == screen for said in later)


def test_a_stale_goal_is_shown_again_never_overwritten(running_bot, bot_api, plan_world):
    p = plan_world.personas
    linked(running_bot, plan_world)
    _, school, _ = jordans_goals(plan_world)
    running_bot.say(CHAT, "/goals")

    # The adviser changes the goal after the list was sent: the tap shows it as it is now.
    response = as_adviser(plan_world).patch(
        f"/api/v1/goals/{school.pk}/", {"status": "started"}, format="json",
        HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    [answer] = tap(running_bot, bot_api, CHAT, f"g:{school.pk}:d:1")
    assert answer.startswith(f"{texts.GOAL_CHANGED}\n\n1. {school.description}\n"
                             "School, college and training. Now: Started")
    assert buttons(bot_api, CHAT)[0][2] == ("1: Done", f"g:{school.pk}:d:2")
    assert nav(bot_api, CHAT) == [(texts.BACK, "i:goals"), MENU]

    # Changed between the tap and the note: still nothing overwritten.
    tap(running_bot, bot_api, CHAT, f"g:{school.pk}:d:2")
    as_adviser(plan_world).patch(f"/api/v1/goals/{school.pk}/", {"status": "not_started"},
                                 format="json", HTTP_IF_MATCH='"2"')
    answer = running_bot.say(CHAT, "Finished it!")
    assert answer.startswith(texts.GOAL_CHANGED) and "Now: Not started" in answer
    school.refresh_from_db()
    assert (school.status, school.version) == (m.GoalStatus.NOT_STARTED, 3)
    assert not m.GoalProgress.objects.filter(actor=p.young_person_user).exists()


def test_a_forged_goal_id_is_refused_without_saying_whether_it_exists(running_bot, bot_api,
                                                                      plan_world):
    linked(running_bot, plan_world)
    riley = others_goal(plan_world)
    missing = riley.pk + 1000

    for data in (f"g:{riley.pk}:d:1", f"g:{riley.pk}:d:1:k", f"g:{missing}:d:1",
                 f"g:{missing}:d:1:k", "g:1:x:1", "g:nonsense"):
        assert screen_after(running_bot, bot_api, CHAT, data) == texts.GOAL_NOT_FOUND, data

    riley.refresh_from_db()
    assert (riley.status, riley.version) == (m.GoalStatus.NOT_STARTED, 1)
    assert not m.GoalProgress.objects.filter(goal=riley).exists()
    assert not m.AccessEvent.objects.filter(young_person=plan_world.personas.other_young_person)
    assert "Riley" not in "".join(message["text"] for message in bot_api.bot_messages(CHAT))


def test_a_stranger_pressing_a_goal_button_is_told_how_to_link(running_bot, bot_api,
                                                               plan_world):
    _, school, _ = jordans_goals(plan_world)
    running_bot.say(9999, "/help")
    assert tap(running_bot, bot_api, 9999, f"g:{school.pk}:d:1:k") == [texts.HOW_TO_LINK]
    assert not m.GoalProgress.objects.filter(goal=school).exists()


def test_a_young_person_tells_their_adviser_what_they_think(running_bot, bot_api, plan_world):
    p = plan_world.personas
    linked(running_bot, plan_world)
    running_bot.say(CHAT, "/review")
    assert buttons(bot_api, CHAT) == [[(texts.TELL_ADVISER, "v:ask")]]

    assert tap(running_bot, bot_api, CHAT, "v:ask") == [texts.VIEW_WHICH]
    sections = {words: data for [(words, data)] in buttons(bot_api, CHAT)}
    assert list(sections) == ["School, college and training", "Where you live", "Money"]

    [asked] = tap(running_bot, bot_api, CHAT, sections["Where you live"])
    assert asked.startswith("Where you live: what do you think?")
    assert nav(bot_api, CHAT) == [(texts.BACK, "v:ask"), MENU]
    assert running_bot.say(CHAT, "I want to move closer to college.") == texts.VIEW_SAVED
    # One message for the whole way there: the /review answer, edited at each tap.
    assert [said["edited"] for said in bot_api.bot_messages(CHAT)][-4:] == [
        False, True, True, False]

    accommodation = m.PlanSection.objects.get(plan=plan_world.plan,
                                              heading=m.PlanHeading.ACCOMMODATION)
    plan = as_adviser(plan_world).get(f"/api/v1/pathway-plans/{plan_world.plan.pk}/").json()
    [section] = [s for s in plan["sections"] if s["id"] == accommodation.pk]
    [view] = section["views"]
    assert (view["text"], view["channel"], view["expressed_on"], view["recorded_by"]) == (
        "I want to move closer to college.", "telegram", timezone.localdate().isoformat(),
        p.young_person_user.pk)

    # Another young person's section: refused, nothing written, nothing said about it.
    riley = others_goal(plan_world)
    assert tap(running_bot, bot_api, CHAT, f"v:s:{riley.section_id}") == [texts.VIEW_NOT_FOUND]
    assert not m.YoungPersonView.objects.filter(section=riley.section).exists()


def test_a_refused_note_or_view_is_asked_for_again_and_nothing_is_half_saved(
        running_bot, bot_api, plan_world, monkeypatch):
    p = plan_world.personas
    linked(running_bot, plan_world)
    _, _, money = jordans_goals(plan_world)
    real = young_person.goal_progress_record
    refusals = [ValidationError({"note": "Ensure this value has at most 1000 characters."})]

    def refusing(**kwargs):
        if refusals:
            raise refusals.pop()
        return real(**kwargs)

    monkeypatch.setattr(young_person, "goal_progress_record", refusing)

    # A note the service refuses: nothing saved, still waiting for the note, Skip still there.
    tap(running_bot, bot_api, CHAT, f"g:{money.pk}:s:1")
    assert running_bot.say(CHAT, "Went to the bank") == texts.GOAL_NOTE_NOT_READ
    assert buttons(bot_api, CHAT) == [[("Skip", f"g:{money.pk}:s:1:k")]]
    money.refresh_from_db()
    assert (money.status, money.version) == (m.GoalStatus.NOT_STARTED, 1)
    assert not m.GoalProgress.objects.filter(goal=money).exists()
    assert running_bot.say(CHAT, "Went to the bank with my ID") == texts.GOAL_SAVED
    money.refresh_from_db()
    assert (money.status, money.version) == (m.GoalStatus.STARTED, 2)
    assert money.progress.get().note == "Went to the bank with my ID"

    # Views of only spaces: still waiting for their words, nothing saved.
    running_bot.say(CHAT, "/review")
    tap(running_bot, bot_api, CHAT, "v:ask")
    sections = {words: data for [(words, data)] in buttons(bot_api, CHAT)}
    tap(running_bot, bot_api, CHAT, sections["Money"])
    views = m.YoungPersonView.objects.filter(recorded_by=p.young_person_user)
    assert running_bot.say(CHAT, "     ") == texts.VIEW_NOT_READ
    assert not views.exists()
    assert running_bot.say(CHAT, "I need help with budgeting.") == texts.VIEW_SAVED
    [view] = views
    assert (view.section.heading, view.text) == (m.PlanHeading.FINANCE,
                                                 "I need help with budgeting.")
    # The wait is over: the next words are words again.
    assert running_bot.say(CHAT, "my goals").startswith("Your goals")
    assert views.count() == 1


def test_unlink_asks_first(running_bot, bot_api, plan_world):
    linked(running_bot, plan_world)
    assert running_bot.say(CHAT, "/unlink") == texts.UNLINK_SURE
    assert all_buttons(bot_api, CHAT) == [[(texts.UNLINK_YES, "u:yes"),
                                           (texts.UNLINK_NO, "u:no")]]
    assert tap(running_bot, bot_api, CHAT, "u:no") == [texts.UNLINK_KEPT]
    assert m.TelegramLink.objects.get().active

    running_bot.say(CHAT, "/unlink")
    assert tap(running_bot, bot_api, CHAT, f"{keyboards.UNLINK}:{keyboards.YES}") == [
        texts.UNLINKED]
    assert bot_api.bot_messages(CHAT)[-1]["reply_markup"] is None  # no menu for a stranger
    link = m.TelegramLink.objects.get()
    assert not link.active and link.deactivated_reason == "Unlinked by its owner."
    bot_api.wait_for_calls("deleteMyCommands")
    assert bot_api.commands(scope={"type": "chat", "chat_id": CHAT}) == []
    assert running_bot.say(CHAT, "/plan") == texts.HOW_TO_LINK
