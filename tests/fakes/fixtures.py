"""pytest fixtures for the local Telegram Bot API server (register in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.botapi import FakeBotAPI


@pytest.fixture
def bot_api() -> Iterator[FakeBotAPI]:
    """A started FakeBotAPI on an ephemeral port (token "123456:TEST"), stopped after the test.

    Point python-telegram-bot at it with `Bot(bot_api.token, base_url=bot_api.base_url)`.
    """
    with FakeBotAPI() as server:
        yield server
