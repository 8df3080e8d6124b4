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

It refuses what Telegram refuses. Where the Bot API reference says so: the 4096-character
and 64-byte limits, HTML entities, 403 for people who blocked the bot, 429 with
``retry_after`` under flood (``FloodLimits``), and ``setWebhook`` only for https on ports 80,
88, 443 or 8443 on a public host. Where the reference is silent, the rules follow Telegram's
observed behaviour:

- only someone who can see a message can press its buttons: the person of a private chat, or
  a member of the group (``SimUser.press`` raises ``PermissionError`` otherwise);
- a callback query can be answered only within ``answer_window`` seconds of the press (15 by
  default), after which Telegram says "query is too old and response timeout expired or query
  ID is invalid";
- webhook updates go out up to ``max_connections`` at once, different chats side by side and
  each chat's in order, the next only after the bot answered 2xx to the last. Telegram posts to
  the public https address; ``reverse_proxy(public, local)`` routes it to where the bot
  listens, as a reverse proxy in front of it would.

Crashes are planned in the double, not in the bot: ``crash_at_caused_call(update_id, crash)``
calls ``crash`` (say, one that SIGKILLs the bot) at the first Bot API call the update causes,
that is the first call after it was handed to the bot that sends or edits something in its chat
or answers its callback query; ``crash_at_call(method, n, crash)`` at the nth call of a method
(in the middle of a broadcast, say). The call is not applied, and the update, handed out but not
confirmed, goes to the bot again when it is back, as Telegram does. ``redeliver`` hands an
update out a second time.
"""

from __future__ import annotations

from .entities import EntityParseError, parse_html, utf16_len
from .failures import ChatHold, CrashPoint, FloodLimits
from .server import LocalBotApi
from .sim import BotMessage, Event, SimGroup, SimUser
from .world import ApiError, Stats

__all__ = [
    "ApiError",
    "BotMessage",
    "ChatHold",
    "CrashPoint",
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
