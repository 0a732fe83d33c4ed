"""What each bot command reads, in one call to the database thread each: the selectors the API
uses, then the trace of the read (an AccessEvent with channel telegram, DESIGN.md rule 5).

Every function takes the chat's link as just looked up (`telegram_link_active_for`), so the
person is resolved afresh for every update and checked by the selectors through the policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from outcomes.models import Channel, TelegramLink
from outcomes.rules.schedule import Item
from outcomes.selectors.allocations import KeyWorker, key_worker_for
from outcomes.selectors.plans import PlanSummary, plan_summary_for
from outcomes.selectors.reviews import next_review_for
from outcomes.services import access_event_record


def _traced(link: TelegramLink, what: str) -> None:
    access_event_record(actor=link.user, young_person_id=link.user.young_person_id,
                        what=f"bot.{what}", channel=Channel.TELEGRAM)


def first_name(link: TelegramLink) -> str:
    """The name the bot calls them by: a young person's preferred or first name from their
    record (joined with the link), a member of staff's from their account."""
    person = link.user.young_person
    if person is not None:
        return person.known_as
    return link.user.first_name


@dataclass(frozen=True)
class PlanAnswer:
    summary: PlanSummary | None
    next_review: Item | None
    today: dt.date


def plan(*, link: TelegramLink) -> PlanAnswer:
    """/plan: the current plan in short and the next review."""
    viewer, young_person = link.user, link.user.young_person_id
    today = timezone.localdate()
    answer = PlanAnswer(
        summary=plan_summary_for(viewer=viewer, young_person=young_person),
        next_review=next_review_for(viewer=viewer, young_person=young_person, on=today),
        today=today,
    )
    _traced(link, "plan")
    return answer


def review(*, link: TelegramLink) -> PlanAnswer:
    """/review: the next review only."""
    today = timezone.localdate()
    answer = PlanAnswer(summary=None, today=today, next_review=next_review_for(
        viewer=link.user, young_person=link.user.young_person_id, on=today))
    _traced(link, "review")
    return answer


def key_worker(*, link: TelegramLink, what: str) -> KeyWorker | None:
    """/contact, and the greeting after linking: the adviser's first name and email."""
    worker = key_worker_for(viewer=link.user, young_person=link.user.young_person_id)
    _traced(link, what)
    return worker
