"""Simulated Telegram users and groups that talk to the bot through a :class:`LocalBotApi`.

They produce the same updates a real client would cause and record what the bot
sends back, so tests can drive whole conversations and wait for the bot's answers.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .entities import utf16_len

if TYPE_CHECKING:
    from .server import LocalBotApi

JSON = dict[str, Any]

ANONYMOUS_ADMIN_ID = 1087968824
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")


class Notifier:
    """A level-free wake-up signal that can be fired from synchronous code."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        """Wake every current waiter."""
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def waiter(self) -> asyncio.Future[None]:
        """A future the next :meth:`notify` resolves, registered at once, so no wake-up is lost."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        return fut

    async def wait(self, seconds: float | None) -> bool:
        """Wait for the next :meth:`notify`; False if ``seconds`` elapsed first."""
        fut = self.waiter()
        try:
            await asyncio.wait_for(fut, seconds)
        except TimeoutError:
            return False
        finally:
            if fut in self._waiters:
                self._waiters.remove(fut)
        return True


@dataclass
class BotMessage:
    """A message the bot sent, kept up to date with later edits and deletion."""

    message_id: int
    chat_id: int
    text: str
    html: str | None = None
    entities: list[JSON] = field(default_factory=list)
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    kind: str = "text"
    file_bytes: bytes | None = None
    file_name: str | None = None
    deleted: bool = False
    edited: int = 0
    raw: JSON = field(default_factory=dict)
    at: float = 0.0  # time.perf_counter() when the bot sent or last edited it

    def button_labels(self) -> list[str]:
        """All inline button labels, row by row."""
        return [label for row in self.buttons for label, _ in row]


@dataclass(frozen=True)
class Event:
    """One line of a human-readable transcript (see ``LocalBotApi.on_event``)."""

    kind: str
    chat_title: str
    actor: str
    text: str


def buttons_of(markup: JSON | None) -> list[list[tuple[str, str]]]:
    """Rows of (label, callback_data or url) of an inline keyboard; [] for anything else."""
    if not markup or "inline_keyboard" not in markup:
        return []
    rows: list[list[tuple[str, str]]] = []
    for row in markup["inline_keyboard"]:
        out: list[tuple[str, str]] = []
        for b in row:
            value = b.get("callback_data", b.get("url", ""))
            out.append((str(b.get("text", "")), str(value)))
        rows.append(out)
    return rows


def _file_ids(prefix: str) -> tuple[str, str]:
    return prefix + secrets.token_urlsafe(30), "AQAD" + secrets.token_urlsafe(8)


class SimChat:
    """State shared by private chats and groups: messages, inbox and the event cursor."""

    def __init__(self, api: LocalBotApi, chat_id: int, title: str) -> None:
        self.api = api
        self.id = chat_id
        self.title = title
        self.inbox: list[BotMessage] = []
        self.messages: dict[int, JSON] = {}
        self.bot_messages: dict[int, BotMessage] = {}
        self._events: list[tuple[BotMessage, BotMessage]] = []  # (live, snapshot)
        self._cursor = 0
        self._notifier = Notifier()
        self._next_mid = 1

    @property
    def chat_id(self) -> int:
        """Telegram chat id of this chat."""
        return self.id

    def chat_dict(self) -> JSON:
        """The ``Chat`` object of this chat."""
        raise NotImplementedError

    def next_message_id(self) -> int:
        """Message ids grow per chat, shared by both sides, as on Telegram."""
        mid = self._next_mid
        self._next_mid += 1
        return mid

    def record_event(self, msg: BotMessage) -> None:
        """Append a new-or-edited bot message to the event stream and wake waiters."""
        msg.at = time.perf_counter()
        self._events.append((msg, replace(msg, raw=dict(msg.raw))))
        self._notifier.notify()

    def drain(self) -> None:
        """Skip every event seen so far: later waits only see newer ones."""
        self._cursor = len(self._events)

    async def wait_for(
        self,
        predicate: Callable[[BotMessage], bool],
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """Next new-or-edited bot message after the cursor that matches ``predicate``.

        The predicate sees the message as it was at that event (so a later edit does not
        make an earlier event match); the live, up-to-date message is returned.
        """
        deadline = time.monotonic() + timeout
        while True:
            while self._cursor < len(self._events):
                live, snapshot = self._events[self._cursor]
                self._cursor += 1
                if predicate(snapshot):
                    return live
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not await self._notifier.wait(remaining):
                if self._cursor < len(self._events):
                    continue
                raise TimeoutError(
                    f"no matching bot message in {self.title!r} within {timeout}s; "
                    f"recent transcript:\n{self.transcript()}"
                )

    async def next_message(self, timeout: float = 10.0) -> BotMessage:  # noqa: ASYNC109
        """Next new-or-edited bot message in this chat, whatever its content."""
        return await self.wait_for(lambda _m: True, timeout=timeout)

    def transcript(self, last: int = 12) -> str:
        """The last few messages of the chat (both sides), for failure messages."""
        lines: list[str] = []
        for mid in sorted(self.messages)[-last:]:
            raw = self.messages[mid]
            who = raw.get("from", {}).get("first_name", "?")
            bm = self.bot_messages.get(mid)
            text = bm.text if bm else raw.get("text", raw.get("caption", f"<{_kind(raw)}>"))
            flags = ""
            if bm is not None:
                flags += " [deleted]" if bm.deleted else ""
                flags += f" [edited x{bm.edited}]" if bm.edited else ""
                labels = bm.button_labels()
                flags += f" buttons={labels}" if labels else ""
            lines.append(f"  #{mid} {who}: {text!r}{flags}")
        return "\n".join(lines) or "  (empty)"

    def _base_message(self, sender: JSON, text: str | None = None) -> JSON:
        msg: JSON = {
            "message_id": self.next_message_id(),
            "from": sender,
            "chat": self.chat_dict(),
            "date": int(time.time()),
        }
        if text is not None:
            msg["text"] = text
            ents = _command_entities(text)
            if ents:
                msg["entities"] = ents
        return msg


def _kind(raw: JSON) -> str:
    for k in ("text", "photo", "document", "sticker", "voice", "video"):
        if k in raw:
            return k
    return "message"


def _command_entities(text: str) -> list[JSON]:
    m = _COMMAND.match(text)
    if m is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}]


