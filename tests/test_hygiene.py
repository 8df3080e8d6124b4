"""Secrets stay secret and deleted notes stay deleted: logs, files, child processes, start-up."""

from __future__ import annotations

import base64
import io
import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite
import pytest
from harness import (
    QUICK_KDF,
    SECRET,
    TOKEN,
    BotProcess,
    answer,
    button,
    has_button,
    run_cli,
    seminar_with,
    wait_until,
    write_config,
)
from theme_steps import name_theme

from bot.config import Settings, load_secrets
from bot.domain import Person, Phase
from bot.expectations import Expectation, Expecting, SeminarDraft
from bot.flows import answering, closing, groups, joining, plenary, setup, team, themes
from bot.flows.deps import Deps
from bot.flows.personal_data import HeldDropped
from bot.logs import configure_logging
from bot.store import Store
from bot.tools import backup_database
from localapi import LocalBotApi


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


# -- deleted notes and the database files -------------------------------------------------


async def test_a_forgotten_note_is_gone_from_the_files_too(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """/forget deleted the rows, but SQLite only unlinks them: the text stayed in the database's
    free pages and in every write-ahead log frame that held it, readable in a copy of the disk.
    Now deleted content is zeroed (secure_delete) and the log emptied after the deletion."""
    _, _, (anna, bob) = await seminar_with(api, [("Anna", "nb"), ("Bob", "nb")])
    secret_note = "Saksbehandleren min på Grünerløkka heter Turid Kvalheim"
    await answer(anna, secret_note)
    await answer(anna, "Den andre lappen til Anna, også glemt")
    await answer(bob, "Bob sin lapp blir værende")
    assert secret_note.encode() in bot.stored_bytes()

    await anna.send("/forget")
    ask = await anna.wait_for(has_button(button("nb", "Yes, delete everything")))
    await anna.press(ask, button("nb", "Yes, delete everything"))
    await anna.wait_for(lambda m: m.message_id == ask.message_id and m.edited > 0)
    assert bot.query("SELECT text FROM notes") == [("Bob sin lapp blir værende",)]
    gone = (secret_note.encode(), b"Den andre lappen til Anna")
    await wait_until(lambda: not any(text in bot.stored_bytes() for text in gone), seconds=10)
    assert "Bob sin lapp blir værende".encode() in bot.stored_bytes()


async def test_deleted_text_is_zeroed_and_the_log_emptied_after_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store overwrites deleted rows whatever SQLite's build default (this machine's may
    have secure_delete on already, so it starts off here, as in SQLite's own default), and a
    checkpoint asked for inside a transaction runs once the transaction has committed."""
    connect = aiosqlite.connect

    async def built_without_secure_delete(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
        conn = await connect(*args, **kwargs)
        await conn.execute("PRAGMA secure_delete=OFF")
        return conn

    monkeypatch.setattr(aiosqlite, "connect", built_without_secure_delete)
    path = tmp_path / "store.sqlite3"
    wal = tmp_path / "store.sqlite3-wal"
    store = await Store.open(path, SECRET.encode(), kdf=QUICK_KDF)
    try:
        async with store.transaction():
            await store.connection.execute("CREATE TABLE scratch (text TEXT)")
            await store.connection.executemany(
                "INSERT INTO scratch VALUES (?)", [("en slettet tekst",), ("en som blir",)]
            )
        await store.checkpoint()
        assert wal.stat().st_size == 0
        assert b"en slettet tekst" in path.read_bytes()
        async with store.transaction():
            await store.connection.execute("DELETE FROM scratch WHERE text = 'en slettet tekst'")
            await store.checkpoint()
        # Had it run before the commit, the deletion would wait in the log.
        assert wal.stat().st_size == 0
        assert b"en slettet tekst" not in path.read_bytes()
        assert b"en som blir" in path.read_bytes()
    finally:
        await store.close()


FLOW_SETTINGS = Settings(
    api_base_url="http://127.0.0.1:1",
    mode="polling",
    database=Path("unused.sqlite3"),
    default_language="nb",
    fallback_language="en",
    timezone="Europe/Oslo",
    note_max_length=280,
    group_size=3,
    dot_budget=3,
    dot_max_per_theme=2,
    retention_days=180,
    log_level="WARNING",
)


async def test_deleting_and_rewriting_flows_leave_the_log_empty(tmp_path: Path) -> None:
    """Deleting a note, dropping a held text, /forget, closing the round, forming groups, ending
    the vote and the retention purge each end with the write-ahead log emptied into the database
    (the bot does it after the commit)."""
    wal = tmp_path / "seminar.sqlite3-wal"
    store = await Store.open(tmp_path / "seminar.sqlite3", SECRET.encode(), kdf=QUICK_KDF)
    deps = Deps(store, store.keyring, FLOW_SETTINGS)
    moderator = Person(6_301_234_567, "nb")
    anna, bob, cato, dina = (Person(6_401_234_567 + i, "nb") for i in range(4))

    async def write(person: Person, text: str, message_id: int) -> int:
        saved = await answering.receive_text(deps, person, text, person.tg_id, message_id)
        assert isinstance(saved, answering.NoteSaved)
        return saved.note.id

    try:
        await setup.start(deps, moderator)
        await setup.receive_text(
            deps, moderator, Expectation(Expecting.TITLE, SeminarDraft()), "Gode møter"
        )
        await setup.choose_language(deps, moderator, 0)
        created = await setup.use_default_questions(deps, moderator)
        assert isinstance(created, setup.SeminarCreated)
        seminar = created.seminar
        for person in (anna, bob, cato, dina):
            assert isinstance(
                await joining.consent(
                    deps, person, seminar.id, 0, link_generation=seminar.invite_generation
                ),
                joining.Joined,
            )
        await setup.open_round(deps, moderator)
        note = await write(anna, "Anna angrer på denne", 1)
        assert wal.stat().st_size > 0
        assert isinstance(await answering.delete_note(deps, anna, note), answering.NoteDeleted)
        assert wal.stat().st_size == 0
        await answering.receive_text(deps, anna, "Ring Anna på 912 34 567", anna.tg_id, 5)
        assert wal.stat().st_size > 0
        assert isinstance(
            await answering.drop_draft(deps, anna, seminar.id), answering.DraftDropped
        )
        assert wal.stat().st_size == 0
        await team.start_paper_notes(deps, moderator)
        await team.paper_note(deps, moderator, "Ring Per på 912 34 567")
        assert wal.stat().st_size > 0
        assert isinstance(await team.drop_paper_note(deps, moderator, seminar.id), HeldDropped)
        assert wal.stat().st_size == 0
        await team.stop_paper_notes(deps, moderator)

        for person in (anna, bob, cato, dina):
            await write(person, f"Lapp fra {person.tg_id}", 2)
        assert wal.stat().st_size > 0
        assert isinstance(await joining.confirm_forget(deps, cato, seminar.id), joining.Forgotten)
        assert wal.stat().st_size == 0

        await setup.close_round(deps, moderator)
        assert wal.stat().st_size == 0  # the file was rebuilt in key order
        await store.save_user_language(moderator.tg_id, "en")
        assert wal.stat().st_size > 0
        formed = await groups.form_groups(deps, moderator)
        assert isinstance(formed, groups.GroupsFormed)
        assert wal.stat().st_size == 0

        await groups.show_notes(deps, moderator)
        await name_theme(deps, anna, seminar.id, "Tid")
        await name_theme(deps, bob, seminar.id, "Bob 912 34 567")
        assert wal.stat().st_size > 0
        assert isinstance(await themes.drop_theme(deps, bob, seminar.id), HeldDropped)
        assert wal.stat().st_size == 0
        await themes.open_voting(deps, moderator)
        assert wal.stat().st_size > 0
        assert isinstance(await plenary.open_plenary(deps, moderator), plenary.Plenary)
        assert wal.stat().st_size == 0
        await closing.answer_read_back(deps, bob, seminar.id, recognised=False)
        await closing.read_back_note(deps, bob, "Ring Bob på 912 34 567")
        assert wal.stat().st_size > 0
        assert isinstance(await closing.drop_read_back(deps, bob, seminar.id), HeldDropped)
        assert wal.stat().st_size == 0

        closed_at = datetime.now(UTC)
        assert await store.close_seminar(seminar.id, list(Phase), closed_at)
        assert wal.stat().st_size > 0
        assert await closing.purge(deps, closed_at + timedelta(days=179)) == 0
        assert wal.stat().st_size > 0  # nothing deleted, nothing to empty
        assert await closing.purge(deps, closed_at + timedelta(days=181)) == 1
        assert wal.stat().st_size == 0
    finally:
        await store.close()


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


async def test_database_files_and_backups_are_the_owners_alone(
    api: LocalBotApi, tmp_path: Path
) -> None:
    """Files with notes in them are readable by their owner only, whatever the umask the bot
    was started with, and a database from before (readable by all) is made so at start."""
    bot = BotProcess(api, tmp_path)
    files = [
        bot.database,
        *(bot.database.with_name(f"seminar.sqlite3{end}") for end in ("-wal", "-shm")),
    ]
    usual = os.umask(0o022)
    try:
        await bot.start()
    finally:
        os.umask(usual)
    try:
        _, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
        await answer(anna, "En lapp i en fil bare eieren kan lese")
        assert [mode(path) for path in files] == [0o600] * 3
        backup = tmp_path / "backups" / "copy.sqlite3"
        usual = os.umask(0o022)
        try:
            code, _, err = await run_cli(
                "--config",
                str(tmp_path / "config.toml"),
                "backup",
                str(backup),
                env=clean_environment(),
            )
        finally:
            os.umask(usual)
        assert code == 0, err
        assert mode(backup) == 0o600
        assert mode(backup.parent) == 0o700
        # A backup written over a file others could read is the owner's alone afterwards.
        backup.chmod(0o644)
        code, _, err = await run_cli(
            "--config",
            str(tmp_path / "config.toml"),
            "backup",
            str(backup),
            env=clean_environment(),
        )
        assert code == 0, err
        assert mode(backup) == 0o600

        await bot.stop()
        for path in files:
            if path.exists():
                path.chmod(0o644)
        await bot.start()
        assert [mode(path) for path in files] == [0o600] * 3
    finally:
        await bot.stop()
    bot.assert_clean_logs()


def test_a_backup_made_in_code_is_the_owners_alone(tmp_path: Path) -> None:
    database = tmp_path / "seminar.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (x)")
    usual = os.umask(0o022)
    try:
        backup_database(database, tmp_path / "copy.sqlite3")
    finally:
        os.umask(usual)
    assert mode(tmp_path / "copy.sqlite3") == 0o600


# -- the seminar secret -------------------------------------------------------------------


async def test_the_secret_command_prints_a_strong_new_secret() -> None:
    made = set()
    for _ in range(2):
        code, out, err = await run_cli("secret", env=clean_environment())
        assert code == 0, err
        [secret] = out.split()
        assert len(secret) >= 43
        assert len(base64.urlsafe_b64decode(secret + "=")) == 32
        made.add(secret)
    assert len(made) == 2
    load_secrets({"BOT_TOKEN": TOKEN, "SEMINAR_SECRET": made.pop()})


async def test_a_short_secret_is_refused_at_start(api: LocalBotApi, tmp_path: Path) -> None:
    config = write_config(tmp_path, api.base_url.removesuffix("/bot"))
    short = "only-thirty-one-characters-long"
    assert len(short) == 31
    code, out, err = await run_cli(
        "--config", str(config), "run", env=clean_environment(BOT_TOKEN=TOKEN, SEMINAR_SECRET=short)
    )
    assert code == 2
    assert "SEMINAR_SECRET is too short" in err
    assert "python -m bot secret" in err
    assert "Traceback" not in err
    assert short not in err + out
    assert not (tmp_path / "seminar.sqlite3").exists()
    # From a file, too.
    secret_file = tmp_path / "seminar_secret"
    secret_file.write_text(short + "\n", encoding="utf-8")
    code, _, err = await run_cli(
        "--config",
        str(config),
        "run",
        env=clean_environment(BOT_TOKEN=TOKEN, SEMINAR_SECRET_FILE=str(secret_file)),
    )
    assert code == 2
    assert "python -m bot secret" in err
