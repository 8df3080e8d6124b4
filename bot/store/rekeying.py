"""Changing SEMINAR_SECRET (`rekey`), and sealing the clear Telegram ids of a database the bot
used before ids were sealed: both carry the rows that name people over to new keys.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import aiosqlite

from bot.keys import Keyring
from bot.store.core import Row, StoreBase, _Guarded, _seal_chat, _seal_name
from bot.store.migrations import CHECK_KEY, KDF_KEY, KEYRING_KEY, RETIRED_KEY
from bot.vault import Scrypt, Vault


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


class RekeyingStore(StoreBase):
    """Carrying rows over to new keys, in one transaction."""

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
        schedules, the plenary and office chats (of seminars and of series), the askers of
        questions to the moderators, the people who asked to hear back from a series, and the
        replies waiting in the outbox."""
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
        rows = await db.execute_fetchall(
            "SELECT id, office_chat FROM series WHERE office_chat IS NOT NULL"
        )
        await db.executemany(
            "UPDATE series SET office_chat = ? WHERE id = ?",
            [(self._seal(old.unseal(r[1])), r[0]) for r in rows],
        )
        rows = await db.execute_fetchall("SELECT id, asker FROM questions")
        await db.executemany(
            "UPDATE questions SET asker = ? WHERE id = ?",
            [(self._seal(old.unseal(r[1])), r[0]) for r in rows],
        )
        rows = await db.execute_fetchall("SELECT id, chat FROM hear_back")
        await db.executemany(
            "UPDATE hear_back SET chat = ? WHERE id = ?",
            [(self._seal(old.unseal(r[1])), r[0]) for r in rows],
        )
        rows = await db.execute_fetchall("SELECT id, reply FROM outbox")
        await db.executemany(
            "UPDATE outbox SET reply = ? WHERE id = ?",
            [(self._seal_text(old.unseal_text(r[1])), r[0]) for r in rows],
        )
