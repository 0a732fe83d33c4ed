"""Who has looked at a young person's record, in plain words.

An `AccessEvent` keeps a short machine name for what was read ("web.young_person.plan",
"bot.staff.due", "pathwayplan.retrieve"): good for the audit, not for people. Every page that
shows the trail says it through `access_event_words`, the one formatter:
"Jo Smith (adviser), on the web, 3 Dec 2026 14:02", and what they looked at: "the pathway plan".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from outcomes.models import AccessEvent, Channel, Role, User, YoungPerson

LONDON = ZoneInfo("Europe/London")

ROLE_WORDS: dict[str, str] = {
    Role.YOUNG_PERSON: "young person",
    Role.PERSONAL_ADVISER: "adviser",
    Role.SOCIAL_WORKER: "social worker",
    Role.IRO: "independent reviewing officer",
    Role.VIRTUAL_SCHOOL: "virtual school",
    Role.TEAM_MANAGER: "manager",
    Role.ADMINISTRATOR: "administrator",
}

CHANNEL_WORDS: dict[str, str] = {
    Channel.WEB: "on the web",
    Channel.API: "through the API",
    Channel.TELEGRAM: "in Telegram",
    Channel.ADMIN: "in the admin site",
    Channel.TASK: "by a background task",
    Channel.IMPORT: "in an import",
    Channel.MEETING: "in person",
}

# The first of these words found in the event's name says what was looked at. Order matters:
# the more particular first ("plan_edit" before "plan", "accessevent" before "event").
SUBJECT_WORDS: tuple[tuple[str, str], ...] = (
    ("report", "a report's list of children"),
    ("annex_a", "the Ofsted Annex A lists"),
    ("export", "the SSDA903 return"),
    ("903", "the SSDA903 return"),
    ("accessevent", "who has looked at the record"),
    ("looked", "who has looked at the record"),
    ("chronology", "the chronology"),
    ("schedule", "what is due"),
    ("staff.due", "what is due"),
    ("plan_edit", "the pathway plan, to change it"),
    ("goal", "the goals"),
    ("views", "their views"),
    ("plan", "the pathway plan"),
    ("placement", "the placements"),
    ("episode", "the placements"),
    ("period", "the placements"),
    ("education", "the education record"),
    ("school", "the education record"),
    ("attendance", "the education record"),
    ("ks2", "the education record"),
    ("ks4", "the education record"),
    ("pep", "the education record"),
    ("health", "the health record"),
    ("review", "the reviews"),
    ("visit", "the visits and contacts"),
    ("contact", "the visits and contacts"),
    ("checkin", "their birthday check-in"),
    ("careleaver", "the care-leaver record"),
    ("care_leaver", "the care-leaver record"),
    ("telegram", "the Telegram link"),
    ("linked", "who their adviser is"),
    ("caseload", "a caseload list"),
    ("team", "the team's list"),
    ("card", "the summary"),
    ("young_person", "the summary"),
    ("youngperson", "the summary"),
)


def who_words(actor: User | None) -> str:
    """ "Jo Smith (adviser)"; "The system" for an event no person caused."""
    if actor is None:
        return "The system"
    role = ROLE_WORDS.get(actor.role)
    return f"{actor} ({role})" if role else str(actor)


def what_words(what: str) -> str:
    """What an event's machine name says was looked at, in plain words."""
    name = what.lower()
    for word, words in SUBJECT_WORDS:
        if word in name:
            return words
    return "the record"


def when_words(at: dt.datetime) -> str:
    """ "3 Dec 2026 14:02", in England's time."""
    local = at.astimezone(LONDON)
    return f"{local.day} {local:%b %Y %H:%M}"


@dataclass(frozen=True)
class AccessEventWords:
    at: dt.datetime
    who: str       # "Jo Smith (adviser)"
    how: str       # "on the web"
    when: str      # "3 Dec 2026 14:02"
    what: str      # "the pathway plan"

    @property
    def sentence(self) -> str:
        """ "Jo Smith (adviser), on the web, 3 Dec 2026 14:02" """
        return f"{self.who}, {self.how}, {self.when}"


def access_event_words(event: AccessEvent) -> AccessEventWords:
    """One event in plain words. `event.actor` should be loaded with it (select_related)."""
    return AccessEventWords(
        at=event.at, who=who_words(event.actor),
        how=CHANNEL_WORDS.get(event.channel, event.get_channel_display().lower()),
        when=when_words(event.at), what=what_words(event.what))


def access_events_for(*, young_person: YoungPerson | int,
                      limit: int | None = None) -> list[AccessEventWords]:
    """The latest looks at a young person's record, latest first, in plain words: one query.
    The caller has checked the viewer may see the AUDIT area."""
    events = AccessEvent.objects.filter(young_person=young_person).select_related("actor")
    if limit is not None:
        events = events[:limit]
    return [access_event_words(event) for event in events]
