"""All SQL lives here: one long-lived aiosqlite connection, WAL, versioned migrations.

Anonymity is a property of the schema: the tables that know people (users, members) never hold
a note or a pseudonym, and the tables that hold notes (writers, notes) know only keyed
pseudonyms. No table holds a Telegram id in the clear: a column that finds a person or a chat
holds its keyed lookup hash, and one the bot must reach it by holds the id sealed (`vault.py`);
both are made and opened here, so the rest of the bot deals in plain ids. Rows that could betray
an order (writers, members) have no rowid, and note ids are random.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.domain import (
    Awaiting,
    Delivery,
    DotVote,
    Group,
    Member,
    Moderator,
    Note,
    NoteCounts,
    Phase,
    Role,
    Schedule,
    Seminar,
    SetupStep,
    Theme,
    User,
    Writer,
)
from bot.keys import Keyring, RetiredKeys, new_code, new_id
from bot.vault import Scrypt, Vault

# NoteCounts and Schedule live in bot.domain; they are named here too for render.py, which
# imports them from the store.
__all__ = [
    "AlreadyHandled",
    "BroadcastStore",
    "NoteCounts",
    "Rekeyed",
    "Schedule",
    "ScheduleStore",
    "SecretMismatch",
    "Store",
]

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE users (
        tg_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL,
        active_seminar_id INTEGER,
        setup_step TEXT NOT NULL DEFAULT 'none',
        setup_draft TEXT NOT NULL DEFAULT '{}',
        blocked INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE seminars (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        language TEXT NOT NULL,
        phase TEXT NOT NULL,
        questions TEXT NOT NULL,
        invite_code TEXT NOT NULL UNIQUE,
        group_size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE TABLE members (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        tg_id INTEGER NOT NULL,
        role TEXT NOT NULL,
        PRIMARY KEY (seminar_id, tg_id)
    ) WITHOUT ROWID;
    CREATE INDEX members_by_user ON members(tg_id);
    CREATE TABLE writers (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        pseudonym TEXT NOT NULL,
        question INTEGER NOT NULL DEFAULT 0,
        awaiting TEXT NOT NULL DEFAULT 'note',
        target_note_id INTEGER,
        draft TEXT,
        draft_ref TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (seminar_id, pseudonym)
    ) WITHOUT ROWID;
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        author TEXT NOT NULL,
        question INTEGER NOT NULL,
        text TEXT NOT NULL,
        source_ref TEXT UNIQUE,
        hidden INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX notes_by_author ON notes(seminar_id, author);
    CREATE INDEX notes_by_seminar ON notes(seminar_id, question);
    CREATE TABLE processed_updates (update_id INTEGER PRIMARY KEY);
    """,
    """
    ALTER TABLE seminars ADD COLUMN plenary_chat_id INTEGER;
    ALTER TABLE seminars ADD COLUMN notes_revealed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE seminars ADD COLUMN deal_all_notes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE seminars ADD COLUMN dot_budget INTEGER NOT NULL DEFAULT 5;
    ALTER TABLE seminars ADD COLUMN dot_max_per_theme INTEGER NOT NULL DEFAULT 3;
    ALTER TABLE seminars ADD COLUMN dot_vote TEXT NOT NULL DEFAULT 'not_started';
    ALTER TABLE members ADD COLUMN display_name TEXT;
    ALTER TABLE writers ADD COLUMN group_id INTEGER;
    ALTER TABLE notes ADD COLUMN group_id INTEGER;
    ALTER TABLE notes ADD COLUMN paper INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE notes ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE notes ADD COLUMN settled_theme_id INTEGER;
    CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        UNIQUE (seminar_id, number)
    );
    CREATE TABLE themes (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        group_id INTEGER,
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        merged_into INTEGER
    );
    CREATE UNIQUE INDEX themes_by_key ON themes(seminar_id, ifnull(group_id, 0), key)
        WHERE merged_into IS NULL;
    CREATE TABLE votes (
        note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        theme_id INTEGER NOT NULL,
        PRIMARY KEY (note_id, voter)
    ) WITHOUT ROWID;
    CREATE INDEX votes_by_voter ON votes(voter);
    CREATE TABLE dots (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        theme_id INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (seminar_id, voter, theme_id)
    ) WITHOUT ROWID;
    CREATE TABLE moderator_invites (
        code TEXT PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        expires_at TEXT NOT NULL,
        used INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE progress_messages (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        PRIMARY KEY (seminar_id, chat_id)
    ) WITHOUT ROWID;
    """,
    """
    ALTER TABLE seminars ADD COLUMN office_chat_id INTEGER;
    ALTER TABLE seminars ADD COLUMN previous_id INTEGER;
    ALTER TABLE members ADD COLUMN wants_summaries INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE broadcasts (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER REFERENCES seminars(id) ON DELETE CASCADE,
        origin TEXT UNIQUE,
        screens TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
        chat_id INTEGER NOT NULL,
        language TEXT NOT NULL,
        sent_screens INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending',
        PRIMARY KEY (broadcast_id, chat_id)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_pending ON deliveries(status, broadcast_id);
    CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        run_at TEXT NOT NULL,
        daily_at TEXT,
        created_by INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX one_open_or_close ON schedules(seminar_id, kind)
        WHERE status IN ('pending', 'running') AND kind IN ('open', 'close');
    CREATE INDEX schedules_due ON schedules(status, run_at);
    CREATE TABLE readbacks (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        answer TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (seminar_id, voter)
    ) WITHOUT ROWID;
    """,
    """
    CREATE INDEX notes_by_group ON notes(group_id);
    CREATE INDEX writers_by_group ON writers(group_id);
    CREATE INDEX themes_by_group ON themes(seminar_id, group_id);
    CREATE TABLE note_edits (
        ref TEXT PRIMARY KEY,
        note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX note_edits_by_note ON note_edits(note_id);
    """,
    # One row per dot, keyed by the press that gave it: a count is read, never added to, so a
    # press handled twice cannot give two dots. Replies owed to people wait in `outbox` until
    # they are through, so an answer decided before a crash is still given after it.
    """
    CREATE TABLE dot_presses (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        press INTEGER NOT NULL,
        theme_id INTEGER NOT NULL,
        PRIMARY KEY (seminar_id, voter, press)
    ) WITHOUT ROWID;
    INSERT INTO dot_presses (seminar_id, voter, press, theme_id)
        WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 1000)
        SELECT d.seminar_id, d.voter, -(d.theme_id * 1000 + n.k), d.theme_id
        FROM dots d JOIN n ON n.k <= d.count;
    DROP TABLE dots;
    ALTER TABLE dot_presses RENAME TO dots;
    CREATE INDEX dots_by_theme ON dots(seminar_id, theme_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        reply TEXT NOT NULL
    );
    """,
    # No Telegram id in the clear: the tables that held one are rebuilt with its keyed lookup
    # hash (`person`, `recipient`, `chat_key`) and, where the bot must reach the chat, the id
    # sealed (`chat`, `created_by`, the seminars' `plenary_chat` and `office_chat`). Co-moderators'
    # names and the replies in the outbox are sealed whole. The rows are carried over by
    # `Store._seal_clear_ids`, which holds the keys, in the same transaction; the old
    # `plenary_chat_id` and `office_chat_id` columns are left empty (SQLite before 3.35 cannot
    # drop a column).
    """
    ALTER TABLE users RENAME TO legacy_users;
    ALTER TABLE members RENAME TO legacy_members;
    ALTER TABLE progress_messages RENAME TO legacy_progress_messages;
    ALTER TABLE deliveries RENAME TO legacy_deliveries;
    ALTER TABLE outbox RENAME TO legacy_outbox;
    ALTER TABLE schedules RENAME TO legacy_schedules;
    DROP INDEX members_by_user;
    DROP INDEX deliveries_pending;
    DROP INDEX one_open_or_close;
    DROP INDEX schedules_due;
    CREATE TABLE users (
        person BLOB PRIMARY KEY,
        language TEXT NOT NULL,
        active_seminar_id INTEGER,
        setup_step TEXT NOT NULL DEFAULT 'none',
        setup_draft TEXT NOT NULL DEFAULT '{}',
        blocked INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE members (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        person BLOB NOT NULL,
        chat BLOB NOT NULL,
        role TEXT NOT NULL,
        display_name BLOB,
        wants_summaries INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (seminar_id, person)
    ) WITHOUT ROWID;
    CREATE INDEX members_by_person ON members(person);
    ALTER TABLE seminars ADD COLUMN plenary_chat BLOB;
    ALTER TABLE seminars ADD COLUMN office_chat BLOB;
    CREATE TABLE progress_messages (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        chat_key BLOB NOT NULL,
        chat BLOB NOT NULL,
        message_id INTEGER NOT NULL,
        PRIMARY KEY (seminar_id, chat_key)
    ) WITHOUT ROWID;
    CREATE TABLE deliveries (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
        recipient BLOB NOT NULL,
        chat BLOB NOT NULL,
        language TEXT NOT NULL,
        sent_screens INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending',
        PRIMARY KEY (broadcast_id, recipient)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_pending ON deliveries(status, broadcast_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        reply BLOB NOT NULL
    );
    CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        run_at TEXT NOT NULL,
        daily_at TEXT,
        created_by BLOB NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX one_open_or_close ON schedules(seminar_id, kind)
        WHERE status IN ('pending', 'running') AND kind IN ('open', 'close');
    CREATE INDEX schedules_due ON schedules(status, run_at);
    """,
    # Owners: the creator of a seminar owns it, and nobody can remove an owner. The creator was
    # never recorded before, so every moderator of an existing seminar is an owner until one of
    # them hands ownership over. The join link's generation starts at 1 for an existing seminar,
    # so the welcome and consent buttons given out before it was counted (they carry none) answer
    # that the link has changed rather than ask which link they came from.
    """
    ALTER TABLE members ADD COLUMN owner INTEGER NOT NULL DEFAULT 0;
    UPDATE members SET owner = 1 WHERE role = 'moderator';
    ALTER TABLE seminars ADD COLUMN invite_generation INTEGER NOT NULL DEFAULT 0;
    UPDATE seminars SET invite_generation = 1;
    """,
    # A note a moderator shortened says so wherever it is shown, the report included.
    """
    ALTER TABLE notes ADD COLUMN shortened INTEGER NOT NULL DEFAULT 0;
    """,
    # A seminar nobody closed is purged once it has lain still for the retention period: the
    # database itself notes its last activity (its creation, a join, a note written or edited,
    # a theme, a vote, a dot, a read-back answer, a phase change) through `seminar_clock()`,
    # the bot's clock, which `Store.open` gives its connection; a rekey changes none of the
    # columns the triggers watch. Seminars already there get a full period from now.
    # `users.chat` keeps a person's id sealed beside their lookup hash, so a rekey can make the
    # hash again for someone in no seminar too.
    """
    ALTER TABLE users ADD COLUMN chat BLOB;
    ALTER TABLE seminars ADD COLUMN last_active TEXT;
    UPDATE seminars SET last_active = seminar_clock();
    CREATE INDEX seminars_by_activity ON seminars(phase, last_active);
    CREATE TRIGGER seminar_created AFTER INSERT ON seminars BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.id; END;
    CREATE TRIGGER note_written AFTER INSERT ON notes BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER note_edited AFTER UPDATE OF text ON notes BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER vote_given AFTER INSERT ON votes BEGIN
        UPDATE seminars SET last_active = seminar_clock()
        WHERE id = (SELECT seminar_id FROM notes WHERE id = NEW.note_id); END;
    CREATE TRIGGER vote_changed AFTER UPDATE OF theme_id ON votes BEGIN
        UPDATE seminars SET last_active = seminar_clock()
        WHERE id = (SELECT seminar_id FROM notes WHERE id = NEW.note_id); END;
    CREATE TRIGGER dot_given AFTER INSERT ON dots BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER theme_made AFTER INSERT ON themes BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER read_back AFTER INSERT ON readbacks BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER read_back_changed AFTER UPDATE OF answer ON readbacks BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER member_joined AFTER INSERT ON members BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER phase_changed AFTER UPDATE OF phase, dot_vote ON seminars BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.id; END;
    """,
    # 10: how many themes each person has proposed in their group, so one person cannot flood
    # everyone's vote cards; a count, not which themes, so it links nobody to a theme.
    """
    ALTER TABLE writers ADD COLUMN themes_proposed INTEGER NOT NULL DEFAULT 0;
    """,
)

