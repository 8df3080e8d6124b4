"""Benchmark: a broadcast to many participants against the local Bot API with Telegram's limits.

Prints how fast the bot's sender delivers, as a fraction of the configured rate (30 messages a
second by default), and how many 429s it met on the way. Not a test: it asserts nothing.

    .venv/bin/python bench/broadcast.py --participants 1000
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from telegram.ext import AIORateLimiter, ExtBot

from bot.callbacks import CallbackCodec
from bot.keys import Keyring
from bot.localapi import FloodLimits, LocalBotApi
from bot.render import Screen
from bot.sender import Broadcaster
from bot.store import BroadcastStore, Store

TOKEN = "123456:BENCH"


async def run(participants: int, rate: float) -> None:
    api = LocalBotApi(token=TOKEN, bot_username="bench_bot", flood=FloodLimits())
    base_url = await api.start()
    people = [api.user(f"P{i}", language_code="nb") for i in range(participants)]
    for person in people:
        person.started = True  # as if each had pressed Start in Telegram
    bot = ExtBot(TOKEN, base_url=base_url, rate_limiter=AIORateLimiter(max_retries=5))
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.sqlite3")
        try:
            await bot.initialize()
            sender = Broadcaster(
                bot, store, CallbackCodec(Keyring(b"bench-secret-0123456789")), rate
            )
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
    achieved = delivered / elapsed
    print(f"participants          {participants}")
    print(f"delivered             {delivered} (pending afterwards: {left})")
    print(f"time                  {elapsed:.2f} s")
    print(f"rate                  {achieved:.1f} messages/s")
    print(f"configured rate       {rate:.1f} messages/s")
    print(f"fraction of the rate  {achieved / rate:.3f}")
    print(f"429 answers met       {api.stats.rate_limited}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=30.0)
    args = parser.parse_args()
    asyncio.run(run(args.participants, args.rate))


if __name__ == "__main__":
    main()
