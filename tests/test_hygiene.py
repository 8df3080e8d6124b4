"""Secrets stay secret and deleted notes stay deleted: logs, files, child processes, start-up."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from harness import ROOT, SECRET, TOKEN, write_config

from bot.localapi import LocalBotApi
from bot.logs import configure_logging


async def run_cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """`python -m bot ...` as its own process: exit code, standard output, standard error."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def clean_environment(**values: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_TOKEN", "SEMINAR_"))}
    return {**base, **values}


# -- the token in logs --------------------------------------------------------------------


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = ("httpx", "httpcore", "apscheduler", "telegram", "aiosqlite")
    levels = {name: logging.getLogger(name).level for name in names}
    hooks = sys.excepthook, threading.excepthook
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)
        sys.excepthook, threading.excepthook = hooks


def test_the_token_is_redacted_from_tracebacks_too(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", TOKEN, stream)
    log = logging.getLogger("bot.test")
    url = f"https://api.telegram.org/bot{TOKEN}/getMe"
    log.info("calling %s", url)
    try:
        raise ConnectionError(f"cannot reach {url}")
    except ConnectionError:
        log.exception("a request failed")
    try:
        raise ValueError(f"no such endpoint: /bot{quote(TOKEN, safe='')}/getMe")
    except ValueError as error:
        log.warning("a request failed", exc_info=error)
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)  # nobody caught it
    thread = threading.Thread(target=lambda: (_ for _ in ()).throw(KeyError(TOKEN)))
    thread.start()
    thread.join()

    text = stream.getvalue()
    assert TOKEN not in text
    assert quote(TOKEN, safe="") not in text
    assert TOKEN.split(":")[1] not in text
    assert text.count("Traceback (most recent call last)") == 4, text
    assert text.count("<token>") == 5, text
    assert "level=CRITICAL logger=bot msg=uncaught exception" in text


async def test_a_rejected_token_is_named_not_printed(api: LocalBotApi, tmp_path: Path) -> None:
    """Telegram's 401 for a revoked token: python-telegram-bot's error quotes the token, and it
    reached standard error in a traceback. Now the bot says what is wrong and stops."""
    revoked = "654321:REVOKED-token-abcdefghijklmnop"
    config = write_config(tmp_path, api.base_url.removesuffix("/bot"))
    code, out, err = await run_cli(
        "--config",
        str(config),
        "run",
        env=clean_environment(BOT_TOKEN=revoked, SEMINAR_SECRET=SECRET),
    )
    assert code == 2, err
    assert "Telegram rejected BOT_TOKEN" in err
    assert "@BotFather" in err
    assert "Traceback" not in err
    assert revoked.split(":")[1] not in err + out
