"""The office's follow-up links, and which series a bound office chat follows up."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from bot.store.core import StoreBase, _first

__all__ = ["FollowUpStore", "LinkRow"]


class LinkRow(NamedTuple):
    """A link as stored: its series, the keyed hash of its token, when it ends, whether a
    moderator stopped it."""

    id: int
    series_id: int
    mac: bytes
    expires_at: datetime
    revoked: bool


class FollowUpStore(StoreBase):
    """The `followup_links` table, and the office chats of the series and their seminars."""

    async def add_link(self, link_id: int, series_id: int, mac: bytes, expires: datetime) -> None:
        async with self.transaction():
            await self._db.execute(
                "INSERT INTO followup_links (id, series_id, mac, expires_at) VALUES (?, ?, ?, ?)",
                (link_id, series_id, mac, expires.isoformat(timespec="microseconds")),
            )

    async def link(self, link_id: int) -> LinkRow | None:
        row = await _first(self._db, "SELECT * FROM followup_links WHERE id = ?", (link_id,))
        if row is None:
            return None
        return LinkRow(
            int(row["id"]),
            int(row["series_id"]),
            bytes(row["mac"]),
            datetime.fromisoformat(row["expires_at"]),
            bool(row["revoked"]),
        )

    async def revoke_links(self, series_id: int, now: datetime) -> int:
        """Stops every link of the series; returns how many still worked until now."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE followup_links SET revoked = 1"
                " WHERE series_id = ? AND revoked = 0 AND expires_at > ?",
                (series_id, now.isoformat(timespec="microseconds")),
            )
            return cur.rowcount

    async def office_series(self, chat_id: int) -> list[int]:
        """The series whose office chat this is, newest first: bound in one of its seminars,
        or kept on the series after the purge deleted them. A chat is sealed with a fresh
        nonce, so each bound chat is opened (cached) and compared."""
        rows = await self._db.execute_fetchall(
            "SELECT series_id, office_chat FROM seminars WHERE office_chat IS NOT NULL"
            " ORDER BY created_at DESC, id DESC"
        )
        kept = await self._db.execute_fetchall(
            "SELECT id AS series_id, office_chat FROM series WHERE office_chat IS NOT NULL"
            " ORDER BY id DESC"
        )
        found: list[int] = []
        for row in [*rows, *kept]:
            if self._vault.unseal(row["office_chat"]) == chat_id and row["series_id"] not in found:
                found.append(int(row["series_id"]))
        return found

    async def series_office_chats(self, series_id: int) -> list[int]:
        """The office chats of a series: bound in its seminars, or kept on the series."""
        rows = await self._db.execute_fetchall(
            "SELECT office_chat FROM series WHERE id = ? AND office_chat IS NOT NULL"
            " UNION ALL SELECT office_chat FROM seminars"
            " WHERE series_id = ? AND office_chat IS NOT NULL",
            (series_id, series_id),
        )
        found: list[int] = []
        for row in rows:
            chat = self._vault.unseal(row[0])
            if chat not in found:
                found.append(chat)
        return found
