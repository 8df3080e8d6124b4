"""Fixtures: a local Bot API double on loopback and the real bot process talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from checks import WORD
from followup_helpers import free_port, page_config
from harness import TOKEN, BotProcess

from localapi import FloodLimits, LocalBotApi


def assert_readable(api: LocalBotApi) -> None:
    """Every button the bot sent says in words what it does, and no press was answered with a
    toast only: TalkBack and VoiceOver read neither a lone emoji or number nor a toast."""
    wordless = sorted({label for label in api.keyboard_labels if not WORD.search(label)})
    assert not wordless, f"buttons whose label holds no word: {wordless}"
    assert not api.answer_texts, f"presses answered only with a toast: {api.answer_texts}"


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
    assert_readable(server)


@pytest.fixture
async def bot(api: LocalBotApi, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(api, tmp_path)
    await process.start()
    try:
        yield process
    finally:
        await process.stop()
        process.assert_clean_logs()


@pytest.fixture
async def paged(api: LocalBotApi, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, int]]:
    """The bot with the office's follow-up page on, and the page's port."""
    port = free_port()
    process = BotProcess(api, tmp_path, config=page_config(port))
    await process.start()
    try:
        yield process, port
    finally:
        await process.stop()
        process.assert_clean_logs()
