"""The forms that record the work, offered on the young person page to whoever may use them."""

from __future__ import annotations

from django import template

from outcomes import access
from web.areas import areas_visible_to
from web.views.records import RecordPage, record_pages_for

register = template.Library()


@register.simple_tag(takes_context=True)
def record_links(context, person) -> list[RecordPage]:
    """The record forms the signed-in user may use for `person`, asked of the access policy
    (one query: which areas of the record they see)."""
    user = context["request"].user
    return record_pages_for(user, access.record_kinds_for(user, areas_visible_to(user, person)))
