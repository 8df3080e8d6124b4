"""The plenary sees every group's themes with their notes, and gives them dots.

Dots are stored only by pseudonym; the tallies stay hidden until the dot vote closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.domain import DotPage, DotVote, Group, Member, Note, Person, Seminar, Theme
from bot.flows.deps import Deps
from bot.flows.refusals import NoGroupsYet, NotInGroup, PhaseOver, WrongPhase
from bot.flows.rules import DotError, DotRefused, check_dots, dots_after
from bot.flows.setup import TooFewWriters, participants_of, too_few_writers
from bot.flows.themes import GroupOutcome, note_outcomes

__all__ = [
    "DotCard",
    "DotsClosed",
    "DotsOpened",
    "GroupResult",
    "Plenary",
]


@dataclass(frozen=True, slots=True)
class GroupResult:
    group: Group
    themes: list[tuple[Theme, list[tuple[Note, int]]]]  # each note with the votes it got there
    unsorted: list[Note]


@dataclass(frozen=True, slots=True)
class Plenary:
    seminar: Seminar
    results: list[GroupResult]
    participants: list[Member]
    moderators: list[Member]


DOT_PAGE_SIZE = 8  # themes per page of the dot card: a phone screen of buttons


@dataclass(frozen=True, slots=True)
class DotCard:
    seminar: Seminar
    themes: list[tuple[Theme, Group | None]]
    mine: dict[int, int]
    refused: DotRefused | None = None
    page: int = 0  # which page of themes the card shows; the renderer keeps it in range
    # None: `themes` are all of the card's themes. A number: `themes` are only page `page`
    # of that many (a press reads only the page it shows, `Store.dot_card_page`).
    total: int | None = None

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
    ranking: list[tuple[Theme, Group | None, int]]  # each theme with its group and dots
    participants: list[Member] = field(default_factory=list)
    moderators: list[Member] = field(default_factory=list)


def _ranked(themes: Iterable[tuple[Theme, int]]) -> list[Theme]:
    """A group's themes that hold notes, the fullest first: the order of plenary and dot card."""
    held = [(theme, count) for theme, count in themes if count]
    held.sort(key=lambda item: (-item[1], item[0].name.casefold()))
    return [theme for theme, _ in held]


def _results(outcomes: list[GroupOutcome]) -> list[GroupResult]:
    found = []
    for outcome in outcomes:
        by_theme: dict[int, list[tuple[Note, int]]] = {t.id: [] for t in outcome.themes}
        unsorted = []
        for placed in outcome.notes:
            if placed.theme is None or placed.theme not in by_theme:
                unsorted.append(placed.note)
            else:
                by_theme[placed.theme].append((placed.note, placed.counts.get(placed.theme, 0)))
        ranked = _ranked((t, len(by_theme[t.id])) for t in outcome.themes)
        listed = [(t, by_theme[t.id]) for t in ranked]
        found.append(GroupResult(outcome.group, listed, unsorted))
    return found


async def results(
    deps: Deps, seminar: Seminar, notes: list[Note] | None = None
) -> list[GroupResult]:
    """Every group's themes with their notes and vote counts; empty themes disappear.
    `notes`, if given, are all of the seminar's notes in id order."""
    return _results(await note_outcomes(deps, seminar, notes))


