"""Every word the bot says (UX.md §4): plain words for a reading age of 9 to 11, one idea to a
message, no care-system jargon, dates as "Tuesday 3 March", first names only.

Nothing here reads the database: the handlers pass in what a message needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from outcomes.models import AllocationRole, Goal, GoalStatus, PlanHeading
from outcomes.rules.risk import RiskKind
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
    ("goals", "My goals"),
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


# --- Urgent help: the one list, for /help, a risk message and anywhere else (UX.md §4) ----------

EMERGENCY = "999"
SHELTER = "0808 800 4444"
DOMESTIC_ABUSE_HELPLINE = "0808 2000 247"
NO_BED_TONIGHT = f"Nowhere safe to sleep tonight: Shelter's free emergency helpline, call {SHELTER}"
URGENT_HELP = (
    f"In danger or badly hurt: call {EMERGENCY}",
    "Want to talk to someone: Samaritans, call 116 123 (free, day or night)",
    "Rather text? Text SHOUT to 85258 (free, day or night)",
    "If you are under 19: Childline, call 0800 1111 (free)",
    NO_BED_TONIGHT,
    "Your mental health is bad and you need help fast: call NHS 111 and choose mental health",
)
OUT_OF_HOURS = "Your council, out of office hours: call {phone}"
OUT_OF_HOURS_UNKNOWN = (
    "Your council, out of office hours: the number is on your council's website")


def urgent_help(out_of_hours_phone: str, *, no_bed_first: bool = False) -> str:
    """The urgent help numbers, one to a line, ending with the council's out-of-hours number
    (settings.OUT_OF_HOURS_PHONE; where to find it when the council has not set one). Shelter
    comes first for someone with nowhere safe to sleep tonight."""
    lines = list(URGENT_HELP)
    if no_bed_first:
        lines.remove(NO_BED_TONIGHT)
        lines.insert(0, NO_BED_TONIGHT)
    lines.append(OUT_OF_HOURS.format(phone=out_of_hours_phone) if out_of_hours_phone
                 else OUT_OF_HOURS_UNKNOWN)
    return "\n".join(f"- {line}" for line in lines)


# --- Linking -------------------------------------------------------------------------------------

HOW_TO_LINK = (
    "Hello! I'm the Waymark bot.\n\n"
    "To use me, ask your adviser for a link. Open the link on this phone and press START.\n\n"
    f"If you are in danger now, call {EMERGENCY}."
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


def linked_staff(first_name: str,
                 commands: tuple[tuple[str, str], ...] = COMMANDS_STAFF) -> str:
    hello = f"You're connected, {first_name}." if first_name else "You're connected."
    return f"{hello} I will send your reminders here.\n\n{menu(commands)}"


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


def help_text(out_of_hours_phone: str, *, linked: bool, ack_minutes: int) -> str:
    """/help for a young person (`linked`) or a chat not connected yet: what the bot does, what
    happens when they write that they are not safe and when, and the urgent help numbers.
    `ack_minutes`: settings.SAFEGUARDING_ACK_MINUTES, how long before the duty team is told."""
    if linked:
        about = (
            "I'm the Waymark bot. I can show you your plan and when your next meeting is, "
            "and remind you about meetings. You can tell me how your goals are going, and what "
            "you think before a meeting.\n\n"
            "If you write to me that you are not safe:\n"
            "- I give you the numbers below straight away.\n"
            "- I tell your adviser and their manager straight away.\n"
            f"- If none of them answers within {ack_minutes} minutes, or it is outside office "
            "hours (evenings, nights, weekends and bank holidays), I tell the council's "
            "out-of-hours team too."
        )
    else:
        about = (
            "I'm the Waymark bot. To use me, ask your adviser for a link. Open the link on this "
            "phone and press START.\n\n"
            "If you write to me that you are not safe, I give you the numbers below straight "
            "away. This chat is not connected to an adviser yet, so I can't tell anyone else."
        )
    return (
        f"{about}\n\n"
        "Nobody watches this chat all the time. If you are in danger now, call "
        f"{EMERGENCY}.\n\n"
        f"If you need help now:\n{urgent_help(out_of_hours_phone)}"
    )


def staff_help(commands: tuple[tuple[str, str], ...], *, ack_minutes: int) -> str:
    """/help for staff: reminders, and acknowledging a safeguarding alert."""
    return (
        "I'm the Waymark bot. I send you reminders, and an alert when a young person you work "
        "with writes that they may not be safe.\n\n"
        "When an alert comes, tap the button under it and choose what you did. If nobody does "
        f"within {ack_minutes} minutes, or it is outside office hours, the out-of-hours duty "
        "team is told. For anything else, acknowledge it on Waymark.\n\n"
        f"{menu(commands)}"
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


# --- Moving around: every screen a button leads to offers Back and Menu --------------------------

BACK = "Back"
MENU_BUTTON = "Menu"
MENU = "What would you like to do? Tap one."
NOTHING_SAVED = "OK, I haven't saved anything."
# The menu's buttons: a young person's (the actions free text leads to, INTENT_BUTTONS), and an
# adviser's or social worker's.
MENU_YOUNG_PERSON = (("plan", "goals"), ("review", "contact"), ("help",))
STAFF_MENU_CASELOAD = "My young people"
STAFF_MENU_DUE = "Due this week"


# --- Young person: goals, views, help in words ---

# Goals: the statuses a young person can choose, in the order of the buttons.
GOAL_CHOICES = (
    (GoalStatus.NOT_STARTED, "Not started"),
    (GoalStatus.STARTED, "Started"),
    (GoalStatus.DONE, "Done"),
)
GOAL_STATUS_WORDS = dict(GOAL_CHOICES)
GOAL_NOTE_MAX_LENGTH = 500
NO_GOALS = "You don't have any goals on your plan yet. Ask your adviser about them."
GOALS_TAP = "Tap a button to tell your adviser how a goal is going."
GOAL_NOT_FOUND = "I can't find that goal. Send /goals to see yours."
GOAL_CHANGED = "This goal changed since you looked. Here it is now:"
GOAL_NEWS = "That sounds like good news! Tell me which goal it is, and how it's going."
SKIP = "Skip"
NOTE_TOO_LONG = (
    f"Sorry, that note is too long. Please keep it under {GOAL_NOTE_MAX_LENGTH} letters and "
    "send it again, or tap Skip. I haven't saved anything yet."
)
GOAL_NOTE_NOT_READ = (
    "Sorry, I couldn't save that note. Please write it again in your own words and send it, or "
    "tap Skip. I haven't saved anything yet."
)
GOAL_SAVED = "Saved. Your adviser will see it."
GOAL_SAVED_DONE = "Saved. Well done! Your adviser will see it."


def _goal_line(number: int, goal: Goal) -> str:
    heading = HEADINGS.get(goal.section.heading, goal.section.get_heading_display())
    status = GOAL_STATUS_WORDS.get(goal.status, goal.get_status_display())
    return f"{number}. {goal.description}\n{heading}. Now: {status}"


def goals(items: list[Goal], *, opening: str = "Your goals") -> str:
    if not items:
        return NO_GOALS
    lines = [_goal_line(number, goal) for number, goal in enumerate(items, start=1)]
    return f"{opening}\n\n" + "\n\n".join(lines) + f"\n\n{GOALS_TAP}"


def goal_changed(goal: Goal) -> str:
    return f"{GOAL_CHANGED}\n\n{_goal_line(1, goal)}\n\n{GOALS_TAP}"


def goal_note_ask(goal: Goal, status: str) -> str:
    return (f"\"{goal.description}\": {GOAL_STATUS_WORDS[status]}.\n\n"
            "Want to add a note for your adviser? Send it now, or tap Skip.")


# Views: what the young person thinks, in their own words, for their adviser.
TELL_ADVISER = "Tell my adviser what I think"
VIEW_WHICH = "What is it about? Tap one."
VIEW_NO_PLAN = (
    "You don't have an agreed plan yet, so I can't save it here. Tell your adviser when you "
    "see them. Send /contact to find out how to reach them."
)
VIEW_NOT_FOUND = "I can't find that part of your plan. Send /review to try again."
VIEW_NOT_READ = (
    "Sorry, there were no words in that for me to save. Send what you think as one message. "
    "I haven't saved anything yet."
)
VIEW_SAVED = (
    "Thank you. I've saved what you said, in your own words, for your adviser. They will read "
    "it before your meeting."
)


def view_ask(heading: str) -> str:
    words = HEADINGS.get(heading, heading)
    return (f"{words}: what do you think? What is going well, and what do you want to change?"
            "\n\nSend it as one message. Your adviser will read it.")


# --- Someone may not be safe (bot/safeguarding.py) ------------------------------------------------
# The answer to a message the core finds a risk in: at once, before anything is read or written,
# the first lines for the kind of risk (danger first) and then always the whole urgent help list.
DANGER = frozenset({RiskKind.SELF_HARM, RiskKind.HARM_FROM_OTHERS, RiskKind.HARM_TO_OTHERS})

RISK_LEAD = "It sounds like things are really hard right now. You matter, and there is help."
RISK_FIRST = {
    RiskKind.SELF_HARM: (
        f"If you have hurt yourself or taken something, call {EMERGENCY} now.\n"
        "If you feel you might act on these thoughts, call Samaritans on 116 123 or text SHOUT "
        "to 85258. They are there day and night."),
    RiskKind.HARM_FROM_OTHERS: (
        f"If you are in danger now, call {EMERGENCY}. If you can't talk, call {EMERGENCY} and "
        "press 55 when you are asked.\n"
        "The National Domestic Abuse Helpline is free, day and night: "
        f"{DOMESTIC_ABUSE_HELPLINE}."),
    RiskKind.HARM_TO_OTHERS: (
        f"If someone is in danger now, call {EMERGENCY}.\n"
        "If you feel you might hurt someone, move away if you can and take some time out. "
        "Samaritans (116 123) and Shout (text 85258) will talk it through with you, day and "
        "night."),
    RiskKind.NOWHERE_SAFE: (
        f"If you have nowhere safe to sleep tonight, call Shelter free on {SHELTER}.\n"
        "Your council must help you find somewhere to stay. Call them, or their out-of-hours "
        "number below."),
    RiskKind.UNCLEAR: f"If you are in danger now, call {EMERGENCY}.",
}
RISK_NOT_CONNECTED = (
    "This chat is not connected to an adviser, so I can't tell anyone. Please call one of "
    "these numbers now.")


def risk_help(kinds: Collection[str], out_of_hours_phone: str, *, connected: bool) -> str:
    """The urgent-help answer: the first lines for each kind found (in the order of RISK_FIRST,
    danger first; the general line when no kind is known), then the whole list, Shelter first
    for a night without a bed when nobody is in danger. `connected`: False for a chat nobody
    can be told about."""
    firsts = [words for kind, words in RISK_FIRST.items() if kind in kinds]
    if len(firsts) > 1:
        firsts = [words for kind, words in RISK_FIRST.items()
                  if kind in kinds and kind != RiskKind.UNCLEAR]
    parts = [RISK_LEAD, *(firsts or [RISK_FIRST[RiskKind.UNCLEAR]]),
             urgent_help(out_of_hours_phone, no_bed_first=RiskKind.NOWHERE_SAFE in kinds
                         and not DANGER & set(kinds))]
    if not connected:
        parts.append(RISK_NOT_CONNECTED)
    return "\n\n".join(parts)


CALL_BACK_ASK = "Do you want someone to call you now?"
CALL_BACK_YES = "Yes, call me"
CALL_BACK_NO = "No"
# Who the alert told, in the young person's words.
RISK_TOLD_NOBODY = (
    "Nobody watches this chat all the time. Please call one of the numbers above now.")


def risk_told(told: str) -> str:
    """After the alert is written: who was told (`risk_told_whom`), and the question."""
    return (f"I've told {told} that you may not be safe. Nobody watches this chat all the "
            f"time, so if you are in danger now, call {EMERGENCY}.\n\n{CALL_BACK_ASK}")


def risk_told_whom(worker: KeyWorker | None, *, duty: bool) -> str:
    """Who an alert goes to, in a young person's words: their adviser (or social worker) by
    first name and the manager, or the manager of their team when nobody is allocated; and the
    council's out-of-hours team when it is told too."""
    people = ([f"{worker.first_name} (your {_worker_word(worker)})", "their manager"]
              if worker is not None else ["the manager of your team"])
    if duty:
        people.append("the council's out-of-hours team")
    return people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"


