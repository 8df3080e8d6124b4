"""The end of a seminar: the read-back, closing it, the report's data, and purging old ones."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Awaiting, Note, Person, Phase, Seminar, Writer, sources_of
from bot.flows import plenary
from bot.flows.answering import NothingPending
from bot.flows.clean_text import clean_text
from bot.flows.deps import Deps
from bot.flows.personal_data import HeldDropped, HeldText, PersonalDataFound, question
from bot.flows.refusals import NotJoined, RoundStillOpen, VotesOpen, WrongPhase
from bot.flows.report_data import ReportData, ReportNote, ReportTheme
from bot.flows.setup import participants_of, too_few_writers
from bot.store.closing import ReadBackAnswer

__all__ = [
    "EmptyReadBack",
    "ReadBack",
    "ReadBackAnswered",
    "ReadBackExpired",
    "ReadBackNoted",
    "ReadBackOver",
    "ReadBackTooLong",
    "SeminarClosed",
    "answer_read_back",
    "close_seminar",
    "drop_read_back",
    "keep_read_back",
    "may_end",
    "purge",
    "read_back_note",
    "report_data",
    "reportable",
    "start_read_back",
]


@dataclass(frozen=True, slots=True)
class ReadBack:
    """The themes read back to everyone, to say whether they recognise themselves in them."""

    seminar: Seminar
    themes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReadBackAnswered:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class ReadBackNoted:
    """What somebody said is missing is kept for the report."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class ReadBackOver:
    """The seminar has moved on from the read-back: its buttons no longer apply. (A short
    notice for the press, not a refusal's screen.)"""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class ReadBackExpired:
    """The read-back button's seminar is gone, or the person is no longer in it. (A short
    notice for the press, not a refusal's screen.)"""


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


@dataclass(frozen=True, slots=True)
class _HeldReadBack:
    """A read-back answer with a personal detail, waiting for its writer to keep or drop it."""

    seminar: Seminar
    writer: Writer
    text: str


async def start_read_back(deps: Deps, person: Person) -> ReadBack:
    """After the plenary, the themes are read back so people can say if they recognise them."""
    seminar = await deps.moderating(person)
    if not seminar.rule.reading_back or seminar.dots_open:
        raise WrongPhase(seminar)
    themes: list[str] = []
    for result in await plenary.results(deps, seminar):
        themes += [theme.name for theme, _ in result.themes]
    return ReadBack(seminar, tuple(themes))


async def answer_read_back(
    deps: Deps, person: Person, seminar_id: int, recognised: bool
) -> ReadBackAnswered | ReadBackOver | ReadBackExpired:
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return ReadBackExpired()
    pseudonym = deps.keys.pseudonym(seminar.id, person.tg_id)
    writer = await deps.store.writer(seminar.id, pseudonym)
    if writer is None:
        return ReadBackExpired()
    if not seminar.rule.reading_back:
        return ReadBackOver(seminar)
    answer = ReadBackAnswer.RECOGNISED if recognised else ReadBackAnswer.MISSING
    await deps.store.save_read_back(seminar.id, pseudonym, answer)
    # A held answer goes with the new choice: "recognised" ends the read-back for this person.
    awaiting = Awaiting.NOTE if recognised else Awaiting.READBACK
    if writer.awaiting is not awaiting:
        await _await_read_back(deps, writer, awaiting, None)
    return ReadBackAnswered(seminar)


async def read_back_note(
    deps: Deps, person: Person, text: str
) -> ReadBackNoted | PersonalDataFound | ReadBackTooLong | EmptyReadBack:
    """What someone says is missing: kept for the report, without any name. A text too long
    or empty is refused whole, and the next message is taken instead."""
    seminar = await deps.active_seminar(person)
    if seminar is None:
        raise NotJoined()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None:
        raise NotJoined()
    text = clean_text(text)
    if not text:
        return EmptyReadBack()
    if len(text) > deps.settings.readback_max_length:
        return ReadBackTooLong(len(text), deps.settings.readback_max_length)
    if (asked := question(seminar, text, HeldText.READ_BACK)) is not None:
        await _await_read_back(deps, writer, Awaiting.CONFIRM_READBACK, text)
        return asked
    return await _save_missing(deps, seminar, writer, text)


async def _save_missing(deps: Deps, seminar: Seminar, writer: Writer, text: str) -> ReadBackNoted:
    await deps.store.save_read_back(seminar.id, writer.pseudonym, ReadBackAnswer.MISSING, text)
    await _await_read_back(deps, writer, Awaiting.NOTE, None)
    return ReadBackNoted(seminar)


async def _await_read_back(
    deps: Deps, writer: Writer, awaiting: Awaiting, draft: str | None
) -> None:
    await deps.store.update_writer(dataclasses.replace(writer, awaiting=awaiting, draft=draft))