async def open_plenary(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> Plenary | TooFewWriters:
    seminar = await deps.moderating(person, seminar_id)
    if seminar.grouping:
        raise NoGroupsYet(seminar)
    too_few = await too_few_writers(deps, seminar)  # people who left took their notes along
    if too_few is not None:
        return too_few
    outcomes = await note_outcomes(deps, seminar)
    winners = {
        placed.note.id: placed.theme
        for outcome in outcomes
        for placed in outcome.notes
        if placed.theme is not None and not placed.note.settled
    }
    if not await deps.store.open_plenary(seminar.id, winners):
        raise WrongPhase(seminar)
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


async def open_dots(deps: Deps, person: Person, seminar_id: int | None = None) -> DotsOpened:
    seminar = await deps.moderating(person, seminar_id)
    if not seminar.rule.dots or not await deps.store.set_dot_vote(
        seminar.id, DotVote.NOT_STARTED, DotVote.OPEN
    ):
        raise WrongPhase(seminar)
    opened = await deps.store.seminar(seminar.id)
    assert opened is not None
    card = DotCard(opened, await _dot_themes(deps, opened), {})
    return DotsOpened(opened, card, await participants_of(deps, opened))


@dataclass(frozen=True, slots=True)
class Ballot:
    """A voter's dot card as a press finds it: the page of themes and their dots so far."""

    seminar: Seminar
    voter: str
    shown: DotPage
    mine: dict[int, int]


async def _dot_ballot(
    deps: Deps, person: Person, seminar_id: int, page: int, theme_id: int | None = None
) -> Ballot:
    """The seminar, the voter's pseudonym, the page of the card's themes (and whether
    `theme_id` is on the card) and the voter's dots, once the person is a participant and the
    dot vote is open."""
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        raise NotInGroup()
    voter = deps.keys.pseudonym(seminar.id, person.tg_id)
    if await deps.store.writer(seminar.id, voter) is None:
        raise NotInGroup()
    if seminar.dot_vote is not DotVote.OPEN:
        raise PhaseOver(seminar)
    shown = await deps.store.dot_card_page(seminar.id, page, DOT_PAGE_SIZE, theme_id)
    return Ballot(seminar, voter, shown, await deps.store.dots_of(seminar.id, voter))


async def dot_page(deps: Deps, person: Person, seminar_id: int, page: int) -> DotCard:
    """Another page of the dot card's themes."""
    ballot = await _dot_ballot(deps, person, seminar_id, page)
    shown = ballot.shown
    return DotCard(ballot.seminar, shown.themes, ballot.mine, page=shown.page, total=shown.total)


async def change_dots(
    deps: Deps, person: Person, seminar_id: int, theme_id: int, change: int, page: int = 0
) -> DotCard:
    """Adds or withdraws one dot; tallies stay hidden until the vote closes."""
    ballot = await _dot_ballot(deps, person, seminar_id, page, theme_id)
    seminar, mine = ballot.seminar, ballot.mine
    themes, page, total = ballot.shown.themes, ballot.shown.page, ballot.shown.total
    if not ballot.shown.listed:
        return DotCard(seminar, themes, mine, DotRefused.GONE, page, total)
    try:
        check_dots(mine, theme_id, change, seminar.dot_budget, seminar.dot_max_per_theme)
    except DotError as refused:
        return DotCard(seminar, themes, mine, refused.reason, page, total)
    await deps.store.change_dots(seminar.id, ballot.voter, theme_id, change)
    # The voter's dots as read before the write, and the one just given or taken back: only
    # the voter's own presses change them, one after another, and a press handled twice
    # rolls back (the dot is keyed by the press). No read under the write lock.
    return DotCard(seminar, themes, dots_after(mine, theme_id, change), page=page, total=total)


async def close_dots(deps: Deps, person: Person, seminar_id: int | None = None) -> DotsClosed:
    seminar = await deps.moderating(person, seminar_id)
    if not await deps.store.set_dot_vote(seminar.id, DotVote.OPEN, DotVote.CLOSED):
        raise WrongPhase(seminar)
    closed = await deps.store.seminar(seminar.id)
    assert closed is not None
    totals = await deps.store.dot_totals(closed.id)
    ranking = [(t, g, totals.get(t.id, 0)) for t, g in await _dot_themes(deps, closed)]
    ranking.sort(key=lambda item: (-item[2], item[0].name.casefold()))
    return DotsClosed(
        closed, ranking, await participants_of(deps, closed), await deps.moderators(closed.id)
    )
