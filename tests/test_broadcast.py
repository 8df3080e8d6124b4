"""Broadcasts to many: everyone gets the message once, through 429s, 5xx and a crash."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from harness import QUICK_KDF, TOKEN, BotProcess, create_seminar, join, wait_until
from telegram.ext import AIORateLimiter, ExtBot

from bot.callbacks import CallbackCodec
from bot.render.screens import Screen
from bot.sender import Broadcaster
from bot.store import Store
from localapi import FloodLimits, LocalBotApi, SimUser

ANNOUNCEMENT = "Husk: vi starter klokka ti"


@pytest.fixture
def flood() -> FloodLimits:
    # Telegram's limits, with the overall rate a little under the bot's 30 a second, so the
    # broadcast meets real 429s.
    return FloodLimits(global_burst=20.0, global_rate=20.0)


async def crowd(api: LocalBotApi, count: int) -> tuple[SimUser, list[SimUser]]:
    api.flood = FloodLimits.off()
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"P{i:03d}", language_code=("nb", "en", "nn")[i % 3]) for i in range(count)]
    for batch in range(0, count, 25):
        await asyncio.gather(*(join(p, code, _ui(p)) for p in people[batch : batch + 25]))
    return mona, people


def _ui(user: SimUser) -> str:
    return {"nb": "nb", "nn": "nn", "en": "en"}[user.language_code or "en"]


def received(people: list[SimUser]) -> Counter[int]:
    return Counter(person.id for person in people for m in person.inbox if ANNOUNCEMENT in m.text)


async def test_everyone_gets_it_once_through_429s_and_5xx(
    api: LocalBotApi, bot: BotProcess, flood: FloodLimits
) -> None:
    mona, people = await crowd(api, 200)
    api.flood = flood
    api.fail_next("sendMessage", status=500, count=6)
    api.fail_next("sendMessage", status=502, count=3)
    before = api.stats.rate_limited
    await mona.send(f"/announce {ANNOUNCEMENT}")
    await wait_until(lambda: len(received(people)) == 200, 60)
    await api.wait_idle(quiet=1.0, timeout=30)
    counts = received(people)
    assert set(counts.values()) == {1}
    assert api.stats.rate_limited > before, "the test should have met 429s"
    assert bot.query("SELECT COUNT(*) FROM deliveries") == [(0,)]


async def test_a_crash_in_the_middle_skips_nobody(
    api: LocalBotApi, bot: BotProcess, flood: FloodLimits
) -> None:
    mona, people = await crowd(api, 200)
    api.flood = flood
    await mona.send(f"/announce {ANNOUNCEMENT}")
    await wait_until(lambda: len(received(people)) >= 60, 30)
    await bot.kill()
    assert len(received(people)) < 200
    await bot.restart()
    await wait_until(lambda: len(received(people)) == 200, 60)
    await api.wait_idle(quiet=1.0, timeout=30)
    counts = received(people)
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= 1


async def test_broadcasts_reach_each_person_in_the_order_they_were_made(tmp_path: Path) -> None:
    """A long broadcast (the plenary) and a short one right after it (the dot card): nobody
    gets the second before the end of the first."""
    async with LocalBotApi(token=TOKEN, flood=FloodLimits()) as api:
        people = [api.user(f"P{i}", language_code="nb") for i in range(20)]
        for person in people:
            person.started = True
        bot = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=AIORateLimiter(max_retries=5))
        secret = b"order-secret-0123456789"
        store = await Store.open(tmp_path / "order.sqlite3", secret, kdf=QUICK_KDF)
        try:
            await bot.initialize()
            sender = Broadcaster(bot, store, CallbackCodec(store.keyring), 30)
            recipients = [(p.id, "nb") for p in people]
            long = [Screen(f"Plenum del {part}") for part in (1, 2, 3)]
            await sender.broadcast(None, recipients, lambda t: long)
            await sender.broadcast(None, recipients, lambda t: [Screen("Prikkekortet")])
            await sender.wait()
        finally:
            await bot.shutdown()
            await store.close()
        for person in people:
            texts = [m.text for m in person.inbox]
            assert texts == ["Plenum del 1", "Plenum del 2", "Plenum del 3", "Prikkekortet"]
