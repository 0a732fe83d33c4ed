"""Advisers and social workers in the bot, end to end over HTTP through the local Bot API server:
their caseload (theirs only, one query whatever its size), what is due this week, a young
person's card, recording a contact (seen afterwards through the API), the latest views and the
goals. A button press edits the message it was under (editMessageText), and every screen offers
Back and Menu. A forged young person or goal id in callback data, a young person, a manager and
a stranger are all refused, with nothing leaked and nothing traced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from bot import keyboards, staff, texts
from outcomes import models as m
from outcomes.services import telegram_link_code_create
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

ADVISER_CHAT = 5151
# /caseload: the link, the page with its schedule entries (one query), the traces (an insert
# and its commit).
CASELOAD_BUDGET = 5
# /due: the link, the schedule's selector (one query), the traces (an insert and its commit).
DUE_BUDGET = 5
# A young person's card: the link, the person through the policy (the one access check), their
# items, the trace. Their latest views: the same, with the views for the items.
CARD_BUDGET = 4
VIEWS_BUDGET = 4
# Saving a contact: the link, the person, the service (access checks, the write, its history,
# the schedule refresh: twelve reads of the history and the entries' rewrite).
SAVE_BUDGET = 40


# --- Talking to the bot -------------------------------------------------------------------------


def type_in(bot_api, chat: int, text: str, *, expect: int = 1) -> list[dict[str, Any]]:
    """Type `text`; the next `expect` things the bot says (text and buttons)."""
    before = len(bot_api.bot_messages(chat))
    bot_api.inject_message(chat, text)
    return bot_api.wait_for_bot_messages(chat, before + expect)[before:]


def press(bot_api, chat: int, data: str, *, expect: int = 1) -> list[dict[str, Any]]:
    """Press a button carrying `data` under the bot's last message: the next `expect` things
    the bot says, each with `edited` (true when the message the button was under was edited)."""
    before = len(bot_api.bot_messages(chat))
    bot_api.inject_callback(chat, data)
    return bot_api.wait_for_bot_messages(chat, before + expect)[before:]


def screen_after(running_bot, bot_api, chat: int, data: str) -> str:
    """Press a button; what the chat's last message says once the bot has handled it (the same
    screen pressed again is not edited again)."""
    answered = len(bot_api.calls_to("answerCallbackQuery"))
    bot_api.inject_callback(chat, data)
    bot_api.wait_for_calls("answerCallbackQuery", answered + 1)
    running_bot.settle()
    return bot_api.bot_messages(chat)[-1]["text"]


def one(messages: list[dict[str, Any]]) -> dict[str, Any]:
    [message] = messages
    return message


MENU = (texts.MENU_BUTTON, keyboards.MENU_DATA)


def rows(message: dict[str, Any]) -> list[list[tuple[str, str]]]:
    markup = message.get("reply_markup") or {}
    return [[(b["text"], b["callback_data"]) for b in row]
            for row in markup.get("inline_keyboard", [])]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """The buttons of a screen, without its last row of Back and Menu."""
    found = rows(message)
    assert found and found[-1][-1] == MENU, found
    return [button for row in found[:-1] for button in row]


def nav(message: dict[str, Any]) -> list[tuple[str, str]]:
    return rows(message)[-1]


def link_staff(running_bot, chat: int, user: m.User) -> str:
    code = telegram_link_code_create(actor=user, user=user).code
    return running_bot.say(chat, f"/start {code}")


def traces(what: str, **where) -> list[m.AccessEvent]:
    return list(m.AccessEvent.objects.filter(what=f"bot.staff.{what}", **where))


def assert_nothing_of(person: m.YoungPerson, bot_api, chat: int) -> None:
    for message in bot_api.bot_messages(chat):
        words = message["text"] + str(message.get("reply_markup", ""))
        assert person.legal_first_name not in words, words
        assert person.child_id not in words, words
        assert f"s:yp:{person.pk}" not in [data for row in rows(message) for _, data in row], words


# --- The world ----------------------------------------------------------------------------------


@pytest.fixture
def world(running_bot):
    """The personas; Jordan (the adviser's) with one contact due in 3 days and one review
    overdue for the adviser, and a visit due for the social worker; Riley is the other
    adviser's."""
    from tests.personas import build_personas

    p = build_personas()
    today = timezone.localdate()
    f.ScheduleEntryFactory(young_person=p.young_person, key="pa_contact:1", kind="pa_contact",
                           title="PA contact", due_on=today + dt.timedelta(days=3),
                           responsible=m.AllocationRole.PERSONAL_ADVISER)
    f.ScheduleEntryFactory(young_person=p.young_person, key="pp_review:1",
                           kind="pathway_plan_review", title="Pathway plan review",
                           due_on=today - dt.timedelta(days=2),
                           responsible=m.AllocationRole.PERSONAL_ADVISER)
    f.ScheduleEntryFactory(young_person=p.young_person, key="visit:1", kind="visit",
                           title="Social worker visit", due_on=today + dt.timedelta(days=1),
                           responsible=m.AllocationRole.SOCIAL_WORKER)
    f.ScheduleEntryFactory(young_person=p.other_young_person, key="pa_contact:2",
                           kind="pa_contact", title="PA contact", due_on=today,
                           responsible=m.AllocationRole.PERSONAL_ADVISER)
    return p


def caseload_of(adviser: m.User, team: m.Team, count: int) -> list[m.YoungPerson]:
    """`count` more young people allocated to `adviser`, each with an item due and one overdue."""
    today = timezone.localdate()
    people = []
    for n in range(count):
        person = f.YoungPersonFactory(team=team)
        f.AllocationFactory(young_person=person, worker=adviser,
                            role=m.AllocationRole.PERSONAL_ADVISER,
                            started_on=today - dt.timedelta(days=30))
        for days in (n + 1, -n - 1):
            f.ScheduleEntryFactory(young_person=person, key=f"pa:{days}", title="PA contact",
                                   due_on=today + dt.timedelta(days=days),
                                   responsible=m.AllocationRole.PERSONAL_ADVISER)
        people.append(person)
    return people


# --- The adviser's day --------------------------------------------------------------------------


def test_an_adviser_lists_their_caseload_and_records_a_contact(running_bot, bot_api, world):
    p, jordan, today = world, world.young_person, timezone.localdate()
    hello = link_staff(running_bot, ADVISER_CHAT, p.adviser)
    assert "/caseload - My young people" in hello and "/due - Due this week" in hello
    bot_api.wait_for_calls("setMyCommands", 2)
    assert [c["command"] for c in bot_api.commands(
        scope={"type": "chat", "chat_id": ADVISER_CHAT})] == ["caseload", "due", "help", "stop"]

    with running_bot.queries() as queries:
        listed = one(type_in(bot_api, ADVISER_CHAT, "/caseload"))
    assert len(queries) <= CASELOAD_BUDGET, [q["sql"] for q in queries]
    due_day = texts.day(today + dt.timedelta(days=3), today=today)
    assert listed["text"] == (
        f"Your caseload\n\nJordan ({jordan.child_id}) - next: PA contact: due {due_day}"
        " - 1 overdue\n\nChoose a young person:")
    assert buttons(listed) == [(f"Jordan ({jordan.child_id})", f"s:yp:{jordan.pk}")]
    assert nav(listed) == [MENU]
    [trace] = traces("caseload")
    assert (trace.actor, trace.young_person, trace.channel) == (p.adviser, jordan,
                                                                m.Channel.TELEGRAM)

    with running_bot.queries() as queries:
        card = one(press(bot_api, ADVISER_CHAT, f"s:yp:{jordan.pk}"))
    assert len(queries) <= CARD_BUDGET, [q["sql"] for q in queries]
    overdue_day = texts.day(today - dt.timedelta(days=2), today=today)
    assert card["text"].startswith(f"Jordan ({jordan.child_id})\n\nNext:\n"
                                   f"- Pathway plan review: overdue since {overdue_day}\n")
    assert buttons(card) == [(texts.STAFF_RECORD_CONTACT, f"s:c:{jordan.pk}"),
                             (texts.STAFF_LATEST_VIEWS, f"s:v:{jordan.pk}"),
                             (texts.STAFF_GOALS, f"s:g:{jordan.pk}")]
    assert nav(card) == [(texts.BACK, "s:page:0"), MENU]
    # The caseload became the card: the message was edited, not sent again.
    assert card["edited"] and card["message_id"] == listed["message_id"]
    [edit] = [c for c in bot_api.calls_to("editMessageText") if c.status == 200]
    assert (edit.params["chat_id"], edit.params["message_id"]) == (
        ADVISER_CHAT, listed["message_id"])
    assert len(traces("card", young_person=jordan)) == 1

    asked = one(press(bot_api, ADVISER_CHAT, f"s:c:{jordan.pk}"))
    assert asked["text"].startswith("When was your contact with Jordan?")
    assert nav(asked) == [(texts.BACK, f"s:yp:{jordan.pk}"), MENU]
    # Bad dates are asked again; nothing is saved until the last answer.
    tomorrow = today + dt.timedelta(days=1)
    assert one(type_in(bot_api, ADVISER_CHAT, "31/02/2026"))["text"] == texts.STAFF_DATE_NOT_READ
    assert one(type_in(bot_api, ADVISER_CHAT, "next tuesday"))["text"] == (
        texts.STAFF_DATE_NOT_READ)
    assert one(type_in(bot_api, ADVISER_CHAT, f"{tomorrow:%d/%m/%Y}"))["text"] == (
        texts.STAFF_DATE_IN_FUTURE)
    method = one(type_in(bot_api, ADVISER_CHAT, f"{today - dt.timedelta(days=1):%d/%m/%Y}"))
    assert method["text"] == texts.STAFF_ASK_METHOD
    assert ("Phone call", "s:cm:phone") in buttons(method)
    assert nav(method) == [(texts.BACK, "s:cb"), MENU]
    assert one(type_in(bot_api, ADVISER_CHAT, "phone"))["text"] == texts.STAFF_PRESS_A_BUTTON
    note = one(press(bot_api, ADVISER_CHAT, "s:cm:phone"))
    assert buttons(note)[0] == (texts.STAFF_SKIP_NOTE, "s:cn:skip")
    too_long = one(type_in(bot_api, ADVISER_CHAT, "x" * (staff.NOTE_MAX + 1)))
    assert too_long["text"] == texts.STAFF_NOTE_TOO_LONG.format(max=staff.NOTE_MAX)
    assert not m.PAContact.objects.exists()

    with running_bot.queries() as queries:
        saved = one(type_in(bot_api, ADVISER_CHAT, "Talked about college"))
    assert len(queries) <= SAVE_BUDGET, [q["sql"] for q in queries]
    yesterday = texts.day(today - dt.timedelta(days=1), today=today)
    assert saved["text"] == f"Saved: your contact with Jordan on {yesterday} (phone call)."
    [contact] = m.PAContact.objects.all()
    assert (contact.young_person, contact.adviser, contact.contact_on, contact.method,
            contact.note) == (jordan, p.adviser, today - dt.timedelta(days=1), "phone",
                              "Talked about college")
    assert contact.history.get().history_user == p.adviser

    # Seen through the API as the adviser; a second press of an old button saves nothing.
    api = APIClient()
    api.force_authenticate(p.adviser)
    response = api.get(f"/api/v1/pa-contacts/?young_person={jordan.pk}")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["contact_on"], row["method"], row["note"]) == (
        f"{today - dt.timedelta(days=1):%Y-%m-%d}", "phone", "Talked about college")
    assert one(press(bot_api, ADVISER_CHAT, "s:cn:skip"))["text"] == texts.STAFF_CONTACT_GONE
    assert m.PAContact.objects.count() == 1

    # And the other adviser's young person was never named.
    assert_nothing_of(p.other_young_person, bot_api, ADVISER_CHAT)
    assert not m.AccessEvent.objects.filter(young_person=p.other_young_person).exists()


