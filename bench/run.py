"""Waymark's benchmarks, printed as one table: `python bench/run.py [--young-people N] [--quick]`.

Benchmarks need the real service, so this runs on PostgreSQL: DATABASE_URL if set, otherwise a
database `waymark_bench` on 127.0.0.1 that it drops and creates afresh (any database whose name
starts with `waymark_bench` is recreated; any other must be empty). Each benchmark also measures
a floor in the same run, so the ratio means the same on a faster or slower machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/waymark_bench"
QUICK_YOUNG_PEOPLE = 2000


@dataclass(frozen=True)
class Result:
    """One row of the table: what ran, how big, how long, and the floor it is measured against."""

    name: str
    size: str
    seconds: float
    rows: int
    floor_seconds: float
    floor: str
    notes: tuple[str, ...] = ()


Benchmark = Callable[[int], "Result | list[Result]"]  # one row of the table, or several
BENCHMARKS: list[Benchmark] = []


def benchmark(function: Benchmark) -> Benchmark:
    """Register a benchmark: it takes the number of young people and returns a Result."""
    BENCHMARKS.append(function)
    return function


@benchmark
def seed(young_people: int) -> Result:
    """Seed a synthetic authority; the floor generates the same rows in memory and writes none."""
    from django.db import connection
    from django.utils import timezone

    from bench import generator
    from outcomes import models as m

    today = timezone.localdate()
    _say(f"seed: generating {young_people:,} young people in memory (the floor)")
    started = time.perf_counter()
    generator.seed(young_people=young_people, seed=1, today=today, sink=generator.NullSink())
    floor = time.perf_counter() - started
    _say(f"seed: writing {young_people:,} young people to PostgreSQL")
    started = time.perf_counter()
    result = generator.seed(young_people=young_people, seed=1, today=today)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return Result(
        name="seed (COPY)", size=f"{young_people:,} young people", seconds=seconds,
        rows=result.total_rows, floor_seconds=floor,
        floor="the same rows generated in memory, nothing written (same seed, same run)",
        notes=(f"{result.total_rows:,} rows: {result.counts[m.Episode]:,} episodes, "
               f"{result.education_rows:,} education records; database {size}",),
    )


API_REQUESTS = 200


@benchmark
def api_young_people_list(young_people: int) -> Result:
    """GET /api/v1/young-people/ (a page of 50) as the team manager, against a bare view."""
    from bench import api_floor
    from outcomes import models as m

    manager = m.User.objects.get(username="manager")
    return _api_benchmark(
        name="API young-people list (50 rows)", user=manager, path="/api/v1/young-people/",
        drf=_drf_view("young-person", "list"), bare=api_floor.young_people_list, kwargs={},
        size=f"{_visible(manager):,} the manager sees")


@benchmark
def api_plan_detail(young_people: int) -> Result:
    """GET /api/v1/pathway-plans/{id}/ of the adviser's richest plan, against a bare view."""
    from django.db.models import Count

    from bench import api_floor
    from outcomes import access
    from outcomes import models as m

    adviser = m.User.objects.get(username="adviser")
    plan = (m.PathwayPlan.objects.filter(
        young_person__in=access.young_people_visible_to(adviser).values("pk"))
        .annotate(goals=Count("sections__goals")).order_by("-goals", "pk").first())
    return _api_benchmark(
        name="API plan detail", user=adviser, path=f"/api/v1/pathway-plans/{plan.pk}/",
        drf=_drf_view("pathway-plan", "retrieve"), bare=api_floor.plan_detail,
        kwargs={"pk": plan.pk}, size=f"plan with {plan.goals} goals")


SWEEP_BATCH = 1000


