"""/healthz and /readyz: no sign-in, no personal data, no AccessEvent; /readyz says what failed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from outcomes.models import AccessEvent
from tests import factories as f


@pytest.fixture
def schedules(db):
    call_command("setup_schedules", verbosity=0)
    PeriodicTask.objects.update(last_run_at=timezone.now() - dt.timedelta(minutes=1))


def test_healthz_answers_without_the_database(client):
    # No django_db mark: pytest-django refuses any query, so a 200 means none was made.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_probes_answer_any_host_over_plain_http(client, settings):
    # A load balancer probes by address, without TLS: no 400 for the host, no HTTPS redirect.
    settings.ALLOWED_HOSTS = ["waymark.example.gov.uk"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.4.17:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.4.17:8000").status_code == 400


@pytest.mark.django_db
def test_readyz_is_ready_when_every_part_answers(client, schedules, personas):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "migrations": "ok", "broker": "ok", "cache": "ok", "beat": "ok"}}
    # Nothing about anyone, and no read of a record was audited.
    assert "Jordan" not in response.content.decode()
    assert AccessEvent.objects.count() == 0


@pytest.mark.django_db
def test_readyz_says_when_the_beat_has_stopped(client, schedules, settings):
    PeriodicTask.objects.update(last_run_at=timezone.now() - dt.timedelta(minutes=30))
    response = client.get("/readyz")
    assert response.status_code == 503
    beat = response.json()["checks"]["beat"]
    assert beat.startswith("failed: the beat last ran a schedule 18") and "limit 600 s" in beat
    assert response.json()["checks"]["database"] == "ok"
    settings.WAYMARK_READYZ_BEAT_SECONDS = 0
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["beat"] == "not checked"


@pytest.mark.django_db
def test_readyz_says_when_there_are_no_schedules(client):
    PeriodicTask.objects.all().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == (
        "failed: no beat schedules: run manage.py setup_schedules")


@pytest.mark.django_db
def test_readyz_names_a_broker_that_does_not_answer_without_its_address(client, schedules,
                                                                        monkeypatch):
    monkeypatch.setattr(app.conf, "broker_write_url", "redis://:secret-password@127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"].startswith("failed: ")
    assert "secret-password" not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()
    assert checks["database"] == checks["cache"] == checks["beat"] == "ok"


@pytest.mark.django_db
def test_readyz_names_pending_migrations(client, schedules, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    from ops import views

    monkeypatch.setattr(views, "_migrations_checked_at", 0.0)
    monkeypatch.setattr(MigrationExecutor, "migration_plan",
                        lambda self, targets: [("outcomes.0099_new", False)] * 2)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == (
        "failed: 2 migrations not applied: run manage.py migrate")


def test_probes_do_not_need_a_session_and_refuse_other_methods(client):
    assert client.post("/healthz").status_code == 405
    assert "sessionid" not in client.get("/healthz").cookies


@pytest.mark.django_db
def test_readyz_cost(client, schedules, django_assert_max_num_queries):
    f.YoungPersonFactory.create_batch(3)
    client.get("/readyz")  # the migration graph is read once, then remembered for a minute
    with django_assert_max_num_queries(3):
        assert client.get("/readyz").status_code == 200
