"""The service office's e-mail addresses per seminar, which `/report` sends the report to.

They are the office's, not a participant's: nothing here names a person. They go with the
seminar (the foreign key cascades when the retention purge deletes it).
"""

from __future__ import annotations

from typing import NamedTuple

from bot.store.core import StoreBase

__all__ = ["OfficeAddress", "OfficesStore"]


class OfficeAddress(NamedTuple):
    id: int
    address: str


class OfficesStore(StoreBase):
    """The `office_emails` table."""

    async def office_addresses(self, seminar_id: int) -> list[OfficeAddress]:
        rows = await self._db.execute_fetchall(
            "SELECT id, address FROM office_emails WHERE seminar_id = ? ORDER BY address",
            (seminar_id,),
        )
        return [OfficeAddress(int(r[0]), str(r[1])) for r in rows]

    async def add_office_address(self, seminar_id: int, address: str) -> bool:
        """False if the seminar has it already (addresses are compared without case)."""
        async with self.transaction():
            cur = await self._db.execute(
                "INSERT OR IGNORE INTO office_emails (seminar_id, address) VALUES (?, ?)",
                (seminar_id, address),
            )
            return cur.rowcount == 1

    async def remove_office_address(self, seminar_id: int, address_id: int) -> bool:
        async with self.transaction():
            cur = await self._db.execute(
                "DELETE FROM office_emails WHERE seminar_id = ? AND id = ?",
                (seminar_id, address_id),
            )
            return cur.rowcount == 1