def test_a_contact_can_be_stopped_and_a_social_worker_records_a_visit(running_bot, bot_api,
                                                                      world):
    p, jordan, today = world, world.young_person, timezone.localdate()
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    press_after = type_in(bot_api, ADVISER_CHAT, "/caseload")
    assert press_after
    press(bot_api, ADVISER_CHAT, f"s:c:{jordan.pk}")
    press(bot_api, ADVISER_CHAT, "s:cd:today")
    # Back one step: the date again, the draft kept; then on to the method once more.
    assert one(press(bot_api, ADVISER_CHAT, "s:cb"))["text"].startswith(
        "When was your contact with Jordan?")
    assert one(press(bot_api, ADVISER_CHAT, "s:cd:today"))["text"] == texts.STAFF_ASK_METHOD
    stopped = one(press(bot_api, ADVISER_CHAT, "s:cx"))
    assert stopped["text"] == texts.STAFF_CONTACT_STOPPED
    assert nav(stopped) == [(texts.BACK, f"s:yp:{jordan.pk}"), MENU]
    # After stopping, words are words again: the menu, not a note.
    assert one(type_in(bot_api, ADVISER_CHAT, "hello"))["text"].startswith(texts.NOT_UNDERSTOOD)
    assert not m.PAContact.objects.exists()

    chat = 6161
    link_staff(running_bot, chat, p.social_worker)
    card = one(press_first_person(bot_api, chat))
    assert card["text"].startswith(f"Jordan ({jordan.child_id})")
    asked = one(press(bot_api, chat, f"s:c:{jordan.pk}"))
    assert asked["text"].startswith("When was your visit to Jordan?")
    seen = one(press(bot_api, chat, "s:cd:today"))
    assert seen["text"] == "Did you see Jordan alone?"
    assert [data for _, data in buttons(seen)] == ["s:cs:yes", "s:cs:no", "s:cs:unknown",
                                                  "s:cx"]
    assert nav(seen) == [(texts.BACK, "s:cb"), MENU]
    press(bot_api, chat, "s:cs:yes")
    saved = one(press(bot_api, chat, "s:cn:skip"))
    assert saved["text"] == (f"Saved: your visit to Jordan on {texts.day(today, today=today)}. "
                             "Seen alone.")
    [visit] = m.SocialWorkerVisit.objects.all()
    assert (visit.young_person, visit.worker, visit.visited_on, visit.seen_alone, visit.note) == (
        jordan, p.social_worker, today, True, "")
    assert not m.PAContact.objects.exists()


