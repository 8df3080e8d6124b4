"""Themes and the sorting vote: the groups' themes, each person's vote on where a note belongs,
and the outcome written down once the voting ends.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

import aiosqlite

from bot.domain import Group, Theme
from bot.keys import new_id
from bot.store.core import StoreBase, _first


class AddedTheme(NamedTuple):
    theme: Theme
    new: bool  # False: a live theme with the same key was there already, and is returned


class OpenCard(NamedTuple):
    """A member's open vote card: whose (pseudonym), which message, at which note."""

    pseudonym: str
    message_id: int
    note_index: int


class StoredTheme(NamedTuple):
    theme: Theme
    merged_into: int | None  # the theme it went into, if it was merged away


def _theme(row: aiosqlite.Row) -> Theme:
    return Theme(row["id"], row["seminar_id"], row["group_id"], row["name"])


class ThemesStore(StoreBase):
    """The `themes` and `votes` tables, and where the notes settled."""

    async def add_theme(
        self,
        seminar_id: int,
        group_id: int | None,
        name: str,
        key: str,
        proposer: str | None = None,
    ) -> AddedTheme:
        """Adds a theme unless one with the same key is there; returns it and whether it is new.
        A new theme a participant proposed counts towards their limit (`proposer`, a pseudonym).
        """
        async with self.transaction():
            row = await _first(
                self._db,
                "SELECT * FROM themes WHERE seminar_id = ? AND ifnull(group_id, 0) = ? AND key = ?"
                " AND merged_into IS NULL",
                (seminar_id, group_id or 0, key),
            )
            if row is not None:
                return AddedTheme(_theme(row), new=False)
            theme = Theme(new_id(), seminar_id, group_id, name)
            await self._db.execute(
                "INSERT INTO themes (id, seminar_id, group_id, name, key) VALUES (?, ?, ?, ?, ?)",
                (theme.id, seminar_id, group_id, name, key),
            )
            if proposer is not None:
                await self._db.execute(
                    "UPDATE writers SET themes_proposed = themes_proposed + 1"
                    " WHERE seminar_id = ? AND pseudonym = ?",
                    (seminar_id, proposer),
                )
            return AddedTheme(theme, new=True)

    async def theme(self, theme_id: int) -> StoredTheme | None:
        """A theme and, if it was merged away, the theme it went into; None if there is none."""
        row = await _first(self._db, "SELECT * FROM themes WHERE id = ?", (theme_id,))
        return StoredTheme(_theme(row), row["merged_into"]) if row else None

    async def themes(self, seminar_id: int, group_id: int | None = None) -> list[Theme]:
        """Live themes (not merged away), of one group or, with None, of the seminar."""
        sql = "SELECT * FROM themes WHERE seminar_id = ? AND merged_into IS NULL"
        params: tuple[object, ...] = (seminar_id,)
        if group_id is not None:
            sql += " AND group_id = ?"
            params += (group_id,)
        return [_theme(r) for r in await self._db.execute_fetchall(sql + " ORDER BY key", params)]

    async def rename_theme(self, theme_id: int, name: str, key: str) -> bool:
        async with self.transaction():
            try:
                cur = await self._db.execute(
                    "UPDATE themes SET name = ?, key = ? WHERE id = ? AND merged_into IS NULL",
                    (name, key, theme_id),
                )
            except aiosqlite.IntegrityError:
                # A failed statement undoes only itself; the transaction goes on.
                return False
            return cur.rowcount == 1

    async def merge_themes(self, source: int, target: int) -> None:
        """Moves every vote, decision and dot of `source` to `target`, then retires `source`."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE themes SET merged_into = ? WHERE id = ?", (target, source)
            )
            await self._db.execute(
                "UPDATE themes SET merged_into = ? WHERE merged_into = ?", (target, source)
            )
            await self._db.execute(
                "UPDATE votes SET theme_id = ? WHERE theme_id = ?", (target, source)
            )
            await self._db.execute(
                "UPDATE notes SET settled_theme_id = ? WHERE settled_theme_id = ?", (target, source)
            )
            await self._db.execute(
                "UPDATE dots SET theme_id = ? WHERE theme_id = ?", (target, source)
            )

    async def set_vote(self, note_id: int, voter: str, theme_id: int) -> None:
        """Written with the update's commit: the card after the vote is built from what was
        read before it."""
        await self.write_at_commit(
            "INSERT INTO votes (note_id, voter, theme_id) VALUES (?, ?, ?)"
            " ON CONFLICT (note_id, voter) DO UPDATE SET theme_id = excluded.theme_id",
            (note_id, voter, theme_id),
        )

    async def votes_of(self, voter: str) -> dict[int, int]:
        """One voter's choices: note id -> theme id."""
        sql = "SELECT note_id, theme_id FROM votes WHERE voter = ?"
        return {int(r[0]): int(r[1]) for r in await self._db.execute_fetchall(sql, (voter,))}

    async def sorting_votes(self, seminar_id: int) -> dict[int, list[int]]:
        """For each visible note of the seminar's groups, the theme ids its votes went to
        (voters left out)."""
        rows = await self._db.execute_fetchall(
            "SELECT v.note_id, v.theme_id FROM votes v JOIN notes n ON n.id = v.note_id"
            " WHERE n.seminar_id = ? AND n.group_id IS NOT NULL AND n.hidden = 0",
            (seminar_id,),
        )
        result: dict[int, list[int]] = {}
        for note_id, theme_id in rows:
            result.setdefault(int(note_id), []).append(int(theme_id))
        return result

    async def settle_note(self, note_id: int, theme_id: int | None) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET settled = 1, settled_theme_id = ? WHERE id = ?",
                (theme_id, note_id),
            )

    async def settled_themes(self, seminar_id: int) -> list[tuple[Theme, Group, int]]:
        """The live themes that hold notes once the outcome is written down, with their group
        and how many notes ended in them, in group order. Hidden notes count too: a theme keeps
        its place in the dot vote, and its dots, if a note that identified somebody is hidden
        during the vote."""
        rows = await self._db.execute_fetchall(
            "SELECT t.*, g.number, held.count FROM (SELECT settled_theme_id, COUNT(*) AS count"
            " FROM notes WHERE seminar_id = ? AND settled = 1 AND group_id IS NOT NULL"
            " AND settled_theme_id IS NOT NULL GROUP BY settled_theme_id) held"
            " JOIN themes t ON t.id = held.settled_theme_id AND t.merged_into IS NULL"
            " JOIN groups g ON g.id = t.group_id ORDER BY g.number",
            (seminar_id,),
        )
        return [
            (_theme(r), Group(r["group_id"], seminar_id, r["number"]), int(r["count"]))
            for r in rows
        ]

    async def vote_count(self, seminar_id: int) -> int:
        return await self._count(
            "SELECT COUNT(*) FROM votes v JOIN notes n ON n.id = v.note_id"
            " WHERE n.seminar_id = ? AND n.hidden = 0",
            seminar_id,
        )

    # -- open vote cards -------------------------------------------------------------------

    async def save_cards(self, seminar_id: int, cards: list[OpenCard]) -> None:
        """Remembers the vote card each of these members has open, with the update's commit."""
        if not cards:
            return
        rows = [(c.message_id, c.note_index, seminar_id, c.pseudonym) for c in cards]

        def write(connection: sqlite3.Connection) -> None:
            connection.executemany(
                "UPDATE writers SET card_message = ?, card_index = ?"
                " WHERE seminar_id = ? AND pseudonym = ?",
                rows,
            )

        await self.with_commit(write)

    async def open_cards(self, group_id: int) -> list[OpenCard]:
        """The vote cards the members of a group have open."""
        rows = await self._db.execute_fetchall(
            "SELECT pseudonym, card_message, card_index FROM writers"
            " WHERE group_id = ? AND card_message IS NOT NULL",
            (group_id,),
        )
        return [OpenCard(str(r[0]), int(r[1]), int(r[2])) for r in rows]
