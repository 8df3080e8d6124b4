"""One rate-limited sender for broadcasts, with delivery recorded per recipient.

It keeps under Telegram's limits (about 30 messages a second overall, one a second per chat,
20 a minute per group), sends each message until it is through (bot/ratelimit.py says how),
and marks people who blocked the bot instead of retrying them. Each recipient's progress is
committed after every message, so a broadcast cut short by a crash resumes where it stopped:
nobody is skipped, and only the message in flight at the moment of the crash can arrive twice:
one message is sent at a time, which the rate limit, not the round trip, holds back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.warnings import PTBUserWarning

from bot.callbacks import Action, Button, CallbackCodec
from bot.domain import Delivery, DeliveryStatus, Member
from bot.i18n import Translator, translator
from bot.ratelimit import through
from bot.render.screens import Key, Screen
from bot.store import BroadcastStore, Store

__all__ = ["Broadcaster", "decode_screens", "encode_screens", "markup", "screen_fields"]

log = logging.getLogger(__name__)

# Messages are sent with `do_api_request`, whose answer stays plain JSON: the bot never reads
# the Message Telegram sends back, and building one (with an object per formatting entity)
# costs more than the rest of a broadcast message. python-telegram-bot suggests its typed
# method instead on every such call.
warnings.filterwarnings("ignore", r"Please use 'Bot\.", PTBUserWarning)

PRIVATE_GAP = 1.0  # seconds between two messages to one person
GROUP_GAP = 3.0  # 20 a minute in a group


class _Pace:
    """A token bucket: at most `rate` sends a second, with a burst of one second's worth.
    Its times are time.monotonic(): pauses, not moments, so the bot's clock does not apply."""

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._tokens = 1.0
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self._rate, self._tokens + (now - self._stamp) * self._rate)
                self._stamp = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await asyncio.sleep((1.0 - self._tokens) / self._rate)


def markup(screen: Screen, codec: CallbackCodec) -> InlineKeyboardMarkup | None:
    if not screen.keys:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(key.label, url=key.url)
                if key.url
                else InlineKeyboardButton(
                    key.label, callback_data=codec.pack(key.button) if key.button else None
                )
                for key in row
            ]
            for row in screen.keys
        ]
    )


def screen_fields(screen: Screen, codec: CallbackCodec) -> dict[str, object]:
    """A screen as the fields of a sendMessage or editMessageText call."""
    fields: dict[str, object] = {
        "text": screen.text,
        "parse_mode": ParseMode.HTML,
        "reply_markup": markup(screen, codec),
    }
    if not screen.preview:
        fields["link_preview_options"] = LinkPreviewOptions(is_disabled=True)
    return fields


def encode_screens(screens: list[Screen]) -> list[dict[str, Any]]:
    return [
        {
            "text": s.text,
            **({} if s.preview else {"preview": False}),
            "keys": [
                [
                    {
                        "label": k.label,
                        "url": k.url,
                        "action": k.button.action.value if k.button else None,
                        "args": list(k.button.args) if k.button else [],
                    }
                    for k in row
                ]
                for row in s.keys
            ],
        }
        for s in screens
    ]


def decode_screens(raw: list[dict[str, Any]]) -> list[Screen]:
    return [
        Screen(
            item["text"],
            tuple(
                tuple(
                    Key(
                        k["label"],
                        Button(Action(k["action"]), tuple(k["args"])) if k["action"] else None,
                        k["url"],
                    )
                    for k in row
                )
                for row in item["keys"]
            ),
            item.get("preview", True),
        )
        for item in raw
    ]


