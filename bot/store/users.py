"""A person's own row: their language, active seminar, step in creating one, and whether they
blocked the bot, found by the lookup hash of their Telegram id.
"""

from __future__ import annotations

import logging

import aiosqlite

from bot.domain import User
from bot.expectations import DRAFTS, Expectation, Expecting, decode_draft, encode_draft
from bot.store.core import StoreBase, _first

log = logging.getLogger(__name__)

NOTHING_EXPECTED = Expectation(Expecting.NOTHING)


def _expectation(step: str, raw: str) -> Expectation:
    """The stored step; one that does not read back whole is dropped rather than guessed at."""
    try:
        kind = Expecting(step)
        return Expectation(kind, decode_draft(kind, raw))
    except ValueError:
        log.warning("dropped a stored step that did not fit its kind")
        return NOTHING_EXPECTED


def _user(row: aiosqlite.Row, tg_id: int) -> User:
    return User(
        tg_id=tg_id,
        language=row["language"],
        active_seminar_id=row["active_seminar_id"],
        expectation=_expectation(row["setup_step"], row["setup_draft"]),
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

    async def expect(self, tg_id: int, expectation: Expectation = NOTHING_EXPECTED) -> None:
        """Remembers what the person's next text is for: a step they were asked, with its draft."""
        if expectation.kind not in DRAFTS:
            raise ValueError(f"{expectation.kind} follows from the seminar and is never stored")
        if not isinstance(expectation.draft, DRAFTS[expectation.kind]):
            raise TypeError(f"{expectation.kind} keeps a {DRAFTS[expectation.kind].__name__}")
        async with self.transaction():
            await self._db.execute(
                "UPDATE users SET setup_step = ?, setup_draft = ? WHERE person = ?",
                (
                    expectation.kind.value,
                    encode_draft(expectation.draft),
                    self._vault.lookup(tg_id),
                ),
            )

    async def set_blocked(self, tg_id: int, blocked: bool) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE users SET blocked = ? WHERE person = ?",
                (blocked, self._vault.lookup(tg_id)),
            )
