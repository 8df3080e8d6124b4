"""What a series keeps of a seminar, end to end: a person who leaves with /forget takes their
notes' words out of the series' quotes too, and a seminar whose writers fell under three still
leaves its themes (names, ranks and dots, no quotes) to the series."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from checks import said
from harness import (
    BotProcess,
    button,
    contains,
    create_seminar,
    has_button,
    wait_until,
)
from series_helpers import run_seminar

from localapi import LocalBotApi
from localapi.sim import SimUser

TITLE = "Bedre hjelp i Nav"
THEME = "Rask respons"
NOTES = [
    ["Veilederen ringte tilbake", "Hun tok seg tid"],
    ["Jeg fikk svar samme dag", "Noen brydde seg om meg"],
    ["Jeg ble trodd med en gang", "Ingen stress i møtet"],
]


async def _forget(person: SimUser) -> None:
    await person.send("/forget")
    ask = await person.wait_for(has_button(button("nb", "Yes, delete everything")))
    await person.press(ask, button("nb", "Yes, delete everything"))
    await person.wait_for(lambda m: m.message_id == ask.message_id and m.edited > 0)


async def _seminar_to_the_end(
    mona: SimUser,
    people: list[SimUser],
    before_end: Callable[[], Awaitable[None]],
    leaving: tuple[SimUser, ...] = (),
) -> None:
    """Everyone writes their notes (one list per question), which are sorted into one theme that
    everyone gives a dot; then `before_end`, and the seminar ends (for those still in it)."""
    code = await create_seminar(mona, TITLE)
    joined = [(person, "nb") for person in people]
    await run_seminar(
        mona,
        code,
        joined,
        NOTES,
        THEME,
        before_end=before_end,
        ending=[(p, "nb") for p in people if p not in leaving],
    )


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

    await _seminar_to_the_end(mona, [anna, bo, cato], cato_leaves, leaving=(cato,))
    await _wait_kept(bot)
    assert _kept(bot) == [(THEME, 1, 2, [])]
    await mona.send("/series")
    await mona.wait_for(contains(said("nb", "The series keeps {count} theme.", count=1)))
