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
from telegram import Update
from telegram.ext import Application

from bot.lanes import Lanes
from bot.store import Store

__all__ = ["WebhookServer", "webhook_secret"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_secret(seminar_secret: bytes) -> str:
    """Telegram's secret token for the webhook, derived so no further secret is needed."""
    return hmac.new(seminar_secret, b"seminarbot/webhook", hashlib.sha256).hexdigest()[:48]


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
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("webhook server listening on %s:%d", host, port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given, self._secret):
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
