"""The store's foundation: the two connections, the keys, migrations and the transactions
every feature's methods run in (one per update, `StoreBase.handling`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import aiosqlite

from bot.domain import Role, Seminar, User, Writer
from bot.keys import Keyring, RetiredKeys
from bot.store.migrations import (
    CHECK_KEY,
    KDF_KEY,
    KEYRING_KEY,
    MIGRATIONS,
    RETIRED_KEY,
    SEALED_IDS,
)
from bot.vault import Scrypt, Vault

log = logging.getLogger("bot.store")

KEEP_PROCESSED_UPDATES = 5000


class SecretMismatch(Exception):
    """The database was created with another SEMINAR_SECRET."""


def _real_time() -> datetime:
    return datetime.now(UTC)


async def _first(db: _Guarded, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
    """The first row, in one round trip to the database thread instead of three."""
    rows = await db.execute_fetchall(sql, params)
    return next(iter(rows), None)


def _seal_chat(vault: Vault, chat_id: int | None) -> bytes | None:
    return vault.seal(chat_id) if chat_id is not None else None


def _seal_name(vault: Vault, name: str | None) -> bytes | None:
    return vault.seal_text(name) if name is not None else None


class _Guarded:
    """The connections as the store's methods see them.

    The bot's writes go through one connection under one lock, held by one transaction at a
    time from its first write to its commit. A read by a task whose transaction holds the lock
    goes through that connection and sees the task's own writes; every other read goes through
    a second, read-only connection, which sees only what was committed: never another update's
    half-done change, and without waiting for it.
    """

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, store: StoreBase
    ):
        self._writer = writer
        self._reader = reader
        self._store = store

    async def execute(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Cursor:
        if await self._store.lock_for_write():
            return await self._writer.execute(sql, params)
        async with self._store.lock:  # a statement of its own, outside any transaction
            cur = await self._writer.execute(sql, params)
            await self._writer.commit()
            return cur

    async def execute_fetchall(
        self, sql: str, params: Iterable[object] = ()
    ) -> Iterable[aiosqlite.Row]:
        if self._store.holds_lock():
            return await self._writer.execute_fetchall(sql, params)
        return await self._reader.execute_fetchall(sql, params)

    async def executemany(self, sql: str, params: Iterable[Iterable[object]]) -> None:
        if await self._store.lock_for_write():
            await self._writer.executemany(sql, params)
            return
        async with self._store.lock:
            await self._writer.executemany(sql, params)
            await self._writer.commit()

    async def executescript(self, script: str) -> None:
        async with self._store.lock:
            await self._writer.executescript(script)

    async def commit_with(self, statements: list[Statement]) -> None:
        """Runs the statements and the commit in one round trip to the database thread, the
        lock held: under load each round trip waits its turn on the event loop, and the lock
        with it."""
        writer = self._writer

        def run() -> None:
            # aiosqlite's own way into its thread; its public calls take one statement each.
            connection = writer._conn
            for statement in statements:
                statement(connection)
            connection.commit()

        await writer._execute(run)  # type: ignore[no-untyped-call]


AfterCommit = Callable[[], Awaitable[None]]
# SQL run in the database thread with a commit (`Store.with_commit`).
Statement = Callable[[sqlite3.Connection], None]
Row = tuple[object, ...]


@dataclass(slots=True)
class _Transaction:
    """A task's open transaction: whether it holds the lock yet, and what waits for its end."""

    locked: bool = False
    update_id: int | None = None
    with_commit: list[Statement] = field(default_factory=list)
    after_commit: list[AfterCommit] = field(default_factory=list)
    scratch: dict[str, object] = field(default_factory=dict)
    users: dict[int, User | None] = field(default_factory=dict)  # read before the first write
    # Likewise the seminar and writer rows it reads before its first write (see `seminar`).
    seminars: dict[int, Seminar | None] = field(default_factory=dict)
    writers: dict[tuple[int, str], Writer | None] = field(default_factory=dict)


class AlreadyHandled(Exception):
    """The update was handled, and committed, while this handling of it ran."""