def test_the_menu_leaves_a_contact_unsaved_and_leads_to_the_lists(running_bot, bot_api, world):
    p, jordan = world, world.young_person
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    type_in(bot_api, ADVISER_CHAT, "/caseload")
    press(bot_api, ADVISER_CHAT, f"s:c:{jordan.pk}")
    press(bot_api, ADVISER_CHAT, "s:cd:today")
    menu = one(press(bot_api, ADVISER_CHAT, keyboards.MENU_DATA))
    assert menu["edited"] and menu["text"] == f"{texts.NOTHING_SAVED}\n\n{texts.MENU}"
    assert rows(menu) == [[(texts.STAFF_MENU_CASELOAD, "s:page:0"),
                           (texts.STAFF_MENU_DUE, "s:due")], [("Help", "i:help")]]
    # The contact is over: a typed date is words again, and its old buttons save nothing.
    assert one(type_in(bot_api, ADVISER_CHAT, "01/01/2026"))["text"].startswith(
        texts.NOT_UNDERSTOOD)
    assert one(press(bot_api, ADVISER_CHAT, "s:cm:phone"))["text"] == texts.STAFF_CONTACT_GONE
    assert not m.PAContact.objects.exists()

    press(bot_api, ADVISER_CHAT, keyboards.MENU_DATA)
    due = one(press(bot_api, ADVISER_CHAT, "s:due"))
    assert due["edited"] and due["text"].startswith("Due this week, overdue first")
    assert buttons(due) == [(f"Jordan ({jordan.child_id})", f"s:yp:{jordan.pk}")]
    listed = one(press(bot_api, ADVISER_CHAT, keyboards.MENU_DATA))
    listed = one(press(bot_api, ADVISER_CHAT, "s:page:0"))
    assert listed["edited"] and listed["text"].startswith("Your caseload")


