"""Request bodies: an anonymous request may not send a large body; nothing reads it first."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from ops.middleware import BodyLimitMiddleware

MB = 1024 * 1024


class Unread:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _post(client, path, size, **extra):
    return client.generic("POST", path, data=b"", content_type="multipart/form-data; boundary=x",
                          CONTENT_LENGTH=str(size), **{"wsgi.input": Unread()}, **extra)


@pytest.mark.django_db
def test_an_anonymous_60_mb_sign_in_is_refused_unread(client):
    response = _post(client, "/login/", 60 * MB)
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "at most 1 MB" in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_api_request_is_refused_in_json(client):
    response = _post(client, "/api/v1/auth/token/", 5 * MB)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large: at most 1 MB may be sent here."}


def test_the_limits_by_who_is_asking(settings):
    settings.WAYMARK_ANONYMOUS_MAX_BODY_BYTES = MB
    settings.WAYMARK_MAX_BODY_BYTES = 210 * MB
    passed = []
    middleware = BodyLimitMiddleware(lambda request: passed.append(request) or HttpResponse())

    class SignedIn:
        is_authenticated = True

    class Anonymous:
        is_authenticated = False

    def ask(size, user):
        request = RequestFactory().post("/data/import/", data=b"", content_type="text/plain",
                                        CONTENT_LENGTH=str(size))
        request.user = user
        return middleware(request).status_code

    assert ask(MB, Anonymous()) == 200
    assert ask(MB + 1, Anonymous()) == 413
    assert ask(60 * MB, SignedIn()) == 200  # an SSDA903 upload
    assert ask(211 * MB, SignedIn()) == 413
    assert len(passed) == 2


def test_the_form_field_limit_is_set():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
