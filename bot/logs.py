"""Logging for operators that never shows the token, a note or (at INFO and above) a user id."""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType
from typing import TextIO
from urllib.parse import quote

__all__ = ["configure_logging"]

FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s"
REDACTED = "<token>"


class _RedactingFormatter(logging.Formatter):
    """Last line of defence: the token must not reach a log, whether in a library's message or
    in the traceback and stack printed after it (an exception's text can hold a Bot API URL, and
    python-telegram-bot names a rejected token in full)."""

    def __init__(self, token: str) -> None:
        super().__init__(FORMAT)
        # As written, and as it reads inside a URL where the colon is percent-encoded.
        self._forms = sorted({token, quote(token, safe="")} - {""}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, REDACTED)
        return text

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    """An exception nobody caught goes through the log, and so through its redaction, instead of
    being printed to standard error as it is."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logging.getLogger("bot").critical("uncaught exception", exc_info=(kind, error, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("bot").critical(
        "uncaught exception in thread %s",
        name,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )


def configure_logging(level: str, token: str, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    handler.setFormatter(_RedactingFormatter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Their DEBUG lines carry request parameters and SQL arguments, i.e. note texts.
    logging.getLogger("telegram").setLevel(max(logging.INFO, root.level))
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