def test_a_date_the_service_refuses_is_asked_again_keeping_the_other_answers(running_bot,
                                                                            bot_api, world):
    p, jordan, today = world, world.young_person, timezone.localdate()
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    type_in(bot_api, ADVISER_CHAT, "/caseload")
    press(bot_api, ADVISER_CHAT, f"s:c:{jordan.pk}")
    # A date that has happened, so the bot takes it, but before Jordan was born: the service
    # refuses it once the note is given.
    before_birth = jordan.date_of_birth - dt.timedelta(days=1)
    type_in(bot_api, ADVISER_CHAT, f"{before_birth:%d/%m/%Y}")
    press(bot_api, ADVISER_CHAT, "s:cm:visit")
    refused = one(type_in(bot_api, ADVISER_CHAT, "Met at the hostel"))
    assert refused["text"] == texts.staff_not_saved_yet(
        "This date is before the young person was born.",
        texts.staff_ask_date("Jordan", is_visit=False))
    assert ("s:cd:today" in [data for _, data in buttons(refused)])
    assert not m.PAContact.objects.exists()

    # Only the date is asked again: the method and the note were kept.
    saved = one(press(bot_api, ADVISER_CHAT, "s:cd:yesterday"))
    yesterday = texts.day(today - dt.timedelta(days=1), today=today)
    assert saved["text"].startswith(f"Saved: your contact with Jordan on {yesterday}")
    [contact] = m.PAContact.objects.all()
    assert (contact.contact_on, contact.method, contact.note) == (
        today - dt.timedelta(days=1), "visit", "Met at the hostel")
    assert one(press(bot_api, ADVISER_CHAT, "s:cn:skip"))["text"] == texts.STAFF_CONTACT_GONE
    assert m.PAContact.objects.count() == 1


