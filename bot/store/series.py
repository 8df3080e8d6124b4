"""Seminar series: what a series keeps of its seminars (their themes, a few quotes), which
earlier theme a joint seminar's questions and proposals answer, and the proposals' follow-up.

Nothing here names or leads to a person: a theme kept here is a name, a rank, dots and quotes,
and the series keeps them after the retention purge has deleted the seminar they came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

import aiosqlite

from bot.domain import FollowUp, Seminar, SeminarKind, Series, SeriesTheme, Status
from bot.store.core import StoreBase, _first
from bot.store.seminars import _seminar

__all__ = ["KeptTheme", "SeriesStore", "StatusChange"]


class KeptTheme(NamedTuple):
    """A theme a seminar ended with, as the series is to keep it."""

    rank: int
    name: str
    dots: int
    quotes: tuple[str, ...]


class StatusChange(NamedTuple):
    """A change of a proposal's status, until the people who asked to hear back are told."""

    id: int
    series_id: int
    proposal: str
    status: Status
    reason: str


def _theme(row: aiosqlite.Row) -> SeriesTheme:
    return SeriesTheme(
        id=row["id"],
        series_id=row["series_id"],
        seminar_id=row["seminar_id"],
        kind=SeminarKind(row["kind"]),
        rank=row["rank"],
        name=row["name"],
        dots=row["dots"],
        quotes=tuple(json.loads(row["quotes"])),
    )


