"""The forms that record the work, offered on the young person page to whoever may use them."""

from __future__ import annotations

from django import template

from outcomes import access
from outcomes.access import Area
from web.areas import areas_visible_to
from web.views.records import RecordPage, record_pages_for

register = template.Library()


@register.simple_tag(takes_context=True)
def record_links(context, person) -> list[RecordPage]:
    """The record forms the signed-in user may use for `person`, asked of the access policy:
    from the areas of the record the page found the user sees (`areas`, web.areas), or, on a
    page without them, one query for them."""
    user = context["request"].user
    shown = context.get("areas")
    areas = (frozenset(Area(area) for area in shown) if shown is not None
             else areas_visible_to(user, person))
    return record_pages_for(user, access.record_kinds_for(user, areas))
