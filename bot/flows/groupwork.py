"""Groups sort notes into themes by voting; the plenary sees every group's themes and dots them.

Who sits in which group is stored only by pseudonym, votes and dots likewise; moderators see
group sizes and counts, never who is where or who voted for what.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.domain import (
    Awaiting,
    DotVote,
    Group,
    Member,
    Note,
    Person,
    Phase,
    Seminar,
    SetupStep,
    Theme,
    Writer,
)
from bot.flows.answering import (
    EmptyNote,
    NoteGone,
    NoteTooLong,
    NothingPending,
    shown_note,
    writer_of,
)
from bot.flows.clean_text import one_line
from bot.flows.deps import Deps, NoSeminar, NotModerator
from bot.flows.personal_data import HeldDropped, HeldText, PersonalDataFound, question
from bot.flows.rules import (
    PAPER,
    DotError,
    check_dots,
    dots_after,
    plan_groups,
    still_enough_writers,
    tally_note,
    theme_key,
)
from bot.flows.setup import (
    RoundStillOpen,
    TooFewWriters,
    WrongPhase,
    expect,
    note_writers,
    participants_of,
    too_few_writers,
)

__all__ = [
    "MAX_THEME_NAME",
    "DotCard",
    "DotsClosed",
    "DotsOpened",
    "GroupResult",
    "GroupsFormed",
    "InvalidThemeName",
    "NoGroupsYet",
    "NotInGroup",
    "NoteShortened",
    "PhaseOver",
    "Plenary",
    "ReviewCard",
    "SettleCard",
    "ShorteningClosed",
    "ThemeAdded",
    "ThemeLimitReached",
    "VoteCard",
    "VotingOpened",
]

MAX_THEME_NAME = 40
MIN_GROUP_SIZE = 3


@dataclass(frozen=True, slots=True)
class NoGroupsYet:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NotInGroup:
    """The person sits in no group of this seminar (or left it)."""


@dataclass(frozen=True, slots=True)
class PhaseOver:
    """A button or message from a phase that has ended."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class GroupsFormed:
    seminar: Seminar
    groups: list[Group]
    sizes: dict[int, int]
    seats: list[tuple[Member, Group]]
    paper_notes: int


@dataclass(frozen=True, slots=True)
class ReviewCard:
    seminar: Seminar
    note: Note | None
    index: int
    total: int