def test_a_refused_note_keeps_the_contact_and_a_refused_person_ends_it(running_bot, bot_api,
                                                                      world, monkeypatch):
    p, jordan, today = world, world.young_person, timezone.localdate()
    real = staff.pa_contact_record
    refusals = [ValidationError({"note": "Leave out the young person's address."})]

    def refusing(**kwargs):
        if refusals:
            raise refusals.pop()
        return real(**kwargs)

    monkeypatch.setattr(staff, "pa_contact_record", refusing)
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    type_in(bot_api, ADVISER_CHAT, "/caseload")
    press(bot_api, ADVISER_CHAT, f"s:c:{jordan.pk}")
    press(bot_api, ADVISER_CHAT, "s:cd:today")
    press(bot_api, ADVISER_CHAT, "s:cm:phone")
    refused = one(type_in(bot_api, ADVISER_CHAT, "Called at 12 High Street"))
    assert refused["text"] == texts.staff_not_saved_yet(
        "Leave out the young person's address.", texts.STAFF_ASK_NOTE.format(max=staff.NOTE_MAX))
    assert buttons(refused)[0] == (texts.STAFF_SKIP_NOTE, "s:cn:skip")
    assert not m.PAContact.objects.exists()

    # Still at the note: the date and the method were kept.
    saved = one(type_in(bot_api, ADVISER_CHAT, "Called about the tenancy"))
    assert saved["text"] == (f"Saved: your contact with Jordan on "
                             f"{texts.day(today, today=today)} (phone call).")
    [contact] = m.PAContact.objects.all()
    assert (contact.contact_on, contact.method, contact.note) == (
        today, "phone", "Called about the tenancy")

    # Refused for who is asking: the contact is over, with the reason.
    refusals.append(PermissionDenied("Your role can't record this."))
    press(bot_api, ADVISER_CHAT, f"s:c:{jordan.pk}")
    press(bot_api, ADVISER_CHAT, "s:cd:today")
    press(bot_api, ADVISER_CHAT, "s:cm:phone")
    ended = one(press(bot_api, ADVISER_CHAT, "s:cn:skip"))
    assert ended["text"] == texts.staff_not_saved("Your role can't record this.")
    assert one(press(bot_api, ADVISER_CHAT, "s:cn:skip"))["text"] == texts.STAFF_CONTACT_GONE
    assert m.PAContact.objects.count() == 1


def press_first_person(bot_api, chat: int) -> list[dict[str, Any]]:
    listed = one(type_in(bot_api, chat, "/caseload"))
    return press(bot_api, chat, buttons(listed)[0][1])


def test_due_lists_this_weeks_items_for_the_worker(running_bot, bot_api, world):
    p, jordan, today = world, world.young_person, timezone.localdate()
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    with running_bot.queries() as queries:
        due = one(type_in(bot_api, ADVISER_CHAT, "/due"))
    assert len(queries) <= DUE_BUDGET, [q["sql"] for q in queries]
    assert due["text"] == (
        "Due this week, overdue first\n\n"
        f"Jordan ({jordan.child_id}): Pathway plan review: overdue since "
        f"{texts.day(today - dt.timedelta(days=2), today=today)}\n"
        f"Jordan ({jordan.child_id}): PA contact: due "
        f"{texts.day(today + dt.timedelta(days=3), today=today)}")
    assert "Social worker visit" not in due["text"]  # the social worker's, not theirs
    assert buttons(due) == [(f"Jordan ({jordan.child_id})", f"s:yp:{jordan.pk}")]
    assert len(traces("due", young_person=jordan)) == 1
    assert_nothing_of(p.other_young_person, bot_api, ADVISER_CHAT)


