"""Participants sit in groups whose notes come from enough writers; the moderator reviews and
shortens the notes before each group sees its own.

Who sits in which group is stored only by pseudonym; moderators see group sizes and counts,
never who is where. The vote card is built here, since a late joiner gets one too.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from bot.domain import Back, Group, Member, Note, Person, Seminar, Theme, Writer, way_back
from bot.expectations import Expectation, Expecting, NoteToShorten
from bot.flows.answering import EmptyNote, NoteTooLong, writer_of
from bot.flows.clean_text import one_line
from bot.flows.deps import Deps
from bot.flows.refusals import (
    Gone,
    GoneThing,
    NoGroupsYet,
    Refusal,
    RoundStillOpen,
    ShorteningClosed,
    WrongPhase,
)
from bot.flows.rules import PAPER, plan_groups, still_enough_writers, theme_key
from bot.flows.setup import TooFewWriters, note_writers, participants_of, too_few_writers
from bot.store.themes import OpenCard

__all__ = [
    "CardToRefresh",
    "GroupDelivery",
    "GroupsFormed",
    "NoteShortened",
    "NotesShown",
    "PaperPlaced",
    "PaperStays",
    "ReviewCard",
    "Seated",
    "VoteCard",
]

MIN_GROUP_SIZE = 3


@dataclass(frozen=True, slots=True)
class Seated:
    """Who is told which group they sit in."""

    member: Member
    group: Group


@dataclass(frozen=True, slots=True)
class GroupsFormed:
    seminar: Seminar
    groups: list[Group]
    sizes: dict[int, int]
    seats: list[Seated]
    paper_notes: int  # paper notes dealt out to the groups with the others


@dataclass(frozen=True, slots=True)
class PaperPlaced:
    seminar: Seminar
    group: Group
    placed: int


@dataclass(frozen=True, slots=True)
class PaperStays:
    """The groups have their notes, paper ones included: those stay where they are."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class ReviewCard:
    seminar: Seminar
    note: Note | None
    index: int
    total: int


@dataclass(frozen=True, slots=True)
class Shortenable:
    """A note the moderator may shorten now, and its seminar."""

    seminar: Seminar
    note: Note


@dataclass(frozen=True, slots=True)
class NoteShortened:
    seminar: Seminar
    note: Note  # with the moderator's text, marked as shortened
    before: str
    writer: Member | None  # None for a paper note or a writer who left


@dataclass(frozen=True, slots=True)
class GroupDelivery:
    """What one member gets when the groups see their notes: their group's notes and themes."""

    member: Member
    group: Group
    notes: list[Note]
    themes: list[Theme]


@dataclass(frozen=True, slots=True)
class NotesShown:
    seminar: Seminar
    deliveries: list[GroupDelivery]


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


# -- forming groups -----------------------------------------------------------------------


async def form_groups(
    deps: Deps,
    person: Person,
    *,
    everyone: bool = False,
    size: int | None = None,
    deal: bool = False,
) -> GroupsFormed | TooFewWriters:
    """Splits the participants into random groups whose lists of notes each come from at least
    three writers; each group sorts its own members' notes where it can (rules.plan_groups)."""
    seminar = await deps.moderating(person)
    if size is not None:
        seminar = dataclasses.replace(seminar, group_size=max(MIN_GROUP_SIZE, min(size, 50)))
    if not seminar.grouping or await deps.store.groups(seminar.id):
        raise WrongPhase(seminar)
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
    seats = [Seated(pseudonyms[p], groups[index_of[p]]) for p in seated]
    paper = sum(1 for note, writer in writers.items() if writer == PAPER and note in plan.notes)
    sizes = await deps.store.group_sizes(seminar.id)
    return GroupsFormed(seminar, groups, sizes, seats, paper)


async def dissolve_groups(deps: Deps, person: Person, seminar_id: int | None = None) -> Seminar:
    """The way back from forming the groups, safe until a group has seen its notes: then
    nobody has read or sorted anything in a group yet."""
    seminar = await deps.moderating(person, seminar_id)
    if way_back(seminar, bool(await deps.store.groups(seminar.id))) is not Back.REFORM_GROUPS:
        raise WrongPhase(seminar)
    await deps.store.dissolve_groups(seminar.id)
    dissolved = await deps.store.seminar(seminar.id)
    assert dissolved is not None
    return dissolved