class SeriesStore(StoreBase):
    """The `series`, `series_themes`, `joint_questions`, `lineage`, `followups` and
    `status_changes` tables."""

    async def series(self, series_id: int) -> Series | None:
        row = await _first(self._db, "SELECT * FROM series WHERE id = ?", (series_id,))
        return Series(row["id"], row["title"], row["language"]) if row else None

    async def seminars_in_series(self, series_id: int) -> list[Seminar]:
        """The series' seminars that are still kept, oldest first."""
        rows = await self._db.execute_fetchall(
            "SELECT * FROM seminars WHERE series_id = ? ORDER BY id", (series_id,)
        )
        return [_seminar(row, self._vault) for row in rows]

    async def keep_themes(self, seminar: Seminar, themes: Iterable[KeptTheme]) -> dict[int, int]:
        """Keeps the themes a seminar ended with in its series, once: if the seminar's themes
        are kept already, they stay as they are (with their follow-up). Returns the kept id of
        each theme by its rank."""
        async with self.transaction():
            rows = await self._db.execute_fetchall(
                "SELECT id, rank FROM series_themes WHERE seminar_id = ?", (seminar.id,)
            )
            if rows:
                return {int(r[1]): int(r[0]) for r in rows}
            kept: dict[int, int] = {}
            for theme in themes:
                cur = await self._db.execute(
                    "INSERT INTO series_themes (series_id, seminar_id, kind, rank, name, dots,"
                    " quotes) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        seminar.series_id,
                        seminar.id,
                        seminar.kind.value,
                        theme.rank,
                        theme.name,
                        theme.dots,
                        json.dumps(list(theme.quotes), ensure_ascii=False),
                    ),
                )
                assert cur.lastrowid is not None
                kept[theme.rank] = cur.lastrowid
            if kept:
                await self._db.execute(
                    "UPDATE series_themes SET batch = ? WHERE seminar_id = ?",
                    (min(kept.values()), seminar.id),
                )
            return kept

    async def newest_themes(
        self, series_id: int, kind: SeminarKind, ranks: int
    ) -> list[SeriesTheme]:
        """The top `ranks` themes of the newest seminar of `kind` that kept themes in the
        series (also after the purge), by rank."""
        rows = await self._db.execute_fetchall(
            "SELECT * FROM series_themes WHERE series_id = ? AND kind = ? AND rank <= ?"
            " AND batch = (SELECT MAX(batch) FROM series_themes WHERE series_id = ?"
            " AND kind = ?) ORDER BY rank, id",
            (series_id, kind.value, ranks, series_id, kind.value),
        )
        return [_theme(row) for row in rows]

    async def series_themes(self, series_id: int) -> list[SeriesTheme]:
        """Every theme the series keeps, by seminar (oldest first) and rank."""
        rows = await self._db.execute_fetchall(
            "SELECT * FROM series_themes WHERE series_id = ? ORDER BY id", (series_id,)
        )
        return [_theme(row) for row in rows]

    async def set_joint_questions(self, seminar_id: int, theme_ids: Iterable[int]) -> None:
        async with self.transaction():
            await self._db.executemany(
                "INSERT INTO joint_questions (seminar_id, question, theme_id) VALUES (?, ?, ?)",
                [(seminar_id, number, theme) for number, theme in enumerate(theme_ids)],
            )

    async def joint_questions(self, seminar_id: int) -> dict[int, SeriesTheme]:
        """The earlier theme each question of a joint seminar asks proposals for."""
        rows = await self._db.execute_fetchall(
            "SELECT j.question, t.* FROM joint_questions j"
            " JOIN series_themes t ON t.id = j.theme_id WHERE j.seminar_id = ?",
            (seminar_id,),
        )
        return {int(row["question"]): _theme(row) for row in rows}

    async def add_followups(self, lineage: dict[int, Iterable[int]]) -> None:
        """Starts the follow-up of the chosen proposals, each with the earlier themes it
        answers; every one is planned, with no owner and no due date yet."""
        async with self.transaction():
            for proposal, answers in lineage.items():
                await self._db.execute(
                    "INSERT OR IGNORE INTO followups (proposal_id) VALUES (?)", (proposal,)
                )
                await self._db.executemany(
                    "INSERT OR IGNORE INTO lineage (proposal_id, answers_id) VALUES (?, ?)",
                    [(proposal, answer) for answer in answers],
                )

    async def followups(self, series_id: int) -> list[FollowUp]:
        """The series' proposals under follow-up, by their seminar and rank."""
        themes = {theme.id: theme for theme in await self.series_themes(series_id)}
        rows = await self._db.execute_fetchall(
            "SELECT f.* FROM followups f JOIN series_themes t ON t.id = f.proposal_id"
            " WHERE t.series_id = ? ORDER BY t.seminar_id, t.rank, t.id",
            (series_id,),
        )
        answers: dict[int, list[SeriesTheme]] = {}
        for link in await self._db.execute_fetchall(
            "SELECT l.proposal_id, l.answers_id FROM lineage l"
            " JOIN series_themes t ON t.id = l.proposal_id WHERE t.series_id = ?",
            (series_id,),
        ):
            answers.setdefault(int(link[0]), []).append(themes[int(link[1])])
        return [
            FollowUp(
                proposal=themes[row["proposal_id"]],
                answers=tuple(
                    sorted(answers.get(row["proposal_id"], []), key=lambda t: (t.kind, t.rank))
                ),
                owner=row["owner"],
                status=Status(row["status"]),
                reason=row["reason"],
                due=date.fromisoformat(row["due"]) if row["due"] else None,
            )
            for row in rows
        ]

    async def update_followup(self, followup: FollowUp, now: datetime) -> bool:
        """Saves what the office says of a proposal; a new status or reason is recorded as a
        change to tell. False if the proposal is not under follow-up."""
        async with self.transaction():
            old = await _first(
                self._db,
                "SELECT status, reason FROM followups WHERE proposal_id = ?",
                (followup.proposal.id,),
            )
            if old is None:
                return False
            await self._db.execute(
                "UPDATE followups SET owner = ?, status = ?, reason = ?, due = ?, changed_at = ?"
                " WHERE proposal_id = ?",
                (
                    followup.owner,
                    followup.status.value,
                    followup.reason,
                    followup.due.isoformat() if followup.due else None,
                    now.isoformat(),
                    followup.proposal.id,
                ),
            )
            if (old["status"], old["reason"]) != (followup.status.value, followup.reason):
                await self._db.execute(
                    "INSERT INTO status_changes (proposal_id, status, reason) VALUES (?, ?, ?)",
                    (followup.proposal.id, followup.status.value, followup.reason),
                )
            return True

    async def untold_changes(self) -> list[StatusChange]:
        """Status changes not yet told to the people who asked to hear back, oldest first."""
        rows = await self._db.execute_fetchall(
            "SELECT c.id, t.series_id, t.name, c.status, c.reason FROM status_changes c"
            " JOIN series_themes t ON t.id = c.proposal_id WHERE c.told = 0 ORDER BY c.id"
        )
        return [
            StatusChange(int(r[0]), int(r[1]), str(r[2]), Status(r[3]), str(r[4])) for r in rows
        ]

    async def mark_told(self, change_id: int) -> None:
        async with self.transaction():
            await self._db.execute("UPDATE status_changes SET told = 1 WHERE id = ?", (change_id,))
