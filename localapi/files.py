"""Files: photos and documents the bot sends, files people send it, and getFile with the
download paths python-telegram-bot fetches them by."""

from __future__ import annotations

import re
import secrets
from typing import Any

from .messages import Messages
from .sim import BotMessage, buttons_of
from .world import JSON, Upload, bad


class Files(Messages):
    """sendPhoto, sendDocument and getFile, over the bytes kept by ``store_file``."""

    def store_file(self, file_id: str, data: bytes, name: str, mime: str) -> None:
        """Keep file bytes so getFile and downloads work."""
        self._files[file_id] = (data, name, mime)

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


def _new_file_ids(kind: str) -> tuple[str, str]:
    prefix = "AgACAgIAAxkDAAI" if kind == "photo" else "BQACAgIAAxkDAAI"
    return prefix + secrets.token_urlsafe(30), "AQAD" + secrets.token_urlsafe(8)