RISK_NOTE_NOT_SAVED = "I haven't saved that as a note on your goal. You can add one later: /goals"
RISK_VIEW_NOT_SAVED = (
    "I haven't saved that as what you think about your plan. You can tell me later: /review")


def call_back_answer(told: str, *, wanted: bool) -> str:
    """The answer to Yes or No: who will call (`told`), or that the numbers are still there."""
    if not wanted:
        return ("OK. The numbers above are there day and night. You can write to me again "
                "at any time.")
    return (f"I've told {told} to call you. If you are in danger before they call, "
            f"call {EMERGENCY}.")


CALL_BACK_NOT_FOUND = (
    "Sorry, I couldn't pass that on. Please call one of the numbers above now, or write to me "
    "again.")

# Staff: acknowledging an alert from the bot (the alert itself is sent by the outbox).
SGA_ASK = "What have you done? Tap one. For anything else, acknowledge it on Waymark."
SGA_REFUSED = "You can't act on this alert."
SGA_RECORDED = "Recorded:"


def sga_acknowledged(action: str) -> str:
    return f"Acknowledged: {action} — thank you. Open Waymark to add notes."


def sga_no_contact(action: str) -> str:
    """"Tried but could not reach them": recorded, and the alert stays open."""
    return (f"{SGA_RECORDED} {action}. The duty team has been told, and the alert stays open until "
            "someone reaches them. Tap again when you do.")


