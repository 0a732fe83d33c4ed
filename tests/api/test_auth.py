from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from outcomes.models import ApiToken

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_a_token_is_issued_and_works(personas):
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": "adviser", "password": "waymark-test-password"})
    assert response.status_code == 201
    token = response.json()["token"]
    assert len(token) >= 40
    stored = ApiToken.objects.get(user=personas.adviser)
    assert token not in (stored.key_hash, stored.prefix)  # only the hash is kept
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/young-people/").status_code == 200


def test_a_revoked_or_unknown_token_is_refused(personas):
    client = APIClient()
    token = client.post(TOKEN_URL, {"username": "adviser",
                                    "password": "waymark-test-password"}).json()["token"]
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/young-people/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid, expired or revoked token.", "errors": {}}


def test_failed_logins_are_logged_and_throttled(personas, caplog):
    client = APIClient()
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            response = client.post(TOKEN_URL, {"username": "adviser", "password": "wrong-one"})
            assert response.status_code == 400
            assert response.json()["detail"] == "Wrong username or password."
    # The username is masked in every log line (a password is sometimes typed into its box).
    assert caplog.text.count("Sign-in failed (api) for username ad***") == 5
    assert "adviser" not in caplog.text
    assert "wrong-one" not in caplog.text
    response = client.post(TOKEN_URL, {"username": "adviser", "password": "waymark-test-password"})
    assert response.status_code == 429
    assert set(response.json()) == {"detail", "errors"}


def test_missing_fields_name_the_field(personas):
    response = APIClient().post(TOKEN_URL, {"username": "adviser"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["This field is required."]}


def test_the_schema_and_docs_are_for_staff_only(personas, api):
    assert api.as_user(None).get("/api/v1/schema/").status_code in (401, 403)
    assert api.as_user(personas.young_person_user).get("/api/v1/schema/").status_code == 403
    assert api.as_user(personas.manager).get("/api/v1/schema/").status_code == 200
    docs = api.as_user(personas.manager).get("/api/v1/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "cdn" not in body.lower() and "/static/drf_spectacular_sidecar/" in body
