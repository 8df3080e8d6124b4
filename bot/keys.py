"""Keyed hashes derived from SEMINAR_SECRET: pseudonyms, message references, button MACs.

The store gives the keyring to use: one rooted in the scrypt root of `vault.py`, or, for a
database the bot used before Telegram ids were sealed, one rooted in the secret itself, so the
pseudonyms, references and buttons it gave out then still match. After `python -m bot rekey`
the keyring also holds the retired message and button keys of the secrets before: message ids
were never kept and buttons are already in people's chats, so those values cannot be made
again under the new key, and are only ever checked, never made, with the old ones.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

__all__ = ["Keyring", "RetiredKeys", "new_code", "new_id"]


def new_code() -> str:
    """An unguessable invite code: 96 random bits, URL-safe."""
    return secrets.token_urlsafe(12)


def base36(value: int) -> str:
    """A non-negative number in digits and lower-case letters: short in a button's data and in
    a link, and unchanged by a URL or a chat."""
    if value < 0:
        raise ValueError("only non-negative numbers have a base-36 form here")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
        if value == 0:
            return out


def new_id() -> int:
    """A random positive 63-bit id, so ids reveal nothing about order."""
    return secrets.randbits(63) or 1


@dataclass(frozen=True, slots=True)
class RetiredKeys:
    """The message and button keys of a secret the database no longer uses, kept read-only."""

    message: bytes
    button: bytes

    def encode(self) -> list[str]:
        return [self.message.hex(), self.button.hex()]

    @classmethod
    def decode(cls, raw: list[str]) -> RetiredKeys:
        return cls(bytes.fromhex(raw[0]), bytes.fromhex(raw[1]))


class Keyring:
    """Derives purpose-bound keys from one root, so that one secret never serves two uses."""

    def __init__(self, secret: bytes, retired: tuple[RetiredKeys, ...] = ()) -> None:
        self._pseudonym_key = self._derive(secret, b"pseudonym")
        self._message_key = self._derive(secret, b"message")
        self._button_key = self._derive(secret, b"button")
        self._link_key = self._derive(secret, b"followup-link")
        self._check = self._derive(secret, b"check-value-v1").hex()
        self._retired = retired

    @staticmethod
    def _derive(secret: bytes, purpose: bytes) -> bytes:
        return hmac.new(secret, b"seminarbot/" + purpose, hashlib.sha256).digest()

    @property
    def check_value(self) -> str:
        """Stored in the database so a different secret is noticed; reveals nothing of the key."""
        return self._check

    def pseudonym(self, seminar_id: int, tg_id: int) -> str:
        msg = f"{seminar_id}:{tg_id}".encode()
        return hmac.new(self._pseudonym_key, msg, hashlib.sha256).hexdigest()[:32]

    def message_ref(self, seminar_id: int, chat_id: int, message_id: int) -> str:
        """The reference a message gets now, under the current key."""
        return _message_ref(self._message_key, seminar_id, chat_id, message_id)

    def message_refs(self, seminar_id: int, chat_id: int, message_id: int) -> tuple[str, ...]:
        """Every reference the message may have been stored under: the current one first, then
        those of the retired keys, for messages that became notes before a rekey."""
        keys = (self._message_key, *(old.message for old in self._retired))
        return tuple(_message_ref(key, seminar_id, chat_id, message_id) for key in keys)

    def button_mac(self, body: str) -> bytes:
        """The MAC a button gets now, under the current key."""
        return _button_mac(self._button_key, body)

    def button_macs(self, body: str) -> tuple[bytes, ...]:
        """Every MAC a button may carry: the current key's first, then the retired keys' (a
        button sent before a rekey)."""
        keys = (self._button_key, *(old.button for old in self._retired))
        return tuple(_button_mac(key, body) for key in keys)

    def link_mac(self, body: str) -> bytes:
        """The keyed hash of an office's follow-up link (and of its form's token): the
        database keeps only this, so the file alone opens no link. A rekey ends every link."""
        return hmac.new(self._link_key, body.encode(), hashlib.sha256).digest()

    def retired_with_current(self) -> tuple[RetiredKeys, ...]:
        """What a rekey keeps of this keyring: its message and button keys join the retired."""
        return (*self._retired, RetiredKeys(self._message_key, self._button_key))


def _message_ref(key: bytes, seminar_id: int, chat_id: int, message_id: int) -> str:
    msg = f"{seminar_id}:{chat_id}:{message_id}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:32]


def _button_mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, body.encode(), hashlib.sha256).digest()[:6]
