"""Scheduled jobs as rows: time boxes, reminders and recurring summaries, claimed once when due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.domain import Schedule, ScheduleStatus
from bot.store.core import StoreBase, _first
from bot.vault import Vault

__all__ = ["ScheduleStore", "Taken"]

# A job still to run, or running now.
_ACTIVE = (ScheduleStatus.PENDING.value, ScheduleStatus.RUNNING.value)


def _schedule(row: aiosqlite.Row, vault: Vault) -> Schedule:
    return Schedule(
        id=row["id"],
        seminar_id=row["seminar_id"],
        kind=row["kind"],
        run_at=datetime.fromisoformat(row["run_at"]),
        daily_at=row["daily_at"],
        created_by=vault.unseal(row["created_by"]),
        status=ScheduleStatus(row["status"]),
    )


@dataclass(frozen=True, slots=True)
class Taken:
    """An open or a close of the seminar is scheduled already: one at a time."""

    existing: Schedule


class ScheduleStore:
    """Time boxes, reminders and recurring summaries, armed from here at every start."""

    def __init__(self, store: StoreBase) -> None:
        self._db = store.connection
        self._vault = store.vault
        self._stamp = store.stamp
        self.transaction = store.transaction

    async def add(
        self,
        seminar_id: int,
        kind: str,
        run_at: datetime,
        created_by: int,
        daily_at: str | None = None,
    ) -> Schedule | Taken:
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
                        self._stamp(),
                    ),
                )
            except aiosqlite.IntegrityError:
                # A failed statement undoes only itself; the transaction goes on.
                existing = next(s for s in await self.active(seminar_id) if s.kind == kind)
                return Taken(existing)
            assert cur.lastrowid is not None
            made = await self.get(cur.lastrowid)
            assert made is not None
            return made

    async def get(self, schedule_id: int) -> Schedule | None:
        sql = "SELECT * FROM schedules WHERE id = ?"
        row = await _first(self._db, sql, (schedule_id,))
        return _schedule(row, self._vault) if row else None

    async def active(self, seminar_id: int) -> list[Schedule]:
        return [
            _schedule(r, self._vault)
            for r in await self._db.execute_fetchall(
                "SELECT * FROM schedules WHERE seminar_id = ? AND status IN (?, ?) ORDER BY run_at",
                (seminar_id, *_ACTIVE),
            )
        ]

    async def due(self, now: datetime) -> list[Schedule]:
        """Pending jobs whose time has come, and jobs a crash interrupted."""
        return [
            _schedule(r, self._vault)
            for r in await self._db.execute_fetchall(
                "SELECT * FROM schedules WHERE (status = ? AND run_at <= ?)"
                " OR status = ? ORDER BY run_at",
                (ScheduleStatus.PENDING.value, now.isoformat(), ScheduleStatus.RUNNING.value),
            )
        ]

    async def claim(self, schedule_id: int) -> bool:
        """Marks a job as running; only one claimer wins, so a job never starts twice."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE schedules SET status = ? WHERE id = ? AND status = ?",
                (ScheduleStatus.RUNNING.value, schedule_id, ScheduleStatus.PENDING.value),
            )
            return cur.rowcount == 1

    async def settle(self, schedule_id: int, status: ScheduleStatus) -> None:
        """Ends a run: done, missed or failed."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE schedules SET status = ? WHERE id = ?", (status.value, schedule_id)
            )

    async def again_at(self, schedule_id: int, next_run: datetime) -> None:
        """Ends the run of a daily job by setting it for its next time."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE schedules SET status = ?, run_at = ? WHERE id = ?",
                (ScheduleStatus.PENDING.value, next_run.isoformat(), schedule_id),
            )

    async def cancel(self, schedule_id: int) -> bool:
        """Whether the job was still pending, and so is cancelled now."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE schedules SET status = ? WHERE id = ? AND status = ?",
                (ScheduleStatus.CANCELLED.value, schedule_id, ScheduleStatus.PENDING.value),
            )
            return cur.rowcount == 1
