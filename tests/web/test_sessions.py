"""Issue 15: sessions end when idle, at browser close, and on a password change or deactivation;
headers; the API tokens page."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from config.middleware import LAST_SEEN
from outcomes.models import ApiToken

PASSWORD = "waymark-test-password"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def signed_in_client(username: str = "adviser") -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def set_last_seen(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - seconds_ago
    session.save()


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(personas, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = signed_in_client()
    set_last_seen(client, 29 * 60)
    assert client.get("/").status_code == 200  # 29 minutes: still signed in, clock restarts
    set_last_seen(client, 31 * 60)
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/login/")
    assert "You were signed out because you did nothing for 30 minutes" in (
        response.content.decode())
    assert "_auth_user_id" not in client.session
    # The API, over the same session, is refused too.
    client = signed_in_client()
    set_last_seen(client, 31 * 60)
    assert client.get("/api/v1/young-people/").status_code in (401, 403)


def test_the_keep_alive_restarts_the_idle_clock(personas, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = signed_in_client()
    set_last_seen(client, 29 * 60)
    assert client.post("/session/keep-alive/").status_code == 204
    assert time.time() - client.session[LAST_SEEN] < 5
    assert client.get("/session/keep-alive/").status_code == 405
    assert Client().post("/session/keep-alive/").status_code == 302  # to sign in


def test_every_page_carries_the_timeout_warning_without_inline_script(personas, settings):
    settings.SESSION_IDLE_MINUTES = 20
    body = signed_in_client().get("/").content.decode()
    assert 'id="timeout-warning"' in body and 'data-idle-seconds="1200"' in body
    assert "web/timeout.js" in body
    assert "timeout-warning" not in Client().get("/login/").content.decode()


def test_the_session_cookie_ends_when_the_browser_closes(personas):
    client = Client()
    response = client.post("/login/", {"username": "adviser", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]


@pytest.mark.parametrize("change", ["password", "deactivate"])
def test_every_session_ends_on_a_password_change_or_deactivation(personas, change):
    first, second = signed_in_client(), signed_in_client()
    assert first.get("/").status_code == 200 and second.get("/").status_code == 200
    user = personas.adviser
    if change == "password":
        user.set_password("a-brand-new-password-2026")
    else:
        user.is_active = False
    user.save()
    for client in (first, second):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_staff_pages_and_the_sign_in_page_are_not_cached(personas):
    client = signed_in_client()
    for path in ("/", "/telegram/", "/account/api-tokens/"):
        assert client.get(path)["Cache-Control"] == "no-store", path


def test_every_page_has_a_strict_content_security_policy(personas):
    for client, path in ((Client(), "/login/"), (signed_in_client(), "/")):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_x_forwarded_proto_is_trusted_only_when_configured(personas, settings):
    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    settings.SECURE_PROXY_SSL_HEADER = None
    assert not request.is_secure()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert request.is_secure()


# --- The API tokens page ----------------------------------------------------------------------


def test_the_tokens_page_lists_and_revokes_only_your_own(personas):
    mine = APIClient().post("/api/v1/auth/token/", {"username": "adviser",
                                                    "password": PASSWORD}).json()["token"]
    theirs = APIClient().post("/api/v1/auth/token/", {"username": "manager",
                                                      "password": PASSWORD}).json()["token"]
    client = signed_in_client()
    page = client.get("/account/api-tokens/").content.decode()
    assert f"{mine[:8]}…" in page and theirs[:8] not in page and mine not in page
    assert "Working" in page
    other = ApiToken.objects.get(prefix=theirs[:8])
    assert client.post(f"/account/api-tokens/{other.pk}/revoke/").status_code == 404
    own = ApiToken.objects.get(prefix=mine[:8])
    response = client.post(f"/account/api-tokens/{own.pk}/revoke/", follow=True)
    assert f"Token {mine[:8]}… is revoked" in response.content.decode()
    own.refresh_from_db()
    assert own.revoked_at is not None and own.revoked_reason == "Revoked by its owner."
    other.refresh_from_db()
    assert other.revoked_at is None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {mine}")
    assert api.get("/api/v1/young-people/").status_code == 401
    assert client.get(f"/account/api-tokens/{own.pk}/revoke/").status_code == 405