class Broadcaster:
    def __init__(self, bot: Bot, store: Store, codec: CallbackCodec, rate: float) -> None:
        self._bot = bot
        self._store = store
        self._deliveries = BroadcastStore(store)
        self._codec = codec
        self._pace = _Pace(rate)
        self._queued: set[int] = set()
        # Who each broadcast under way still writes to, so a live message can wait its turn.
        self._recipients: dict[int, frozenset[int]] = {}
        self._last_sent: dict[int, float] = {}  # chat id -> time.monotonic() of its last message
        self._worker: asyncio.Task[None] | None = None

    async def broadcast(
        self,
        seminar_id: int | None,
        recipients: Iterable[Member | tuple[int, str]],
        screens_for: Callable[[Translator], list[Screen]],
        origin: str | None = None,
    ) -> int:
        """Records the broadcast, starts it in the background, and returns how many get it.

        The screens are rendered once per language; each recipient gets them in theirs.
        """
        pairs = [(r.tg_id, r.language) if isinstance(r, Member) else r for r in recipients]
        languages = sorted({language for _, language in pairs})
        screens = {lang: encode_screens(screens_for(translator(lang))) for lang in languages}
        broadcast_id = await self._deliveries.create(
            seminar_id, origin, json.dumps(screens, ensure_ascii=False), pairs
        )

        async def start() -> None:
            self._recipients[broadcast_id] = frozenset(chat for chat, _ in pairs)
            self.start(broadcast_id)

        # Started once the change it tells of has committed; a rollback takes it back unsent.
        await self._store.after_commit(start)
        return len(pairs)

    def start(self, broadcast_id: int) -> None:
        self._queued.add(broadcast_id)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work())

    async def _work(self) -> None:
        """One broadcast after another, oldest first: everyone reads the bot's messages in the
        order it decided them (the plenary's themes before the dot card, say)."""
        while self._queued:
            broadcast_id = min(self._queued)
            try:
                await self._run(broadcast_id)
            except Exception:
                # Its deliveries stay pending in the database; the next start resumes them.
                log.exception("broadcast %d stopped", broadcast_id)
            self._queued.discard(broadcast_id)
            self._recipients.pop(broadcast_id, None)

    def owes(self, chat_id: int) -> bool:
        """Whether a broadcast under way still has messages for this chat: a moderator's
        cockpit is posted after what the step sent them, not between."""
        return any(chat_id in chats for chats in self._recipients.values())

    async def resume(self) -> None:
        """Restarts every broadcast a crash or a shutdown left unfinished."""
        for broadcast_id in sorted({d.broadcast_id for d in await self._deliveries.pending()}):
            self.start(broadcast_id)

    async def wait(self) -> None:
        """Waits for the broadcasts under way (used when stopping and in the demo)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.gather(self._worker, return_exceptions=True)

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _run(self, broadcast_id: int) -> None:
        """Round by round: everyone's next message, so one person's second message never
        waits behind the pause their first one needs."""
        screens = {
            language: decode_screens(raw)
            for language, raw in json.loads(await self._deliveries.screens(broadcast_id)).items()
        }
        waiting = [(d, d.sent_screens) for d in await self._deliveries.pending(broadcast_id)]
        last_sent = self._last_sent
        while waiting:
            still: list[tuple[Delivery, int]] = []
            for delivery, index in waiting:
                mine = screens.get(delivery.language, [])
                if index >= len(mine):
                    await self._deliveries.finish(
                        broadcast_id, delivery.chat_id, DeliveryStatus.SENT
                    )
                    continue
                gap = GROUP_GAP if delivery.chat_id < 0 else PRIVATE_GAP
                pause = last_sent.get(delivery.chat_id, 0.0) + gap - time.monotonic()
                if pause > 0:
                    await asyncio.sleep(pause)
                status = await self._send(delivery.chat_id, mine[index])
                last_sent[delivery.chat_id] = time.monotonic()
                if status is not DeliveryStatus.SENT:
                    await self._deliveries.finish(broadcast_id, delivery.chat_id, status)
                    continue
                await self._deliveries.progress(broadcast_id, delivery.chat_id, index + 1)
                still.append((delivery, index + 1))
            waiting = still
        counts = await self._deliveries.counts(broadcast_id)
        log.info("broadcast %d finished: %s", broadcast_id, counts)
        await self._deliveries.forget_delivered(broadcast_id)

    async def _send(self, chat_id: int, screen: Screen) -> DeliveryStatus:
        """Sends one message until it is through: sent, or why it never will be."""

        async def attempt() -> None:
            await self._pace.take()
            call = {"chat_id": chat_id, **screen_fields(screen, self._codec)}
            await self._bot.do_api_request("sendMessage", call)

        try:
            await through(attempt, attempts=None, what="a broadcast message")
        except Forbidden:
            await self._store.set_blocked(chat_id, True)
            return DeliveryStatus.BLOCKED
        except BadRequest as exc:
            log.warning("a broadcast message was refused: %s", exc.message)
            return DeliveryStatus.REFUSED
        return DeliveryStatus.SENT
