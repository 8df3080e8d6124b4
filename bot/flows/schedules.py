"""Time boxes, reminders and recurring summaries, and what a summary says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Deadline, Group, Member, Person, Role, Schedule, Seminar
from bot.expectations import Expectation, Expecting, ScheduleDraft
from bot.flows import plenary
from bot.flows.deps import Deps
from bot.flows.refusals import Gone, GoneThing, NotJoined, Refusal, WrongPhase
from bot.flows.setup import participants_of
from bot.flows.timing import (
    BadTime,
    Kind,
    TimeProblem,
    deadline,
    next_daily,
    parse_clock_time,
    parse_when,
)
from bot.store import ScheduleStore
from bot.store.schedules import Taken

__all__ = [
    "REMINDER_OFFSETS",
    "AlreadyScheduled",
    "AskWhen",
    "Cancelled",
    "Kind",
    "NeedClose",
    "NoLongerScheduled",
    "OwnSummary",
    "ReminderChoices",
    "ReminderTooLate",
    "ScheduleList",
    "Scheduled",
    "SummariesWanted",
    "SummaryData",
    "SummaryForAll",
    "ThemeCount",
]

# Minutes before the close that a reminder may be set for.
REMINDER_OFFSETS = (30, 60, 120, 1440)
# A reminder that falls due at most this long ago (the close was set a moment before the press,
# or rounded to the minute) goes out at once: the moderator asked for it now, in effect.
REMINDER_GRACE = timedelta(minutes=2)


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


@dataclass(frozen=True, slots=True)
class ReminderChoices:
    """The scheduled close, and the reminder times before it that still lie ahead."""

    seminar: Seminar
    close: Deadline
    offsets: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ReminderTooLate:
    """The chosen time before the close has passed by now; nothing was set."""

    minutes: int
    choices: ReminderChoices


@dataclass(frozen=True, slots=True)
class ScheduleList:
    seminar: Seminar
    schedules: list[Schedule]


@dataclass(frozen=True, slots=True)
class Cancelled:
    schedule: Schedule
    listing: ScheduleList | None  # the moderator's list as it is now, if they still have one


@dataclass(frozen=True, slots=True)
class NoLongerScheduled:
    """The job ran, or was cancelled, before this cancel."""

    listing: ScheduleList | None


@dataclass(frozen=True, slots=True)
class SummariesWanted:
    seminar: Seminar
    wanted: bool


async def _seminar(deps: Deps, person: Person) -> Seminar:
    """The seminar a moderator schedules for: nothing is scheduled once it has ended."""
    seminar = await deps.moderating(person)
    if seminar.ended:
        raise WrongPhase(seminar)
    return seminar


async def ask(deps: Deps, person: Person, kind: Kind) -> AskWhen:
    seminar = await _seminar(deps, person)
    await deps.store.expect(person.tg_id, Expectation(Expecting.SCHEDULE_TIME, ScheduleDraft(kind)))
    return AskWhen(seminar, kind)


async def receive_when(
    deps: Deps, person: Person, draft: ScheduleDraft, text: str
) -> Scheduled | AlreadyScheduled | BadTime:
    """The time a moderator typed for the schedule they chose (`draft`)."""
    kind = Kind(draft.kind)
    seminar = await _seminar(deps, person)
    now = deps.clock.now()
    daily_at = None
    if kind is Kind.SUMMARY:
        at = parse_clock_time(text)
        if at is None:
            return BadTime(TimeProblem.UNREADABLE)
        when: datetime | BadTime = next_daily(at, now, deps.settings.timezone)
        daily_at = at.strftime("%H:%M")
    else:
        when = parse_when(text, now, deps.settings.timezone)
    if isinstance(when, BadTime):
        return when
    made = await ScheduleStore(deps.store).add(seminar.id, kind, when, person.tg_id, daily_at)
    if isinstance(made, Taken):
        return AlreadyScheduled(seminar, made.existing)
    await deps.store.expect(person.tg_id)
    return Scheduled(seminar, made)


def fitting_offsets(close_at: datetime, now: datetime) -> tuple[int, ...]:
    """The reminder times (minutes before the close) that are not yet past."""
    return tuple(
        m for m in REMINDER_OFFSETS if close_at - timedelta(minutes=m) >= now - REMINDER_GRACE
    )


async def reminder_choices(deps: Deps, person: Person) -> ReminderChoices | NeedClose:
    """What a moderator may choose for a reminder: only times before the close still ahead."""
    seminar = await _seminar(deps, person)
    close = await deadline(deps, seminar)
    if close is None:
        return NeedClose()
    return ReminderChoices(seminar, close, fitting_offsets(close.at, close.now))


async def add_reminder(
    deps: Deps, person: Person, minutes_before: int
) -> Scheduled | NeedClose | ReminderTooLate:
    choices = await reminder_choices(deps, person)
    if isinstance(choices, NeedClose):
        return choices
    if minutes_before not in choices.offsets:
        return ReminderTooLate(minutes_before, choices)
    close = choices.close
    # At once, when it falls due only a moment ago.
    when = max(close.at - timedelta(minutes=minutes_before), close.now)
    made = await ScheduleStore(deps.store).add(choices.seminar.id, Kind.REMIND, when, person.tg_id)
    assert not isinstance(made, Taken)  # reminders are never one at a time
    return Scheduled(choices.seminar, made)


async def listing(deps: Deps, person: Person) -> ScheduleList:
    seminar = await deps.moderating(person)
    return ScheduleList(seminar, await ScheduleStore(deps.store).active(seminar.id))


async def _listing_if_any(deps: Deps, person: Person) -> ScheduleList | None:
    """The list to show after a cancel; none for somebody who moderates no seminar now."""
    try:
        return await listing(deps, person)
    except Refusal:
        return None


async def cancel(deps: Deps, person: Person, schedule_id: int) -> Cancelled | NoLongerScheduled:
    schedules = ScheduleStore(deps.store)
    found = await schedules.get(schedule_id)
    if found is None:
        return NoLongerScheduled(await _listing_if_any(deps, person))
    await deps.moderating(person, found.seminar_id)
    if not await schedules.cancel(schedule_id):
        return NoLongerScheduled(await _listing_if_any(deps, person))
    return Cancelled(found, await _listing_if_any(deps, person))


async def reminder_recipients(deps: Deps, seminar: Seminar) -> list[Member]:
    """Those who have not answered, sorted their group's notes, or used their dots yet."""
    waiting = []
    for member in await participants_of(deps, seminar):
        pseudonym = deps.keys.pseudonym(seminar.id, member.tg_id)
        if seminar.writing:
            if not await deps.store.notes_of(seminar.id, pseudonym):
                waiting.append(member)
        elif seminar.voting:
            writer = await deps.store.writer(seminar.id, pseudonym)
            if writer is None or writer.group_id is None:
                continue
            notes = await deps.store.group_notes(writer.group_id)
            mine = await deps.store.votes_of(pseudonym)
            if any(note.id not in mine for note in notes):
                waiting.append(member)
        elif seminar.dots_open and not await deps.store.dots_of(seminar.id, pseudonym):
            waiting.append(member)
    return waiting