# The migration that seals the Telegram ids: it needs the keys, so the ones before it run first.
SEALED_IDS = 6

CHECK_KEY = "secret_check"
KDF_KEY = "kdf"
# "legacy": a database the bot used before ids were sealed keeps its pseudonyms, message
# references and button MACs under the keys derived from the secret alone (`Keyring(secret)`),
# since the ones it already gave out cannot all be made again; "sealed": a database made since
# derives them from the scrypt root too.
KEYRING_KEY = "keyring"
# The message and button keys of the secrets before a rekey (`RetiredKeys`), sealed as text.
RETIRED_KEY = "retired_keys"
KEEP_PROCESSED_UPDATES = 5000


class SecretMismatch(Exception):
    """The database was created with another SEMINAR_SECRET."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _real_time() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Rekeyed:
    """What `Store.rekey` did, for the operator: counts only, no key, nobody named."""

    people: int
    people_dropped: int
    memberships: int
    pseudonyms: int
    unlinked_pseudonyms: int
    sealed_values: int
    retired_key_sets: int


def _seminar(row: aiosqlite.Row, vault: Vault) -> Seminar:
    plenary = row["plenary_chat"]
    return Seminar(
        id=row["id"],
        title=row["title"],
        language=row["language"],
        phase=Phase(row["phase"]),
        questions=tuple(json.loads(row["questions"])),
        invite_code=row["invite_code"],
        group_size=row["group_size"],
        created_at=datetime.fromisoformat(row["created_at"]),
        plenary_chat_id=vault.unseal(plenary) if plenary is not None else None,
        notes_revealed=bool(row["notes_revealed"]),
        deal_all_notes=bool(row["deal_all_notes"]),
        dot_budget=row["dot_budget"],
        dot_max_per_theme=row["dot_max_per_theme"],
        dot_vote=DotVote(row["dot_vote"]),
        previous_id=row["previous_id"],
        invite_generation=row["invite_generation"],
    )


async def _first(db: _Guarded, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
    """The first row, in one round trip to the database thread instead of three."""
    rows = await db.execute_fetchall(sql, params)
    return next(iter(rows), None)


def _seal_chat(vault: Vault, chat_id: int | None) -> bytes | None:
    return vault.seal(chat_id) if chat_id is not None else None


def _seal_name(vault: Vault, name: str | None) -> bytes | None:
    return vault.seal_text(name) if name is not None else None


def _user(row: aiosqlite.Row, tg_id: int) -> User:
    return User(
        tg_id=tg_id,
        language=row["language"],
        active_seminar_id=row["active_seminar_id"],
        setup_step=SetupStep(row["setup_step"]),
        setup_draft=row["setup_draft"],
        blocked=bool(row["blocked"]),
    )


def _writer(row: aiosqlite.Row) -> Writer:
    return Writer(
        seminar_id=row["seminar_id"],
        pseudonym=row["pseudonym"],
        question=row["question"],
        awaiting=Awaiting(row["awaiting"]),
        target_note_id=row["target_note_id"],
        draft=row["draft"],
        draft_ref=row["draft_ref"],
        done=bool(row["done"]),
        group_id=row["group_id"],
        themes_proposed=row["themes_proposed"],
    )


def _note(row: aiosqlite.Row) -> Note:
    return Note(
        id=row["id"],
        seminar_id=row["seminar_id"],
        question=row["question"],
        text=row["text"],
        hidden=bool(row["hidden"]),
        group_id=row["group_id"],
        paper=bool(row["paper"]),
        settled=bool(row["settled"]),
        settled_theme_id=row["settled_theme_id"],
        shortened=bool(row["shortened"]),
    )


class _Guarded:
    """The connections as the store's methods see them.

    The bot's writes go through one connection under one lock, held by one transaction at a
    time from its first write to its commit. A read by a task whose transaction holds the lock
    goes through that connection and sees the task's own writes; every other read goes through
    a second, read-only connection, which sees only what was committed: never another update's
    half-done change, and without waiting for it.
    """

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, store: Store):
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


class AlreadyHandled(Exception):
    """The update was handled, and committed, while this handling of it ran."""


class Store:
    """The bot's only door to SQLite.

    A transaction is the unit of change: the one an update runs in holds every write the update
    causes and the record that it was handled, so a crash keeps both or neither. Store methods
    called inside it join it; called outside one, each write is its own transaction.
    """

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

    @classmethod
    async def open(
        cls,
        path: Path,
        secret: bytes,
        *,
        kdf: Scrypt | None = None,
        clock: Callable[[], datetime] = _real_time,
    ) -> Store:
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
        await reader.execute("PRAGMA query_only=ON")
        await reader.execute("PRAGMA busy_timeout=5000")
        store = cls(conn, reader)
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

    async def _seal_clear_ids(self, keep_legacy_keys: bool) -> None:
        """Carries the rows of the tables that held Telegram ids over to their sealed form, in
        the migration's transaction, then drops the old tables. Lookup hashes and seals are
        made from the clear ids here, before they go; pseudonyms, message references and button
        MACs cannot all be made again, so they stay under the keys they were made with."""
        conn, lookup, seal = self._conn, self._vault.lookup, self._vault.seal

        async def carry(table: str, columns: str, row: Callable[[aiosqlite.Row], Row]) -> None:
            rows = await conn.execute_fetchall(f"SELECT * FROM legacy_{table}")
            marks = ", ".join("?" * len(columns.split(", ")))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            await conn.executemany(sql, [row(r) for r in rows])
            await conn.execute(f"DROP TABLE legacy_{table}")

        await carry(
            "users",
            "person, language, active_seminar_id, setup_step, setup_draft, blocked",
            lambda r: (
                lookup(r["tg_id"]),
                r["language"],
                r["active_seminar_id"],
                r["setup_step"],
                r["setup_draft"],
                r["blocked"],
            ),
        )
        await carry(
            "members",
            "seminar_id, person, chat, role, display_name, wants_summaries",
            lambda r: (
                r["seminar_id"],
                lookup(r["tg_id"]),
                seal(r["tg_id"]),
                r["role"],
                _seal_name(self._vault, r["display_name"]),
                r["wants_summaries"],
            ),
        )
        await carry(
            "progress_messages",
            "seminar_id, chat_key, chat, message_id",
            lambda r: (r["seminar_id"], lookup(r["chat_id"]), seal(r["chat_id"]), r["message_id"]),
        )
        await carry(
            "deliveries",
            "broadcast_id, recipient, chat, language, sent_screens, status",
            lambda r: (
                r["broadcast_id"],
                lookup(r["chat_id"]),
                seal(r["chat_id"]),
                r["language"],
                r["sent_screens"],
                r["status"],
            ),
        )
        await carry("outbox", "id, reply", lambda r: (r["id"], self._vault.seal_text(r["reply"])))
        await carry(
            "schedules",
            "id, seminar_id, kind, run_at, daily_at, created_by, status, created_at",
            lambda r: (
                r["id"],
                r["seminar_id"],
                r["kind"],
                r["run_at"],
                r["daily_at"],
                seal(r["created_by"]),
                r["status"],
                r["created_at"],
            ),
        )
        chats = await conn.execute_fetchall(
            "SELECT id, plenary_chat_id, office_chat_id FROM seminars"
            " WHERE plenary_chat_id IS NOT NULL OR office_chat_id IS NOT NULL"
        )
        await conn.executemany(
            "UPDATE seminars SET plenary_chat = ?, office_chat = ?, plenary_chat_id = NULL,"
            " office_chat_id = NULL WHERE id = ?",
            [
                (
                    _seal_chat(self._vault, r["plenary_chat_id"]),
                    _seal_chat(self._vault, r["office_chat_id"]),
                    r["id"],
                )
                for r in chats
            ],
        )
        await conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [
                (KEYRING_KEY, "legacy" if keep_legacy_keys else "sealed"),
                (CHECK_KEY, self._vault.check_value),
            ],
        )

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

    async def rekey(self, new_secret: bytes) -> Rekeyed:
        """Changes SEMINAR_SECRET: a fresh salt and new keys, every sealed value sealed again,
        every lookup hash and pseudonym made again from the ids the old keys open.

        Message references and button MACs cannot be made again (the bot never kept message
        ids, and buttons are already in people's chats): their keys are kept, sealed under the
        new key, to check old ones only. Everything changes in one transaction; then the file
        is rebuilt, so no value under the old keys survives in it or in its WAL.
        """
        stored_kdf = await self._meta(KDF_KEY)
        assert stored_kdf is not None
        kdf = Scrypt.decode(stored_kdf).with_new_salt()
        vault = Vault(await asyncio.to_thread(kdf.derive, new_secret))
        retired = self.keyring.retired_with_current()
        keyring = Keyring(vault.keyring_root, retired)
        async with self.transaction():
            counts = await _Rekeying(self._db, self._vault, vault, self.keyring, keyring).run()
            sealed_retired = vault.seal_text(json.dumps([k.encode() for k in retired]))
            await self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [
                    (KDF_KEY, kdf.encode()),
                    (CHECK_KEY, vault.check_value),
                    (KEYRING_KEY, "sealed"),
                    (RETIRED_KEY, sealed_retired.hex()),
                ],
            )
        self._vault, self.keyring = vault, keyring
        await self.rebuild_file()
        return dataclasses.replace(counts, retired_key_sets=len(retired))

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
        """For the store's companion classes in this module only."""
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

    @property
    def vault(self) -> Vault:
        """For the store's companion classes in this module only."""
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

    # -- updates -------------------------------------------------------------------------

    async def was_processed(self, update_id: int) -> bool:
        sql = "SELECT 1 FROM processed_updates WHERE update_id = ?"
        return await _first(self._db, sql, (update_id,)) is not None

    async def mark_processed(self, update_id: int) -> None:
        """For an update whose handling failed and was rolled back: it is not tried again."""
        async with self.transaction():
            await self._db.execute(
                "INSERT OR IGNORE INTO processed_updates (update_id) VALUES (?)", (update_id,)
            )

    # -- users ---------------------------------------------------------------------------

    async def user(self, tg_id: int) -> User | None:
        """The person's row. An update reads it once until it writes: its handler and its flow
        both ask, and only the person's own updates change it, one after another."""
        mine = self._mine()
        if mine is not None and not mine.locked and tg_id in mine.users:
            return mine.users[tg_id]
        sql = "SELECT * FROM users WHERE person = ?"
        row = await _first(self._db, sql, (self._vault.lookup(tg_id),))
        found = _user(row, tg_id) if row else None
        if mine is not None and not mine.locked:
            mine.users[tg_id] = found
        return found

    async def save_user_language(self, tg_id: int, language: str) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO users (person, chat, language) VALUES (?, ?, ?) ON CONFLICT (person)"
                " DO UPDATE SET language = excluded.language, blocked = 0,"
                " chat = ifnull(users.chat, excluded.chat)",
                (self._vault.lookup(tg_id), self._vault.seal(tg_id), language),
            )

    async def set_active_seminar(self, tg_id: int, seminar_id: int | None) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ? WHERE person = ?",
                (seminar_id, self._vault.lookup(tg_id)),
            )

    async def set_setup(self, tg_id: int, step: SetupStep, draft: str) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE users SET setup_step = ?, setup_draft = ? WHERE person = ?",
                (step.value, draft, self._vault.lookup(tg_id)),
            )

    async def set_blocked(self, tg_id: int, blocked: bool) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE users SET blocked = ? WHERE person = ?",
                (blocked, self._vault.lookup(tg_id)),
            )

    # -- seminars ------------------------------------------------------------------------

    async def create_seminar(
        self,
        owner: int,
        title: str,
        language: str,
        questions: Iterable[str],
        group_size: int,
        dots: tuple[int, int] = (5, 3),
    ) -> Seminar:
        """Creates the seminar, makes the owner its moderator and their active seminar."""
        async with self.transaction():
            cur = await self._db.execute(
                "INSERT INTO seminars (title, language, phase, questions, invite_code, group_size,"
                " created_at, dot_budget, dot_max_per_theme) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    language,
                    Phase.DRAFT.value,
                    json.dumps(list(questions), ensure_ascii=False),
                    new_code(),
                    group_size,
                    _now(),
                    *dots,
                ),
            )
            seminar_id = cur.lastrowid
            assert seminar_id is not None
            person = self._vault.lookup(owner)
            await self._db.execute(
                "INSERT INTO members (seminar_id, person, chat, role, owner)"
                " VALUES (?, ?, ?, ?, 1)",
                (seminar_id, person, self._vault.seal(owner), Role.MODERATOR.value),
            )
            self._moderators.add(person)
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ?, setup_step = 'none', setup_draft = '{}'"
                " WHERE person = ?",
                (seminar_id, person),
            )
            seminar = await self.seminar(seminar_id)
            assert seminar is not None
            return seminar

    async def seminar(self, seminar_id: int) -> Seminar | None:
        row = await _first(self._db, "SELECT * FROM seminars WHERE id = ?", (seminar_id,))
        return _seminar(row, self._vault) if row else None

    async def seminar_by_code(self, code: str) -> Seminar | None:
        sql = "SELECT * FROM seminars WHERE invite_code = ?"
        row = await _first(self._db, sql, (code,))
        return _seminar(row, self._vault) if row else None

    async def set_phase(self, seminar_id: int, expected: Iterable[Phase], phase: Phase) -> bool:
        """Moves the phase only from an expected one, so two moderators cannot both move it."""
        async with self.transaction():
            allowed = [p.value for p in expected]
            marks = ",".join("?" * len(allowed))
            cur = await self._db.execute(
                f"UPDATE seminars SET phase = ? WHERE id = ? AND phase IN ({marks})",
                (phase.value, seminar_id, *allowed),
            )
            return cur.rowcount == 1

    async def open_plenary(self, seminar_id: int, winners: dict[int, int]) -> bool:
        """Ends the sorting vote: the phase moves on and every note's winning theme is written
        down in the same transaction, so later readers need not count the votes again."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE seminars SET phase = ? WHERE id = ? AND phase = ?",
                (Phase.PLENARY.value, seminar_id, Phase.VOTING.value),
            )
            if cur.rowcount != 1:
                return False
            await self._db.executemany(
                "UPDATE notes SET settled = 1, settled_theme_id = ? WHERE id = ? AND settled = 0",
                [(theme_id, note_id) for note_id, theme_id in winners.items()],
            )
            return True

    async def renew_invite_code(self, seminar_id: int) -> str:
        """A new join link, one generation on: buttons of the old one no longer match."""
        async with self.transaction():
            code = new_code()
            await self._db.execute(
                "UPDATE seminars SET invite_code = ?, invite_generation = invite_generation + 1"
                " WHERE id = ?",
                (code, seminar_id),
            )
            return code

    # -- members -------------------------------------------------------------------------

    async def add_member(self, seminar_id: int, tg_id: int, role: Role) -> None:
        async with self.transaction():
            person = self._vault.lookup(tg_id)
            await self._db.execute(
                "INSERT OR IGNORE INTO members (seminar_id, person, chat, role)"
                " VALUES (?, ?, ?, ?)",
                (seminar_id, person, self._vault.seal(tg_id), role.value),
            )
            if role is Role.MODERATOR:
                self._moderators.add(person)
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ? WHERE person = ?", (seminar_id, person)
            )

    async def membership(self, seminar_id: int, tg_id: int) -> Member | None:
        row = await _first(
            self._db,
            "SELECT m.role, m.owner, u.language FROM members m"
            " JOIN users u ON u.person = m.person WHERE m.seminar_id = ? AND m.person = ?",
            (seminar_id, self._vault.lookup(tg_id)),
        )
        if row is None:
            return None
        return Member(seminar_id, tg_id, Role(row["role"]), row["language"], bool(row["owner"]))

    async def members(self, seminar_id: int, *, include_blocked: bool = False) -> list[Member]:
        sql = (
            "SELECT m.chat, m.role, u.language, m.owner FROM members m"
            " JOIN users u ON u.person = m.person WHERE m.seminar_id = ?"
        )
        if not include_blocked:
            sql += " AND u.blocked = 0"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        unseal = self._vault.unseal
        return [Member(seminar_id, unseal(r[0]), Role(r[1]), r[2], bool(r[3])) for r in rows]

    async def _count(self, sql: str, *params: object) -> int:
        row = await _first(self._db, sql, params)
        return int(row[0]) if row else 0

    # -- writers -------------------------------------------------------------------------

    async def writer(self, seminar_id: int, pseudonym: str) -> Writer | None:
        row = await _first(
            self._db,
            "SELECT * FROM writers WHERE seminar_id = ? AND pseudonym = ?",
            (seminar_id, pseudonym),
        )
        return _writer(row) if row else None

    async def add_writer(self, seminar_id: int, pseudonym: str) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT OR IGNORE INTO writers (seminar_id, pseudonym) VALUES (?, ?)",
                (seminar_id, pseudonym),
            )

    async def update_writer(self, writer: Writer) -> None:
        async with self.transaction():
            await self._save_writer(writer)

    async def _save_writer(self, writer: Writer) -> None:
        """Inside a transaction the caller holds."""
        await self._db.execute(
            "UPDATE writers SET question = ?, awaiting = ?, target_note_id = ?, draft = ?,"
            " draft_ref = ?, done = ?, group_id = ? WHERE seminar_id = ? AND pseudonym = ?",
            (
                writer.question,
                writer.awaiting.value,
                writer.target_note_id,
                writer.draft,
                writer.draft_ref,
                writer.done,
                writer.group_id,
                writer.seminar_id,
                writer.pseudonym,
            ),
        )

    # -- notes ---------------------------------------------------------------------------

    async def add_note(
        self, writer: Writer, question: int, text: str, source_ref: str | None
    ) -> tuple[Note, bool]:
        """Saves a note and the writer's new state in one transaction.

        Returns the note and whether it is new: a message Telegram delivers twice has the same
        source_ref and yields the note saved the first time.
        """
        async with self.transaction():
            note = Note(new_id(), writer.seminar_id, question, text, hidden=False)
            cur = await self._db.execute(
                "INSERT INTO notes (id, seminar_id, author, question, text, source_ref)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_ref) DO NOTHING",
                (note.id, note.seminar_id, writer.pseudonym, question, text, source_ref),
            )
            if cur.rowcount == 0:  # only a message reference already taken stops the insert
                assert source_ref is not None
                existing = await self.note_by_ref((source_ref,))
                assert existing is not None
                return existing, False
            await self._save_writer(writer)
            return note, True

    async def note(self, note_id: int) -> tuple[Note, str] | None:
        """The note and its author's pseudonym (for checking ownership, never for display)."""
        row = await _first(self._db, "SELECT * FROM notes WHERE id = ?", (note_id,))
        return (_note(row), row["author"]) if row else None

    async def note_by_ref(self, refs: Sequence[str]) -> Note | None:
        """The note a message made, by any of the references it may have (`message_refs`)."""
        marks = ", ".join("?" * len(refs))
        sql = f"SELECT * FROM notes WHERE source_ref IN ({marks})"
        row = await _first(self._db, sql, refs)
        return _note(row) if row else None

    async def note_from_message(self, refs: Sequence[str]) -> tuple[Note, bool] | None:
        """The note a message made, or whose text it replaced (then True)."""
        marks = ", ".join("?" * len(refs))
        row = await _first(
            self._db,
            f"SELECT *, 0 AS edit FROM notes WHERE source_ref IN ({marks}) UNION ALL"
            " SELECT n.*, 1 FROM note_edits e JOIN notes n ON n.id = e.note_id"
            f" WHERE e.ref IN ({marks})",
            (*refs, *refs),
        )
        return (_note(row), bool(row["edit"])) if row else None

    async def notes_of(self, seminar_id: int, pseudonym: str) -> list[Note]:
        rows = await self._db.execute_fetchall(
            "SELECT * FROM notes WHERE seminar_id = ? AND author = ? ORDER BY question, id",
            (seminar_id, pseudonym),
        )
        return [_note(r) for r in rows]

    async def note_authors(self, seminar_id: int) -> dict[int, tuple[str, bool]]:
        """Each visible note's author pseudonym and whether it came from paper, to count
        writers (never for display)."""
        sql = "SELECT id, author, paper FROM notes WHERE seminar_id = ? AND hidden = 0"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return {int(r[0]): (str(r[1]), bool(r[2])) for r in rows}

    async def seminar_notes(self, seminar_id: int) -> list[Note]:
        """Every note of a seminar in id order, which is random, never submission order."""
        sql = "SELECT * FROM notes WHERE seminar_id = ? ORDER BY id"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return [_note(r) for r in rows]

    async def update_note_text(
        self, note_id: int, text: str, writer: Writer | None = None, ref: str | None = None
    ) -> None:
        """The writer's new text, and the message it came in, so that message delivered again is
        known. The words are the writer's own again, so a moderator's shortening mark goes."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET text = ?, shortened = 0 WHERE id = ?", (text, note_id)
            )
            if ref is not None:
                await self._db.execute(
                    "INSERT OR IGNORE INTO note_edits (ref, note_id) VALUES (?, ?)", (ref, note_id)
                )
            if writer is not None:
                await self._save_writer(writer)

    async def delete_note(self, note_id: int) -> None:
        async with self.transaction():
            await self._db.execute("DELETE FROM notes WHERE id = ?", (note_id,))

    async def hide_note(self, note_id: int) -> bool:
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE notes SET hidden = 1 WHERE id = ? AND hidden = 0", (note_id,)
            )
            return cur.rowcount == 1

    async def note_counts(self, seminar: Seminar) -> NoteCounts:
        per_question = [0] * len(seminar.questions)
        for row in await self._db.execute_fetchall(
            "SELECT question, COUNT(*) FROM notes WHERE seminar_id = ? AND hidden = 0"
            " GROUP BY question",
            (seminar.id,),
        ):
            if 0 <= row[0] < len(per_question):
                per_question[row[0]] = row[1]
        # Participants who wrote: a paper note's author is a code of its own, nobody's.
        writers = await self._count(
            "SELECT COUNT(DISTINCT author) FROM notes WHERE seminar_id = ? AND paper = 0",
            seminar.id,
        )
        done = await self._count(
            "SELECT COUNT(*) FROM writers WHERE seminar_id = ? AND done = 1", seminar.id
        )
        return NoteCounts(tuple(per_question), writers, done)

    async def forget(self, seminar_id: int, tg_id: int, pseudonym: str) -> None:
        """Deletes a person's notes, votes, dots, read-back answer, answering state and membership,
        in one transaction."""
        async with self.transaction():
            await self._db.execute(
                "DELETE FROM notes WHERE seminar_id = ? AND author = ?", (seminar_id, pseudonym)
            )
            await self._db.execute("DELETE FROM votes WHERE voter = ?", (pseudonym,))
            await self._db.execute(
                "DELETE FROM dots WHERE seminar_id = ? AND voter = ?", (seminar_id, pseudonym)
            )
            await self._db.execute(
                "DELETE FROM readbacks WHERE seminar_id = ? AND voter = ?", (seminar_id, pseudonym)
            )
            await self._db.execute(
                "DELETE FROM writers WHERE seminar_id = ? AND pseudonym = ?",
                (seminar_id, pseudonym),
            )
            person = self._vault.lookup(tg_id)
            await self._db.execute(
                "DELETE FROM members WHERE seminar_id = ? AND person = ?", (seminar_id, person)
            )
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ("
                " SELECT seminar_id FROM members WHERE person = ? LIMIT 1) WHERE person = ?",
                (person, person),
            )
            await self._db.execute(
                "DELETE FROM users WHERE person = ? AND NOT EXISTS"
                " (SELECT 1 FROM members WHERE person = ?)",
                (person, person),
            )

    # -- seminar settings ----------------------------------------------------------------

    async def set_plenary_chat(self, seminar_id: int, chat_id: int | None) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET plenary_chat = ? WHERE id = ?",
                (_seal_chat(self._vault, chat_id), seminar_id),
            )

    async def set_dot_vote(self, seminar_id: int, expected: DotVote, state: DotVote) -> bool:
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE seminars SET dot_vote = ? WHERE id = ? AND dot_vote = ?",
                (state.value, seminar_id, expected.value),
            )
            return cur.rowcount == 1

    async def set_notes_revealed(self, seminar_id: int) -> bool:
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE seminars SET notes_revealed = 1 WHERE id = ? AND notes_revealed = 0",
                (seminar_id,),
            )
            return cur.rowcount == 1

    async def set_deal_all_notes(self, seminar_id: int, deal: bool) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET deal_all_notes = ? WHERE id = ?", (deal, seminar_id)
            )

    async def seminars_of(self, tg_id: int) -> list[tuple[Seminar, Role]]:
        rows = await self._db.execute_fetchall(
            "SELECT s.*, m.role FROM seminars s JOIN members m ON m.seminar_id = s.id"
            " WHERE m.person = ? ORDER BY s.created_at DESC, s.id DESC",
            (self._vault.lookup(tg_id),),
        )
        return [(_seminar(r, self._vault), Role(r["role"])) for r in rows]

    # -- moderators ----------------------------------------------------------------------

    async def create_moderator_invite(self, seminar_id: int, expires_at: datetime) -> str:
        async with self.transaction():
            code = new_code()
            await self._db.execute(
                "INSERT INTO moderator_invites (code, seminar_id, expires_at) VALUES (?, ?, ?)",
                (code, seminar_id, expires_at.isoformat()),
            )
            return code

    async def redeem_moderator_invite(self, code: str, now: datetime) -> tuple[int | None, str]:
        """Uses an invite once: returns (seminar id, "ok") or (None, "unknown"|"used"|"expired")."""
        async with self.transaction():
            row = await _first(
                self._db,
                "SELECT seminar_id, expires_at, used FROM moderator_invites WHERE code = ?",
                (code,),
            )
            if row is None:
                return None, "unknown"
            if row["used"]:
                return None, "used"
            if datetime.fromisoformat(row["expires_at"]) <= now:
                return None, "expired"
            cur2 = await self._db.execute(
                "UPDATE moderator_invites SET used = 1 WHERE code = ? AND used = 0", (code,)
            )
            if cur2.rowcount != 1:
                return None, "used"
            return int(row["seminar_id"]), "ok"

    async def make_moderator(self, seminar_id: int, tg_id: int, display_name: str) -> None:
        async with self.transaction():
            person = self._vault.lookup(tg_id)
            await self._db.execute(
                "INSERT INTO members (seminar_id, person, chat, role, display_name)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (seminar_id, person) DO UPDATE"
                " SET role = excluded.role, display_name = excluded.display_name",
                (
                    seminar_id,
                    person,
                    self._vault.seal(tg_id),
                    Role.MODERATOR.value,
                    self._vault.seal_text(display_name),
                ),
            )
            self._moderators.add(person)
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ? WHERE person = ?", (seminar_id, person)
            )

    async def moderator_list(self, seminar_id: int) -> list[Moderator]:
        """Every moderator with the name they had when they joined as one ("" for the
        seminar's creator) and whether they own the seminar, by name."""
        rows = await self._db.execute_fetchall(
            "SELECT chat, display_name, owner FROM members WHERE seminar_id = ? AND role = ?",
            (seminar_id, Role.MODERATOR.value),
        )
        vault = self._vault
        listed = [
            Moderator(
                vault.unseal(r[0]),
                vault.unseal_text(r[1]) if r[1] is not None else "",
                bool(r[2]),
            )
            for r in rows
        ]
        return sorted(listed, key=lambda m: m.name)

    async def hand_over_ownership(self, seminar_id: int, tg_id: int) -> bool:
        """Makes this moderator the seminar's only owner, in one statement, so there is never a
        moment without an owner; False (and nothing changed) when they are no moderator."""
        async with self.transaction():
            person = self._vault.lookup(tg_id)
            cur = await self._db.execute(
                "UPDATE members SET owner = (person = ?1) WHERE seminar_id = ?2 AND role = ?3"
                " AND EXISTS (SELECT 1 FROM members WHERE seminar_id = ?2 AND person = ?1"
                " AND role = ?3)",
                (person, seminar_id, Role.MODERATOR.value),
            )
            return cur.rowcount > 0

    async def demote_moderator(self, seminar_id: int, tg_id: int, *, wrote: bool) -> bool:
        """A removed co-moderator who joined as a participant (and so has notes to keep or
        forget) stays one; anybody else leaves the seminar. An owner is never removed."""
        async with self.transaction():
            person = self._vault.lookup(tg_id)
            if wrote:
                cur = await self._db.execute(
                    "UPDATE members SET role = ? WHERE seminar_id = ? AND person = ? AND role = ?"
                    " AND owner = 0",
                    (Role.PARTICIPANT.value, seminar_id, person, Role.MODERATOR.value),
                )
                return cur.rowcount == 1
            cur = await self._db.execute(
                "DELETE FROM members WHERE seminar_id = ? AND person = ? AND role = ?"
                " AND owner = 0",
                (seminar_id, person, Role.MODERATOR.value),
            )
            if cur.rowcount != 1:
                return False
            await self._db.execute(
                "UPDATE users SET active_seminar_id = NULL"
                " WHERE person = ? AND active_seminar_id = ?",
                (person, seminar_id),
            )
            return True

    # -- groups --------------------------------------------------------------------------

    async def create_groups(
        self,
        seminar_id: int,
        members: list[list[str]],
        notes: dict[int, int],
    ) -> list[Group]:
        """Stores the groups, who sits where (by pseudonym) and which group sorts which note.

        `notes` maps a note id to the index of its group in `members`.
        """
        async with self.transaction():
            groups = [Group(new_id(), seminar_id, number) for number in range(1, len(members) + 1)]
            await self._db.executemany(
                "INSERT INTO groups (id, seminar_id, number) VALUES (?, ?, ?)",
                [(g.id, g.seminar_id, g.number) for g in groups],
            )
            await self._db.executemany(
                "UPDATE writers SET group_id = ? WHERE seminar_id = ? AND pseudonym = ?",
                [(groups[i].id, seminar_id, p) for i, people in enumerate(members) for p in people],
            )
            await self._db.executemany(
                "UPDATE notes SET group_id = ? WHERE id = ?",
                [(groups[index].id, note_id) for note_id, index in notes.items()],
            )
            return groups

    async def groups(self, seminar_id: int) -> list[Group]:
        sql = "SELECT * FROM groups WHERE seminar_id = ? ORDER BY number"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return [Group(r["id"], r["seminar_id"], r["number"]) for r in rows]

    async def group(self, group_id: int) -> Group | None:
        row = await _first(self._db, "SELECT * FROM groups WHERE id = ?", (group_id,))
        return Group(row["id"], row["seminar_id"], row["number"]) if row else None

    async def group_sizes(self, seminar_id: int) -> dict[int, int]:
        rows = await self._db.execute_fetchall(
            "SELECT group_id, COUNT(*) FROM writers WHERE seminar_id = ? AND group_id IS NOT NULL"
            " GROUP BY group_id",
            (seminar_id,),
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def group_members(self, group_id: int) -> list[str]:
        sql = "SELECT pseudonym FROM writers WHERE group_id = ?"
        return [str(r[0]) for r in await self._db.execute_fetchall(sql, (group_id,))]

    async def group_notes(self, group_id: int) -> list[Note]:
        """A group's visible notes, in id order (random)."""
        sql = "SELECT * FROM notes WHERE group_id = ? AND hidden = 0 ORDER BY id"
        return [_note(r) for r in await self._db.execute_fetchall(sql, (group_id,))]

    async def set_note_group(self, note_id: int, group_id: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET group_id = ? WHERE id = ?", (group_id, note_id)
            )

    async def regroup_notes(self, seminar_id: int, note_groups: Mapping[int, int]) -> None:
        """Gives the seminar's notes these groups, and every other note none."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET group_id = NULL WHERE seminar_id = ?", (seminar_id,)
            )
            await self._db.executemany(
                "UPDATE notes SET group_id = ? WHERE id = ? AND seminar_id = ?",
                [(group, note, seminar_id) for note, group in note_groups.items()],
            )

    async def add_paper_note(self, seminar_id: int, question: int, text: str) -> Note:
        """A note typed in from paper: its author is a pseudonym of its own, linked to nobody."""
        async with self.transaction():
            note = Note(new_id(), seminar_id, question, text, hidden=False, paper=True)
            await self._db.execute(
                "INSERT INTO notes (id, seminar_id, author, question, text, paper)"
                " VALUES (?, ?, ?, ?, ?, 1)",
                (note.id, seminar_id, f"paper:{new_code()}", question, text),
            )
            return note

    # -- themes --------------------------------------------------------------------------

    async def add_theme(
        self,
        seminar_id: int,
        group_id: int | None,
        name: str,
        key: str,
        proposer: str | None = None,
    ) -> tuple[Theme, bool]:
        """Adds a theme unless one with the same key is there; returns it and whether it is new.
        A new theme a participant proposed counts towards their limit (`proposer`, a pseudonym).
        """
        async with self.transaction():
            row = await _first(
                self._db,
                "SELECT * FROM themes WHERE seminar_id = ? AND ifnull(group_id, 0) = ? AND key = ?"
                " AND merged_into IS NULL",
                (seminar_id, group_id or 0, key),
            )
            if row is not None:
                return _theme(row), False
            theme = Theme(new_id(), seminar_id, group_id, name)
            await self._db.execute(
                "INSERT INTO themes (id, seminar_id, group_id, name, key) VALUES (?, ?, ?, ?, ?)",
                (theme.id, seminar_id, group_id, name, key),
            )
            if proposer is not None:
                await self._db.execute(
                    "UPDATE writers SET themes_proposed = themes_proposed + 1"
                    " WHERE seminar_id = ? AND pseudonym = ?",
                    (seminar_id, proposer),
                )
            return theme, True

    async def theme(self, theme_id: int) -> tuple[Theme, int | None] | None:
        """A theme and, if it was merged away, the theme it went into."""
        row = await _first(self._db, "SELECT * FROM themes WHERE id = ?", (theme_id,))
        return (_theme(row), row["merged_into"]) if row else None

    async def themes(self, seminar_id: int, group_id: int | None = None) -> list[Theme]:
        """Live themes (not merged away), of one group or, with None, of the seminar."""
        sql = "SELECT * FROM themes WHERE seminar_id = ? AND merged_into IS NULL"
        params: tuple[object, ...] = (seminar_id,)
        if group_id is not None:
            sql += " AND group_id = ?"
            params += (group_id,)
        return [_theme(r) for r in await self._db.execute_fetchall(sql + " ORDER BY key", params)]

    async def rename_theme(self, theme_id: int, name: str, key: str) -> bool:
        async with self.transaction():
            try:
                cur = await self._db.execute(
                    "UPDATE themes SET name = ?, key = ? WHERE id = ? AND merged_into IS NULL",
                    (name, key, theme_id),
                )
            except aiosqlite.IntegrityError:
                # A failed statement undoes only itself; the transaction goes on.
                return False
            return cur.rowcount == 1

    async def merge_themes(self, source: int, target: int) -> None:
        """Moves every vote, decision and dot of `source` to `target`, then retires `source`."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE themes SET merged_into = ? WHERE id = ?", (target, source)
            )
            await self._db.execute(
                "UPDATE themes SET merged_into = ? WHERE merged_into = ?", (target, source)
            )
            await self._db.execute(
                "UPDATE votes SET theme_id = ? WHERE theme_id = ?", (target, source)
            )
            await self._db.execute(
                "UPDATE notes SET settled_theme_id = ? WHERE settled_theme_id = ?", (target, source)
            )
            await self._db.execute(
                "UPDATE dots SET theme_id = ? WHERE theme_id = ?", (target, source)
            )

    # -- votes ---------------------------------------------------------------------------

    async def set_vote(self, note_id: int, voter: str, theme_id: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO votes (note_id, voter, theme_id) VALUES (?, ?, ?)"
                " ON CONFLICT (note_id, voter) DO UPDATE SET theme_id = excluded.theme_id",
                (note_id, voter, theme_id),
            )

    async def votes_of(self, voter: str) -> dict[int, int]:
        """One voter's choices: note id -> theme id."""
        sql = "SELECT note_id, theme_id FROM votes WHERE voter = ?"
        return {int(r[0]): int(r[1]) for r in await self._db.execute_fetchall(sql, (voter,))}

    async def sorting_votes(self, seminar_id: int) -> dict[int, list[int]]:
        """For each visible note of the seminar's groups, the theme ids its votes went to
        (voters left out)."""
        rows = await self._db.execute_fetchall(
            "SELECT v.note_id, v.theme_id FROM votes v JOIN notes n ON n.id = v.note_id"
            " WHERE n.seminar_id = ? AND n.group_id IS NOT NULL AND n.hidden = 0",
            (seminar_id,),
        )
        result: dict[int, list[int]] = {}
        for note_id, theme_id in rows:
            result.setdefault(int(note_id), []).append(int(theme_id))
        return result

    async def settle_note(self, note_id: int, theme_id: int | None) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET settled = 1, settled_theme_id = ? WHERE id = ?",
                (theme_id, note_id),
            )

    async def settled_themes(self, seminar_id: int) -> list[tuple[Theme, Group, int]]:
        """The live themes that hold notes once the outcome is written down, with their group
        and how many notes ended in them, in group order. Hidden notes count too: a theme keeps
        its place in the dot vote, and its dots, if a note that identified somebody is hidden
        during the vote."""
        rows = await self._db.execute_fetchall(
            "SELECT t.*, g.number, held.count FROM (SELECT settled_theme_id, COUNT(*) AS count"
            " FROM notes WHERE seminar_id = ? AND settled = 1 AND group_id IS NOT NULL"
            " AND settled_theme_id IS NOT NULL GROUP BY settled_theme_id) held"
            " JOIN themes t ON t.id = held.settled_theme_id AND t.merged_into IS NULL"
            " JOIN groups g ON g.id = t.group_id ORDER BY g.number",
            (seminar_id,),
        )
        return [
            (_theme(r), Group(r["group_id"], seminar_id, r["number"]), int(r["count"]))
            for r in rows
        ]

    async def shorten_note(self, note_id: int, text: str) -> None:
        """The moderator's wording, marked as theirs."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET text = ?, shortened = 1 WHERE id = ?", (text, note_id)
            )

    # -- dots ----------------------------------------------------------------------------

    async def dots_of(self, seminar_id: int, voter: str) -> dict[int, int]:
        return {
            int(r[0]): int(r[1])
            for r in await self._db.execute_fetchall(
                "SELECT theme_id, COUNT(*) FROM dots WHERE seminar_id = ? AND voter = ?"
                " GROUP BY theme_id",
                (seminar_id, voter),
            )
        }

    async def change_dots(self, seminar_id: int, voter: str, theme_id: int, change: int) -> None:
        """One dot given (+1) or taken back (-1). A dot is a row keyed by the update that gave
        it, so the same press applied twice is still one dot."""
        if change not in (1, -1):
            raise ValueError("a press gives or takes back one dot")
        async with self.transaction():
            if change > 0:
                await self._db.execute(
                    "INSERT OR IGNORE INTO dots (seminar_id, voter, press, theme_id)"
                    " VALUES (?, ?, ?, ?)",
                    (seminar_id, voter, self._press_key(), theme_id),
                )
            else:
                await self._db.execute(
                    "DELETE FROM dots WHERE seminar_id = ? AND voter = ? AND press = (SELECT"
                    " max(press) FROM dots WHERE seminar_id = ? AND voter = ? AND theme_id = ?)",
                    (seminar_id, voter, seminar_id, voter, theme_id),
                )

    def _press_key(self) -> int:
        """The update this task's transaction handles; a fresh random key outside one."""
        mine = self._mine()
        if mine is not None and mine.update_id is not None:
            return mine.update_id
        return -new_id()

    async def dot_totals(self, seminar_id: int) -> dict[int, int]:
        return {
            int(r[0]): int(r[1])
            for r in await self._db.execute_fetchall(
                "SELECT theme_id, COUNT(*) FROM dots WHERE seminar_id = ? GROUP BY theme_id",
                (seminar_id,),
            )
        }

    async def dot_voters(self, seminar_id: int) -> int:
        return await self._count(
            "SELECT COUNT(DISTINCT voter) FROM dots WHERE seminar_id = ?", seminar_id
        )

    async def summary_subscribers(self, seminar_id: int) -> set[int]:
        sql = "SELECT chat FROM members WHERE seminar_id = ? AND wants_summaries = 1"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return {self._vault.unseal(r[0]) for r in rows}

    async def wants_summaries(self, seminar_id: int, tg_id: int) -> bool:
        row = await _first(
            self._db,
            "SELECT wants_summaries FROM members WHERE seminar_id = ? AND person = ?",
            (seminar_id, self._vault.lookup(tg_id)),
        )
        return bool(row and row[0])

    async def toggle_summaries(self, seminar_id: int, tg_id: int) -> bool:
        async with self.transaction():
            await self._db.execute(
                "UPDATE members SET wants_summaries = 1 - wants_summaries"
                " WHERE seminar_id = ? AND person = ?",
                (seminar_id, self._vault.lookup(tg_id)),
            )
            return await self.wants_summaries(seminar_id, tg_id)

    async def save_read_back(
        self, seminar_id: int, voter: str, answer: str, note: str | None = None
    ) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO readbacks (seminar_id, voter, answer, note) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (seminar_id, voter) DO UPDATE SET answer = excluded.answer,"
                " note = ifnull(excluded.note, readbacks.note)",
                (seminar_id, voter, answer, note),
            )

    async def read_back_counts(self, seminar_id: int) -> tuple[int, int, list[str]]:
        sql = "SELECT answer, note FROM readbacks WHERE seminar_id = ? ORDER BY voter"
        rows = list(await self._db.execute_fetchall(sql, (seminar_id,)))
        recognised = sum(1 for r in rows if r[0] == "recognised")
        notes = [str(r[1]) for r in rows if r[0] == "missing" and r[1]]
        return recognised, len(rows) - recognised, notes

    async def vote_count(self, seminar_id: int) -> int:
        return await self._count(
            "SELECT COUNT(*) FROM votes v JOIN notes n ON n.id = v.note_id"
            " WHERE n.seminar_id = ? AND n.hidden = 0",
            seminar_id,
        )

    async def close_seminar(
        self, seminar_id: int, expected: Iterable[Phase], now: datetime
    ) -> bool:
        async with self.transaction():
            allowed = [p.value for p in expected]
            marks = ",".join("?" * len(allowed))
            cur = await self._db.execute(
                f"UPDATE seminars SET phase = ?, closed_at = ? WHERE id = ? AND phase IN ({marks})",
                (Phase.CLOSED.value, now.isoformat(), seminar_id, *allowed),
            )
            return cur.rowcount == 1

    async def closed_at(self, seminar_id: int) -> datetime | None:
        sql = "SELECT closed_at FROM seminars WHERE id = ?"
        row = await _first(self._db, sql, (seminar_id,))
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def purge_expired(self, before: datetime) -> int:
        """Deletes the seminars that closed before `before`, and those never closed whose last
        activity was before it, with everything in them (the foreign keys cascade: notes,
        votes, dots, read-back answers, members, writers, groups, themes, broadcasts,
        schedules), and the people who were in no other seminar."""
        async with self.transaction():
            ids = [
                int(r[0])
                for r in await self._db.execute_fetchall(
                    "SELECT id FROM seminars WHERE phase = ?1 AND closed_at < ?2"
                    " UNION SELECT id FROM seminars WHERE phase != ?1 AND last_active < ?2",
                    (Phase.CLOSED.value, before.isoformat()),
                )
            ]
            for seminar_id in ids:
                people = [
                    r[0]
                    for r in await self._db.execute_fetchall(
                        "SELECT person FROM members WHERE seminar_id = ?", (seminar_id,)
                    )
                ]
                await self._db.execute(
                    "DELETE FROM votes"
                    " WHERE note_id IN (SELECT id FROM notes WHERE seminar_id = ?)",
                    (seminar_id,),
                )
                await self._db.execute("DELETE FROM seminars WHERE id = ?", (seminar_id,))
                await self._db.execute(
                    "UPDATE users SET active_seminar_id = NULL WHERE active_seminar_id = ?",
                    (seminar_id,),
                )
                await self._db.executemany(
                    "DELETE FROM users WHERE person = ? AND NOT EXISTS"
                    " (SELECT 1 FROM members m WHERE m.person = users.person)",
                    [(person,) for person in people],
                )
            return len(ids)

    async def set_office_chat(self, seminar_id: int, chat_id: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET office_chat = ? WHERE id = ?",
                (self._vault.seal(chat_id), seminar_id),
            )

    async def office_chat(self, seminar_id: int) -> int | None:
        sql = "SELECT office_chat FROM seminars WHERE id = ?"
        row = await _first(self._db, sql, (seminar_id,))
        return self._vault.unseal(row[0]) if row and row[0] is not None else None

    async def set_previous(self, seminar_id: int, previous_id: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET previous_id = ? WHERE id = ?", (previous_id, seminar_id)
            )

    # -- live progress -------------------------------------------------------------------

    async def progress_messages(self, seminar_id: int) -> list[tuple[int, int]]:
        sql = "SELECT chat, message_id FROM progress_messages WHERE seminar_id = ?"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return [(self._vault.unseal(r[0]), int(r[1])) for r in rows]

    async def save_progress_message(self, seminar_id: int, chat_id: int, message_id: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO progress_messages (seminar_id, chat_key, chat, message_id)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (seminar_id, chat_key)"
                " DO UPDATE SET message_id = excluded.message_id",
                (seminar_id, self._vault.lookup(chat_id), self._vault.seal(chat_id), message_id),
            )

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


