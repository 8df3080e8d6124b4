"""What a series keeps of a seminar, end to end: a person who leaves with /forget takes their
notes' words out of the series' quotes too, and a seminar whose writers fell under three still
leaves its themes (names, ranks and dots, no quotes) to the series."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from checks import said
from groupwork_helpers import card_themes, edit_of, propose_theme
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    create_seminar,
    dot_button,
    has_button,
    join,
    wait_until,
)

from localapi import LocalBotApi
from localapi.sim import BotMessage, SimUser

TITLE = "Bedre hjelp i Nav"
THEME = "Rask respons"
NOTES = [
    ["Veilederen ringte tilbake", "Hun tok seg tid"],
    ["Jeg fikk svar samme dag", "Noen brydde seg om meg"],
    ["Jeg ble trodd med en gang", "Ingen stress i møtet"],
]


def _latest_with(user: SimUser, label: str) -> BotMessage:
    found = [m for m in user.bot_messages.values() if label in m.button_labels() and not m.deleted]
    assert found, f"no message with {label!r}:\n{user.transcript()}"
    return max(found, key=lambda m: m.message_id)


async def _forget(person: SimUser) -> None:
    await person.send("/forget")
    ask = await person.wait_for(has_button(button("nb", "Yes, delete everything")))
    await person.press(ask, button("nb", "Yes, delete everything"))
    await person.wait_for(lambda m: m.message_id == ask.message_id and m.edited > 0)


async def _seminar_to_the_end(
    mona: SimUser, people: list[SimUser], before_end: Callable[[], Awaitable[None]]
) -> None:
    """Everyone writes their notes (one list per question), which are sorted into one theme that
    everyone gives a dot; then `before_end`, and the seminar ends."""
    code = await create_seminar(mona, TITLE)
    for person in people:
        await join(person, code, "nb")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for person, mine in zip(people, NOTES, strict=True):
        await person.wait_for(has_button(button("nb", "Next question ▶")))
        for number, note in enumerate(mine):
            if number:
                await person.press(
                    _latest_with(person, button("nb", "Next question ▶")),
                    button("nb", "Next question ▶"),
                )
                await person.wait_for(
                    contains(said("nb", "<b>Question {number} of {total}</b>", number=2, total=2))
                )
            await answer(person, note)
    await mona.send("/close")
    await mona.wait_for(contains(NOTES[0][0][:20]))
    await mona.send("/groups 5")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    await people[0].wait_for(contains(NOTES[1][0][:20]))
    await propose_theme(people[0], THEME, language="nb")
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    every_note = sum(len(mine) for mine in NOTES)
    for person, mine in zip(people, NOTES, strict=True):
        card = await person.wait_for(lambda m: THEME in card_themes(m))
        for _ in range(every_note - len(mine)):
            label = next(x for x in card.button_labels() if x.endswith(THEME))
            await person.press(card, label)
            card = await person.wait_for(edit_of(card))
    await mona.send("/plenary")
    dots = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.press(dots, button("nb", "Start the dot vote"))
    for person in people:
        card = await person.wait_for(has_button(dot_button("nb", 1)))
        await person.press(card, dot_button("nb", 1))
        await person.wait_for(edit_of(card))
    await mona.send("/close_dots")
    await mona.wait_for(has_button(button("nb", "End the seminar")))
    await before_end()
    await mona.send("/end")
    ask = await mona.wait_for(has_button(button("nb", "Close the seminar")))
    await mona.press(ask, button("nb", "Close the seminar"))


async def _wait_kept(bot: BotProcess) -> None:
    await wait_until(lambda: bot.query("SELECT COUNT(*) FROM series_themes") != [(0,)])


def _kept(bot: BotProcess) -> list[tuple[str, int, int, list[str]]]:
    return [
        (str(name), int(str(rank)), int(str(dots)), json.loads(str(quotes)))
        for name, rank, dots, quotes in bot.query(
            "SELECT name, rank, dots, quotes FROM series_themes ORDER BY id"
        )
    ]


async def test_forget_takes_the_persons_notes_out_of_the_series_quotes(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    anna, bo, cato = (api.user(n, language_code="nb") for n in ("Anna", "Bo", "Cato"))

    async def nothing() -> None:
        return None

    await _seminar_to_the_end(mona, [anna, bo, cato], nothing)
    await _wait_kept(bot)
    ((name, rank, _, quotes),) = _kept(bot)
    assert (name, rank) == (THEME, 1)
    assert quotes
    # A person whose note is quoted leaves after the end: no word of theirs stays in what the
    # series keeps, and the other quotes stay.
    writer = next(i for i, mine in enumerate(NOTES) if quotes[0] in mine)
    await _forget([anna, bo, cato][writer])
    ((_, _, _, left),) = _kept(bot)
    assert quotes[0] not in left
    assert left == [quote for quote in quotes if quote not in NOTES[writer]]
    await wait_until(lambda: not any(note.encode() in bot.stored_bytes() for note in NOTES[writer]))


async def test_a_seminar_with_fewer_than_three_writers_left_keeps_its_themes_without_quotes(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    anna, bo, cato = (api.user(n, language_code="nb") for n in ("Anna", "Bo", "Cato"))

    async def cato_leaves() -> None:
        await _forget(cato)

    await _seminar_to_the_end(mona, [anna, bo, cato], cato_leaves)
    await _wait_kept(bot)
    assert _kept(bot) == [(THEME, 1, 2, [])]
    await mona.send("/series")
    await mona.wait_for(contains(said("nb", "The series keeps {count} theme.", count=1)))
