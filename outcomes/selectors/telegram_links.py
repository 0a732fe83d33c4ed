"""Whether a person's Telegram is linked, for the staff who link and revoke it."""

from __future__ import annotations

from outcomes import access
from outcomes.access import Area
from outcomes.models import Role, TelegramLink, User, YoungPerson


def telegram_link_for(*, viewer: User, user: User | None = None,
                      young_person: YoungPerson | None = None) -> TelegramLink | None:
    """The active Telegram link of `young_person`'s account or of the member of staff `user`
    (paused or not: see `paused_at`); None when there is none. Raises NotVisible outside the
    viewer's scope: a young person's profile, or their own account (an administrator: anyone's).
    One query after the scope check."""
    if (user is None) == (young_person is None):
        raise TypeError("Give either user or young_person.")
    if young_person is not None:
        access.require_view(viewer, young_person, Area.PROFILE)
        links = TelegramLink.objects.filter(user__young_person=young_person)
    else:
        if getattr(viewer, "pk", None) != user.pk and getattr(viewer, "role", None) != (
                Role.ADMINISTRATOR):
            raise access.NotVisible
        links = TelegramLink.objects.filter(user=user)
    return links.filter(active=True).first()
