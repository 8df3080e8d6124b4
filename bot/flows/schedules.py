"""Time boxes, reminders and recurring summaries, and what a summary says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain import (
    DotVote,
    Expectation,
    Expecting,
    Member,
    Person,
    Phase,
    Schedule,
    ScheduleDraft,
    Seminar,
)
from bot.flows import plenary
from bot.flows.deps import Deps, NoSeminar, NotModerator
from bot.flows.setup import WrongPhase, participants_of
from bot.flows.timing import BadTime, next_daily, parse_clock_time, parse_when
from bot.store import ScheduleStore

__all__ = [
    "REMINDER_OFFSETS",
    "AlreadyScheduled",
    "AskWhen",
    "Kind",
    "NeedClose",
    "Scheduled",
    "SummaryData",
]

# Minutes before the close that a reminder may be set for.
REMINDER_OFFSETS = (30, 60, 120, 1440)


class Kind(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    REMIND = "remind"
    SUMMARY = "summary"


@dataclass(frozen=True, slots=True)
class AskWhen:
    seminar: Seminar
    kind: Kind


@dataclass(frozen=True, slots=True)
class Scheduled:
    seminar: Seminar
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class AlreadyScheduled:
    seminar: Seminar
    existing: Schedule


@dataclass(frozen=True, slots=True)
class NeedClose:
    """A reminder is set relative to a scheduled close, and there is none."""


Refusal = NoSeminar | NotModerator | WrongPhase


async def _seminar(deps: Deps, person: Person) -> Seminar | Refusal:
    seminar = await deps.moderated_seminar(person)
    if isinstance(seminar, Seminar) and seminar.phase is Phase.CLOSED:
        return WrongPhase(seminar)
    return seminar


async def ask(deps: Deps, person: Person, kind: Kind) -> AskWhen | Refusal:
    seminar = await _seminar(deps, person)
    if not isinstance(seminar, Seminar):
        return seminar
    await deps.store.expect(person.tg_id, Expectation(Expecting.SCHEDULE_TIME, ScheduleDraft(kind)))
    return AskWhen(seminar, kind)


async def receive_when(
    deps: Deps, person: Person, text: str
) -> Scheduled | AlreadyScheduled | BadTime | Refusal:
    """The time a moderator typed for the schedule they chose."""
    user = await deps.store.user(person.tg_id)
    draft = user.expectation.draft if user else None
    kind = Kind(draft.kind) if isinstance(draft, ScheduleDraft) else Kind.CLOSE
    seminar = await _seminar(deps, person)
    if not isinstance(seminar, Seminar):
        return seminar
    now = deps.clock.now()
    daily_at = None
    if kind is Kind.SUMMARY:
        at = parse_clock_time(text)
        if at is None:
            return BadTime("unreadable")
        when: datetime | BadTime = next_daily(at, now, deps.settings.timezone)
        daily_at = at.strftime("%H:%M")
    else:
        when = parse_when(text, now, deps.settings.timezone)
    if isinstance(when, BadTime):
        return when
    schedules = ScheduleStore(deps.store)
    made = await schedules.add(seminar.id, kind, when, person.tg_id, daily_at)
    if made is None:
        existing = next(s for s in await schedules.active(seminar.id) if s.kind == kind)
        return AlreadyScheduled(seminar, existing)
    await deps.store.expect(person.tg_id)
    return Scheduled(seminar, made)


async def add_reminder(
    deps: Deps, person: Person, minutes_before: int
) -> Scheduled | NeedClose | BadTime | Refusal:
    seminar = await _seminar(deps, person)
    if not isinstance(seminar, Seminar):
        return seminar
    schedules = ScheduleStore(deps.store)
    close = next((s for s in await schedules.active(seminar.id) if s.kind == Kind.CLOSE), None)
    if close is None:
        return NeedClose()
    when = close.run_at - timedelta(minutes=minutes_before)
    if when <= deps.clock.now():
        return BadTime("past")
    made = await schedules.add(seminar.id, Kind.REMIND, when, person.tg_id)
    assert made is not None
    return Scheduled(seminar, made)


async def listing(deps: Deps, person: Person) -> tuple[Seminar, list[Schedule]] | Refusal:
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    return seminar, await ScheduleStore(deps.store).active(seminar.id)


async def cancel(deps: Deps, person: Person, schedule_id: int) -> Schedule | Refusal | None:
    schedules = ScheduleStore(deps.store)
    found = await schedules.get(schedule_id)
    if found is None:
        return None
    seminar = await deps.moderated_seminar(person, found.seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    return await schedules.cancel(schedule_id)


async def reminder_recipients(deps: Deps, seminar: Seminar) -> list[Member]:
    """Those who have not answered, sorted their group's notes, or used their dots yet."""
    waiting = []
    for member in await participants_of(deps, seminar):
        pseudonym = deps.keys.pseudonym(seminar.id, member.tg_id)
        if seminar.phase is Phase.ANSWERING:
            if not await deps.store.notes_of(seminar.id, pseudonym):
                waiting.append(member)
        elif seminar.phase is Phase.VOTING:
            writer = await deps.store.writer(seminar.id, pseudonym)
            if writer is None or writer.group_id is None:
                continue
            notes = await deps.store.group_notes(writer.group_id)
            mine = await deps.store.votes_of(pseudonym)
            if any(note.id not in mine for note in notes):
                waiting.append(member)
        elif seminar.dot_vote is DotVote.OPEN and not await deps.store.dots_of(
            seminar.id, pseudonym
        ):
            waiting.append(member)
    return waiting


def can_remind(seminar: Seminar) -> bool:
    return seminar.phase in (Phase.ANSWERING, Phase.VOTING) or seminar.dot_vote is DotVote.OPEN


# -- summaries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummaryData:
    seminar: Seminar
    participants: int
    notes: int
    themes: list[tuple[str, str, int]]  # name, group name, notes
    votes: int
    dots: int


async def summary(deps: Deps, seminar: Seminar) -> SummaryData:
    """Where the seminar stands, in counts only."""
    counts = await deps.store.note_counts(seminar)
    themes: list[tuple[str, str, int]] = []
    votes = 0
    for result in await plenary.results(deps, seminar):
        themes += [(t.name, result.group.name, len(notes)) for t, notes in result.themes]
        votes += sum(v for _, notes in result.themes for _, v in notes)
    themes.sort(key=lambda item: (-item[2], item[0].casefold()))
    dots = sum((await deps.store.dot_totals(seminar.id)).values())
    participants = len(await participants_of(deps, seminar))
    return SummaryData(seminar, participants, counts.total, themes, votes, dots)


async def summary_readers(deps: Deps, seminar: Seminar, *, everyone: bool = False) -> list[Member]:
    """Moderators, and the participants who asked for summaries (or all of them)."""
    wanting = await deps.store.summary_subscribers(seminar.id)
    moderators = {m.tg_id for m in await deps.moderators(seminar.id)}
    return [
        m
        for m in await deps.store.members(seminar.id)
        if everyone or m.tg_id in wanting or m.tg_id in moderators
    ]


async def toggle_summaries(deps: Deps, person: Person) -> tuple[Seminar, bool] | NoSeminar:
    seminar = await deps.active_seminar(person)
    if seminar is None or await deps.store.membership(seminar.id, person.tg_id) is None:
        return NoSeminar()
    wanted = await deps.store.toggle_summaries(seminar.id, person.tg_id)
    return seminar, wanted
