"""What the database holds instead of Telegram ids: keyed lookup hashes and sealed ids.

Every column that names a person (or a group chat) holds `lookup(id)`, an HMAC that finds the
row but cannot be turned back into the id, and, where the bot must reach the chat, `seal(id)`,
the id encrypted with AES-GCM under a random nonce. Their keys come from SEMINAR_SECRET and
the database's own random salt through scrypt: slow on purpose (about a quarter of a second,
once at start), so whoever holds the file cannot try guesses of the secret quickly, and no two
databases share a key.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, replace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["Scrypt", "SealBroken", "Vault"]

NONCE_BYTES = 12
LOOKUP_BYTES = 16
CACHE_LIMIT = 50_000  # ids remembered per direction; a big seminar has about a thousand people


class SealBroken(Exception):
    """A sealed value did not open: the wrong key, or the bytes were changed."""


@dataclass(frozen=True, slots=True)
class Scrypt:
    """scrypt's cost and the database's salt, stored in `meta` so the same keys come back.

    The default, one of OWASP's equivalent settings for passwords, costs about a quarter of a
    second and 16 MiB, once per start (a lower memory cost would need a higher time cost).
    """

    n: int = 2**14
    r: int = 8
    p: int = 5
    salt: bytes = b""

    def with_new_salt(self) -> Scrypt:
        return replace(self, salt=os.urandom(16))

    def encode(self) -> str:
        return json.dumps({"n": self.n, "r": self.r, "p": self.p, "salt": self.salt.hex()})

    @classmethod
    def decode(cls, raw: str) -> Scrypt:
        data = json.loads(raw)
        return cls(int(data["n"]), int(data["r"]), int(data["p"]), bytes.fromhex(data["salt"]))

    def derive(self, secret: bytes) -> bytes:
        """The root key: 32 bytes from the secret and the salt. A process that opens the same
        database again (a report beside the bot's own work, say) derives it once."""
        if not self.salt:
            raise ValueError("scrypt needs the database's salt")
        return _scrypt(secret, self.salt, self.n, self.r, self.p)


@functools.lru_cache(maxsize=4)
def _scrypt(secret: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    memory = 128 * r * (n + p + 2) + 2**16
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=memory, dklen=32)


def _subkey(root: bytes, purpose: bytes) -> bytes:
    return hmac.new(root, b"seminarbot/" + purpose, hashlib.sha256).digest()


class Vault:
    """Lookup hashes and sealed values under keys derived from one root key.

    Both directions are cached: the same people come back update after update, so a lookup or
    an opened seal costs a dictionary read after the first time.
    """

    def __init__(self, root: bytes) -> None:
        self._lookup_key = _subkey(root, b"lookup")
        self._aead = AESGCM(_subkey(root, b"seal"))
        self._check = _subkey(root, b"check-value-v2").hex()
        self._keyring_root = _subkey(root, b"keyring")
        self._lookups: dict[int, bytes] = {}
        self._opened: dict[bytes, int] = {}

    @property
    def check_value(self) -> str:
        """Stored in the database so a different secret is noticed; reveals nothing of the key,
        and testing a guess against it costs the whole scrypt."""
        return self._check

    @property
    def keyring_root(self) -> bytes:
        """The root of the pseudonym, message and button keys of a database made since ids
        were sealed (see `Keyring`)."""
        return self._keyring_root

    def lookup(self, chat_id: int) -> bytes:
        """Finds the rows of a person or chat; the same id always gives the same bytes."""
        found = self._lookups.get(chat_id)
        if found is None:
            digest = hmac.new(self._lookup_key, str(chat_id).encode(), hashlib.sha256).digest()
            found = digest[:LOOKUP_BYTES]
            if len(self._lookups) >= CACHE_LIMIT:
                self._lookups.clear()
            self._lookups[chat_id] = found
        return found

    def seal(self, chat_id: int) -> bytes:
        """The id encrypted under a fresh random nonce: the same id seals differently each time."""
        return self._encrypt(chat_id.to_bytes(8, "big", signed=True), b"id")

    def unseal(self, sealed: bytes) -> int:
        found = self._opened.get(sealed)
        if found is None:
            found = int.from_bytes(self._decrypt(sealed, b"id"), "big", signed=True)
            if len(self._opened) >= CACHE_LIMIT:
                self._opened.clear()
            self._opened[sealed] = found
        return found

    def seal_text(self, text: str) -> bytes:
        return self._encrypt(text.encode("utf-8"), b"text")

    def unseal_text(self, sealed: bytes) -> str:
        return self._decrypt(sealed, b"text").decode("utf-8")

    def _encrypt(self, plain: bytes, kind: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plain, kind)

    def _decrypt(self, sealed: bytes, kind: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], kind)
        except InvalidTag as exc:
            raise SealBroken("a sealed value did not open with this database's key") from exc
