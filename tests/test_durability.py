"""Nothing confirmed is lost: kill -9, redelivered updates, Bot API outages, wrong secrets."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from harness import (
    ROOT,
    SECRET,
    TOKEN,
    BotProcess,
    answer,
    button,
    contains,
    has_button,
    run_cli,
    saying,
    seminar_with,
    write_config,
)

from localapi import LocalBotApi


def note_count(bot: BotProcess) -> int:
    return int(bot.query("SELECT COUNT(*) FROM notes")[0][0])  # type: ignore[call-overload]


async def test_redelivered_update_counts_once(api: LocalBotApi, bot: BotProcess) -> None:
    _, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
    await answer(anna, "Ett notat, én gang")
    await api.wait_idle()
    (update_id,) = api.confirmed_update_ids("message", "Ett notat, én gang")

    await bot.kill()
    api.redeliver(update_id)
    await bot.restart()
    await api.wait_idle()
    assert note_count(bot) == 1

    # The same message again under a new update id is still the same note.
    message = next(m for m in anna.messages.values() if m.get("text") == "Ett notat, én gang")
    api.enqueue({"message": dict(message)})
    await anna.wait_for(contains("✓", "Ett notat, én gang"))
    assert note_count(bot) == 1


async def test_bot_api_outage_and_server_errors(api: LocalBotApi, bot: BotProcess) -> None:
    _, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
    api.set_outage(True)
    await anna.send("Sendt under et avbrudd")
    await asyncio.sleep(1.5)
    api.set_outage(False)
    await anna.wait_for(contains("✓", "Sendt under et avbrudd"), timeout=30)

    api.fail_next("sendMessage", status=500, count=2)
    await anna.send("Svaret feilet to ganger")
    await anna.wait_for(contains("✓", "Svaret feilet to ganger"), timeout=30)
    assert note_count(bot) == 2


async def test_a_different_secret_is_refused(api: LocalBotApi, bot: BotProcess) -> None:
    await seminar_with(api, [("Anna", "nb")], open_round=False)
    await bot.stop()
    env = {**os.environ, "BOT_TOKEN": TOKEN, "SEMINAR_SECRET": SECRET + "-other"}
    config = write_config(bot.directory, api.base_url.removesuffix("/bot"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "run",
        cwd=ROOT,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    assert proc.returncode == 3
    assert b"SEMINAR_SECRET differs" in err
    assert SECRET.encode() not in err


async def test_configuration_errors_name_the_key(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "SEMINAR_SECRET")}
    config = write_config(tmp_path, "http://127.0.0.1:9")
    code, _, err = await run_cli(
        "--config", str(config), "run", env={**base, "SEMINAR_SECRET": SECRET}
    )
    assert code == 2
    assert "BOT_TOKEN" in err

    code, _, err = await run_cli("--config", str(config), "run", env={**base, "BOT_TOKEN": TOKEN})
    assert code == 2
    assert "SEMINAR_SECRET" in err

    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    bad = write_config(tmp_path, "http://127.0.0.1:9", note_max_length='"long"')
    code, _, err = await run_cli(
        "--config",
        str(bad),
        "run",
        env={**base, "BOT_TOKEN_FILE": str(token_file), "SEMINAR_SECRET": SECRET},
    )
    assert code == 2
    assert "seminar.note_max_length" in err
    assert TOKEN not in err


async def test_logs_hold_no_token_no_note_and_no_ids(api: LocalBotApi, bot: BotProcess) -> None:
    moderator, _, (anna, bob, cato, dina) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nb"), ("Dina", "nn")]
    )
    await answer(anna, "Hemmelig lapp om veilederen")
    await answer(cato, "Cato sin lapp")
    await answer(dina, "Dina sin lapp")
    await bob.send("Ring 912 34 567")
    await bob.wait_for(has_button(button("en", "Delete it")))
    await moderator.send("/close")
    await moderator.wait_for(
        saying("nb", "If a note identifies somebody, press its «Hide» button.")
    )
    await bot.stop()
    logs = bot.log_text
    assert "bot started" in logs
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs
    assert "Hemmelig lapp" not in logs
    assert "912 34 567" not in logs
    for line in logs.splitlines():
        if "level=DEBUG" not in line:
            for person in (moderator, anna, bob, cato, dina):
                assert str(person.id) not in line, line


async def test_messages_waiting_behind_a_slow_one_survive_a_crash(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
    # The reply to the first note keeps failing, so the bot is busy retrying it...
    api.fail_next("sendMessage", status=500, count=4)
    await anna.send("Første lapp")
    await asyncio.sleep(0.3)
    # ...while a second note waits behind it; then the bot dies.
    await anna.send("Andre lapp")
    await asyncio.sleep(1.0)
    await bot.kill()
    await bot.restart()
    await anna.wait_for(contains("✓", "Første lapp"), timeout=20)
    await anna.wait_for(contains("✓", "Andre lapp"), timeout=20)
    assert sorted(str(r[0]) for r in bot.query("SELECT text FROM notes")) == [
        "Andre lapp",
        "Første lapp",
    ]
