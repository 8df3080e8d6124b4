"""The bot itself and the chats it is in: getMe, its commands, descriptions and menu button,
chats, members and administrators, and leaving a group."""

from __future__ import annotations

import json
import re
from typing import Any

from .sim import SimChat, SimGroup
from .world import JSON, ApiError, World, bad

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class Chats(World):
    """The bot's profile and the chats' members, as the bot asks for them."""

    # ------------------------------------------------------------------ the bot
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
        """0 to `limit` characters per language; an empty text removes that language's own."""
        text = str(p.get(key) or "")
        if len(text) > limit:
            raise bad(f"{key} is too long")
        language = _language_code(p)
        if text:
            self.descriptions[(kind, language)] = text
        else:
            self.descriptions.pop((kind, language), None)
        return True

    async def _m_setMyDescription(self, p: JSON) -> Any:
        return await self._set_description(p, "description", "description", 512)

    async def _m_setMyShortDescription(self, p: JSON) -> Any:
        return await self._set_description(p, "short", "short_description", 120)

    async def _m_getMyDescription(self, p: JSON) -> Any:
        return {"description": self.descriptions.get(("description", _language_code(p)), "")}

    async def _m_getMyShortDescription(self, p: JSON) -> Any:
        short = self.descriptions.get(("short", _language_code(p)), "")
        return {"short_description": short}

    async def _m_setChatMenuButton(self, p: JSON) -> Any:
        chat_id = p.get("chat_id")
        if chat_id is not None:
            self._resolve_chat(chat_id, sending=False)
        self.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
        return True

    async def _m_getChatMenuButton(self, p: JSON) -> Any:
        chat_id = p.get("chat_id")
        return self.menu_buttons.get(chat_id, self.menu_buttons.get(None, {"type": "commands"}))

    # ------------------------------------------------------------------ chats
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


def _scope_key(p: JSON) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


_LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def _language_code(p: JSON) -> str:
    """A two-letter ISO 639-1 code, or empty for everybody without a language of their own."""
    language = str(p.get("language_code") or "")
    if language and not _LANGUAGE_CODE.fullmatch(language):
        raise bad("LANG_CODE_INVALID")
    return language
