"""The end of a seminar: the read-back, closing it, the report's data, and purging old ones."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Note, Person, Phase, Role, Seminar, Status, Writer, sources_of
from bot.expectations import Awaiting
from bot.flows import plenary, series
from bot.flows.answering import NothingPending
from bot.flows.clean_text import clean_text
from bot.flows.deps import Deps
from bot.flows.personal_data import HeldDropped, HeldText, PersonalDataFound, question
from bot.flows.refusals import NotJoined, RoundStillOpen, VotesOpen, WrongPhase
from bot.flows.report_data import ReportData, ReportNote, ReportReadBack, ReportTheme
from bot.flows.setup import participants_of, too_few_writers
from bot.store.closing import ALL_THEMES, ReadBackAnswer

__all__ = [
    "EmptyReadBack",
    "ReadBack",
    "ReadBackAnswered",
    "ReadBackExpired",
    "ReadBackNoted",
    "ReadBackOver",
    "ReadBackTally",
    "ReadBackTheme",
    "ReadBackTooLong",
    "ReportShort",
    "SeminarClosed",
    "ShownTheme",
    "answer_read_back",
    "close_seminar",
    "drop_read_back",
    "keep_read_back",
    "may_end",
    "moderating_nothing",
    "own_report_short",
    "purge",
    "read_back_note",
    "read_back_tally",
    "read_back_theme",
    "report_data",
    "report_made",
    "report_short",
    "reportable",
    "start_read_back",
]


@dataclass(frozen=True, slots=True)
class ReadBackTheme:
    """One theme as it is read back: its number in the read-back, its name and its notes."""

    id: int
    number: int
    name: str
    notes: tuple[Note, ...]


@dataclass(frozen=True, slots=True)
class ReadBack:
    """The themes read back to everyone, each with its notes, to say whether they recognise
    themselves in it; in the order of the dot vote if there was one."""

    seminar: Seminar
    themes: tuple[ReadBackTheme, ...]


@dataclass(frozen=True, slots=True)
class ShownTheme:
    """A theme of the read-back asked for again (the rest of its notes)."""

    seminar: Seminar
    theme: ReadBackTheme


@dataclass(frozen=True, slots=True)
class ReadBackAnswered:
    seminar: Seminar
    number: int  # the theme's number in the read-back


@dataclass(frozen=True, slots=True)
class ReadBackTally:
    """The moderators' view of the read-back: the answers per theme, counts only."""

    seminar: Seminar
    themes: tuple[tuple[ReadBackTheme, int, int], ...]  # each theme, recognised, missing
    # answers given to all the themes together, before themes were read back one by one
    earlier: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class ReportShort:
    """The report's short version for participants: the top themes, each with a couple of
    notes (none when fewer than three wrote), and whether the seminar has ended."""

    seminar: Seminar
    themes: tuple[tuple[str, tuple[ReportNote, ...]], ...]
    closed: bool


@dataclass(frozen=True, slots=True)
class ReadBackNoted:
    """What somebody said is missing is kept for the report."""

    seminar: Seminar
    number: int  # the theme's number in the read-back (0: all the themes)


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
    theme: int
    number: int


TOP_THEMES = 3  # themes in the report's short version
NOTES_PER_THEME = 2  # notes each of them shows there


async def _read_back_themes(deps: Deps, seminar: Seminar) -> tuple[ReadBackTheme, ...]:
    """Every theme with notes, in the order of the dot vote if dots were given, else in the
    plenary's order; numbered from 1."""
    found = [
        (theme.id, theme.name, tuple(note for note, _ in notes))
        for result in await plenary.results(deps, seminar)
        for theme, notes in result.themes
    ]
    dots = await deps.store.dot_totals(seminar.id)
    if any(dots.values()):
        found.sort(key=lambda theme: -dots.get(theme[0], 0))
    return tuple(
        ReadBackTheme(theme_id, number, name, notes)
        for number, (theme_id, name, notes) in enumerate(found, start=1)
    )


def _draft(theme: int, number: int, text: str | None = None) -> str:
    """What a writer's read-back answer waits with: the theme it is about, and a held text."""
    return json.dumps({"theme": theme, "number": number, "text": text}, ensure_ascii=False)


def _undraft(draft: str | None) -> tuple[int, int, str | None]:
    """The theme, its number and the held text; a draft from before themes were read back
    one by one is about all of them (and is the held text itself)."""
    if draft is None:
        return ALL_THEMES, 0, None
    try:
        value = json.loads(draft)
    except ValueError:
        return ALL_THEMES, 0, draft
    if not isinstance(value, dict):
        return ALL_THEMES, 0, draft
    text = value.get("text")
    return int(value.get("theme", 0)), int(value.get("number", 0)), text


async def start_read_back(deps: Deps, person: Person) -> ReadBack:
    """After the plenary, the themes are read back so people can say if they recognise them."""
    seminar = await deps.moderating(person)
    if not seminar.rule.reading_back or seminar.dots_open:
        raise WrongPhase(seminar)
    return ReadBack(seminar, await _read_back_themes(deps, seminar))