class _QueryCounter:
    """Counts the SQL statements Django sends while it is installed (DEBUG off, so no log)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@benchmark
def reminder_sweep(young_people: int) -> Result:
    """The daily sweep over everyone: schedules, schedule entries and outbox rows. The floor reads
    the same batches of histories and works out the same schedules, writing nothing."""
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from outcomes import models as m
    from outcomes.rules import schedule as rules
    from outcomes.selectors.schedule import current_policy, histories_for, with_a_schedule
    from outcomes.services import reminders

    today = timezone.localdate()
    policy = current_policy()
    _say("sweep: the floor (read histories in batches, schedule in memory)")
    started = time.perf_counter()
    last_id, items = 0, 0
    while True:
        people = list(with_a_schedule(on=today).filter(pk__gt=last_id).order_by("pk")[:SWEEP_BATCH])
        if not people:
            break
        last_id = people[-1].pk
        for history in histories_for(young_people=people, on=today).values():
            items += len(rules.schedule(history, today=today, policy=policy))
    floor = time.perf_counter() - started
    _say("sweep: the real sweep")
    counter = _QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = reminders.reminders_sweep(on=today, batch_size=SWEEP_BATCH)
    seconds = time.perf_counter() - started
    again = _QueryCounter()
    started_again = time.perf_counter()
    with connection.execute_wrapper(again):
        second = reminders.reminders_sweep(on=today, batch_size=SWEEP_BATCH)
    seconds_again = time.perf_counter() - started_again
    by_channel = dict(m.Notification.objects.values_list("channel").annotate(
        n=Count("id")).order_by())
    return Result(
        name="reminder sweep", size=f"{result.young_people:,} young people with a schedule",
        seconds=seconds, rows=result.young_people, floor_seconds=floor,
        floor="the same histories read in the same batches and scheduled in memory, no writes",
        notes=(f"{counter.count:,} queries in {result.batches} batches of {SWEEP_BATCH:,} = "
               f"{counter.count / result.batches:.1f} per batch (the same for every batch size)",
               f"{result.open_items:,} open items ({items:,} with the done ones); "
               f"{result.notifications_written:,} outbox rows written {by_channel}; "
               f"{len(result.failed)} young people failed",
               f"a second sweep the same day: {second.notifications_written} rows written, "
               f"{again.count:,} queries, {seconds_again:.1f} s"),
    )


DISPATCH_MESSAGES = 2000
CAPPED_MESSAGES = 300


@benchmark
def telegram_dispatch(young_people: int) -> Result:
    """Delivering outbox rows to the local Bot API server (tests/fakes/), one claim-send-mark per
    row as a worker does, against bare python-telegram-bot sends of the same messages."""
    import asyncio

    from django.conf import settings
    from django.utils import timezone
    from telegram import Bot

    from outcomes import models as m
    from outcomes.services import delivery
    from tests.fakes.botapi import FakeBotAPI

    users = list(m.User.objects.order_by("pk")[:DISPATCH_MESSAGES])
    person = m.YoungPerson.objects.order_by("pk").first()
    m.TelegramLink.objects.bulk_create([
        m.TelegramLink(user=u, telegram_user_id=10_000 + u.pk, chat_id=10_000 + u.pk)
        for u in users])

    def outbox(label: str, count: int) -> list[int]:
        rows = m.Notification.objects.bulk_create([
            m.Notification(young_person=person, event_key=f"bench:{label}", event_kind="bench",
                           due_on=timezone.localdate(), recipient=u, channel="telegram",
                           lead="0d", kind="reminder", subject="Bench",
                           body=f"Bench message {i} for the dispatch benchmark.",
                           not_before=timezone.now())
            for i, u in enumerate(users[:count])])
        return [r.pk for r in rows]

    def drain(ids: list[int]) -> None:
        """Deliver until every row is finished, as workers would: a row turned away by a limit
        is tried again once its time has come."""
        from django.db.models import Q

        waiting = set(ids)
        while waiting:
            ready = set(m.Notification.objects.filter(
                Q(status="pending", not_before__lte=timezone.now()), pk__in=waiting,
            ).values_list("pk", flat=True))
            for pk in sorted(ready):
                delivery.notification_deliver(notification_id=pk)
            waiting = set(m.Notification.objects.filter(
                pk__in=waiting, status__in=("pending", "sending")).values_list("pk", flat=True))
            if waiting and not ready:
                time.sleep(0.02)

    with FakeBotAPI() as server:
        settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_BASE_URL = server.token, server.base_url

        async def bare() -> None:
            async with Bot(server.token, base_url=server.base_url) as bot:
                for i, u in enumerate(users):
                    await bot.send_message(chat_id=10_000 + u.pk, text=f"Floor message {i}.")

        _say(f"dispatch: the floor ({len(users):,} bare sends)")
        started = time.perf_counter()
        asyncio.run(bare())
        floor = time.perf_counter() - started
        ids = outbox("uncapped", len(users))
        settings.TELEGRAM_MAX_PER_SECOND = 1_000_000
        _say(f"dispatch: {len(ids):,} outbox rows, rate cap lifted")
        server.clear()
        started = time.perf_counter()
        drain(ids)
        seconds = time.perf_counter() - started
        delivered = len(server.sent_messages())
        settings.TELEGRAM_MAX_PER_SECOND = 30
        capped = outbox("capped", CAPPED_MESSAGES)
        _say(f"dispatch: {len(capped)} outbox rows under the 30/s cap")
        server.clear()
        started = time.perf_counter()
        drain(capped)
        capped_seconds = time.perf_counter() - started
        per_second: dict[int, int] = {}
        for call in server.calls_to("sendMessage"):
            per_second[int(call.at)] = per_second.get(int(call.at), 0) + 1
    sent = m.Notification.objects.filter(event_key__startswith="bench:", status="sent").count()
    return Result(
        name="Telegram dispatch", size=f"{len(ids):,} messages", seconds=seconds, rows=len(ids),
        floor_seconds=floor,
        floor="bare python-telegram-bot send_message calls to the same server, same messages",
        notes=(f"{len(ids) / seconds:,.0f} messages/s through the outbox (cap lifted) vs "
               f"{len(users) / floor:,.0f}/s bare; {delivered:,} delivered, "
               f"{sent:,} rows sent in all",
               f"under the 30/s cap: {len(capped)} messages in {capped_seconds:.1f} s = "
               f"{len(capped) / capped_seconds:.1f}/s, busiest second "
               f"{max(per_second.values(), default=0)} messages"),
    )


BOT_CHATS = 50
BOT_ROUNDS = 4


class _PollingBot:
    """An Application polling the local Bot API server from an event loop in its own thread,
    as `manage.py runbot` runs it."""

    def __init__(self, application) -> None:
        import asyncio
        import threading

        self.application = application
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def _run(self, coroutine):
        import asyncio

        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)

    async def _start(self) -> None:
        await self.application.initialize()
        if self.application.post_init:
            await self.application.post_init(self.application)
        await self.application.start()
        await self.application.updater.start_polling(poll_interval=0, timeout=1)

    async def _stop(self) -> None:
        from asgiref.sync import sync_to_async
        from django.db import connections

        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()
        await sync_to_async(connections.close_all, thread_sensitive=True)()

    def __enter__(self):
        self.thread.start()
        self._run(self._start())
        return self

    def __exit__(self, *exc) -> None:
        self._run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def _answer_times(server, inject: dict, *, timeout: float = 120) -> list[float]:
    """Inject one update per chat at once; for each chat, seconds from its update to the first
    message the bot sends or edits in it."""
    answering = ("sendMessage", "editMessageText")
    seen = len(server.calls)
    sent_at = {}
    for chat_id, send in inject.items():
        sent_at[chat_id] = time.time()
        send()
    answered: dict[int, float] = {}
    deadline = time.monotonic() + timeout
    while len(answered) < len(inject):
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(answered)} of {len(inject)} chats were answered")
        for call in server.calls[seen:]:
            chat_id = call.params.get("chat_id")
            if call.method in answering and call.status == 200 and chat_id in sent_at:
                answered.setdefault(chat_id, call.at - sent_at[chat_id])
        time.sleep(0.01)
    return list(answered.values())


def _settle(server, quiet: float = 0.5) -> None:
    """Wait until the bot has said everything it was going to (no call for `quiet` seconds)."""
    count = -1
    while count != len(server.calls):
        count = len(server.calls)
        time.sleep(quiet)


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000
    return at(0.5), at(0.95)


@benchmark
def bot_latency(young_people: int) -> Result:
    """/plan and a goal update from 50 chats at once, through the real Application and the local
    Bot API server, against an echo bot on the same server (the floor)."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, Q
    from django.utils import timezone
    from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

    from bot.app import build_application
    from bot.concurrency import ChatOrderedProcessor
    from outcomes import models as m
    from tests.fakes.botapi import FakeBotAPI

    today = timezone.localdate()
    plans = list(m.PathwayPlan.objects.filter(
        status=m.PlanStatus.AGREED, young_person__date_of_birth__lte=today.replace(
            year=today.year - 16)).annotate(goals=Count(
                "sections__goals", filter=~Q(sections__goals__status=m.GoalStatus.DROPPED)))
        .filter(goals__gt=0).select_related("young_person").order_by("pk")[:BOT_CHATS])
    chats = {}
    for n, plan in enumerate(plans):
        person = plan.young_person
        user = m.User.objects.filter(young_person=person).first() or m.User.objects.create(
            username=f"bench-yp-{person.pk}", role=m.Role.YOUNG_PERSON, young_person=person,
            password=make_password(None))
        chat_id = 900_000 + n
        m.TelegramLink.objects.filter(user=user, active=True).update(active=False)
        m.TelegramLink.objects.create(user=user, telegram_user_id=chat_id, chat_id=chat_id)
        chats[chat_id] = plan
    # A dropped goal is not the young person's to change: take the first that is not.
    goals = {chat_id: m.Goal.objects.filter(section__plan=plan).exclude(
        status=m.GoalStatus.DROPPED).order_by("pk").first() for chat_id, plan in chats.items()}

    async def echo(update, context) -> None:
        await update.effective_message.reply_text("echo", do_quote=False)

    async def echo_button(update, context) -> None:
        await update.callback_query.answer()
        await update.effective_message.reply_text("echo", do_quote=False)

    results: dict[str, list[float]] = {"plan": [], "goal": [], "floor_plan": [],
                                       "floor_goal": []}
    with FakeBotAPI() as server:
        settings.TELEGRAM_BOT_USERNAME = server.bot_user["username"]
        # The same update processor as the bot's (chats at once, each in order): the floor
        # differs from the bot only in what the handlers do.
        floor_app = (Application.builder().token(server.token).base_url(server.base_url)
                     .concurrent_updates(ChatOrderedProcessor()).build())
        floor_app.add_handler(MessageHandler(filters.ALL, echo))
        floor_app.add_handler(CallbackQueryHandler(echo_button))

        def rounds(label: str, make_update) -> None:
            for _ in range(BOT_ROUNDS):
                results[label] += _answer_times(
                    server, {chat: make_update(chat) for chat in chats})
                _settle(server)

        def plan_message(chat):
            return lambda: server.inject_message(chat, "/plan")

        def goal_button(chat):
            goal = goals[chat]
            goal.refresh_from_db()
            code = "s" if goal.status != "started" else "n"  # started, or not started again
            # "Skip" on the note question: the progress is saved (bot/keyboards.py goal_data),
            # pressed on the bot's last message in the chat, the /goals list just sent.
            return lambda: server.inject_callback(
                chat, f"g:{goal.pk}:{code}:{goal.version}:k")

        def goal_rounds(label: str) -> None:
            for _ in range(BOT_ROUNDS):
                _answer_times(server, {chat: (lambda c=chat: server.inject_message(c, "/goals"))
                                       for chat in chats})
                _settle(server)
                results[label] += _answer_times(server, {chat: goal_button(chat)
                                                         for chat in chats})
                _settle(server)

        _say(f"bot: echo floor, {len(chats)} chats x {BOT_ROUNDS} rounds")
        with _PollingBot(floor_app):
            rounds("floor_plan", plan_message)
            goal_rounds("floor_goal")
        _say(f"bot: the real bot, {len(chats)} chats x {BOT_ROUNDS} rounds")
        with _PollingBot(build_application(token=server.token, base_url=server.base_url)):
            rounds("plan", plan_message)
            goal_rounds("goal")
    saved = m.GoalProgress.objects.filter(channel=m.Channel.TELEGRAM,
                                          goal__in=list(goals.values())).count()
    plan50, plan95 = _percentiles(results["plan"])
    goal50, goal95 = _percentiles(results["goal"])
    fplan50, fplan95 = _percentiles(results["floor_plan"])
    fgoal50, fgoal95 = _percentiles(results["floor_goal"])
    return Result(
        name="bot: /plan from 50 chats", size=f"{len(chats)} chats x {BOT_ROUNDS} rounds",
        seconds=plan50 / 1000, rows=1, floor_seconds=fplan50 / 1000,
        floor="an echo bot on the same Application stack, update processor and server, same "
              "updates (p50)",
        notes=(f"/plan: p50 {plan50:.0f} ms, p95 {plan95:.0f} ms; echo p50 {fplan50:.0f} ms, "
               f"p95 {fplan95:.0f} ms (ratio p95 {plan95 / fplan95:.2f}x)",
               f"goal update (button): p50 {goal50:.0f} ms, p95 {goal95:.0f} ms; echo p50 "
               f"{fgoal50:.0f} ms, p95 {fgoal95:.0f} ms (ratio p50 {goal50 / fgoal50:.2f}x, "
               f"p95 {goal95 / fgoal95:.2f}x); {saved} of {len(results['goal'])} taps saved "
               "progress",
               f"updates from different chats are handled at once, each chat's in order "
               f"(bot/concurrency.py), their database work on {_bot_db_threads()} threads "
               "(bot/db.py); the echo bot on the same update processor"),
    )


