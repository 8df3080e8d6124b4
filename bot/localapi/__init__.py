"""A local stand-in for Telegram's Bot API server with simulated users, for tests and demos.

Usage::

    api = LocalBotApi(token="123456:TEST-TOKEN", flood=FloodLimits.off())
    base_url = await api.start()  # give to python-telegram-bot as base_url
    alice = api.user("Alice", language_code="nb")
    await alice.send("/start")
    reply = await alice.wait_for(lambda m: "Welcome" in m.text)
    await alice.press(reply, "Join")
    await api.wait_idle()
    await api.stop()

Group chats run in privacy mode by default (``group_privacy=True``): the bot only gets
commands addressed to it, replies to its messages and @mentions, as on Telegram.
"""

from __future__ import annotations

from .entities import EntityParseError, parse_html, utf16_len
from .server import ApiError, FloodLimits, LocalBotApi, Stats
from .sim import BotMessage, Event, SimGroup, SimUser

__all__ = [
    "ApiError",
    "BotMessage",
    "EntityParseError",
    "Event",
    "FloodLimits",
    "LocalBotApi",
    "SimGroup",
    "SimUser",
    "Stats",
    "parse_html",
    "utf16_len",
]
