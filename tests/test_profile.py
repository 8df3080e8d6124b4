"""The bot's description and short description: what the empty chat says before START."""

from __future__ import annotations

import json
from typing import Any

import httpx
from harness import BotProcess

from bot.i18n import translator
from bot.render import profile
from localapi import LocalBotApi


async def ask(api: LocalBotApi, method: str, **params: Any) -> Any:
    """Calls the Bot API double over HTTP, as a Telegram client's app would read the profile."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{api.port}", timeout=20) as client:
        response = await client.post(f"/bot{api.token}/{method}", data=form)
    body = response.json()
    assert body["ok"] is True, body
    return body["result"]


async def test_the_bot_says_what_it_is_for_in_each_language(
    api: LocalBotApi, bot: BotProcess
) -> None:
    seen: dict[str, tuple[str, str]] = {}
    for language in ("nb", "nn", "en", ""):
        long = (await ask(api, "getMyDescription", language_code=language))["description"]
        short = (await ask(api, "getMyShortDescription", language_code=language))[
            "short_description"
        ]
        t = translator(language or "en")  # the tests' fallback language is English
        assert long == profile.description(t), (language, long)
        assert short == profile.short_description(t), (language, short)
        assert 0 < len(long) <= 512
        assert 0 < len(short) <= 120
        seen[language] = (long, short)
    # Each language has its own words, and they say the notes are anonymous.
    assert len(set(seen.values())) == 3
    assert "anonym" in seen["nb"][0]
    assert "anonym" in seen["nn"][1]
    assert "anonymous" in seen["en"][0]


async def test_the_double_keeps_telegrams_limits(api: LocalBotApi) -> None:
    form = {"description": "x" * 513, "language_code": "nb"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{api.port}", timeout=20) as client:
        too_long = (await client.post(f"/bot{api.token}/setMyDescription", data=form)).json()
        form = {"short_description": "x" * 121}
        short = (await client.post(f"/bot{api.token}/setMyShortDescription", data=form)).json()
        form = {"description": "Hei", "language_code": "norsk"}
        bad_code = (await client.post(f"/bot{api.token}/setMyDescription", data=form)).json()
    assert too_long["ok"] is False
    assert too_long["error_code"] == 400
    assert short["ok"] is False
    assert short["error_code"] == 400
    assert bad_code["ok"] is False
    assert bad_code["error_code"] == 400
    await ask(api, "setMyDescription", description="Hei", language_code="nb")
    assert (await ask(api, "getMyDescription", language_code="nb"))["description"] == "Hei"
    await ask(api, "setMyDescription", description="", language_code="nb")
    assert (await ask(api, "getMyDescription", language_code="nb"))["description"] == ""
