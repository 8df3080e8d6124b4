"""How updates reach the bot: the queue of updates, long polling with getUpdates, and webhooks
posted as Telegram posts them, each update handed out until the bot confirms it."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import time
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout

from .failures import Failures
from .world import JSON, ApiError, bad, kind_of

log = logging.getLogger(__name__)

_ALL_UPDATE_TYPES_DEFAULT_EXCLUDED = {"chat_member", "message_reaction", "message_reaction_count"}
WEBHOOK_PORTS = (80, 88, 443, 8443)


class Updates(Failures):
    """The update queue, getUpdates, setWebhook, deleteWebhook and getWebhookInfo."""

    def enqueue(self, update: JSON) -> int:
        """Queue an update for the bot; returns its update_id."""
        kind = next(iter(update))
        if not self._is_allowed(kind):
            return -1
        uid = self._next_update_id
        self._next_update_id += 1
        queued = {"update_id": uid, **update}
        for listener in self._update_listeners:
            listener(queued)
        self._pending.append(queued)
        self._updates_signal.notify()
        return uid

    def confirmed_update_ids(self, kind: str, text: str) -> list[int]:
        """Ids of updates the bot confirmed that carried this text (or button data)."""
        return [
            uid
            for uid, update in self._confirmed.items()
            if isinstance(update.get(kind), dict)
            and text in (update[kind].get("text"), update[kind].get("data"))
        ]

    @property
    def next_update_id(self) -> int:
        """The id the next queued update will get (to aim a crash point at it)."""
        return self._next_update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an update again with its own id: a confirmed one, as Telegram may after a
        crash, or one still pending a second time, as when the answer to a delivery was lost."""
        update = self._confirmed.get(update_id) or next(
            u for u in self._pending if int(u["update_id"]) == update_id
        )
        self._pending.append(update)
        self._pending.sort(key=lambda u: int(u["update_id"]))
        self._updates_signal.notify()

    def _is_allowed(self, kind: str) -> bool:
        if self._allowed_updates is None or not self._allowed_updates:
            return kind not in _ALL_UPDATE_TYPES_DEFAULT_EXCLUDED
        return kind in self._allowed_updates

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by the bot."""
        return list(self._pending)

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until all updates are confirmed and the bot made no request for ``quiet`` s."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            idle_for = now - self._last_activity
            if not self._pending and self._in_flight == 0 and idle_for >= quiet:
                return
            if now >= deadline:
                raise TimeoutError(
                    f"bot not idle after {timeout}s: {len(self._pending)} pending updates, "
                    f"{self._in_flight} requests in flight, last request {idle_for:.2f}s ago"
                )
            await asyncio.sleep(min(0.05, max(0.0, quiet - idle_for)) or 0.02)

    # ------------------------------------------------------------------ long polling
    async def _m_getUpdates(self, p: JSON) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is "
                "active; use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.notify()  # terminates an older concurrent long poll
        offset = p.get("offset")
        limit = int(p.get("limit") or 100)
        limit = max(1, min(100, limit))
        timeout = max(0, int(p.get("timeout") or 0))
        allowed = p.get("allowed_updates")
        if allowed is not None:
            self._allowed_updates = {str(a) for a in allowed} or None
            self._pending = [u for u in self._pending if self._is_allowed(kind_of(u))]
        if offset is not None:
            offset = int(offset)
            if offset < 0:
                self._pending = self._pending[offset:]
            else:
                for update in self._pending:
                    if update["update_id"] < offset:
                        self._confirmed[update["update_id"]] = update
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while True:
            if self._outage:
                raise ApiError(502, "Bad Gateway")
            if self._stopping:
                return []
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make "
                    "sure that only one bot instance is running",
                )
            if self._pending:
                batch = self._pending[:limit]
                self._hand_out(batch)
                return batch
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            await self._updates_signal.wait(remaining)

    # ------------------------------------------------------------------ webhooks
    async def _m_setWebhook(self, p: JSON) -> Any:
        url = str(p.get("url") or "")
        if url:
            _check_webhook_url(url)
        max_connections = int(p.get("max_connections") or 40)
        if not 1 <= max_connections <= 100:
            raise bad("bad webhook: max_connections must be between 1 and 100")
        if p.get("drop_pending_updates"):
            self._pending.clear()
        if p.get("allowed_updates") is not None:
            self._allowed_updates = {str(a) for a in p["allowed_updates"]} or None
        self.webhook_url = url
        self.webhook_secret = p.get("secret_token") or None
        self.webhook_max_connections = max_connections
        self.webhook_last_error = None
        if url and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        self._poll_generation += 1
        self._updates_signal.notify()
        return True

    async def _m_deleteWebhook(self, p: JSON) -> Any:
        if p.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = ""
        self.webhook_secret = None
        self._updates_signal.notify()
        return True

    async def _m_getWebhookInfo(self, p: JSON) -> Any:
        info: JSON = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self._allowed_updates:
                info["allowed_updates"] = sorted(self._allowed_updates)
            if self.webhook_last_error:
                info["last_error_date"] = int(time.time())
                info["last_error_message"] = self.webhook_last_error
        return info

    def reverse_proxy(self, public: str, local: str) -> None:
        """Deliver webhook requests for URLs under ``public`` to ``local``, as a proxy would.

        Telegram only posts to https on ports 80, 88, 443 or 8443; a bot behind a reverse
        proxy listens on plain http elsewhere. Tests set the public address in the bot's
        config and route it here to the address the bot listens on.
        """
        self._proxies.append((public.rstrip("/"), local.rstrip("/")))

    def _proxied(self, url: str) -> str | None:
        for public, local in self._proxies:
            if url == public or url.startswith(public + "/"):
                return local + url[len(public) :]
        return None

    async def _deliver_webhooks(self) -> None:
        """POST pending updates to the webhook until it is removed.

        As Telegram does: up to ``max_connections`` requests at once, updates of different
        chats side by side, each chat's in order, the next one only after the 2xx for the last.
        """
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=10))
        sending: dict[Any, asyncio.Task[bool]] = {}
        backoff = 0.2
        try:
            # Stopping is checked as well as cancellation: on Python 3.11 asyncio.wait_for can
            # swallow a cancel that arrives together with the wake-up that stop() sends.
            while self.webhook_url and not self._stopping:
                # Only each chat's first pending update may go, and only if none of it is out.
                first_of_chat: set[Any] = set()
                for update in self._pending:
                    if len(sending) >= self.webhook_max_connections:
                        break
                    chat = _chat_key(update)
                    if chat not in first_of_chat and chat not in sending:
                        sending[chat] = asyncio.create_task(self._post_update(update))
                    first_of_chat.add(chat)
                woken = self._updates_signal.waiter()
                watched: set[asyncio.Future[Any]] = {woken, *sending.values()}
                done, _ = await asyncio.wait(
                    watched, timeout=1.0, return_when=asyncio.FIRST_COMPLETED
                )
                woken.cancel()
                failed = False
                for chat, task in list(sending.items()):
                    if task in done:
                        del sending[chat]
                        failed = failed or not task.result()
                if failed:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                elif done - {woken}:
                    backoff = 0.2
        finally:
            for task in sending.values():
                task.cancel()

    async def _post_update(self, update: JSON) -> bool:
        """One webhook request; True once the bot answered 2xx and the update is confirmed."""
        assert self._session is not None
        target = self._proxied(self.webhook_url)
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        if target is None:
            self.webhook_last_error = "Connection refused"
            return False
        self._hand_out([update])
        try:
            async with self._session.post(target, data=json.dumps(update), headers=headers) as resp:
                await resp.read()
                if not 200 <= resp.status < 300:
                    self.webhook_last_error = f"Wrong response from the webhook: {resp.status}"
                    return False
        except (ClientError, TimeoutError) as exc:
            log.debug("webhook delivery failed: %s", exc)
            self.webhook_last_error = f"Connection failed: {exc}"
            return False
        with contextlib.suppress(ValueError):
            self._pending.remove(update)
        self._confirmed[int(update["update_id"])] = update
        self._last_activity = time.monotonic()
        return True


def _chat_key(update: JSON) -> Any:
    """The chat an update belongs to, for keeping each chat's webhook deliveries in order."""
    body = update[kind_of(update)]
    if isinstance(body, dict):
        chat = body.get("chat") or (body.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return chat["id"]
        sender = body.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return sender["id"]
    return update["update_id"]


def _check_webhook_url(url: str) -> None:
    """Telegram's checks of a webhook address: https, one of four ports, a public host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise bad("bad webhook: Failed to parse webhook URL") from exc
    if parts.scheme != "https":
        raise bad("bad webhook: An HTTPS URL must be provided for webhook")
    if (port or 443) not in WEBHOOK_PORTS:
        raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    host = parts.hostname or ""
    if not host:
        raise bad("bad webhook: Failed to resolve host: Name or service not known")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if not address.is_global:
        raise bad(f"bad webhook: IP address {host} is reserved")
