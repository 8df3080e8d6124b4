"""The plenary's dot vote: one row per dot, keyed by the press that gave it, so a count is read
and never added to.
"""

from __future__ import annotations

from bot.keys import new_id
from bot.store.core import StoreBase


class PlenaryStore(StoreBase):
    """The `dots` table."""

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
