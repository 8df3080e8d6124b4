"""What goes wrong on Telegram's side, on purpose: flood limits, injected faults, outages,
chats held back and planned crashes of the bot at a chosen call.

A bot that survives these here survives them in production; the tests plan each one.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .sim import SimChat, SimGroup
from .world import JSON, ApiError, World, kind_of


@dataclass(frozen=True)
class FloodLimits:
    """Token-bucket model of Telegram's flood control (capacity = burst, rate per second)."""

    enabled: bool = True
    private_burst: float = 5.0
    private_rate: float = 1.0
    group_burst: float = 20.0
    group_rate: float = 20.0 / 60.0
    global_burst: float = 30.0
    global_rate: float = 30.0

    @classmethod
    def off(cls) -> FloodLimits:
        """No flood control at all (for tests that are not about it)."""
        return cls(enabled=False)


class Bucket:
    def __init__(self, capacity: float, rate: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.stamp = time.monotonic()

    def wait_time(self) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate if self.rate > 0 else math.inf

    def take(self) -> None:
        self.tokens -= 1.0


Crash = Callable[[], Awaitable[None] | None]


# The calls that concern a chat: what a person sees change in it.
_CHAT_METHODS = frozenset(
    {"sendmessage", "editmessagetext", "editmessagereplymarkup", "sendphoto", "senddocument"}
)


class ChatHold:
    """A chat whose messages the server keeps waiting, as a slow phone or network would: every
    message sent or edited there waits, neither applied nor answered, until `release`."""

    def __init__(self) -> None:
        self.waiting = 0
        self._arrived = asyncio.Event()
        self._released = asyncio.Event()

    async def arrived(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Waits until a call for the chat is being held."""
        await asyncio.wait_for(self._arrived.wait(), timeout)

    def release(self) -> None:
        """Lets the held calls, and every later one, through."""
        self._released.set()

    async def _pass(self) -> None:
        self.waiting += 1
        self._arrived.set()
        try:
            await self._released.wait()
        finally:
            self.waiting -= 1


class CrashPoint(abc.ABC):
    """A crash a test plans at one Bot API call; made by :meth:`LocalBotApi.crash_at_caused_call`
    or :meth:`LocalBotApi.crash_at_call`.

    When the call arrives the double calls ``crash`` (normally: SIGKILL the bot and wait for it
    to die), does not apply the call, and answers it ``502 Bad Gateway`` once ``crash`` returned,
    by which time nobody reads the answer. A point fires once and is then gone.
    """

    def __init__(self, description: str, crash: Crash) -> None:
        self.description = description
        self._crash = crash
        self.call: tuple[str, JSON] | None = None
        self._task: asyncio.Future[None] | None = None
        self._finished = asyncio.Event()

    @property
    def fired(self) -> bool:
        """True once the chosen call arrived (``call`` holds its method and parameters)."""
        return self.call is not None

    async def wait(self, timeout: float = 30.0) -> tuple[str, JSON]:  # noqa: ASYNC109
        """Waits until the point fired and ``crash`` has finished; returns the call it fired at."""
        try:
            await asyncio.wait_for(self._finished.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"{self.description}: no such call within {timeout}s") from None
        assert self._task is not None
        assert self.call is not None
        self._task.result()  # a crash callback that failed fails the test here
        return self.call

    def _handed_out(self, update: JSON) -> None:  # noqa: B027 (a hook most points ignore)
        """Told of every update the bot is given (by getUpdates or the webhook)."""

    @abc.abstractmethod
    def _matches(self, method: str, params: JSON) -> bool:
        """Whether this call is the one the point waits for."""

    def _fire(self, method: str, params: JSON) -> asyncio.Future[None]:
        self.call = (method, dict(params))
        self._task = asyncio.ensure_future(self._run())
        return self._task

    async def _run(self) -> None:
        try:
            result = self._crash()
            if result is not None:
                await result
        finally:
            self._finished.set()


class _CausedCall(CrashPoint):
    """The first call, after the update was handed to the bot, that concerns the update's chat
    (a message sent, a message edited, a photo or document sent there) or answers its
    callback query."""

    def __init__(self, update_id: int, crash: Crash, update: JSON | None) -> None:
        super().__init__(f"crash at the first call caused by update {update_id}", crash)
        self.update_id = update_id
        self.live = False
        self.chat_id: str | None = None
        self.query_id: str | None = None
        if update is not None:
            self._handed_out(update)

    def _handed_out(self, update: JSON) -> None:
        if int(update["update_id"]) != self.update_id:
            return
        self.live = True
        body = update[kind_of(update)]
        if isinstance(body, dict):
            chat = body.get("chat") or (body.get("message") or {}).get("chat") or {}
            self.chat_id = str(chat["id"]) if "id" in chat else None
            self.query_id = str(body["id"]) if "data" in body and "id" in body else None

    def _matches(self, method: str, params: JSON) -> bool:
        if not self.live:
            return False
        if method == "answercallbackquery":
            return self.query_id is not None and str(params.get("callback_query_id")) == (
                self.query_id
            )
        return method in _CHAT_METHODS and str(params.get("chat_id")) == self.chat_id


class _NthCall(CrashPoint):
    """The nth call of a method, counted from when the point was made."""

    def __init__(self, method: str, nth: int, crash: Crash) -> None:
        if nth < 1:
            raise ValueError("nth counts from 1")
        super().__init__(f"crash at call {nth} of {method}", crash)
        self.method = method.lower()
        self.left = nth

    def _matches(self, method: str, params: JSON) -> bool:
        if method != self.method:
            return False
        self.left -= 1
        return self.left == 0


class Failures(World):
    """Faults, outages, held chats, crash points and flood control."""

    # ------------------------------------------------------------------ faults
    def fail_next(
        self,
        method: str,
        status: int = 500,
        count: int = 1,
        description: str = "Internal Server Error",
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail without being applied."""
        self._faults.setdefault(method.lower(), []).extend([(status, description)] * count)

    def set_outage(self, on: bool) -> None:
        """While on, every request is answered ``502 Bad Gateway``."""
        self._outage = on
        self._updates_signal.notify()

    def hold_chat(self, chat_id: int) -> ChatHold:
        """Keeps the bot's messages to this chat waiting until the hold is released."""
        hold = self._holds[str(chat_id)] = ChatHold()
        return hold

    # ------------------------------------------------------------------ crashes
    def crash_at_caused_call(self, update_id: int, crash: Crash) -> CrashPoint:
        """Crash the bot at the first Bot API call caused by update ``update_id``.

        "Caused by": the first call, after the update was handed to the bot (by getUpdates or
        the webhook), that concerns its chat (sendMessage, editMessageText,
        editMessageReplyMarkup, sendPhoto or sendDocument to that chat id) or answers its
        callback query (answerCallbackQuery with that query id). That is the moment after the
        bot decided what the update does and before anybody saw it. ``crash`` is called (it
        may be a coroutine function; typically it SIGKILLs the bot), the call is not applied,
        and the update, handed out but not confirmed, goes to the bot again when it polls
        next, as Telegram does. An update already handed out when the point is made is watched
        from now. Use :attr:`next_update_id` to aim at an update before it exists.
        """
        known = None
        if self.handed_out[update_id]:
            known = self._confirmed.get(update_id) or next(
                (u for u in self._pending if int(u["update_id"]) == update_id), None
            )
        point = _CausedCall(update_id, crash, known)
        self._crash_points.append(point)
        return point

    def crash_at_call(self, method: str, nth: int, crash: Crash) -> CrashPoint:
        """Crash the bot at the ``nth`` call of ``method`` from now (1 is the next one), e.g.
        ``crash_at_call("sendMessage", 5, kill)`` while a broadcast is half sent."""
        point = _NthCall(method, nth, crash)
        self._crash_points.append(point)
        return point

    def disarm(self, point: CrashPoint) -> None:
        """Forget a crash point that has not fired."""
        with contextlib.suppress(ValueError):
            self._crash_points.remove(point)

    @property
    def crash_points(self) -> list[CrashPoint]:
        """The crash points that have not fired yet."""
        return list(self._crash_points)

    def _crash_point(self, method: str, raw: JSON) -> CrashPoint | None:
        """The point this call fires, if any; every point sees the call (to count it)."""
        matching = [p for p in self._crash_points if p._matches(method.lower(), raw)]
        if not matching:
            return None
        self._crash_points.remove(matching[0])
        return matching[0]

    def _hand_out(self, updates: list[JSON]) -> None:
        for update in updates:
            self.handed_out[int(update["update_id"])] += 1
            for point in self._crash_points:
                point._handed_out(update)

    async def _intercept(self, method: str, raw: JSON) -> None:
        """Holds a call to a held chat until it is released; fires the crash point the call is
        for, and then fails the call, not applied, with 502."""
        hold = self._holds.get(str(raw.get("chat_id")))
        if hold is not None and method.lower() in _CHAT_METHODS:
            await hold._pass()
        point = self._crash_point(method, raw)
        if point is not None:
            # Shielded: the crash goes on when the dying bot's request is cancelled.
            await asyncio.shield(point._fire(method, raw))
            raise ApiError(502, "Bad Gateway")

    # ------------------------------------------------------------------ flood control
    def _check_flood(self, chat: SimChat) -> None:
        """Raise 429 if the chat or global bucket is empty; otherwise take a token from both."""
        f = self.flood
        if not f.enabled:
            return
        if isinstance(chat, SimGroup):
            key: Any = ("group", chat.id)
            cap, rate = f.group_burst, f.group_rate
        else:
            key = ("private", chat.id)
            cap, rate = f.private_burst, f.private_rate
        chat_bucket = self._buckets.get(key)
        if chat_bucket is None or (chat_bucket.capacity, chat_bucket.rate) != (cap, rate):
            chat_bucket = self._buckets[key] = Bucket(cap, rate)
        glob = self._buckets.get("global")
        if glob is None or (glob.capacity, glob.rate) != (f.global_burst, f.global_rate):
            glob = self._buckets["global"] = Bucket(f.global_burst, f.global_rate)
        wait = max(chat_bucket.wait_time(), glob.wait_time())
        if wait > 0:
            self.stats.rate_limited += 1
            retry = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        chat_bucket.take()
        glob.take()
