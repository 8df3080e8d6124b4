"""An in-process HTTP server that answers like Telegram's Bot API, plus its world state.

The real bot (python-telegram-bot) is pointed at it with ``base_url``; tests drive
simulated users (``sim.py``) and assert on what the bot did. Behaviour that bites in
production (validation, 403s, flood limits, redelivery, long polling) is modelled
faithfully so it shows up in tests first.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import ipaddress
import json
import logging
import math
import random
import re
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import BodyPartReader, ClientError, ClientSession, ClientTimeout, web

from .entities import EntityParseError, parse_html, utf16_len
from .sim import BotMessage, Event, Notifier, SimChat, SimGroup, SimUser, buttons_of
from .spec import MethodSpec, methods

log = logging.getLogger(__name__)

JSON = dict[str, Any]
Handler = Callable[[JSON], Awaitable[Any]]

_ALL_UPDATE_TYPES_DEFAULT_EXCLUDED = {"chat_member", "message_reaction", "message_reaction_count"}
# Telegram refuses to answer a callback query much later than this (observed, not in the
# reference); the bot must then show its answer another way.
ANSWER_WINDOW = 15.0
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_PORTS = (80, 88, 443, 8443)
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_INT = re.compile(r"-?\d+")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad(description: str) -> ApiError:
    """A 400 with the usual ``Bad Request:`` prefix."""
    return ApiError(400, f"Bad Request: {description}")


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


class _Bucket:
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


@dataclass
class Stats:
    """Counters for assertions: 429s returned, faults injected and calls per method."""

    rate_limited: int = 0
    faults: int = 0
    by_method: Counter[str] = field(default_factory=Counter)


@dataclass
class Upload:
    """A file that arrived as a multipart part."""

    data: bytes
    filename: str | None
    content_type: str | None


@dataclass
class _Query:
    user: SimUser
    created: float
    answered: bool = False


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
        body = update[_kind_of(update)]
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


class LocalBotApi:
    """A fake Telegram Bot API server with simulated users, groups and failure injection."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "seminar_demo_bot",
        flood: FloodLimits | None = None,
        *,
        bot_name: str = "Seminar Bot",
        group_privacy: bool = True,
        answer_window: float = ANSWER_WINDOW,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.group_privacy = group_privacy
        self.answer_window = answer_window
        self.flood = flood if flood is not None else FloodLimits()
        self.stats = Stats()
        self.requests: list[tuple[str, JSON]] = []
        self.port = 0
        self.users: dict[int, SimUser] = {}
        self.groups: dict[int, SimGroup] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_max_connections = 40
        self.webhook_last_error: str | None = None
        self._proxies: list[tuple[str, str]] = []
        self.callback_answers: dict[str, JSON] = {}
        self._next_user_id = 700_000_001
        self._next_group_id = -1_001_000_000_001
        self._next_update_id = random.randint(100_000, 900_000)
        self._pending: list[JSON] = []
        self._confirmed: dict[int, JSON] = {}
        # How many times each update went to the bot (getUpdates batches, webhook posts).
        self.handed_out: Counter[int] = Counter()
        self._crash_points: list[CrashPoint] = []
        self._holds: dict[str, ChatHold] = {}
        self._allowed_updates: set[str] | None = None
        self._updates_signal = Notifier()
        self._stopping = False
        self._poll_generation = 0
        self._buckets: dict[Any, _Bucket] = {}
        self._faults: dict[str, list[tuple[int, str]]] = {}
        self._outage = False
        self._queries: dict[str, _Query] = {}
        self._files: dict[str, tuple[bytes, str, str]] = {}
        self._file_paths: dict[str, str] = {}
        self._listeners: list[Callable[[Event], None]] = []
        self._update_listeners: list[Callable[[JSON], None]] = []
        self._last_activity = time.monotonic()
        self._in_flight = 0
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._handlers: dict[str, Handler] = {
            name.lower(): getattr(self, f"_m_{name}")
            for name in (
                "getMe",
                "getUpdates",
                "setWebhook",
                "deleteWebhook",
                "getWebhookInfo",
                "logOut",
                "close",
                "setMyCommands",
                "getMyCommands",
                "deleteMyCommands",
                "setMyDescription",
                "getMyDescription",
                "setMyShortDescription",
                "getMyShortDescription",
                "setChatMenuButton",
                "getChatMenuButton",
                "sendMessage",
                "editMessageText",
                "editMessageReplyMarkup",
                "deleteMessage",
                "answerCallbackQuery",
                "sendPhoto",
                "sendDocument",
                "sendChatAction",
                "getChat",
                "getChatMember",
                "getChatAdministrators",
                "leaveChat",
                "getFile",
            )
        }

    # ------------------------------------------------------------------ lifecycle
    async def start(self, port: int = 0) -> str:
        """Start listening on 127.0.0.1; returns the ``base_url`` for python-telegram-bot."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        self._stopping = False
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])
        return self.base_url

    async def stop(self) -> None:
        """Stop the server and the webhook deliverer; safe to call twice."""
        self._stopping = True
        self._updates_signal.notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/bot`` (python-telegram-bot appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:PORT/file/bot`` for downloading files via getFile paths."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ------------------------------------------------------------------ world building
    def user(
        self,
        first_name: str,
        *,
        language_code: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
    ) -> SimUser:
        """Create a simulated user with a fresh id."""
        uid = self._next_user_id
        self._next_user_id += 1
        u = SimUser(
            self,
            uid,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[uid] = u
        return u

    def group(
        self,
        title: str,
        members: list[SimUser] | None = None,
        admins: list[SimUser] | None = None,
        *,
        creator: SimUser | None = None,
        bot_admin: bool = False,
    ) -> SimGroup:
        """Create a supergroup that already contains the bot."""
        gid = self._next_group_id
        self._next_group_id -= 1
        g = SimGroup(self, gid, title, list(members or []), list(admins or []), creator)
        g.bot_is_admin = bot_admin
        self.groups[gid] = g
        return g

    def chat(self, chat_id: int) -> SimChat | None:
        """The simulated chat with that id, if any."""
        return self.users.get(chat_id) or self.groups.get(chat_id)

    def bot_user(self) -> JSON:
        """The bot's ``User`` object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def find_bot_message(self, ref: BotMessage | JSON) -> BotMessage | None:
        """Current state of a bot message given a BotMessage or a Message dict."""
        if isinstance(ref, BotMessage):
            chat_id, mid = ref.chat_id, ref.message_id
        else:
            chat_id, mid = int(ref["chat"]["id"]), int(ref["message_id"])
        chat = self.chat(chat_id)
        return chat.bot_messages.get(mid) if chat else None

    def store_file(self, file_id: str, data: bytes, name: str, mime: str) -> None:
        """Keep file bytes so getFile and downloads work."""
        self._files[file_id] = (data, name, mime)

    def register_query(self, query_id: str, user: SimUser) -> None:
        """Remember a callback query so answerCallbackQuery can validate it."""
        self._queries[query_id] = _Query(user, time.monotonic())

    # ------------------------------------------------------------------ events
    def on_event(self, callback: Callable[[Event], None]) -> None:
        """Register a transcript listener (called synchronously)."""
        self._listeners.append(callback)

    def on_update(self, callback: Callable[[JSON], None]) -> None:
        """Register a listener called with each new update as it is queued, its update_id
        given and before the bot can have it (redeliveries are not new updates)."""
        self._update_listeners.append(callback)

    def emit(self, kind: str, chat_title: str, actor: str, text: str) -> None:
        """Tell every listener about something that happened."""
        ev = Event(kind, chat_title, actor, text)
        for cb in self._listeners:
            try:
                cb(ev)
            except Exception:
                log.exception("event listener failed")

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

    # ------------------------------------------------------------------ updates
    def enqueue(self, update: JSON) -> int:
        """Queue an update for the bot; returns its update_id."""
        kind = next(iter(update))
        if not self._is_allowed(kind):
            return -1
        uid = self._next_update_id
        self._next_update_id += 1
        queued = {"update_id": uid, **update}
        for listener in self._update_listeners:
            listener(queued)
        self._pending.append(queued)
        self._updates_signal.notify()
        return uid

    def confirmed_update_ids(self, kind: str, text: str) -> list[int]:
        """Ids of updates the bot confirmed that carried this text (or button data)."""
        return [
            uid
            for uid, update in self._confirmed.items()
            if isinstance(update.get(kind), dict)
            and text in (update[kind].get("text"), update[kind].get("data"))
        ]

    @property
    def next_update_id(self) -> int:
        """The id the next queued update will get (to aim a crash point at it)."""
        return self._next_update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an update again with its own id: a confirmed one, as Telegram may after a
        crash, or one still pending a second time, as when the answer to a delivery was lost."""
        update = self._confirmed.get(update_id) or next(
            u for u in self._pending if int(u["update_id"]) == update_id
        )
        self._pending.append(update)
        self._pending.sort(key=lambda u: int(u["update_id"]))
        self._updates_signal.notify()

    def _is_allowed(self, kind: str) -> bool:
        if self._allowed_updates is None or not self._allowed_updates:
            return kind not in _ALL_UPDATE_TYPES_DEFAULT_EXCLUDED
        return kind in self._allowed_updates

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by the bot."""
        return list(self._pending)

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until all updates are confirmed and the bot made no request for ``quiet`` s."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            idle_for = now - self._last_activity
            if not self._pending and self._in_flight == 0 and idle_for >= quiet:
                return
            if now >= deadline:
                raise TimeoutError(
                    f"bot not idle after {timeout}s: {len(self._pending)} pending updates, "
                    f"{self._in_flight} requests in flight, last request {idle_for:.2f}s ago"
                )
            await asyncio.sleep(min(0.05, max(0.0, quiet - idle_for)) or 0.02)

    # ------------------------------------------------------------------ HTTP
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if self._outage:
            return _error(ApiError(502, "Bad Gateway"))
        if path.startswith("/file/bot"):
            return self._download(path[len("/file/bot") :])
        if not path.startswith("/bot") or path.count("/") != 2:
            return _error(ApiError(404, "Not Found"))
        token, _, method = path[len("/bot") :].partition("/")
        if token != self.token:
            return _error(ApiError(401, "Unauthorized"))
        spec = methods().get(method.lower())
        if spec is None:
            return _error(ApiError(404, "Not Found"))
        counted = spec.name != "getUpdates"
        if counted:
            self._in_flight += 1
            self._last_activity = time.monotonic()
        try:
            try:
                raw, files = await _read_params(request)
            except ValueError as exc:
                raise bad(str(exc)) from exc
            self.requests.append((spec.name, dict(raw)))
            self.stats.by_method[spec.name] += 1
            hold = self._holds.get(str(raw.get("chat_id")))
            if hold is not None and spec.name.lower() in _CHAT_METHODS:
                await hold._pass()
            point = self._crash_point(spec.name, raw)
            if point is not None:
                # Shielded: the crash goes on when the dying bot's request is cancelled.
                await asyncio.shield(point._fire(spec.name, raw))
                raise ApiError(502, "Bad Gateway")
            result = await self._call(spec, raw, files, len(self.requests) - 1)
            if spec.name == "getUpdates" and result:
                self._last_activity = time.monotonic()
            return web.json_response({"ok": True, "result": result})
        except ApiError as exc:
            return _error(exc)
        finally:
            if counted:
                self._in_flight -= 1
                self._last_activity = time.monotonic()

    async def _call(
        self, spec: MethodSpec, raw: JSON, files: dict[str, Upload], request_index: int
    ) -> Any:
        """Apply faults, then validate and run the handler (recording converted params)."""
        faults = self._faults.get(spec.name.lower())
        if faults:
            status, description = faults.pop(0)
            self.stats.faults += 1
            retry_after = None
            if status == 429:
                m = re.search(r"retry after (\d+)", description)
                retry_after = int(m.group(1)) if m else 1
            raise ApiError(status, description, retry_after=retry_after)
        handler = self._handlers.get(spec.name.lower())
        if handler is None:
            raise ApiError(
                501,
                f"Not Implemented: method {spec.name} is not implemented by the local "
                "Bot API test server (localapi)",
            )
        params = _validate(spec, raw, files)
        self.requests[request_index] = (spec.name, params)
        return await handler(params)

    def _download(self, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return _error(ApiError(401, "Unauthorized"))
        fid = self._file_paths.get(file_path)
        if fid is None or fid not in self._files:
            return _error(ApiError(404, "Not Found"))
        data, _name, mime = self._files[fid]
        return web.Response(body=data, content_type=mime)

    # ------------------------------------------------------------------ helpers
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
            chat_bucket = self._buckets[key] = _Bucket(cap, rate)
        glob = self._buckets.get("global")
        if glob is None or (glob.capacity, glob.rate) != (f.global_burst, f.global_rate):
            glob = self._buckets["global"] = _Bucket(f.global_burst, f.global_rate)
        wait = max(chat_bucket.wait_time(), glob.wait_time())
        if wait > 0:
            self.stats.rate_limited += 1
            retry = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        chat_bucket.take()
        glob.take()

    def _resolve_chat(self, chat_id: Any, *, sending: bool = True) -> SimChat:
        if not isinstance(chat_id, int):
            raise bad("chat not found")  # @usernames only address public groups and channels
        chat = self.chat(chat_id)
        if chat is None:
            raise bad("chat not found")
        if sending and isinstance(chat, SimUser):
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if sending and isinstance(chat, SimGroup) and not chat.bot_is_member:
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return chat

    def _format(
        self, p: JSON, text_key: str, entities_key: str, limit: int, *, caption: bool = False
    ) -> tuple[str, list[JSON], str | None]:
        raw = p.get(text_key)
        if raw is None:
            return "", [], None
        text = str(raw)
        mode = p.get("parse_mode")
        entities: list[JSON] = list(p.get(entities_key) or [])
        if mode:
            if str(mode).lower() != "html":
                if str(mode).lower() in ("markdown", "markdownv2"):
                    raise ApiError(
                        501,
                        f"Not Implemented: parse_mode {mode} is not implemented by the "
                        "local Bot API test server; use HTML",
                    )
                raise bad("unsupported parse_mode")
            try:
                plain, entities = parse_html(text)
            except EntityParseError as exc:
                raise bad(f"can't parse entities: {exc}") from exc
        else:
            plain = text
        size = utf16_len(plain)
        if not caption and not plain.strip():
            raise bad("message text is empty")
        if size > limit:
            raise bad("message caption is too long" if caption else "message is too long")
        return plain, entities, text

    def _validate_markup(self, markup: Any) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
                raise bad("can't parse reply keyboard markup JSON object")
            return markup
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad("can't parse inline keyboard button: InlineKeyboardButtons must be an Array")
        total = 0
        for row in rows:
            for b in row:
                total += 1
                if not isinstance(b, dict):
                    raise bad(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                if not str(b.get("text", "")):
                    raise bad("BUTTON_TEXT_INVALID")
                actions = [k for k in _BUTTON_ACTIONS if k in b]
                if not actions:
                    raise bad("text buttons are unallowed in the inline keyboard")
                if len(actions) > 1:
                    raise bad(
                        "can't parse inline keyboard button: exactly one of the optional "
                        f"fields must be used, got {actions}"
                    )
                if "callback_data" in b:
                    size = len(str(b["callback_data"]).encode("utf-8"))
                    if not 1 <= size <= 64:
                        raise bad("BUTTON_DATA_INVALID")
                if "url" in b and not re.match(r"(https?|tg)://\S+$", str(b["url"])):
                    raise bad("BUTTON_URL_INVALID")
        if total > 100:
            raise bad("reply markup is too long")
        return markup

    def _new_bot_message(self, chat: SimChat, p: JSON) -> JSON:
        msg: JSON = {
            "message_id": chat.next_message_id(),
            "from": self.bot_user(),
            "chat": chat.chat_dict(),
            "date": int(time.time()),
        }
        reply = p.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            target = chat.messages.get(int(reply["message_id"]))
            if target is None and not reply.get("allow_sending_without_reply"):
                raise bad("message to be replied not found")
            if target is not None:
                msg["reply_to_message"] = {
                    k: v for k, v in target.items() if k != "reply_to_message"
                }
        return msg

    def _store_bot_message(self, chat: SimChat, bm: BotMessage) -> None:
        chat.messages[bm.message_id] = bm.raw
        chat.bot_messages[bm.message_id] = bm
        chat.inbox.append(bm)
        chat.record_event(bm)

    def _find_editable(self, p: JSON) -> tuple[SimChat, BotMessage]:
        if p.get("inline_message_id") is not None:
            raise ApiError(
                501,
                "Not Implemented: inline messages are not implemented by the "
                "local Bot API test server",
            )
        if p.get("chat_id") is None or p.get("message_id") is None:
            raise bad("message identifier is not specified")
        chat = self._resolve_chat(p["chat_id"])
        mid = int(p["message_id"])
        bm = chat.bot_messages.get(mid)
        if bm is None or bm.deleted:
            if mid in chat.messages and bm is None:
                raise bad("message can't be edited")
            raise bad("message to edit not found")
        return chat, bm

    # ------------------------------------------------------------------ methods: bot
    async def _m_getMe(self, p: JSON) -> Any:
        return self.bot_user() | {
            "can_join_groups": True,
            "can_read_all_group_messages": not self.group_privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_logOut(self, p: JSON) -> Any:
        return True

    async def _m_close(self, p: JSON) -> Any:
        return True

    async def _m_getUpdates(self, p: JSON) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is "
                "active; use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.notify()  # terminates an older concurrent long poll
        offset = p.get("offset")
        limit = int(p.get("limit") or 100)
        limit = max(1, min(100, limit))
        timeout = max(0, int(p.get("timeout") or 0))
        allowed = p.get("allowed_updates")
        if allowed is not None:
            self._allowed_updates = {str(a) for a in allowed} or None
            self._pending = [u for u in self._pending if self._is_allowed(_kind_of(u))]
        if offset is not None:
            offset = int(offset)
            if offset < 0:
                self._pending = self._pending[offset:]
            else:
                for update in self._pending:
                    if update["update_id"] < offset:
                        self._confirmed[update["update_id"]] = update
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while True:
            if self._outage:
                raise ApiError(502, "Bad Gateway")
            if self._stopping:
                return []
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make "
                    "sure that only one bot instance is running",
                )
            if self._pending:
                batch = self._pending[:limit]
                self._hand_out(batch)
                return batch
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            await self._updates_signal.wait(remaining)

    async def _m_setWebhook(self, p: JSON) -> Any:
        url = str(p.get("url") or "")
        if url:
            _check_webhook_url(url)
        max_connections = int(p.get("max_connections") or 40)
        if not 1 <= max_connections <= 100:
            raise bad("bad webhook: max_connections must be between 1 and 100")
        if p.get("drop_pending_updates"):
            self._pending.clear()
        if p.get("allowed_updates") is not None:
            self._allowed_updates = {str(a) for a in p["allowed_updates"]} or None
        self.webhook_url = url
        self.webhook_secret = p.get("secret_token") or None
        self.webhook_max_connections = max_connections
        self.webhook_last_error = None
        if url and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        self._poll_generation += 1
        self._updates_signal.notify()
        return True

    async def _m_deleteWebhook(self, p: JSON) -> Any:
        if p.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = ""
        self.webhook_secret = None
        self._updates_signal.notify()
        return True

    async def _m_getWebhookInfo(self, p: JSON) -> Any:
        info: JSON = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self._allowed_updates:
                info["allowed_updates"] = sorted(self._allowed_updates)
            if self.webhook_last_error:
                info["last_error_date"] = int(time.time())
                info["last_error_message"] = self.webhook_last_error
        return info

    def reverse_proxy(self, public: str, local: str) -> None:
        """Deliver webhook requests for URLs under ``public`` to ``local``, as a proxy would.

        Telegram only posts to https on ports 80, 88, 443 or 8443; a bot behind a reverse
        proxy listens on plain http elsewhere. Tests set the public address in the bot's
        config and route it here to the address the bot listens on.
        """
        self._proxies.append((public.rstrip("/"), local.rstrip("/")))

    def _proxied(self, url: str) -> str | None:
        for public, local in self._proxies:
            if url == public or url.startswith(public + "/"):
                return local + url[len(public) :]
        return None

    async def _deliver_webhooks(self) -> None:
        """POST pending updates to the webhook until it is removed.

        As Telegram does: up to ``max_connections`` requests at once, updates of different
        chats side by side, each chat's in order, the next one only after the 2xx for the last.
        """
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=10))
        sending: dict[Any, asyncio.Task[bool]] = {}
        backoff = 0.2
        try:
            # Stopping is checked as well as cancellation: on Python 3.11 asyncio.wait_for can
            # swallow a cancel that arrives together with the wake-up that stop() sends.
            while self.webhook_url and not self._stopping:
                # Only each chat's first pending update may go, and only if none of it is out.
                first_of_chat: set[Any] = set()
                for update in self._pending:
                    if len(sending) >= self.webhook_max_connections:
                        break
                    chat = _chat_key(update)
                    if chat not in first_of_chat and chat not in sending:
                        sending[chat] = asyncio.create_task(self._post_update(update))
                    first_of_chat.add(chat)
                woken = self._updates_signal.waiter()
                watched: set[asyncio.Future[Any]] = {woken, *sending.values()}
                done, _ = await asyncio.wait(
                    watched, timeout=1.0, return_when=asyncio.FIRST_COMPLETED
                )
                woken.cancel()
                failed = False
                for chat, task in list(sending.items()):
                    if task in done:
                        del sending[chat]
                        failed = failed or not task.result()
                if failed:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                elif done - {woken}:
                    backoff = 0.2
        finally:
            for task in sending.values():
                task.cancel()

    async def _post_update(self, update: JSON) -> bool:
        """One webhook request; True once the bot answered 2xx and the update is confirmed."""
        assert self._session is not None
        target = self._proxied(self.webhook_url)
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        if target is None:
            self.webhook_last_error = "Connection refused"
            return False
        self._hand_out([update])
        try:
            async with self._session.post(target, data=json.dumps(update), headers=headers) as resp:
                await resp.read()
                if not 200 <= resp.status < 300:
                    self.webhook_last_error = f"Wrong response from the webhook: {resp.status}"
                    return False
        except (ClientError, TimeoutError) as exc:
            log.debug("webhook delivery failed: %s", exc)
            self.webhook_last_error = f"Connection failed: {exc}"
            return False
        with contextlib.suppress(ValueError):
            self._pending.remove(update)
        self._confirmed[int(update["update_id"])] = update
        self._last_activity = time.monotonic()
        return True

    async def _m_setMyCommands(self, p: JSON) -> Any:
        commands = p["commands"]
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("too many commands")
        for c in commands:
            if not isinstance(c, dict):
                raise bad("can't parse BotCommand")
            if not _COMMAND_NAME.fullmatch(str(c.get("command", ""))):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", "")).strip()) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[_scope_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _m_getMyCommands(self, p: JSON) -> Any:
        return self.commands.get(_scope_key(p), [])

    async def _m_deleteMyCommands(self, p: JSON) -> Any:
        self.commands.pop(_scope_key(p), None)
        return True

    async def _set_description(self, p: JSON, kind: str, key: str, limit: int) -> Any:
        text = str(p.get(key) or "")
        if len(text) > limit:
            raise bad(f"{key} is too long")
        self.descriptions[(kind, str(p.get("language_code") or ""))] = text
        return True

    async def _m_setMyDescription(self, p: JSON) -> Any:
        return await self._set_description(p, "description", "description", 512)

    async def _m_setMyShortDescription(self, p: JSON) -> Any:
        return await self._set_description(p, "short", "short_description", 120)

    async def _m_getMyDescription(self, p: JSON) -> Any:
        lang = str(p.get("language_code") or "")
        return {"description": self.descriptions.get(("description", lang), "")}

    async def _m_getMyShortDescription(self, p: JSON) -> Any:
        lang = str(p.get("language_code") or "")
        return {"short_description": self.descriptions.get(("short", lang), "")}

    async def _m_setChatMenuButton(self, p: JSON) -> Any:
        chat_id = p.get("chat_id")
        if chat_id is not None:
            self._resolve_chat(chat_id, sending=False)
        self.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
        return True

    async def _m_getChatMenuButton(self, p: JSON) -> Any:
        chat_id = p.get("chat_id")
        return self.menu_buttons.get(chat_id, self.menu_buttons.get(None, {"type": "commands"}))

    # ------------------------------------------------------------------ methods: messages
    async def _m_sendMessage(self, p: JSON) -> Any:
        chat = self._resolve_chat(p["chat_id"])
        plain, entities, html = self._format(p, "text", "entities", 4096)
        markup = self._validate_markup(p.get("reply_markup"))
        msg = self._new_bot_message(chat, p)
        self._check_flood(chat)
        msg["text"] = plain
        if entities:
            msg["entities"] = entities
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        bm = BotMessage(
            msg["message_id"],
            chat.id,
            plain,
            html=html,
            entities=entities,
            buttons=buttons_of(markup),
            kind="text",
            raw=msg,
        )
        self._store_bot_message(chat, bm)
        self.emit("bot_message", chat.title, self.bot_username, _with_buttons(plain, bm))
        return msg

    async def _send_file(self, p: JSON, field_name: str, kind: str, limit: int) -> Any:
        chat = self._resolve_chat(p["chat_id"])
        plain, entities, html = self._format(p, "caption", "caption_entities", 1024, caption=True)
        markup = self._validate_markup(p.get("reply_markup"))
        value = p[field_name]
        if isinstance(value, Upload):
            data, name, mime = value.data, value.filename, value.content_type
            if not data:
                raise bad("file must be non-empty")
            if len(data) > limit:
                raise bad("file is too big")
        elif isinstance(value, str) and value in self._files:
            data, name, mime = self._files[value]
        elif isinstance(value, str) and re.match(r"https?://", value):
            data, name, mime = b"", value.rsplit("/", 1)[-1], None
        else:
            raise bad("wrong file identifier/HTTP URL specified")
        msg = self._new_bot_message(chat, p)
        self._check_flood(chat)
        fid, fuid = _new_file_ids(kind)
        default_mime = "image/jpeg" if kind == "photo" else "application/octet-stream"
        file_name = name or ("photo.jpg" if kind == "photo" else "document")
        self.store_file(fid, data, file_name, mime or default_mime)
        if kind == "photo":
            sizes = []
            for w, h in ((90, 60), (320, 213), (800, 533)):
                sfid = fid if w == 800 else _new_file_ids(kind)[0]
                self.store_file(sfid, data, file_name, mime or default_mime)
                sizes.append(
                    {
                        "file_id": sfid,
                        "file_unique_id": fuid + str(w),
                        "width": w,
                        "height": h,
                        "file_size": len(data),
                    }
                )
            msg["photo"] = sizes
        else:
            msg["document"] = {
                "file_id": fid,
                "file_unique_id": fuid,
                "file_name": file_name,
                "mime_type": mime or default_mime,
                "file_size": len(data),
            }
        if html is not None:
            msg["caption"] = plain
            if entities:
                msg["caption_entities"] = entities
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        bm = BotMessage(
            msg["message_id"],
            chat.id,
            plain,
            html=html,
            entities=entities,
            buttons=buttons_of(markup),
            kind=kind,
            file_bytes=data,
            file_name=file_name,
            raw=msg,
        )
        self._store_bot_message(chat, bm)
        self.emit(
            "file",
            chat.title,
            self.bot_username,
            f"[{kind}: {file_name}, {len(data)} bytes] {plain}".rstrip(),
        )
        return msg

    async def _m_sendPhoto(self, p: JSON) -> Any:
        return await self._send_file(p, "photo", "photo", 10 * 1024 * 1024)

    async def _m_sendDocument(self, p: JSON) -> Any:
        return await self._send_file(p, "document", "document", 50 * 1024 * 1024)

    async def _m_editMessageText(self, p: JSON) -> Any:
        if p.get("text") is None:
            raise bad("text is required")  # documented as optional only for rich messages
        chat, bm = self._find_editable(p)
        if bm.kind != "text":
            raise bad("there is no text in the message to edit")
        plain, entities, html = self._format(p, "text", "entities", 4096)
        markup = self._validate_markup(p.get("reply_markup"))
        new_markup = markup if markup and "inline_keyboard" in markup else None
        if (
            plain == bm.text
            and entities == bm.entities
            and new_markup == bm.raw.get("reply_markup")
        ):
            raise bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._check_flood(chat)
        bm.raw["text"] = plain
        bm.raw.pop("entities", None)
        if entities:
            bm.raw["entities"] = entities
        self._apply_markup(bm, new_markup)
        bm.text, bm.entities, bm.html = plain, entities, html
        return self._finish_edit(chat, bm, _with_buttons(plain, bm))

    async def _m_editMessageReplyMarkup(self, p: JSON) -> Any:
        chat, bm = self._find_editable(p)
        markup = self._validate_markup(p.get("reply_markup"))
        new_markup = markup if markup and "inline_keyboard" in markup else None
        if new_markup == bm.raw.get("reply_markup"):
            raise bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._check_flood(chat)
        self._apply_markup(bm, new_markup)
        return self._finish_edit(chat, bm, f"(buttons) {bm.button_labels()}")

    @staticmethod
    def _apply_markup(bm: BotMessage, markup: JSON | None) -> None:
        if markup is None:
            bm.raw.pop("reply_markup", None)
        else:
            bm.raw["reply_markup"] = markup
        bm.buttons = buttons_of(markup)

    def _finish_edit(self, chat: SimChat, bm: BotMessage, text: str) -> JSON:
        bm.raw["edit_date"] = int(time.time())
        bm.edited += 1
        chat.record_event(bm)
        self.emit("bot_edit", chat.title, self.bot_username, text)
        return bm.raw

    async def _m_deleteMessage(self, p: JSON) -> Any:
        chat = self._resolve_chat(p["chat_id"], sending=False)
        mid = int(p["message_id"])
        raw = chat.messages.get(mid)
        bm = chat.bot_messages.get(mid)
        if raw is None or raw.get("_deleted") or (bm is not None and bm.deleted):
            raise bad("message to delete not found")
        if isinstance(chat, SimGroup) and bm is None and not chat.bot_is_admin:
            raise bad("message can't be deleted")
        if bm is not None:
            bm.deleted = True
            text = bm.text
        else:
            raw["_deleted"] = True
            text = str(raw.get("text", ""))
        self.emit("bot_delete", chat.title, self.bot_username, f"(deleted #{mid}) {text}")
        return True

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
            kind = "alert" if p.get("show_alert") else "toast"
            self.emit("toast", q.user.name, self.bot_username, f"({kind}) {text}")
        return True

    async def _m_sendChatAction(self, p: JSON) -> Any:
        self._resolve_chat(p["chat_id"])
        if p["action"] not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    # ------------------------------------------------------------------ methods: chats
    async def _m_getChat(self, p: JSON) -> Any:
        chat = self._resolve_chat(p["chat_id"], sending=False)
        info = chat.chat_dict() | {"accent_color_id": 0, "max_reaction_count": 11}
        if isinstance(chat, SimGroup):
            info["permissions"] = {"can_send_messages": True}
        return info

    def _member(self, chat: SimChat, user_id: int) -> JSON:
        if user_id == self.bot_id:
            user = self.bot_user()
        elif user_id in self.users:
            user = self.users[user_id].user_dict()
        else:
            raise bad("PARTICIPANT_ID_INVALID")
        if isinstance(chat, SimGroup):
            status = chat.status_of(user_id)
        else:
            status = "member" if user_id in (chat.id, self.bot_id) else "left"
        member: JSON = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member |= {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_pin_messages": True,
                "can_manage_topics": False,
            }
        return member

    async def _m_getChatMember(self, p: JSON) -> Any:
        chat = self._resolve_chat(p["chat_id"], sending=False)
        return self._member(chat, int(p["user_id"]))

    async def _m_getChatAdministrators(self, p: JSON) -> Any:
        chat = self._resolve_chat(p["chat_id"], sending=False)
        if not isinstance(chat, SimGroup):
            raise bad("there are no administrators in the private chat")
        ids = [u.id for u in chat.members if chat.status_of(u.id) in ("creator", "administrator")]
        if chat.bot_is_admin and chat.bot_is_member:
            ids.append(self.bot_id)
        return [self._member(chat, i) for i in ids]

    async def _m_leaveChat(self, p: JSON) -> Any:
        chat = self._resolve_chat(p["chat_id"], sending=False)
        if not isinstance(chat, SimGroup):
            raise bad("chat member status can't be changed in private chats")
        if not chat.bot_is_member:
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        chat.bot_is_member = False
        return True

    async def _m_getFile(self, p: JSON) -> Any:
        fid = str(p["file_id"])
        if fid not in self._files:
            raise bad("invalid file_id")
        data, name, _mime = self._files[fid]
        path = next((k for k, v in self._file_paths.items() if v == fid), None)
        if path is None:
            ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
            path = f"documents/file_{len(self._file_paths)}.{ext}"
            self._file_paths[path] = fid
        return {
            "file_id": fid,
            "file_unique_id": "AQAD" + str(abs(hash(fid)) % 10**8),
            "file_size": len(data),
            "file_path": path,
        }


