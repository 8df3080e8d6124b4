"""A broadcast to many participants against the local Bot API with Telegram's limits on.

Prints how fast the bot's sender delivers, as a fraction of the configured rate (30 messages a
second by default), and how many 429s it met on the way. Not a test: it asserts nothing.

    python -m bench.broadcast --participants 1000
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from telegram.ext import AIORateLimiter, ExtBot

from bot.callbacks import CallbackCodec
from bot.render.screens import Screen
from bot.sender import Broadcaster
from bot.store import BroadcastStore, Store
from localapi import FloodLimits, LocalBotApi

TOKEN = "123456:BENCH"


@dataclass
class BroadcastResult:
    participants: int
    delivered: int
    pending: int
    seconds: float
    rate: float
    rate_limited: int

    @property
    def achieved(self) -> float:
        return self.delivered / self.seconds


async def measure(participants: int, rate: float) -> BroadcastResult:
    api = LocalBotApi(token=TOKEN, bot_username="bench_bot", flood=FloodLimits())
    base_url = await api.start()
    people = [api.user(f"P{i}", language_code="nb") for i in range(participants)]
    for person in people:
        person.started = True  # as if each had pressed Start in Telegram
    bot = ExtBot(TOKEN, base_url=base_url, rate_limiter=AIORateLimiter(max_retries=5))
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.sqlite3", b"bench-secret-0123456789")
        try:
            await bot.initialize()
            sender = Broadcaster(bot, store, CallbackCodec(store.keyring), rate)
            recipients = [(p.id, "nb") for p in people]
            started = time.perf_counter()
            await sender.broadcast(None, recipients, lambda t: [Screen("Husk seminaret i morgen!")])
            await sender.wait()
            elapsed = time.perf_counter() - started
            left = len(await BroadcastStore(store).pending())
        finally:
            await bot.shutdown()
            await store.close()
    await api.stop()
    delivered = sum(1 for p in people if p.inbox)
    return BroadcastResult(participants, delivered, left, elapsed, rate, api.stats.rate_limited)


def print_result(result: BroadcastResult) -> None:
    print(f"\n## A broadcast to {result.participants} participants, Telegram's limits on\n")
    print("| | value |")
    print("|---|---:|")
    print(f"| delivered | {result.delivered} (still pending: {result.pending}) |")
    print(f"| time | {result.seconds:.1f} s |")
    print(f"| rate | {result.achieved:.1f} messages/s |")
    print(
        f"| fraction of the configured {result.rate:.0f}/s | {result.achieved / result.rate:.3f} |"
    )
    print(f"| 429 answers met (each retried) | {result.rate_limited} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=30.0)
    args = parser.parse_args()
    print_result(asyncio.run(measure(args.participants, args.rate)))


if __name__ == "__main__":
    main()
