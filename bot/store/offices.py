"""The service office's e-mail addresses per seminar, which `/report` sends the report to.

They are the office's, not a participant's: nothing here names a person. They go with the
seminar (the foreign key cascades when the retention purge deletes it); the seminar's series
keeps a copy (`series_office_emails`) for the reminders of its follow-up, which outlives it.
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
            await self._db.execute(
                "INSERT OR IGNORE INTO series_office_emails (series_id, address)"
                " SELECT series_id, ? FROM seminars WHERE id = ?",
                (address, seminar_id),
            )
            return cur.rowcount == 1

    async def remove_office_address(self, seminar_id: int, address_id: int) -> bool:
        """Removed from the seminar, and from its series unless another of the series'
        seminars still lists it."""
        async with self.transaction():
            await self._db.execute(
                "DELETE FROM series_office_emails WHERE EXISTS"
                " (SELECT 1 FROM office_emails e JOIN seminars s ON s.id = e.seminar_id"
                "  WHERE e.seminar_id = ? AND e.id = ? AND s.series_id = series_office_emails"
                ".series_id AND e.address = series_office_emails.address)"
                " AND NOT EXISTS (SELECT 1 FROM office_emails o JOIN seminars t"
                "  ON t.id = o.seminar_id WHERE t.series_id = series_office_emails.series_id"
                "  AND o.address = series_office_emails.address AND o.seminar_id != ?)",
                (seminar_id, address_id, seminar_id),
            )
            cur = await self._db.execute(
                "DELETE FROM office_emails WHERE seminar_id = ? AND id = ?",
                (seminar_id, address_id),
            )
            return cur.rowcount == 1

    async def series_office_addresses(self, series_id: int) -> list[str]:
        """The office addresses of a series: those its seminars list now or listed before the
        purge deleted them."""
        rows = await self._db.execute_fetchall(
            "SELECT address FROM series_office_emails WHERE series_id = ?"
            " UNION SELECT e.address FROM office_emails e JOIN seminars s ON s.id = e.seminar_id"
            " WHERE s.series_id = ? ORDER BY 1",
            (series_id, series_id),
        )
        return [str(r[0]) for r in rows]
