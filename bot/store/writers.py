"""A participant's answering state, kept under their pseudonym: which question they are on,
what their next message means, and the group they sit in.
"""

from __future__ import annotations

import aiosqlite

from bot.domain import Writer
from bot.expectations import Awaiting
from bot.store.core import StoreBase, _first


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
        card_message=row["card_message"],
        card_index=row["card_index"],
    )


class WritersStore(StoreBase):
    """The `writers` table."""

    async def writer(self, seminar_id: int, pseudonym: str) -> Writer | None:
        """Read once until the update writes, as `user`: only the writer's own updates and
        those that run alone change the row."""
        mine = self._mine()
        if mine is not None and not mine.locked and (seminar_id, pseudonym) in mine.writers:
            return mine.writers[seminar_id, pseudonym]
        row = await _first(
            self._db,
            "SELECT * FROM writers WHERE seminar_id = ? AND pseudonym = ?",
            (seminar_id, pseudonym),
        )
        found = _writer(row) if row else None
        if mine is not None and not mine.locked:
            mine.writers[seminar_id, pseudonym] = found
        return found

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
