"""Command-line tools beside the bot: a report from the database, a backup of it, and the
change of its secret."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from pathlib import Path

from bot import reporting
from bot.clock import Clock
from bot.config import Secrets, Settings
from bot.flows import closing
from bot.flows.deps import Deps
from bot.i18n import translator
from bot.render.screens import phase_name, status_name
from bot.running import hold_database
from bot.store import Store

__all__ = ["backup_database", "database_files", "owner_only", "rekey_database", "write_report"]

log = logging.getLogger(__name__)

OWNER_ONLY = 0o600


def database_files(database: Path) -> list[Path]:
    """The database and the files SQLite keeps beside it in WAL mode."""
    return [database, *(database.with_name(database.name + end) for end in ("-wal", "-shm"))]


def owner_only(database: Path) -> None:
    """Makes the database's files readable and writable by their owner only.

    The bot creates them so (its umask is 077), but a database from before that, or one copied
    in, may be readable by others. SQLite gives the -wal and -shm files the database's mode.
    """
    for path in database_files(database):
        try:
            if path.stat().st_mode & 0o777 != OWNER_ONLY:
                path.chmod(OWNER_ONLY)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("could not make %s readable by its owner only: %s", path, exc.strerror)


def backup_database(database: Path, target: Path) -> None:
    """A consistent copy, safe while the bot is running.

    The copy holds pseudonyms, lookup hashes and sealed ids but not the key, so it cannot link
    a note to a person; it holds the notes, though, so only its owner may read it. It is made
    with VACUUM INTO: every table is written out afresh in the order of its keys, which are
    keyed hashes and random numbers, with no free pages and no WAL, so neither the order of its
    rows nor what is left of deleted ones tells who joined or wrote when.
    """
    if not database.exists():
        raise LookupError(f"no database at {database}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # VACUUM INTO wants no file there
    previous = os.umask(0o077)  # so the copy is its owner's alone from its first byte
    try:
        with contextlib.closing(sqlite3.connect(database)) as source:
            source.execute("VACUUM INTO ?", (str(partial),))
    finally:
        os.umask(previous)
    partial.chmod(OWNER_ONLY)
    partial.replace(target)


async def rekey_database(settings: Settings, old_secret: bytes, new_secret: bytes) -> str:
    """`python -m bot rekey`: what it did, in counts; never a secret, a key or anybody's id.

    It holds the database's lock throughout, so it refuses while the bot runs, and the bot
    cannot start until it is done. Backups made before keep the old keys' values: with the
    old secret they open as before.
    """
    if not settings.database.exists():
        raise LookupError(f"no database at {settings.database}")
    with hold_database(settings.database):
        store = await Store.open(settings.database, old_secret)
        try:
            done = await store.rekey(new_secret)
        finally:
            await store.close()
    return "\n".join(
        (
            f"{settings.database} now opens with the new secret only; start the bot with it.",
            f"people found again under new lookup keys: {done.people}",
            f"people in no seminar dropped (nothing left to find them by): {done.people_dropped}",
            f"memberships sealed again: {done.memberships}",
            f"pseudonyms made again: {done.pseudonyms}"
            f" (of them given random ones, as no member leads to them: {done.unlinked_pseudonyms})",
            f"values sealed again: {done.sealed_values}",
            "message and button keys kept for old buttons and edits of old notes:"
            f" {done.retired_key_sets} set(s)",
            "the file was rebuilt and its write-ahead log emptied",
        )
    )


async def write_report(
    settings: Settings, secrets: Secrets, seminar_id: int, out: Path
) -> list[Path]:
    store = await Store.open(settings.database, secrets.seminar_secret)
    try:
        keys = store.keyring
        seminar = await store.seminar(seminar_id)
        if seminar is None:
            raise LookupError(f"no seminar number {seminar_id} in {settings.database}")
        deps = Deps(store, keys, settings, Clock(settings.clock_file))
        t = translator(seminar.language)
        data = await closing.report_data(
            deps, seminar, phase_name(t, seminar.phase), lambda s: status_name(t, s)
        )
    finally:
        await store.close()
    files = dict(await reporting.report_files(data, t))
    return _write(out, files)


def _write(out: Path, files: dict[str, bytes]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)
    return [out / name for name in files]
