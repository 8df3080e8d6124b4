"""Fixtures: a local Bot API double on loopback and the real bot process talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from harness import TOKEN, BotProcess

from localapi import FloodLimits, LocalBotApi


@pytest.fixture
def flood() -> FloodLimits:
    """Telegram's flood limits; a module may turn them off where they would only slow it."""
    return FloodLimits()


@pytest.fixture
async def api(flood: FloodLimits) -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(token=TOKEN, bot_username="seminar_test_bot", flood=flood)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def bot(api: LocalBotApi, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(api, tmp_path)
    await process.start()
    try:
        yield process
    finally:
        await process.stop()
        process.assert_clean_logs()