class SimUser(SimChat):
    """A person with a private chat with the bot."""

    def __init__(
        self,
        api: LocalBotApi,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        super().__init__(api, user_id, first_name)
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.started = False
        self.blocked = False
        self.toasts: list[str] = []

    @property
    def name(self) -> str:
        """Display name used in transcripts."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def user_dict(self) -> JSON:
        """The ``User`` object of this person."""
        d: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        if self.language_code:
            d["language_code"] = self.language_code
        return d

    def chat_dict(self) -> JSON:
        d: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        return d

    # --- sending -----------------------------------------------------------------
    async def _deliver(self, msg: JSON, label: str) -> JSON:
        if self.blocked:
            self.unblock()
        self.started = True
        self.messages[msg["message_id"]] = msg
        self.api.emit("user_message", self.name, self.name, label)
        self.api.enqueue({"message": msg})
        await asyncio.sleep(0)
        return msg

    async def send(self, text: str, *, reply_to: int | None = None) -> JSON:
        """Send a text message to the bot; returns the user's ``Message``."""
        msg = self._base_message(self.user_dict(), text)
        _attach_reply(self, msg, reply_to)
        return await self._deliver(msg, text)

    async def edit(self, message_id: int, text: str) -> JSON:
        """Edit one of this user's earlier text messages (an ``edited_message`` update)."""
        msg = self.messages.get(message_id)
        if msg is None or msg.get("from", {}).get("id") != self.id or "text" not in msg:
            raise LookupError(f"no text message {message_id} from {self.name}")
        msg["text"] = text
        msg.pop("entities", None)
        ents = _command_entities(text)
        if ents:
            msg["entities"] = ents
        msg["edit_date"] = int(time.time())
        self.api.emit("user_message", self.name, self.name, f"(edited) {text}")
        self.api.enqueue({"edited_message": dict(msg)})
        await asyncio.sleep(0)
        return msg

    async def send_sticker(self, emoji: str = "👍") -> JSON:
        """Send a sticker (no text at all)."""
        fid, fuid = _file_ids("CAACAgIAAxkBAAI")
        msg = self._base_message(self.user_dict())
        msg["sticker"] = {
            "file_id": fid,
            "file_unique_id": fuid,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "SimStickers",
            "file_size": 23456,
        }
        return await self._deliver(msg, f"<sticker {emoji}>")

    async def send_photo(self, caption: str | None = None, data: bytes = b"\x89PNG sim") -> JSON:
        """Send a photo, optionally with a caption."""
        msg = self._base_message(self.user_dict())
        sizes: list[JSON] = []
        for w, h in ((90, 67), (320, 240), (1280, 960)):
            fid, fuid = _file_ids("AgACAgIAAxkBAAI")
            self.api.store_file(fid, data, f"photo_{w}.jpg", "image/jpeg")
            sizes.append(
                {
                    "file_id": fid,
                    "file_unique_id": fuid,
                    "width": w,
                    "height": h,
                    "file_size": len(data),
                }
            )
        msg["photo"] = sizes
        if caption is not None:
            msg["caption"] = caption
        return await self._deliver(msg, f"<photo> {caption or ''}".strip())

    async def send_voice(self, duration: int = 3, data: bytes = b"OggS sim") -> JSON:
        """Send a voice note."""
        fid, fuid = _file_ids("AwACAgIAAxkBAAI")
        self.api.store_file(fid, data, "voice.oga", "audio/ogg")
        msg = self._base_message(self.user_dict())
        msg["voice"] = {
            "file_id": fid,
            "file_unique_id": fuid,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return await self._deliver(msg, f"<voice {duration}s>")

    async def send_document(
        self,
        file_name: str = "notes.pdf",
        data: bytes = b"%PDF-1.4 sim",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> JSON:
        """Send a file as a document."""
        fid, fuid = _file_ids("BQACAgIAAxkBAAI")
        self.api.store_file(fid, data, file_name, mime_type)
        msg = self._base_message(self.user_dict())
        msg["document"] = {
            "file_id": fid,
            "file_unique_id": fuid,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        if caption is not None:
            msg["caption"] = caption
        return await self._deliver(msg, f"<document {file_name}>")

    async def send_forwarded(self, text: str, from_name: str = "Bob") -> JSON:
        """Forward a text from someone who hides their account (``hidden_user`` origin)."""
        msg = self._base_message(self.user_dict(), text)
        msg.pop("entities", None)
        msg["forward_origin"] = {
            "type": "hidden_user",
            "sender_user_name": from_name,
            "date": int(time.time()) - 3600,
        }
        return await self._deliver(msg, f"(forwarded from {from_name}) {text}")

    # --- buttons -----------------------------------------------------------------
    async def press(
        self,
        bot_message: BotMessage | JSON,
        label: str | None = None,
        *,
        callback_data: str | None = None,
    ) -> str:
        """Press an inline button found by exact label (or by its callback_data)."""
        current = self.api.find_bot_message(bot_message)
        if current is None or current.deleted:
            raise LookupError("the message with the buttons does not exist (deleted?)")
        for row in current.raw.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if (label is not None and button.get("text") == label) or (
                    callback_data is not None and button.get("callback_data") == callback_data
                ):
                    if "callback_data" not in button:
                        raise LookupError(f"button {button.get('text')!r} is not a callback button")
                    return await self._callback(current, button["callback_data"], button["text"])
        raise LookupError(
            f"no button {label or callback_data!r} on message {current.message_id}; "
            f"buttons: {current.button_labels()}"
        )

    async def press_data(self, bot_message: BotMessage | JSON, data: str) -> str:
        """Send a callback query with arbitrary (possibly forged) data for that message."""
        current = self.api.find_bot_message(bot_message)
        if current is None:
            raise LookupError("unknown bot message")
        return await self._callback(current, data, f"data={data!r}")

    def can_see(self, chat: SimChat | None) -> bool:
        """Only the person of a private chat, or a member of a group, sees its messages."""
        if isinstance(chat, SimGroup):
            return chat.status_of(self.id) in ("creator", "administrator", "member")
        return chat is self

    async def _callback(self, msg: BotMessage, data: str, label: str) -> str:
        chat = self.api.chat(msg.chat_id)
        if not self.can_see(chat):
            # Telegram shows a message only in its chat: nobody else can press its buttons.
            where = chat.title if chat else msg.chat_id
            raise PermissionError(f"{self.name} cannot see message {msg.message_id} in {where!r}")
        if self.blocked:
            self.unblock()
        query_id = str(secrets.randbits(63))
        query: JSON = {
            "id": query_id,
            "from": self.user_dict(),
            "message": dict(msg.raw),
            "chat_instance": str(abs(hash((self.id, msg.chat_id))) % 10**18),
            "data": data,
        }
        self.api.register_query(query_id, self)
        self.api.emit("callback", chat.title if chat else "?", self.name, label)
        self.api.enqueue({"callback_query": query})
        await asyncio.sleep(0)
        return query_id

    # --- relationship ------------------------------------------------------------
    def block(self) -> None:
        """Block the bot: sends fail with 403 and a ``my_chat_member`` update is queued."""
        if not self.blocked:
            self.blocked = True
            self.api.enqueue(self._member_update("member", "kicked"))

    def unblock(self) -> None:
        """Unblock the bot again."""
        if self.blocked:
            self.blocked = False
            self.api.enqueue(self._member_update("kicked", "member"))

    def _member_update(self, old: str, new: str) -> JSON:
        bot = self.api.bot_user()
        new_member: JSON = {"status": new, "user": bot}
        if new == "kicked":
            new_member["until_date"] = 0
        return {
            "my_chat_member": {
                "chat": self.chat_dict(),
                "from": self.user_dict(),
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": bot}
                | ({"until_date": 0} if old == "kicked" else {}),
                "new_chat_member": new_member,
            }
        }


def _attach_reply(chat: SimChat, msg: JSON, reply_to: int | None) -> None:
    if reply_to is None:
        return
    target = chat.messages.get(reply_to)
    if target is None:
        raise LookupError(f"no message {reply_to} to reply to")
    msg["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}


class SimGroup(SimChat):
    """A supergroup the bot is a member of, with simulated members and admins."""

    def __init__(
        self,
        api: LocalBotApi,
        chat_id: int,
        title: str,
        members: list[SimUser],
        admins: list[SimUser],
        creator: SimUser | None = None,
    ) -> None:
        super().__init__(api, chat_id, title)
        self.members: list[SimUser] = []
        for u in [*([creator] if creator else []), *admins, *members]:
            if u not in self.members:
                self.members.append(u)
        self.admins = list(admins)
        self.creator = creator
        self.bot_is_member = True
        self.bot_is_admin = False

    def chat_dict(self) -> JSON:
        return {"id": self.id, "type": "supergroup", "title": self.title}

    def status_of(self, user_id: int) -> str:
        """ChatMember status of a user (or the bot) in this group."""
        if user_id == self.api.bot_id:
            if not self.bot_is_member:
                return "left"
            return "administrator" if self.bot_is_admin else "member"
        if self.creator is not None and self.creator.id == user_id:
            return "creator"
        if any(a.id == user_id for a in self.admins):
            return "administrator"
        if any(m.id == user_id for m in self.members):
            return "member"
        return "left"

    def add(self, user: SimUser) -> None:
        """Make ``user`` a member."""
        if user not in self.members:
            self.members.append(user)

    def remove(self, user: SimUser) -> None:
        """Remove ``user`` (and their admin rights)."""
        if user in self.members:
            self.members.remove(user)
        if user in self.admins:
            self.admins.remove(user)

    def _should_deliver(self, msg: JSON) -> bool:
        """Privacy mode: bots see commands, replies to them and mentions of them only."""
        if not self.api.group_privacy:
            return True
        text = str(msg.get("text", msg.get("caption", "")))
        command = _COMMAND.match(text)
        if command is not None:
            _, _, target = command.group(0).partition("@")
            return not target or target.lower() == self.api.bot_username.lower()
        if f"@{self.api.bot_username}".lower() in text.lower():
            return True
        reply = msg.get("reply_to_message")
        return bool(reply and reply.get("from", {}).get("id") == self.api.bot_id)

    async def send(self, user: SimUser, text: str, *, reply_to: int | None = None) -> JSON:
        """Post a text message from ``user`` into the group."""
        if user not in self.members:
            raise LookupError(f"{user.name} is not a member of {self.title!r}")
        msg = self._base_message(user.user_dict(), text)
        _attach_reply(self, msg, reply_to)
        return await self._post(msg, user.name, text)

    async def send_as_chat(self, text: str) -> JSON:
        """Post as the group itself, like an anonymous admin does."""
        sender: JSON = {
            "id": ANONYMOUS_ADMIN_ID,
            "is_bot": True,
            "first_name": "Group",
            "username": "GroupAnonymousBot",
        }
        msg = self._base_message(sender, text)
        msg["sender_chat"] = self.chat_dict()
        return await self._post(msg, f"{self.title} (anonymous admin)", text)

    async def _post(self, msg: JSON, actor: str, text: str) -> JSON:
        self.messages[msg["message_id"]] = msg
        self.api.emit("user_message", self.title, actor, text)
        if self.bot_is_member and self._should_deliver(msg):
            self.api.enqueue({"message": msg})
        await asyncio.sleep(0)
        return msg
