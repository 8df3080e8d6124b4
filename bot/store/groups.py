"""Group work's groups: who sits in which (by pseudonym) and which group sorts which note."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain import Group, Note
from bot.keys import new_id
from bot.store.core import StoreBase, _first
from bot.store.notes import _note


class GroupsStore(StoreBase):
    """The `groups` table and the group columns of `writers` and `notes`."""

    async def create_groups(
        self,
        seminar_id: int,
        members: list[list[str]],
        notes: dict[int, int],
    ) -> list[Group]:
        """Stores the groups, who sits where (by pseudonym) and which group sorts which note.

        `notes` maps a note id to the index of its group in `members`.
        """
        async with self.transaction():
            groups = [Group(new_id(), seminar_id, number) for number in range(1, len(members) + 1)]
            await self._db.executemany(
                "INSERT INTO groups (id, seminar_id, number) VALUES (?, ?, ?)",
                [(g.id, g.seminar_id, g.number) for g in groups],
            )
            await self._db.executemany(
                "UPDATE writers SET group_id = ? WHERE seminar_id = ? AND pseudonym = ?",
                [(groups[i].id, seminar_id, p) for i, people in enumerate(members) for p in people],
            )
            await self._db.executemany(
                "UPDATE notes SET group_id = ? WHERE id = ?",
                [(groups[index].id, note_id) for note_id, index in notes.items()],
            )
            return groups

    async def groups(self, seminar_id: int) -> list[Group]:
        sql = "SELECT * FROM groups WHERE seminar_id = ? ORDER BY number"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return [Group(r["id"], r["seminar_id"], r["number"]) for r in rows]

    async def group(self, group_id: int) -> Group | None:
        row = await _first(self._db, "SELECT * FROM groups WHERE id = ?", (group_id,))
        return Group(row["id"], row["seminar_id"], row["number"]) if row else None

    async def group_sizes(self, seminar_id: int) -> dict[int, int]:
        rows = await self._db.execute_fetchall(
            "SELECT group_id, COUNT(*) FROM writers WHERE seminar_id = ? AND group_id IS NOT NULL"
            " GROUP BY group_id",
            (seminar_id,),
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def group_members(self, group_id: int) -> list[str]:
        sql = "SELECT pseudonym FROM writers WHERE group_id = ?"
        return [str(r[0]) for r in await self._db.execute_fetchall(sql, (group_id,))]

    async def group_notes(self, group_id: int) -> list[Note]:
        """A group's visible notes, in id order (random)."""
        sql = "SELECT * FROM notes WHERE group_id = ? AND hidden = 0 ORDER BY id"
        return [_note(r) for r in await self._db.execute_fetchall(sql, (group_id,))]

    async def set_note_group(self, note_id: int, group_id: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET group_id = ? WHERE id = ?", (group_id, note_id)
            )

    async def regroup_notes(self, seminar_id: int, note_groups: Mapping[int, int]) -> None:
        """Gives the seminar's notes these groups, and every other note none."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET group_id = NULL WHERE seminar_id = ?", (seminar_id,)
            )
            await self._db.executemany(
                "UPDATE notes SET group_id = ? WHERE id = ? AND seminar_id = ?",
                [(group, note, seminar_id) for note, group in note_groups.items()],
            )

    async def dissolve_groups(self, seminar_id: int) -> None:
        """Undoes forming the groups, before any group has seen its notes: the groups, their
        copies of the preset themes and everyone's seat go; the notes wait to be dealt again."""
        async with self.transaction():
            await self._db.execute(
                "DELETE FROM themes WHERE seminar_id = ? AND group_id IS NOT NULL", (seminar_id,)
            )
            await self._db.execute(
                "UPDATE writers SET group_id = NULL WHERE seminar_id = ?", (seminar_id,)
            )
            await self._db.execute(
                "UPDATE notes SET group_id = NULL WHERE seminar_id = ?", (seminar_id,)
            )
            await self._db.execute("DELETE FROM groups WHERE seminar_id = ?", (seminar_id,))
            await self._db.execute(
                "UPDATE seminars SET deal_all_notes = 0 WHERE id = ?", (seminar_id,)
            )
