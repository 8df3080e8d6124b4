"""Runs the real bot as a separate process against the local Bot API double."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checks import plain

from bot.i18n import translator
from bot.keys import Keyring
from bot.store.migrations import KDF_KEY, KEYRING_KEY
from bot.vault import Scrypt, Vault
from localapi import LocalBotApi, SimUser
from localapi.process import terminate
from localapi.sim import BotMessage

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-TOKEN-abcdefghijklmnop"
SECRET = "test-seminar-secret-0123456789-abcdefgh"


def write_config(
    directory: Path,
    base_url: str,
    telegram: dict[str, object] | None = None,
    *,
    extra: str = "",
    **seminar: object,
) -> Path:
    values = {"note_max_length": 280, "retention_days": 180, **seminar}
    lines = [
        "[telegram]",
        f'api_base_url = "{base_url}"',
        *(f"{key} = {value}" for key, value in (telegram or {}).items()),
        "[storage]",
        'database = "seminar.sqlite3"',
        "[seminar]",
        'default_language = "nb"',
        'fallback_language = "en"',
        'timezone = "Europe/Oslo"',
    ]
    lines += [f"{key} = {value}" for key, value in values.items()]
    lines += ["[logging]", 'level = "DEBUG"']
    lines += ["[testing]", 'clock_file = "clock.txt"']
    if extra:
        lines.append(extra.strip())  # more tables, as TOML (e.g. [email])
    path = directory / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class BotProcess:
    """The bot under test: a real `python -m bot` process, killable and restartable."""

    api: LocalBotApi
    directory: Path
    secret: str = SECRET
    telegram: dict[str, object] = field(default_factory=dict)
    # Settings of config.toml's [seminar] section, over the tests' defaults.
    seminar: dict[str, object] = field(default_factory=dict)
    # More config.toml tables, as TOML text, and more environment variables for the process.
    config: str = ""
    env: dict[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None
    logs: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None
    _started_at_line: int = 0

    @property
    def database(self) -> Path:
        return self.directory / "seminar.sqlite3"

    @property
    def log_text(self) -> str:
        return "".join(self.logs)

    async def start(self) -> None:
        self._started_at_line = len(self.logs)
        config = write_config(
            self.directory,
            self.api.base_url.removesuffix("/bot"),
            self.telegram,
            extra=self.config,
            **self.seminar,
        )
        env = {
            **os.environ,
            "BOT_TOKEN": self.api.token,
            "SEMINAR_SECRET": self.secret,
            "PYTHONUNBUFFERED": "1",
            **self.env,
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
        assert self.process is not None
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.logs.append(line.decode(errors="replace"))

    async def wait_ready(self, within: float = 20.0) -> None:
        """Ready once this run of the bot polls for updates (or listens for the webhook)."""
        deadline = asyncio.get_running_loop().time() + within
        while not any("bot started" in line for line in self.logs[self._started_at_line :]):
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
        await terminate(self.process, grace=15)
        if self._reader:
            await self._reader

    async def restart(self) -> None:
        """Starts the bot again; the logs of every run are kept and checked at the end."""
        await self.start()

    def failures(self) -> list[str]:
        """ERROR and CRITICAL lines from any logger, and tracebacks, from every run so far."""
        return [line for line in self.logs if _is_failure(line)]

    def assert_clean_logs(self) -> None:
        failures = self.failures()
        if failures:  # with the lines after the first one: its traceback says where
            first = self.logs.index(failures[0])
            told = "".join(failures[:20]) + "".join(self.logs[first + 1 : first + 40])
            raise AssertionError("the bot logged failures:\n" + told)
        logs = self.log_text
        assert self.api.token not in logs, "the bot's token is in its log"
        assert self.secret not in logs, "SEMINAR_SECRET is in the bot's log"

    def advance_clock(self, seconds: float) -> None:
        """Moves the bot's clock forward; the bot reads it on every tick."""
        clock = self.directory / "clock.txt"
        current = float(clock.read_text() or 0) if clock.exists() else 0.0
        clock.write_text(str(current + seconds))

    def execute(self, sql: str, *params: object) -> None:
        """Changes the database behind the bot's back, e.g. to let an invite expire."""
        with sqlite3.connect(self.database) as conn:
            conn.execute(sql, params)

    def stored_bytes(self) -> bytes:
        """The database file and its write-ahead log, byte for byte, as a copy of the disk has
        them: deleted rows included, if they were not overwritten."""
        files = (self.database, self.database.with_name(self.database.name + "-wal"))
        return b"".join(path.read_bytes() for path in files if path.exists())

    def keyring(self) -> Keyring:
        """The keys the bot derives from its secret for this database, as its operator could:
        with them a test can tell whose pseudonym is whose."""
        meta = {str(key): str(value) for key, value in self.query("SELECT key, value FROM meta")}
        if meta.get(KEYRING_KEY) == "legacy":
            return Keyring(self.secret.encode())
        root = Scrypt.decode(meta[KDF_KEY]).derive(self.secret.encode())
        return Keyring(Vault(root).keyring_root)

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Reads the database directly, as somebody holding only the file could."""
        with sqlite3.connect(self.database) as conn:
            return list(conn.execute(sql, params))


_FAILURE = re.compile(r"level=(ERROR|CRITICAL) |^Traceback |^\S*(Error|Exception): ")


def _is_failure(line: str) -> bool:
    """A log line that means something went wrong, whichever logger or stream wrote it."""
    return _FAILURE.search(line) is not None


def contains(*needles: str) -> Callable[[BotMessage], bool]:
    return lambda m: all(n in m.text for n in needles)


def has_button(label: str) -> Callable[[BotMessage], bool]:
    return lambda m: any(label in text for text in m.button_labels())


def button(language: str, msgid: str) -> str:
    """A button's label as the bot shows it in that language."""
    return translator(language).pgettext("button", msgid)


