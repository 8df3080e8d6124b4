"""A person's own row: their language, active seminar, step in creating one, and whether they
blocked the bot, found by the lookup hash of their Telegram id.
"""

from __future__ import annotations

import aiosqlite

from bot.domain import SetupStep, User
from bot.store.core import StoreBase, _first


def _user(row: aiosqlite.Row, tg_id: int) -> User:
    return User(
        tg_id=tg_id,
        language=row["language"],
        active_seminar_id=row["active_seminar_id"],
        setup_step=SetupStep(row["setup_step"]),
        setup_draft=row["setup_draft"],
        blocked=bool(row["blocked"]),
    )


class UsersStore(StoreBase):
    """The `users` table."""

    async def user(self, tg_id: int) -> User | None:
        """The person's row. An update reads it once until it writes: its handler and its flow
        both ask, and only the person's own updates change it, one after another."""
        mine = self._mine()
        if mine is not None and not mine.locked and tg_id in mine.users:
            return mine.users[tg_id]
        sql = "SELECT * FROM users WHERE person = ?"
        row = await _first(self._db, sql, (self._vault.lookup(tg_id),))
        found = _user(row, tg_id) if row else None
        if mine is not None and not mine.locked:
            mine.users[tg_id] = found
        return found

    async def save_user_language(self, tg_id: int, language: str) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO users (person, chat, language) VALUES (?, ?, ?) ON CONFLICT (person)"
                " DO UPDATE SET language = excluded.language, blocked = 0,"
                " chat = ifnull(users.chat, excluded.chat)",
                (self._vault.lookup(tg_id), self._vault.seal(tg_id), language),
            )

    async def set_active_seminar(self, tg_id: int, seminar_id: int | None) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ? WHERE person = ?",
                (seminar_id, self._vault.lookup(tg_id)),
            )

    async def set_setup(self, tg_id: int, step: SetupStep, draft: str) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE users SET setup_step = ?, setup_draft = ? WHERE person = ?",
                (step.value, draft, self._vault.lookup(tg_id)),
            )

    async def set_blocked(self, tg_id: int, blocked: bool) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE users SET blocked = ? WHERE person = ?",
                (blocked, self._vault.lookup(tg_id)),
            )