async def _reader(
    deps: Deps, person: Person, seminar_id: int
) -> tuple[Seminar, Writer] | ReadBackOver | ReadBackExpired:
    """The seminar and writer a read-back button is pressed in, if it still applies."""
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return ReadBackExpired()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None:
        return ReadBackExpired()
    if not seminar.rule.reading_back:
        return ReadBackOver(seminar)
    return seminar, writer


async def _theme(deps: Deps, seminar: Seminar, theme_id: int) -> ReadBackTheme | ReadBackExpired:
    for theme in await _read_back_themes(deps, seminar):
        if theme.id == theme_id:
            return theme
    return ReadBackExpired()  # merged or emptied since: the button names no theme any more


async def read_back_theme(
    deps: Deps, person: Person, seminar_id: int, theme_id: int
) -> ShownTheme | ReadBackOver | ReadBackExpired:
    """A theme's notes again, for «show more notes»."""
    found = await _reader(deps, person, seminar_id)
    if not isinstance(found, tuple):
        return found
    seminar, _ = found
    theme = await _theme(deps, seminar, theme_id)
    if isinstance(theme, ReadBackExpired):
        return theme
    return ShownTheme(seminar, theme)


async def answer_read_back(
    deps: Deps, person: Person, seminar_id: int, recognised: bool, theme_id: int = ALL_THEMES
) -> ReadBackAnswered | ReadBackOver | ReadBackExpired:
    """One answer per person and theme: pressing again, or the other button, replaces it."""
    found = await _reader(deps, person, seminar_id)
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    if theme_id == ALL_THEMES:  # a button from before themes were read back one by one
        theme: ReadBackTheme | ReadBackExpired = ReadBackTheme(ALL_THEMES, 0, "", ())
    else:
        theme = await _theme(deps, seminar, theme_id)
    if isinstance(theme, ReadBackExpired):
        return theme
    answer = ReadBackAnswer.RECOGNISED if recognised else ReadBackAnswer.MISSING
    await deps.store.save_read_back(seminar.id, writer.pseudonym, answer, theme_id=theme.id)
    waiting_for = _undraft(writer.draft)[0] if writer.awaiting is Awaiting.READBACK else None
    if not recognised:
        # The next message says what is missing from this theme (a held answer goes).
        if writer.awaiting is not Awaiting.READBACK or waiting_for != theme.id:
            await _await_read_back(deps, writer, Awaiting.READBACK, _draft(theme.id, theme.number))
    elif writer.awaiting in (Awaiting.READBACK, Awaiting.CONFIRM_READBACK) and (
        _undraft(writer.draft)[0] in (theme.id, ALL_THEMES)
    ):
        # "I recognise it" ends what this theme's answer was waiting for.
        await _await_read_back(deps, writer, Awaiting.NOTE, None)
    return ReadBackAnswered(seminar, theme.number)


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
    theme, number, _ = _undraft(writer.draft)
    if (asked := question(seminar, text, HeldText.READ_BACK)) is not None:
        await _await_read_back(deps, writer, Awaiting.CONFIRM_READBACK, _draft(theme, number, text))
        return asked
    return await _save_missing(deps, seminar, writer, text, theme, number)


async def _save_missing(
    deps: Deps, seminar: Seminar, writer: Writer, text: str, theme: int, number: int
) -> ReadBackNoted:
    await deps.store.save_read_back(
        seminar.id, writer.pseudonym, ReadBackAnswer.MISSING, text, theme_id=theme
    )
    await _await_read_back(deps, writer, Awaiting.NOTE, None)
    return ReadBackNoted(seminar, number)


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
    theme, number, text = _undraft(writer.draft)
    if writer.awaiting is not Awaiting.CONFIRM_READBACK or text is None:
        return NothingPending()
    if not seminar.rule.reading_back:
        return ReadBackOver(seminar)
    return _HeldReadBack(seminar, writer, text, theme, number)


async def keep_read_back(
    deps: Deps, person: Person, seminar_id: int
) -> ReadBackNoted | NothingPending | ReadBackExpired | ReadBackOver:
    """The participant confirmed that their answer with a detail identifies nobody."""
    held = await _held_read_back(deps, person, seminar_id)
    if not isinstance(held, _HeldReadBack):
        return held
    return await _save_missing(deps, held.seminar, held.writer, held.text, held.theme, held.number)


async def drop_read_back(
    deps: Deps, person: Person, seminar_id: int
) -> HeldDropped | NothingPending | ReadBackExpired | ReadBackOver:
    """The answer is deleted; the next message is the answer again."""
    held = await _held_read_back(deps, person, seminar_id)
    if not isinstance(held, _HeldReadBack):
        return held
    await _await_read_back(deps, held.writer, Awaiting.READBACK, _draft(held.theme, held.number))
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return HeldDropped(HeldText.READ_BACK)


