"""Reminders through real Celery workers on the real broker (Redis), against the local Bot API
server in tests/fakes/: each reminder the sweep writes is delivered exactly once, a second sweep
sends nothing, a worker killed half-way through a send loses and duplicates nothing, Telegram's
429 and 5xx are retried, and the sender keeps to Telegram's limits.

Two kinds of worker:

- `worker`: an in-process worker thread (celery.contrib.testing), started and stopped around each
  test that uses it, so it never competes with the subprocess workers for the queue. It shares
  this process's settings, cache (the rate-limit counters) and `django.core.mail.outbox`.
- SUBPROCESS WORKERS (`test_subprocess_worker_*`): `celery -A config worker` in its own process
  group, so that it can be SIGKILLed like a crashed container, on the test database.

Workers have their own database connections, so every test here is transactional.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bench import generator
from config.celery import app
from outcomes import models as m
from outcomes.rules.reminders import LONDON
from outcomes.services import delivery, reminders
from tasks import reminders as tasks
from tests import factories as f
from tests.fakes import botapi
from tests.fakes.botapi import CLIENT_CLOSED, FakeBotAPI

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
UNFINISHED = (m.NotificationStatus.PENDING, m.NotificationStatus.SENDING)
# The demo authority is generated relative to this day, and the sweep runs on it at noon.
DEMO_DAY = dt.date(2025, 11, 12)  # a Wednesday in term time


# -- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def telegram(settings, bot_api: FakeBotAPI) -> Iterator[FakeBotAPI]:
    """This test's fake Bot API as Telegram (the transport caches one client per token and base
    URL, and every fake has its own port), no rate-limit counters left in the cache, and no
    tasks left in the queue by an earlier test or run."""
    settings.TELEGRAM_BOT_TOKEN = bot_api.token
    settings.TELEGRAM_API_BASE_URL = bot_api.base_url
    cache.clear()
    app.control.purge()
    yield bot_api
    cache.clear()


@pytest.fixture
def worker(django_db_blocker, telegram) -> Iterator[None]:
    """An in-process solo worker for this test only."""
    with django_db_blocker.unblock(), start_worker(app, pool="solo", perform_ping_check=False,
                                                   shutdown_timeout=10):
        yield


@pytest.fixture
def noon_on_demo_day(monkeypatch) -> dt.datetime:
    """Run the clock from 12:00 London on DEMO_DAY, for the test and the in-process worker.

    A young person's Telegram reminder is never sent between 21:00 and 08:00: left on the real
    clock, a run in the evening would find those rows held until 08:00 (correctly), and the
    test would have to accept them as pending. Pinning the day also makes the demo data, and so
    the reminders, the same on every run. The clock keeps running (shifted, not frozen), so
    retries whose `not_before` is a second away come due as they would."""
    real_now = timezone.now
    noon = dt.datetime.combine(DEMO_DAY, dt.time(12), tzinfo=LONDON)
    offset = noon - real_now()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
    return noon


def wait_until(condition: Callable[[], object], *, timeout: float, what: str,
               explain: Callable[[], object] = lambda: "") -> object:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Not {what} within {timeout} s. {explain()}")
        time.sleep(0.1)


def statuses() -> dict[str, int]:
    return dict(collections.Counter(m.Notification.objects.values_list("status", flat=True)))


def wait_until_all_finished(timeout: float = 45) -> None:
    wait_until(lambda: not m.Notification.objects.filter(status__in=UNFINISHED).exists(),
               timeout=timeout, what="every outbox row finished",
               explain=lambda: f"Rows by status: {statuses()}")


def drain_queue() -> None:
    """Wait until the worker has run every task enqueued so far: the queue is first in, first
    out and the worker runs one task at a time, so a task sent now runs after all of them."""
    assert tasks.deliver.delay(0).get(timeout=30) == "skipped"


def link(user: m.User, chat_id: int) -> m.TelegramLink:
    return m.TelegramLink.objects.create(user=user, telegram_user_id=chat_id, chat_id=chat_id)


def chat_of(user_id: int) -> int:
    return 700_000 + user_id


def chat_of_row(row: m.Notification) -> int:
    return m.TelegramLink.objects.get(user_id=row.recipient_id, active=True).chat_id


def staff_rows(count: int, *, per_chat: int = 1, first_chat: int = 9100) -> list[m.Notification]:
    """`count` members of staff with a Telegram link each, and `per_chat` Telegram rows each."""
    young_person = f.YoungPersonFactory()
    rows = []
    for n in range(count):
        worker = f.UserFactory(role=m.Role.SOCIAL_WORKER)
        link(worker, first_chat + n)
        for k in range(per_chat):
            rows.append(m.Notification.objects.create(
                young_person=young_person, event_key=f"visit:{n}:{k}", event_kind="sw_visit",
                due_on=dt.date(2026, 3, 6), recipient=worker,
                channel=m.NotificationChannel.TELEGRAM, lead="7d",
                kind=m.NotificationKind.REMINDER, subject="A visit is due in a week",
                body=f"Visit {k} to C{n:06d} is due in a week (06/03/2026).",
                not_before=timezone.now()))
    return rows


def delivered_by_chat(bot_api: FakeBotAPI) -> collections.Counter:
    return collections.Counter(message["chat_id"] for message in bot_api.sent_messages())


def seed_demo_with_telegram(noon: dt.datetime) -> None:
    """A small synthetic authority (bench/generator.py, as `manage.py seed_demo`) in which some
    staff and young people use Telegram.

    Telegram allows one message a second to a chat, so a chat with ten reminders takes ten
    seconds. To keep the test fast, a dry run of the sweep (rolled back) counts each member of
    staff's reminders, and those with one to five get a link. Every young person of 16 or over
    gets an account and a link: their own reminders (reviews) go only by Telegram.
    """
    generator.seed(young_people=60, seed=7, today=DEMO_DAY)
    sixteen = DEMO_DAY.replace(year=DEMO_DAY.year - 16)
    with_account = set(m.User.objects.filter(role=m.Role.YOUNG_PERSON)
                       .values_list("young_person_id", flat=True))
    m.User.objects.bulk_create([
        m.User(username=f"ypt{person.pk}", role=m.Role.YOUNG_PERSON, young_person=person,
               first_name=person.legal_first_name)
        for person in m.YoungPerson.objects.filter(date_of_birth__lte=sixteen)
        .exclude(pk__in=with_account)])
    with transaction.atomic():
        reminders.reminders_sweep(on=DEMO_DAY, now=noon)
        per_staff = collections.Counter(m.Notification.objects.filter(
            channel=m.NotificationChannel.EMAIL).values_list("recipient_id", flat=True))
        transaction.set_rollback(True)
    assert not m.Notification.objects.exists()
    users = [pk for pk, count in per_staff.items() if count <= 5]
    users += m.User.objects.filter(role=m.Role.YOUNG_PERSON).values_list("pk", flat=True)
    for user in m.User.objects.filter(pk__in=users):
        link(user, chat_of(user.pk))


def assert_each_row_delivered_once(bot_api: FakeBotAPI) -> dict[str, int]:
    """Every row sent, and the fake and the mailbox hold exactly one message per sent row."""
    rows = list(m.Notification.objects.select_related("recipient"))
    assert rows and statuses() == {"sent": len(rows)}
    telegram_rows = [r for r in rows if r.channel == m.NotificationChannel.TELEGRAM]
    email_rows = [r for r in rows if r.channel == m.NotificationChannel.EMAIL]
    expected_telegram = collections.Counter((chat_of(r.recipient_id), r.body)
                                            for r in telegram_rows)
    delivered = collections.Counter((message["chat_id"], message["text"])
                                    for message in bot_api.sent_messages())
    assert delivered == expected_telegram
    assert len(bot_api.sent_messages()) == len(telegram_rows)
    expected_email = collections.Counter((r.recipient.email, r.subject, r.body)
                                         for r in email_rows)
    emailed = collections.Counter((tuple(e.to), e.subject, e.body) for e in mail.outbox)
    assert emailed == collections.Counter(((to,), subject, body)
                                          for to, subject, body in expected_email.elements())
    assert len(mail.outbox) == len(email_rows)
    return {"telegram": len(telegram_rows), "email": len(email_rows),
            "young_person_telegram": sum(r.recipient.role == m.Role.YOUNG_PERSON
                                         for r in telegram_rows)}


# -- the sweep over demo data ----------------------------------------------------------------------


def test_a_sweep_over_the_demo_data_sends_each_due_reminder_exactly_once(
        worker, telegram, noon_on_demo_day):
    seed_demo_with_telegram(noon_on_demo_day)
    result = tasks.sweep.delay().get(timeout=30)
    assert result["failed"] == 0 and result["young_people"] == 60
    assert result["written"] == m.Notification.objects.count()
    wait_until_all_finished()
    sent = assert_each_row_delivered_once(telegram)
    # The data exercises what it should: both channels, staff and young people on Telegram.
    # (The demo keeps most things on time, so a handful of staff reminders go by Telegram.)
    assert sent["email"] >= 20 and sent["telegram"] >= 3 and sent["young_person_telegram"] >= 1
    # Nothing failed or went another way: no 4xx from the fake, no email instead of Telegram.
    assert {c.status for c in telegram.calls_to("sendMessage")} == {200}
    assert not m.Notification.objects.filter(fallback_for__isnull=False).exists()


def test_running_the_sweep_twice_sends_nothing_new(worker, telegram, noon_on_demo_day):
    seed_demo_with_telegram(noon_on_demo_day)
    first = tasks.sweep.delay().get(timeout=30)
    wait_until_all_finished()
    rows = m.Notification.objects.count()
    messages, emails = len(telegram.sent_messages()), len(mail.outbox)
    assert first["written"] == rows > 0 and messages and emails

    second = tasks.sweep.delay().get(timeout=30)
    drain_queue()  # anything the second sweep enqueued has run
    assert second["written"] == 0 and second["young_people"] == first["young_people"]
    assert m.Notification.objects.count() == rows and statuses() == {"sent": rows}
    assert len(telegram.sent_messages()) == messages and len(mail.outbox) == emails
    assert_each_row_delivered_once(telegram)


# -- retries and limits through the in-process worker ----------------------------------------------


def test_telegrams_429_and_5xx_are_retried_and_delivered_once(worker, telegram):
    rows = staff_rows(5)
    telegram.fail_next("sendMessage", 429, retry_after=1)
    telegram.fail_next("sendMessage", 502, times=2)
    for row in rows:
        tasks.deliver.delay(row.pk)
    wait_until_all_finished(timeout=30)
    assert statuses() == {"sent": 5}
    assert delivered_by_chat(telegram) == {9100 + n: 1 for n in range(5)}
    calls = telegram.calls_to("sendMessage")
    assert collections.Counter(c.status for c in calls) == {200: 5, 429: 1, 502: 2}
    # The failed calls went to three different rows, each tried once more and then sent.
    failed_chats = [c.params["chat_id"] for c in calls if c.status != 200]
    assert len(set(failed_chats)) == 3
    attempts = dict(m.Notification.objects.values_list("recipient__telegram_links__chat_id",
                                                       "attempts"))
    assert {chat: attempts[chat] for chat in failed_chats} == dict.fromkeys(failed_chats, 2)
    assert sum(attempts.values()) == 5 + 3


def test_the_sender_keeps_to_telegrams_limits(worker, telegram, settings, monkeypatch):
    # Our limit: 5 a second overall, counted per clock second, so any rolling second can hold
    # two seconds' worth. The fake refuses (429) a 13th message in any rolling second and a
    # second message to a chat within a second: no 429 means both limits were kept.
    settings.TELEGRAM_MAX_PER_SECOND = 5
    monkeypatch.setattr(botapi, "GLOBAL_LIMIT_PER_SECOND", 2 * 5 + 2)
    telegram.enforce_limits = True
    same_chat = staff_rows(1, per_chat=3, first_chat=9200)
    distinct = staff_rows(15, first_chat=9300)
    for row in same_chat + distinct:
        tasks.deliver.delay(row.pk)
    wait_until_all_finished(timeout=45)
    assert statuses() == {"sent": 18}
    assert delivered_by_chat(telegram) == {9200: 3, **{9300 + n: 1 for n in range(15)}}
    assert [c.status for c in telegram.calls_to("sendMessage") if c.status != 200] == []
    # Rows held back by the limits waited without using an attempt: each was sent on its first.
    assert set(m.Notification.objects.values_list("attempts", flat=True)) == {1}


# -- SUBPROCESS WORKERS: a worker killed mid-send ----------------------------------------------------


def _subprocess_worker(name: str, bot_api: FakeBotAPI, log: Path) -> subprocess.Popen:
    """`celery -A config worker` on the test database, in its own process group."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "TEST_DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                              f"{db['PORT'] or 5432}/{db['NAME']}"),
        "TEST_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND or settings.CELERY_BROKER_URL,
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_API_BASE_URL": bot_api.base_url,
        "PYTHONPATH": str(REPO),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q",
             "celery", "--concurrency=1", "-n", f"{name}-{os.getpid()}@%h", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass


