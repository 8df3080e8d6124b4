"""What a person's next private text is expected to be, from their state read once.

A step the person was asked for (a title, a theme's new name, a time, ...) is stored with them
and comes first; otherwise the rows below decide from their seminar and their writer's state.
A text is a note only where the person writes in an open answer round; a text nothing expects
is never content: it gets an answer saying where the seminar is (`Expecting.ELSEWHERE`). A new
kind of text that follows from the seminar is one row here (and one `Expecting` member and one
text route)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.domain import Person, Seminar, Writer
from bot.expectations import Awaiting, Expectation, Expecting
from bot.flows.deps import Deps

__all__ = ["TextState", "ask_for", "expected_text"]


@dataclass(frozen=True, slots=True)
class TextState:
    """A participant's seminar and answering state, as a text finds them."""

    seminar: Seminar
    writer: Writer


def _reading_back(state: TextState) -> bool:
    return state.seminar.rule.reading_back and state.writer.awaiting in (
        Awaiting.READBACK,
        Awaiting.CONFIRM_READBACK,
    )


def _writing_a_note(state: TextState) -> bool:
    return state.seminar.writing


# Kinds of text that follow from where the person's seminar stands, tried in this order.
SEMINAR_ROWS: tuple[tuple[Expecting, Callable[[TextState], bool]], ...] = (
    (Expecting.READ_BACK, _reading_back),
    (Expecting.NOTE, _writing_a_note),
)


async def expected_text(deps: Deps, person: Person) -> Expectation:
    user = await deps.store.user(person.tg_id)
    if user is not None and user.expectation.kind is not Expecting.NOTHING:
        return user.expectation
    seminar = await deps.active_seminar(person)
    if seminar is not None:
        pseudonym = deps.keys.pseudonym(seminar.id, person.tg_id)
        writer = await deps.store.writer(seminar.id, pseudonym)
        if writer is not None:
            state = TextState(seminar, writer)
            for kind, applies in SEMINAR_ROWS:
                if applies(state):
                    return Expectation(kind)
    return Expectation(Expecting.ELSEWHERE)


async def ask_for(deps: Deps, person: Person, expectation: Expectation) -> None:
    """Remembers, in the database, what the person's next text is for."""
    await deps.store.expect(person.tg_id, expectation)
