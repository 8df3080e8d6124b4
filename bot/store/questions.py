"""Participants' questions to their seminar's moderators: the text, the answer once given, and
the asker only sealed, so the bot can send them the answer and nobody reading the file can tell
who asked (or whether two questions came from one person).
"""

from __future__ import annotations

import aiosqlite

from bot.domain import PrivateQuestion
from bot.keys import new_id
from bot.store.core import StoreBase, _first

__all__ = ["QuestionsStore"]


class QuestionsStore(StoreBase):
    """The `questions` table."""

    def _question(self, row: aiosqlite.Row) -> PrivateQuestion:
        return PrivateQuestion(
            id=row["id"],
            seminar_id=row["seminar_id"],
            asker=self._vault.unseal(row["asker"]),
            text=row["text"],
            answer=row["answer"],
        )

    async def add_question(self, seminar_id: int, asker: int, text: str) -> PrivateQuestion:
        async with self.transaction():
            found = PrivateQuestion(new_id(), seminar_id, asker, text)
            await self._db.execute(
                "INSERT INTO questions (id, seminar_id, asker, text) VALUES (?, ?, ?, ?)",
                (found.id, seminar_id, self._vault.seal(asker), text),
            )
            return found

    async def private_question(self, question_id: int) -> PrivateQuestion | None:
        row = await _first(self._db, "SELECT * FROM questions WHERE id = ?", (question_id,))
        return self._question(row) if row else None

    async def answer_question(self, question_id: int, answer: str) -> bool:
        """Gives a question its answer; False when it had one already (one answer each)."""
        async with self.transaction():
            cur = await self._db.execute(
                "UPDATE questions SET answer = ? WHERE id = ? AND answer IS NULL",
                (answer, question_id),
            )
            return cur.rowcount == 1

    async def unanswered_questions(self, seminar_id: int) -> list[PrivateQuestion]:
        """The seminar's questions still waiting for an answer, in the order of their random
        ids, which says nothing of when they were asked."""
        rows = await self._db.execute_fetchall(
            "SELECT * FROM questions WHERE seminar_id = ? AND answer IS NULL ORDER BY id",
            (seminar_id,),
        )
        return [self._question(r) for r in rows]

    async def unanswered_count(self, seminar_id: int) -> int:
        return await self._count(
            "SELECT count(*) FROM questions WHERE seminar_id = ? AND answer IS NULL", seminar_id
        )

    async def forget_questions(self, seminar_id: int, asker: int) -> int:
        """Deletes a person's questions in a seminar. Only the key opens who asked, so each
        question of the seminar is opened to find theirs."""
        async with self.transaction():
            rows = await self._db.execute_fetchall(
                "SELECT id, asker FROM questions WHERE seminar_id = ?", (seminar_id,)
            )
            mine = [(r[0],) for r in rows if self._vault.unseal(r[1]) == asker]
            await self._db.executemany("DELETE FROM questions WHERE id = ?", mine)
            return len(mine)
