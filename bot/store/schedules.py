"""Scheduled jobs as rows: time boxes, reminders and recurring summaries, claimed once when due."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain import Schedule
from bot.store.core import StoreBase, _first, _now
from bot.vault import Vault


def _schedule(row: aiosqlite.Row, vault: Vault) -> Schedule:
    return Schedule(
        id=row["id"],
        seminar_id=row["seminar_id"],
        kind=row["kind"],
        run_at=datetime.fromisoformat(row["run_at"]),
        daily_at=row["daily_at"],
        created_by=vault.unseal(row["created_by"]),
        status=row["status"],
    )


class ScheduleStore:
    """Time boxes, reminders and recurring summaries, armed from here at every start."""

    def __init__(self, store: StoreBase) -> None:
        self._db = store.connection
        self._vault = store.vault
        self.transaction = store.transaction

    async def add(
        self,
        seminar_id: int,
        kind: str,
        run_at: datetime,
        created_by: int,
        daily_at: str | None = None,
    ) -> Schedule | None:
        """None when an open or close of this seminar is already scheduled."""
        async with self.transaction():
            try:
                cur = await self._db.execute(
                    "INSERT INTO schedules (seminar_id, kind, run_at, daily_at, created_by,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        seminar_id,
                        kind,
                        run_at.isoformat(),
                        daily_at,
                        self._vault.seal(created_by),
                        _now(),
                    ),
                )
            except aiosqlite.IntegrityError:
                # A failed statement undoes only itself; the transaction goes on.
                return None
            assert cur.lastrowid is not None
            return await self.get(cur.lastrowid)

    async def get(self, schedule_id: int) -> Schedule | None:
        sql = "SELECT * FROM schedules WHERE id = ?"
        row = await _first(self._db, sql, (schedule_id,))
        return _schedule(row, self._vault) if row else None

    async def active(self, seminar_id: int) -> list[Schedule]:
        return [
            _schedule(r, self._vault)
            for r in await self._db.execute_fetchall(
                "SELECT * FROM schedules WHERE seminar_id = ? AND status IN ('pending', 'running')"
                " ORDER BY run_at",
                (seminar_id,),
            )
        ]

    async def due(self, now: datetime) -> list[Schedule]:
        """Pending jobs whose time has come, and jobs a crash interrupted."""
        return [
            _schedule(r, self._vault)
            for r in await self._db.execute_fetchall(
                "SELECT * FROM schedules WHERE (status = 'pending' AND run_at <= ?)"
                " OR status = 'running' ORDER BY run_at",
                (now.isoformat(),),
            )
        ]

    async def claim(self, schedule_id: int) -> bool:
        """Marks a job as running; only one claimer wins, so a job never starts twice."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE schedules SET status = 'running' WHERE id = ? AND status = 'pending'",
                (schedule_id,),
            )
            return cur.rowcount == 1

    async def settle(self, schedule_id: int, status: str, next_run: datetime | None = None) -> None:
        """Ends a run: done, missed or failed; a daily job is set for its next time instead."""
        async with self.transaction():
            if next_run is not None:
                await self._db.execute(
                    "UPDATE schedules SET status = 'pending', run_at = ? WHERE id = ?",
                    (next_run.isoformat(), schedule_id),
                )
            else:
                await self._db.execute(
                    "UPDATE schedules SET status = ? WHERE id = ?", (status, schedule_id)
                )

    async def cancel(self, schedule_id: int) -> Schedule | None:
        async with self.transaction():
            found = await self.get(schedule_id)
            cur = await self._db.execute(
                "UPDATE schedules SET status = 'cancelled' WHERE id = ? AND status = 'pending'",
                (schedule_id,),
            )
            return found if cur.rowcount == 1 else None
