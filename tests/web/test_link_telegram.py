"""The Link Telegram page: a button makes a one-time code (shown once, in the answer to the POST:
the t.me link, the code, when it stops working, and a QR code drawn on the server that reads back
as the link); the link's state now; revoking it. For a young person, and for a member of staff
themselves. Strangers get 404; the young person and roles that may only look, 403."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from outcomes import models as m
from outcomes.services import (
    LinkCodeRefused,
    telegram_link_claim,
    telegram_link_pause,
)
from tests import factories as f
from tests.web.qr import qr_text


@pytest.fixture(autouse=True)
def no_cool_off():
    cache.clear()
    yield
    cache.clear()


def page(person) -> str:
    return f"/young-people/{person.pk}/telegram/"


def revoke(person) -> str:
    return f"/young-people/{person.pk}/telegram/revoke/"


def issued_code(body: str, bot: str = "waymark_bot") -> str:
    return re.search(rf'href="https://t\.me/{bot}\?start=([A-Za-z0-9_-]+)"', body).group(1)


def svg_of(body: str) -> str:
    return re.search(r"<svg .*?</svg>", body, re.S).group(0)


def test_the_page_says_whether_telegram_is_linked_and_offers_a_code(personas, pages):
    response = pages.as_user(personas.adviser).get(page(personas.young_person))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "Not linked" in body and "Make a link code" in body
    assert "t.me/" not in body and "<svg" not in body
    assert "The code works once, for 15 minutes." in body
    assert not m.TelegramLinkCode.objects.exists()
    event = m.AccessEvent.objects.get()
    assert (event.actor, event.young_person, event.what, event.channel) == (
        personas.adviser, personas.young_person, "web.telegram_link", m.Channel.WEB)


def test_a_code_is_shown_once_with_its_link_expiry_and_a_qr_code_that_reads_back(
        personas, pages, settings):
    settings.TELEGRAM_BOT_USERNAME = "council_bot"
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.adviser)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      client.get(page(personas.young_person)).content.decode()).group(1)
    assert client.post(page(personas.young_person)).status_code == 403  # no CSRF token
    before = timezone.now()
    response = client.post(page(personas.young_person), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200  # shown in the answer, not behind a redirect
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    code = issued_code(body, "council_bot")
    url = f"https://t.me/council_bot?start={code}"
    assert f"<code class=\"waymark-break\">{code}</code>" in body
    row = m.TelegramLinkCode.objects.get()
    assert row.code_hash == hashlib.sha256(code.encode()).hexdigest()  # only the hash is kept
    assert row.user == personas.young_person_user and row.created_by == personas.adviser
    expires = timezone.localtime(row.expires_at)
    assert dt.timedelta(minutes=15) <= row.expires_at - before < dt.timedelta(minutes=16)
    assert f'<time datetime="{expires.isoformat()}">{expires:%H:%M}' in body
    # The QR code: inline SVG with a text alternative, that reads back as the link.
    svg = svg_of(body)
    assert svg.startswith('<svg role="img" aria-label="QR code for the Telegram link')
    assert "<title>QR code for the Telegram link" in svg
    assert qr_text(svg) == url
    # Never in an address: the page is at the same address as before, with nothing added.
    assert code not in response.request["PATH_INFO"] and "Location" not in response
    # Another look at the page does not show it again.
    again = client.get(page(personas.young_person)).content.decode()
    assert code not in again and "<svg" not in again


def test_the_code_works_once_and_the_page_then_says_linked(personas, pages):
    client = pages.as_user(personas.adviser)
    code = issued_code(client.post(page(personas.young_person)).content.decode())
    link = telegram_link_claim(code=code, telegram_user_id=7001, chat_id=7001)
    assert link.user == personas.young_person_user
    with pytest.raises(LinkCodeRefused):
        telegram_link_claim(code=code, telegram_user_id=7002, chat_id=7002)
    body = client.get(page(personas.young_person)).content.decode()
    assert ">Linked</strong>" in body and "Revoke the Telegram link" in body
    telegram_link_pause(link=link)
    body = client.get(page(personas.young_person)).content.decode()
    assert ">Paused</strong>" in body and "paused with /stop" in body


def test_staff_revoke_a_link(personas, pages):
    client = pages.as_user(personas.manager)
    link = m.TelegramLink.objects.create(user=personas.young_person_user,
                                         telegram_user_id=7001, chat_id=7001)
    assert client.get(revoke(personas.young_person)).status_code == 405  # a POST only
    response = client.post(revoke(personas.young_person))
    assert response.status_code == 302 and response["Location"] == page(personas.young_person)
    link.refresh_from_db()
    assert not link.active and "Revoked by manager" in link.deactivated_reason
    body = client.get(page(personas.young_person)).content.decode()
    assert "Telegram is no longer linked" in body and "Not linked" in body


def test_someone_under_16_gets_a_clear_error_and_no_code(personas, pages):
    person = personas.young_person
    person.date_of_birth = timezone.localdate() - dt.timedelta(days=365 * 15)
    person.save()
    response = pages.as_user(personas.adviser).post(page(person))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "aged 16 or over" in body
    assert "t.me/" not in body and not m.TelegramLinkCode.objects.exists()


def test_a_member_of_staff_links_their_own_telegram(personas, pages):
    client = pages.as_user(personas.social_worker)
    body = client.get("/telegram/").content.decode()
    assert "Link your Telegram" in body and "Not linked" in body
    response = client.post("/telegram/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    code = issued_code(response.content.decode())
    assert m.TelegramLinkCode.objects.get().user == personas.social_worker
    link = telegram_link_claim(code=code, telegram_user_id=8001, chat_id=8001)
    assert link.user == personas.social_worker
    assert client.post("/telegram/revoke/").status_code == 302
    link.refresh_from_db()
    assert not link.active
    assert not m.AccessEvent.objects.exists()  # no young person's record was shown


def test_the_young_person_page_links_here_for_those_who_may_link(personas, pages):
    person = personas.young_person
    body = pages.as_user(personas.adviser).get(f"/young-people/{person.pk}/").content.decode()
    assert f'href="{page(person)}"' in body
    body = pages.as_user(personas.iro).get(f"/young-people/{person.pk}/").content.decode()
    assert f'href="{page(person)}"' not in body


@pytest.mark.parametrize("who", ["other_adviser", "other_manager"])
def test_strangers_get_404(personas, pages, who):
    client = pages.as_user(getattr(personas, who))
    for address in (page(personas.young_person), revoke(personas.young_person),
                    "/young-people/999999/telegram/"):
        assert client.get(address).status_code in (404, 405)
        assert client.post(address).status_code == 404, address
    assert not m.TelegramLinkCode.objects.exists() and not m.AccessEvent.objects.exists()


@pytest.mark.parametrize("who", ["young_person_user", "iro", "virtual_school"])
def test_the_young_person_and_roles_that_may_only_look_are_refused(personas, pages, who):
    f.EpisodeFactory(period_of_care__young_person=personas.young_person, legal_status="C2")
    m.TelegramLink.objects.create(user=personas.young_person_user, telegram_user_id=7001,
                                  chat_id=7001)
    client = pages.as_user(getattr(personas, who))
    for address in (page(personas.young_person), revoke(personas.young_person)):
        assert client.post(address).status_code == 403, address
    assert client.get(page(personas.young_person)).status_code == 403
    assert not m.TelegramLinkCode.objects.exists()
    assert m.TelegramLink.objects.get().active
    assert not m.AccessEvent.objects.exists()
    if who != "young_person_user":
        assert client.get("/telegram/").status_code == 200  # their own Telegram, though


def test_query_budgets(personas, pages, django_assert_max_num_queries):
    client = pages.as_user(personas.adviser)
    with django_assert_max_num_queries(10):
        assert client.get(page(personas.young_person)).status_code == 200
    # Making a code: the service's access checks, the young person's account, the code's row.
    with django_assert_max_num_queries(23):  # + the safeguarding banner
        assert client.post(page(personas.young_person)).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/telegram/").status_code == 200


def test_the_admin_action_shows_the_qr_code_too(client, personas, settings):
    from django.urls import reverse

    settings.TELEGRAM_BOT_USERNAME = "council_bot"
    client.force_login(personas.admin)
    response = client.post(reverse("admin:outcomes_user_changelist"), {
        "action": "telegram_link_code", "_selected_action": [personas.young_person_user.pk]},
        follow=True)
    [message] = [str(message) for message in response.context["messages"]]
    code = issued_code(message, "council_bot")
    svg = svg_of(message)
    assert '<svg role="img" aria-label="QR code for the Telegram link' in svg
    assert qr_text(svg) == f"https://t.me/council_bot?start={code}"
    assert svg in response.content.decode()  # shown on the page, not escaped


def test_the_pages_are_sound_html(personas, pages):
    from tests.web.test_markup import outline

    client = pages.as_user(personas.adviser)
    m.TelegramLink.objects.create(user=personas.young_person_user, telegram_user_id=7001,
                                  chat_id=7001)
    for body in (client.get(page(personas.young_person)).content.decode(),
                 client.post(page(personas.young_person)).content.decode(),
                 client.post("/telegram/").content.decode()):
        parsed = outline(body)
        assert parsed.html_lang == "en-GB" and parsed.first_link == "#main-content"
        assert parsed.tags["h1"] == 1
        assert [i for i, n in parsed.ids.items() if n > 1] == []
