"""/metrics: Prometheus figures, shown only to allowed addresses or the token's bearer."""

from __future__ import annotations

import ipaddress

import pytest
import redis
from celery import shared_task
from django.conf import settings as django_settings
from prometheus_client.parser import text_string_to_metric_families

from outcomes.models import DataJobStatus, NotificationStatus
from outcomes.selectors import operations
from tasks import health
from tests import factories as f

TOKEN = "t" * 40


def _samples(response) -> dict[tuple[str, tuple], float]:
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def get():
        return _samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    return get


def test_metrics_are_a_404_without_the_token_or_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = (ipaddress.ip_network("10.1.0.0/16"),)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 404
    settings.METRICS_TOKEN = ""
    # With no token set, no bearer is believed, even an empty one.
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_metrics_from_an_allowed_address_behind_the_proxy(client, settings):
    settings.METRICS_ALLOWED_IPS = (ipaddress.ip_network("10.1.0.0/16"),)
    assert client.get("/metrics", REMOTE_ADDR="10.1.3.4").status_code == 200
    # Behind one proxy the client's address is the one the proxy adds, not the proxy's own.
    settings.WAYMARK_TRUSTED_PROXIES = 1
    assert client.get("/metrics", REMOTE_ADDR="10.1.3.4",
                      HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1",
                      HTTP_X_FORWARDED_FOR="10.1.9.9").status_code == 200


@pytest.mark.django_db
def test_requests_are_counted_by_route_name_and_status(client, scrape):
    before = scrape()
    key = ("waymark_http_requests_total",
           (("method", "GET"), ("status", "200"), ("view", "web:login")))
    client.get("/login/?next=/young-people/1/")
    client.get("/login/")
    after = scrape()
    assert after[key] - before.get(key, 0) == 2
    latency = ("waymark_http_request_duration_seconds_count",
               (("method", "GET"), ("view", "web:login")))
    assert after[latency] - before.get(latency, 0) == 2
    assert not any("next" in str(labels) or "/young-people" in str(labels)
                   for _, labels in after)
    missing = ("waymark_http_requests_total",
               (("method", "GET"), ("status", "404"), ("view", "<unresolved>")))
    client.get("/no-such-page/")
    assert scrape()[missing] - after.get(missing, 0) == 1


@pytest.mark.django_db
def test_the_outbox_data_jobs_and_scrape_cost(scrape, client, django_assert_max_num_queries):
    f.NotificationFactory.create_batch(3)
    f.NotificationFactory.create_batch(2, status=NotificationStatus.FAILED)
    f.DataJobFactory(status=DataJobStatus.QUEUED)
    with django_assert_max_num_queries(3):  # the outbox, the data jobs, nothing per row
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    found = scrape()
    assert found[("waymark_reminder_outbox", (("status", "pending"),))] == 3
    assert found[("waymark_reminder_outbox", (("status", "failed"),))] == 2
    assert found[("waymark_data_jobs", (("status", "queued"),))] == 1
    # Every state is a series from the start, so a dashboard and an alert have one to read.
    assert found[("waymark_data_jobs", (("status", "failed"),))] == 0
    assert found[("waymark_reminder_outbox", (("status", "cancelled"),))] == 0
    assert found[("waymark_scrape_errors", (("source", "outbox"),))] == 0


@pytest.mark.django_db
def test_safeguarding_alerts_are_counted_when_the_model_exists(scrape):
    counts = operations.safeguarding_alert_counts_by_status()
    found = scrape()
    if counts is None:  # this branch has no SafeguardingAlert model yet
        assert not any(name == "waymark_safeguarding_alerts" for name, _ in found)
    else:
        assert {labels: value for (name, labels), value in found.items()
                if name == "waymark_safeguarding_alerts"} == {
            (("status", status),): n for status, n in counts.items()}
        assert counts  # every status of the model, even with no alert yet
    assert found[("waymark_scrape_errors", (("source", "safeguarding_alerts"),))] == 0


@pytest.mark.django_db
def test_the_celery_queue_length_is_read_from_redis(scrape):
    client = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    # kombu keeps a queue's priority levels in sub-lists: "celery", "celery\x06\x163", ...
    key = "celery\x06\x163"
    before = scrape().get(("waymark_celery_queue_length", (("queue", "celery"),)), 0)
    client.lpush(key, "{}", "{}")
    try:
        after = scrape()[("waymark_celery_queue_length", (("queue", "celery"),))]
    finally:
        client.delete(key)
    assert after - before == 2


def test_no_queue_length_on_the_filesystem_broker(settings):
    from ops.metrics import queue_lengths

    settings.CELERY_BROKER_URL = "filesystem://"
    assert queue_lengths() is None


@shared_task(name="tests.ops.fails")
def fails() -> None:
    raise ValueError("always")


@pytest.mark.django_db
def test_task_outcomes_are_counted(scrape):
    ok = ("waymark_celery_tasks_total", (("outcome", "succeeded"), ("task", "tasks.health.check")))
    bad = ("waymark_celery_tasks_total", (("outcome", "failed"), ("task", "tests.ops.fails")))
    before = scrape()
    health.check.apply()
    fails.apply()
    after = scrape()
    assert after[ok] - before.get(ok, 0) == 1
    assert after[bad] - before.get(bad, 0) == 1


@pytest.mark.django_db
def test_bot_updates_are_counted_by_kind_and_outcome(scrape):
    from types import SimpleNamespace

    from ops.metrics import bot_update_counted

    handled = ("waymark_bot_updates_total", (("kind", "message"), ("outcome", "handled")))
    failed = ("waymark_bot_updates_total", (("kind", "callback_query"), ("outcome", "failed")))
    before = scrape()
    with bot_update_counted(SimpleNamespace(message=object())):
        pass
    with pytest.raises(RuntimeError), bot_update_counted(
            SimpleNamespace(message=None, callback_query=object())):
        raise RuntimeError("a handler failed")
    after = scrape()
    assert after[handled] - before.get(handled, 0) == 1
    assert after[failed] - before.get(failed, 0) == 1