def _bot_db_threads() -> int:
    from bot import db

    return db.DB_THREADS


def _visible(user) -> int:
    from outcomes import access

    return access.young_people_visible_to(user).count()


def _drf_view(basename: str, action: str):
    from api.urls import router

    for _prefix, viewset, name in router.registry:
        if name == basename:
            method = "get"
            return viewset.as_view({method: action})
    raise LookupError(basename)


def _api_benchmark(*, name, user, path, drf, bare, kwargs, size) -> Result:
    """Time `drf` and `bare` on the same request, after checking they answer the same JSON."""
    import json

    from django.test import RequestFactory
    from rest_framework.test import force_authenticate

    factory = RequestFactory()

    def call_drf():
        request = factory.get(path)
        force_authenticate(request, user=user)
        response = drf(request, **kwargs)
        response.render()
        return response

    def call_bare():
        request = factory.get(path)
        request.user = user
        return bare(request, **kwargs)

    drf_json, bare_json = json.loads(call_drf().content), json.loads(call_bare().content)
    if drf_json != bare_json:
        raise AssertionError(f"{name}: the bare view's JSON differs from the API's; the floor "
                             "would not be a fair one")
    timings = {}
    for label, call in (("floor", call_bare), ("api", call_drf)):
        for _ in range(20):  # warm caches and connections
            call()
        started = time.perf_counter()
        for _ in range(API_REQUESTS):
            call()
        timings[label] = time.perf_counter() - started
    per_request = timings["api"] / API_REQUESTS * 1000
    floor_per_request = timings["floor"] / API_REQUESTS * 1000
    return Result(
        name=name, size=size, seconds=timings["api"], rows=API_REQUESTS,
        floor_seconds=timings["floor"],
        floor="a bare Django view answering the same JSON with the same queries and audit",
        notes=(f"{API_REQUESTS} requests: {per_request:.1f} ms each through the API, "
               f"{floor_per_request:.1f} ms each through the bare view",),
    )


