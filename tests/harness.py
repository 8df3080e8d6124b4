"""Runs the real bot as a separate process against the local Bot API double."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.i18n import translator
from bot.localapi import LocalBotApi, SimUser
from bot.localapi.sim import BotMessage

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-TOKEN-abcdefghijklmnop"
SECRET = "test-seminar-secret-0123456789"


def write_config(directory: Path, base_url: str, **seminar: object) -> Path:
    values = {"note_max_length": 280, "retention_days": 180, **seminar}
    lines = [
        "[telegram]",
        f'api_base_url = "{base_url}"',
        "[storage]",
        'database = "seminar.sqlite3"',
        "[seminar]",
        'default_language = "nb"',
        'fallback_language = "en"',
        'timezone = "Europe/Oslo"',
    ]
    lines += [f"{key} = {value}" for key, value in values.items()]
    lines += ["[logging]", 'level = "DEBUG"']
    path = directory / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class BotProcess:
    """The bot under test: a real `python -m bot` process, killable and restartable."""

    api: LocalBotApi
    directory: Path
    secret: str = SECRET
    process: asyncio.subprocess.Process | None = None
    logs: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @property
    def database(self) -> Path:
        return self.directory / "seminar.sqlite3"

    @property
    def log_text(self) -> str:
        return "".join(self.logs)

    async def start(self) -> None:
        config = write_config(self.directory, self.api.base_url.removesuffix("/bot"))
        env = {
            **os.environ,
            "BOT_TOKEN": self.api.token,
            "SEMINAR_SECRET": self.secret,
            "PYTHONUNBUFFERED": "1",
        }
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(config),
            "run",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read_logs())
        await self.wait_ready()

    async def _read_logs(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        async for line in self.process.stdout:
            self.logs.append(line.decode(errors="replace"))

    async def wait_ready(self, timeout: float = 20.0) -> None:
        """Ready once the bot polls for updates."""
        deadline = asyncio.get_running_loop().time() + timeout
        while "bot started" not in self.log_text:
            if self.process is not None and self.process.returncode is not None:
                raise RuntimeError(f"bot exited early:\n{self.log_text}")
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"bot did not start:\n{self.log_text}")
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        if self._reader:
            await self._reader

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self._reader:
            await self._reader

    async def restart(self) -> None:
        self.logs.clear()
        await self.start()

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Reads the database directly, as somebody holding only the file could."""
        with sqlite3.connect(self.database) as conn:
            return list(conn.execute(sql, params))


def contains(*needles: str) -> Callable[[BotMessage], bool]:
    return lambda m: all(n in m.text for n in needles)


def has_button(label: str) -> Callable[[BotMessage], bool]:
    return lambda m: any(label in text for text in m.button_labels())


def button(language: str, msgid: str) -> str:
    """A button's label as the bot shows it in that language."""
    return translator(language).pgettext("button", msgid)


def text(language: str, msgid: str) -> str:
    return translator(language).gettext(msgid)


async def create_seminar(
    moderator: SimUser, title: str = "Gode møter med Nav", *, ui: str = "nb", language: str = "nb"
) -> str:
    """Runs /new through to a seminar with the default questions; returns the join code."""
    await moderator.send("/new")
    await moderator.wait_for(has_button(button(ui, "Cancel")))
    await moderator.send(title)
    name = translator(language).language_name(language)
    choice = await moderator.wait_for(has_button(name))
    await moderator.press(choice, name)
    questions = await moderator.wait_for(has_button(button(ui, "Use these questions")))
    await moderator.press(questions, button(ui, "Use these questions"))
    created = await moderator.wait_for(contains("https://t.me/"))
    return created.text.split("?start=")[1].split()[0]
