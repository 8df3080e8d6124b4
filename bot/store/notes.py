"""Notes: written, edited, hidden, shortened and typed in from paper, each under its writer's
pseudonym, and the counts the live progress shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import aiosqlite

from bot.domain import Note, NoteCounts, Seminar, Writer
from bot.keys import new_code, new_id
from bot.store.core import _first
from bot.store.writers import WritersStore

__all__ = ["AddedNote", "AuthoredNote", "MessageNote", "NoteAuthor", "NotesStore"]


# Named tuples rather than dataclasses: tests and other features still unpack some of them.


class AuthoredNote(NamedTuple):
    """A note and its author's pseudonym (for checking ownership, never for display)."""

    note: Note
    author: str


class AddedNote(NamedTuple):
    """The note a message made; `new` is False when the message had made it before."""

    note: Note
    new: bool


class MessageNote(NamedTuple):
    """The note a message made, or whose text it replaced (then `edited`)."""

    note: Note
    edited: bool


class NoteAuthor(NamedTuple):
    """Who wrote a visible note, to count writers (never for display)."""

    author: str
    paper: bool


def _note(row: aiosqlite.Row) -> Note:
    return Note(
        id=row["id"],
        seminar_id=row["seminar_id"],
        question=row["question"],
        text=row["text"],
        hidden=bool(row["hidden"]),
        group_id=row["group_id"],
        paper=bool(row["paper"]),
        settled=bool(row["settled"]),
        settled_theme_id=row["settled_theme_id"],
        shortened=bool(row["shortened"]),
    )


