"""The running bot holds a lock on its database file, and `python -m bot rekey` takes the same
one: the keys cannot change under a running bot, and two bots never share one database."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["DatabaseBusy", "hold_database"]


class DatabaseBusy(Exception):
    """Another process (a running bot, or a rekey) holds the database."""


@contextlib.contextmanager
def hold_database(database: Path) -> Iterator[None]:
    """An exclusive lock on the database file for as long as the block runs; the system lets
    it go when the process ends, however it ends. It is a `flock` lock, which SQLite's own
    locks (`fcntl` byte ranges) do not touch."""
    database.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(database, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseBusy(
                f"another process is using {database}: a bot that is running, or a rekey; "
                "stop it first"
            ) from None
        yield
    finally:
        os.close(descriptor)
