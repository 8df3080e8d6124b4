"""The bot's sense of time: the real clock, or one that tests and demos can move forward.

A test cannot wait for real hours, so a file named in config.toml ([testing] clock_file) may
hold a number of seconds to add to the real clock; the bot reads it on every call.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["Clock"]


class Clock:
    def __init__(self, offset_file: Path | None = None) -> None:
        self._offset_file = offset_file

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self._offset())

    def _offset(self) -> float:
        if self._offset_file is None:
            return 0.0
        try:
            return float(self._offset_file.read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            return 0.0
