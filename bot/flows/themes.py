"""Each group sorts its notes into themes by voting; the moderator offers, renames and merges
themes and settles ties.

Votes are stored only by pseudonym; moderators see counts, never who voted for what.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot.domain import Awaiting, DotVote, Group, Member, Note, Person, Phase, Seminar, Theme, Writer
from bot.flows.answering import NothingPending
from bot.flows.clean_text import one_line
from bot.flows.deps import Deps, NoSeminar, NotModerator
from bot.flows.groups import (
    NoGroupsYet,
    NotInGroup,
    PhaseOver,
    VoteCard,
    card_at,
    deliveries,
    enough_in_every_group,
    voter_card,
)
from bot.flows.personal_data import HeldDropped, HeldText, PersonalDataFound, question
from bot.flows.rules import tally_note, theme_key
from bot.flows.setup import TooFewWriters, WrongPhase

__all__ = [
    "MAX_THEME_NAME",
    "InvalidThemeName",
    "SettleCard",
    "ThemeAdded",
    "ThemeLimitReached",
    "VotingOpened",
]

MAX_THEME_NAME = 40


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


Refusal = NoSeminar | NotModerator | WrongPhase


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
        too_few = await enough_in_every_group(deps, seminar)
        if too_few is not None:
            return too_few
    if not await deps.store.set_phase(seminar.id, (Phase.GROUPING,), Phase.VOTING):
        return WrongPhase(seminar)
    await deps.store.set_notes_revealed(seminar.id)
    voting = await deps.store.seminar(seminar.id)
    assert voting is not None
    cards = []
    for member, group, _, _ in await deliveries(deps, voting):
        card = await voter_card(
            deps, voting, group, deps.keys.pseudonym(voting.id, member.tg_id), 0
        )
        cards.append((member, card))
    return VotingOpened(voting, cards, await deps.store.group_sizes(voting.id))


async def vote_card(
    deps: Deps, person: Person, seminar_id: int, index: int
) -> VoteCard | NotInGroup | PhaseOver:
    seat = await _seat(deps, person)
    if not isinstance(seat, tuple) or seat[0].id != seminar_id:
        return NotInGroup()
    seminar, group, writer = seat
    if seminar.phase is not Phase.VOTING:
        return PhaseOver(seminar)
    return await voter_card(deps, seminar, group, writer.pseudonym, index)


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
        return card_at(seminar, group, notes, themes, mine, index)
    await deps.store.set_vote(note_id, voter, theme_id)
    mine[note_id] = theme_id
    return card_at(seminar, group, notes, themes, mine, index, advance=True)


# -- settling ties ------------------------------------------------------------------------


Outcome = dict[int, tuple[Note, dict[int, int], int | None]]


async def note_outcomes(
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
    for group, outcome, themes in await note_outcomes(deps, seminar):
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