async def place_paper_notes(deps: Deps, person: Person, group_id: int) -> PaperPlaced | PaperStays:
    """All paper notes go to the group the moderator chooses instead of being dealt out, as
    long as the groups have not seen their notes (enough_in_every_group checks the lists
    again before they do). A paper note no group has yet goes there at any step of sorting."""
    seminar = await deps.moderating(person)
    group = next((g for g in await deps.store.groups(seminar.id) if g.id == group_id), None)
    if group is None or not (seminar.grouping or seminar.voting):
        raise WrongPhase(seminar)
    placed = 0
    for note in await deps.store.seminar_notes(seminar.id):
        movable = note.group_id is None or not seminar.notes_revealed
        if not (note.paper and movable):
            continue
        if note.group_id != group.id:
            await deps.store.set_note_group(note.id, group.id)
        placed += 0 if note.hidden else 1
    if not placed and seminar.notes_revealed:
        return PaperStays(seminar)
    return PaperPlaced(seminar, group, placed)


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
    # In the order of the vote cards (note ids are random), so a list's number is its card's.
    notes = await deps.store.group_notes(group.id)
    themes = await deps.store.themes(seminar.id, group.id)
    card = None
    if seminar.voting:
        card = await voter_card(deps, seminar, group, deps.keys.pseudonym(seminar.id, tg_id), 0)
    return CatchUp(group, notes, themes, card)


# -- reviewing and showing the notes ------------------------------------------------------


async def review(
    deps: Deps, person: Person, seminar_id: int, index: int
) -> ReviewCard | TooFewWriters:
    """The moderator's queue of notes before the groups see them; never with an author."""
    seminar = await deps.moderating(person, seminar_id)
    if not seminar.grouping:
        raise WrongPhase(seminar)
    too_few = await too_few_writers(deps, seminar)
    if too_few is not None:
        return too_few
    notes = [n for n in await deps.store.seminar_notes(seminar.id) if not n.hidden]
    note = notes[index] if 0 <= index < len(notes) else None
    return ReviewCard(seminar, note, index, len(notes))


async def _shortenable(deps: Deps, person: Person, note_id: int) -> Shortenable | TooFewWriters:
    """The note, if the moderator may shorten it now: it is still shown, the round is closed
    (and, as for every list of notes, at least three people wrote), and the groups have not
    seen the notes yet."""
    found = await deps.store.note(note_id)
    if found is None:
        raise Gone(GoneThing.NOTE)
    note, _ = found
    seminar = await deps.moderating(person, note.seminar_id)
    if not seminar.notes_released:
        raise RoundStillOpen(seminar)
    too_few = await too_few_writers(deps, seminar)
    if too_few is not None:
        return too_few
    if note.hidden:
        raise Gone(GoneThing.NOTE)
    if not seminar.can_shorten:
        raise ShorteningClosed(seminar)
    return Shortenable(seminar, note)


async def ask_shorten(deps: Deps, person: Person, note_id: int) -> Note | TooFewWriters:
    """The moderator's next message is the note's shorter text."""
    found = await _shortenable(deps, person, note_id)
    if isinstance(found, TooFewWriters):
        return found
    await deps.store.expect(
        person.tg_id, Expectation(Expecting.SHORTEN_NOTE, NoteToShorten(note_id))
    )
    return found.note


async def shorten(
    deps: Deps, person: Person, note_id: int, text: str
) -> NoteShortened | NoteTooLong | EmptyNote | TooFewWriters:
    """Replaces a note's text with the moderator's shorter one, marked as such everywhere; the
    bot finds its writer to tell them the new wording. Checked again here: the note may be gone
    and the groups may have seen the notes since the moderator pressed «Shorten». A text that
    cannot be a note leaves the moderator in the step to try again; anything else ends it,
    a refusal too."""
    try:
        found = await _shortenable(deps, person, note_id)
    except Refusal:
        await deps.store.expect(person.tg_id)
        raise
    text = one_line(text)
    if isinstance(found, Shortenable):
        if not text:
            return EmptyNote()
        if len(text) > deps.settings.note_max_length:
            return NoteTooLong(len(text), deps.settings.note_max_length)
    await deps.store.expect(person.tg_id)
    if isinstance(found, TooFewWriters):
        return found
    seminar, note = found.seminar, found.note
    await deps.store.shorten_note(note.id, text)
    shortened = dataclasses.replace(note, text=text, shortened=True)
    return NoteShortened(seminar, shortened, note.text, await writer_of(deps, seminar, note.id))


