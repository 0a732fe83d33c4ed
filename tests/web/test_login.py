"""Signing in to the staff pages: staff only, locked after 5 failures, POST to sign out."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from outcomes.models import AccessEvent
from web.forms import NOT_STAFF

PASSWORD = "waymark-test-password"


def sign_in(client: Client, username: str, password: str, ip: str = "203.0.113.5"):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_sign_in_page_is_a_gov_uk_form(db):
    response = Client().get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'autocomplete="username"' in body and 'autocomplete="current-password"' in body
    assert "Sign in to Waymark" in body


def test_an_adviser_signs_in_and_lands_on_their_caseload(personas):
    client = Client()
    response = sign_in(client, "adviser", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)
    assert "Jordan Example" in client.get("/").content.decode()


def test_sign_in_goes_back_to_the_page_asked_for(personas):
    client = Client()
    page = f"/young-people/{personas.young_person.pk}/"
    assert client.get(page)["Location"] == f"/login/?next={page}"
    response = client.post("/login/", {"username": "adviser", "password": PASSWORD,
                                       "next": page})
    assert response["Location"] == page


def test_a_wrong_password_is_an_error_summary_and_keeps_the_username(personas):
    response = sign_in(Client(), "adviser", "not-the-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a correct username and password" in body
    assert 'value="adviser"' in body
    assert "<title>Error: Sign in" in body


def test_five_failures_lock_the_username_from_that_address_for_an_hour(personas):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "adviser", "wrong").status_code == 200
    locked = sign_in(client, "adviser", "wrong")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    # Even the right password is refused now, from that address.
    assert sign_in(client, "adviser", PASSWORD).status_code == 429
    assert not signed_in(client)
    # The lock is on the username and the address together: the adviser elsewhere still gets in,
    # and so does someone else from the same address.
    assert sign_in(Client(), "adviser", PASSWORD, ip="198.51.100.7").status_code == 302
    assert sign_in(Client(), "socialworker", PASSWORD).status_code == 302


def test_a_young_person_cannot_sign_in_to_the_staff_pages(personas):
    client = Client()
    response = sign_in(client, "yp1", PASSWORD)
    assert response.status_code == 200
    assert NOT_STAFF in response.content.decode()
    assert not signed_in(client)


def test_a_young_person_with_a_session_is_refused_every_page(personas, pages):
    client = pages.as_user(personas.young_person_user)
    assert client.get("/").status_code == 403
    assert client.get(f"/young-people/{personas.young_person.pk}/").status_code == 403
    assert AccessEvent.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(personas):
    client = Client()
    for page in ("/", "/team/", f"/young-people/{personas.young_person.pk}/",
                 f"/young-people/{personas.young_person.pk}/chronology/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    assert AccessEvent.objects.count() == 0


def test_signing_out_is_a_post_and_ends_the_session(personas, pages):
    client = pages.as_user(personas.adviser)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not signed_in(client)
    assert client.get("/").status_code == 302


def test_the_api_token_login_still_works_beside_the_lockout(personas):
    response = Client().post("/api/v1/auth/token/",
                             {"username": "adviser", "password": PASSWORD})
    assert response.status_code == 201


def test_the_lock_lifts_after_an_hour(personas):
    client = Client()
    for _ in range(5):
        sign_in(client, "adviser", "wrong")
    assert sign_in(client, "adviser", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=61))
    assert sign_in(client, "adviser", PASSWORD).status_code == 302


def test_behind_a_proxy_the_lock_is_on_the_address_the_proxy_saw(personas, settings):
    settings.WAYMARK_TRUSTED_PROXIES = 1

    def attempt(forwarded_for: str, password: str):
        return Client().post("/login/", {"username": "adviser", "password": password},
                             REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    for _ in range(5):
        # A client cannot escape the lock by making up addresses on the left.
        attempt(f"192.0.2.{_}, 203.0.113.5", "wrong")
    assert attempt("203.0.113.5", PASSWORD).status_code == 429
    # Another person behind the same proxy is not locked out with them.
    assert attempt("198.51.100.7", PASSWORD).status_code == 302