# The manager reports (issue 6), each against a hand-written SQL floor giving the same figures,
# checked equal before timing: bench/reports.py.


@benchmark
def report_attainment_gap(young_people: int) -> Result:
    from bench import reports

    return Result(**reports.benchmark("report_attainment_gap"))


@benchmark
def report_placement_stability(young_people: int) -> Result:
    from bench import reports

    return Result(**reports.benchmark("report_placement_stability"))


@benchmark
def report_care_leavers(young_people: int) -> Result:
    from bench import reports

    return Result(**reports.benchmark("report_care_leavers"))


@benchmark
def report_timeliness(young_people: int) -> Result:
    from bench import reports

    return Result(**reports.benchmark("report_timeliness"))


# The SSDA903 import (issue 7): a first import into an empty database and a re-import, each
# against reading the same CSV files with the csv module alone: bench/ssda903.py.


@benchmark
def import_903(young_people: int) -> list[Result]:
    from bench import ssda903

    return [Result(**row) for row in ssda903.benchmark(young_people)]


@benchmark
def risk(young_people: int) -> list[Result]:
    """The risk detector over the labelled message sets (bench/risk.py): recall, precision and
    time per message, against lower-casing and one `in` check. Needs no database."""
    from bench import risk as risk_bench

    return [Result(**row) for row in risk_bench.benchmark()]


