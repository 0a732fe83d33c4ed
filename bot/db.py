"""Database work from the bot's event loop, on a bounded pool of threads.

Updates from different chats are handled at once (bot/concurrency.py), so their database work
must not queue behind one thread: `in_db` runs it on `DB_THREADS` threads, each with its own
connection (Django's connections are per thread), kept open between calls as a web worker keeps
its own and closed when it goes stale, as around a web request. The pool bounds the connections
the bot holds whatever the number of chats. SQLite has one writer at a time, so there the pool
has one thread and nothing waits on a lock instead.

The pool is made on first use and closed, its connections with it, when the Application shuts
down (`close`); the next use makes a new one.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connections

P = ParamSpec("P")
R = TypeVar("R")

DB_THREADS = 8  # connections the bot holds at most (PostgreSQL)
BARRIER_SECONDS = 30

_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def _threads() -> int:
    return 1 if connections["default"].vendor == "sqlite" else DB_THREADS


def _executor() -> ThreadPoolExecutor:
    """The pool, made on first use with all its threads started (`on_each_thread` relies on
    every thread being there)."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None:
            _pool_size = _threads()
            _pool = ThreadPoolExecutor(max_workers=_pool_size, thread_name_prefix="bot-db")
            _each(_pool, _pool_size, lambda: None)
        return _pool


def in_db(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`func` as a coroutine run on one of the pool's threads, with stale connections closed
    before and after, as around a web request."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            close_old_connections()

    @functools.wraps(func)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return await sync_to_async(run, thread_sensitive=False, executor=_executor())(
            *args, **kwargs)

    return call


def _each(pool: ThreadPoolExecutor, size: int, func: Callable[[], object]) -> None:
    """Run `func` once on each of the pool's `size` threads: each call waits for the others at
    a barrier, so no thread can take two of them."""
    barrier = threading.Barrier(size)

    def once() -> None:
        try:
            func()
        finally:
            barrier.wait(BARRIER_SECONDS)

    for done in [pool.submit(once) for _ in range(size)]:
        done.result()


def on_each_thread(func: Callable[[], object]) -> None:
    """Run `func` once on every thread of the pool, e.g. to close or watch each thread's
    connection. Blocks until all have run; call it when no update is being handled."""
    pool = _executor()
    _each(pool, _pool_size, func)


def close() -> None:
    """Close every thread's connection and the pool (the Application is shutting down)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    try:
        _each(pool, _pool_size, connections.close_all)
    finally:
        pool.shutdown(wait=True)