def test_caseload_queries_do_not_grow_with_its_size_and_it_pages(running_bot, bot_api, world):
    p = world
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    caseload_of(p.adviser, p.team, 1)  # Jordan and one more
    with running_bot.queries() as small:
        listed = one(type_in(bot_api, ADVISER_CHAT, "/caseload"))
    assert len(buttons(listed)) == 2

    more = caseload_of(p.adviser, p.team, 8)  # ten in all: a second page
    with running_bot.queries() as large:
        listed = one(type_in(bot_api, ADVISER_CHAT, "/caseload"))
    assert len(large) == len(small) <= CASELOAD_BUDGET, [q["sql"] for q in large]
    assert len(buttons(listed)) == staff.PAGE_SIZE + 1
    assert buttons(listed)[-1] == (texts.STAFF_MORE, "s:page:1")
    assert listed["text"].count(" - 1 overdue") == staff.PAGE_SIZE

    second = one(press(bot_api, ADVISER_CHAT, "s:page:1"))
    assert second["text"].startswith("Your caseload (page 2)")
    shown = {data for _, data in buttons(listed) + buttons(second)}
    assert shown >= {f"s:yp:{person.pk}" for person in [p.young_person, *more]}
    assert (texts.STAFF_MORE, "s:page:2") not in buttons(second)
    assert_nothing_of(p.other_young_person, bot_api, ADVISER_CHAT)


# --- Views and goals ----------------------------------------------------------------------------


@pytest.fixture
def plan(world):
    today = timezone.localdate()
    plan = f.PathwayPlanFactory(young_person=world.young_person, created_by=world.adviser,
                                agreed_on=today - dt.timedelta(days=30))
    section = f.PlanSectionFactory(plan=plan, heading=m.PlanHeading.EDUCATION_TRAINING)
    f.YoungPersonViewFactory(section=section, recorded_by=world.young_person_user,
                             text="I want to do catering", expressed_on=today,
                             channel=m.Channel.TELEGRAM)
    f.YoungPersonViewFactory(section=section, recorded_by=world.adviser,
                             text="I want to live near my sister",
                             expressed_on=today - dt.timedelta(days=10))
    return f.GoalFactory(section=section, owner=world.adviser, description="Enrol at college")


def test_an_adviser_reads_the_latest_views_and_updates_a_goal(running_bot, bot_api, world,
                                                              plan):
    p, jordan, goal, today = world, world.young_person, plan, timezone.localdate()
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    type_in(bot_api, ADVISER_CHAT, "/caseload")

    with running_bot.queries() as queries:
        views = one(press(bot_api, ADVISER_CHAT, f"s:v:{jordan.pk}"))
    assert len(queries) <= VIEWS_BUDGET, [q["sql"] for q in queries]
    assert views["edited"] and nav(views) == [(texts.BACK, f"s:yp:{jordan.pk}"), MENU]
    assert views["text"] == (
        "Jordan's latest views, in their own words\n\n"
        f"{texts.day(today, today=today)} (School, college and training): I want to do catering"
        f"\n\n{texts.day(today - dt.timedelta(days=10), today=today)} "
        "(School, college and training): I want to live near my sister")
    assert len(traces("views", young_person=jordan)) == 1

    goals = one(press(bot_api, ADVISER_CHAT, f"s:g:{jordan.pk}"))
    assert "- Enrol at college: Not started" in goals["text"]
    assert buttons(goals)[0] == ("Enrol at college", f"s:go:{goal.pk}")
    assert nav(goals) == [(texts.BACK, f"s:yp:{jordan.pk}"), MENU]
    shown = one(press(bot_api, ADVISER_CHAT, f"s:go:{goal.pk}"))
    assert (texts.STAFF_GOAL_STATUS["started"], f"s:gs:{goal.pk}:1:s") in buttons(shown)
    assert nav(shown) == [(texts.BACK, f"s:g:{jordan.pk}"), MENU]

    saved = one(press(bot_api, ADVISER_CHAT, f"s:gs:{goal.pk}:1:s"))
    assert saved["text"] == "Saved: Enrol at college is now Started."
    goal.refresh_from_db()
    assert (goal.status, goal.version) == (m.GoalStatus.STARTED, 2)

    # A button read before that change is stale: nothing is overwritten.
    stale = one(press(bot_api, ADVISER_CHAT, f"s:gs:{goal.pk}:1:d"))
    assert stale["text"].startswith(texts.STAFF_GOAL_CHANGED)
    assert "Now: Started." in stale["text"]
    goal.refresh_from_db()
    assert (goal.status, goal.version) == (m.GoalStatus.STARTED, 2)


