"""Each group sorts its notes into themes by voting; the moderator offers, renames and merges
themes and settles ties.

Votes are stored only by pseudonym; moderators see counts, never who voted for what.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from bot.domain import (
    DotVote,
    Group,
    Member,
    Note,
    Person,
    Phase,
    Seminar,
    Theme,
    Writer,
    sources_of,
)
from bot.expectations import Awaiting, Expectation, Expecting, ThemeToPropose, ThemeToRename
from bot.flows.answering import NothingPending
from bot.flows.clean_text import one_line
from bot.flows.deps import Deps
from bot.flows.groups import (
    GroupDelivery,
    VoteCard,
    card_at,
    deliveries,
    enough_in_every_group,
    remember_card,
    voter_card,
)
from bot.flows.personal_data import HeldDropped, HeldText, PersonalDataFound, question
from bot.flows.refusals import (
    Gone,
    GoneThing,
    NoGroupsYet,
    NotInGroup,
    PhaseOver,
    Refusal,
    WrongPhase,
)
from bot.flows.rules import tally_note, theme_key
from bot.flows.setup import TooFewWriters

__all__ = [
    "MAX_THEME_NAME",
    "AskedTheme",
    "GroupOutcome",
    "GroupThemes",
    "InvalidThemeName",
    "MergeChoices",
    "NoteOutcome",
    "SettleCard",
    "ThemeAdded",
    "ThemeLimitReached",
    "ThemeNameProblem",
    "ThemesMerged",
    "ThemesOverview",
    "VotingOpened",
]

MAX_THEME_NAME = 40


class ThemeNameProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    MARKUP = "markup"  # < or >, which the messages' HTML would take for a tag
    TAKEN = "taken"  # another theme of the group has the name


@dataclass(frozen=True, slots=True)
class InvalidThemeName:
    reason: ThemeNameProblem


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
    voted: bool = False  # the note of the card the member proposed it from went into it


@dataclass(frozen=True, slots=True)
class AskedTheme:
    """A member pressed «New theme»: their next text names it (and, from a card, takes the
    card's note into it)."""

    seminar: Seminar
    note: Note | None


@dataclass(frozen=True, slots=True)
class GroupThemes:
    """The live themes of one group, or (group None) those offered to every group."""

    group: Group | None
    themes: list[Theme]


@dataclass(frozen=True, slots=True)
class ThemesOverview:
    seminar: Seminar
    listed: list[GroupThemes]


@dataclass(frozen=True, slots=True)
class MergeChoices:
    """The themes of the same group that a theme can be merged into."""

    theme: Theme
    others: list[Theme]


@dataclass(frozen=True, slots=True)
class ThemesMerged:
    source: Theme
    target: Theme


@dataclass(frozen=True, slots=True)
class VotingOpened:
    seminar: Seminar
    cards: list[tuple[Member, VoteCard]]  # each participant's first card
    sizes: dict[int, int]
    # Each member's list of their group's notes, when the groups had not seen them before.
    lists: list[GroupDelivery] = dataclasses.field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SettleCard:
    seminar: Seminar
    group: Group | None
    note: Note | None
    counts: dict[int, int]
    themes: list[Theme]
    remaining: int


@dataclass(frozen=True, slots=True)
class _Seat:
    """A member's seminar, group and answering state."""

    seminar: Seminar
    group: Group
    writer: Writer


@dataclass(frozen=True, slots=True)
class _ModeratedTheme:
    seminar: Seminar
    theme: Theme


@dataclass(frozen=True, slots=True)
class _Held:
    """A theme name with a personal detail, held until its proposer decides."""

    seat: _Seat
    name: str


@dataclass(frozen=True, slots=True)
class NoteOutcome:
    """Where the votes, or the moderator, put one note."""

    note: Note
    counts: dict[int, int]  # votes per theme id
    theme: int | None  # the theme it ends in; None for a tie or a note nobody sorted


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    group: Group
    notes: list[NoteOutcome]
    themes: list[Theme]


# -- themes -------------------------------------------------------------------------------


def clean_theme_name(text: str) -> str | InvalidThemeName:
    name = one_line(text)
    if not name:
        return InvalidThemeName(ThemeNameProblem.EMPTY)
    if len(name) > MAX_THEME_NAME:
        return InvalidThemeName(ThemeNameProblem.TOO_LONG)
    if "<" in name or ">" in name:
        return InvalidThemeName(ThemeNameProblem.MARKUP)
    return name


async def _seat(deps: Deps, person: Person, seminar_id: int | None = None) -> _Seat:
    """The seminar (the active one, or the one a button names), group and writer of a member;
    anybody who sits in no group of it is refused."""
    if seminar_id is None:
        seminar = await deps.active_seminar(person)
    else:
        seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        raise NotInGroup()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None or writer.group_id is None:
        raise NotInGroup()
    group = await deps.store.group(writer.group_id)
    if group is None or group.seminar_id != seminar.id:
        raise NotInGroup()
    return _Seat(seminar, group, writer)


async def ask_theme(deps: Deps, person: Person, seminar_id: int, note_id: int) -> AskedTheme:
    """«New theme»: the member's next text is the name of a theme for their group. Pressed on
    a vote card, the card's note goes into it once it is there."""
    seat = await _seat(deps, person, seminar_id)
    if not seat.seminar.proposing:
        raise PhaseOver(seat.seminar)
    note = None
    if note_id and seat.seminar.voting:
        note = next(
            (n for n in await deps.store.group_notes(seat.group.id) if n.id == note_id), None
        )
    draft = ThemeToPropose(seat.seminar.id, seat.group.id, note.id if note else 0)
    await deps.store.expect(person.tg_id, Expectation(Expecting.THEME, draft))
    return AskedTheme(seat.seminar, note)


async def cancel_theme(deps: Deps, person: Person) -> None:
    """«Cancel» on the question for a theme's name: the member's next text is theirs again."""
    user = await deps.store.user(person.tg_id)
    if user is not None and user.expectation.kind is Expecting.THEME:
        await deps.store.expect(person.tg_id)


async def propose_theme(
    deps: Deps, person: Person, draft: ThemeToPropose, text: str
) -> ThemeAdded | InvalidThemeName | ThemeLimitReached | PersonalDataFound:
    """The name a member sent after «New theme». A name a theme cannot have, or one held for
    the personal-data question, leaves them in the step (to try again, or to send another
    name after deleting the held one); anything else ends it (a refusal too:
    `handlers/table.on_text`)."""
    seat = await _seat(deps, person, draft.seminar)
    if not seat.seminar.proposing:
        raise PhaseOver(seat.seminar)
    name = clean_theme_name(text)
    if isinstance(name, InvalidThemeName):
        return name
    if await _over_theme_limit(deps, seat, name):
        await deps.store.expect(person.tg_id)
        return ThemeLimitReached(deps.settings.theme_proposals)
    if (asked := question(seat.seminar, name, HeldText.THEME)) is not None:
        # The step goes on: a name deleted after the question can be sent again at once.
        await _hold_theme(deps, seat.writer, name, draft.note)
        return asked
    await deps.store.expect(person.tg_id)
    return await _add_theme(deps, seat, name, draft.note)


async def _over_theme_limit(deps: Deps, seat: _Seat, name: str) -> bool:
    """One person cannot flood everyone's vote cards with themes; a name the group already
    has adds nothing, so it is always welcome."""
    if seat.writer.themes_proposed < deps.settings.theme_proposals:
        return False
    key = theme_key(name)
    themes = await deps.store.themes(seat.seminar.id, seat.group.id)
    return not any(theme_key(theme.name) == key for theme in themes)


async def _add_theme(deps: Deps, seat: _Seat, name: str, note_id: int = 0) -> ThemeAdded:
    """A new theme counts towards its proposer's limit. The note of the card it was proposed
    from goes into it, if the group still sorts that note."""
    seminar, group = seat.seminar, seat.group
    key = theme_key(name)
    # Read before the write, so the write lock is not held for it.
    notes = await deps.store.group_notes(group.id) if note_id and seminar.voting else []
    theme, new = await deps.store.add_theme(seminar.id, group.id, name, key, seat.writer.pseudonym)
    voted = any(note.id == note_id for note in notes)
    if voted:
        await deps.store.set_vote(note_id, seat.writer.pseudonym, theme.id)
    themes = await deps.store.themes(seminar.id, group.id)
    return ThemeAdded(seminar, theme, new, themes, voted)


async def _hold_theme(deps: Deps, writer: Writer, name: str | None, note_id: int = 0) -> None:
    """Holds a theme name (and the note to put into it) until its proposer decides; None
    lets it go."""
    awaiting = Awaiting.NOTE if name is None else Awaiting.CONFIRM_THEME
    held = dataclasses.replace(
        writer, awaiting=awaiting, target_note_id=note_id or None, draft=name, draft_ref=None
    )
    await deps.store.update_writer(held)


async def _held_theme(deps: Deps, person: Person, seminar_id: int) -> _Held | NothingPending:
    seat = await _seat(deps, person, seminar_id)
    if seat.writer.awaiting is not Awaiting.CONFIRM_THEME or seat.writer.draft is None:
        return NothingPending()
    return _Held(seat, seat.writer.draft)


async def keep_theme(deps: Deps, person: Person, seminar_id: int) -> ThemeAdded | NothingPending:
    """The member confirmed that a theme name with a detail identifies nobody. The held name
    leaves the draft either way: once the group work is over, it is not added."""
    held = await _held_theme(deps, person, seminar_id)
    if isinstance(held, NothingPending):
        return held
    await _hold_theme(deps, held.seat.writer, None)
    await cancel_theme(deps, person)  # the name is given: no other is asked for
    if not held.seat.seminar.proposing:
        raise PhaseOver(held.seat.seminar)
    # Held names were measured against the limit when they came in.
    return await _add_theme(deps, held.seat, held.name, held.seat.writer.target_note_id or 0)


async def drop_theme(deps: Deps, person: Person, seminar_id: int) -> HeldDropped | NothingPending:
    try:
        held = await _held_theme(deps, person, seminar_id)
    except NotInGroup:
        return NothingPending()  # nobody outside a group holds a theme name
    if isinstance(held, NothingPending):
        return held
    await _hold_theme(deps, held.seat.writer, None)
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return HeldDropped(HeldText.THEME)


async def ask_preset(deps: Deps, person: Person, seminar_id: int) -> Seminar:
    """The moderator's next messages are themes to offer every group."""
    seminar = await deps.moderating(person, seminar_id)
    await deps.store.expect(person.tg_id, Expectation(Expecting.PRESET_THEMES))
    return seminar


async def preset_theme(deps: Deps, person: Person, text: str) -> ThemeAdded | InvalidThemeName:
    """A theme the moderator offers every group: before the groups are formed, or while they
    still name themes."""
    seminar = await deps.moderating(person)
    if seminar.notes_released and not seminar.rule.proposing:
        raise WrongPhase(seminar)
    name = clean_theme_name(text)
    if isinstance(name, InvalidThemeName):
        return name
    theme, new = await deps.store.add_theme(seminar.id, None, name, theme_key(name))
    for group in await deps.store.groups(seminar.id):
        await deps.store.add_theme(seminar.id, group.id, name, theme_key(name))
    return ThemeAdded(seminar, theme, new, await deps.store.themes(seminar.id))


async def group_themes(deps: Deps, person: Person) -> ThemesOverview:
    seminar = await deps.moderating(person)
    groups: list[Group | None] = [None, *await deps.store.groups(seminar.id)]
    listed = []
    for group in groups:
        themes = [
            t
            for t in await deps.store.themes(seminar.id, group.id if group else None)
            if (t.group_id is None) == (group is None)
        ]
        if themes:
            listed.append(GroupThemes(group, themes))
    return ThemesOverview(seminar, listed)


async def _live_theme(deps: Deps, theme_id: int) -> Theme:
    """A theme that is still there: not deleted, and not merged into another."""
    found = await deps.store.theme(theme_id)
    if found is None:
        raise Gone(GoneThing.THEME)
    if found.merged_into is not None:
        raise Gone(GoneThing.THEME)
    return found.theme


async def _moderated_theme(deps: Deps, person: Person, theme_id: int) -> _ModeratedTheme:
    theme = await _live_theme(deps, theme_id)
    return _ModeratedTheme(await deps.moderating(person, theme.seminar_id), theme)


async def ask_rename(deps: Deps, person: Person, theme_id: int) -> Theme:
    """The moderator's next message is the theme's new name."""
    target = await _moderated_theme(deps, person, theme_id)
    renaming = Expectation(Expecting.RENAME_THEME, ThemeToRename(target.theme.id))
    await deps.store.expect(person.tg_id, renaming)
    return target.theme


async def rename_theme(
    deps: Deps, person: Person, theme_id: int, text: str
) -> Theme | InvalidThemeName:
    """The theme with its new name. A name it cannot have leaves the moderator in the step to
    try again; anything else ends it, a refusal too."""
    try:
        target = await _moderated_theme(deps, person, theme_id)
    except Refusal:
        await deps.store.expect(person.tg_id)
        raise
    name = clean_theme_name(text)
    if isinstance(name, InvalidThemeName):
        return name
    if not await deps.store.rename_theme(theme_id, name, theme_key(name)):
        return InvalidThemeName(ThemeNameProblem.TAKEN)
    await deps.store.expect(person.tg_id)
    return dataclasses.replace(target.theme, name=name)


async def merge_candidates(deps: Deps, person: Person, theme_id: int) -> MergeChoices:
    target = await _moderated_theme(deps, person, theme_id)
    theme = target.theme
    others = [
        t
        for t in await deps.store.themes(target.seminar.id, theme.group_id)
        if t.id != theme.id and t.group_id == theme.group_id
    ]
    return MergeChoices(theme, others)


async def merge_themes(deps: Deps, person: Person, source_id: int, target_id: int) -> ThemesMerged:
    """Merges two themes of the same group: every vote for one now counts for the other."""
    source = await _moderated_theme(deps, person, source_id)
    target = await _moderated_theme(deps, person, target_id)
    if source.theme.group_id != target.theme.group_id or source_id == target_id:
        raise Gone(GoneThing.THEME)  # no such pair to merge: the button is not the bot's now
    if source.seminar.dot_vote is not DotVote.NOT_STARTED:
        # Once dots are given, a theme keeps its notes, its place in the vote and its dots.
        raise WrongPhase(source.seminar)
    await deps.store.merge_themes(source_id, target_id)
    return ThemesMerged(source.theme, target.theme)


# -- voting -------------------------------------------------------------------------------


async def open_voting(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> VotingOpened | TooFewWriters:
    seminar = await deps.moderating(person, seminar_id)
    if seminar.grouping:
        if not await deps.store.groups(seminar.id):
            raise NoGroupsYet(seminar)
        too_few = await enough_in_every_group(deps, seminar)
        if too_few is not None:
            return too_few
    if not await deps.store.set_phase(seminar.id, sources_of(Phase.VOTING), Phase.VOTING):
        raise WrongPhase(seminar)
    first_shown = await deps.store.set_notes_revealed(seminar.id)
    voting = await deps.store.seminar(seminar.id)
    assert voting is not None
    cards = []
    delivered = await deliveries(deps, voting)
    for delivery in delivered:
        voter = deps.keys.pseudonym(voting.id, delivery.member.tg_id)
        card = await voter_card(deps, voting, delivery.group, voter, 0)
        cards.append((delivery.member, card))
    sizes = await deps.store.group_sizes(voting.id)
    return VotingOpened(voting, cards, sizes, delivered if first_shown else [])


async def cards_owed(deps: Deps) -> list[tuple[int, list[tuple[Member, VoteCard]]]]:
    """The first vote cards that never reached their member: the voting opened, but the bot
    stopped before it sent them. Per seminar, each such member's card at its first note."""
    owed = []
    for seminar_id in await deps.store.seminar_ids_in(Phase.VOTING):
        seminar = await deps.store.seminar(seminar_id)
        if seminar is None:
            continue
        with_card = {
            card.pseudonym
            for group in await deps.store.groups(seminar.id)
            for card in await deps.store.open_cards(group.id)
        }
        cards = []
        for delivery in await deliveries(deps, seminar):
            voter = deps.keys.pseudonym(seminar.id, delivery.member.tg_id)
            if voter not in with_card:
                cards.append(
                    (delivery.member, await voter_card(deps, seminar, delivery.group, voter, 0))
                )
        if cards:
            owed.append((seminar.id, cards))
    return owed


async def vote_card(
    deps: Deps, person: Person, seminar_id: int, index: int, message_id: int | None = None
) -> VoteCard:
    """The card at a note, shown in the message pressed (`message_id`), which is then the
    member's open card."""
    seat = await _seat(deps, person)
    if seat.seminar.id != seminar_id:
        raise NotInGroup()
    if not seat.seminar.voting:
        raise PhaseOver(seat.seminar)
    card = await voter_card(deps, seat.seminar, seat.group, seat.writer.pseudonym, index)
    await remember_card(deps, seat.writer, message_id, card.index)
    return card


async def cast_vote(
    deps: Deps,
    person: Person,
    note_id: int,
    theme_id: int,
    index: int,
    message_id: int | None = None,
) -> VoteCard:
    """Sorts one note into a theme; a later vote on the same note replaces the earlier one."""
    seat = await _seat(deps, person)
    seminar, group = seat.seminar, seat.group
    if not seminar.voting:
        raise PhaseOver(seminar)
    voter = seat.writer.pseudonym
    # The card's own notes and themes are the check: only this group's visible notes and live
    # themes can be chosen, and the card after the vote is built from the same rows.
    notes = await deps.store.group_notes(group.id)
    themes = await deps.store.themes(seminar.id, group.id)
    if note_id not in {n.id for n in notes}:
        raise NotInGroup()
    # Read before the write, so the write lock is not held for it: only this voter's own
    # updates change their votes, and those run one after another.
    mine = await deps.store.votes_of(voter)
    if theme_id not in {t.id for t in themes}:
        found = await deps.store.theme(theme_id)
        if found is None:
            raise NotInGroup()
        if found.theme.group_id != group.id or found.merged_into is None:
            raise NotInGroup()
        # The theme was merged away while the card was open: show the card again, unchanged.
        return card_at(seminar, group, notes, themes, mine, index)
    await deps.store.set_vote(note_id, voter, theme_id)
    mine[note_id] = theme_id
    card = card_at(seminar, group, notes, themes, mine, index, advance=True)
    await remember_card(deps, seat.writer, message_id, card.index)
    return card


# -- settling ties ------------------------------------------------------------------------


async def note_outcomes(
    deps: Deps, seminar: Seminar, notes: list[Note] | None = None
) -> list[GroupOutcome]:
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
        outcomes = []
        for note in by_group.get(group.id, []):
            tally = tally_note(votes.get(note.id, []))
            theme = note.settled_theme_id if note.settled else tally.winner
            outcomes.append(NoteOutcome(note, dict(tally.counts), theme))
        found.append(GroupOutcome(group, outcomes, [t for t in themes if t.group_id == group.id]))
    return found


def _can_settle(seminar: Seminar) -> bool:
    """Ties are settled from the voting until the dot vote starts: once dots are given, a theme
    must not lose its notes (and with them its place in the vote)."""
    return (seminar.voting or seminar.rule.dots) and seminar.dot_vote is DotVote.NOT_STARTED


async def next_to_settle(deps: Deps, person: Person) -> SettleCard:
    """Ties and notes nobody sorted, one at a time, for the moderator to decide."""
    seminar = await deps.moderating(person)
    if not _can_settle(seminar):
        raise WrongPhase(seminar)
    waiting = [
        SettleCard(seminar, found.group, outcome.note, outcome.counts, found.themes, 0)
        for found in await note_outcomes(deps, seminar)
        for outcome in found.notes
        if outcome.theme is None and not outcome.note.settled
    ]
    if not waiting:
        return SettleCard(seminar, None, None, {}, [], 0)
    return dataclasses.replace(waiting[0], remaining=len(waiting))


async def settle(deps: Deps, person: Person, note_id: int, theme_id: int | None) -> SettleCard:
    found = await deps.store.note(note_id)
    if found is None:
        raise Gone(GoneThing.NOTE)
    note, _ = found
    seminar = await deps.moderating(person, note.seminar_id)
    if not _can_settle(seminar):
        raise WrongPhase(seminar)
    if theme_id is not None and (await _live_theme(deps, theme_id)).group_id != note.group_id:
        raise Gone(GoneThing.THEME)
    await deps.store.settle_note(note_id, theme_id)
    return await next_to_settle(deps, person)
