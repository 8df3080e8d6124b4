"""The end of a seminar: the read-back, closing it, and purging seminars past the retention
period with everything in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from bot.domain import Phase
from bot.store.core import StoreBase, _first

__all__ = ["ALL_THEMES", "ClosingStore", "ReadBackAnswer", "ReadBackCounts"]


class ReadBackAnswer(StrEnum):
    """A participant's answer when the themes are read back to them."""

    RECOGNISED = "recognised"
    MISSING = "missing"


class ReadBackCounts(NamedTuple):
    """The read-back's answers counted, and what people said was missing (a named tuple:
    the store's tests compare it with a plain one)."""

    recognised: int
    missing: int
    missing_notes: list[str]


# The theme of an answer given before themes were read back one by one: all of them together.
ALL_THEMES = 0


class ClosingStore(StoreBase):
    """The `readbacks` table, and seminars' end."""

    async def save_read_back(
        self,
        seminar_id: int,
        voter: str,
        answer: ReadBackAnswer,
        note: str | None = None,
        theme_id: int = ALL_THEMES,
    ) -> None:
        """One answer per person and theme: a new one replaces it, so nobody counts twice."""
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO readbacks (seminar_id, voter, theme_id, answer, note)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (seminar_id, voter, theme_id) DO UPDATE SET answer = excluded.answer,"
                " note = ifnull(excluded.note, readbacks.note)",
                (seminar_id, voter, theme_id, answer, note),
            )

    async def read_back_counts(self, seminar_id: int) -> ReadBackCounts:
        """Every answer, whichever theme it was about."""
        counts = await self.read_back_by_theme(seminar_id)
        return ReadBackCounts(
            sum(c.recognised for c in counts.values()),
            sum(c.missing for c in counts.values()),
            [note for c in counts.values() for note in c.missing_notes],
        )

    async def read_back_by_theme(self, seminar_id: int) -> dict[int, ReadBackCounts]:
        """The answers counted per theme (`ALL_THEMES` for answers about all of them)."""
        sql = (
            "SELECT theme_id, answer, note FROM readbacks WHERE seminar_id = ?"
            " ORDER BY theme_id, voter"
        )
        found: dict[int, ReadBackCounts] = {}
        for theme_id, answer, note in await self._db.execute_fetchall(sql, (seminar_id,)):
            counts = found.setdefault(int(theme_id), ReadBackCounts(0, 0, []))
            if answer == ReadBackAnswer.RECOGNISED:
                found[int(theme_id)] = counts._replace(recognised=counts.recognised + 1)
            else:
                found[int(theme_id)] = counts._replace(missing=counts.missing + 1)
                if note:
                    counts.missing_notes.append(str(note))
        return found

    async def mark_reported(self, seminar_id: int, now: datetime) -> None:
        """The report was made: participants may ask for its short version from now on."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET reported_at = ? WHERE id = ?", (now.isoformat(), seminar_id)
            )

    async def reported_at(self, seminar_id: int) -> datetime | None:
        sql = "SELECT reported_at FROM seminars WHERE id = ?"
        row = await _first(self._db, sql, (seminar_id,))
        return datetime.fromisoformat(row[0]) if row and row[0] else None

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
        schedules), the people who were in no other seminar, and the series left with neither
        a seminar nor a follow-up."""
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
            # A series outlives its seminars only while it has proposals to follow up; one
            # with none left (a seminar on its own) goes with its last seminar.
            await self._db.execute(
                "DELETE FROM series WHERE NOT EXISTS"
                " (SELECT 1 FROM seminars s WHERE s.series_id = series.id) AND NOT EXISTS"
                " (SELECT 1 FROM followups f JOIN series_themes t ON t.id = f.proposal_id"
                " WHERE t.series_id = series.id)"
            )
            return len(ids)
