"""The plenary's dot vote: one row per dot, keyed by the press that gave it, so a count is read
and never added to.
"""

from __future__ import annotations

from bot.domain import DotPage, Group
from bot.keys import new_id
from bot.store.core import StoreBase
from bot.store.themes import _theme


class PlenaryStore(StoreBase):
    """The `dots` table."""

    async def dots_of(self, seminar_id: int, voter: str) -> dict[int, int]:
        return {
            int(r[0]): int(r[1])
            for r in await self._db.execute_fetchall(
                # `+theme_id`: grouped in a sort of the voter's few dots, not by reading every
                # dot of the seminar in theme order.
                "SELECT theme_id, COUNT(*) FROM dots WHERE seminar_id = ? AND voter = ?"
                " GROUP BY +theme_id",
                (seminar_id, voter),
            )
        }

    async def change_dots(self, seminar_id: int, voter: str, theme_id: int, change: int) -> None:
        """One dot given (+1) or taken back (-1). A dot is a row keyed by the update that gave
        it, so the same press applied twice is still one dot."""
        if change not in (1, -1):
            raise ValueError("a press gives or takes back one dot")
        # Written with the update's commit: the card after the press is built from the dots
        # read before it.
        if change > 0:
            await self.write_at_commit(
                "INSERT OR IGNORE INTO dots (seminar_id, voter, press, theme_id)"
                " VALUES (?, ?, ?, ?)",
                (seminar_id, voter, self._press_key(), theme_id),
            )
        else:
            await self.write_at_commit(
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

    async def dot_card_page(
        self, seminar_id: int, page: int, size: int, theme_id: int | None = None
    ) -> DotPage:
        """One page of the dot card's themes (`settled_themes` in the plenary's order: by group,
        the fullest first, then by name as `str.casefold` orders it), kept in range; with the
        number of themes and whether `theme_id` is one of them. A press shows eight themes:
        reading all of a big seminar's (800 at 1,000 people) to rank them took most of it."""
        rows = await self._db.execute_fetchall(
            "WITH held AS (SELECT settled_theme_id AS id, COUNT(*) AS count FROM notes"
            " WHERE seminar_id = :seminar AND settled = 1 AND group_id IS NOT NULL"
            " AND settled_theme_id IS NOT NULL GROUP BY settled_theme_id),"
            " card AS MATERIALIZED (SELECT t.*, g.number, held.count FROM held"
            " JOIN themes t ON t.id = held.id AND t.merged_into IS NULL"
            " JOIN groups g ON g.id = t.group_id)"
            " SELECT *, (SELECT COUNT(*) FROM card) AS total,"
            " (SELECT COUNT(*) FROM card WHERE id = :theme) AS listed FROM card"
            " ORDER BY number, count DESC, casefold(name), id LIMIT :size"
            " OFFSET :size * max(0, min(:page, ((SELECT COUNT(*) FROM card) - 1) / :size))",
            {"seminar": seminar_id, "page": page, "size": size, "theme": theme_id},
        )
        rows = list(rows)
        if not rows:
            return DotPage([], 0, 0, False)
        total = int(rows[0]["total"])
        return DotPage(
            [(_theme(r), Group(r["group_id"], seminar_id, r["number"])) for r in rows],
            total,
            max(0, min(page, (total - 1) // size)),
            bool(rows[0]["listed"]),
        )
