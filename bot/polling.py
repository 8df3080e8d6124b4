"""Long polling that confirms updates to Telegram only after they have been handled.

python-telegram-bot's Updater confirms a batch as soon as it is fetched, so a crash loses the
updates still waiting in its queue. Here each batch is handled in its lanes (different people
side by side) and the offset moves past it only once every update in it is done; an update
that was handled but not yet confirmed when the bot died comes back, and the store recognises
it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.lanes import Lanes

__all__ = ["poll_until"]

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10


async def poll_until(
    app: Application[Any, Any, Any, Any, Any, Any],
    lanes: Lanes,
    stop: asyncio.Event,
    allowed_updates: list[str],
) -> None:
    offset: int | None = None
    delay = 1.0
    stopping = asyncio.create_task(stop.wait())
    try:
        while not stop.is_set():
            fetch = asyncio.create_task(
                app.bot.get_updates(
                    offset=offset,
                    timeout=POLL_TIMEOUT,
                    allowed_updates=allowed_updates,
                    read_timeout=POLL_TIMEOUT + 5,
                )
            )
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not fetch.done():
                fetch.cancel()
                break
            try:
                updates: tuple[Update, ...] = fetch.result()
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except (NetworkError, TimedOut, Conflict) as exc:
                if isinstance(exc, InvalidToken):
                    raise
                log.warning("polling failed (%s); retrying in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            if updates:
                handled = [lanes.submit(update) for update in updates]
                await asyncio.wait(handled)
                for task in handled:
                    task.result()  # a failure the application did not handle stops the bot
                offset = updates[-1].update_id + 1
        if offset is not None:
            # Confirm what was handled, so a clean restart does not see it again.
            try:
                await app.bot.get_updates(offset=offset, timeout=0, limit=1)
            except (NetworkError, TimedOut, Conflict):
                log.warning("could not confirm the last updates before stopping")
    finally:
        stopping.cancel()


def _seconds(value: object) -> float:
    seconds = getattr(value, "total_seconds", None)
    return float(seconds()) if callable(seconds) else float(value)  # type: ignore[arg-type]
