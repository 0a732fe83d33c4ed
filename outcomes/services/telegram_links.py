"""Linking a Telegram account to a person's account, and the link's life: paused by /stop,
started again, unlinked by its owner or revoked by staff.

A link starts as a one-time code that staff hand over as a `t.me/<bot>?start=<code>` link (UX.md
§4): random (192 bits), kept only as its SHA-256, claimed once by a conditional UPDATE and only
before it expires. A chat that sends five wrong codes in an hour is refused for the rest of the
hour without its codes being looked at. A Telegram account is linked to one person at a time, and
a person to one Telegram account: linking again replaces that person's old link.

Who may create a code (and revoke a link): a member of staff for themselves; for a young person,
staff who may change that young person's profile under the access policy (outside their scope:
NotVisible, so 404; in scope but not theirs to change: PermissionDenied). An administrator may
also do it for another member of staff. Young people never create codes. Telegram is for people
aged 16 or over in the UK (its terms of service), so no code is made for a younger person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from outcomes import access
from outcomes.access import Area
from outcomes.models import (
    STAFF_ROLES,
    Role,
    TelegramLink,
    TelegramLinkCode,
    User,
    YoungPerson,
)

from ._save import validated_save
from .telegram_menus import telegram_menu_reset_after_commit

MINIMUM_AGE = 16  # Telegram's terms of service for users in the UK
MAX_WRONG_CODES = 5
COOL_OFF_SECONDS = 60 * 60
# What secrets.token_urlsafe(24) makes, and all a Telegram start payload may hold.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")

STAFF_ONLY = "Only the people who work with a young person can make a Telegram link code."
SEE_ONLY = "You can see this young person but your role cannot link their Telegram."
NOT_YOURS = "You can make a Telegram link code only for yourself."
TOO_YOUNG = ("Telegram is only for people aged 16 or over in the UK, so this young person "
             "cannot be linked yet.")
ACCOUNT_OFF = "This account is switched off, so it cannot be linked to Telegram."


class LinkCodeRefused(Exception):
    """The code is unknown, already used or expired. Which of these is not said."""


class LinkCoolingOff(Exception):
    """Too many wrong codes came from this chat lately: nothing was checked."""


class TelegramAccountTaken(Exception):
    """This Telegram account is linked to someone else; nothing was written."""


@dataclass(frozen=True)
class LinkCode:
    """A new code: `code` is shown once (only its hash is kept); `url` opens the bot with it."""

    code: str
    url: str
    expires_at: dt.datetime
    user: User


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _wrong_codes_key(chat_id: int) -> str:
    return f"telegram-link:wrong-codes:{chat_id}"


def _require_may_link(actor: User | None, *, user: User | None = None,
                      young_person: YoungPerson | int | None = None) -> None:
    """404 outside the actor's scope; 403 in scope but not theirs to link (see module doc)."""
    if young_person is not None:
        access.require_view(actor, young_person, Area.PROFILE)
        if actor.role not in STAFF_ROLES:
            raise PermissionDenied(STAFF_ONLY)
        try:
            access.require_change(actor, young_person, Area.PROFILE)
        except access.NotVisible:
            raise PermissionDenied(SEE_ONLY) from None
        return
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise access.NotVisible
    if actor.role not in STAFF_ROLES:
        raise PermissionDenied(STAFF_ONLY)
    if user is not None and user.pk != actor.pk and actor.role != Role.ADMINISTRATOR:
        raise PermissionDenied(NOT_YOURS)


def telegram_link_require_may_link(*, actor: User, user: User | None = None,
                                   young_person: YoungPerson | None = None) -> None:
    """Check, before offering it, that `actor` may create link codes for (and revoke the link
    of) `user` or `young_person`: NotVisible outside their scope, PermissionDenied in scope but
    not theirs to link. The services below check the same again."""
    if (user is None) == (young_person is None):
        raise TypeError("Give either user or young_person.")
    _require_may_link(actor, user=user, young_person=young_person)


