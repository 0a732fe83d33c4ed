"""Small pieces of GOV.UK markup the staff pages share."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from outcomes.models import GoalStatus
from outcomes.models.education import academic_year_label
from outcomes.rules.schedule import State

register = template.Library()

# A state's words and its GOV.UK tag colour. Words carry the meaning; colour only repeats it.
STATE_TAGS: dict[str, tuple[str, str]] = {
    State.OVERDUE: ("Overdue", "govuk-tag--red"),
    State.DUE: ("Due soon", "govuk-tag--yellow"),
    State.UPCOMING: ("Upcoming", "govuk-tag--blue"),
    State.DONE: ("Done", "govuk-tag--green"),
    State.NEEDS_DATA: ("Needs data", "govuk-tag--purple"),
    State.NOT_RECORDED: ("Not recorded in Waymark", "govuk-tag--grey"),
    State.CLOSED: ("Closed", "govuk-tag--grey"),
}
GOAL_TAGS: dict[str, str] = {
    GoalStatus.NOT_STARTED: "govuk-tag--grey",
    GoalStatus.STARTED: "govuk-tag--blue",
    GoalStatus.DONE: "govuk-tag--green",
    GoalStatus.DROPPED: "govuk-tag--grey",
}


@register.simple_tag
def state_tag(state: str) -> str:
    """A schedule item's state as a GOV.UK tag."""
    words, colour = STATE_TAGS.get(state, (str(state).replace("_", " ").capitalize(),
                                           "govuk-tag--grey"))
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, words)


@register.simple_tag
def goal_tag(status: str) -> str:
    """A goal's status as a GOV.UK tag."""
    label = GoalStatus(status).label if status in GoalStatus.values else status
    return format_html('<strong class="govuk-tag {}">{}</strong>',
                       GOAL_TAGS.get(status, "govuk-tag--grey"), label)


@register.filter
def academic_year(year: int) -> str:
    """2024 -> "2023/24": academic years are named by the year they end."""
    return academic_year_label(year)
