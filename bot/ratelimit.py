"""The bot's one policy for Bot API calls: how fast they go, and which failures are tried again.

Pace. python-telegram-bot hands every call to `ChatOrderedLimiter`: at most the configured
number a second, 20 a minute to a group, and one chat's calls one after another, so the chat
reads them in the order the bot made them.

Failures, by kind (`failure`):
- 429 Too Many Requests: wait the `retry_after` Telegram names, then again, however often it
  takes; meanwhile every other call waits too. This is done in the limiter, inside the chat's
  turn: several calls for one chat that meet a 429 together would otherwise all wait the same
  time and race again, so the chat's later calls could overtake an earlier one, and the last
  of them lose round after round.
- A passing failure (network, time-out, 5xx): again after 0.5 s, 1 s, 2 s, 4 s, then every
  5 s (`through`). The caller says how long it may wait: replies and broadcasts until the
  call is through (an outage ends), anything else `BRIEF_ATTEMPTS` times.
- 400, 403 and the rest: final at once; the caller decides what it means (a person who blocked
  the bot is marked, a refused message logged).
Each kind is retried in one place only, so retries never multiply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from enum import StrEnum
from typing import Any, TypeVar

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

__all__ = [
    "BRIEF_ATTEMPTS",
    "ChatOrderedLimiter",
    "Failure",
    "failure",
    "retry_seconds",
    "through",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

BRIEF_ATTEMPTS = 5  # a call whose caller can do without it: given up after this many
FIRST_PAUSE = 0.5  # seconds before the first retry of a passing failure, doubled each time
LONGEST_PAUSE = 5.0  # an outage is retried every few seconds until it ends
BUSY_MARGIN = 0.1  # seconds added to a 429's retry_after, so the retry is not a hair early
GROUP_RATE = (20, 60.0)  # calls to one group, per seconds


class Failure(StrEnum):
    BUSY = "busy"  # 429: Telegram says when to try again
    PASSING = "passing"  # network, time-out, 5xx: it may work in a moment
    FINAL = "final"  # 400, 403 and the rest: trying again cannot help


def failure(exc: TelegramError) -> Failure:
    if isinstance(exc, RetryAfter):
        return Failure.BUSY
    # BadRequest (400) is a NetworkError in python-telegram-bot; TimedOut is one too.
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return Failure.PASSING
    return Failure.FINAL


def retry_seconds(exc: RetryAfter) -> float:
    value: Any = exc.retry_after
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)


async def through(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int | None = BRIEF_ATTEMPTS,
    what: str = "a Bot API call",
) -> T:
    """Runs the call again after a passing failure: until it is through (`attempts=None`) or
    that many times, then the last failure is raised; a final failure is raised at once.

    A 429 reaches this only from a bot without `ChatOrderedLimiter` (the tests' bare bots):
    then its retry_after is waited out here, as one attempt.
    """
    pause = FIRST_PAUSE
    tried = 0
    while True:
        tried += 1
        try:
            return await call()
        except TelegramError as exc:
            kind = failure(exc)
            if kind is Failure.FINAL or (attempts is not None and tried >= attempts):
                raise
            if isinstance(exc, RetryAfter):
                wait = retry_seconds(exc)
            else:
                wait, pause = pause, min(pause * 2, LONGEST_PAUSE)
                log.warning("%s failed (%s); retrying in %.1f s", what, type(exc).__name__, wait)
            await asyncio.sleep(wait)


# What python-telegram-bot's Bot hands to a rate limiter, and gets back.
ApiCall = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


class ChatOrderedLimiter(BaseRateLimiter[None]):
    """Paces every call and waits out every 429, one call at a time per chat."""

    def __init__(self, overall_max_rate: float) -> None:
        self._overall = AsyncLimiter(overall_max_rate, 1.0)
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}
        # A 429 holds every call until then (a time.monotonic(): a pause, not a wall-clock
        # moment, so the bot's clock does not apply).
        self._held_until = 0.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to let go."""

    async def process_request(
        self,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = data.get("chat_id")
        if isinstance(chat_id, str):
            with contextlib.suppress(ValueError):
                chat_id = int(chat_id)
        if not isinstance(chat_id, int):
            return await self._until_allowed(callback, args, kwargs, chat_id)
        async with self._turn(chat_id):
            return await self._until_allowed(callback, args, kwargs, chat_id)

    @contextlib.asynccontextmanager
    async def _turn(self, chat_id: int) -> AsyncIterator[None]:
        """One call at a time for this chat, in the order they came."""
        lock, users = self._chats.get(chat_id, (asyncio.Lock(), 0))
        self._chats[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._chats[chat_id]
            if users == 1:
                del self._chats[chat_id]
            else:
                self._chats[chat_id] = (lock, users - 1)

    async def _until_allowed(
        self, callback: ApiCall, args: Any, kwargs: dict[str, Any], chat_id: object
    ) -> bool | JSONDict | list[JSONDict]:
        """The call, paced, and made again after each 429 once Telegram's wait is over."""
        while True:
            await self._held()
            try:
                return await self._paced(lambda: callback(*args, **kwargs), chat_id)
            except RetryAfter as exc:
                wait = retry_seconds(exc) + BUSY_MARGIN
                log.info("Telegram asked to wait %.1f s; every call waits", wait)
                self._held_until = max(self._held_until, time.monotonic() + wait)

    async def _held(self) -> None:
        """Waits while a 429 holds every call (one that comes meanwhile is met when it ends)."""
        wait = self._held_until - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _paced(self, call: Callable[[], Awaitable[T]], chat_id: object) -> T:
        """Within the overall rate (calls to a chat only, as python-telegram-bot counts them)
        and, for a group, within the group's own."""
        if chat_id is None:
            return await call()
        if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
            async with self._group(chat_id), self._overall:
                return await call()
        async with self._overall:
            return await call()

    def _group(self, group: int | str) -> AsyncLimiter:
        if len(self._groups) > 512:
            # Forget the groups whose limit has fully recovered.
            for key, limiter in list(self._groups.items()):
                if key != group and limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        if group not in self._groups:
            self._groups[group] = AsyncLimiter(*GROUP_RATE)
        return self._groups[group]