class StoreBase(ABC):
    """What every part of the store shares: the two connections, the keys, the migrations and
    the transactions. `Store` adds each feature's methods to it."""

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._conn = writer
        self._reader = reader
        self._db = _Guarded(writer, reader, self)
        self._lock = asyncio.Lock()
        self._open: dict[asyncio.Task[object], _Transaction] = {}
        # Both are set by `open`, before anybody else sees the store.
        self._vault: Vault
        self.keyring: Keyring
        # Lookup hashes of everyone who moderates a seminar (see `may_moderate`).
        self._moderators: set[bytes] = set()
        # The bot's clock, set by `open`; tests and demos move it (see bot/clock.py).
        self._clock: Callable[[], datetime] = _real_time

    @classmethod
    async def open(
        cls,
        path: Path,
        secret: bytes,
        *,
        kdf: Scrypt | None = None,
        clock: Callable[[], datetime] = _real_time,
    ) -> Self:
        """Opens (or creates) the database with the keys derived from SEMINAR_SECRET.

        Refuses a secret other than the one the database was made with (`SecretMismatch`).
        `kdf` sets the cost of scrypt for a new database; one that exists keeps its own.
        `clock` is the bot's clock, by which the database notes a seminar's last activity.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path)
        conn.row_factory = aiosqlite.Row
        await conn.create_function(
            "seminar_clock", 0, lambda: clock().isoformat(timespec="seconds")
        )
        # The dot card orders themes by name as Python's str.casefold does (`dot_card_page`).
        await conn.create_function("casefold", 1, str.casefold, deterministic=True)
        # WAL with synchronous=NORMAL: a committed write survives a crash of the process
        # (kill -9); only a power cut can take the last transactions.
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        # Deleted rows are overwritten with zeros, not just unlinked (see `checkpoint`).
        await conn.execute("PRAGMA secure_delete=ON")
        reader = await aiosqlite.connect(path)
        reader.row_factory = aiosqlite.Row
        await reader.create_function("casefold", 1, str.casefold, deterministic=True)
        await reader.execute("PRAGMA query_only=ON")
        await reader.execute("PRAGMA busy_timeout=5000")
        store = cls(conn, reader)
        store._clock = clock
        try:
            await store._unlock(secret, kdf or Scrypt())
        except BaseException:
            await reader.close()
            await conn.close()
            raise
        return store

    async def _unlock(self, secret: bytes, kdf: Scrypt) -> None:
        """Migrates, derives the keys, checks the secret, and seals the ids of a database the
        bot used before they were sealed."""
        made_before = await self._version()
        await self._migrate(until=SEALED_IDS - 1)
        stored_kdf = await self._meta(KDF_KEY)
        if stored_kdf is None:
            kdf = kdf.with_new_salt()
            await self._set_meta(KDF_KEY, kdf.encode())
        else:
            kdf = Scrypt.decode(stored_kdf)
        started = time.perf_counter()
        root = await asyncio.to_thread(kdf.derive, secret)
        log.info("keys derived in %d ms", round((time.perf_counter() - started) * 1000))
        self._vault = Vault(root)
        legacy = Keyring(secret)
        sealed = await self._version() >= SEALED_IDS
        stored_check = await self._meta(CHECK_KEY)
        expected = self._vault.check_value if sealed else legacy.check_value
        if stored_check is not None and stored_check != expected:
            raise SecretMismatch(
                "SEMINAR_SECRET differs from the one this database was created with; "
                "with another secret no participant could reach their notes. "
                "Start with the original secret, or use a new database file."
            )
        await self._migrate(keep_legacy_keys=made_before > 0)
        if await self._meta(CHECK_KEY) is None:
            await self._set_meta(CHECK_KEY, self._vault.check_value)
        retired = await self._retired_keys()
        if await self._meta(KEYRING_KEY) == "legacy":
            self.keyring = Keyring(secret, retired)
        else:
            self.keyring = Keyring(self._vault.keyring_root, retired)
        if not sealed and made_before > 0:
            await self.rebuild_file()
            log.info("database rewritten: no Telegram id is left in the clear")
        rows = await self._db.execute_fetchall(
            "SELECT DISTINCT person FROM members WHERE role = ?", (Role.MODERATOR.value,)
        )
        self._moderators = {bytes(row[0]) for row in rows}

    def may_moderate(self, tg_id: int) -> bool:
        """Whether the person moderates a seminar, from memory: asked for every update.

        A person is added as their moderator row is written, before it commits, so every update
        of theirs that arrives after it is known as a moderator's (one already in line keeps its
        place in their lane). Nobody is taken out until the next start: who no longer moderates
        then runs alone now and then, which is only slower.
        """
        return self._vault.lookup(tg_id) in self._moderators

    async def _retired_keys(self) -> tuple[RetiredKeys, ...]:
        raw = await self._meta(RETIRED_KEY)
        if raw is None:
            return ()
        keys = json.loads(self._vault.unseal_text(bytes.fromhex(raw)))
        return tuple(RetiredKeys.decode(k) for k in keys)

    async def _version(self) -> int:
        row = await _first(self._db, "PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _meta(self, key: str) -> str | None:
        row = await _first(self._db, "SELECT value FROM meta WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def _set_meta(self, key: str, value: str) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def _migrate(self, until: int | None = None, *, keep_legacy_keys: bool = False) -> None:
        """Each migration in its own transaction, with the version it reaches."""
        version = await self._version()
        for number in range(version + 1, (until or len(MIGRATIONS)) + 1):
            async with self.transaction():
                # executescript would commit the transaction first; BEGIN starts it again.
                await self._conn.executescript(f"BEGIN;\n{MIGRATIONS[number - 1]}")
                if number == SEALED_IDS:
                    await self._seal_clear_ids(keep_legacy_keys)
                await self._conn.execute(f"PRAGMA user_version={number}")
            log.info("database migrated to version %d", number)

    @abstractmethod
    async def _seal_clear_ids(self, keep_legacy_keys: bool) -> None:
        """Carries the rows of a database from before ids were sealed over to their sealed form,
        in the migration's transaction (`rekeying.RekeyingStore`, which `Store` includes)."""

    async def rebuild_file(self) -> None:
        """Rewrites the database file once this task's transaction has committed (at once
        outside one), then empties the write-ahead log.

        VACUUM writes every table out afresh in the order of its keys, which are keyed hashes
        and random numbers, with no free pages: the order rows were written in (a member beside
        their pseudonym, a note beside the next) and the leftovers of old rows are gone, and the
        live file at rest says no more than a backup. It takes under 10 ms for a seminar of 200
        with four notes each, about 60 ms for 1,000 people with 10,000 notes.
        """

        async def now() -> None:
            started = time.perf_counter()
            async with self._lock:
                await self._conn.execute("VACUUM")
                rows = await self._conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
            row = next(iter(rows), None)
            if row is not None and row[0]:
                log.warning("the database's write-ahead log was not emptied: a reader was busy")
            took = round((time.perf_counter() - started) * 1000)
            log.info("database file rebuilt in %d ms", took)

        await self.after_commit(now)

    async def close(self) -> None:
        await self._reader.close()
        await self._conn.close()

    async def healthy(self) -> bool:
        """Whether the database answers, for the health check."""
        try:
            return await _first(self._db, "SELECT 1") is not None
        except (aiosqlite.Error, ValueError):
            return False

    @property
    def connection(self) -> _Guarded:
        """For the store's companion classes in this package only."""
        return self._db

    @property
    def lock(self) -> asyncio.Lock:
        """For the guarded connection only: the one lock of the writing connection."""
        return self._lock

    def _mine(self) -> _Transaction | None:
        task = asyncio.current_task()
        return self._open.get(task) if task is not None else None

    def holds_lock(self) -> bool:
        """Whether this task's transaction holds the lock (it has written)."""
        mine = self._mine()
        return mine is not None and mine.locked

    async def lock_for_write(self) -> bool:
        """Takes the lock for this task's transaction at its first write; False outside one."""
        mine = self._mine()
        if mine is None:
            return False
        if not mine.locked:
            await self._lock.acquire()
            mine.locked = True
        return True

    def scratch(self) -> dict[str, object] | None:
        """Room for what belongs to this task's transaction alone and ends with it."""
        mine = self._mine()
        return mine.scratch if mine is not None else None

    def stamp(self) -> str:
        """Now by the bot's clock, as the database keeps a moment."""
        return self._clock().isoformat(timespec="seconds")

    @property
    def vault(self) -> Vault:
        """For the store's companion classes in this package only."""
        return self._vault

    @contextlib.asynccontextmanager
    async def transaction(self, lazy: bool = False) -> AsyncIterator[None]:
        """Whole or not at all. A store method's transaction takes the lock at once, so what it
        reads before it writes is still so when it writes; an update's (`lazy`) takes it at its
        first write, so updates that only read, or have not written yet, never wait. Nested in
        this task's open transaction, it is part of that one; what was registered with
        `after_commit` runs once the outermost one has committed."""
        task = asyncio.current_task()
        assert task is not None
        if task in self._open:
            if not lazy:
                await self.lock_for_write()
            yield
            return
        mine = self._open[task] = _Transaction()
        try:
            if not lazy:
                await self.lock_for_write()
            try:
                yield
                if mine.with_commit:
                    await self.lock_for_write()
                if mine.locked:
                    await self._db.commit_with(mine.with_commit)
            except BaseException:
                mine.after_commit = []
                if mine.locked:
                    await self._conn.rollback()
                raise
        finally:
            del self._open[task]
            if mine.locked:
                self._lock.release()
        for action in mine.after_commit:
            try:
                await action()
            except Exception:
                # The change stands; what failed to follow it must not take the others along.
                log.exception("an action after a commit failed")

    async def after_commit(self, action: AfterCommit) -> None:
        """Runs `action` once this task's transaction has committed (at once outside one), and
        not at all if it rolls back: what the bot says about a change comes after the change."""
        mine = self._mine()
        if mine is not None:
            mine.after_commit.append(action)
        else:
            await action()

    async def with_commit(self, statement: Statement) -> None:
        """Runs `statement` in this task's transaction, in the same round trip to the database
        thread as its commit (outside one, in a transaction of its own): for writes gathered
        while an update runs, and for writes that need nothing else."""
        async with self.transaction(lazy=True):
            mine = self._mine()
            assert mine is not None
            mine.with_commit.append(statement)

    async def write_at_commit(self, sql: str, params: Iterable[object]) -> None:
        """One write that nothing in the update reads back, run with its commit: the lock is
        then held for that one round trip, not from the write to the end of the update, and
        the presses that make a seminar's busiest minutes (sorting votes, dots) wait less for
        each other."""
        values = tuple(params)

        def write(connection: sqlite3.Connection) -> None:
            connection.execute(sql, values)

        await self.with_commit(write)

    @contextlib.asynccontextmanager
    async def handling(self, update_id: int) -> AsyncIterator[bool]:
        """The transaction an update runs in; yields False if it was handled before (Telegram
        delivered it again after a crash), and then changes nothing. The record that it was
        handled is written with its change, just before the commit; should the same update have
        been committed meanwhile, AlreadyHandled rolls this handling back."""
        if await self.was_processed(update_id):
            yield False
            return
        async with self.transaction(lazy=True):
            mine = self._mine()
            assert mine is not None
            mine.update_id = update_id

            def record(connection: sqlite3.Connection) -> None:
                cur = connection.execute(
                    "INSERT OR IGNORE INTO processed_updates (update_id) VALUES (?)", (update_id,)
                )
                if cur.rowcount != 1:
                    raise AlreadyHandled(update_id)
                if update_id % 500 == 0:
                    connection.execute(
                        "DELETE FROM processed_updates WHERE update_id < ?",
                        (update_id - KEEP_PROCESSED_UPDATES,),
                    )

            yield True
            await self.with_commit(record)

    async def was_processed(self, update_id: int) -> bool:
        sql = "SELECT 1 FROM processed_updates WHERE update_id = ?"
        return await _first(self._db, sql, (update_id,)) is not None

    async def mark_processed(self, update_id: int) -> None:
        """For an update whose handling failed and was rolled back: it is not tried again."""
        async with self.transaction():
            await self._db.execute(
                "INSERT OR IGNORE INTO processed_updates (update_id) VALUES (?)", (update_id,)
            )

    async def _count(self, sql: str, *params: object) -> int:
        row = await _first(self._db, sql, params)
        return int(row[0]) if row else 0

    async def checkpoint(self) -> None:
        """Copies the write-ahead log into the database and empties it, once this task's
        transaction has committed: the log keeps every version of a page written since the last
        checkpoint, so deleted notes (zeroed in the database by secure_delete) stay in it until
        then."""

        async def now() -> None:
            async with self._lock:
                rows = await self._conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
            row = next(iter(rows), None)
            if row is not None and row[0]:
                log.warning("the database's write-ahead log was not emptied: a reader was busy")

        await self.after_commit(now)