def sga_already(who: str, at: dt.datetime, *, today: dt.date) -> str:
    when = f"{at:%H:%M}" if at.date() == today else f"{at:%H:%M} on {day(at.date(), today=today)}"
    return f"Already acknowledged by {who} at {when}."


# Words instead of commands: the phrases each action is known by (bot/intents.py matches them,
# on this server only) and the button that offers it when the bot is not sure.
INTENT_PHRASES = {
    "review": ("when's my next meeting", "when is my meeting", "next meeting", "my review",
               "when is my review", "meeting date", "meeting", "when do i see my adviser"),
    "contact": ("who's my pa", "who is my adviser", "who's my adviser", "my adviser",
                "contact my adviser", "who is my personal adviser", "how do i reach my adviser",
                "who's my social worker", "adviser", "my pa"),
    "plan": ("what's my plan", "show my plan", "my plan", "my pathway plan", "see my plan",
             "plan"),
    "goals": ("my goals", "show my goals", "what are my goals", "i finished my cv",
              "i've got a job", "i got a job", "i finished my course", "i did it",
              "i started college", "update my goals"),
    "stop": ("stop", "stop messages", "stop sending me messages", "no more messages"),
    "help": ("help", "help me", "what can you do", "i need help"),
}
INTENT_BUTTONS = {
    "review": "My next meeting",
    "contact": "My adviser",
    "plan": "See my plan",
    "goals": "My goals",
    "stop": "Stop messages",
    "help": "Help",
}
# Phrases of good news about a goal: the goals list is offered with GOAL_NEWS.
GOAL_NEWS_PHRASES = frozenset({"i finished my cv", "i've got a job", "i got a job",
                               "i finished my course", "i did it", "i started college"})