def _account_of(young_person: YoungPerson, *, actor: User) -> User:
    """The young person's own account, made now (with no password: they sign in through
    Telegram) if they have none yet. Call inside a transaction."""
    YoungPerson.objects.select_for_update().filter(pk=young_person.pk).first()
    account = User.objects.filter(young_person=young_person).first()
    if account is not None:
        return account
    username = f"yp-{young_person.child_id.lower()}"
    if User.objects.filter(username=username).exists():
        username = f"{username}-{young_person.pk}"
    account = User(username=username, role=Role.YOUNG_PERSON, young_person=young_person,
                   first_name=young_person.known_as,
                   last_name=young_person.legal_last_name)
    account.set_unusable_password()
    return validated_save(account, actor=actor)


def telegram_link_code_create(
    *, actor: User, user: User | None = None, young_person: YoungPerson | None = None,
    now: dt.datetime | None = None,
) -> LinkCode:
    """A one-time code that links a Telegram account to `user`, or to `young_person`'s account
    (made now if they have none). Give one of the two. Raises NotVisible, PermissionDenied, or
    ValidationError for someone under 16 or an account that is switched off."""
    if (user is None) == (young_person is None):
        raise TypeError("Give either user or young_person.")
    if user is not None and user.role == Role.YOUNG_PERSON:
        young_person = user.young_person
    if young_person is not None:
        _require_may_link(actor, young_person=young_person)
        today = timezone.localdate()
        if young_person.age_on(today) < MINIMUM_AGE:
            raise ValidationError({"young_person": TOO_YOUNG})
    else:
        _require_may_link(actor, user=user)
    now = now or timezone.now()
    raw = secrets.token_urlsafe(24)
    with transaction.atomic():
        if young_person is not None:
            user = _account_of(young_person, actor=actor)
        if not user.is_active:
            raise ValidationError({"user": ACCOUNT_OFF})
        _open_codes_end(user=user, now=now)  # only the newest code works
        row = validated_save(TelegramLinkCode(
            user=user, created_by=actor, code_hash=_digest(raw),
            expires_at=now + dt.timedelta(minutes=settings.TELEGRAM_LINK_CODE_MINUTES),
        ), actor=actor)
    return LinkCode(code=raw, url=f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={raw}",
                    expires_at=row.expires_at, user=user)


def _open_codes_end(*, user: User | int, now: dt.datetime) -> int:
    """End every unused, unexpired code for `user` (they expire now): making a new code or
    revoking the link leaves no older code that still links their account."""
    return TelegramLinkCode.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)


def _count_wrong_code(chat_id: int) -> None:
    key = _wrong_codes_key(chat_id)
    cache.add(key, 0, COOL_OFF_SECONDS)  # the hour runs from the first wrong code
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, COOL_OFF_SECONDS)


def _deactivate(link: TelegramLink, *, reason: str, actor: User | None,
                now: dt.datetime) -> TelegramLink:
    """End the link (inside the caller's transaction); once it commits, the chat's own command
    menu goes too, so it no longer shows the linked person's."""
    link.active = False
    link.deactivated_at = now
    link.deactivated_reason = reason[:200]
    link._change_reason = reason[:100]
    saved = validated_save(link, actor=actor)
    telegram_menu_reset_after_commit(chat_id=link.chat_id)
    return saved


def _claimed_link(code_hash: str, *, telegram_user_id: int, chat_id: int,
                  now: dt.datetime) -> TelegramLink | None:
    """Inside a transaction: use the code if it can be used, and link. None if it cannot."""
    used = TelegramLinkCode.objects.filter(
        code_hash=code_hash, used_at__isnull=True, expires_at__gt=now,
    ).update(used_at=now, used_by_telegram_user_id=telegram_user_id)
    if not used:
        return None
    user = TelegramLinkCode.objects.select_related("user").get(code_hash=code_hash).user
    if not user.is_active:
        return None
    current = list(TelegramLink.objects.select_for_update().filter(active=True).filter(
        Q(user=user) | Q(telegram_user_id=telegram_user_id)))
    if any(link.user_id != user.pk for link in current):
        raise TelegramAccountTaken
    for link in current:
        _deactivate(link, reason="Replaced by a new link.", actor=user, now=now)
    link = TelegramLink(user=user, telegram_user_id=telegram_user_id, chat_id=chat_id)
    link._change_reason = "linked"
    return validated_save(link, actor=user)


