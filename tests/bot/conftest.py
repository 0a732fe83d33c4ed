"""The real bot over HTTP: `build_application()` polling the local Bot API server (tests/fakes/)
from an event loop in a background thread, as `manage.py runbot` runs it.

The handlers reach the database on the bot's pool of threads (bot/db.py), so the tests commit
what they set up (`django_db(transaction=True)`); the pool's connections are closed when the
Application shuts down, before the test database is flushed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bot import db
from bot.app import ALLOWED_UPDATES, build_application
from outcomes import models as m
from outcomes.services import telegram_link_code_create
from tests import factories as f
from tests.fakes.botapi import FakeBotAPI
from tests.personas import Personas, build_personas


class RunningBot:
    """The Application, started and polling `server`, in its own thread and event loop."""

    def __init__(self, server: FakeBotAPI) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bot-loop", daemon=True)
        self.application = None

    def _run(self, coroutine, timeout: float = 20) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> None:
        self.application = build_application(token=self.server.token,
                                             base_url=self.server.base_url)
        await self.application.initialize()
        if self.application.post_init:  # as run_polling does
            await self.application.post_init(self.application)
        await self.application.start()
        await self.application.updater.start_polling(poll_interval=0, timeout=1,
                                                     allowed_updates=ALLOWED_UPDATES)

    async def _stop(self) -> None:
        try:
            if self.application.updater.running:
                await self.application.updater.stop()
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
        finally:
            # Any connection opened from the loop's thread-sensitive thread (the pool's close
            # with the Application), so that the test database can be flushed and dropped.
            await sync_to_async(connections.close_all, thread_sensitive=True)()

    def start(self) -> RunningBot:
        self.thread.start()
        self._run(self._start())
        return self

    def stop(self) -> None:
        try:
            if self.application is not None:
                self._run(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)
            self.loop.close()

    # -- talking to it ------------------------------------------------------------------------

    def send(self, chat_id: int, text: str, *, expect: int = 1, **kwargs) -> list[str]:
        """Type `text` in the chat; the texts of the next `expect` messages the bot sends it."""
        before = len(self.server.sent_messages(chat_id))
        self.server.inject_message(chat_id, text, **kwargs)
        sent = self.server.wait_for_messages(chat_id, before + expect)
        return [message["text"] for message in sent[before:]]

    def say(self, chat_id: int, text: str, **kwargs) -> str:
        """Type `text`; the one message the bot answers with."""
        [answer] = self.send(chat_id, text, **kwargs)
        return answer

    def settle(self) -> None:
        """Wait until the bot has handled every update it has fetched so far (after an answer
        to a later update, the earlier ones of other chats may still be running)."""
        self._run(self.application.update_queue.join())

    @contextlib.contextmanager
    def queries(self) -> Iterator[list[dict]]:
        """The queries the handlers make inside the block, on every database thread (filled in
        when it ends). Measure one update at a time."""
        captured: list[dict] = []
        watching: dict[int, CaptureQueriesContext] = {}

        def begin() -> None:
            context = CaptureQueriesContext(connections["default"])  # this thread's connection
            context.__enter__()
            watching[threading.get_ident()] = context

        def end() -> None:
            context = watching.pop(threading.get_ident())
            context.__exit__(None, None, None)
            captured.extend(context.captured_queries)

        db.on_each_thread(begin)
        try:
            yield captured
        finally:
            self.settle()
            db.on_each_thread(end)


@pytest.fixture
def running_bot(bot_api: FakeBotAPI, transactional_db, settings) -> Iterator[RunningBot]:
    """The bot polling `bot_api`; link codes' cool-off counters start empty."""
    settings.TELEGRAM_BOT_USERNAME = bot_api.bot_user["username"]
    cache.clear()
    bot = RunningBot(bot_api).start()
    try:
        yield bot
    finally:
        bot.stop()
        cache.clear()


# --- The young person the bot tests are told from ----------------------------------------------

# In every adviser-only or worker-only text of the young person's records: it must never reach
# the chat.
SECRET = "ADVISER-ONLY-b0t5"


@dataclass
class PlanWorld:
    personas: Personas
    plan: m.PathwayPlan
    code: str  # a fresh link code for the young person


@pytest.fixture
def plan_world(running_bot) -> PlanWorld:
    """personas.young_person, looked after, 17, with an agreed plan (education: two goals, one
    done, one dropped; money: one goal; where they live: none), reviews held, and `SECRET` in
    every case note, assessment, outcome and summary; plus a link code made by their adviser."""
    p = build_personas()
    today = timezone.localdate()
    person = p.young_person
    person.contact_notes = f"{SECRET} contact notes"
    person.save()
    period = f.PeriodOfCareFactory(young_person=person, started_on=today - dt.timedelta(days=400))
    f.EpisodeFactory(period_of_care=period)
    plan = f.PathwayPlanFactory(young_person=person, created_by=p.adviser,
                                agreed_on=today - dt.timedelta(days=30))
    education = f.PlanSectionFactory(plan=plan, heading=m.PlanHeading.EDUCATION_TRAINING,
                                     assessment=f"{SECRET} education assessment")
    money = f.PlanSectionFactory(plan=plan, heading=m.PlanHeading.FINANCE,
                                 assessment=f"{SECRET} money assessment")
    f.PlanSectionFactory(plan=plan, heading=m.PlanHeading.ACCOMMODATION,
                         assessment=f"{SECRET} accommodation assessment")
    done = f.GoalFactory(section=education, owner=p.adviser, status=m.GoalStatus.DONE)
    f.GoalFactory(section=education, owner=p.adviser)
    f.GoalFactory(section=education, owner=p.adviser, status=m.GoalStatus.DROPPED)
    f.GoalFactory(section=money, owner=p.adviser, description="Open a bank account")
    f.GoalProgressFactory(goal=done, actor=p.adviser, status=m.GoalStatus.DONE,
                          note=f"{SECRET} progress note")
    f.YoungPersonViewFactory(section=education, recorded_by=p.adviser)
    f.CLAReviewFactory(young_person=person, chair=p.iro,
                       held_on=today - dt.timedelta(days=40))
    f.PathwayPlanReviewFactory(young_person=person, plan=plan, reviewer=p.adviser,
                               held_on=today - dt.timedelta(days=30),
                               outcome=f"{SECRET} review outcome")
    f.NeedsAssessmentFactory(young_person=person, assessor=p.social_worker,
                             completed_on=today - dt.timedelta(days=60),
                             summary=f"{SECRET} needs summary")
    f.PAContactFactory(young_person=person, adviser=p.adviser, note=f"{SECRET} contact note")
    f.SocialWorkerVisitFactory(young_person=person, worker=p.social_worker,
                               note=f"{SECRET} visit note")
    code = telegram_link_code_create(actor=p.adviser, young_person=person).code
    return PlanWorld(personas=p, plan=plan, code=code)