def can_remind(seminar: Seminar) -> bool:
    """Whether something runs that people can be reminded to take part in."""
    return seminar.writing or seminar.voting or seminar.dots_open


# -- summaries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThemeCount:
    name: str
    group: Group
    notes: int


@dataclass(frozen=True, slots=True)
class SummaryData:
    seminar: Seminar
    participants: int
    notes: int
    themes: list[ThemeCount]  # the most notes first
    votes: int
    dots: int
    paper_notes: int = 0  # of the notes, those typed in from paper (nobody in the chat wrote them)


async def summary(deps: Deps, seminar: Seminar) -> SummaryData:
    """Where the seminar stands, in counts only."""
    counts = await deps.store.note_counts(seminar)
    themes: list[ThemeCount] = []
    votes = 0
    for result in await plenary.results(deps, seminar):
        themes += [ThemeCount(t.name, result.group, len(notes)) for t, notes in result.themes]
        votes += sum(v for _, notes in result.themes for _, v in notes)
    themes.sort(key=lambda theme: (-theme.notes, theme.name.casefold()))
    dots = sum((await deps.store.dot_totals(seminar.id)).values())
    participants = len(await participants_of(deps, seminar))
    paper = sum(1 for n in await deps.store.seminar_notes(seminar.id) if n.paper and not n.hidden)
    return SummaryData(seminar, participants, counts.total, themes, votes, dots, paper)


@dataclass(frozen=True, slots=True)
class SummaryForAll:
    """A moderator's /summary: it goes out to everyone who reads summaries, now."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class OwnSummary:
    """A participant's /summary: the short one, for them alone, and whether they get them."""

    data: SummaryData
    wanted: bool


async def ask_summary(deps: Deps, person: Person) -> SummaryForAll | OwnSummary:
    seminar = await deps.active_seminar(person)
    member = await deps.store.membership(seminar.id, person.tg_id) if seminar else None
    if seminar is None or member is None:
        raise NotJoined()
    if member.role is Role.MODERATOR:
        return SummaryForAll(seminar)
    wanted = await deps.store.wants_summaries(seminar.id, person.tg_id)
    return OwnSummary(await summary(deps, seminar), wanted)


async def summary_readers(deps: Deps, seminar: Seminar, *, everyone: bool = False) -> list[Member]:
    """Moderators, and the participants who asked for summaries (or all of them)."""
    wanting = await deps.store.summary_subscribers(seminar.id)
    moderators = {m.tg_id for m in await deps.moderators(seminar.id)}
    return [
        m
        for m in await deps.store.members(seminar.id)
        if everyone or m.tg_id in wanting or m.tg_id in moderators
    ]


async def toggle_summaries(deps: Deps, person: Person) -> SummariesWanted:
    seminar = await deps.active_seminar(person)
    if seminar is None or await deps.store.membership(seminar.id, person.tg_id) is None:
        raise Gone(GoneThing.SEMINAR)
    wanted = await deps.store.toggle_summaries(seminar.id, person.tg_id)
    return SummariesWanted(seminar, wanted)