# --- Refused ------------------------------------------------------------------------------------


def test_forged_ids_in_callback_data_are_refused_with_nothing_leaked(running_bot, bot_api,
                                                                     world):
    p = world
    riley = p.other_young_person
    section = f.PlanSectionFactory(plan=f.PathwayPlanFactory(young_person=riley,
                                                             created_by=p.other_adviser))
    rileys_goal = f.GoalFactory(section=section, owner=p.other_adviser)
    link_staff(running_bot, ADVISER_CHAT, p.adviser)
    type_in(bot_api, ADVISER_CHAT, "/caseload")

    for data in (f"s:yp:{riley.pk}", f"s:c:{riley.pk}", f"s:v:{riley.pk}", f"s:g:{riley.pk}",
                 f"s:go:{rileys_goal.pk}", f"s:gs:{rileys_goal.pk}:1:d", "s:yp:999999999",
                 "s:yp:abc", "s:page:x"):
        assert screen_after(running_bot, bot_api, ADVISER_CHAT, data) == (
            texts.STAFF_NOT_FOUND), data
    # No contact was begun for Riley: a typed date is not taken.
    assert not one(type_in(bot_api, ADVISER_CHAT, "01/01/2026"))["text"].startswith(
        texts.STAFF_ASK_METHOD)

    rileys_goal.refresh_from_db()
    assert (rileys_goal.status, rileys_goal.version) == (m.GoalStatus.NOT_STARTED, 1)
    assert_nothing_of(riley, bot_api, ADVISER_CHAT)
    assert not m.AccessEvent.objects.filter(young_person=riley).exists()
    assert not m.PAContact.objects.exists()


def test_young_people_managers_and_strangers_get_no_caseload(running_bot, bot_api, world):
    p, jordan = world, world.young_person
    code = telegram_link_code_create(actor=p.adviser, young_person=jordan).code
    running_bot.say(4242, f"/start {code}")
    for said in ("/caseload", "/due"):
        answer = running_bot.say(4242, said)
        assert answer.startswith(texts.STAFF_ONLY_CASEWORKERS) and "/plan" in answer
        assert "/caseload" not in answer
    running_bot.say(4242, "/help")
    refused = one(press(bot_api, 4242, f"s:yp:{jordan.pk}"))
    assert refused["text"].startswith(texts.STAFF_ONLY_CASEWORKERS) and refused["edited"]

    link_staff(running_bot, 7171, p.manager)
    assert running_bot.say(7171, "/caseload").startswith(texts.STAFF_ONLY_CASEWORKERS)

    assert running_bot.say(8181, "/caseload") == texts.HOW_TO_LINK
    assert running_bot.say(8181, "/due") == texts.HOW_TO_LINK

    for chat in (4242, 7171, 8181):
        for message in bot_api.bot_messages(chat):
            assert jordan.child_id not in message["text"]
    assert not m.AccessEvent.objects.filter(what__startswith="bot.staff.").exists()


def test_typed_dates_are_read_strictly():
    today = dt.date(2026, 3, 10)
    assert staff.parse_date("3/3/2026", today=today) == (dt.date(2026, 3, 3), "")
    assert staff.parse_date(" 10.03.2026 ", today=today) == (today, "")
    assert staff.parse_date("11/03/2026", today=today) == (None, texts.STAFF_DATE_IN_FUTURE)
    for bad in ("29/02/2026", "2026-03-03", "03/03/26", "yesterday", "", "1/1/1/2026"):
        assert staff.parse_date(bad, today=today) == (None, texts.STAFF_DATE_NOT_READ), bad
