"""Sentry: an error report leaves with where it happened, and nothing that names anyone."""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from sentry_sdk.transport import Transport

from ops import sentry
from outcomes.models import YoungPerson


class CapturingTransport(Transport):
    """Keeps each envelope instead of sending it: what would have left the server."""

    def __init__(self):
        super().__init__()
        self.sent: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        for item in envelope.items:
            if item.headers.get("type") in {"event", "transaction"}:
                self.sent.append(json.loads(item.payload.get_bytes()))


def boom(request, pk):
    # As a database error would: the message quotes the record (names come from the database,
    # so the source lines Sentry sends hold none).
    person = YoungPerson.objects.get(pk=pk)
    raise ValueError(f"Could not save the plan of {person.legal_first_name} "
                     f"{person.legal_last_name} ({request.user.email})")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/<int:pk>/", boom), path("fine/", fine)]


@pytest.fixture
def transport(settings):
    settings.ROOT_URLCONF = __name__
    capture = CapturingTransport()
    assert sentry.init_from_settings(dsn="https://public@sentry.invalid/1", transport=capture,
                                     traces_sample_rate=1.0)
    yield capture
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing is sent by later tests


@pytest.mark.django_db
def test_an_error_report_carries_no_personal_data(transport, personas):
    user = personas.adviser
    user.first_name, user.last_name, user.email = "Alex", "Adviser", "alex.adviser@example.gov.uk"
    user.save()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.cookies["tracking"] = "cookie-value"
    pk = personas.young_person.pk
    response = client.post(f"/boom/{pk}/?name=Jordan+Example&dob=2008-01-02",
                           data={"note": "Jordan said something private"})
    assert response.status_code == 500
    events = [event for event in transport.sent if event.get("exception")]
    assert len(events) == 1
    event = events[0]
    text = json.dumps(event)
    for secret in ("Jordan", "Example", "alex.adviser", "Alex", "Adviser", "cookie-value",
                   "sessionid", "private", "2008-01-02", "name=", "csrftoken"):
        assert secret not in text, secret
    # What helps to find the fault is still there.
    [exception] = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert exception["value"] == sentry.REDACTED
    assert any(frame["function"] == "boom" for frame in exception["stacktrace"]["frames"])
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    # The route, not the address with its query string.
    assert event["transaction"] == "/boom/{pk}/"
    assert set(event.get("request", {})) <= {"method", "url", "headers"}
    assert event.get("user", {}) in ({}, {"id": user.pk}, {"id": str(user.pk)})
    assert len(event["tags"]["request_id"]) == 32


def test_a_message_and_a_transaction_are_scrubbed_too(transport):
    sentry_sdk.capture_message("Jordan Example asked for help")
    Client().get("/fine/?name=Jordan")
    sentry_sdk.flush()
    text = json.dumps(transport.sent)
    assert transport.sent and "Jordan" not in text


def test_the_scrubber_on_everything_an_integration_may_attach():
    event = {
        "request": {"method": "POST", "url": "https://waymark.example/young-people/7/?q=Jordan",
                    "query_string": "q=Jordan", "data": {"note": "Jordan is scared"},
                    "cookies": {"sessionid": "abc"},
                    "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox",
                                "X-Request-ID": "r1", "Authorization": "Token secret"},
                    "env": {"REMOTE_ADDR": "192.0.2.1"}},
        "user": {"id": 5, "email": "alex@example.gov.uk", "username": "alex",
                 "ip_address": "192.0.2.1"},
        "exception": {"values": [{"type": "IntegrityError",
                                  "value": "Key (name)=(Jordan Example) already exists",
                                  "stacktrace": {"frames": [{"function": "save",
                                                             "vars": {"name": "Jordan"}}]}}]},
        "logentry": {"message": "Could not send to %s", "params": ["Jordan"],
                     "formatted": "Could not send to Jordan"},
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT ... 'Jordan'",
                                    "data": {"params": ["Jordan"]}}]},
        "extra": {"sys.argv": ["manage.py", "Jordan"]},
    }
    scrubbed = sentry.scrub(event)
    assert "Jordan" not in json.dumps(scrubbed)
    assert "secret" not in json.dumps(scrubbed) and "abc" not in json.dumps(scrubbed)
    assert scrubbed["request"] == {"method": "POST",
                                   "url": "https://waymark.example/young-people/7/",
                                   "headers": {"User-Agent": "Firefox", "X-Request-ID": "r1"}}
    assert scrubbed["user"] == {"id": 5}
    assert scrubbed["exception"]["values"][0]["type"] == "IntegrityError"
    assert scrubbed["logentry"] == {"message": "Could not send to %s"}
    assert scrubbed["breadcrumbs"]["values"] == [{"category": "query"}]


def test_sentry_is_off_without_a_dsn(settings):
    settings.SENTRY_DSN = ""
    assert sentry.init_from_settings() is False
