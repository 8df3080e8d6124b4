"""What one person can do to everyone else: limits on notes, themes and read-back answers,
free text without invisible characters, and a stranger whose flood holds up nobody."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from checks import said, said_n
from groupwork_helpers import card_themes, edit_of, propose_theme, seminar_in_groups, ui
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    has_button,
    saying,
    seminar_with,
)

from localapi import FloodLimits, LocalBotApi

# Low enough to reach in a test; config.toml's defaults are far above what a seminar needs.
LIMITS: dict[str, object] = {
    "notes_per_question": 3,
    "theme_proposals": 2,
    "readback_max_length": 40,
}
NOTES_LIMIT = (
    "Thank you! You have written {count} note for this question, and that is as many as one "
    "person can write. Nothing new was saved. You can change a note with /notes, or go on to "
    "the next question.",
    "Thank you! You have written {count} notes for this question, and that is as many as one "
    "person can write. Nothing new was saved. You can change a note with /notes, or go on to "
    "the next question.",
)
THEMES_LIMIT = (
    "Thank you! You have proposed {count} new theme, and that is as many as one person can. "
    "This one was not added. You can still sort the notes into the themes your group has.",
    "Thank you! You have proposed {count} new themes, and that is as many as one person can. "
    "This one was not added. You can still sort the notes into the themes your group has.",
)
READ_BACK_TOO_LONG = (
    "Thank you! That is a bit long: {length} characters, and this answer holds at most "
    "{limit}. Nothing was saved yet. Could you say it more briefly and send it again? Your "
    "text is still there above, so you can copy it."
)
# Zero-width space, left-to-right mark, right-to-left override, left-to-right isolate, word
# joiner, byte order mark: none of them draws anything.
INVISIBLE = "\u200b\u200e\u202e\u2066\u2060\ufeff"


@pytest.fixture
def flood() -> FloodLimits:
    return FloodLimits.off()


@pytest.fixture
async def bot(api: LocalBotApi, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(api, tmp_path, seminar=LIMITS)
    await process.start()
    try:
        yield process
    finally:
        await process.stop()
        process.assert_clean_logs()


def note_texts(bot: BotProcess) -> list[str]:
    return sorted(str(row[0]) for row in bot.query("SELECT text FROM notes"))


async def test_a_writer_at_the_notes_limit_is_told_so_and_can_go_on(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
    for number in range(3):
        await answer(anna, f"Lapp nummer {number} om god hjelp")
    await anna.send("Lapp nummer 3 om god hjelp")
    limit_reached = said_n("nb", *NOTES_LIMIT, 3)
    await anna.wait_for(lambda m: m.text == limit_reached)
    assert len(note_texts(bot)) == 3

    # The limit is per question: the next question takes notes again.
    moving_on = next(
        m for m in reversed(anna.inbox) if button("nb", "Next question ▶") in m.button_labels()
    )
    await anna.press(moving_on, button("nb", "Next question ▶"))
    await anna.wait_for(
        contains(said("nb", "<b>Question {number} of {total}</b>", number=2, total=2))
    )
    await answer(anna, "Lapp til det andre spørsmålet")
    assert note_texts(bot)[-1] == "Lapp til det andre spørsmålet"
    assert bot.query("SELECT question, COUNT(*) FROM notes GROUP BY question") == [(0, 3), (1, 1)]


async def test_invisible_characters_are_removed_and_text_of_only_them_is_refused(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _, (anna,) = await seminar_with(api, [("Anna", "en")])
    await anna.send(INVISIBLE)
    await anna.wait_for(saying("en", "That message was empty. Please write your note as text."))
    assert note_texts(bot) == []

    # Hidden characters go, a decomposed å is stored composed (NFC), an emoji made of two
    # joined by a zero-width joiner stays one.
    await anna.send(f"Min\u200b veileder\u202e hørte pa\u030a meg{INVISIBLE} 👩\u200d💻")
    saved = await anna.wait_for(contains("✓"))
    assert note_texts(bot) == ["Min veileder hørte på meg 👩\u200d💻"]
    assert "Min veileder hørte på meg" in saved.text

    # A seminar title of nothing but invisible characters is empty, and refused as such.
    await mona.send("/new")
    await mona.wait_for(has_button(button("nb", "Cancel")))
    await mona.send(INVISIBLE)
    refused = await mona.wait_for(saying("nb", "That was empty. Please write some text."))
    assert refused.text == said("nb", "That was empty. Please write some text.")
    assert bot.query("SELECT COUNT(*) FROM seminars") == [(1,)]


async def test_look_alike_theme_names_are_one_theme_and_read_back_answers_have_a_limit(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, seats, _ = await seminar_in_groups(api, 4, size=4)
    ((_, members),) = seats.items()
    first, second = members[0], members[1]
    assert "Tillit" in (await propose_theme(first, "Tillit")).text
    # Hidden characters, a reversed direction, full-width letters, another case: all «Tillit».
    known = said(ui(second), "«{name}» is already a theme.", name="Tillit")
    for look_alike in ("Til\u200blit", "\u202eTILLIT", "Ｔｉｌｌｉｔ"):
        assert (await propose_theme(second, look_alike)).text.splitlines()[0] == known

    # Two new themes each; a third new one is refused kindly, an existing one is still welcome.
    assert "Respekt" in (await propose_theme(second, "Respekt")).text
    assert "Tid" in (await propose_theme(second, "Tid")).text
    limit_reached = said_n(ui(second), *THEMES_LIMIT, 2)
    assert (await propose_theme(second, "Kunnskap")).text == limit_reached
    assert (await propose_theme(second, "tillit")).text.splitlines()[0] == known
    themes = bot.query("SELECT name FROM themes WHERE merged_into IS NULL ORDER BY name")
    assert [name for (name,) in themes] == ["Respekt", "Tid", "Tillit"]

    # Through the vote and the plenary to the read-back.
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for person in members:
        card = await person.wait_for(lambda m: "Tillit" in card_themes(m))
        for _ in range(3):
            await person.press(card, next(x for x in card.button_labels() if x.endswith("Tillit")))
            card = await person.wait_for(edit_of(card))
    await mona.send("/plenary")
    await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.send("/check")
    missing = button(ui(second), "Theme {number}: something is missing").format(number=1)
    asked = await second.wait_for(has_button(missing))
    await second.press(asked, missing)
    await second.wait_for(
        saying(
            ui(second),
            "Thank you. What is missing in theme {number}? Write it in a message, in your own "
            "words.",
        )
    )
    too_long = "Hvordan det er å vente lenge på svar fra kontoret"
    await second.send(too_long)
    refused = await second.wait_for(saying(ui(second), READ_BACK_TOO_LONG))
    assert refused.text == said(ui(second), READ_BACK_TOO_LONG, length=len(too_long), limit=40)
    assert bot.query("SELECT note FROM readbacks") == [(None,)]
    await second.send(INVISIBLE)
    await second.wait_for(
        saying(ui(second), "That message was empty. Please write in a few words what is missing.")
    )
    await second.send("Å vente lenge på svar")
    await second.wait_for(
        saying(
            ui(second),
            "Thank you. It is saved for the report, for theme {number}, without your name.",
        )
    )
    assert bot.query("SELECT note FROM readbacks") == [("Å vente lenge på svar",)]


async def test_a_strangers_flood_of_unknown_commands_holds_up_nobody_else(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, people = await seminar_with(api, [(f"Person {i}", "nb") for i in range(4)])
    stranger = api.user("Stranger", language_code="en")
    # The stranger's phone is slow: the bot's answers to them wait until it is released.
    slow = api.hold_chat(stranger.id)
    notes = [f"Lapp fra person {i} om god hjelp" for i in range(len(people))]
    # All of it arrives at once, so the bot takes it in one batch, the stranger's first.
    await asyncio.gather(
        *(stranger.send(f"/nothing_{number}") for number in range(10)),
        *(person.send(note) for person, note in zip(people, notes, strict=True)),
        *(stranger.send(f"/nothing_{number}") for number in range(10, 20)),
    )
    await slow.arrived()

    # While the stranger's first answer waits, everybody else's notes are saved and answered.
    for person, note in zip(people, notes, strict=True):
        await person.wait_for(contains("✓", note[:20]))
    assert note_texts(bot) == sorted(notes)
    # The stranger's own commands wait for each other, in order: one answer on its way.
    assert slow.waiting == 1

    slow.release()
    unknown = said("en", "I do not know that command. /help shows what I can do.")
    for _ in range(20):
        await stranger.wait_for(lambda m: m.text == unknown)
    assert note_texts(bot) == sorted(notes)