risk.needs_database = False  # `--only risk` skips the database and the seed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Waymark's benchmarks on PostgreSQL.")
    parser.add_argument("--young-people", type=int, default=100_000, dest="young_people",
                        help="Size of the synthetic authority (default 100,000).")
    parser.add_argument("--quick", action="store_true",
                        help=f"A quick run with {QUICK_YOUNG_PEOPLE:,} young people.")
    parser.add_argument("--only", default="", metavar="NAMES",
                        help="Comma-separated benchmarks to run after the seed, e.g. "
                             "reminder_sweep,bot_latency (default: all).")
    args = parser.parse_args(argv)
    names = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = names - {run.__name__ for run in BENCHMARKS}
    if unknown:
        print(f"bench: no benchmark named {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    young_people = QUICK_YOUNG_PEOPLE if args.quick else args.young_people
    chosen = [run for run in BENCHMARKS if not names or run is seed or run.__name__ in names]
    if names and not any(getattr(run, "needs_database", True) for run in chosen
                         if run is not seed):
        sys.path.insert(0, str(ROOT))  # pure benchmarks only: no database, no seed
        chosen = [run for run in chosen if run is not seed]
    else:
        try:
            _prepare_database()
        except (psycopg.Error, ValueError) as error:
            print(f"bench: {error}", file=sys.stderr)
            return 2
    results = [result for run in chosen for result in _rows(run(young_people))]
    print(_table(results))
    return 0


def _rows(outcome: Result | list[Result]) -> list[Result]:
    return outcome if isinstance(outcome, list) else [outcome]


def _prepare_database() -> None:
    """Point Django at the benchmark database, recreate it if it is ours, and migrate it."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        raise ValueError("benchmarks need PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    name = parts.path.lstrip("/")
    if name.startswith("waymark_bench"):
        server = urlunparse(parts._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production-like settings (DEBUG off) need a key; this one signs nothing that leaves the run.
    os.environ.setdefault("DJANGO_SECRET_KEY", "waymark-bench-only-key-signs-nothing-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # the API benchmarks' request host
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from outcomes import models as m

    if m.YoungPerson.objects.exists():
        raise ValueError(f"database {name} already holds young people; benchmarks need an "
                         "empty one (use a name starting with waymark_bench to have it recreated).")


def _table(results: list[Result]) -> str:
    header = ("benchmark", "size", "seconds", "items/s", "ratio vs floor")
    body = [(r.name, r.size, f"{r.seconds:.1f}", f"{r.rows / r.seconds:,.0f}",
             f"{r.seconds / r.floor_seconds:.2f}x") for r in results]
    widths = [max(len(row[i]) for row in (header, *body)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                         for i, (cell, w) in enumerate(zip(cells, widths, strict=True)))

    out = [line(header), "  ".join("-" * w for w in widths), *map(line, body), ""]
    for r in results:
        out.append(f"{r.name}: floor = {r.floor} = {r.floor_seconds:.1f} s")
        out.extend(f"{r.name}: {note}" for note in r.notes)
    return "\n".join(out)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
