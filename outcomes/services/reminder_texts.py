"""The words of every reminder: to the worker, to the manager, and to the young person.

Staff messages leave the system (email), so they carry no more than needed to find the record:
the first name and the LA child id, never a surname, address or health detail. Messages to a
young person are plain words (reading age 9-11) about their own meetings only.
"""

from __future__ import annotations

import datetime as dt

from outcomes.models import YoungPerson
from outcomes.rules.reminders import ESCALATION, OVERDUE
from outcomes.rules.schedule import EventKind, Item


def _when(lead: str) -> str:
    days = int(lead.removesuffix("d"))
    if days == 0:
        return "is due today"
    if days == 7:
        return "is due in a week"
    if days == 14:
        return "is due in two weeks"
    return f"is due in {days} days"


def _who(young_person: YoungPerson) -> str:
    first = young_person.known_as
    return f"{first} ({young_person.child_id})"


def staff_message(*, item: Item, young_person: YoungPerson, lead: str,
                  unallocated: bool = False, today: dt.date) -> tuple[str, str]:
    """Subject and body of a reminder to the responsible worker, or to the team manager when it
    is an escalation or nobody holds the case in the responsible role."""
    who = _who(young_person)
    due = f"{item.due_on:%d/%m/%Y}"
    if lead == ESCALATION:
        late = (today - item.due_on).days
        subject = f"Escalation: {item.title} for {who} is {late} days overdue"
        opening = (f"{item.title} for {who} was due on {due} and is still not recorded, "
                   f"{late} days later. This is escalated to you as team manager.")
    elif lead == OVERDUE:
        subject = f"Overdue: {item.title} for {who}"
        opening = f"{item.title} for {who} was due on {due} and is not recorded yet."
    else:
        subject = f"{item.title} for {who} {_when(lead)}"
        opening = f"{item.title} for {who} {_when(lead)} ({due})."
    lines = [opening, "", f"Why this date: {item.reason}", f"Rule: {item.rule}"]
    if unallocated:
        lines += ["", f"Nobody is allocated as {item.responsible.replace('_', ' ')} for this "
                      "young person, so this comes to you as team manager."]
    lines += ["", "Record it in Waymark once it has happened."]
    return subject, "\n".join(lines)


_YOUNG_PERSON_WHAT = {
    EventKind.CLA_REVIEW: "your review meeting",
    EventKind.PATHWAY_PLAN_REVIEW: "the review of your pathway plan",
    EventKind.PATHWAY_PLAN: "making your pathway plan",
}


def young_person_message(*, item: Item, young_person: YoungPerson, lead: str) -> str:
    """A Telegram message to the young person about their own review."""
    first = young_person.known_as
    what = _YOUNG_PERSON_WHAT.get(item.kind, item.title.lower())
    days = int(lead.removesuffix("d"))
    when = ("today" if days == 0 else "in a week" if days == 7 else "in two weeks" if days == 14
            else f"in {days} days")
    return (
        f"Hi {first}. It's nearly time for {what}: it should happen {when}, "
        f"by {item.due_on:%-d %B}.\n"
        "It's your chance to say what's going well and what you want to change. "
        "You can tell your adviser what you think before it: send /review."
    )
