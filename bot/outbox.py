"""Replies are decided inside an update's transaction and given after it has committed.

A reply is written to the outbox in the same transaction as the change it tells of, and given
once that transaction has committed; it leaves the outbox when Telegram has taken it. A crash
between the commit and the reply gives the reply at the next start; a rollback gives none. So
what a person is told is always what happened, and nobody is left without an answer.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.callbacks import CallbackCodec
from bot.ratelimit import through
from bot.render.screens import Screen
from bot.sender import decode_screens, encode_screens, screen_fields
from bot.store import BroadcastStore, Store

__all__ = ["Outbox", "Reply", "ReplyKind"]

log = logging.getLogger(__name__)


class ReplyKind(StrEnum):
    MESSAGE = "message"
    EDIT = "edit"
    DROP_BUTTONS = "drop_buttons"
    ANSWER = "answer"  # the answer to a button press


@dataclass(frozen=True, slots=True)
class Reply:
    kind: ReplyKind
    chat_id: int
    screen: Screen | None = None
    message_id: int | None = None
    query_id: str | None = None
    # Read from replies stored before presses were answered without words; never shown.
    notice: str | None = None
    show_alert: bool = False
    # What a press has to say: a message after the (wordless) answer, also when Telegram no
    # longer lets the bot answer the press (redelivered after a crash, or too old).
    late: Screen | None = None


def _encode(reply: Reply) -> str:
    screens = [s for s in (reply.screen, reply.late) if s is not None]
    return json.dumps(
        {
            "kind": reply.kind.value,
            "chat_id": reply.chat_id,
            "screens": encode_screens(screens),
            "has_screen": reply.screen is not None,
            "message_id": reply.message_id,
            "query_id": reply.query_id,
            "notice": reply.notice,
            "show_alert": reply.show_alert,
        },
        ensure_ascii=False,
    )


def _decode(raw: str) -> Reply:
    data: dict[str, Any] = json.loads(raw)
    screens = decode_screens(data["screens"])
    screen = screens.pop(0) if data["has_screen"] else None
    return Reply(
        ReplyKind(data["kind"]),
        data["chat_id"],
        screen,
        data["message_id"],
        data["query_id"],
        data["notice"],
        data["show_alert"],
        screens[0] if screens else None,
    )


@dataclass(slots=True)
class _Batch:
    """The replies one transaction decided, written with its commit."""

    replies: list[Reply] = field(default_factory=list)
    encoded: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)


class Outbox:
    def __init__(self, bot: Bot, store: Store, codec: CallbackCodec) -> None:
        self._bot = bot
        self._store = store
        self._deliveries = BroadcastStore(store)
        self._codec = codec
        self._given: list[int] = []  # replies through, not yet out of the outbox
        self._clearing = asyncio.Lock()

    async def give(self, reply: Reply) -> None:
        """Records the reply with the change under way and gives it once that has committed.
        The replies of one transaction are written in one statement, with its commit."""
        scratch = self._store.scratch()
        if scratch is None:
            async with self._store.transaction(lazy=True):
                await self.give(reply)
            return
        batch = scratch.get("replies")
        if not isinstance(batch, _Batch):
            batch = scratch["replies"] = _Batch()
            batch.ids = await self._deliveries.add_replies(batch.encoded)
            given = batch

            async def deliver() -> None:
                await self._deliver(list(zip(given.ids, given.replies, strict=True)))

            await self._store.after_commit(deliver)
        batch.replies.append(reply)
        batch.encoded.append(_encode(reply))

    async def resume(self) -> None:
        """Gives the replies a crash kept back, in the order they were decided."""
        owed = await self._deliveries.replies_owed()
        if owed:
            await self._deliver([(reply_id, _decode(raw)) for reply_id, raw in owed])

    async def _deliver(self, replies: list[tuple[int, Reply]]) -> None:
        """In order; they leave the outbox together once all are through, so a crash in the
        middle can give the ones before it a second time, never skip one."""
        for _, reply in replies:
            await self._until_through(reply)
        await self._clear([reply_id for reply_id, _ in replies])

    async def _clear(self, reply_ids: list[int]) -> None:
        """Takes the replies out of the outbox before it returns. Replies that get through
        while others are being taken out wait for that and then go out together, in one
        transaction: under load one write for many updates instead of one for each."""
        self._given.extend(reply_ids)
        async with self._clearing:
            given, self._given = self._given, []
            if given:
                await self._deliveries.replies_given(given)

    async def _until_through(self, reply: Reply) -> None:
        """Gives the reply until it is through (bot/ratelimit.py says how); a refusal is
        final, and a person who blocked the bot is marked instead of retried forever."""
        while True:
            try:
                await through(functools.partial(self._call, reply), attempts=None, what="a reply")
                if reply.kind is ReplyKind.ANSWER and reply.late is not None:
                    # What the press has to say comes next, as a message.
                    reply = Reply(ReplyKind.MESSAGE, reply.chat_id, reply.late)
                    continue
                return
            except Forbidden:
                log.info("a recipient has blocked the bot; marked as unreachable")
                await self._store.set_blocked(reply.chat_id, True)
                return
            except BadRequest as exc:
                if reply.kind is ReplyKind.ANSWER:
                    log.info("a button press could not be answered: %s", exc.message)
                    if reply.late is None:
                        return
                    # What it has to say still comes as a message.
                    reply = Reply(ReplyKind.MESSAGE, reply.chat_id, reply.late)
                    continue
                if "not modified" not in exc.message:
                    log.warning("a reply was refused: %s", exc.message)
                return

    async def _call(self, reply: Reply) -> None:
        """One Bot API call. What Telegram answers is not read, so no Message is built from it
        (python-telegram-bot's typed methods would: half a millisecond a reply under load)."""
        kind, screen = reply.kind, reply.screen
        if kind is ReplyKind.ANSWER:
            assert reply.query_id is not None
            # Without words: a toast is gone in seconds and screen readers do not read it.
            await self._bot.answer_callback_query(reply.query_id)
            return
        call: dict[str, object] = {"chat_id": reply.chat_id}
        if kind is ReplyKind.MESSAGE:
            endpoint = "sendMessage"
        elif kind is ReplyKind.EDIT:
            endpoint = "editMessageText"
            call["message_id"] = reply.message_id
        else:
            endpoint = "editMessageReplyMarkup"
            call["message_id"] = reply.message_id
        if screen is not None:
            call.update(screen_fields(screen, self._codec))
        await self._bot.do_api_request(endpoint, call)
