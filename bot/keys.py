"""Keyed hashes derived from SEMINAR_SECRET: pseudonyms, message references, button MACs.

The store gives the keyring to use: one rooted in the scrypt root of `vault.py`, or, for a
database the bot used before Telegram ids were sealed, one rooted in the secret itself, so the
pseudonyms, references and buttons it gave out then still match.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["Keyring", "new_code", "new_id"]


def new_code() -> str:
    """An unguessable invite code: 96 random bits, URL-safe."""
    return secrets.token_urlsafe(12)


def new_id() -> int:
    """A random positive 63-bit id, so ids reveal nothing about order."""
    return secrets.randbits(63) or 1


class Keyring:
    """Derives purpose-bound keys from one root, so that one secret never serves two uses."""

    def __init__(self, secret: bytes) -> None:
        self._pseudonym_key = self._derive(secret, b"pseudonym")
        self._message_key = self._derive(secret, b"message")
        self._button_key = self._derive(secret, b"button")
        self._check = self._derive(secret, b"check-value-v1").hex()

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
        msg = f"{seminar_id}:{chat_id}:{message_id}".encode()
        return hmac.new(self._message_key, msg, hashlib.sha256).hexdigest()[:32]

    def button_mac(self, body: str) -> bytes:
        return hmac.new(self._button_key, body.encode(), hashlib.sha256).digest()[:6]
