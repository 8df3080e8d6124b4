"""Properties of the group work's rules, checked on many random cases."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.flows.rules import (
    DotError,
    check_dots,
    split_into_groups,
    tally_note,
    theme_key,
)


@pytest.mark.parametrize(
    ("people", "size", "sizes"),
    [
        (12, 5, [6, 6]),
        (6, 5, [6]),
        (3, 5, [3]),
        (11, 3, [4, 4, 3]),
        (1, 5, [1]),
        (4, 5, [4]),
        (9, 5, [9]),
        (10, 5, [5, 5]),
        (14, 5, [7, 7]),
        (15, 5, [5, 5, 5]),
        (17, 5, [6, 6, 5]),
        (34, 5, [6, 6, 6, 6, 5, 5]),
        (8, 3, [4, 4]),
    ],
)
def test_group_sizes(people: int, size: int, sizes: list[int]) -> None:
    groups = split_into_groups(list(range(people)), size, random.Random(1))
    assert sorted(map(len, groups), reverse=True) == sizes


@given(
    st.integers(min_value=1, max_value=400), st.integers(min_value=3, max_value=12), st.integers()
)
def test_groups_are_balanced_and_lose_nobody(people: int, size: int, seed: int) -> None:
    groups = split_into_groups(list(range(people)), size, random.Random(seed))
    # As many groups as the size allows, at least one; no group is smaller than the size
    # unless there are fewer people than that.
    assert len(groups) == max(1, people // size)
    if people >= size:
        assert min(map(len, groups)) >= size
        assert max(map(len, groups)) < 2 * size
    assert sorted(p for g in groups for p in g) == list(range(people))
    assert max(map(len, groups)) - min(map(len, groups)) <= 1


def test_theme_names_that_differ_in_case_or_spacing_are_one() -> None:
    assert theme_key("  Gode   Relasjoner ") == theme_key("gode relasjoner")
    assert theme_key("Tid") != theme_key("Tillit")


@given(st.lists(st.integers(min_value=1, max_value=4), max_size=12))
def test_a_note_goes_to_the_theme_with_most_votes(votes: list[int]) -> None:
    tally = tally_note(votes)
    assert sum(tally.counts.values()) == len(votes)
    if tally.winner is not None:
        assert all(
            tally.counts[tally.winner] > n for t, n in tally.counts.items() if t != tally.winner
        )
    else:
        assert tally.unsorted or tally.tied


def test_dot_rules() -> None:
    check_dots({}, 1, +1, budget=5, per_theme=3)
    with pytest.raises(DotError, match="per_theme"):
        check_dots({1: 3}, 1, +1, budget=5, per_theme=3)
    with pytest.raises(DotError, match="budget"):
        check_dots({1: 3, 2: 2}, 3, +1, budget=5, per_theme=3)
    with pytest.raises(DotError, match="none_to_remove"):
        check_dots({1: 3}, 2, -1, budget=5, per_theme=3)
    check_dots({1: 3, 2: 2}, 2, -1, budget=5, per_theme=3)


@given(st.lists(st.integers(min_value=1, max_value=4), max_size=12))
def test_only_a_theme_ahead_of_every_other_wins(votes: list[int]) -> None:
    tally = tally_note(votes)
    top = max(tally.counts.values(), default=0)
    leaders = [theme for theme, n in tally.counts.items() if n == top]
    assert tally.winner == (leaders[0] if len(leaders) == 1 else None)
    assert tally.tied == (len(leaders) > 1)
    assert tally.unsorted == (not votes)


def test_a_note_with_a_clear_majority_is_not_tied() -> None:
    tally = tally_note([2, 1, 2])
    assert tally.winner == 2
    assert tally.counts == {2: 2, 1: 1}
    assert not tally.tied
    assert not tally.unsorted


@pytest.mark.parametrize(
    ("mine", "theme", "change", "reason"),
    [
        ({1: 2}, 1, +1, "per_theme"),
        ({1: 2, 2: 1}, 3, +1, "budget"),
        ({1: 2, 2: 1}, 1, +1, "budget"),
        ({2: 1}, 1, -1, "none_to_remove"),
    ],
)
def test_a_refused_dot_names_the_rule(
    mine: dict[int, int], theme: int, change: int, reason: str
) -> None:
    """The dot card tells the person which rule stopped the dot, from the reason."""
    with pytest.raises(DotError) as refused:
        check_dots(mine, theme, change, budget=3, per_theme=2)
    assert refused.value.reason == reason
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("mine", "theme", "change"),
    [
        ({}, 1, +1),
        ({1: 1}, 1, +1),
        ({1: 1, 2: 1}, 3, +1),
        ({1: 2, 2: 1}, 1, -1),
        ({1: 1}, 1, -1),
    ],
)
def test_dots_within_the_rules_are_allowed(mine: dict[int, int], theme: int, change: int) -> None:
    check_dots(mine, theme, change, budget=3, per_theme=2)
