"""Linking a Telegram account (outcomes/services/telegram_links.py): one-time codes kept only as
a hash, used once and only before they expire, a cool-off after five wrong codes from a chat,
one Telegram account for one person, and the link's life (paused, started again, unlinked,
revoked) kept in its history. And the stranger is refused."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outcomes import models as m
from outcomes.access import NotVisible
from outcomes.services import (
    LinkCodeRefused,
    LinkCoolingOff,
    TelegramAccountTaken,
    telegram_link_active_for,
    telegram_link_claim,
    telegram_link_code_create,
    telegram_link_pause,
    telegram_link_resume,
    telegram_link_revoke,
    telegram_link_unlink,
)
from outcomes.services.telegram_links import CODE_PATTERN, MAX_WRONG_CODES
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cool_off():
    cache.clear()
    yield
    cache.clear()


def code_for(personas, **kwargs) -> str:
    return telegram_link_code_create(actor=personas.adviser,
                                     young_person=personas.young_person, **kwargs).code


def claim(code: str, telegram_user_id: int = 9001, chat_id: int | None = None) -> m.TelegramLink:
    return telegram_link_claim(code=code, telegram_user_id=telegram_user_id,
                               chat_id=chat_id or telegram_user_id)


# --- Making a code -----------------------------------------------------------------------------


def test_a_code_is_random_and_only_its_hash_is_kept(personas, settings):
    settings.TELEGRAM_BOT_USERNAME = "council_bot"
    before = timezone.now()
    issued = telegram_link_code_create(actor=personas.adviser, young_person=personas.young_person)
    assert CODE_PATTERN.fullmatch(issued.code) and len(issued.code) >= 22  # >= 128 bits
    assert issued.url == f"https://t.me/council_bot?start={issued.code}"
    assert len(issued.url.partition("start=")[2]) <= 64  # Telegram's start payload
    assert issued.user == personas.young_person_user
    [row] = m.TelegramLinkCode.objects.all()
    assert row.code_hash == hashlib.sha256(issued.code.encode()).hexdigest()
    stored = " ".join(str(getattr(row, field.attname)) for field in row._meta.fields)
    assert issued.code not in stored
    assert row.created_by == personas.adviser and row.user == personas.young_person_user
    assert dt.timedelta(minutes=14) < row.expires_at - before <= dt.timedelta(minutes=15, seconds=5)
    assert issued.code != code_for(personas)


def test_the_expiry_is_a_setting(personas, settings):
    settings.TELEGRAM_LINK_CODE_MINUTES = 30
    issued = telegram_link_code_create(actor=personas.adviser, young_person=personas.young_person)
    assert issued.expires_at - timezone.now() > dt.timedelta(minutes=29)


def test_a_young_person_without_an_account_gets_one_with_no_password(personas):
    person = f.YoungPersonFactory(team=personas.team, legal_first_name="Avery",
                                  preferred_name="Ave")
    f.AllocationFactory(young_person=person, worker=personas.adviser)
    issued = telegram_link_code_create(actor=personas.adviser, young_person=person)
    account = person.user
    assert issued.user == account
    assert account.role == m.Role.YOUNG_PERSON and account.first_name == "Ave"
    assert not account.has_usable_password()
    assert account.history.get().history_user == personas.adviser
    telegram_link_code_create(actor=personas.adviser, young_person=person)
    assert m.User.objects.filter(young_person=person).count() == 1


def test_no_code_for_someone_under_16(personas):
    person = f.YoungPersonFactory(team=personas.team,
                                  date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 15))
    f.AllocationFactory(young_person=person, worker=personas.adviser)
    with pytest.raises(ValidationError, match="16 or over"):
        telegram_link_code_create(actor=personas.adviser, young_person=person)
    assert not m.TelegramLinkCode.objects.exists()
    assert not m.User.objects.filter(young_person=person).exists()


@pytest.mark.parametrize(("who", "refused"), [
    ("other_adviser", NotVisible),      # not their young person: not disclosed
    ("other_manager", NotVisible),
    ("virtual_school", NotVisible),     # sees children looked after now only
    ("iro", PermissionDenied),          # sees the profile, may not change it
])
def test_only_those_who_may_change_the_profile_make_codes(personas, who, refused):
    with pytest.raises(refused):
        telegram_link_code_create(actor=getattr(personas, who),
                                  young_person=personas.young_person)
    assert not m.TelegramLinkCode.objects.exists()


@pytest.mark.parametrize("who", ["adviser", "social_worker", "manager", "admin"])
def test_their_workers_make_codes(personas, who):
    telegram_link_code_create(actor=getattr(personas, who), young_person=personas.young_person)
    assert m.TelegramLinkCode.objects.get().created_by == getattr(personas, who)


def test_a_young_person_cannot_make_codes(personas):
    with pytest.raises(PermissionDenied):
        telegram_link_code_create(actor=personas.young_person_user,
                                  young_person=personas.young_person)
    with pytest.raises(PermissionDenied):
        telegram_link_code_create(actor=personas.young_person_user,
                                  user=personas.young_person_user)


def test_staff_make_codes_for_themselves_and_an_administrator_for_other_staff(personas):
    assert telegram_link_code_create(actor=personas.adviser,
                                     user=personas.adviser).user == personas.adviser
    with pytest.raises(PermissionDenied):
        telegram_link_code_create(actor=personas.adviser, user=personas.manager)
    assert telegram_link_code_create(actor=personas.admin,
                                     user=personas.manager).user == personas.manager


def test_a_code_for_a_young_persons_account_follows_the_young_persons_rules(personas):
    assert telegram_link_code_create(
        actor=personas.adviser, user=personas.young_person_user).user == personas.young_person_user
    with pytest.raises(NotVisible):
        telegram_link_code_create(actor=personas.other_adviser, user=personas.young_person_user)


def test_no_code_for_a_switched_off_account(personas):
    personas.adviser.is_active = False
    personas.adviser.save()
    with pytest.raises(NotVisible):
        telegram_link_code_create(actor=personas.adviser, user=personas.adviser)
    personas.young_person_user.is_active = False
    personas.young_person_user.save()
    with pytest.raises(ValidationError, match="switched off"):
        telegram_link_code_create(actor=personas.manager, young_person=personas.young_person)


# --- Using a code ------------------------------------------------------------------------------


def test_a_code_links_the_telegram_account_once(personas):
    code = code_for(personas)
    link = claim(code, telegram_user_id=9001, chat_id=9001)
    assert (link.user, link.telegram_user_id, link.chat_id, link.active) == (
        personas.young_person_user, 9001, 9001, True)
    row = m.TelegramLinkCode.objects.get()
    assert row.used_at is not None and row.used_by_telegram_user_id == 9001
    assert link.history.get().history_user == personas.young_person_user
    with pytest.raises(LinkCodeRefused):
        claim(code, telegram_user_id=9001)
    with pytest.raises(LinkCodeRefused):
        claim(code, telegram_user_id=9002)
    assert m.TelegramLink.objects.filter(active=True).get() == link


def test_an_expired_code_is_refused(personas):
    code = code_for(personas, now=timezone.now() - dt.timedelta(minutes=16))
    with pytest.raises(LinkCodeRefused):
        claim(code)
    assert m.TelegramLinkCode.objects.get().used_at is None
    assert not m.TelegramLink.objects.exists()


def test_unknown_and_malformed_codes_are_refused(personas):
    code_for(personas)
    for wrong in ["x" * 32, "", "short", "has spaces in it and more", "é" * 20, "a" * 65]:
        with pytest.raises(LinkCodeRefused):
            claim(wrong)
        cache.clear()
    assert not m.TelegramLink.objects.exists()


def test_five_wrong_codes_from_a_chat_cool_it_off_for_an_hour(personas):
    code = code_for(personas)
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(LinkCodeRefused):
            claim("A" * 32, telegram_user_id=9001)
    with pytest.raises(LinkCoolingOff):
        claim(code, telegram_user_id=9001)  # even the right code is not looked at
    assert m.TelegramLinkCode.objects.get().used_at is None
    assert claim(code, telegram_user_id=9002).telegram_user_id == 9002  # another chat is not
    cache.clear()  # the hour has passed
    with pytest.raises(LinkCodeRefused):
        claim(code, telegram_user_id=9001)  # ... and the code has been used meanwhile


def test_a_telegram_account_links_to_one_person_only(personas):
    claim(code_for(personas), telegram_user_id=9001)
    staff_code = telegram_link_code_create(actor=personas.adviser, user=personas.adviser).code
    with pytest.raises(TelegramAccountTaken):
        claim(staff_code, telegram_user_id=9001)
    assert m.TelegramLinkCode.objects.get(user=personas.adviser).used_at is None
    assert not m.TelegramLink.objects.filter(user=personas.adviser).exists()
    assert claim(staff_code, telegram_user_id=9002).user == personas.adviser


def test_linking_again_replaces_the_old_link(personas):
    old = claim(code_for(personas), telegram_user_id=9001)
    new = claim(code_for(personas), telegram_user_id=9002)
    old.refresh_from_db()
    assert not old.active and old.deactivated_reason == "Replaced by a new link."
    assert new.active and m.TelegramLink.objects.filter(active=True).get() == new
    again = claim(code_for(personas), telegram_user_id=9002)  # the same account, a new code
    assert m.TelegramLink.objects.filter(active=True).get() == again


# --- The link's life ---------------------------------------------------------------------------


def test_stop_and_start_again_are_kept_in_the_history(personas):
    link = claim(code_for(personas))
    paused = telegram_link_pause(link=link)
    assert paused.paused_at is not None and not paused.can_receive
    assert telegram_link_pause(link=link).paused_at == paused.paused_at  # no change
    resumed = telegram_link_resume(link=link)
    assert resumed.paused_at is None and resumed.can_receive
    reasons = list(link.history.order_by("history_id").values_list("history_change_reason",
                                                                   "history_user"))
    user = personas.young_person_user.pk
    assert reasons == [("linked", user), ("paused with /stop", user), ("started again", user)]


def test_unlinking_ends_the_link(personas):
    link = telegram_link_unlink(link=claim(code_for(personas)))
    assert not link.active and link.deactivated_reason == "Unlinked by its owner."
    assert telegram_link_active_for(telegram_user_id=9001) is None


def test_staff_revoke_a_young_persons_link_and_the_stranger_is_refused(personas):
    link = claim(code_for(personas))
    with pytest.raises(NotVisible):
        telegram_link_revoke(actor=personas.other_adviser, link=link)
    with pytest.raises(PermissionDenied):
        telegram_link_revoke(actor=personas.iro, link=link)
    with pytest.raises(PermissionDenied):
        telegram_link_revoke(actor=personas.young_person_user, link=link)
    assert m.TelegramLink.objects.get().active
    revoked = telegram_link_revoke(actor=personas.adviser, link=link)
    assert not revoked.active and revoked.deactivated_reason == "Revoked by adviser."
    assert revoked.history.latest().history_user == personas.adviser


def test_a_switched_off_accounts_link_ends_when_next_used(personas):
    claim(code_for(personas))
    assert telegram_link_active_for(telegram_user_id=9001).user == personas.young_person_user
    personas.young_person_user.is_active = False
    personas.young_person_user.save()
    assert telegram_link_active_for(telegram_user_id=9001) is None
    link = m.TelegramLink.objects.get()
    assert not link.active and link.deactivated_reason == "The account was switched off."


def test_a_code_for_a_switched_off_account_does_not_link(personas):
    code = code_for(personas)
    personas.young_person_user.is_active = False
    personas.young_person_user.save()
    with pytest.raises(LinkCodeRefused):
        claim(code)
    assert not m.TelegramLink.objects.exists()


# --- The admin action ----------------------------------------------------------------------------


def _run_link_action(client, *users):
    from django.urls import reverse

    return client.post(reverse("admin:outcomes_user_changelist"), {
        "action": "telegram_link_code", "_selected_action": [u.pk for u in users]}, follow=True)


def test_the_admin_action_shows_the_link_once(client, personas, settings):
    settings.TELEGRAM_BOT_USERNAME = "council_bot"
    client.force_login(personas.admin)
    response = _run_link_action(client, personas.young_person_user)
    [message] = [str(message) for message in response.context["messages"]]
    row = m.TelegramLinkCode.objects.get()
    code = message.split("start=")[1].split('"')[0]
    assert row.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert row.user == personas.young_person_user and row.created_by == personas.admin
    assert "https://t.me/council_bot?start=" in message and "works once" in message


def test_the_admin_action_refuses_several_people_and_people_out_of_scope(client, personas):
    client.force_login(personas.admin)
    response = _run_link_action(client, personas.adviser, personas.manager)
    [message] = response.context["messages"]
    assert "exactly one" in str(message)
    # The admin site lets them in; the access policy still decides by their role.
    personas.other_manager.is_staff = personas.other_manager.is_superuser = True
    personas.other_manager.save()
    client.force_login(personas.other_manager)
    response = _run_link_action(client, personas.young_person_user)
    [message] = response.context["messages"]
    assert "not in your scope" in str(message)
    assert not m.TelegramLinkCode.objects.exists()


# --- Old codes end (issue 15) ------------------------------------------------------------------


def test_after_a_revoke_an_older_unused_code_no_longer_links(personas):
    link = claim(code_for(personas), telegram_user_id=9001)
    older = code_for(personas)  # made while linked, never used
    telegram_link_revoke(actor=personas.adviser, link=link)
    with pytest.raises(LinkCodeRefused):
        claim(older, telegram_user_id=9666)
    assert not m.TelegramLink.objects.filter(active=True).exists()
    # A code made after the revoke works.
    assert claim(code_for(personas), telegram_user_id=9002).active


def test_a_new_code_ends_every_open_code_for_that_person(personas):
    first, second = code_for(personas), code_for(personas)
    other_person_code = telegram_link_code_create(actor=personas.adviser,
                                                  user=personas.adviser).code
    with pytest.raises(LinkCodeRefused):
        claim(first, telegram_user_id=9001)
    assert claim(second, telegram_user_id=9001).active
    # Someone else's open code is untouched.
    assert claim(other_person_code, telegram_user_id=9003).user == personas.adviser
