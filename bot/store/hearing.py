"""Hearing back from a series: the wishes of the people who asked to hear what comes of its
proposals, and the office's reminders before the proposals' due dates.

A wish holds its series, the person's chat sealed (a fresh nonce each time, so nobody reading
the file can tell two wishes of one person apart from two people's) and a language; a random
id, so the order of the rows says nothing of who asked when. Only the key opens whose a wish
is, so finding a person's wish opens every wish of the series, as `forget_questions` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from bot.domain import Status
from bot.keys import new_id
from bot.store.core import StoreBase, _first

__all__ = ["DueReminder", "HearingStore"]

_FINAL = tuple(status.value for status in Status if status.final)


class DueReminder(NamedTuple):
    """A proposal under follow-up whose due date is near and whose office was not yet
    reminded of that date."""

    proposal_id: int
    series_id: int
    name: str
    owner: str
    status: Status
    due: date


class HearingStore(StoreBase):
    """The `hear_back` table, and `followups.reminded_due`."""

    async def _wish_ids(self, series_id: int | None, chat_id: int) -> list[tuple[int]]:
        if series_id is None:
            rows = await self._db.execute_fetchall("SELECT id, chat FROM hear_back")
        else:
            rows = await self._db.execute_fetchall(
                "SELECT id, chat FROM hear_back WHERE series_id = ?", (series_id,)
            )
        return [(int(r[0]),) for r in rows if self._vault.unseal(r[1]) == chat_id]

    async def add_wish(self, series_id: int, chat_id: int, language: str) -> bool:
        """Keeps a person's wish to hear back from a series, once; False if they had one (its
        language is then the one given now)."""
        async with self.transaction():
            if await _first(self._db, "SELECT 1 FROM series WHERE id = ?", (series_id,)) is None:
                return False
            mine = await self._wish_ids(series_id, chat_id)
            if mine:
                await self._db.executemany(
                    "UPDATE hear_back SET language = ? WHERE id = ?",
                    [(language, row[0]) for row in mine],
                )
                return False
            await self._db.execute(
                "INSERT INTO hear_back (id, series_id, chat, language) VALUES (?, ?, ?, ?)",
                (new_id(), series_id, self._vault.seal(chat_id), language),
            )
            return True

    async def relanguage_wishes(self, chat_id: int, language: str) -> None:
        """The person's wishes, in every series, are told in the language they chose now."""
        async with self.transaction():
            mine = await self._wish_ids(None, chat_id)
            await self._db.executemany(
                "UPDATE hear_back SET language = ? WHERE id = ?",
                [(language, row[0]) for row in mine],
            )

    async def has_wish(self, series_id: int, chat_id: int) -> bool:
        return bool(await self._wish_ids(series_id, chat_id))

    async def withdraw_wishes(self, chat_id: int, series_ids: Iterable[int] | None = None) -> int:
        """Deletes a person's wishes: in these series, or in every series."""
        async with self.transaction():
            if series_ids is None:
                mine = await self._wish_ids(None, chat_id)
            else:
                mine = [row for s in set(series_ids) for row in await self._wish_ids(s, chat_id)]
            await self._db.executemany("DELETE FROM hear_back WHERE id = ?", mine)
            return len(mine)

    async def wishes(self, series_id: int) -> list[tuple[int, str]]:
        """Who asked to hear back from the series, and in which language."""
        rows = await self._db.execute_fetchall(
            "SELECT chat, language FROM hear_back WHERE series_id = ? ORDER BY id", (series_id,)
        )
        return [(self._vault.unseal(r[0]), str(r[1])) for r in rows]

    async def wish_count(self, series_id: int) -> int:
        return await self._count("SELECT count(*) FROM hear_back WHERE series_id = ?", series_id)

    async def end_wishes_if_done(self, series_id: int) -> int:
        """Deletes the series' wishes once its follow-up has ended: it has proposals, every one
        is final, and every change of status has been told."""
        async with self.transaction():
            marks = ", ".join("?" * len(_FINAL))
            open_ = await _first(
                self._db,
                "SELECT (SELECT count(*) FROM followups f JOIN series_themes t"
                " ON t.id = f.proposal_id WHERE t.series_id = ?1),"
                " (SELECT count(*) FROM followups f JOIN series_themes t"
                " ON t.id = f.proposal_id WHERE t.series_id = ?1"
                f" AND f.status NOT IN ({marks})),"
                " (SELECT count(*) FROM status_changes c JOIN series_themes t"
                " ON t.id = c.proposal_id WHERE t.series_id = ?1 AND c.told = 0)",
                (series_id, *_FINAL),
            )
            assert open_ is not None
            proposals, unfinished, untold = (int(v) for v in open_)
            if not proposals or unfinished or untold:
                return 0
            cur = await self._db.execute("DELETE FROM hear_back WHERE series_id = ?", (series_id,))
            return cur.rowcount

    async def due_reminders(self, horizon: date) -> list[DueReminder]:
        """Proposals not final whose due date is on or before `horizon` and whose office has
        not been reminded of that date yet."""
        rows = await self._db.execute_fetchall(
            "SELECT f.proposal_id, t.series_id, t.name, f.owner, f.status, f.due FROM followups f"
            " JOIN series_themes t ON t.id = f.proposal_id"
            " WHERE f.due IS NOT NULL AND f.due <= ? AND f.status NOT IN"
            f" ({', '.join('?' * len(_FINAL))})"
            " AND (f.reminded_due IS NULL OR f.reminded_due != f.due)"
            " ORDER BY t.series_id, f.due, t.rank, t.id",
            (horizon.isoformat(), *_FINAL),
        )
        return [
            DueReminder(
                int(r[0]), int(r[1]), str(r[2]), str(r[3]), Status(r[4]), date.fromisoformat(r[5])
            )
            for r in rows
        ]

    async def mark_reminded(self, proposal_id: int, due: date) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE followups SET reminded_due = ? WHERE proposal_id = ?",
                (due.isoformat(), proposal_id),
            )
