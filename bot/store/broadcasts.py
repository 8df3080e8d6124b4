"""Messages the bot still owes people: broadcasts with a delivery per recipient, and the replies
to updates waiting in the outbox until Telegram has them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from bot.domain import Delivery, DeliveryStatus
from bot.store.core import StoreBase, _first


class BroadcastStore:
    """Everyone the bot still owes a message: broadcasts with their per-recipient deliveries,
    and the replies to updates (`outbox`), so a crash skips nobody."""

    def __init__(self, store: StoreBase) -> None:
        self._db = store.connection
        self._vault = store.vault
        self.transaction = store.transaction
        self._with_commit = store.with_commit
        self._stamp = store.stamp

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
                (seminar_id, origin, screens, self._stamp()),
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
        sql = "SELECT * FROM deliveries WHERE status = ?"
        params: tuple[object, ...] = (DeliveryStatus.PENDING.value,)
        if broadcast_id is not None:
            sql += " AND broadcast_id = ?"
            params = (*params, broadcast_id)
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

    async def finish(self, broadcast_id: int, chat_id: int, status: DeliveryStatus) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE deliveries SET status = ? WHERE broadcast_id = ? AND recipient = ?",
                (status.value, broadcast_id, self._vault.lookup(chat_id)),
            )

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        """How many deliveries ended how, for the log."""
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
                " WHERE d.broadcast_id = broadcasts.id AND d.status = ?)",
                (broadcast_id, DeliveryStatus.PENDING.value),
            )
