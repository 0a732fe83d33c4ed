"""POST /api/v1/young-people/{id}/telegram-link/: a one-time code, shown once, for the workers
who may change the young person's profile. And the stranger is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from outcomes import models as m
from outcomes.services import LinkCodeRefused, telegram_link_claim
from tests import factories as f

pytestmark = pytest.mark.django_db


def url(young_person) -> str:
    return f"/api/v1/young-people/{young_person.pk}/telegram-link/"


@pytest.fixture(autouse=True)
def bot_username(settings):
    settings.TELEGRAM_BOT_USERNAME = "council_bot"
    cache.clear()


def test_the_adviser_gets_a_link_that_works_once(api, personas):
    response = api.as_user(personas.adviser).post(url(personas.young_person))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"code", "url", "expires_at"}
    assert body["url"] == f"https://t.me/council_bot?start={body['code']}"
    assert response["Cache-Control"] == "no-store"
    expires = parse_datetime(body["expires_at"])
    assert dt.timedelta(minutes=14) < expires - timezone.now() <= dt.timedelta(minutes=15)
    assert personas.young_person.child_id not in response.content.decode()
    link = telegram_link_claim(code=body["code"], telegram_user_id=777, chat_id=777)
    assert link.user == personas.young_person_user
    with pytest.raises(LinkCodeRefused):
        telegram_link_claim(code=body["code"], telegram_user_id=778, chat_id=778)


def test_the_stranger_gets_404_as_for_a_record_that_is_not_there(api, personas):
    refused = api.as_user(personas.other_adviser).post(url(personas.young_person))
    missing = api.as_user(personas.other_adviser).post("/api/v1/young-people/2147480000/"
                                                       "telegram-link/")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json() == {"detail": "Not found.", "errors": {}}
    assert not m.TelegramLinkCode.objects.exists()


@pytest.mark.parametrize("who", ["iro", "young_person_user"])
def test_who_sees_the_young_person_but_may_not_link_them_gets_403(api, personas, who):
    response = api.as_user(getattr(personas, who)).post(url(personas.young_person))
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}
    assert not m.TelegramLinkCode.objects.exists()


def test_anonymous_is_refused(api, personas):
    assert api.as_user(None).post(url(personas.young_person)).status_code in (401, 403)


def test_no_link_for_someone_under_16(api, personas):
    person = f.YoungPersonFactory(team=personas.team,
                                  date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 15))
    f.AllocationFactory(young_person=person, worker=personas.adviser)
    response = api.as_user(personas.adviser).post(url(person))
    assert response.status_code == 400
    assert "16 or over" in str(response.json()["errors"])
    assert not m.TelegramLinkCode.objects.exists()
