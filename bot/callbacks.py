"""Every button's data: one versioned codec, signed, at most 64 bytes.

Format: ``<version><action>[:arg]*.<mac>`` with integers in base 36 and a 48-bit keyed MAC,
for example ``1e:2n9c4k1x0qz.Xk3v9a_b``. The MAC lets the bot tell a forged button from a
stale one without keeping any button in memory; ownership is still checked by the flows.
"""

from __future__ import annotations

import base64
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.keys import Keyring, base36

__all__ = ["Action", "Button", "CallbackCodec", "ForgedButton", "StaleButton", "peek_action"]

VERSION = "1"
MAX_BYTES = 64
_TOKEN = re.compile(r"^[a-z0-9]{1,16}$")


class Action(StrEnum):
    """What a button does; the value is its one-letter code on the wire."""

    WELCOME_LANGUAGE = "w"  # args: seminar id, language index, join link generation
    CONSENT = "c"  # args: seminar id, language index, join link generation
    DECLINE = "y"  # args: seminar id, join link generation
    SET_LANGUAGE = "l"  # args: language index
    NEXT_QUESTION = "n"  # args: seminar id, question index
    DONE = "d"  # args: seminar id
    EDIT_NOTE = "e"  # args: note id
    DELETE_NOTE = "x"  # args: note id
    KEEP_DRAFT = "k"  # args: seminar id
    DROP_DRAFT = "p"  # args: seminar id
    CANCEL_EDIT = "q"  # args: seminar id
    FORGET = "f"  # args: seminar id
    FORGET_CANCEL = "g"  # args: seminar id
    SETUP_LANGUAGE = "L"  # args: language index
    SETUP_DEFAULT_QUESTIONS = "D"
    SETUP_CUSTOM_QUESTIONS = "C"
    SETUP_QUESTIONS_DONE = "Q"
    SETUP_CANCEL = "Z"
    NEW_INVITE = "r"  # args: seminar id
    OPEN_ROUND = "o"  # args: seminar id
    CLOSE_ROUND = "z"  # args: seminar id
    HIDE_ASK = "h"  # args: note id
    HIDE_CONFIRM = "H"  # args: note id
    HIDE_CANCEL = "j"  # args: note id
    FORM_GROUPS = "G"  # args: seminar id, everyone (0/1)
    PAPER_TO_GROUP = "P"  # args: group id
    REVIEW = "R"  # args: seminar id, index
    REVIEW_SHORTEN = "S"  # args: note id, index
    SHOW_NOTES = "N"  # args: seminar id
    OPEN_VOTING = "V"  # args: seminar id
    VOTE = "v"  # args: note id, theme id, index
    VOTE_CARD = "t"  # args: seminar id, index
    SETTLE = "s"  # args: note id, theme id (0 = unsorted)
    THEME_RENAME = "a"  # args: theme id
    THEME_MERGE_ASK = "m"  # args: theme id
    THEME_MERGE = "M"  # args: source theme id, target theme id
    PRESET_THEMES = "T"  # args: seminar id
    OPEN_PLENARY = "O"  # args: seminar id
    OPEN_DOTS = "X"  # args: seminar id
    DOT = "u"  # args: seminar id, theme id, 1 = add / 0 = withdraw, page of the card
    DOT_PAGE = "dp"  # args: seminar id, page
    CLOSE_DOTS = "Y"  # args: seminar id
    INVITE_MODERATOR = "i"  # args: seminar id
    REMOVE_MODERATOR = "b"  # args: seminar id, user id
    OWNERSHIP_ASK = "oa"  # args: seminar id, user id
    OWNERSHIP_GIVE = "og"  # args: seminar id, user id
    OWNERSHIP_KEEP = "ok"  # args: seminar id
    SWITCH_SEMINAR = "W"  # args: seminar id
    PAPER_QUESTION = "F"  # args: question index
    PAPER_DONE = "K"
    SCHEDULE_ASK = "A"  # args: kind index
    SCHEDULE_REMIND = "B"  # args: minutes before the close
    SCHEDULE_CANCEL = "J"  # args: schedule id
    SUMMARIES_TOGGLE = "E"
    READBACK_RECOGNISED = "I"  # args: seminar id (all the themes together: older messages)
    READBACK_MISSING = "U"  # args: seminar id (all the themes together: older messages)
    CLOSE_SEMINAR = "zz"  # args: seminar id
    OPEN_WITH_PREVIOUS = "pv"  # args: seminar id, the earlier seminar's id
    KEEP_PAPER_NOTE = "kp"  # args: seminar id
    DROP_PAPER_NOTE = "xp"  # args: seminar id
    KEEP_THEME = "kt"  # args: seminar id
    DROP_THEME = "xt"  # args: seminar id
    KEEP_READBACK = "kr"  # args: seminar id
    DROP_READBACK = "xr"  # args: seminar id
    UNHIDE_NOTE = "c0"  # args: note id
    COCKPIT_NEXT = "c1"  # args: seminar id, step index
    COCKPIT_GO = "c2"  # args: seminar id, step index (asked, and confirmed)
    COCKPIT_STAY = "c3"  # args: seminar id
    COCKPIT_BACK = "c4"  # args: seminar id, back index
    COCKPIT_BACK_GO = "c5"  # args: seminar id, back index (asked, and confirmed)
    COCKPIT_REMIND = "c6"  # args: seminar id
    COCKPIT_ANNOUNCE = "c7"  # args: seminar id
    COCKPIT_CANCEL = "c8"  # args: seminar id
    COCKPIT_MORE = "c9"  # args: seminar id
    COCKPIT_COMMAND = "ca"  # args: seminar id, index of the command among the cockpit's
    THEME_NEW = "s1"  # args: seminar id, note id of the card (0 = none)
    THEME_NEW_CANCEL = "s2"  # args: seminar id
    OFFICE_EMAIL_REMOVE = "m1"  # args: seminar id, office address id
    ASK_MODERATORS = "q1"  # args: seminar id
    ANSWER_QUESTION = "q2"  # args: question id
    KEEP_QUESTION = "q3"  # args: seminar id
    DROP_QUESTION = "q4"  # args: seminar id
    CANCEL_QUESTION = "q5"  # args: seminar id
    WELCOME_DETAILS = "w0"  # args: seminar id, language index, join link generation
    READBACK_YES = "r0"  # args: seminar id, theme id, the theme's number in the read-back
    READBACK_NO = "r1"  # args: seminar id, theme id, the theme's number in the read-back
    READBACK_MORE = "r2"  # args: seminar id, theme id, part of its notes, themes read back
    READBACK_TALLY = "r3"  # args: seminar id
    TRANSLATE = "l0"  # args: seminar id
    TRANSLATE_LANGUAGE = "l1"  # args: seminar id, language index
    TRANSLATE_CANCEL = "l2"  # args: seminar id
    SERIES_NEXT = "n0"  # args: the earlier seminar's id, the new seminar's kind index
    SERIES_KEEP_QUESTIONS = "j0"  # args: seminar id
    SERIES_OWN_QUESTIONS = "j1"  # args: seminar id
    FOLLOWUP_LINK = "f1"  # args: seminar id
    FOLLOWUP_STOP = "f2"  # args: seminar id
    FOLLOWUP_PICK = "f3"  # args: proposal id, its number (office chat)
    FOLLOWUP_SET = "f4"  # args: proposal id, status index, its number (office chat)
    FOLLOWUP_REASON = "f5"  # args: proposal id, reason index, its number (office chat)
    FOLLOWUP_OFFICE_LINK = "g1"  # args: series id (office chat)
    HEAR_BACK_YES = "h1"  # args: series id
    HEAR_BACK_NO = "h2"  # args: series id
    HEAR_BACK_STOP = "h3"  # args: series id


