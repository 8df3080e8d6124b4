"""The group work's pure rules: forming groups, naming themes, counting votes and dots."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from bot.flows.clean_text import clean_text

__all__ = [
    "MIN_WRITERS",
    "PAPER",
    "DotError",
    "DotRefused",
    "GroupPlan",
    "NoteTally",
    "check_dots",
    "deal_notes",
    "dots_after",
    "group_count",
    "most_groups",
    "plan_groups",
    "split_into_groups",
    "spread_notes",
    "tally_note",
    "theme_key",
    "writer_key",
]

T = TypeVar("T")

MIN_WRITERS = 3
"""Every list of notes anyone sees comes from at least this many writers: with fewer, the
readers could tell who wrote what."""

PAPER = "paper"
"""The one writer all paper notes count as (a pseudonym is hexadecimal, so never this)."""


def writer_key(author: str, paper: bool) -> str:
    """Who counts as a note's writer. Paper notes have no Telegram writer and the bot cannot know
    how many people wrote them, so together they count as the fewest who may have: one."""
    return PAPER if paper else author


def group_count(people: int, size: int) -> int:
    """As many groups as the size allows, at least one: 12 at size 5 is two groups of six."""
    return max(1, people // size)


def most_groups(notes_per_writer: Iterable[int]) -> int:
    """The most groups that can each get notes from MIN_WRITERS different writers: k groups can
    when the writers' notes, counting at most k of anyone's, add up to MIN_WRITERS * k."""
    counts = list(notes_per_writer)
    k = 0
    while sum(min(n, k + 1) for n in counts) >= MIN_WRITERS * (k + 1):
        k += 1
    return k


def split_into_groups(people: Sequence[T], count: int, rng: random.Random) -> list[list[T]]:
    """`count` random groups whose sizes differ by at most one."""
    shuffled = list(people)
    rng.shuffle(shuffled)
    return [shuffled[i::count] for i in range(count)]


def deal_notes(
    notes_by_writer: Mapping[str, Sequence[int]], count: int, rng: random.Random
) -> dict[int, int]:
    """Deals every note to one of `count` groups, evenly and at random, so that each writer's
    first `count` notes go to different groups: with `count` at most most_groups(...), every
    group gets notes from at least MIN_WRITERS writers."""
    writers = sorted(notes_by_writer)
    rng.shuffle(writers)
    first: list[int] = []
    rest: list[int] = []
    for writer in writers:
        notes = list(notes_by_writer[writer])
        rng.shuffle(notes)
        first += notes[:count]
        rest += notes[count:]
    rng.shuffle(rest)
    return {note: i % count for i, note in enumerate(first + rest)}


@dataclass(frozen=True, slots=True)
class GroupPlan:
    """Who sits at which table, and which table sorts which note (by index into tables)."""

    tables: list[list[str]]
    notes: dict[int, int]
    dealt: bool


def plan_groups(
    seated: Sequence[str],
    writers: Mapping[int, str],
    size: int,
    rng: random.Random,
    *,
    deal: bool = False,
) -> GroupPlan | None:
    """Groups of about `size` whose lists of notes each come from at least MIN_WRITERS writers.

    `writers` gives each visible note's writer (writer_key). Each group sorts its own members'
    notes, with the paper notes dealt out over the groups (spread_notes), unless `deal` asks
    for it or some group's members are too few writers for a list of their own: then every
    note is dealt out across the groups. There are never more groups than the notes can give
    enough writers each. None when fewer than MIN_WRITERS wrote (or nobody
    is to be seated): then no list of notes may be shown to anyone."""
    by_writer: dict[str, list[int]] = {}
    for note, writer in writers.items():
        by_writer.setdefault(writer, []).append(note)
    if len(by_writer) < MIN_WRITERS or not seated:
        return None
    count = min(
        group_count(len(seated), size), most_groups(len(notes) for notes in by_writer.values())
    )
    tables = split_into_groups(seated, count, rng)
    if not deal:
        table_of = {person: i for i, table in enumerate(tables) for person in table}
        own = {note: table_of[w] for note, w in writers.items() if w in table_of}
        if all(
            len({writers[note] for note, table in own.items() if table == i}) >= MIN_WRITERS
            for i in range(count)
        ):
            paper = [note for note, writer in writers.items() if writer == PAPER]
            return GroupPlan(tables, own | spread_notes(paper, own, count, rng), dealt=False)
    return GroupPlan(tables, deal_notes(by_writer, count, rng), dealt=True)


def spread_notes(
    notes: Sequence[int], placed: Mapping[int, int], count: int, rng: random.Random
) -> dict[int, int]:
    """Deals notes nobody at a table wrote (paper notes) over `count` groups, in turn and
    evenly, the groups with the fewest notes first: no group gets two more than another."""
    sizes = Counter(placed.values())
    order = sorted(range(count), key=lambda i: (sizes[i], rng.random()))
    shuffled = list(notes)
    rng.shuffle(shuffled)
    return {note: order[i % count] for i, note in enumerate(shuffled)}


def theme_key(name: str) -> str:
    """Names that differ only in case, spacing, Unicode form or invisible characters are the
    same theme."""
    folded = unicodedata.normalize("NFKC", clean_text(name)).casefold()
    return re.sub(r"\s+", " ", folded).strip()


@dataclass(frozen=True, slots=True)
class NoteTally:
    """Where the votes put a note: a winner, a tie, or nobody sorted it."""

    counts: Mapping[int, int]
    winner: int | None

    @property
    def tied(self) -> bool:
        return self.winner is None and bool(self.counts)

    @property
    def unsorted(self) -> bool:
        return not self.counts


def tally_note(votes: Iterable[int]) -> NoteTally:
    """Votes are theme ids (already following merges); the most votes wins, a tie wins nothing."""
    counts = Counter(votes)
    if not counts:
        return NoteTally({}, None)
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return NoteTally(dict(counts), None)
    return NoteTally(dict(counts), ranked[0][0])


class DotRefused(StrEnum):
    """Why a dot was not given or taken back; the dot card says which."""

    BUDGET = "budget"  # the voter has no dots left
    PER_THEME = "per_theme"  # the theme has as many of the voter's dots as it can take
    NONE_TO_REMOVE = "none_to_remove"  # the theme has none of the voter's dots
    GONE = "gone"  # the theme is no longer in the vote


class DotError(Exception):
    """A dot that does not fit the budget or the per-theme limit."""

    def __init__(self, reason: DotRefused) -> None:
        super().__init__(reason)
        self.reason = reason


def check_dots(
    mine: Mapping[int, int], theme: int, change: int, budget: int, per_theme: int
) -> None:
    """Raises DotError unless adding `change` (+1 or -1) dots to `theme` stays within the rules."""
    now = mine.get(theme, 0)
    if change < 0 and now == 0:
        raise DotError(DotRefused.NONE_TO_REMOVE)
    if change > 0 and sum(mine.values()) >= budget:
        raise DotError(DotRefused.BUDGET)
    if change > 0 and now >= per_theme:
        raise DotError(DotRefused.PER_THEME)


def still_enough_writers(
    groups: Sequence[int], placed: Mapping[int, int], writers: Mapping[int, str], rng: random.Random
) -> dict[int, int] | None:
    """Which group sorts which note once the notes are about to be shown.

    `placed` maps notes to the groups they were given, `writers` each visible note to its writer.
    A note hidden or a person gone since the groups were formed may have left a group's list
    with fewer than MIN_WRITERS writers: then every note is dealt out again over as many of the
    groups as can each have enough. None when the seminar has fewer than MIN_WRITERS writers."""
    by_writer: dict[str, list[int]] = {}
    for note, writer in writers.items():
        by_writer.setdefault(writer, []).append(note)
    count = min(len(groups), most_groups(len(notes) for notes in by_writer.values()))
    if count == 0:
        return None
    kept = {note: group for note, group in placed.items() if note in writers}
    per_group: dict[int, set[str]] = {}
    for note, group in kept.items():
        per_group.setdefault(group, set()).add(writers[note])
    if all(len(found) >= MIN_WRITERS for found in per_group.values()):
        return kept
    return {note: groups[i] for note, i in deal_notes(by_writer, count, rng).items()}


def dots_after(mine: Mapping[int, int], theme: int, change: int) -> dict[int, int]:
    """The voter's dots per theme once `change` (+1 or -1, checked) is made on `theme`."""
    after = {**mine, theme: mine.get(theme, 0) + change}
    return {theme_id: count for theme_id, count in after.items() if count > 0}
