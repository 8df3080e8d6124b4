"""Seminars nobody closed are deleted once they have lain still for the retention period."""

from __future__ import annotations

from harness import (
    BotProcess,
    answer,
    button,
    contains,
    create_seminar,
    has_button,
    join,
    seminar_with,
    wait_until,
)

from localapi import LocalBotApi

DAY = 86400
# Everything that names a person or holds what they wrote or chose.
ABOUT_PEOPLE = ("users", "members", "writers", "notes", "votes", "dots", "readbacks", "questions")


def count(bot: BotProcess, table: str) -> int:
    ((found,),) = bot.query(f"SELECT COUNT(*) FROM {table}")
    return int(str(found))


async def test_an_unfinished_seminar_is_purged_after_the_retention_period_since_its_last_activity(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, (anna, bob) = await seminar_with(api, [("Anna", "nb"), ("Bob", "en")])
    await answer(anna, "Veilederen ringte meg tilbake")
    per = api.user("Per Moderator", language_code="nb")
    quiet = await create_seminar(per, "Et stille seminar")
    cato = api.user("Cato", language_code="nn")
    await join(cato, quiet, "nn")
    await cato.send("/ask")
    await cato.wait_for(has_button(button("nn", "Cancel")))
    await cato.send("Når byrjar vi?")
    await cato.wait_for(contains("✓"))

    # A hundred days on, Anna writes again: the first seminar is still in use.
    bot.advance_clock(100 * DAY)
    await answer(anna, "Jeg fikk svar samme dag")
    await answer(bob, "My adviser explained the rules")
    await bob.send("/ask")
    await bob.wait_for(has_button(button("en", "Cancel")))
    await bob.send("Is there a break?")
    await bob.wait_for(contains("✓"))

    # Past the retention period (180 days) since the quiet seminar's last activity, but not
    # since the first one's: only the quiet one goes, with Per and Cato, who were in no other.
    bot.advance_clock(100 * DAY)
    await wait_until(lambda: count(bot, "seminars") == 1)
    assert bot.query("SELECT title, phase FROM seminars") == [("Gode møter med Nav", "answering")]
    assert (count(bot, "users"), count(bot, "members"), count(bot, "notes")) == (3, 3, 3)
    assert bot.query("SELECT text FROM questions") == [("Is there a break?",)]

    # And once the first one has lain still as long, it goes too, with everything about the
    # people in it, from the file and its write-ahead log as well.
    written = [
        text.encode()
        for text in (
            "Veilederen ringte meg tilbake",
            "Jeg fikk svar samme dag",
            "My adviser",
            "Is there a break?",
        )
    ]
    assert all(text in bot.stored_bytes() for text in written)
    bot.advance_clock(81 * DAY)
    await wait_until(lambda: count(bot, "seminars") == 0)
    assert {table: count(bot, table) for table in ABOUT_PEOPLE} == dict.fromkeys(ABOUT_PEOPLE, 0)
    await wait_until(lambda: not any(text in bot.stored_bytes() for text in written))
