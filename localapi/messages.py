"""The bot's text messages: sending, editing and deleting them, with Telegram's checks of
text, HTML entities and inline keyboards, so a message Telegram would refuse is refused here.
"""

from __future__ import annotations

import re
import time
from typing import Any

from .entities import EntityParseError, parse_html, utf16_len
from .failures import Failures
from .sim import BotMessage, SimChat, SimGroup, buttons_of
from .world import JSON, ApiError, bad

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
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class Messages(Failures):
    """sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage, sendChatAction."""

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

    async def _m_sendChatAction(self, p: JSON) -> Any:
        self._resolve_chat(p["chat_id"])
        if p["action"] not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    # ------------------------------------------------------------------ helpers
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
                self.keyboard_labels.append(str(b["text"]))
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


def _with_buttons(text: str, bm: BotMessage) -> str:
    labels = bm.button_labels()
    return f"{text}  [{' | '.join(labels)}]" if labels else text