@dataclass(frozen=True, slots=True)
class ShorteningClosed:
    """Only between the round's close and the groups seeing the notes may a note be shortened."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NoteShortened:
    seminar: Seminar
    note: Note  # with the moderator's text, marked as shortened
    before: str
    writer: Member | None  # None for a paper note or a writer who left


@dataclass(frozen=True, slots=True)
class NotesShown:
    seminar: Seminar
    deliveries: list[tuple[Member, Group, list[Note], list[Theme]]]


@dataclass(frozen=True, slots=True)
class InvalidThemeName:
    reason: str  # "empty" | "too_long" | "markup"


@dataclass(frozen=True, slots=True)
class ThemeLimitReached:
    """The person has proposed as many new themes in their group as one person may."""

    limit: int


@dataclass(frozen=True, slots=True)
class ThemeAdded:
    seminar: Seminar
    theme: Theme
    new: bool
    themes: list[Theme]


@dataclass(frozen=True, slots=True)
class VoteCard:
    seminar: Seminar
    group: Group
    note: Note | None
    index: int
    total: int
    themes: list[Theme]
    choice: int | None
    sorted_count: int


@dataclass(frozen=True, slots=True)
class VotingOpened:
    seminar: Seminar
    cards: list[tuple[Member, VoteCard]]
    sizes: dict[int, int]


@dataclass(frozen=True, slots=True)
class SettleCard:
    seminar: Seminar
    group: Group | None
    note: Note | None
    counts: dict[int, int]
    themes: list[Theme]
    remaining: int


@dataclass(frozen=True, slots=True)
class GroupResult:
    group: Group
    themes: list[tuple[Theme, list[tuple[Note, int]]]]
    unsorted: list[Note]


@dataclass(frozen=True, slots=True)
class Plenary:
    seminar: Seminar
    results: list[GroupResult]
    participants: list[Member]
    moderators: list[Member]


@dataclass(frozen=True, slots=True)
class DotCard:
    seminar: Seminar
    themes: list[tuple[Theme, Group | None]]
    mine: dict[int, int]
    refused: str | None = None
    page: int = 0  # which page of themes the card shows; the renderer keeps it in range

    @property
    def left(self) -> int:
        return self.seminar.dot_budget - sum(self.mine.values())


@dataclass(frozen=True, slots=True)
class DotsOpened:
    """Every participant starts from the same blank card."""

    seminar: Seminar
    card: DotCard
    voters: list[Member]


@dataclass(frozen=True, slots=True)
class DotsClosed:
    seminar: Seminar
    ranking: list[tuple[Theme, Group | None, int]]
    participants: list[Member] = field(default_factory=list)
    moderators: list[Member] = field(default_factory=list)


Refusal = NoSeminar | NotModerator | WrongPhase


# -- forming groups -----------------------------------------------------------------------


async def form_groups(
    deps: Deps,
    person: Person,
    *,
    everyone: bool = False,
    size: int | None = None,
    deal: bool = False,
) -> GroupsFormed | TooFewWriters | Refusal:
    """Splits the participants into random groups whose lists of notes each come from at least
    three writers; each group sorts its own members' notes where it can (rules.plan_groups)."""
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    if size is not None:
        seminar = dataclasses.replace(seminar, group_size=max(MIN_GROUP_SIZE, min(size, 50)))
    if seminar.phase is not Phase.GROUPING or await deps.store.groups(seminar.id):
        return WrongPhase(seminar)
    too_few = await too_few_writers(deps, seminar)
    if too_few is not None:
        return too_few
    members = await participants_of(deps, seminar)
    pseudonyms = {deps.keys.pseudonym(seminar.id, m.tg_id): m for m in members}
    writers = await note_writers(deps, seminar)
    seated = sorted(pseudonyms if everyone else set(pseudonyms) & set(writers.values()))
    rng = random.SystemRandom()
    plan = plan_groups(seated, writers, seminar.group_size, rng, deal=deal)
    if plan is None:
        # Enough notes, but nobody to sit with them (the writers left, or wrote on paper).
        return TooFewWriters(seminar, len(set(writers.values())), len(writers))
    if plan.dealt:
        await deps.store.set_deal_all_notes(seminar.id, True)
        seminar = dataclasses.replace(seminar, deal_all_notes=True)
    groups = await deps.store.create_groups(seminar.id, plan.tables, plan.notes)
    for preset in [t for t in await deps.store.themes(seminar.id) if t.group_id is None]:
        for group in groups:
            await deps.store.add_theme(seminar.id, group.id, preset.name, theme_key(preset.name))
    # Every note and writer was rewritten: the file is laid out afresh, the old copies gone.
    await deps.store.rebuild_file()
    index_of = {p: i for i, table in enumerate(plan.tables) for p in table}
    seats = [(pseudonyms[p], groups[index_of[p]]) for p in seated]
    paper = sum(1 for note, writer in writers.items() if writer == PAPER and note not in plan.notes)
    sizes = await deps.store.group_sizes(seminar.id)
    return GroupsFormed(seminar, groups, sizes, seats, paper)


async def place_paper_notes(
    deps: Deps, person: Person, group_id: int
) -> tuple[Seminar, Group, int] | Refusal:
    """Paper notes go to the group the moderator chooses."""
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    group = next((g for g in await deps.store.groups(seminar.id) if g.id == group_id), None)
    if group is None or seminar.phase not in (Phase.GROUPING, Phase.VOTING):
        return WrongPhase(seminar)
    placed = 0
    for note in await deps.store.seminar_notes(seminar.id):
        if note.paper and note.group_id is None:
            await deps.store.set_note_group(note.id, group.id)
            placed += 1
    return seminar, group, placed


async def seat_late_joiner(deps: Deps, seminar: Seminar, tg_id: int) -> Group | None:
    """Someone who joins after the groups were formed sits in the smallest group."""
    groups = await deps.store.groups(seminar.id)
    if not groups:
        return None
    sizes = await deps.store.group_sizes(seminar.id)
    smallest = min(groups, key=lambda g: (sizes.get(g.id, 0), g.number))
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, tg_id))
    if writer is None:
        return None
    if writer.group_id is None:
        await deps.store.update_writer(dataclasses.replace(writer, group_id=smallest.id))
        return smallest
    return next((g for g in groups if g.id == writer.group_id), None)


@dataclass(frozen=True, slots=True)
class CatchUp:
    """What a late joiner needs to take part in the group work already under way."""

    group: Group
    notes: list[Note]
    themes: list[Theme]
    card: VoteCard | None


