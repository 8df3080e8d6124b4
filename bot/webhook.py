"""Webhook mode: a small aiohttp server that takes Telegram's POSTs, plus a health check.

python-telegram-bot's own webhook server has no health endpoint, so this one feeds updates to
the application itself, in its lanes (different people side by side, each person's updates in
order). Each update is handled before Telegram gets its 200, so an update the bot did not
finish is sent again, and the store recognises one it already handled: nothing is lost and
nothing counts twice. Every request must carry the secret token given to setWebhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from telegram import Update
from telegram.ext import Application

from bot.lanes import Lanes
from bot.store import Store

__all__ = ["WebhookServer", "secret_matches", "webhook_secret"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_secret(seminar_secret: bytes) -> str:
    """Telegram's secret token for the webhook, derived so no further secret is needed."""
    return hmac.new(seminar_secret, b"seminarbot/webhook", hashlib.sha256).hexdigest()[:48]


def secret_matches(given: str, expected: str) -> bool:
    """Compares in constant time, and refuses a header that is not ASCII rather than trip over
    it: aiohttp hands over bytes that are not UTF-8 as surrogates, and neither can be the
    token."""
    try:
        raw = given.encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(raw, expected.encode("ascii"))


class _QuietBadRequests(logging.Filter):
    """aiohttp logs a request it cannot parse (say, control characters in a header) as an ERROR
    with a traceback. Anyone who finds the address can send one, so it is a warning, without
    the traceback or the request's bytes."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError) and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "refused a malformed HTTP request (%s)"
            record.args = (type(error).__name__,)
            record.exc_info, record.exc_text = None, None
        return True


_quiet_bad_requests = _QuietBadRequests()


class WebhookServer:
    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        store: Store,
        lanes: Lanes,
        secret: str,
        path: str,
    ) -> None:
        self._app = app
        self._store = store
        self._secret = secret
        self._path = path
        self._lanes = lanes
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        server = web.Application(client_max_size=1024 * 1024)
        server.router.add_post(self._path, self._update)
        server.router.add_get("/health", self._health)
        logging.getLogger("aiohttp.server").addFilter(_quiet_bad_requests)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("webhook server listening on %s:%d", host, port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret_matches(given, self._secret):
            log.warning("refused a webhook request without the right secret token")
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self._app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not an update")
        await self._lanes.submit(update)
        return web.Response(text="ok")

    async def _health(self, request: web.Request) -> web.Response:
        healthy = await self._store.healthy()
        body = {"ok": healthy, "database": "ok" if healthy else "unavailable"}
        return web.json_response(body, status=200 if healthy else 503)