async def _held_read_back(
    deps: Deps, person: Person, seminar_id: int
) -> _HeldReadBack | NothingPending | ReadBackExpired | ReadBackOver:
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return ReadBackExpired()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None:
        return ReadBackExpired()
    if writer.awaiting is not Awaiting.CONFIRM_READBACK or writer.draft is None:
        return NothingPending()
    if not seminar.rule.reading_back:
        return ReadBackOver(seminar)
    return _HeldReadBack(seminar, writer, writer.draft)


async def keep_read_back(
    deps: Deps, person: Person, seminar_id: int
) -> ReadBackNoted | NothingPending | ReadBackExpired | ReadBackOver:
    """The participant confirmed that their answer with a detail identifies nobody."""
    held = await _held_read_back(deps, person, seminar_id)
    if not isinstance(held, _HeldReadBack):
        return held
    return await _save_missing(deps, held.seminar, held.writer, held.text)


async def drop_read_back(
    deps: Deps, person: Person, seminar_id: int
) -> HeldDropped | NothingPending | ReadBackExpired | ReadBackOver:
    """The answer is deleted; the next message is the answer again."""
    held = await _held_read_back(deps, person, seminar_id)
    if not isinstance(held, _HeldReadBack):
        return held
    await _await_read_back(deps, held.writer, Awaiting.READBACK, None)
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return HeldDropped(HeldText.READ_BACK)


async def may_end(deps: Deps, person: Person, seminar_id: int | None = None) -> Seminar:
    """The seminar a moderator asks to end, if it may end now (refused while the answer
    round or the dot vote runs, and once it has ended)."""
    seminar = await deps.moderating(person, seminar_id)
    if not seminar.may_end:
        raise WrongPhase(seminar)
    return seminar


async def close_seminar(deps: Deps, person: Person, seminar_id: int | None = None) -> SeminarClosed:
    """Ends the seminar for good; it is purged after the retention period."""
    seminar = await deps.moderating(person, seminar_id)
    if not seminar.may_end or not await deps.store.close_seminar(
        seminar.id, sources_of(Phase.CLOSED), deps.clock.now()
    ):
        raise WrongPhase(seminar)
    closed = await deps.store.seminar(seminar.id)
    assert closed is not None
    return SeminarClosed(closed)


async def reportable(deps: Deps, person: Person) -> Seminar:
    """The seminar whose report a moderator asks for, once its answer round is closed and while
    no vote goes on (the report carries the votes and dots counted so far)."""
    seminar = await deps.moderating(person)
    if not seminar.notes_released:
        raise RoundStillOpen(seminar)
    if seminar.votes_running:
        raise VotesOpen(seminar)
    return seminar


def _report_note(note: Note, votes: int = 0) -> ReportNote:
    return ReportNote(note.text, note.question, votes, note.paper, note.shortened)


async def report_data(deps: Deps, seminar: Seminar, phase_label: str) -> ReportData:
    """Counts, ranked themes and notes: everything the report shows, and no identity."""
    every_note = await deps.store.seminar_notes(seminar.id)
    results = await plenary.results(deps, seminar, every_note)
    dots = await deps.store.dot_totals(seminar.id)
    unranked = [
        ReportTheme(
            theme.name,
            result.group.number,
            tuple(_report_note(n, votes) for n, votes in notes),
            dots.get(theme.id, 0),
            rank=0,
        )
        for result in results
        for theme, notes in result.themes
    ]
    unranked.sort(key=lambda theme: (-theme.dots, -len(theme.notes), theme.name.casefold()))
    themes = tuple(
        dataclasses.replace(theme, rank=rank) for rank, theme in enumerate(unranked, start=1)
    )
    unsorted = tuple(_report_note(n) for r in results for n in r.unsorted)
    visible = [n for n in every_note if not n.hidden]
    random.SystemRandom().shuffle(visible)
    visible.sort(key=lambda n: n.question)
    counts = await deps.store.note_counts(seminar)
    read_back = await deps.store.read_back_counts(seminar.id)
    missing_notes = read_back.missing_notes
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
        recognised=read_back.recognised,
        missing=read_back.missing,
        missing_notes=tuple(missing_notes),
        too_few_writers=too_few,
        paper_notes=sum(1 for n in every_note if n.paper and not n.hidden),
    )


async def purge(deps: Deps, now: datetime) -> int:
    """Deletes seminars that closed longer ago than the retention period, and those left
    unfinished that long since their last activity, from the database's write-ahead log too."""
    purged = await deps.store.purge_expired(now - timedelta(days=deps.settings.retention_days))
    if purged:
        await deps.store.checkpoint()
    return purged
