"""`python -m bot rekey`: a new SEMINAR_SECRET for a seminar under way, with everyone found."""

from __future__ import annotations

import os
from pathlib import Path

from harness import (
    SECRET,
    BotProcess,
    button,
    contains,
    has_button,
    run_cli,
    saying,
    seminar_with,
)
from test_schedules import schedule

from localapi import LocalBotApi

NEW_SECRET = "another-test-seminar-secret-9876543210-zyxwvu"


def stored_values(bot: BotProcess) -> set[bytes]:
    """Every value the old keys made: lookup hashes, sealed ids and names, pseudonyms, the
    check value and the salt."""
    queries = (
        "SELECT person, chat FROM users",
        "SELECT person, chat, display_name FROM members",
        "SELECT pseudonym FROM writers",
        "SELECT author FROM notes",
        "SELECT plenary_chat, office_chat FROM seminars",
        "SELECT created_by FROM schedules",
        "SELECT chat_key, chat FROM progress_messages",
        "SELECT recipient, chat FROM deliveries",
        "SELECT reply FROM outbox",
        "SELECT asker FROM questions",
        "SELECT value FROM meta WHERE key IN ('secret_check', 'kdf')",
    )
    found = set()
    for sql in queries:
        for row in bot.query(sql):
            for value in row:
                if isinstance(value, bytes):
                    found.add(value)
                elif isinstance(value, str):
                    found.add(value.encode())
    return found


async def rekey(bot: BotProcess, **secrets: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if "SECRET" not in k and k != "BOT_TOKEN"}
    env |= {"SEMINAR_SECRET": SECRET, **secrets}
    return await run_cli("--config", str(bot.directory / "config.toml"), "rekey", env=env)


async def test_rekey_changes_the_secret_and_everyone_is_still_found(
    api: LocalBotApi, bot: BotProcess, tmp_path: Path
) -> None:
    mona, _, (anna, bob, cato, dina) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nn"), ("Dina", "nb")]
    )
    room = api.group("Seminarrommet", members=[mona], admins=[mona])
    await room.send(mona, "/bind")
    await room.wait_for(contains("Gode møter med Nav"))
    await anna.send("Veilederen ringte meg tilbake")
    anna_saved = await anna.wait_for(contains("✓", "Veilederen ringte"))
    bob_sent = await bob.send("My adviser explained the rules")
    await bob.wait_for(contains("✓", "My adviser explained"))
    await cato.send("Eg fekk tid til å tenkje")
    await cato.wait_for(contains("✓", "Eg fekk tid"))
    await dina.send("Jeg ble trodd")
    await dina.wait_for(contains("✓", "Jeg ble trodd"))
    # Dina asks the moderators something; the answer comes after the rekey.
    await dina.send("/ask")
    await dina.wait_for(has_button(button("nb", "Cancel")))
    await dina.send("Når er pausen?")
    await dina.wait_for(contains("✓"))
    asked = await mona.wait_for(has_button(button("nb", "Answer")))
    await schedule(mona, "Close the current step", "om 2 timer")
    await api.wait_idle()
    old_values = stored_values(bot)
    assert len(old_values) > 15

    # Not while the bot runs: the keys cannot change under it.
    code, out, err = await rekey(bot, NEW_SEMINAR_SECRET=NEW_SECRET)
    assert code == 3, err
    assert "another process is using" in err
    assert stored_values(bot) == old_values
    await bot.stop()

    # Nor to a weak secret; and the secret never shows in what it prints.
    code, out, err = await rekey(bot, NEW_SEMINAR_SECRET="kort")
    assert code == 2
    assert "NEW_SEMINAR_SECRET is too short" in err
    assert "python -m bot secret" in err
    secret_file = tmp_path / "new-secret"
    secret_file.write_text(NEW_SECRET + "\n")
    code, out, err = await rekey(bot, NEW_SEMINAR_SECRET_FILE=str(secret_file))
    assert code == 0, err
    assert "pseudonyms made again: 4" in out
    assert "people found again under new lookup keys: 5" in out
    for printed in (out, err):
        assert SECRET not in printed
        assert NEW_SECRET not in printed

    # Nothing the old keys made is left in the file or its WAL.
    stored = bot.stored_bytes()
    left = [value for value in old_values if value in stored]
    assert not left, f"{len(left)} values under the old keys are still in the file"

    # The old secret no longer opens the database: the bot says so and stops.
    code, _, err = await run_cli(
        "--config",
        str(bot.directory / "config.toml"),
        "run",
        env={**os.environ, "BOT_TOKEN": api.token, "SEMINAR_SECRET": SECRET},
    )
    assert code == 3
    assert "refusing to start: SEMINAR_SECRET differs" in err

    bot.secret = NEW_SECRET
    await bot.start()
    try:
        # A button sent before the rekey works: Anna deletes her note from its old message.
        await anna.press(anna_saved, button("nb", "🗑 Delete"))
        await anna.wait_for(saying("nb", "Deleted 🗑"))
        await anna.send("Jeg fikk svar samme dag")
        await anna.wait_for(contains("✓", "Jeg fikk svar"))
        # So does editing a message that became a note before.
        await bob.edit(int(str(bob_sent["message_id"])), "My adviser explained every rule")
        await bob.wait_for(contains("My adviser explained every rule"))
        await bob.send("/notes")
        await bob.wait_for(contains("My adviser explained every rule"))
        # /forget finds Cato and everything of hers.
        await cato.send("/forget")
        ask = await cato.wait_for(has_button(button("nn", "Yes, delete everything")))
        await cato.press(ask, button("nn", "Yes, delete everything"))
        await api.wait_idle()
        assert sorted(str(text) for (text,) in bot.query("SELECT text FROM notes")) == [
            "Jeg ble trodd",
            "Jeg fikk svar samme dag",
            "My adviser explained every rule",
        ]
        # Dina's question, asked under the old keys, gets its answer to her and nobody else.
        await mona.press(asked, button("nb", "Answer"))
        await mona.wait_for(contains("Når er pausen?"))
        await mona.send("Klokka tolv")
        await dina.wait_for(contains("Klokka tolv", "Når er pausen?"))
        await api.wait_idle()
        assert not any("Klokka tolv" in m.text for m in anna.inbox + bob.inbox)
        # The close Mona scheduled runs on her behalf, and she is still the moderator.
        bot.advance_clock(3 * 3600)
        await mona.wait_for(contains("My adviser explained every rule"), timeout=20)
        await mona.send("/groups")
        await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    finally:
        await bot.stop()
        bot.assert_clean_logs()