class NotesStore(WritersStore):
    """The `notes` and `note_edits` tables; a note and its writer's state change together."""

    async def add_note(
        self, writer: Writer, question: int, text: str, source_ref: str | None
    ) -> AddedNote:
        """Saves a note and the writer's new state in one transaction.

        A message Telegram delivers twice has the same source_ref and yields the note saved the
        first time, as not new.
        """
        async with self.transaction():
            note = Note(new_id(), writer.seminar_id, question, text, hidden=False)
            cur = await self._db.execute(
                "INSERT INTO notes (id, seminar_id, author, question, text, source_ref)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_ref) DO NOTHING",
                (note.id, note.seminar_id, writer.pseudonym, question, text, source_ref),
            )
            if cur.rowcount == 0:  # only a message reference already taken stops the insert
                assert source_ref is not None
                existing = await self.note_by_ref((source_ref,))
                assert existing is not None
                return AddedNote(existing, new=False)
            await self._save_writer(writer)
            return AddedNote(note, new=True)

    async def note(self, note_id: int) -> AuthoredNote | None:
        """The note and its author's pseudonym (for checking ownership, never for display)."""
        row = await _first(self._db, "SELECT * FROM notes WHERE id = ?", (note_id,))
        return AuthoredNote(_note(row), row["author"]) if row else None

    async def note_by_ref(self, refs: Sequence[str]) -> Note | None:
        """The note a message made, by any of the references it may have (`message_refs`)."""
        marks = ", ".join("?" * len(refs))
        sql = f"SELECT * FROM notes WHERE source_ref IN ({marks})"
        row = await _first(self._db, sql, refs)
        return _note(row) if row else None

    async def note_from_message(self, refs: Sequence[str]) -> MessageNote | None:
        """The note a message made, or whose text it replaced."""
        marks = ", ".join("?" * len(refs))
        row = await _first(
            self._db,
            f"SELECT *, 0 AS edit FROM notes WHERE source_ref IN ({marks}) UNION ALL"
            " SELECT n.*, 1 FROM note_edits e JOIN notes n ON n.id = e.note_id"
            f" WHERE e.ref IN ({marks})",
            (*refs, *refs),
        )
        return MessageNote(_note(row), edited=bool(row["edit"])) if row else None

    async def notes_of(self, seminar_id: int, pseudonym: str) -> list[Note]:
        rows = await self._db.execute_fetchall(
            # Named: left to itself, SQLite reads every note of the seminar in question order.
            "SELECT * FROM notes INDEXED BY notes_by_author WHERE seminar_id = ? AND author = ?"
            " ORDER BY question, id",
            (seminar_id, pseudonym),
        )
        return [_note(r) for r in rows]

    async def note_authors(self, seminar_id: int) -> dict[int, NoteAuthor]:
        """Each visible note's author pseudonym and whether it came from paper, to count
        writers (never for display)."""
        sql = "SELECT id, author, paper FROM notes WHERE seminar_id = ? AND hidden = 0"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return {int(r[0]): NoteAuthor(str(r[1]), bool(r[2])) for r in rows}

    async def seminar_notes(self, seminar_id: int) -> list[Note]:
        """Every note of a seminar in id order, which is random, never submission order."""
        sql = "SELECT * FROM notes WHERE seminar_id = ? ORDER BY id"
        rows = await self._db.execute_fetchall(sql, (seminar_id,))
        return [_note(r) for r in rows]

    async def update_note_text(
        self, note_id: int, text: str, writer: Writer | None = None, ref: str | None = None
    ) -> None:
        """The writer's new text, and the message it came in, so that message delivered again is
        known. The words are the writer's own again, so a moderator's shortening mark goes."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET text = ?, shortened = 0 WHERE id = ?", (text, note_id)
            )
            if ref is not None:
                await self._db.execute(
                    "INSERT OR IGNORE INTO note_edits (ref, note_id) VALUES (?, ?)", (ref, note_id)
                )
            if writer is not None:
                await self._save_writer(writer)

    async def delete_note(self, note_id: int) -> None:
        async with self.transaction():
            await self._db.execute("DELETE FROM notes WHERE id = ?", (note_id,))

    async def hide_note(self, note_id: int) -> bool:
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE notes SET hidden = 1 WHERE id = ? AND hidden = 0", (note_id,)
            )
            return cur.rowcount == 1

    async def unhide_note(self, note_id: int) -> bool:
        """Shows a hidden note again; False if it was not hidden."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE notes SET hidden = 0 WHERE id = ? AND hidden = 1", (note_id,)
            )
            return cur.rowcount == 1

    async def note_counts(self, seminar: Seminar) -> NoteCounts:
        per_question = [0] * len(seminar.questions)
        for row in await self._db.execute_fetchall(
            "SELECT question, COUNT(*) FROM notes WHERE seminar_id = ? AND hidden = 0"
            " GROUP BY question",
            (seminar.id,),
        ):
            if 0 <= row[0] < len(per_question):
                per_question[row[0]] = row[1]
        # Participants who wrote: a paper note's author is a code of its own, nobody's.
        writers = await self._count(
            "SELECT COUNT(DISTINCT author) FROM notes WHERE seminar_id = ? AND paper = 0",
            seminar.id,
        )
        done = await self._count(
            "SELECT COUNT(*) FROM writers WHERE seminar_id = ? AND done = 1", seminar.id
        )
        return NoteCounts(tuple(per_question), writers, done)

    async def shorten_note(self, note_id: int, text: str) -> None:
        """The moderator's wording, marked as theirs."""
        async with self.transaction():
            await self._db.execute(
                "UPDATE notes SET text = ?, shortened = 1 WHERE id = ?", (text, note_id)
            )

    async def add_paper_note(self, seminar_id: int, question: int, text: str) -> Note:
        """A note typed in from paper: its author is a pseudonym of its own, linked to nobody."""
        async with self.transaction():
            note = Note(new_id(), seminar_id, question, text, hidden=False, paper=True)
            await self._db.execute(
                "INSERT INTO notes (id, seminar_id, author, question, text, paper)"
                " VALUES (?, ?, ?, ?, ?, 1)",
                (note.id, seminar_id, f"paper:{new_code()}", question, text),
            )
            return note