def telegram_link_claim(
    *, code: str, telegram_user_id: int, chat_id: int, now: dt.datetime | None = None
) -> TelegramLink:
    """Use a code sent from a Telegram chat: link that Telegram account to the code's person,
    replacing their old link. Raises LinkCoolingOff (too many wrong codes from this chat in the
    last hour, the code was not looked at), LinkCodeRefused (unknown, used or expired; counts as
    a wrong code) or TelegramAccountTaken (linked to someone else; the code stays unused)."""
    if (cache.get(_wrong_codes_key(chat_id)) or 0) >= MAX_WRONG_CODES:
        raise LinkCoolingOff
    now = now or timezone.now()
    link = None
    if CODE_PATTERN.fullmatch(code or ""):
        try:
            with transaction.atomic():
                link = _claimed_link(_digest(code), telegram_user_id=telegram_user_id,
                                     chat_id=chat_id, now=now)
                if link is None:
                    transaction.set_rollback(True)
        except IntegrityError:  # linked elsewhere by a claim that committed meanwhile
            raise TelegramAccountTaken from None
    if link is None:
        _count_wrong_code(chat_id)
        raise LinkCodeRefused
    return link


def telegram_link_active_for(*, telegram_user_id: int) -> TelegramLink | None:
    """The active link of a Telegram account, with its user; None when there is none. The link
    of an account that has been switched off is ended here, so its chat is unlinked."""
    link = (TelegramLink.objects.select_related("user", "user__young_person")
            .filter(telegram_user_id=telegram_user_id, active=True).first())
    if link is None or link.user.is_active:
        return link
    with transaction.atomic():
        _deactivate(link, reason="The account was switched off.", actor=None, now=timezone.now())
    return None


def _set_paused(link: TelegramLink, paused_at: dt.datetime | None, *,
                reason: str) -> TelegramLink:
    with transaction.atomic():
        current = TelegramLink.objects.select_for_update().get(pk=link.pk)
        if current.active and (current.paused_at is None) != (paused_at is None):
            current.paused_at = paused_at
            current._change_reason = reason
            validated_save(current, actor=link.user)
    link.refresh_from_db()
    return link


def telegram_link_pause(*, link: TelegramLink) -> TelegramLink:
    """/stop: no message is sent to this chat until it starts again. Already paused: no change."""
    return _set_paused(link, timezone.now(), reason="paused with /stop")


def telegram_link_resume(*, link: TelegramLink) -> TelegramLink:
    """/start after /stop: messages are sent again."""
    return _set_paused(link, None, reason="started again")


def telegram_link_unlink(*, link: TelegramLink) -> TelegramLink:
    """The person themselves ends the link (the bot asks them to confirm first)."""
    with transaction.atomic():
        current = TelegramLink.objects.select_for_update().select_related("user").get(pk=link.pk)
        if current.active:
            _deactivate(current, reason="Unlinked by its owner.", actor=current.user,
                        now=timezone.now())
    return current


def telegram_link_blocked(*, link_id: int) -> None:
    """Telegram says the person blocked the bot: the link ends, kept in its history."""
    with transaction.atomic():
        current = TelegramLink.objects.select_for_update().filter(pk=link_id, active=True).first()
        if current is not None:
            _deactivate(current, reason="The person blocked the bot.", actor=None,
                        now=timezone.now())


def telegram_link_revoke(*, actor: User, link: TelegramLink) -> TelegramLink:
    """Staff end someone's link: the same people who may create a code for that person."""
    if link.user.role == Role.YOUNG_PERSON:
        _require_may_link(actor, young_person=link.user.young_person_id)
    else:
        _require_may_link(actor, user=link.user)
    now = timezone.now()
    with transaction.atomic():
        current = TelegramLink.objects.select_for_update().get(pk=link.pk)
        if current.active:
            _deactivate(current, reason=f"Revoked by {actor.username}.", actor=actor, now=now)
        _open_codes_end(user=current.user_id, now=now)
    return current
