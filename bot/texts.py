"""Every word the bot says (UX.md §4): plain words for a reading age of 9 to 11, one idea to a
message, no care-system jargon, dates as "Tuesday 3 March", first names only.

Nothing here reads the database: the handlers pass in what a message needs.
"""

from __future__ import annotations

import datetime as dt

from outcomes.models import AllocationRole, PlanHeading
from outcomes.rules.schedule import EventKind, Item, State
from outcomes.selectors.allocations import KeyWorker
from outcomes.selectors.plans import PlanSummary

MAX_MESSAGE_LENGTH = 2000

# --- The menus (setMyCommands): a few plain words each -------------------------------------------

COMMANDS_UNLINKED = (
    ("start", "Connect my account"),
    ("help", "Help"),
)
COMMANDS_YOUNG_PERSON = (
    ("plan", "See my plan"),
    ("review", "My next meeting"),
    ("contact", "My adviser"),
    ("help", "Help"),
    ("stop", "Stop messages"),
)
COMMANDS_STAFF = (
    ("help", "Help"),
    ("stop", "Stop messages"),
)


def menu(commands: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"/{command} - {description}" for command, description in commands)


# --- Dates ---------------------------------------------------------------------------------------


def day(date: dt.date, *, today: dt.date) -> str:
    """ "Tuesday 3 March", with the year when it is not this year."""
    words = f"{date:%A} {date.day} {date:%B}"
    return words if date.year == today.year else f"{words} {date.year}"


# --- Linking -------------------------------------------------------------------------------------

HOW_TO_LINK = (
    "Hello! I'm the Waymark bot.\n\n"
    "To use me, ask your adviser for a link. Open the link on this phone and press START.\n\n"
    "If you are in danger now, call 999."
)
LINK_FAILED = "Sorry, that link didn't work. Ask your adviser for a new one."
LINK_COOLING_OFF = (
    "Sorry, that didn't work too many times. Please wait an hour and try again, "
    "or ask your adviser for a new link."
)
ACCOUNT_TAKEN = (
    "This Telegram account is already connected to someone else. "
    "Ask your adviser to help you."
)


def linked_young_person(first_name: str, worker: KeyWorker | None) -> str:
    lines = [f"You're connected, {first_name}!" if first_name else "You're connected!"]
    if worker is not None:
        lines.append(f"Your {_worker_word(worker)} is {worker.first_name}.")
    lines.append(
        "I can show you your plan, tell you when your next meeting is, and how to reach your "
        "adviser. I will also remind you about meetings.\n\n" + menu(COMMANDS_YOUNG_PERSON))
    return "\n\n".join(lines)


def linked_staff(first_name: str) -> str:
    hello = f"You're connected, {first_name}." if first_name else "You're connected."
    return f"{hello} I will send your reminders here.\n\n{menu(COMMANDS_STAFF)}"


# --- Hello, stop and start again ---------------------------------------------------------------


def hello_again(first_name: str, commands: tuple[tuple[str, str], ...]) -> str:
    hello = f"Hello again, {first_name}!" if first_name else "Hello again!"
    return f"{hello} Here is what I can do:\n\n{menu(commands)}"


STOPPED = (
    "OK. I won't send you any more messages.\n\n"
    "You can still ask me things. To get my messages again, send /start."
)
ALREADY_STOPPED = "My messages are already off. To get them again, send /start."
STARTED_AGAIN = "Welcome back! My messages are on again. To stop them, send /stop."

# --- Help ----------------------------------------------------------------------------------------


def help_text(out_of_hours_phone: str, *, linked: bool) -> str:
    council = (f"Your council, out of office hours: call {out_of_hours_phone}"
               if out_of_hours_phone else
               "Your council, out of office hours: ask your adviser for the number")
    about = (
        "I'm the Waymark bot. I can show you your plan and when your next meeting is, "
        "and remind you about meetings."
        if linked else
        "I'm the Waymark bot. To use me, ask your adviser for a link. Open the link on this "
        "phone and press START."
    )
    return (
        f"{about}\n\n"
        "Nobody watches this chat all the time. Your adviser may not see a message "
        "straight away.\n\n"
        "If you need help now:\n"
        "- In danger or badly hurt: call 999\n"
        "- Need help fast, or your mental health is bad: call NHS 111\n"
        "- Want to talk to someone: Samaritans, call 116 123 (free, day or night)\n"
        "- Rather text? Text SHOUT to 85258 (free, day or night)\n"
        "- If you are under 19: Childline, call 0800 1111\n"
        f"- {council}"
    )


