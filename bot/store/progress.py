"""Where a seminar stands, for those who follow it: the live messages (each moderator's
cockpit, the plenary chat's progress) and who asked for the recurring summaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.core import StoreBase, _first

__all__ = ["CockpitMessage", "ProgressMessage", "ProgressStore"]


@dataclass(frozen=True, slots=True)
class ProgressMessage:
    """The live progress message the bot posted in a chat, to edit as notes come in."""

    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class CockpitMessage:
    """A moderator's cockpit message, and the step it showed when it was posted."""

    chat_id: int
    message_id: int
    step: str


class ProgressStore(StoreBase):
    """The `progress_messages` table and `members.wants_summaries`."""

    async def progress_messages(self, seminar_id: int) -> list[ProgressMessage]:
        sql = "SELECT chat, message_id FROM progress_messages WHERE seminar_id = ? AND step = ''"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return [ProgressMessage(self._vault.unseal(r[0]), int(r[1])) for r in rows]

    async def save_progress_message(
        self, seminar_id: int, chat_id: int, message_id: int, step: str = ""
    ) -> None:
        """Remembers a message just posted; a seminar deleted while it was being posted (by
        the purge, or its end) has nothing left to remember it by, so nothing is saved."""
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO progress_messages (seminar_id, chat_key, chat, message_id, step)"
                " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM seminars WHERE id = ?)"
                " ON CONFLICT (seminar_id, chat_key)"
                " DO UPDATE SET message_id = excluded.message_id, step = excluded.step",
                (
                    seminar_id,
                    self._vault.lookup(chat_id),
                    self._vault.seal(chat_id),
                    message_id,
                    step,
                    seminar_id,
                ),
            )

    async def cockpit_messages(self, seminar_id: int) -> dict[int, CockpitMessage]:
        """The moderators' cockpits of a seminar, by chat."""
        sql = (
            "SELECT chat, message_id, step FROM progress_messages"
            " WHERE seminar_id = ? AND step != ''"
        )
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        found = (CockpitMessage(self._vault.unseal(r[0]), int(r[1]), str(r[2])) for r in rows)
        return {c.chat_id: c for c in found}

    async def live_cockpits(self) -> list[int]:
        """The seminars whose cockpits may still change: any whose last shown step was not
        the end."""
        rows = await self._db.execute_fetchall(
            "SELECT DISTINCT seminar_id FROM progress_messages WHERE step NOT IN ('', 'ended')"
        )
        return [int(r[0]) for r in rows]

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