DID_YOU_MEAN = "Sorry, I'm not sure what you mean. Did you mean one of these?"
SOMETHING_ELSE = "Something else"
NOT_SURE = "Sorry, I didn't get that. Here is what I can do:"

# Unlink: asked first.
UNLINK_SURE = (
    "Are you sure you want to disconnect this Telegram account from Waymark?\n\n"
    "I won't send you any more messages, and you won't be able to see your plan here. To "
    "connect again, you will need a new link from your adviser."
)
UNLINK_YES = "Yes, disconnect"
UNLINK_NO = "No, keep it"
UNLINKED = (
    "Done. This Telegram account is no longer connected to Waymark. You can delete this chat "
    "if you want.\n\nTo connect again, ask your adviser for a new link."
)
UNLINK_KEPT = "OK, nothing has changed. You're still connected."

# Birthday check-in: what they are doing and where they live, as SSDA903 OC3 codes (REFERENCE.md
# §3.10) for their adviser to confirm. A home's letter; its suitability (1 or 2) is the third tap.
CHECKIN_ACTIVITIES = (
    ("F2", "School or college, full-time"),
    ("P2", "School or college, part-time"),
    ("F1", "University"),
    ("F4", "An apprenticeship"),
    ("F5", "Work or training, full-time"),
    ("P5", "Work or training, part-time"),
    ("G5", "None of these right now"),
)
CHECKIN_HOMES = (
    ("B", "With my family"),
    ("Z", "With my foster carers (Staying Put)"),
    ("E", "Supported lodgings"),
    ("D", "Supported housing"),
    ("U", "My own place"),
    ("S", "I don't have a place to live"),
    ("Y", "Somewhere else"),
)
NO_FIXED_HOME = "S"  # OC3 takes only S2 (unsuitable): no third question
CHECKIN_ASK_ACTIVITY = (
    "Around each birthday, your adviser checks how you are doing. Two or three quick "
    "questions, just tap.\n\nWhat are you doing at the moment?"
)
CHECKIN_ASK_HOME = "Thanks. Where are you living now?"
CHECKIN_ASK_SUITABLE = "Is it a good place for you to live right now?"
CHECKIN_YES = "Yes"
CHECKIN_NO = "No"
CHECKIN_SAVED = (
    "Thank you! I've sent your answers to your adviser. They will check them with you."
)
CHECKIN_NO_HOME = (
    "If you have nowhere safe to stay tonight, call Shelter on 0808 800 4444 (free), or your "
    "council. Your adviser will also be in touch."
)
CHECKIN_NOT_DUE = (
    "I ask these questions around your birthdays from 17 to 21. I'll ask you next time."
)
CHECKIN_ALREADY = "Your adviser already has your answers for this birthday. Thank you!"
CHECKIN_NOT_READ = "Sorry, I didn't get that answer. Send /checkin to start again."


