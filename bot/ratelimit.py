"""python-telegram-bot's rate limiter, with one call at a time per chat.

Telegram allows a chat about one message a second. When several of the bot's calls for one
chat meet a 429 together, they all wait the same `retry_after` and race again, so the last of
them can lose five rounds in a row and be given up. Taking one chat's calls one after another
means each waits its turn once, and the chat reads them in the order the bot made them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

__all__ = ["ChatOrderedLimiter"]


class ChatOrderedLimiter(AIORateLimiter):
    def __init__(self, overall_max_rate: float, max_retries: int) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = data.get("chat_id")
        if not isinstance(chat_id, int):
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        lock, users = self._chats.get(chat_id, (asyncio.Lock(), 0))
        self._chats[chat_id] = (lock, users + 1)
        try:
            async with lock:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        finally:
            lock, users = self._chats[chat_id]
            if users == 1:
                del self._chats[chat_id]
            else:
                self._chats[chat_id] = (lock, users - 1)