async def read_back_tally(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> ReadBackTally:
    """How many recognised each theme and how many said something is missing: counts only."""
    seminar = await deps.moderating(person, seminar_id)
    counts = await deps.store.read_back_by_theme(seminar.id)
    themes = tuple(
        (theme, counts[theme.id].recognised, counts[theme.id].missing)
        if theme.id in counts
        else (theme, 0, 0)
        for theme in await _read_back_themes(deps, seminar)
    )
    earlier = counts.get(ALL_THEMES)
    return ReadBackTally(
        seminar, themes, (earlier.recognised, earlier.missing) if earlier else None
    )


async def moderating_nothing(deps: Deps, tg_ids: Iterable[int]) -> list[int]:
    """Of these people, those who moderate no seminar that is still going: their chat's
    moderator menu is taken back."""
    left = []
    for tg_id in tg_ids:
        roles = await deps.store.seminars_of(tg_id)
        if not any(r.role is Role.MODERATOR and r.seminar.phase is not Phase.CLOSED for r in roles):
            left.append(tg_id)
    return left


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
    # What holds no person outlives the seminar in its series: themes, quotes, proposals.
    await series.keep(deps, closed, await report_data(deps, closed, "", for_series=True))
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


async def report_data(
    deps: Deps,
    seminar: Seminar,
    phase_label: str,
    status_label: Callable[[Status], str] = str,
    *,
    for_series: bool = False,
) -> ReportData:
    """Counts, ranked themes and notes: everything the report shows, and no identity; with
    the follow-up of the proposals for its themes when it belongs to a series. For the series
    (`for_series`), the ranked themes stay even when fewer than three wrote."""
    every_note = await deps.store.seminar_notes(seminar.id)
    results = await plenary.results(deps, seminar, every_note)
    dots = await deps.store.dot_totals(seminar.id)
    proposed = await series.report_proposals(deps, seminar, status_label)
    unranked = [
        ReportTheme(
            theme.name,
            result.group.number,
            tuple(_report_note(n, votes) for n, votes in notes),
            dots.get(theme.id, 0),
            rank=0,
            proposals=proposed.get(theme.name, ()),
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
    read_back_themes = await _report_read_back(deps, seminar)
    too_few = await too_few_writers(deps, seminar) is not None
    if too_few:  # counts only: with fewer than three writers, readers could tell whose is whose
        unsorted, visible, missing_notes = (), [], []
        if not for_series:  # the series keeps the themes' names, ranks and dots, no quotes
            themes = ()
        read_back_themes = tuple(dataclasses.replace(r, missing_notes=()) for r in read_back_themes)
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
        read_back_themes=read_back_themes,
        too_few_writers=too_few,
        paper_notes=sum(1 for n in every_note if n.paper and not n.hidden),
    )


async def _report_read_back(deps: Deps, seminar: Seminar) -> tuple[ReportReadBack, ...]:
    """The read-back's answers per theme, in the read-back's order; answers given to all the
    themes together (before themes were read back one by one) come last, without a name."""
    counts = await deps.store.read_back_by_theme(seminar.id)
    found = [
        ReportReadBack(
            theme.name,
            counts[theme.id].recognised,
            counts[theme.id].missing,
            tuple(counts[theme.id].missing_notes),
        )
        for theme in await _read_back_themes(deps, seminar)
        if theme.id in counts
    ]
    if (earlier := counts.get(ALL_THEMES)) is not None:
        found.append(
            ReportReadBack("", earlier.recognised, earlier.missing, tuple(earlier.missing_notes))
        )
    return tuple(found)


async def report_made(deps: Deps, seminar: Seminar) -> None:
    """The report exists from now on: participants can ask for its short version."""
    await deps.store.mark_reported(seminar.id, deps.clock.now())


async def report_short(deps: Deps, seminar: Seminar) -> ReportShort:
    """The top themes of the report, each with the notes most voted into it; the same rules
    as the report (no note when fewer than three wrote, hidden notes left out)."""
    data = await report_data(deps, seminar, "")
    themes = tuple(
        (
            theme.name,
            tuple(sorted(theme.notes, key=lambda n: -n.votes)[:NOTES_PER_THEME]),
        )
        for theme in data.themes[:TOP_THEMES]
    )
    return ReportShort(seminar, themes, seminar.phase is Phase.CLOSED)


async def own_report_short(deps: Deps, person: Person) -> ReportShort | None:
    """A participant's /summary once the report exists: its short version."""
    seminar = await deps.active_seminar(person)
    if seminar is None or await deps.store.reported_at(seminar.id) is None:
        return None
    member = await deps.store.membership(seminar.id, person.tg_id)
    if member is None or member.role is Role.MODERATOR:
        return None
    return await report_short(deps, seminar)


async def purge(deps: Deps, now: datetime) -> int:
    """Deletes seminars that closed longer ago than the retention period, and those left
    unfinished that long since their last activity, from the database's write-ahead log too."""
    purged = await deps.store.purge_expired(now - timedelta(days=deps.settings.retention_days))
    if purged:
        await deps.store.checkpoint()
    return purged