async def enough_in_every_group(deps: Deps, seminar: Seminar) -> TooFewWriters | None:
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
) -> NotesShown | TooFewWriters:
    seminar = await deps.moderating(person, seminar_id)
    if not seminar.grouping:
        raise WrongPhase(seminar)
    if not await deps.store.groups(seminar.id):
        raise NoGroupsYet(seminar)
    too_few = await enough_in_every_group(deps, seminar)
    if too_few is not None:
        return too_few
    if not await deps.store.set_notes_revealed(seminar.id):
        raise WrongPhase(seminar)
    shown = await deps.store.seminar(seminar.id)
    assert shown is not None
    return NotesShown(shown, await deliveries(deps, shown))


async def deliveries(deps: Deps, seminar: Seminar) -> list[GroupDelivery]:
    """Each seated participant's group, with its notes (in the vote cards' order: note ids
    are random) and its themes."""
    groups = {g.id: g for g in await deps.store.groups(seminar.id)}
    result = []
    for member in await participants_of(deps, seminar):
        writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, member.tg_id))
        if writer is None or writer.group_id not in groups:
            continue
        notes = await deps.store.group_notes(writer.group_id)
        themes = await deps.store.themes(seminar.id, writer.group_id)
        result.append(GroupDelivery(member, groups[writer.group_id], notes, themes))
    return result


# -- vote cards -----------------------------------------------------------------------------------


async def voter_card(
    deps: Deps, seminar: Seminar, group: Group, voter: str, index: int, *, advance: bool = False
) -> VoteCard:
    notes = await deps.store.group_notes(group.id)
    themes = await deps.store.themes(seminar.id, group.id)
    mine = await deps.store.votes_of(voter)
    return card_at(seminar, group, notes, themes, mine, index, advance=advance)


def card_at(
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


# -- open vote cards, kept up to date -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardToRefresh:
    """A member's open vote card (its message), as it should look now."""

    member: Member
    message_id: int
    card: VoteCard


async def remember_card(deps: Deps, writer: Writer, message_id: int | None, index: int) -> None:
    """The card in this message, at this note, is the member's open card from now on."""
    if message_id is None:
        return
    if writer.card_message == message_id and writer.card_index == index:
        return
    await deps.store.save_cards(writer.seminar_id, [OpenCard(writer.pseudonym, message_id, index)])


async def cards_sent(deps: Deps, seminar_id: int, sent: list[tuple[int, int, int]]) -> None:
    """The first cards, sent when the voting opened: (person, message id, note index) each."""
    cards = [
        OpenCard(deps.keys.pseudonym(seminar_id, tg_id), message_id, index)
        for tg_id, message_id, index in sent
    ]
    await deps.store.save_cards(seminar_id, cards)


async def cards_to_refresh(
    deps: Deps, seminar_id: int, group_id: int | None
) -> list[CardToRefresh]:
    """The open vote cards of a group (None: of every group) with the group's current themes;
    none once the voting is over."""
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None or not seminar.voting:
        return []
    groups = [g for g in await deps.store.groups(seminar.id) if group_id in (None, g.id)]
    found: dict[str, tuple[Group, OpenCard]] = {}
    for group in groups:
        for open_card in await deps.store.open_cards(group.id):
            found[open_card.pseudonym] = (group, open_card)
    if not found:
        return []
    shown: dict[int, tuple[list[Note], list[Theme]]] = {}
    refreshed = []
    for member in await participants_of(deps, seminar):
        pseudonym = deps.keys.pseudonym(seminar.id, member.tg_id)
        if pseudonym not in found:
            continue
        group, open_card = found[pseudonym]
        if group.id not in shown:
            shown[group.id] = (
                await deps.store.group_notes(group.id),
                await deps.store.themes(seminar.id, group.id),
            )
        notes, themes = shown[group.id]
        mine = await deps.store.votes_of(pseudonym)
        card = card_at(seminar, group, notes, themes, mine, open_card.note_index)
        refreshed.append(CardToRefresh(member, open_card.message_id, card))
    return refreshed