# --- The plan ------------------------------------------------------------------------------------

# The plan's headings (Care Leavers (England) Regulations 2010 Sch 1) in everyday words.
HEADINGS = {
    PlanHeading.SUPPORT_CONTACT: "People who help you",
    PlanHeading.EDUCATION_TRAINING: "School, college and training",
    PlanHeading.EMPLOYMENT: "Work and things to do",
    PlanHeading.CONTINGENCY: "If things go wrong",
    PlanHeading.ACCOMMODATION: "Where you live",
    PlanHeading.RELATIONSHIPS: "Family and friends",
    PlanHeading.INDEPENDENT_LIVING_SKILLS: "Looking after yourself",
    PlanHeading.FINANCE: "Money",
    PlanHeading.HEALTH: "Health",
    PlanHeading.IDENTITY: "Who you are",
}

# What each meeting a young person hears about is for.
MEETINGS = {
    EventKind.CLA_REVIEW: (
        "a meeting to check how things are going for you, and to plan what happens next"),
    EventKind.PATHWAY_PLAN: "a meeting to make your plan for the future",
    EventKind.PATHWAY_PLAN_REVIEW: (
        "a meeting to check your plan: what is going well, and what needs to change"),
}
MEETING = "a meeting about your plan"


def _goals(count: int, done: int) -> str:
    if count == 0:
        return "no goals yet"
    words = "1 goal" if count == 1 else f"{count} goals"
    return f"{words} ({done} done)" if done else words


def _when(item: Item, *, today: dt.date) -> str:
    if item.state == State.OVERDUE:
        return (f"should have happened by {day(item.due_on, today=today)}. "
                "Ask your adviser when it will be")
    return f"should be by {day(item.due_on, today=today)}"


def plan(summary: PlanSummary | None, next_review: Item | None, *, today: dt.date) -> str:
    if summary is None:
        text = "You don't have an agreed plan yet. Ask your adviser about it."
    else:
        lines = [f"Your plan\nAgreed on {day(summary.agreed_on, today=today)}.", ""]
        lines += [f"{HEADINGS.get(h.heading, h.heading.label)}: {_goals(h.goals, h.done)}"
                  for h in summary.headings]
        text = "\n".join(lines)
    if next_review is not None:
        text += (f"\n\nYour next meeting {_when(next_review, today=today)}. "
                 "Send /review to find out more.")
    return text


def review(next_review: Item | None, *, today: dt.date) -> str:
    if next_review is None:
        return "You have no meeting coming up right now. Ask your adviser if you have questions."
    what = MEETINGS.get(next_review.kind, MEETING)
    return (f"Your next meeting {_when(next_review, today=today)}. Your adviser will tell you "
            f"the exact day.\n\nIt is {what}.\n\n"
            "You can say what you think, or ask someone to say it for you. It helps to think "
            "before the meeting about what is going well and what you want to change.")


# --- Contact -------------------------------------------------------------------------------------


def _worker_word(worker: KeyWorker) -> str:
    return "adviser" if worker.role == AllocationRole.PERSONAL_ADVISER else "social worker"


def contact(worker: KeyWorker | None) -> str:
    if worker is None:
        return "You don't have an adviser named yet. Please ask at the office."
    how = (f"You can email {worker.first_name} at {worker.email}."
           if worker.email else "To reach them, please ask at the office.")
    return f"Your {_worker_word(worker)} is {worker.first_name}.\n\n{how}"


# --- Anything else -------------------------------------------------------------------------------

FOR_YOUNG_PEOPLE = "That one is for young people. Here is what I can do for you:"
UNKNOWN_COMMAND = "Sorry, I don't know that one. Here is what I can do:"
NOT_UNDERSTOOD = "Sorry, I can't read messages like that yet. Here is what I can do:"
ONLY_TEXT = "Sorry, I can only read text."
TOO_LONG = (
    f"Sorry, that message is too long for me. Please keep it under {MAX_MESSAGE_LENGTH:,} "
    "letters."
)
SLOW_DOWN = "You're sending messages very fast. Please wait a minute, then try again."
SOMETHING_WRONG = (
    "Sorry, something went wrong on my side. Please try again later.\n\n"
    "If you need help now, send /help."
)


def with_menu(text: str, commands: tuple[tuple[str, str], ...]) -> str:
    return f"{text}\n\n{menu(commands)}"