def test_subprocess_worker_killed_mid_send_loses_nothing_and_duplicates_nothing(
        telegram, tmp_path):
    rows = staff_rows(20)
    chats = {9100 + n for n in range(20)}
    log = tmp_path / "workers.log"
    telegram.delay("sendMessage", 3)  # every send hangs for 3 s: the worker is killed in one
    for row in rows:
        tasks.deliver.delay(row.pk)
    workers = []
    try:
        workers.append(_subprocess_worker("first", telegram, log))
        telegram.wait_for_in_flight("sendMessage", 1, timeout=40)
        [claimed] = m.Notification.objects.filter(status=m.NotificationStatus.SENDING)
        assert statuses() == {"sending": 1, "pending": 19}

        _stop(workers[0], signal.SIGKILL)  # the whole process group, like a crashed container
        assert workers[0].returncode == -signal.SIGKILL
        # The send it was waiting on never completed: Telegram (the fake) delivered nothing.
        [abandoned] = telegram.wait_for_calls("sendMessage", 1, timeout=5)
        assert abandoned.status == CLIENT_CLOSED
        assert abandoned.params["chat_id"] == chat_of_row(claimed)
        assert telegram.sent_messages() == []
        telegram.delay("sendMessage", 0)

        # Its task message is unacknowledged: Redis hands it back only after the visibility
        # timeout (an hour). The dispatcher puts the row back once it has been "sending" for
        # STUCK_AFTER; make it that old rather than wait ten minutes.
        m.Notification.objects.filter(pk=claimed.pk).update(
            claimed_at=F("claimed_at") - delivery.STUCK_AFTER - dt.timedelta(seconds=1))
        workers.append(_subprocess_worker("second", telegram, log))
        dispatched = tasks.dispatch.delay().get(timeout=40)  # after the 19 queued deliveries
        assert dispatched["requeued"] == 1
        wait_until_all_finished(timeout=30)
    finally:
        for process in workers:
            _stop(process)
        if log.exists():  # shown by pytest when the test fails
            print(log.read_text(errors="replace")[-5000:])
    assert statuses() == {"sent": 20}
    assert delivered_by_chat(telegram) == dict.fromkeys(chats, 1)
    assert [c.status for c in telegram.calls_to("sendMessage")] == [CLIENT_CLOSED] + [200] * 20
    claimed.refresh_from_db()
    assert claimed.attempts == 2  # the killed try, and the one after the dispatcher
    assert set(m.Notification.objects.exclude(pk=claimed.pk)
               .values_list("attempts", flat=True)) == {1}

