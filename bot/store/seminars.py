"""Seminars: creating one, its phase, its join link and its settings (the plenary and office
chats, the dot vote, which notes are dealt and shown).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

import aiosqlite

from bot.domain import DotVote, Phase, Role, Seminar, SeminarKind, sources_of
from bot.keys import new_code
from bot.store.core import StoreBase, _first, _seal_chat
from bot.vault import Vault


def _seminar(row: aiosqlite.Row, vault: Vault) -> Seminar:
    plenary = row["plenary_chat"]
    return Seminar(
        id=row["id"],
        title=row["title"],
        language=row["language"],
        phase=Phase(row["phase"]),
        questions=tuple(json.loads(row["questions"])),
        invite_code=row["invite_code"],
        group_size=row["group_size"],
        created_at=datetime.fromisoformat(row["created_at"]),
        plenary_chat_id=vault.unseal(plenary) if plenary is not None else None,
        notes_revealed=bool(row["notes_revealed"]),
        deal_all_notes=bool(row["deal_all_notes"]),
        dot_budget=row["dot_budget"],
        dot_max_per_theme=row["dot_max_per_theme"],
        dot_vote=DotVote(row["dot_vote"]),
        previous_id=row["previous_id"],
        invite_generation=row["invite_generation"],
        standard_questions=bool(row["standard_questions"]),
        translations=tuple(
            (language, tuple(texts))
            for language, texts in sorted(json.loads(row["question_translations"]).items())
        ),
        series_id=row["series_id"],
        kind=SeminarKind(row["kind"]),
    )


class SeminarRole(NamedTuple):
    """A seminar a person takes part in, and whether they moderate it."""

    seminar: Seminar
    role: Role


class SeminarsStore(StoreBase):
    """The `seminars` table."""

    async def create_seminar(
        self,
        owner: int,
        title: str,
        language: str,
        questions: Iterable[str],
        group_size: int,
        dots: tuple[int, int] = (5, 3),
        standard: bool = False,
        series_id: int | None = None,
        kind: SeminarKind = SeminarKind.USERS,
        translations: dict[str, list[str]] | None = None,
    ) -> Seminar:
        """Creates the seminar, makes the owner its moderator and their active seminar;
        `standard`: its questions are the kind's standard ones, which every catalog holds.
        Without `series_id` the seminar begins a series of its own, under its title."""
        async with self.transaction():
            if series_id is None:
                made = await self._db.execute(
                    "INSERT INTO series (title, language) VALUES (?, ?)", (title, language)
                )
                series_id = made.lastrowid
            cur = await self._db.execute(
                "INSERT INTO seminars (title, language, phase, questions, invite_code, group_size,"
                " created_at, dot_budget, dot_max_per_theme, standard_questions, series_id,"
                " kind, question_translations)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    language,
                    Phase.DRAFT.value,
                    json.dumps(list(questions), ensure_ascii=False),
                    new_code(),
                    group_size,
                    self.stamp(),
                    *dots,
                    standard,
                    series_id,
                    kind.value,
                    json.dumps(translations or {}, ensure_ascii=False),
                ),
            )
            seminar_id = cur.lastrowid
            assert seminar_id is not None
            person = self._vault.lookup(owner)
            await self._db.execute(
                "INSERT INTO members (seminar_id, person, chat, role, owner)"
                " VALUES (?, ?, ?, ?, 1)",
                (seminar_id, person, self._vault.seal(owner), Role.MODERATOR.value),
            )
            self._moderators.add(person)
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ?, setup_step = 'none', setup_draft = '{}'"
                " WHERE person = ?",
                (seminar_id, person),
            )
            seminar = await self.seminar(seminar_id)
            assert seminar is not None
            return seminar

    async def seminar_ids_in(self, phase: Phase) -> list[int]:
        """The seminars in this phase (for what a restart must finish in them)."""
        rows = await self._db.execute_fetchall(
            "SELECT id FROM seminars WHERE phase = ?", (phase.value,)
        )
        return [int(r[0]) for r in rows]

    async def seminar(self, seminar_id: int) -> Seminar | None:
        """An update reads a seminar's row once until it writes: its handler and its flows
        ask several times, and only a moderator's update or a scheduled job changes the row,
        and those run alone (`lanes.py`)."""
        mine = self._mine()
        if mine is not None and not mine.locked and seminar_id in mine.seminars:
            return mine.seminars[seminar_id]
        row = await _first(self._db, "SELECT * FROM seminars WHERE id = ?", (seminar_id,))
        found = _seminar(row, self._vault) if row else None
        if mine is not None and not mine.locked:
            mine.seminars[seminar_id] = found
        return found

    async def seminar_by_code(self, code: str) -> Seminar | None:
        sql = "SELECT * FROM seminars WHERE invite_code = ?"
        row = await _first(self._db, sql, (code,))
        return _seminar(row, self._vault) if row else None

    async def set_phase(self, seminar_id: int, expected: Iterable[Phase], phase: Phase) -> bool:
        """Moves the phase only from an expected one, so two moderators cannot both move it."""
        async with self.transaction():
            return await self._phase_moved(seminar_id, expected, phase)

    async def move_phase(self, seminar_id: int, target: Phase) -> bool:
        """Moves the phase to `target` from any phase the phase machine moves it there from,
        in one guarded update: of two moderators pressing at once, only one moves it."""
        return await self.set_phase(seminar_id, sources_of(target), target)

    async def _phase_moved(self, seminar_id: int, expected: Iterable[Phase], phase: Phase) -> bool:
        allowed = [p.value for p in expected]
        marks = ",".join("?" * len(allowed))
        cur = await self._db.execute(
            f"UPDATE seminars SET phase = ? WHERE id = ? AND phase IN ({marks})",
            (phase.value, seminar_id, *allowed),
        )
        return cur.rowcount == 1

    async def open_plenary(self, seminar_id: int, winners: dict[int, int]) -> bool:
        """Ends the sorting vote: the phase moves on and every note's winning theme is written
        down in the same transaction, so later readers need not count the votes again."""
        async with self.transaction():
            if not await self._phase_moved(seminar_id, sources_of(Phase.PLENARY), Phase.PLENARY):
                return False
            await self._db.executemany(
                "UPDATE notes SET settled = 1, settled_theme_id = ? WHERE id = ? AND settled = 0",
                [(theme_id, note_id) for note_id, theme_id in winners.items()],
            )
            return True

    async def translate_questions(
        self, seminar_id: int, language: str, questions: Iterable[str]
    ) -> bool:
        """Keeps a moderator's own questions in one more language (again: the new wording),
        only while the answer round has not opened, so nobody has read them yet."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE seminars SET question_translations = json_set(question_translations,"
                " '$.' || ?, json(?)) WHERE id = ? AND phase = ? AND standard_questions = 0",
                (
                    language,
                    json.dumps(list(questions), ensure_ascii=False),
                    seminar_id,
                    Phase.DRAFT.value,
                ),
            )
            return cur.rowcount == 1

    async def replace_questions(self, seminar_id: int, questions: Iterable[str]) -> bool:
        """The moderator's own questions instead of the kind's standard ones, only while the
        answer round has not opened, so nobody has read them yet; forgets the earlier ones'
        translations."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE seminars SET questions = ?, standard_questions = 0,"
                " question_translations = '{}' WHERE id = ? AND phase = ? AND kind != ?",
                (
                    json.dumps(list(questions), ensure_ascii=False),
                    seminar_id,
                    Phase.DRAFT.value,
                    SeminarKind.JOINT.value,
                ),
            )
            return cur.rowcount == 1

    async def renew_invite_code(self, seminar_id: int) -> str:
        """A new join link, one generation on: buttons of the old one no longer match."""
        async with self.transaction():
            code = new_code()
            await self._db.execute(
                "UPDATE seminars SET invite_code = ?, invite_generation = invite_generation + 1"
                " WHERE id = ?",
                (code, seminar_id),
            )
            return code

    async def set_plenary_chat(self, seminar_id: int, chat_id: int | None) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET plenary_chat = ? WHERE id = ?",
                (_seal_chat(self._vault, chat_id), seminar_id),
            )

    async def set_dot_vote(self, seminar_id: int, expected: DotVote, state: DotVote) -> bool:
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE seminars SET dot_vote = ? WHERE id = ? AND dot_vote = ?",
                (state.value, seminar_id, expected.value),
            )
            return cur.rowcount == 1

    async def set_notes_revealed(self, seminar_id: int) -> bool:
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE seminars SET notes_revealed = 1 WHERE id = ? AND notes_revealed = 0",
                (seminar_id,),
            )
            return cur.rowcount == 1

    async def set_deal_all_notes(self, seminar_id: int, deal: bool) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET deal_all_notes = ? WHERE id = ?", (deal, seminar_id)
            )

    async def seminars_of(self, tg_id: int) -> list[SeminarRole]:
        rows = await self._db.execute_fetchall(
            "SELECT s.*, m.role FROM seminars s JOIN members m ON m.seminar_id = s.id"
            " WHERE m.person = ? ORDER BY s.created_at DESC, s.id DESC",
            (self._vault.lookup(tg_id),),
        )
        return [SeminarRole(_seminar(r, self._vault), Role(r["role"])) for r in rows]

    async def set_office_chat(self, seminar_id: int, chat_id: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET office_chat = ? WHERE id = ?",
                (self._vault.seal(chat_id), seminar_id),
            )
            # The series keeps its office too, for the follow-up after the purge.
            await self._db.execute(
                "UPDATE series SET office_chat = ?"
                " WHERE id = (SELECT series_id FROM seminars WHERE id = ?)",
                (self._vault.seal(chat_id), seminar_id),
            )

    async def office_chat(self, seminar_id: int) -> int | None:
        sql = "SELECT office_chat FROM seminars WHERE id = ?"
        row = await _first(self._db, sql, (seminar_id,))
        return self._vault.unseal(row[0]) if row and row[0] is not None else None

    async def set_previous(self, seminar_id: int, previous_id: int) -> None:
        async with self.transaction():
            await self._db.execute(
                "UPDATE seminars SET previous_id = ? WHERE id = ?", (previous_id, seminar_id)
            )
