"""What every part of the local Bot API server shares: its state, the simulated people and
groups in it, the errors it answers with, and the listeners that watch what happens.

The server's methods are split by what they do (``failures``, ``messages``, ``files``,
``callbacks``, ``chats``, ``updates``); each is a class over :class:`World`, and
``server.LocalBotApi`` puts them together behind the HTTP app.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import ClientSession, web

from .sim import BotMessage, Event, Notifier, SimChat, SimGroup, SimUser

if TYPE_CHECKING:
    from .callbacks import Query
    from .failures import Bucket, ChatHold, CrashPoint, FloodLimits

log = logging.getLogger(__name__)

JSON = dict[str, Any]


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


def kind_of(update: JSON) -> str:
    """The kind of an update: ``message``, ``callback_query``, ..."""
    return next(k for k in update if k != "update_id")


class World:
    """The server's state and what its parts share; see ``server.LocalBotApi``."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        flood: FloodLimits,
        *,
        bot_name: str,
        group_privacy: bool,
        answer_window: float,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.group_privacy = group_privacy
        self.answer_window = answer_window
        self.flood = flood
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
        # Every inline button label the bot sent (messages, edits, photos, documents) and every
        # text it answered a button press with: what a screen reader would have to read.
        self.keyboard_labels: list[str] = []
        self.answer_texts: list[str] = []
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
        self._buckets: dict[Any, Bucket] = {}
        self._faults: dict[str, list[tuple[int, str]]] = {}
        self._outage = False
        self._queries: dict[str, Query] = {}
        self._files: dict[str, tuple[bytes, str, str]] = {}
        self._file_paths: dict[str, str] = {}
        self._listeners: list[Callable[[Event], None]] = []
        self._update_listeners: list[Callable[[JSON], None]] = []
        self._last_activity = time.monotonic()
        self._in_flight = 0
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ world building
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

    # ------------------------------------------------------------------ chats
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
