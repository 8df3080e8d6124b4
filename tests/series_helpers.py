"""Seminars of a series run to their end the way people run them: join, write, sort into one
theme, give dots, end, and answer whether to hear back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from checks import said
from groupwork_helpers import card_themes, edit_of, propose_theme
from harness import answer, button, contains, dot_button, has_button, join

from localapi.sim import BotMessage, SimUser

__all__ = ["latest_with", "run_seminar"]


def latest_with(user: SimUser, label: str) -> BotMessage:
    found = [m for m in user.bot_messages.values() if label in m.button_labels() and not m.deleted]
    assert found, f"no message with {label!r}:\n{user.transcript()}"
    return max(found, key=lambda m: m.message_id)


async def run_seminar(
    mona: SimUser,
    code: str,
    people: list[tuple[SimUser, str]],
    notes: list[list[str]],
    theme: str,
    hear_back: tuple[SimUser, ...] = (),
    before_end: Callable[[], Awaitable[None]] | None = None,
    ending: Sequence[tuple[SimUser, str]] | None = None,
) -> None:
    """People join with `code`, each writes their notes (one list per question), the notes are
    sorted into one theme, which everyone gives a dot; then `before_end`, and the seminar ends.
    At its end, those in `hear_back` ask to hear what comes of the proposals, the others still
    taking part (`ending`: all by default) say no."""
    for person, language in people:
        await join(person, code, language)
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for (person, language), mine in zip(people, notes, strict=True):
        await person.wait_for(has_button(button(language, "Next question ▶")))
        for number, note in enumerate(mine):
            if number:
                await person.press(
                    latest_with(person, button(language, "Next question ▶")),
                    button(language, "Next question ▶"),
                )
                await person.wait_for(
                    contains(
                        said(
                            language,
                            "<b>Question {number} of {total}</b>",
                            number=number + 1,
                            total=len(mine),
                        )
                    )
                )
            await answer(person, note)
    await mona.send("/close")
    await mona.wait_for(contains(notes[0][0][:20]))
    await mona.send("/groups 5")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    first, first_language = people[0]
    await first.wait_for(contains(notes[1][0][:20]))
    await propose_theme(first, theme, language=first_language)
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    everyone_notes = sum(len(mine) for mine in notes)
    for (person, _), mine in zip(people, notes, strict=True):
        card = await person.wait_for(lambda m: theme in card_themes(m))
        for _ in range(everyone_notes - len(mine)):
            label = next(x for x in card.button_labels() if x.endswith(theme))
            await person.press(card, label)
            card = await person.wait_for(edit_of(card))
    await mona.send("/plenary")
    dots = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.press(dots, button("nb", "Start the dot vote"))
    for person, language in people:
        card = await person.wait_for(has_button(dot_button(language, 1)))
        await person.press(card, dot_button(language, 1))
        await person.wait_for(edit_of(card))
    await mona.send("/close_dots")
    await mona.wait_for(has_button(button("nb", "End the seminar")))
    if before_end is not None:
        await before_end()
    await mona.send("/end")
    ask = await mona.wait_for(has_button(button("nb", "Close the seminar")))
    await mona.press(ask, button("nb", "Close the seminar"))
    for person, language in people if ending is None else ending:
        closed = said(
            language,
            "<b>{title}</b> is closed. Thank you for taking part!",
            title="Bedre hjelp i Nav",
        )
        await person.wait_for(contains(closed))
        label = "Yes, tell me what happens" if person in hear_back else "No, thanks"
        asked = await person.wait_for(has_button(button(language, label)))
        await person.press(asked, button(language, label))
        await person.wait_for(edit_of(asked))
