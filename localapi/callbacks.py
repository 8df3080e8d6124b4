"""Callback queries: a press is answered once, by the bot, within Telegram's answer window."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from .sim import SimUser
from .world import JSON, World, bad

# Telegram refuses to answer a callback query much later than this (observed, not in the
# reference); the bot must then show its answer another way.
ANSWER_WINDOW = 15.0
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


@dataclass
class Query:
    user: SimUser
    created: float
    answered: bool = False


class Callbacks(World):
    """The presses simulated people made, and answerCallbackQuery."""

    def register_query(self, query_id: str, user: SimUser) -> None:
        """Remember a callback query so answerCallbackQuery can validate it."""
        self._queries[query_id] = Query(user, time.monotonic())

    async def _m_answerCallbackQuery(self, p: JSON) -> Any:
        qid = str(p["callback_query_id"])
        q = self._queries.get(qid)
        if q is None or q.answered or time.monotonic() - q.created > self.answer_window:
            raise bad(QUERY_TOO_OLD)
        text = str(p.get("text") or "")
        if len(text) > 200:
            raise bad("MESSAGE_TOO_LONG")
        q.answered = True
        self.callback_answers[qid] = dict(p)
        q.user.toasts.append(text)
        if text:
            self.answer_texts.append(text)
            kind = "alert" if p.get("show_alert") else "toast"
            self.emit("toast", q.user.name, self.bot_username, f"({kind}) {text}")
        return True