class StaleButton(Exception):
    """A button from an older version of the bot."""


class ForgedButton(Exception):
    """Data the bot never made."""


@dataclass(frozen=True, slots=True)
class Button:
    action: Action
    args: tuple[int, ...] = ()

    def arg(self, index: int) -> int:
        if index >= len(self.args):
            raise ForgedButton("missing argument")
        return self.args[index]


def peek_action(data: str) -> Action | None:
    """The action a button claims to be, unverified: enough to decide how to schedule its
    update. The handler still unpacks and checks it."""
    body = data.rpartition(".")[0]
    if body[:1] != VERSION:
        return None
    try:
        return Action(body[1:].split(":", 1)[0])
    except ValueError:
        return None


class CallbackCodec:
    def __init__(self, keys: Keyring) -> None:
        self._keys = keys

    def _mac(self, body: str) -> str:
        return base64.urlsafe_b64encode(self._keys.button_mac(body)).decode()

    def _signed(self, body: str, mac: str) -> bool:
        """Signed now, or before a rekey: buttons already in people's chats keep working."""
        found = False
        for expected in self._keys.button_macs(body):
            encoded = base64.urlsafe_b64encode(expected).decode()
            found |= hmac.compare_digest(mac, encoded)
        return found

    def pack(self, button: Button) -> str:
        body = VERSION + button.action.value + "".join(":" + base36(a) for a in button.args)
        data = f"{body}.{self._mac(body)}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data for {button.action.name} exceeds {MAX_BYTES} bytes")
        return data

    def unpack(self, data: str) -> Button:
        try:
            size = len(data.encode())
        except UnicodeEncodeError as exc:  # a lone surrogate: nothing the bot ever made
            raise ForgedButton("not unicode") from exc
        if not data or size > MAX_BYTES or "." not in data:
            raise ForgedButton("malformed")
        body, _, mac = data.rpartition(".")
        if body[:1] != VERSION:
            if body[:1].isdigit():
                raise StaleButton(body[:1])
            raise ForgedButton("unknown format")
        if not self._signed(body, mac):
            raise ForgedButton("bad mac")
        head, *raw_args = body[1:].split(":")
        try:
            action = Action(head)
        except ValueError as exc:
            raise StaleButton(head) from exc
        if not all(_TOKEN.match(a) for a in raw_args):
            raise ForgedButton("bad argument")
        return Button(action, tuple(int(a, 36) for a in raw_args))
