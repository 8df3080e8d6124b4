"""Joining and leaving: who is in a seminar and in which role (`members`), and `/forget`, which
takes a person and everything they wrote out of a seminar.
"""

from __future__ import annotations

import json

from bot.domain import Member, Role
from bot.store.core import StoreBase, _first


class MembersStore(StoreBase):
    """The `members` table, and a person's leaving."""

    async def add_member(self, seminar_id: int, tg_id: int, role: Role) -> None:
        async with self.transaction():
            person = self._vault.lookup(tg_id)
            await self._db.execute(
                "INSERT OR IGNORE INTO members (seminar_id, person, chat, role)"
                " VALUES (?, ?, ?, ?)",
                (seminar_id, person, self._vault.seal(tg_id), role.value),
            )
            if role is Role.MODERATOR:
                self._moderators.add(person)
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ? WHERE person = ?", (seminar_id, person)
            )

    async def membership(self, seminar_id: int, tg_id: int) -> Member | None:
        row = await _first(
            self._db,
            "SELECT m.role, m.owner, u.language FROM members m"
            " JOIN users u ON u.person = m.person WHERE m.seminar_id = ? AND m.person = ?",
            (seminar_id, self._vault.lookup(tg_id)),
        )
        if row is None:
            return None
        return Member(seminar_id, tg_id, Role(row["role"]), row["language"], bool(row["owner"]))

    async def members(self, seminar_id: int, *, include_blocked: bool = False) -> list[Member]:
        sql = (
            "SELECT m.chat, m.role, u.language, m.owner FROM members m"
            " JOIN users u ON u.person = m.person WHERE m.seminar_id = ?"
        )
        if not include_blocked:
            sql += " AND u.blocked = 0"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        unseal = self._vault.unseal
        return [Member(seminar_id, unseal(r[0]), Role(r[1]), r[2], bool(r[3])) for r in rows]

    async def forget(self, seminar_id: int, tg_id: int, pseudonym: str) -> None:
        """Deletes a person's notes, votes, dots, read-back answer, answering state and membership,
        in one transaction; their notes' words go from the quotes the seminar's series keeps too."""
        async with self.transaction():
            await self._unquote(seminar_id, pseudonym)
            await self._db.execute(
                "DELETE FROM notes WHERE seminar_id = ? AND author = ?", (seminar_id, pseudonym)
            )
            await self._db.execute("DELETE FROM votes WHERE voter = ?", (pseudonym,))
            await self._db.execute(
                "DELETE FROM dots WHERE seminar_id = ? AND voter = ?", (seminar_id, pseudonym)
            )
            await self._db.execute(
                "DELETE FROM readbacks WHERE seminar_id = ? AND voter = ?", (seminar_id, pseudonym)
            )
            await self._db.execute(
                "DELETE FROM writers WHERE seminar_id = ? AND pseudonym = ?",
                (seminar_id, pseudonym),
            )
            person = self._vault.lookup(tg_id)
            await self._db.execute(
                "DELETE FROM members WHERE seminar_id = ? AND person = ?", (seminar_id, person)
            )
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ("
                " SELECT seminar_id FROM members WHERE person = ? LIMIT 1) WHERE person = ?",
                (person, person),
            )
            await self._db.execute(
                "DELETE FROM users WHERE person = ? AND NOT EXISTS"
                " (SELECT 1 FROM members WHERE person = ?)",
                (person, person),
            )

    async def _unquote(self, seminar_id: int, pseudonym: str) -> None:
        """Takes the texts of a person's notes out of the quotes kept of their seminar."""
        written = {
            str(r[0])
            for r in await self._db.execute_fetchall(
                "SELECT text FROM notes WHERE seminar_id = ? AND author = ?",
                (seminar_id, pseudonym),
            )
        }
        if not written:
            return
        for theme_id, quotes in await self._db.execute_fetchall(
            "SELECT id, quotes FROM series_themes WHERE seminar_id = ?", (seminar_id,)
        ):
            kept = json.loads(quotes)
            left = [quote for quote in kept if quote not in written]
            if left != kept:
                await self._db.execute(
                    "UPDATE series_themes SET quotes = ? WHERE id = ?",
                    (json.dumps(left, ensure_ascii=False), theme_id),
                )
