"""Which parts of one young person's record a user may see, asked of the one access policy."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from outcomes import access
from outcomes.access import Area
from outcomes.models import User, YoungPerson


def areas_visible_to(user: User, young_person: YoungPerson) -> frozenset[Area]:
    """The areas of `young_person`'s record that `user` may see, in one query."""
    checks = {
        f"may_see_{area.value}": Exists(
            access.young_people_visible_to(user, area).filter(pk=OuterRef("pk")))
        for area in Area
    }
    row = YoungPerson.objects.filter(pk=young_person.pk).values(**checks).first() or {}
    return frozenset(Area(name.removeprefix("may_see_")) for name, allowed in row.items()
                     if allowed)


def areas_changeable_by(user: User, visible: frozenset[Area]) -> frozenset[Area]:
    """Of the areas `user` may see (from `areas_visible_to`), those their role may change: no
    further query. The services decide each change again."""
    return visible & access.CHANGE_AREAS.get(user.role, frozenset())