def _theme(row: aiosqlite.Row) -> Theme:
    return Theme(row["id"], row["seminar_id"], row["group_id"], row["name"])


def _schedule(row: aiosqlite.Row, vault: Vault) -> Schedule:
    return Schedule(
        id=row["id"],
        seminar_id=row["seminar_id"],
        kind=row["kind"],
        run_at=datetime.fromisoformat(row["run_at"]),
        daily_at=row["daily_at"],
        created_by=vault.unseal(row["created_by"]),
        status=row["status"],
    )


class BroadcastStore:
    """Everyone the bot still owes a message: broadcasts with their per-recipient deliveries,
    and the replies to updates (`outbox`), so a crash skips nobody."""

    def __init__(self, store: Store) -> None:
        self._db = store.connection
        self._vault = store.vault
        self.transaction = store.transaction
        self._with_commit = store.with_commit

    async def create(
        self,
        seminar_id: int | None,
        origin: str | None,
        screens: str,
        recipients: Iterable[tuple[int, str]],
    ) -> int:
        """Records a broadcast and one pending delivery per recipient, in one transaction.

        With an origin that exists already, nothing new is made and its id is returned, so an
        action repeated after a crash does not broadcast twice.
        """
        async with self.transaction():
            if origin is not None:
                row = await _first(
                    self._db, "SELECT id FROM broadcasts WHERE origin = ?", (origin,)
                )
                if row is not None:
                    return int(row[0])
            cur = await self._db.execute(
                "INSERT INTO broadcasts (seminar_id, origin, screens, created_at)"
                " VALUES (?, ?, ?, ?)",
                (seminar_id, origin, screens, _now()),
            )
            broadcast_id = cur.lastrowid
            assert broadcast_id is not None
            vault = self._vault
            await self._db.executemany(
                "INSERT OR IGNORE INTO deliveries (broadcast_id, recipient, chat, language)"
                " VALUES (?, ?, ?, ?)",
                [
                    (broadcast_id, vault.lookup(chat), vault.seal(chat), language)
                    for chat, language in recipients
                ],
            )
            return broadcast_id

    async def add_replies(self, replies: list[str]) -> list[int]:
        """Replies decided by the update under way, given after its commit; each names its
        chat, so each is kept sealed. They are written with the commit, so `replies` may still
        grow until then; the list returned holds their ids from then on."""
        ids: list[int] = []
        seal = self._vault.seal_text

        def insert(connection: sqlite3.Connection) -> None:
            marks = ", ".join("(?)" for _ in replies)
            rows = connection.execute(
                f"INSERT INTO outbox (reply) VALUES {marks} RETURNING id",
                [seal(reply) for reply in replies],
            ).fetchall()
            ids.extend(sorted(int(r[0]) for r in rows))

        await self._with_commit(insert)
        return ids

    async def replies_given(self, reply_ids: list[int]) -> None:
        def delete(connection: sqlite3.Connection) -> None:
            marks = ", ".join("?" * len(reply_ids))
            connection.execute(f"DELETE FROM outbox WHERE id IN ({marks})", reply_ids)

        await self._with_commit(delete)

    async def replies_owed(self) -> list[tuple[int, str]]:
        """Replies a crash kept from being given, oldest first."""
        rows = await self._db.execute_fetchall("SELECT id, reply FROM outbox ORDER BY id")
        return [(int(r[0]), self._vault.unseal_text(r[1])) for r in rows]

    async def screens(self, broadcast_id: int) -> str:
        sql = "SELECT screens FROM broadcasts WHERE id = ?"
        row = await _first(self._db, sql, (broadcast_id,))
        return str(row[0]) if row else "{}"

    async def pending(self, broadcast_id: int | None = None) -> list[Delivery]:
        sql = "SELECT * FROM deliveries WHERE status = 'pending'"
        params: tuple[object, ...] = ()
        if broadcast_id is not None:
            sql += " AND broadcast_id = ?"
            params = (broadcast_id,)
        rows = await self._db.execute_fetchall(sql + " ORDER BY broadcast_id", params)
        unseal = self._vault.unseal
        return [
            Delivery(r["broadcast_id"], unseal(r["chat"]), r["language"], r["sent_screens"])
            for r in rows
        ]

    async def progress(self, broadcast_id: int, chat_id: int, sent_screens: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE deliveries SET sent_screens = ? WHERE broadcast_id = ? AND recipient = ?",
                (sent_screens, broadcast_id, self._vault.lookup(chat_id)),
            )

    async def finish(self, broadcast_id: int, chat_id: int, status: str) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE deliveries SET status = ? WHERE broadcast_id = ? AND recipient = ?",
                (status, broadcast_id, self._vault.lookup(chat_id)),
            )

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        return {
            str(r[0]): int(r[1])
            for r in await self._db.execute_fetchall(
                "SELECT status, COUNT(*) FROM deliveries WHERE broadcast_id = ? GROUP BY status",
                (broadcast_id,),
            )
        }

    async def forget_delivered(self, broadcast_id: int) -> None:
        """A finished broadcast is not kept: who got what is nobody's business afterwards.
        Only this one: another may be half written in the open transaction right now."""
        async with self.transaction():
            await self._db.execute(
                "DELETE FROM broadcasts WHERE id = ? AND NOT EXISTS (SELECT 1 FROM deliveries d"
                " WHERE d.broadcast_id = broadcasts.id AND d.status = 'pending')",
                (broadcast_id,),
            )