def checkin_prompt(*, first_name: str, age: int, birthday: dt.date, today: dt.date) -> str:
    """The bot's own message around a birthday from 17 to 21 (sent through the outbox, with the
    CHECKIN_ACTIVITIES buttons under it)."""
    hello = f"Hi {first_name}!" if first_name else "Hi!"
    if birthday > today:
        when = f"Your {_ordinal(age)} birthday is coming up."
    elif birthday == today:
        when = f"Happy {_ordinal(age)} birthday!"
    else:
        when = f"You turned {age} not long ago."
    return (
        f"{hello} {when} Around each birthday, your adviser checks how you are doing. Two or "
        "three quick questions, just tap.\n\nWhat are you doing at the moment?"
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- Staff: caseload, due, contacts ---
# For advisers and social workers: still short and plain, first names and child ids only (never
# a surname, an address or a case note in a chat that is not end-to-end encrypted).

COMMANDS_CASEWORKER = (
    ("caseload", "My young people"),
    ("due", "Due this week"),
    ("help", "Help"),
    ("stop", "Stop messages"),
)
STAFF_ONLY_CASEWORKERS = (
    "That one is for personal advisers and social workers. Here is what I can do for you:")
STAFF_NOT_FOUND = "I can't find that person. Send /caseload to see your young people."
STAFF_NOT_ALLOWED = "Your role can't change this."
STAFF_MORE = "More"
STAFF_RECORD_CONTACT = "Record a contact"
STAFF_LATEST_VIEWS = "Latest views"
STAFF_GOALS = "Goals"
STAFF_TODAY = "Today"
STAFF_YESTERDAY = "Yesterday"
STAFF_SKIP_NOTE = "Skip"
STAFF_STOP_CONTACT = "Stop, don't save"
STAFF_CONTACT_METHODS = {
    "visit": "Visit", "phone": "Phone call", "video": "Video call", "message": "Message",
    "email": "Email", "office": "Office meeting",
}
STAFF_SEEN_ALONE = {"yes": "Seen alone", "no": "Not seen alone", "unknown": "Not asked"}
STAFF_GOAL_STATUS = {
    "not_started": "Not started", "started": "Started", "done": "Done",
    "dropped": "No longer needed",
}
STAFF_ASK_METHOD = "How did you have contact?"
STAFF_ASK_NOTE = ("Add a short note (up to {max} letters), or press Skip. Nothing is saved "
                  "until you do.")
STAFF_NOTE_TOO_LONG = ("That note is too long: please keep it under {max} letters and send it "
                       "again, or press Skip. Nothing is saved yet.")
STAFF_DATE_NOT_READ = ("I couldn't read that date. Type it like 03/03/2026, or press Today or "
                       "Yesterday.")
STAFF_DATE_IN_FUTURE = ("That date is in the future: record a contact once it has happened. "
                        "Type the date it happened, or press Today or Yesterday.")
STAFF_PRESS_A_BUTTON = "Please choose one of the buttons."
STAFF_CONTACT_STOPPED = "OK, I stopped. Nothing was saved."
STAFF_CONTACT_GONE = ("That contact is finished or was stopped, so nothing more was saved. "
                      "Send /caseload to start again.")
STAFF_GOAL_CHANGED = "Someone changed this goal since you looked, so I didn't change it."


def staff_person_button(first_name: str, child_id: str) -> str:
    return f"{first_name} ({child_id})"


def _staff_due(title: str, due_on: dt.date | None, *, today: dt.date) -> str:
    if due_on is None:
        return f"{title}: needs data"
    if due_on < today:
        return f"{title}: overdue since {day(due_on, today=today)}"
    return f"{title}: due {day(due_on, today=today)}"


def staff_caseload(rows: list, *, page: int, today: dt.date) -> str:
    """The caseload's rows (first_name, child_id, next_title, next_due, overdue)."""
    if not rows:
        return ("You have no young people on your caseload right now." if page == 0 else
                "There are no more young people on your caseload.")
    lines = ["Your caseload" if page == 0 else f"Your caseload (page {page + 1})", ""]
    for row in rows:
        line = f"{row.first_name} ({row.child_id})"
        if row.next_due is not None:
            line += f" - next: {_staff_due(row.next_title, row.next_due, today=today)}"
        if row.overdue:
            line += f" - {row.overdue} overdue"
        lines.append(line)
    lines += ["", "Choose a young person:"]
    return "\n".join(lines)


def staff_due(lines: list, *, more: int, today: dt.date) -> str:
    """/due: lines of (first_name, child_id, title, due_on)."""
    if not lines:
        return "Nothing is due for you this week, and nothing is overdue."
    text = ["Due this week, overdue first", ""]
    text += [f"{line.first_name} ({line.child_id}): "
             f"{_staff_due(line.title, line.due_on, today=today)}" for line in lines]
    if more > 0:
        text.append(f"...and {more} more. The full list is on the staff pages.")
    return "\n".join(text)


def staff_card(first_name: str, child_id: str, items: list, *, today: dt.date) -> str:
    """A young person's card: their next open items (schedule entries: title, due_on)."""
    lines = [f"{first_name} ({child_id})", ""]
    if items:
        lines.append("Next:")
        lines += [f"- {_staff_due(item.title, item.due_on, today=today)}" for item in items]
    else:
        lines.append("Nothing is due.")
    return "\n".join(lines)


def staff_ask_date(first_name: str, *, is_visit: bool) -> str:
    what = "your visit to" if is_visit else "your contact with"
    return (f"When was {what} {first_name}? Press Today or Yesterday, or type the date like "
            "03/03/2026.")


def staff_ask_seen_alone(first_name: str) -> str:
    return f"Did you see {first_name} alone?"


def staff_contact_saved(first_name: str, *, on: dt.date, method: str, is_visit: bool,
                        seen_alone: bool | None, today: dt.date) -> str:
    when = day(on, today=today)
    if is_visit:
        seen = {True: "Seen alone.", False: "Not seen alone.", None: "Not asked if seen alone."}
        return f"Saved: your visit to {first_name} on {when}. {seen[seen_alone]}"
    how = STAFF_CONTACT_METHODS.get(method, method).lower()
    return f"Saved: your contact with {first_name} on {when} ({how})."


def staff_not_saved(reason: str) -> str:
    return f"Sorry, that wasn't saved: {reason}\n\nSend /caseload to try again."


def staff_not_saved_yet(reason: str, question: str) -> str:
    """The service refused one answer: the others are kept, and that one is asked again."""
    return f"Nothing is saved yet: {reason}\n\nYour other answers are kept. {question}"


def staff_views(first_name: str, views: list, *, today: dt.date) -> str:
    """The latest views in the young person's own words (expressed_on, text, section)."""
    if not views:
        return f"{first_name} hasn't given any views yet."
    lines = [f"{first_name}'s latest views, in their own words", ""]
    for view in views:
        heading = HEADINGS.get(view.section.heading, view.section.get_heading_display())
        text = view.text if len(view.text) <= 300 else view.text[:299] + "…"
        lines.append(f"{day(view.expressed_on, today=today)} ({heading}): {text}")
    return "\n\n".join([lines[0], *lines[2:]])


def staff_goal_button(description: str) -> str:
    return description if len(description) <= 40 else description[:39] + "…"


def staff_goals(first_name: str, goals: list) -> str:
    """The goals of the current plan (description, status, section)."""
    if not goals:
        return f"{first_name} has no goals on a current plan."
    lines = [f"{first_name}'s goals", ""]
    lines += [f"- {goal.description}: {STAFF_GOAL_STATUS.get(goal.status, goal.status)}"
              for goal in goals]
    lines += ["", "Choose a goal to change its status:"]
    return "\n".join(lines)


def staff_goal(goal) -> str:
    status = STAFF_GOAL_STATUS.get(goal.status, goal.status)
    return f"{goal.description}\n\nNow: {status}. Choose its new status:"


def staff_goal_saved(goal) -> str:
    return f"Saved: {goal.description} is now {STAFF_GOAL_STATUS.get(goal.status, goal.status)}."