async def catch_up(deps: Deps, seminar: Seminar, tg_id: int, group: Group) -> CatchUp | None:
    if not seminar.notes_revealed:
        return None
    notes = await deps.store.group_notes(group.id)
    random.SystemRandom().shuffle(notes)
    themes = await deps.store.themes(seminar.id, group.id)
    card = None
    if seminar.phase is Phase.VOTING:
        card = await _card(deps, seminar, group, deps.keys.pseudonym(seminar.id, tg_id), 0)
    return CatchUp(group, notes, themes, card)


# -- reviewing and showing the notes ------------------------------------------------------


async def review(
    deps: Deps, person: Person, seminar_id: int, index: int
) -> ReviewCard | TooFewWriters | Refusal:
    """The moderator's queue of notes before the groups see them; never with an author."""
    seminar = await deps.moderated_seminar(person, seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if seminar.phase is not Phase.GROUPING:
        return WrongPhase(seminar)
    too_few = await too_few_writers(deps, seminar)
    if too_few is not None:
        return too_few
    notes = [n for n in await deps.store.seminar_notes(seminar.id) if not n.hidden]
    note = notes[index] if 0 <= index < len(notes) else None
    return ReviewCard(seminar, note, index, len(notes))


ShortenRefusal = (
    NoteGone | NotModerator | NoSeminar | RoundStillOpen | ShorteningClosed | TooFewWriters
)


async def _shortenable(
    deps: Deps, person: Person, note_id: int
) -> tuple[Seminar, Note] | ShortenRefusal:
    found = await shown_note(deps, person, note_id)
    if not isinstance(found, tuple):
        return found
    seminar, note = found
    if note.hidden:
        return NoteGone()
    if not seminar.can_shorten:
        return ShorteningClosed(seminar)
    return seminar, note


async def ask_shorten(deps: Deps, person: Person, note_id: int) -> Note | ShortenRefusal:
    """The moderator's next message is the note's shorter text."""
    found = await _shortenable(deps, person, note_id)
    if not isinstance(found, tuple):
        return found
    await expect(deps, person, SetupStep.SHORTEN_NOTE, note=note_id)
    return found[1]


async def shorten(
    deps: Deps, person: Person, note_id: int, text: str
) -> NoteShortened | NoteTooLong | EmptyNote | ShortenRefusal:
    """Replaces a note's text with the moderator's shorter one, marked as such everywhere; the
    bot finds its writer to tell them the new wording. Checked again here: the groups may
    have seen the notes since the moderator pressed «Shorten». A text that cannot be a note
    leaves the moderator in the step to try again; anything else ends it."""
    found = await _shortenable(deps, person, note_id)
    text = one_line(text)
    if isinstance(found, tuple):
        if not text:
            return EmptyNote()
        if len(text) > deps.settings.note_max_length:
            return NoteTooLong(len(text), deps.settings.note_max_length)
    await expect(deps, person, SetupStep.NONE)
    if not isinstance(found, tuple):
        return found
    seminar, note = found
    await deps.store.shorten_note(note.id, text)
    shortened = dataclasses.replace(note, text=text, shortened=True)
    return NoteShortened(seminar, shortened, note.text, await writer_of(deps, seminar, note.id))


async def _enough_in_every_group(deps: Deps, seminar: Seminar) -> TooFewWriters | None:
    """Just before the groups see their notes: a note hidden or a person gone since the groups
    were formed may have left a group's list with fewer than three writers, and then the notes
    are dealt out again (rules.still_enough_writers); None once every list is safe to show."""
    if seminar.notes_revealed:
        return None
    writers = await note_writers(deps, seminar)
    groups = [g.id for g in await deps.store.groups(seminar.id)]
    placed = {
        n.id: n.group_id
        for n in await deps.store.seminar_notes(seminar.id)
        if n.group_id is not None and n.id in writers
    }
    notes = still_enough_writers(groups, placed, writers, random.SystemRandom())
    if notes is None:
        return TooFewWriters(seminar, len(set(writers.values())), len(writers))
    if notes != placed:
        await deps.store.regroup_notes(seminar.id, notes)
    return None


async def show_notes(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> NotesShown | NoGroupsYet | TooFewWriters | Refusal:
    seminar = await deps.moderated_seminar(person, seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if seminar.phase is not Phase.GROUPING:
        return WrongPhase(seminar)
    if not await deps.store.groups(seminar.id):
        return NoGroupsYet(seminar)
    too_few = await _enough_in_every_group(deps, seminar)
    if too_few is not None:
        return too_few
    if not await deps.store.set_notes_revealed(seminar.id):
        return WrongPhase(seminar)
    shown = await deps.store.seminar(seminar.id)
    assert shown is not None
    return NotesShown(shown, await _deliveries(deps, shown))


async def _deliveries(
    deps: Deps, seminar: Seminar
) -> list[tuple[Member, Group, list[Note], list[Theme]]]:
    groups = {g.id: g for g in await deps.store.groups(seminar.id)}
    result = []
    for member in await participants_of(deps, seminar):
        writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, member.tg_id))
        if writer is None or writer.group_id not in groups:
            continue
        notes = await deps.store.group_notes(writer.group_id)
        random.SystemRandom().shuffle(notes)
        themes = await deps.store.themes(seminar.id, writer.group_id)
        result.append((member, groups[writer.group_id], notes, themes))
    return result


# -- themes -------------------------------------------------------------------------------


def clean_theme_name(text: str) -> str | InvalidThemeName:
    name = one_line(text)
    if not name:
        return InvalidThemeName("empty")
    if len(name) > MAX_THEME_NAME:
        return InvalidThemeName("too_long")
    if "<" in name or ">" in name:
        return InvalidThemeName("markup")
    return name


async def _seat(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> tuple[Seminar, Group, Writer] | NotInGroup:
    """The seminar (the active one, or the one a button names), group and writer of a member."""
    if seminar_id is None:
        seminar = await deps.active_seminar(person)
    else:
        seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return NotInGroup()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None or writer.group_id is None:
        return NotInGroup()
    group = await deps.store.group(writer.group_id)
    if group is None or group.seminar_id != seminar.id:
        return NotInGroup()
    return seminar, group, writer


async def takes_theme_proposals(deps: Deps, person: Person) -> bool:
    """In the group work, a participant's message proposes a theme instead of being a note."""
    seat = await _seat(deps, person)
    if not isinstance(seat, tuple):
        return False
    seminar = seat[0]
    return seminar.phase is Phase.VOTING or (
        seminar.phase is Phase.GROUPING and seminar.notes_revealed
    )


def _proposing(seminar: Seminar) -> bool:
    return seminar.phase is Phase.VOTING or seminar.phase is Phase.GROUPING


async def propose_theme(
    deps: Deps, person: Person, text: str
) -> ThemeAdded | InvalidThemeName | ThemeLimitReached | PersonalDataFound | NotInGroup | PhaseOver:
    seat = await _seat(deps, person)
    if not isinstance(seat, tuple):
        return seat
    seminar, group, writer = seat
    if not _proposing(seminar):
        return PhaseOver(seminar)
    name = clean_theme_name(text)
    if isinstance(name, InvalidThemeName):
        return name
    if (full := await _theme_limit(deps, group, writer, name)) is not None:
        return full
    if (asked := question(seminar, name, HeldText.THEME)) is not None:
        await _set_held_theme(deps, writer, Awaiting.CONFIRM_THEME, name)
        return asked
    return await _add_theme(deps, seminar, group, writer, name)


async def _theme_limit(
    deps: Deps, group: Group, writer: Writer, name: str
) -> ThemeLimitReached | None:
    """One person cannot flood everyone's vote cards with themes; a name the group already
    has adds nothing, so it is always welcome."""
    limit = deps.settings.theme_proposals
    if writer.themes_proposed < limit:
        return None
    key = theme_key(name)
    themes = await deps.store.themes(group.seminar_id, group.id)
    if any(theme_key(theme.name) == key for theme in themes):
        return None
    return ThemeLimitReached(limit)


async def _add_theme(
    deps: Deps, seminar: Seminar, group: Group, writer: Writer, name: str
) -> ThemeAdded:
    """A new theme counts towards its proposer's limit."""
    key = theme_key(name)
    theme, new = await deps.store.add_theme(seminar.id, group.id, name, key, writer.pseudonym)
    return ThemeAdded(seminar, theme, new, await deps.store.themes(seminar.id, group.id))


async def _set_held_theme(deps: Deps, writer: Writer, awaiting: Awaiting, name: str | None) -> None:
    held = dataclasses.replace(
        writer, awaiting=awaiting, target_note_id=None, draft=name, draft_ref=None
    )
    await deps.store.update_writer(held)


async def _held_theme(
    deps: Deps, person: Person, seminar_id: int
) -> tuple[Seminar, Group, Writer, str] | NothingPending | NotInGroup:
    seat = await _seat(deps, person, seminar_id)
    if not isinstance(seat, tuple):
        return seat
    seminar, group, writer = seat
    if writer.awaiting is not Awaiting.CONFIRM_THEME or writer.draft is None:
        return NothingPending()
    return seminar, group, writer, writer.draft


async def keep_theme(
    deps: Deps, person: Person, seminar_id: int
) -> ThemeAdded | NothingPending | NotInGroup | PhaseOver:
    """The member confirmed that a theme name with a detail identifies nobody."""
    held = await _held_theme(deps, person, seminar_id)
    if not isinstance(held, tuple):
        return held
    seminar, group, writer, name = held
    await _set_held_theme(deps, writer, Awaiting.NOTE, None)
    if not _proposing(seminar):
        return PhaseOver(seminar)
    # Held names were measured against the limit when they came in.
    return await _add_theme(deps, seminar, group, writer, name)


async def drop_theme(
    deps: Deps, person: Person, seminar_id: int
) -> HeldDropped | NothingPending | NotInGroup:
    held = await _held_theme(deps, person, seminar_id)
    if not isinstance(held, tuple):
        return held
    await _set_held_theme(deps, held[2], Awaiting.NOTE, None)
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return HeldDropped(HeldText.THEME)


async def preset_theme(
    deps: Deps, person: Person, text: str
) -> ThemeAdded | InvalidThemeName | Refusal:
    """A theme the moderator offers every group (before or after the groups are formed)."""
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    if seminar.phase in (Phase.PLENARY, Phase.CLOSED):
        return WrongPhase(seminar)
    name = clean_theme_name(text)
    if isinstance(name, InvalidThemeName):
        return name
    theme, new = await deps.store.add_theme(seminar.id, None, name, theme_key(name))
    for group in await deps.store.groups(seminar.id):
        await deps.store.add_theme(seminar.id, group.id, name, theme_key(name))
    return ThemeAdded(seminar, theme, new, await deps.store.themes(seminar.id))


async def group_themes(
    deps: Deps, person: Person
) -> tuple[Seminar, list[tuple[Group | None, list[Theme]]]] | Refusal:
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    groups: list[Group | None] = [None, *await deps.store.groups(seminar.id)]
    listed = []
    for group in groups:
        themes = [
            t
            for t in await deps.store.themes(seminar.id, group.id if group else None)
            if (t.group_id is None) == (group is None)
        ]
        if themes:
            listed.append((group, themes))
    return seminar, listed


async def _moderated_theme(
    deps: Deps, person: Person, theme_id: int
) -> tuple[Seminar, Theme] | Refusal | None:
    found = await deps.store.theme(theme_id)
    if found is None or found[1] is not None:
        return None
    seminar = await deps.moderated_seminar(person, found[0].seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    return seminar, found[0]


async def rename_theme(
    deps: Deps, person: Person, theme_id: int, text: str
) -> Theme | InvalidThemeName | Refusal | None:
    target = await _moderated_theme(deps, person, theme_id)
    if not isinstance(target, tuple):
        return target
    name = clean_theme_name(text)
    if isinstance(name, InvalidThemeName):
        return name
    if not await deps.store.rename_theme(theme_id, name, theme_key(name)):
        return InvalidThemeName("taken")
    return dataclasses.replace(target[1], name=name)


async def merge_candidates(
    deps: Deps, person: Person, theme_id: int
) -> tuple[Theme, list[Theme]] | Refusal | None:
    target = await _moderated_theme(deps, person, theme_id)
    if not isinstance(target, tuple):
        return target
    seminar, theme = target
    others = [
        t
        for t in await deps.store.themes(seminar.id, theme.group_id)
        if t.id != theme.id and t.group_id == theme.group_id
    ]
    return theme, others


async def merge_themes(
    deps: Deps, person: Person, source_id: int, target_id: int
) -> tuple[Theme, Theme] | Refusal | None:
    """Merges two themes of the same group: every vote for one now counts for the other."""
    source = await _moderated_theme(deps, person, source_id)
    target = await _moderated_theme(deps, person, target_id)
    if not isinstance(source, tuple) or not isinstance(target, tuple):
        return source if not isinstance(source, tuple) else target  # type: ignore[return-value]
    if source[1].group_id != target[1].group_id or source_id == target_id:
        return None
    if (
        source[0].phase in (Phase.PLENARY, Phase.CLOSED)
        and source[0].dot_vote is not DotVote.NOT_STARTED
    ):
        return WrongPhase(source[0])
    await deps.store.merge_themes(source_id, target_id)
    return source[1], target[1]


# -- voting -------------------------------------------------------------------------------


async def open_voting(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> VotingOpened | NoGroupsYet | TooFewWriters | Refusal:
    seminar = await deps.moderated_seminar(person, seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if seminar.phase is Phase.GROUPING and not await deps.store.groups(seminar.id):
        return NoGroupsYet(seminar)
    if seminar.phase is Phase.GROUPING:
        too_few = await _enough_in_every_group(deps, seminar)
        if too_few is not None:
            return too_few
    if not await deps.store.set_phase(seminar.id, (Phase.GROUPING,), Phase.VOTING):
        return WrongPhase(seminar)
    await deps.store.set_notes_revealed(seminar.id)
    voting = await deps.store.seminar(seminar.id)
    assert voting is not None
    cards = []
    for member, group, _, _ in await _deliveries(deps, voting):
        card = await _card(deps, voting, group, deps.keys.pseudonym(voting.id, member.tg_id), 0)
        cards.append((member, card))
    return VotingOpened(voting, cards, await deps.store.group_sizes(voting.id))


async def _card(
    deps: Deps, seminar: Seminar, group: Group, voter: str, index: int, *, advance: bool = False
) -> VoteCard:
    notes = await deps.store.group_notes(group.id)
    themes = await deps.store.themes(seminar.id, group.id)
    mine = await deps.store.votes_of(voter)
    return _card_at(seminar, group, notes, themes, mine, index, advance=advance)


def _card_at(
    seminar: Seminar,
    group: Group,
    notes: list[Note],
    themes: list[Theme],
    mine: dict[int, int],
    index: int,
    *,
    advance: bool = False,
) -> VoteCard:
    """The card at index; with advance, the next one once that note has the voter's vote."""
    sorted_count = sum(1 for n in notes if n.id in mine)

    def at(position: int) -> VoteCard:
        position = max(0, min(position, len(notes) - 1)) if notes else 0
        note = notes[position] if notes else None
        choice = mine.get(note.id) if note else None
        return VoteCard(seminar, group, note, position, len(notes), themes, choice, sorted_count)

    card = at(index)
    if advance and card.index + 1 < card.total and card.choice is not None:
        return at(index + 1)
    return card


async def vote_card(
    deps: Deps, person: Person, seminar_id: int, index: int
) -> VoteCard | NotInGroup | PhaseOver:
    seat = await _seat(deps, person)
    if not isinstance(seat, tuple) or seat[0].id != seminar_id:
        return NotInGroup()
    seminar, group, writer = seat
    if seminar.phase is not Phase.VOTING:
        return PhaseOver(seminar)
    return await _card(deps, seminar, group, writer.pseudonym, index)


async def cast_vote(
    deps: Deps, person: Person, note_id: int, theme_id: int, index: int
) -> VoteCard | NotInGroup | PhaseOver:
    """Sorts one note into a theme; a later vote on the same note replaces the earlier one."""
    seat = await _seat(deps, person)
    if not isinstance(seat, tuple):
        return seat
    seminar, group, writer = seat
    if seminar.phase is not Phase.VOTING:
        return PhaseOver(seminar)
    voter = writer.pseudonym
    # The card's own notes and themes are the check: only this group's visible notes and live
    # themes can be chosen, and the card after the vote is built from the same rows.
    notes = await deps.store.group_notes(group.id)
    themes = await deps.store.themes(seminar.id, group.id)
    if note_id not in {n.id for n in notes}:
        return NotInGroup()
    # Read before the write, so the write lock is not held for it: only this voter's own
    # updates change their votes, and those run one after another.
    mine = await deps.store.votes_of(voter)
    if theme_id not in {t.id for t in themes}:
        found_theme = await deps.store.theme(theme_id)
        if found_theme is None or found_theme[0].group_id != group.id or found_theme[1] is None:
            return NotInGroup()
        # The theme was merged away while the card was open: show the card again, unchanged.
        return _card_at(seminar, group, notes, themes, mine, index)
    await deps.store.set_vote(note_id, voter, theme_id)
    mine[note_id] = theme_id
    return _card_at(seminar, group, notes, themes, mine, index, advance=True)


# -- settling ties ------------------------------------------------------------------------


Outcome = dict[int, tuple[Note, dict[int, int], int | None]]


async def _outcomes(
    deps: Deps, seminar: Seminar, notes: list[Note] | None = None
) -> list[tuple[Group, Outcome, list[Theme]]]:
    """For every group and each of its notes: the votes per theme and the theme it ends in
    (or None). Four queries, however many groups; three if the seminar's notes are at hand."""
    themes = await deps.store.themes(seminar.id)
    votes = await deps.store.sorting_votes(seminar.id)
    by_group: dict[int, list[Note]] = {}
    for note in notes if notes is not None else await deps.store.seminar_notes(seminar.id):
        if note.group_id is not None and not note.hidden:
            by_group.setdefault(note.group_id, []).append(note)
    found = []
    for group in await deps.store.groups(seminar.id):
        outcome: Outcome = {}
        for note in by_group.get(group.id, []):
            tally = tally_note(votes.get(note.id, []))
            theme = note.settled_theme_id if note.settled else tally.winner
            outcome[note.id] = (note, dict(tally.counts), theme)
        found.append((group, outcome, [t for t in themes if t.group_id == group.id]))
    return found


def _can_settle(seminar: Seminar) -> bool:
    """Ties are settled from the voting until the dot vote starts: once dots are given, a theme
    must not lose its notes (and with them its place in the vote)."""
    return (
        seminar.phase in (Phase.VOTING, Phase.PLENARY) and seminar.dot_vote is DotVote.NOT_STARTED
    )


async def next_to_settle(deps: Deps, person: Person) -> SettleCard | Refusal:
    """Ties and notes nobody sorted, one at a time, for the moderator to decide."""
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    if not _can_settle(seminar):
        return WrongPhase(seminar)
    queue: list[tuple[Group, Note, dict[int, int], list[Theme]]] = []
    for group, outcome, themes in await _outcomes(deps, seminar):
        for note, counts, theme in outcome.values():
            if theme is None and not note.settled:
                queue.append((group, note, counts, themes))
    if not queue:
        return SettleCard(seminar, None, None, {}, [], 0)
    group, note, counts, themes = queue[0]
    return SettleCard(seminar, group, note, counts, themes, len(queue))


async def settle(
    deps: Deps, person: Person, note_id: int, theme_id: int | None
) -> SettleCard | Refusal | None:
    found = await deps.store.note(note_id)
    if found is None:
        return None
    seminar = await deps.moderated_seminar(person, found[0].seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if not _can_settle(seminar):
        return WrongPhase(seminar)
    if theme_id is not None:
        theme = await deps.store.theme(theme_id)
        if theme is None or theme[1] is not None or theme[0].group_id != found[0].group_id:
            return None
    await deps.store.settle_note(note_id, theme_id)
    return await next_to_settle(deps, person)


# -- plenary and dots ---------------------------------------------------------------------


def _ranked(themes: Iterable[tuple[Theme, int]]) -> list[Theme]:
    """A group's themes that hold notes, the fullest first: the order of plenary and dot card."""
    held = [(theme, count) for theme, count in themes if count]
    held.sort(key=lambda item: (-item[1], item[0].name.casefold()))
    return [theme for theme, _ in held]


def _results(outcomes: list[tuple[Group, Outcome, list[Theme]]]) -> list[GroupResult]:
    found = []
    for group, outcome, themes in outcomes:
        by_theme: dict[int, list[tuple[Note, int]]] = {t.id: [] for t in themes}
        unsorted = []
        for note, counts, theme in outcome.values():
            if theme is None or theme not in by_theme:
                unsorted.append(note)
            else:
                by_theme[theme].append((note, counts.get(theme, 0)))
        listed = [(t, by_theme[t.id]) for t in _ranked((t, len(by_theme[t.id])) for t in themes)]
        found.append(GroupResult(group, listed, unsorted))
    return found


async def results(
    deps: Deps, seminar: Seminar, notes: list[Note] | None = None
) -> list[GroupResult]:
    """Every group's themes with their notes and vote counts; empty themes disappear.
    `notes`, if given, are all of the seminar's notes in id order."""
    return _results(await _outcomes(deps, seminar, notes))


async def open_plenary(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> Plenary | NoGroupsYet | TooFewWriters | Refusal:
    seminar = await deps.moderated_seminar(person, seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if seminar.phase is Phase.GROUPING:
        return NoGroupsYet(seminar)
    too_few = await too_few_writers(deps, seminar)  # people who left took their notes along
    if too_few is not None:
        return too_few
    outcomes = await _outcomes(deps, seminar)
    winners = {
        note.id: theme
        for _, outcome, _ in outcomes
        for note, _, theme in outcome.values()
        if theme is not None and not note.settled
    }
    if not await deps.store.open_plenary(seminar.id, winners):
        return WrongPhase(seminar)
    await deps.store.rebuild_file()  # every note was rewritten with its theme
    plenary = await deps.store.seminar(seminar.id)
    assert plenary is not None
    return Plenary(
        plenary,
        _results(outcomes),
        await participants_of(deps, plenary),
        await deps.moderators(plenary.id),
    )


async def _dot_themes(deps: Deps, seminar: Seminar) -> list[tuple[Theme, Group | None]]:
    """The plenary's themes in its order, from the outcome written down when voting ended."""
    by_group: dict[int, tuple[Group, list[tuple[Theme, int]]]] = {}
    for theme, group, count in await deps.store.settled_themes(seminar.id):
        by_group.setdefault(group.id, (group, []))[1].append((theme, count))
    return [(theme, group) for group, held in by_group.values() for theme in _ranked(held)]


async def open_dots(deps: Deps, person: Person) -> DotsOpened | Refusal:
    seminar = await deps.moderated_seminar(person)
    if not isinstance(seminar, Seminar):
        return seminar
    if seminar.phase is not Phase.PLENARY or not await deps.store.set_dot_vote(
        seminar.id, DotVote.NOT_STARTED, DotVote.OPEN
    ):
        return WrongPhase(seminar)
    opened = await deps.store.seminar(seminar.id)
    assert opened is not None
    card = DotCard(opened, await _dot_themes(deps, opened), {})
    return DotsOpened(opened, card, await participants_of(deps, opened))


async def _dot_ballot(
    deps: Deps, person: Person, seminar_id: int
) -> tuple[Seminar, str, list[tuple[Theme, Group | None]], dict[int, int]] | NotInGroup | PhaseOver:
    """The seminar, the voter's pseudonym, the card's themes and the voter's dots, once the
    person is a participant and the dot vote is open."""
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return NotInGroup()
    voter = deps.keys.pseudonym(seminar.id, person.tg_id)
    if await deps.store.writer(seminar.id, voter) is None:
        return NotInGroup()
    if seminar.dot_vote is not DotVote.OPEN:
        return PhaseOver(seminar)
    themes = await _dot_themes(deps, seminar)
    return seminar, voter, themes, await deps.store.dots_of(seminar.id, voter)


async def dot_page(
    deps: Deps, person: Person, seminar_id: int, page: int
) -> DotCard | PhaseOver | NotInGroup:
    """Another page of the dot card's themes."""
    found = await _dot_ballot(deps, person, seminar_id)
    if not isinstance(found, tuple):
        return found
    seminar, _, themes, mine = found
    return DotCard(seminar, themes, mine, page=page)


async def change_dots(
    deps: Deps, person: Person, seminar_id: int, theme_id: int, change: int, page: int = 0
) -> DotCard | PhaseOver | NotInGroup:
    """Adds or withdraws one dot; tallies stay hidden until the vote closes."""
    found = await _dot_ballot(deps, person, seminar_id)
    if not isinstance(found, tuple):
        return found
    seminar, voter, themes, mine = found
    if theme_id not in {t.id for t, _ in themes}:
        return DotCard(seminar, themes, mine, "gone", page)
    try:
        check_dots(mine, theme_id, change, seminar.dot_budget, seminar.dot_max_per_theme)
    except DotError as refused:
        return DotCard(seminar, themes, mine, refused.reason, page)
    await deps.store.change_dots(seminar.id, voter, theme_id, change)
    # The voter's dots as read before the write, and the one just given or taken back: only
    # the voter's own presses change them, one after another, and a press handled twice
    # rolls back (the dot is keyed by the press). No read under the write lock.
    return DotCard(seminar, themes, dots_after(mine, theme_id, change), page=page)


async def close_dots(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> DotsClosed | Refusal:
    seminar = await deps.moderated_seminar(person, seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if not await deps.store.set_dot_vote(seminar.id, DotVote.OPEN, DotVote.CLOSED):
        return WrongPhase(seminar)
    closed = await deps.store.seminar(seminar.id)
    assert closed is not None
    totals = await deps.store.dot_totals(closed.id)
    ranking = [(t, g, totals.get(t.id, 0)) for t, g in await _dot_themes(deps, closed)]
    ranking.sort(key=lambda item: (-item[2], item[0].name.casefold()))
    return DotsClosed(
        closed, ranking, await participants_of(deps, closed), await deps.moderators(closed.id)
    )