class ScheduleStore:
    """Time boxes, reminders and recurring summaries, armed from here at every start."""

    def __init__(self, store: Store) -> None:
        self._db = store.connection
        self._vault = store.vault
        self.transaction = store.transaction

    async def add(
        self,
        seminar_id: int,
        kind: str,
        run_at: datetime,
        created_by: int,
        daily_at: str | None = None,
    ) -> Schedule | None:
        """None when an open or close of this seminar is already scheduled."""
        async with self.transaction():
            try:
                cur = await self._db.execute(
                    "INSERT INTO schedules (seminar_id, kind, run_at, daily_at, created_by,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        seminar_id,
                        kind,
                        run_at.isoformat(),
                        daily_at,
                        self._vault.seal(created_by),
                        _now(),
                    ),
                )
            except aiosqlite.IntegrityError:
                # A failed statement undoes only itself; the transaction goes on.
                return None
            assert cur.lastrowid is not None
            return await self.get(cur.lastrowid)

    async def get(self, schedule_id: int) -> Schedule | None:
        sql = "SELECT * FROM schedules WHERE id = ?"
        row = await _first(self._db, sql, (schedule_id,))
        return _schedule(row, self._vault) if row else None

    async def active(self, seminar_id: int) -> list[Schedule]:
        return [
            _schedule(r, self._vault)
            for r in await self._db.execute_fetchall(
                "SELECT * FROM schedules WHERE seminar_id = ? AND status IN ('pending', 'running')"
                " ORDER BY run_at",
                (seminar_id,),
            )
        ]

    async def due(self, now: datetime) -> list[Schedule]:
        """Pending jobs whose time has come, and jobs a crash interrupted."""
        return [
            _schedule(r, self._vault)
            for r in await self._db.execute_fetchall(
                "SELECT * FROM schedules WHERE (status = 'pending' AND run_at <= ?)"
                " OR status = 'running' ORDER BY run_at",
                (now.isoformat(),),
            )
        ]

    async def claim(self, schedule_id: int) -> bool:
        """Marks a job as running; only one claimer wins, so a job never starts twice."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE schedules SET status = 'running' WHERE id = ? AND status = 'pending'",
                (schedule_id,),
            )
            return cur.rowcount == 1

    async def settle(self, schedule_id: int, status: str, next_run: datetime | None = None) -> None:
        """Ends a run: done, missed or failed; a daily job is set for its next time instead."""
        async with self.transaction():
            if next_run is not None:
                await self._db.execute(
                    "UPDATE schedules SET status = 'pending', run_at = ? WHERE id = ?",
                    (next_run.isoformat(), schedule_id),
                )
            else:
                await self._db.execute(
                    "UPDATE schedules SET status = ? WHERE id = ?", (status, schedule_id)
                )

    async def cancel(self, schedule_id: int) -> Schedule | None:
        async with self.transaction():
            found = await self.get(schedule_id)
            cur = await self._db.execute(
                "UPDATE schedules SET status = 'cancelled' WHERE id = ? AND status = 'pending'",
                (schedule_id,),
            )
            return found if cur.rowcount == 1 else None


class _Rekeying:
    """One rekey's carrying over, inside the store's transaction: who each sealed id is,
    under the old keys, and the same rows under the new ones."""

    def __init__(
        self, db: _Guarded, old: Vault, new: Vault, old_keys: Keyring, new_keys: Keyring
    ) -> None:
        self._db, self._old, self._new = db, old, new
        self._old_keys, self._new_keys = old_keys, new_keys
        self._sealed = 0

    async def run(self) -> Rekeyed:
        db, old, new = self._db, self._old, self._new
        members = list(
            await db.execute_fetchall("SELECT seminar_id, person, chat, display_name FROM members")
        )
        users = list(await db.execute_fetchall("SELECT person, chat FROM users"))
        person_of: dict[bytes, int] = {bytes(r[1]): old.unseal(r[2]) for r in members}
        for person, chat in users:
            if chat is not None:
                person_of.setdefault(bytes(person), old.unseal(chat))
        known = [(bytes(r[0]), person_of[bytes(r[0])]) for r in users if bytes(r[0]) in person_of]
        dropped = [(r[0],) for r in users if bytes(r[0]) not in person_of]
        await db.executemany("DELETE FROM users WHERE person = ?", dropped)
        await db.executemany(
            "UPDATE users SET person = ?, chat = ? WHERE person = ?",
            [(new.lookup(tg), self._seal(tg), person) for person, tg in known],
        )
        await db.executemany(
            "UPDATE members SET person = ?, chat = ?, display_name = ?"
            " WHERE seminar_id = ? AND person = ?",
            [
                (
                    new.lookup(tg := old.unseal(r[2])),
                    self._seal(tg),
                    self._seal_text(old.unseal_text(r[3])) if r[3] is not None else None,
                    r[0],
                    r[1],
                )
                for r in members
            ],
        )
        pseudonyms, unlinked = await self._pseudonyms([(r[0], old.unseal(r[2])) for r in members])
        await self._chats()
        return Rekeyed(
            people=len(known),
            people_dropped=len(dropped),
            memberships=len(members),
            pseudonyms=pseudonyms,
            unlinked_pseudonyms=unlinked,
            sealed_values=self._sealed,
            retired_key_sets=0,
        )

    def _seal(self, chat_id: int) -> bytes:
        self._sealed += 1
        return self._new.seal(chat_id)

    def _seal_text(self, text: str) -> bytes:
        self._sealed += 1
        return self._new.seal_text(text)

    async def _pseudonyms(self, people: list[tuple[int, int]]) -> tuple[int, int]:
        """Every pseudonym in use, made again from its person's id; one that no member leads
        to (nobody could reach it) gets a random one, so no value under the old key stays."""
        renamed = {
            (seminar_id, self._old_keys.pseudonym(seminar_id, tg)): (
                self._new_keys.pseudonym(seminar_id, tg)
            )
            for seminar_id, tg in people
        }
        in_use = await self._db.execute_fetchall(
            "SELECT seminar_id, pseudonym FROM writers"
            " UNION SELECT seminar_id, author FROM notes WHERE paper = 0"
            " UNION SELECT n.seminar_id, v.voter FROM votes v JOIN notes n ON n.id = v.note_id"
            " UNION SELECT seminar_id, voter FROM dots"
            " UNION SELECT seminar_id, voter FROM readbacks"
        )
        changes = []
        unlinked = 0
        for seminar_id, pseudonym in in_use:
            fresh = renamed.get((seminar_id, pseudonym))
            if fresh is None:
                fresh, unlinked = secrets.token_hex(16), unlinked + 1
            changes.append((fresh, seminar_id, pseudonym))
        for sql in (
            "UPDATE writers SET pseudonym = ? WHERE seminar_id = ? AND pseudonym = ?",
            "UPDATE notes SET author = ? WHERE seminar_id = ? AND author = ?",
            "UPDATE votes SET voter = ?1 WHERE voter = ?3"
            " AND note_id IN (SELECT id FROM notes WHERE seminar_id = ?2)",
            "UPDATE dots SET voter = ? WHERE seminar_id = ? AND voter = ?",
            "UPDATE readbacks SET voter = ? WHERE seminar_id = ? AND voter = ?",
        ):
            await self._db.executemany(sql, changes)
        return len(changes), unlinked

    async def _chats(self) -> None:
        """The other sealed ids and their lookup hashes: deliveries, live progress messages,
        schedules, the plenary and office chats, and the replies waiting in the outbox."""
        db, old, new = self._db, self._old, self._new
        rows = await db.execute_fetchall("SELECT broadcast_id, recipient, chat FROM deliveries")
        await db.executemany(
            "UPDATE deliveries SET recipient = ?, chat = ?"
            " WHERE broadcast_id = ? AND recipient = ?",
            [(new.lookup(tg := old.unseal(r[2])), self._seal(tg), r[0], r[1]) for r in rows],
        )
        rows = await db.execute_fetchall("SELECT seminar_id, chat_key, chat FROM progress_messages")
        await db.executemany(
            "UPDATE progress_messages SET chat_key = ?, chat = ?"
            " WHERE seminar_id = ? AND chat_key = ?",
            [(new.lookup(tg := old.unseal(r[2])), self._seal(tg), r[0], r[1]) for r in rows],
        )
        rows = await db.execute_fetchall("SELECT id, created_by FROM schedules")
        await db.executemany(
            "UPDATE schedules SET created_by = ? WHERE id = ?",
            [(self._seal(old.unseal(r[1])), r[0]) for r in rows],
        )
        rows = await db.execute_fetchall(
            "SELECT id, plenary_chat, office_chat FROM seminars"
            " WHERE plenary_chat IS NOT NULL OR office_chat IS NOT NULL"
        )
        await db.executemany(
            "UPDATE seminars SET plenary_chat = ?, office_chat = ? WHERE id = ?",
            [
                (
                    self._seal(old.unseal(r[1])) if r[1] is not None else None,
                    self._seal(old.unseal(r[2])) if r[2] is not None else None,
                    r[0],
                )
                for r in rows
            ],
        )
        rows = await db.execute_fetchall("SELECT id, reply FROM outbox")
        await db.executemany(
            "UPDATE outbox SET reply = ? WHERE id = ?",
            [(self._seal_text(old.unseal_text(r[1])), r[0]) for r in rows],
        )
