"""The series' rules on a real store: which earlier themes a joint seminar asks about, its
questions in every language, and a moderator's seminar only."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from harness import QUICK_KDF

from bot.config import Settings
from bot.domain import Person, Seminar, SeminarKind
from bot.flows import refusals, series
from bot.flows.deps import Deps
from bot.i18n import LANGUAGES, joint_question, translator
from bot.keys import Keyring
from bot.store import Store
from bot.store.series import KeptTheme

SECRET = b"series-rules-secret-0123456789"
SETTINGS = Settings(
    api_base_url="http://127.0.0.1:1",
    mode="polling",
    database=Path("unused.sqlite3"),
    default_language="nb",
    fallback_language="en",
    timezone="Europe/Oslo",
    note_max_length=280,
    group_size=3,
    dot_budget=3,
    dot_max_per_theme=2,
    retention_days=180,
    log_level="WARNING",
)
MONA = Person(6_301_234_567, "nb")
OTHER = Person(6_401_234_567, "nb")


def _kept(*names: str) -> list[KeptTheme]:
    return [KeptTheme(rank, name, 10 - rank, ()) for rank, name in enumerate(names, start=1)]


@contextlib.asynccontextmanager
async def _series(tmp_path: Path) -> AsyncIterator[tuple[Store, Deps, Seminar]]:
    """A store with Mona's first seminar of a series, closed at the end."""
    store = await Store.open(tmp_path / "seminar.sqlite3", SECRET, kdf=QUICK_KDF)
    try:
        await store.save_user_language(MONA.tg_id, "nb")
        first = await store.create_seminar(MONA.tg_id, "Serie", "nb", ["q"], 3)
        yield store, Deps(store, Keyring(SECRET), SETTINGS), first
    finally:
        await store.close()


async def _users_staff_users(
    store: Store, deps: Deps, first: Seminar, staff: list[str], users: list[str]
) -> Seminar:
    """Old users' themes in the first seminar, then a staff seminar and a newer users' one,
    each with its kept themes; the newest seminar."""
    await store.keep_themes(first, _kept("Gammel 1", "Gammel 2", "Gammel 3", "Gammel 4"))
    made = await series.next_seminar(deps, MONA, first.id, SeminarKind.STAFF)
    await store.keep_themes(made.seminar, _kept(*staff))
    again = await series.next_seminar(deps, MONA, made.seminar.id, SeminarKind.USERS)
    await store.keep_themes(again.seminar, _kept(*users))
    return again.seminar


async def test_a_joint_seminar_asks_about_the_newest_top_themes_of_users_and_staff(
    tmp_path: Path,
) -> None:
    async with _series(tmp_path) as (store, deps, first):
        newest = await _users_staff_users(
            store, deps, first, ["Ansatt 1", "Ansatt 2"], ["Ny 1", "Ny 2", "Ny 3", "Ny 4"]
        )

        joint = await series.next_seminar(deps, MONA, newest.id, SeminarKind.JOINT)
        assert [s.name for s in joint.sources] == ["Ny 1", "Ny 2", "Ny 3", "Ansatt 1", "Ansatt 2"]
        seminar = joint.seminar
        assert seminar.kind is SeminarKind.JOINT
        assert seminar.series_id == first.series_id
        assert not seminar.own_questions
        for language in LANGUAGES:
            t = translator(language)
            assert seminar.questions_in(language) == (
                *(joint_question(t, name, from_staff=False) for name in ("Ny 1", "Ny 2", "Ny 3")),
                *(joint_question(t, name, from_staff=True) for name in ("Ansatt 1", "Ansatt 2")),
            )
        asked = await store.joint_questions(seminar.id)
        assert [asked[q].name for q in sorted(asked)] == [s.name for s in joint.sources]


async def test_only_a_moderator_starts_the_next_seminar_and_a_joint_one_needs_themes(
    tmp_path: Path,
) -> None:
    async with _series(tmp_path) as (store, deps, first):
        with pytest.raises(refusals.NotModerator):
            await series.next_seminar(deps, OTHER, first.id, SeminarKind.STAFF)
        with pytest.raises(refusals.NoThemesYet):
            await series.next_seminar(deps, MONA, first.id, SeminarKind.JOINT)
        assert len(await store.seminars_in_series(first.series_id)) == 1


async def test_a_joint_seminar_takes_the_themes_of_one_seminar_of_each_kind_even_after_a_purge(
    tmp_path: Path,
) -> None:
    async with _series(tmp_path) as (store, deps, first):
        newest = await _users_staff_users(store, deps, first, ["Ansatt 1"], ["Ny 1", "Ny 2"])
        expected = ["Ny 1", "Ny 2", "Ansatt 1"]
        joint = await series.next_seminar(deps, MONA, newest.id, SeminarKind.JOINT)
        assert [s.name for s in joint.sources] == expected
        # A second press makes no second joint seminar.
        pressed_again = await series.next_seminar(deps, MONA, newest.id, SeminarKind.JOINT)
        assert pressed_again.already
        assert pressed_again.seminar.id == joint.seminar.id
        # The purge leaves the kept themes without their seminar: still one seminar's each.
        async with store.transaction():
            await store._db.execute("UPDATE series_themes SET seminar_id = NULL")
        sources = await series.joint_sources(deps, first.series_id)
        assert [s.name for s in sources] == expected


async def test_a_seminars_themes_are_kept_once_and_their_follow_up_stays(tmp_path: Path) -> None:
    async with _series(tmp_path) as (store, _, first):
        kept = await store.keep_themes(first, _kept("Forslag 1", "Forslag 2"))
        await store.add_followups({kept[1]: []})
        again = await store.keep_themes(first, _kept("Annet"))
        assert again == kept
        assert [t.name for t in await store.series_themes(first.series_id)] == [
            "Forslag 1",
            "Forslag 2",
        ]
        assert [f.proposal.id for f in await store.followups(first.series_id)] == [kept[1]]