# ---------------------------------------------------------------------- module helpers
def _kind_of(update: JSON) -> str:
    return next(k for k in update if k != "update_id")


def _chat_key(update: JSON) -> Any:
    """The chat an update belongs to, for keeping each chat's webhook deliveries in order."""
    body = update[_kind_of(update)]
    if isinstance(body, dict):
        chat = body.get("chat") or (body.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return chat["id"]
        sender = body.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return sender["id"]
    return update["update_id"]


def _check_webhook_url(url: str) -> None:
    """Telegram's checks of a webhook address: https, one of four ports, a public host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise bad("bad webhook: Failed to parse webhook URL") from exc
    if parts.scheme != "https":
        raise bad("bad webhook: An HTTPS URL must be provided for webhook")
    if (port or 443) not in WEBHOOK_PORTS:
        raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    host = parts.hostname or ""
    if not host:
        raise bad("bad webhook: Failed to resolve host: Name or service not known")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if not address.is_global:
        raise bad(f"bad webhook: IP address {host} is reserved")


def _scope_key(p: JSON) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


def _new_file_ids(kind: str) -> tuple[str, str]:
    prefix = "AgACAgIAAxkDAAI" if kind == "photo" else "BQACAgIAAxkDAAI"
    return prefix + secrets.token_urlsafe(30), "AQAD" + secrets.token_urlsafe(8)


def _with_buttons(text: str, bm: BotMessage) -> str:
    labels = bm.button_labels()
    return f"{text}  [{' | '.join(labels)}]" if labels else text


def _error(exc: ApiError) -> web.Response:
    body: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return web.json_response(body, status=exc.code)


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, Upload]]:
    """Collect parameters from the query string and a form, multipart or JSON body."""
    raw: JSON = dict(request.query)
    files: dict[str, Upload] = {}
    ctype = request.content_type
    if request.method == "POST" and request.can_read_body:
        if ctype == "multipart/form-data":
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = await part.read()
                if part.filename is not None:
                    files[part.name] = Upload(
                        bytes(data), part.filename, part.headers.get("Content-Type")
                    )
                else:
                    raw[part.name] = bytes(data).decode("utf-8")
        elif ctype == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError as exc:
                raise ValueError("can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise ValueError("can't parse JSON object")
            raw.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    raw[key] = value
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8")
                else:
                    files[key] = Upload(value.file.read(), value.filename, value.content_type)
    return raw, files


def _validate(spec: MethodSpec, raw: JSON, files: dict[str, Upload]) -> JSON:
    """Check names, required-ness and types against api.json; return converted values."""
    out: JSON = {}
    for name in raw:
        if name not in spec.params:
            raise bad(f'unknown parameter "{name}"')
    for name, up in files.items():
        if name in spec.params:
            out[name] = up
    for name, param in spec.params.items():
        if name in out:
            continue
        if name not in raw or raw[name] is None:
            if param.required:
                raise bad(f'parameter "{name}" is required')
            continue
        out[name] = _coerce(name, param.types, raw[name], files)
    return out


def _coerce(name: str, types: tuple[str, ...], value: Any, files: dict[str, Upload]) -> Any:
    for t in types:
        ok, converted = _try_type(t, value, files)
        if ok:
            return converted
    raise bad(f'parameter "{name}" must be of type {" or ".join(types)}')


def _try_type(t: str, value: Any, files: dict[str, Upload]) -> tuple[bool, Any]:
    if t == "Integer":
        if isinstance(value, bool):
            return False, None
        if isinstance(value, int):
            return True, value
        if isinstance(value, float) and value.is_integer():
            return True, int(value)
        if isinstance(value, str) and _INT.fullmatch(value.strip()):
            return True, int(value)
        return False, None
    if t == "Float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, float(value)
        if isinstance(value, str):
            try:
                return True, float(value)
            except ValueError:
                return False, None
        return False, None
    if t == "Boolean":
        if isinstance(value, bool):
            return True, value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return True, value.lower() in ("true", "1")
        if isinstance(value, int):
            return True, bool(value)
        return False, None
    if t == "String":
        if isinstance(value, str):
            return True, value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, str(value)
        return False, None
    if t == "InputFile":
        if isinstance(value, str) and value.startswith("attach://"):
            up = files.get(value[len("attach://") :])
            return (True, up) if up is not None else (False, None)
        return False, None
    want: type = list if t.startswith("Array of") else dict
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return False, None
    return (True, value) if isinstance(value, want) else (False, None)
