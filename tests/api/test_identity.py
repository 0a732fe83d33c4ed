"""Issue 15: the sign-in limits (proxy count, password spraying), security events, and API tokens
that expire, end with a change to their owner's account, and are listed and revoked by them."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from api.throttles import LoginThrottle
from outcomes.models import ApiToken, Role, SecurityEvent, SecurityEventKind
from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
PASSWORD = "waymark-test-password"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def token_for(username: str = "adviser") -> str:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- The proxy count --------------------------------------------------------------------------


def test_with_no_proxy_a_forged_forwarded_for_does_not_dodge_the_throttle(personas, settings):
    settings.WAYMARK_TRUSTED_PROXIES = 0
    client = APIClient()
    statuses = [client.post(TOKEN_URL, {"username": "adviser", "password": "wrong"},
                            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(5)]
    assert statuses == [400] * 5
    for n in range(10):
        response = client.post(TOKEN_URL, {"username": "adviser", "password": "wrong"},
                               HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response.status_code == 429, (n, response.content)


def test_behind_one_proxy_the_right_most_address_is_the_one_throttled(personas, settings):
    settings.WAYMARK_TRUSTED_PROXIES = 1
    client = APIClient()

    def attempt(forwarded_for: str) -> int:
        return client.post(TOKEN_URL, {"username": "adviser", "password": "wrong"},
                           REMOTE_ADDR="10.0.0.1",
                           HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    # Made-up addresses on the left change nothing: the proxy's own entry counts.
    assert [attempt(f"192.0.2.{n}, 203.0.113.5") for n in range(5)] == [400] * 5
    assert attempt("192.0.2.99, 203.0.113.5") == 429
    # Someone else behind the same proxy is not throttled with them.
    assert attempt("198.51.100.7") == 400


# --- Password spraying ------------------------------------------------------------------------


def test_one_address_spraying_fifty_usernames_is_refused_after_the_limit(personas, settings,
                                                                         monkeypatch):
    settings.WAYMARK_LOGIN_ADDRESS_LIMIT = 20
    # The per-minute throttle out of the way: this is about the limit over the hour.
    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {"login": "1000/min"})
    client = APIClient()
    statuses = [client.post(TOKEN_URL, {"username": f"user{n}", "password": "Spring2026!"})
                .status_code for n in range(50)]
    assert statuses[:20] == [400] * 20
    assert statuses[20:] == [429] * 30
    # Refused before the password is even checked: the right one is refused too.
    response = client.post(TOKEN_URL, {"username": "adviser", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    events = SecurityEvent.objects.filter(kind=SecurityEventKind.ADDRESS_BLOCKED)
    assert events.count() == 1
    assert events.get().ip_address == "127.0.0.1" and events.get().channel == "api"
    # Another address is not refused with it.
    assert client.post(TOKEN_URL, {"username": "adviser", "password": PASSWORD},
                       REMOTE_ADDR="192.0.2.10").status_code == 201


def test_spraying_the_staff_sign_in_page_is_refused_too(personas, settings):
    settings.WAYMARK_LOGIN_ADDRESS_LIMIT = 20
    client = Client()
    for n in range(20):
        response = client.post("/login/", {"username": f"user{n}", "password": "Spring2026!"})
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    response = client.post("/login/", {"username": "adviser", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed sign-ins have come from your network" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ADDRESS_BLOCKED,
                                        channel="web").count() == 1


def test_a_lockout_is_a_security_event_and_the_admin_lists_it(personas):
    client = Client()
    for _ in range(7):
        client.post("/login/", {"username": "adviser", "password": "wrong"})
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOCKOUT)
    assert event.user == personas.adviser and event.username_masked == "ad***"
    admin = Client()
    admin.force_login(personas.admin)
    page = admin.get("/admin/outcomes/securityevent/")
    assert page.status_code == 200
    assert "Username locked out" in page.content.decode()
    assert admin.get(f"/admin/outcomes/securityevent/{event.pk}/change/").status_code == 200
    assert admin.post(f"/admin/outcomes/securityevent/{event.pk}/delete/").status_code == 403
    with pytest.raises(Exception, match="cannot be changed"):
        SecurityEvent.objects.filter(pk=event.pk).update(detail="x")


def test_administrators_are_emailed_once_over_the_threshold(personas, settings,
                                                            django_capture_on_commit_callbacks):
    settings.WAYMARK_SECURITY_ALERT_THRESHOLD = 3
    settings.WAYMARK_LOGIN_ADDRESS_LIMIT = 1
    personas.admin.email = "admin@example.org"
    personas.admin.save()
    UserFactory(username="admin-off", role=Role.ADMINISTRATOR, email="off@example.org",
                is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):  # each address is refused at its first failure: one event each
            APIClient().post(TOKEN_URL, {"username": "x", "password": "y"},
                             REMOTE_ADDR=f"192.0.2.{n}")
    assert SecurityEvent.objects.count() == 5
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["admin@example.org"]
    assert "192.0.2" not in message.body and "x" not in message.subject.lower().split()


def test_failed_sign_in_usernames_are_masked_in_every_log(personas, caplog):
    with caplog.at_level(logging.DEBUG):
        Client().post("/login/", {"username": "adviser-secret", "password": "hunter2-pw"})
        APIClient().post(TOKEN_URL, {"username": "adviser-secret", "password": "hunter2-pw"})
    assert "adviser-secret" not in caplog.text and "hunter2-pw" not in caplog.text
    assert "ad***" in caplog.text


# --- Tokens -----------------------------------------------------------------------------------


def test_a_token_expires_after_api_token_days(personas, settings):
    settings.API_TOKEN_DAYS = 30
    response = APIClient().post(TOKEN_URL, {"username": "adviser", "password": PASSWORD})
    expires = dt.datetime.fromisoformat(response.json()["expires_at"])
    assert abs(expires - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    client = with_token(response.json()["token"])
    assert client.get("/api/v1/young-people/").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = client.get("/api/v1/young-people/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid, expired or revoked token.", "errors": {}}
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TOKEN_REFUSED)
    assert event.user == personas.adviser and "expired" in event.detail
    client.get("/api/v1/young-people/")
    assert SecurityEvent.objects.count() == 1  # once an hour for each token, not a flood


@pytest.mark.parametrize("change", ["password", "deactivate", "role"])
def test_a_token_is_refused_after_the_owner_account_changes(personas, change):
    token = token_for()
    client = with_token(token)
    assert client.get("/api/v1/young-people/").status_code == 200
    user = personas.adviser
    if change == "password":
        user.set_password("a-brand-new-password-2026")
    elif change == "deactivate":
        user.is_active = False
    else:
        user.role = Role.SOCIAL_WORKER
    user.save()
    assert client.get("/api/v1/young-people/").status_code == 401
    stored = ApiToken.objects.get(user=user)
    if change != "deactivate":  # a switched-off account's tokens die with it anyway
        assert stored.revoked_at is not None
        assert stored.revoked_reason == "The password, role or account changed."
    if change != "deactivate":
        # Changing it back does not bring the token back.
        listing = APIClient()
        listing.force_authenticate(user)
        assert listing.get(TOKENS_URL).json()[0]["state"] == "revoked"


def test_delete_revokes_the_token_in_use_and_only_it(personas):
    first, second = token_for(), token_for()
    response = with_token(first).delete(TOKEN_URL)
    assert response.status_code == 204
    assert with_token(first).get("/api/v1/young-people/").status_code == 401
    assert with_token(second).get("/api/v1/young-people/").status_code == 200
    revoked = ApiToken.objects.get(prefix=first[:8])
    assert revoked.revoked_reason == "Signed out with this token."


def test_delete_without_a_token_is_refused(personas):
    assert APIClient().delete(TOKEN_URL).status_code in (401, 403)
    client = APIClient()
    client.force_login(personas.adviser)
    response = client.delete(TOKEN_URL)
    assert response.status_code == 400
    assert "carries no API token" in response.json()["detail"]


def test_a_user_lists_and_revokes_their_own_tokens_and_no_one_elses(personas):
    mine, theirs = token_for("adviser"), token_for("manager")
    client = with_token(mine)
    listing = client.get(TOKENS_URL)
    assert listing.status_code == 200
    rows = listing.json()
    assert [row["prefix"] for row in rows] == [mine[:8]]
    assert rows[0]["state"] == "active" and rows[0]["in_use"] is True
    assert mine not in listing.content.decode()  # never the token itself
    other_id = ApiToken.objects.get(prefix=theirs[:8]).pk
    refused = client.delete(f"{TOKENS_URL}{other_id}/")
    assert refused.status_code == 404
    assert refused.json() == {"detail": "Not found.", "errors": {}}
    assert with_token(theirs).get("/api/v1/young-people/").status_code == 200
    spare = token_for("adviser")
    spare_id = ApiToken.objects.get(prefix=spare[:8]).pk
    assert client.delete(f"{TOKENS_URL}{spare_id}/").status_code == 204
    assert with_token(spare).get("/api/v1/young-people/").status_code == 401
    assert APIClient().get(TOKENS_URL).status_code in (401, 403)


def test_api_responses_are_never_cached(personas):
    client = with_token(token_for())
    for path in ("/api/v1/young-people/", TOKENS_URL, "/api/v1/nothing-here/"):
        assert client.get(path)["Cache-Control"] == "no-store", path
    assert APIClient().post(TOKEN_URL, {"username": "adviser", "password": PASSWORD})[
        "Cache-Control"] == "no-store"
