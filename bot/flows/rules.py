"""The group work's pure rules: forming groups, naming themes, counting votes and dots."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "DotError",
    "NoteTally",
    "check_dots",
    "group_count",
    "split_into_groups",
    "tally_note",
    "theme_key",
]

T = TypeVar("T")


def group_count(people: int, size: int) -> int:
    """As many groups as the size allows, at least one: 12 at size 5 is two groups of six."""
    return max(1, people // size)


def split_into_groups(people: Sequence[T], size: int, rng: random.Random) -> list[list[T]]:
    """Random groups whose sizes differ by at most one."""
    shuffled = list(people)
    rng.shuffle(shuffled)
    count = group_count(len(shuffled), size)
    return [shuffled[i::count] for i in range(count)]


def theme_key(name: str) -> str:
    """Names that differ only in case, spacing or Unicode form are the same theme."""
    folded = unicodedata.normalize("NFKC", name).casefold()
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


class DotError(Exception):
    """A dot that does not fit the budget or the per-theme limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_dots(
    mine: Mapping[int, int], theme: int, change: int, budget: int, per_theme: int
) -> None:
    """Raises DotError unless adding `change` (+1 or -1) dots to `theme` stays within the rules."""
    now = mine.get(theme, 0)
    if change < 0 and now == 0:
        raise DotError("none_to_remove")
    if change > 0 and sum(mine.values()) >= budget:
        raise DotError("budget")
    if change > 0 and now >= per_theme:
        raise DotError("per_theme")