def dot_button(language: str, number: int, sign: str = "+") -> str:
    """The dot card's button that gives (+) or takes back (−) a dot on theme `number`."""
    msgid = "Theme {number}: + dot" if sign in ("+", "➕") else "Theme {number}: − dot"
    return button(language, msgid).format(number=number)


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


def fragment(language: str, msgid: str) -> str:
    """The translated text's opening words, up to its first placeholder or tag."""
    translated = plain(translator(language).gettext(msgid))
    opening = re.split(r"[{<]", translated, maxsplit=1)[0].strip()
    assert len(opening) >= 8, f"no usable fragment in {translated!r}"
    return opening


def saying(language: str, msgid: str) -> Callable[[BotMessage], bool]:
    """Matches the bot's message that renders this msgid in that language."""
    opening = fragment(language, msgid)
    return lambda m: opening in m.text


async def join(user: SimUser, code: str, language: str, pick: str | None = None) -> None:
    """Opens the invitation, optionally switches language with the welcome's buttons, agrees."""
    await user.send(f"/start {code}")
    welcome = await user.wait_for(has_button("English"))
    if pick is not None:
        await user.press(welcome, pick)
        welcome = await user.wait_for(lambda m: m.message_id == welcome.message_id and m.edited > 0)
    await user.press(welcome, button(language, "✅ I agree, let me take part"))
    await user.wait_for(lambda m: m.message_id > welcome.message_id)


async def answer(user: SimUser, note: str) -> BotMessage:
    await user.send(note)
    return await user.wait_for(contains("✓", note[:20]))


async def seminar_with(
    api: LocalBotApi, participants: list[tuple[str, str]], *, open_round: bool = True
) -> tuple[SimUser, str, list[SimUser]]:
    """A moderator (nb) with a seminar and participants (name, client language) who joined."""
    moderator = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    code = await create_seminar(moderator)
    people = []
    for name, language in participants:
        person = api.user(name, language_code=language)
        await join(person, code, "nn" if language == "nn" else _ui(language))
        people.append(person)
    if open_round:
        await moderator.send("/open")
        await moderator.wait_for(has_button(button("nb", "Close the answer round")))
        for person, (_, language) in zip(people, participants, strict=True):
            await person.wait_for(has_button(button(_ui(language), "Next question ▶")))
    return moderator, code, people


def _ui(language: str) -> str:
    return {"no": "nb", "nb": "nb", "nn": "nn", "en": "en"}.get(language, "en")


async def wait_until(check: Callable[[], bool], seconds: float = 30.0) -> None:
    """For conditions over many chats at once, where waiting on one chat is not enough."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


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
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:  # it did not stop by itself: the test fails, nothing leaks
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


# scrypt at a cost a test can pay for every database it makes; the bot's own costs about a
# quarter of a second, once per start.
QUICK_KDF = Scrypt(n=2**10, r=8, p=1)
