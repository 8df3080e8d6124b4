"""The end of a seminar: the read-back, closing it, the report's data, and purging old ones."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Awaiting, DotVote, Note, Person, Phase, Seminar, Writer
from bot.flows import plenary
from bot.flows.answering import NothingPending
from bot.flows.clean_text import clean_text
from bot.flows.deps import Deps, NoSeminar, NotModerator
from bot.flows.personal_data import HeldDropped, HeldText, PersonalDataFound, question
from bot.flows.report_data import ReportData, ReportNote, ReportTheme
from bot.flows.setup import (
    RoundStillOpen,
    VotesOpen,
    WrongPhase,
    participants_of,
    too_few_writers,
)

__all__ = [
    "EmptyReadBack",
    "ReadBackTooLong",
    "SeminarClosed",
    "answer_read_back",
    "close_seminar",
    "drop_read_back",
    "keep_read_back",
    "purge",
    "read_back_note",
    "report_data",
    "reportable",
    "start_read_back",
]

Refusal = NoSeminar | NotModerator | WrongPhase


@dataclass(frozen=True, slots=True)
class SeminarClosed:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class ReadBackTooLong:
    length: int
    limit: int


@dataclass(frozen=True, slots=True)
class EmptyReadBack:
    """A read-back answer with nothing left once cleaned: nothing is saved."""


async def start_read_back(deps: Deps, person: Person) -> tuple[Seminar, list[str]] | Refusal:
    """After the plenary, the themes are read back so people can say if they recognise them."""
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    if seminar.phase is not Phase.PLENARY or seminar.dot_vote is DotVote.OPEN:
        return WrongPhase(seminar)
    themes = []
    for result in await plenary.results(deps, seminar):
        themes += [theme.name for theme, _ in result.themes]
    return seminar, themes


async def answer_read_back(
    deps: Deps, person: Person, seminar_id: int, recognised: bool
) -> Seminar | NoSeminar | WrongPhase:
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return NoSeminar()
    pseudonym = deps.keys.pseudonym(seminar.id, person.tg_id)
    writer = await deps.store.writer(seminar.id, pseudonym)
    if writer is None:
        return NoSeminar()
    if seminar.phase is not Phase.PLENARY:
        return WrongPhase(seminar)
    await deps.store.save_read_back(
        seminar.id, pseudonym, "recognised" if recognised else "missing"
    )
    # A held answer goes with the new choice: "recognised" ends the read-back for this person.
    awaiting = Awaiting.NOTE if recognised else Awaiting.READBACK
    if writer.awaiting is not awaiting:
        await _await_read_back(deps, writer, awaiting, None)
    return seminar


async def takes_read_back_note(deps: Deps, person: Person) -> bool:
    seminar = await deps.active_seminar(person)
    if seminar is None or seminar.phase is not Phase.PLENARY:
        return False
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    return writer is not None and writer.awaiting in (Awaiting.READBACK, Awaiting.CONFIRM_READBACK)


async def read_back_note(
    deps: Deps, person: Person, text: str
) -> Seminar | PersonalDataFound | ReadBackTooLong | EmptyReadBack | None:
    """What someone says is missing: kept for the report, without any name. A text too long
    or empty is refused whole, and the next message is taken instead."""
    seminar = await deps.active_seminar(person)
    if seminar is None:
        return None
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None:
        return None
    text = clean_text(text)
    if not text:
        return EmptyReadBack()
    if len(text) > deps.settings.readback_max_length:
        return ReadBackTooLong(len(text), deps.settings.readback_max_length)
    if (asked := question(seminar, text, HeldText.READ_BACK)) is not None:
        await _await_read_back(deps, writer, Awaiting.CONFIRM_READBACK, text)
        return asked
    return await _save_missing(deps, seminar, writer, text)


async def _save_missing(deps: Deps, seminar: Seminar, writer: Writer, text: str) -> Seminar:
    await deps.store.save_read_back(seminar.id, writer.pseudonym, "missing", text)
    await _await_read_back(deps, writer, Awaiting.NOTE, None)
    return seminar


async def _await_read_back(
    deps: Deps, writer: Writer, awaiting: Awaiting, draft: str | None
) -> None:
    await deps.store.update_writer(dataclasses.replace(writer, awaiting=awaiting, draft=draft))


async def _held_read_back(
    deps: Deps, person: Person, seminar_id: int
) -> tuple[Seminar, Writer, str] | NothingPending | NoSeminar | WrongPhase:
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return NoSeminar()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None:
        return NoSeminar()
    if writer.awaiting is not Awaiting.CONFIRM_READBACK or writer.draft is None:
        return NothingPending()
    if seminar.phase is not Phase.PLENARY:
        return WrongPhase(seminar)
    return seminar, writer, writer.draft


async def keep_read_back(
    deps: Deps, person: Person, seminar_id: int
) -> Seminar | NothingPending | NoSeminar | WrongPhase:
    """The participant confirmed that their answer with a detail identifies nobody."""
    held = await _held_read_back(deps, person, seminar_id)
    if not isinstance(held, tuple):
        return held
    return await _save_missing(deps, *held)


async def drop_read_back(
    deps: Deps, person: Person, seminar_id: int
) -> HeldDropped | NothingPending | NoSeminar | WrongPhase:
    """The answer is deleted; the next message is the answer again."""
    held = await _held_read_back(deps, person, seminar_id)
    if not isinstance(held, tuple):
        return held
    await _await_read_back(deps, held[1], Awaiting.READBACK, None)
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return HeldDropped(HeldText.READ_BACK)


async def close_seminar(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> SeminarClosed | Refusal:
    """Ends the seminar for good; it is purged after the retention period."""
    seminar = await deps.moderated_seminar(person, seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    movable = (Phase.GROUPING, Phase.VOTING, Phase.PLENARY)
    if seminar.dot_vote is DotVote.OPEN or not await deps.store.close_seminar(
        seminar.id, movable, deps.clock.now()
    ):
        return WrongPhase(seminar)
    closed = await deps.store.seminar(seminar.id)
    assert closed is not None
    return SeminarClosed(closed)


async def reportable(
    deps: Deps, person: Person
) -> Seminar | NoSeminar | NotModerator | RoundStillOpen | VotesOpen:
    """The seminar whose report a moderator asks for, once its answer round is closed and while
    no vote goes on (the report carries the votes and dots counted so far)."""
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    if not seminar.notes_released:
        return RoundStillOpen(seminar)
    if seminar.phase is Phase.VOTING or seminar.dot_vote is DotVote.OPEN:
        return VotesOpen(seminar)
    return seminar


def _report_note(note: Note, votes: int = 0) -> ReportNote:
    return ReportNote(note.text, note.question, votes, note.paper, note.shortened)


async def report_data(deps: Deps, seminar: Seminar, phase_label: str) -> ReportData:
    """Counts, ranked themes and notes: everything the report shows, and no identity."""
    every_note = await deps.store.seminar_notes(seminar.id)
    results = await plenary.results(deps, seminar, every_note)
    dots = await deps.store.dot_totals(seminar.id)
    ranked = []
    for result in results:
        for theme, notes in result.themes:
            ranked.append(
                (
                    theme.name,
                    result.group.name,
                    tuple(_report_note(n, votes) for n, votes in notes),
                    dots.get(theme.id, 0),
                )
            )
    ranked.sort(key=lambda t: (-t[3], -len(t[2]), t[0].casefold()))
    themes = tuple(
        ReportTheme(name, group, notes, dot_count, rank)
        for rank, (name, group, notes, dot_count) in enumerate(ranked, start=1)
    )
    unsorted = tuple(_report_note(n) for r in results for n in r.unsorted)
    visible = [n for n in every_note if not n.hidden]
    random.SystemRandom().shuffle(visible)
    visible.sort(key=lambda n: n.question)
    counts = await deps.store.note_counts(seminar)
    recognised, missing, missing_notes = await deps.store.read_back_counts(seminar.id)
    too_few = await too_few_writers(deps, seminar) is not None
    if too_few:  # counts only: with fewer than three writers, readers could tell whose is whose
        themes, unsorted, visible, missing_notes = (), (), [], []
    return ReportData(
        title=seminar.title,
        language=seminar.language,
        timezone=deps.settings.timezone,
        created_at=seminar.created_at,
        closed_at=await deps.store.closed_at(seminar.id),
        generated_at=deps.clock.now(),
        phase=phase_label,
        questions=seminar.questions,
        participants=len(await participants_of(deps, seminar)),
        writers=counts.writers,
        notes_per_question=counts.per_question,
        groups=len(results),
        votes=await deps.store.vote_count(seminar.id),
        dot_voters=await deps.store.dot_voters(seminar.id),
        themes=themes,
        unsorted=unsorted,
        all_notes=tuple(_report_note(n) for n in visible),
        recognised=recognised,
        missing=missing,
        missing_notes=tuple(missing_notes),
        too_few_writers=too_few,
    )


async def purge(deps: Deps, now: datetime) -> int:
    """Deletes seminars that closed longer ago than the retention period, and those left
    unfinished that long since their last activity, from the database's write-ahead log too."""
    purged = await deps.store.purge_expired(now - timedelta(days=deps.settings.retention_days))
    if purged:
        await deps.store.checkpoint()
    return purged
