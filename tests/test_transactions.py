"""One transaction per update: its change and the record that it was handled commit together.

These run the store and the flows in this process, where two updates can be made to meet at
exactly the moment that matters; tests/test_crash.py kills the real bot at such moments.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import QUICK_KDF
from test_flow_properties import MODERATOR, PARTICIPANTS, SECRET, SETTINGS, _room
from theme_steps import name_theme

from bot.callbacks import CallbackCodec
from bot.domain import Person, Seminar
from bot.expectations import Expectation, Expecting, SeminarDraft
from bot.flows import answering, groups, joining, plenary, setup, themes
from bot.flows.deps import Deps
from bot.handlers.table import SHARING
from bot.keys import Keyring
from bot.lanes import Lanes
from bot.outbox import Outbox, Reply, ReplyKind
from bot.outbox import _encode as _encoded
from bot.render.screens import Screen
from bot.store import BroadcastStore, Store


class Crash(Exception):
    """The process dying in the middle of an update, as far as the database can tell."""


async def _open(tmp_path: Path) -> Store:
    return await Store.open(tmp_path / "seminar.sqlite3", SECRET, kdf=QUICK_KDF)


async def test_an_update_cut_short_leaves_nothing_and_counts_once_when_delivered_again(
    tmp_path: Path,
) -> None:
    """The dot press that was counted twice: the bot died after the dot and before the update
    was marked as handled. Now the two commit together, so the press comes back unhandled and
    unapplied, and counts once however often it is delivered after that."""
    deps, seminar = await _room(tmp_path)
    try:
        await _dot_vote_open(deps, seminar.id)
        ((theme, _, _),) = await deps.store.settled_themes(seminar.id)
        voter = deps.keys.pseudonym(seminar.id, PARTICIPANTS[0].tg_id)
        press = 9001

        async def cut_short() -> None:
            async with deps.store.handling(press) as fresh:
                assert fresh
                await plenary.change_dots(deps, PARTICIPANTS[0], seminar.id, theme.id, 1)
                raise Crash

        with pytest.raises(Crash):
            await cut_short()
        assert await deps.store.dots_of(seminar.id, voter) == {}
        assert not await deps.store.was_processed(press)

        handled = []
        for _ in range(3):  # delivered again after the restart, and twice more
            async with deps.store.handling(press) as fresh:
                handled.append(fresh)
                if fresh:
                    await plenary.change_dots(deps, PARTICIPANTS[0], seminar.id, theme.id, 1)
        assert handled == [True, False, False]
        assert await deps.store.dots_of(seminar.id, voter) == {theme.id: 1}
        assert await deps.store.dot_totals(seminar.id) == {theme.id: 1}
    finally:
        await deps.store.close()


async def test_the_same_press_applied_twice_is_one_dot(tmp_path: Path) -> None:
    """A dot is a row keyed by the press that gave it, so even applied twice in one transaction
    (a retry inside the bot) it is one dot; a second press is a second dot."""
    deps, seminar = await _room(tmp_path)
    try:
        await _dot_vote_open(deps, seminar.id)
        ((theme, _, _),) = await deps.store.settled_themes(seminar.id)
        voter = deps.keys.pseudonym(seminar.id, PARTICIPANTS[1].tg_id)
        async with deps.store.handling(77) as fresh:
            assert fresh
            for _ in range(2):
                await deps.store.change_dots(seminar.id, voter, theme.id, 1)
        assert await deps.store.dots_of(seminar.id, voter) == {theme.id: 1}
        async with deps.store.handling(78):
            await deps.store.change_dots(seminar.id, voter, theme.id, 1)
        assert await deps.store.dots_of(seminar.id, voter) == {theme.id: 2}
        async with deps.store.handling(79):
            await deps.store.change_dots(seminar.id, voter, theme.id, -1)
        assert await deps.store.dots_of(seminar.id, voter) == {theme.id: 1}
    finally:
        await deps.store.close()


async def test_a_read_never_sees_a_write_under_way(tmp_path: Path) -> None:
    """A read taken while another update's write is under way sees only what was committed, so
    it never sees a change that is then rolled back."""
    store = await _open(tmp_path)
    written = asyncio.Event()
    try:

        async def rolled_back() -> None:
            async with store.transaction():
                await store.save_user_language(4242, "nb")
                written.set()
                await asyncio.sleep(0.2)
                raise Crash

        writer = asyncio.create_task(rolled_back())
        await written.wait()
        assert await store.user(4242) is None
        with pytest.raises(Crash):
            await writer
        assert await store.user(4242) is None
    finally:
        await store.close()


async def test_what_is_said_after_a_change_waits_for_its_commit(tmp_path: Path) -> None:
    """A reply registered during a transaction runs after the commit, and not after a rollback."""
    store = await _open(tmp_path)
    said: list[str] = []
    try:

        async def say(what: str) -> None:
            # Runs outside the transaction: what it reads is committed.
            user = await store.user(4343)
            said.append(f"{what}:{user.language if user else None}")

        async with store.transaction():
            await store.save_user_language(4343, "nn")
            await store.after_commit(lambda: say("committed"))
            assert said == []
        assert said == ["committed:nn"]

        async def rolled_back() -> None:
            async with store.transaction():
                await store.save_user_language(4343, "en")
                await store.after_commit(lambda: say("rolled back"))
                raise Crash

        with pytest.raises(Crash):
            await rolled_back()
        assert said == ["committed:nn"]
        user = await store.user(4343)
        assert user is not None
        assert user.language == "nn"
    finally:
        await store.close()


LATE = tuple(Person(6_701_234_567 + 1_000_003 * i, "nb") for i in range(4))


async def test_two_late_joiners_at_the_same_instant_sit_in_different_groups(
    tmp_path: Path,
) -> None:
    """Two people who join at the same moment after the groups were formed: each is seated in
    the smallest group as it is once the other sits, so the groups stay even."""
    store = await _open(tmp_path)
    deps = Deps(store, Keyring(SECRET), SETTINGS)
    try:
        seminar = await _seminar_in_two_groups(deps)
        sizes_before = sorted((await store.group_sizes(seminar.id)).values())
        assert sizes_before == [3, 3]

        async def join(person: Person, update_id: int) -> None:
            async with store.handling(update_id):
                joined = await joining.consent(
                    deps, person, seminar.id, 0, link_generation=seminar.invite_generation
                )
                assert isinstance(joined, joining.Joined)
                await groups.seat_late_joiner(deps, seminar, person.tg_id)

        await asyncio.gather(join(LATE[0], 501), join(LATE[1], 502))
        assert sorted((await store.group_sizes(seminar.id)).values()) == [4, 4]
    finally:
        await store.close()


async def test_a_job_due_during_a_press_waits_for_it() -> None:
    """A scheduled job runs alone in the lanes: after the presses already under way, before
    the ones that come after it, never in the middle of one."""
    order: list[str] = []
    release = asyncio.Event()

    async def press() -> None:
        order.append("press starts")
        await release.wait()
        order.append("press ends")

    lanes = Lanes(lambda update: press(), lambda person: True, SHARING)
    running = lanes._enqueue(1, press)
    await asyncio.sleep(0)
    job = lanes.run_alone(lambda: _note(order, "job"))
    after = lanes._enqueue(2, lambda: _note(order, "next press"))
    await asyncio.sleep(0.05)
    assert order == ["press starts"]
    release.set()
    await asyncio.gather(running, job, after)
    assert order == ["press starts", "press ends", "job", "next press"]


async def _note(order: list[str], what: str) -> None:
    order.append(what)


async def _dot_vote_open(deps: Deps, seminar_id: int) -> None:
    """From the open round of `_room` to an open dot vote with one theme."""
    room = PARTICIPANTS[:3]
    for i, person in enumerate(room):
        await _write(deps, person, f"Notat {i}")
    await setup.close_round(deps, MODERATOR)
    await groups.form_groups(deps, MODERATOR)
    await groups.show_notes(deps, MODERATOR)
    await name_theme(deps, room[0], seminar_id, "Tid")
    await themes.open_voting(deps, MODERATOR)
    (group,) = await deps.store.groups(seminar_id)
    (theme,) = await deps.store.themes(seminar_id, group.id)
    for person in room:
        for note in await deps.store.group_notes(group.id):
            await themes.cast_vote(deps, person, note.id, theme.id, 0)
    await plenary.open_plenary(deps, MODERATOR)
    await plenary.open_dots(deps, MODERATOR)


async def _write(deps: Deps, person: Person, text: str) -> None:
    await answering.receive_text(deps, person, text, person.tg_id, hash(text) % 10_000)


async def _seminar_in_two_groups(deps: Deps) -> Seminar:
    await setup.start(deps, MODERATOR)
    await setup.receive_text(
        deps, MODERATOR, Expectation(Expecting.TITLE, SeminarDraft()), "Gode møter"
    )
    await setup.choose_language(deps, MODERATOR, 0)
    created = await setup.use_default_questions(deps, MODERATOR)
    assert isinstance(created, setup.SeminarCreated)
    seminar = created.seminar
    await setup.open_round(deps, MODERATOR)
    room = [Person(6_801_234_567 + 1_000_003 * i, "nb") for i in range(6)]
    for i, person in enumerate(room):
        joined = await joining.consent(
            deps, person, seminar.id, 0, link_generation=seminar.invite_generation
        )
        assert isinstance(joined, joining.Joined)
        await _write(deps, person, f"Notat nummer {i}")
    await setup.close_round(deps, MODERATOR)
    formed = await groups.form_groups(deps, MODERATOR)
    assert isinstance(formed, groups.GroupsFormed)
    return seminar


class _Telegram:
    """Just enough of the Bot for the outbox: what was sent, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def do_api_request(self, endpoint: str, call: dict[str, object]) -> None:
        assert endpoint == "sendMessage"
        self.sent.append((int(str(call["chat_id"])), str(call["text"])))


async def test_replies_are_given_after_the_commit_and_never_after_a_rollback(
    tmp_path: Path,
) -> None:
    store = await _open(tmp_path)
    telegram = _Telegram()
    outbox = Outbox(telegram, store, CallbackCodec(Keyring(SECRET)))  # type: ignore[arg-type]
    deliveries = BroadcastStore(store)

    async def rolled_back() -> None:
        async with store.transaction():
            await outbox.give(Reply(ReplyKind.MESSAGE, 11, Screen("not said")))
            await outbox.give(Reply(ReplyKind.MESSAGE, 12, Screen("not said either")))
            raise Crash

    try:
        with pytest.raises(Crash):
            await rolled_back()
        async with store.transaction():
            await outbox.give(Reply(ReplyKind.MESSAGE, 13, Screen("first")))
            await outbox.give(Reply(ReplyKind.MESSAGE, 13, Screen("second")))
            assert telegram.sent == []
        assert telegram.sent == [(13, "first"), (13, "second")]
        assert await deliveries.replies_owed() == []

        # Decided and committed, then the bot died before giving it: given at the next start.
        await deliveries.add_replies([_encoded(Reply(ReplyKind.MESSAGE, 14, Screen("owed")))])
        await Outbox(telegram, store, CallbackCodec(Keyring(SECRET))).resume()  # type: ignore[arg-type]
        assert telegram.sent[-1] == (14, "owed")
        assert await deliveries.replies_owed() == []
    finally:
        await store.close()


async def test_the_store_knows_who_moderates_without_reading_the_database(
    tmp_path: Path,
) -> None:
    """The lanes ask on every update; the answer holds from the moment the row is written,
    and after a restart."""
    co_moderator, participant = PARTICIPANTS[0].tg_id, PARTICIPANTS[1].tg_id
    store = await _open(tmp_path)
    try:
        assert not store.may_moderate(MODERATOR.tg_id)
        made = await store.create_seminar(MODERATOR.tg_id, "Gode møter", "nb", ["Hva hjalp?"], 5)
        assert store.may_moderate(MODERATOR.tg_id)
        assert not store.may_moderate(co_moderator)
        await store.make_moderator(made.id, co_moderator, "Kari")
        assert store.may_moderate(co_moderator)
        assert not store.may_moderate(participant)
    finally:
        await store.close()
    reopened = await _open(tmp_path)
    try:
        assert reopened.may_moderate(MODERATOR.tg_id)
        assert reopened.may_moderate(co_moderator)
        assert not reopened.may_moderate(participant)
    finally:
        await reopened.close()


async def test_a_cockpit_posted_while_its_seminar_is_purged_is_forgotten_quietly(
    tmp_path: Path,
) -> None:
    """The refresh posts a cockpit, and while Telegram answers, the purge deletes the seminar:
    the message id has nothing left to belong to, so nothing is saved and nothing fails."""
    store = await _open(tmp_path)
    try:
        made = await store.create_seminar(MODERATOR.tg_id, "Gode møter", "nb", ["Hva hjalp?"], 5)
        await store.save_progress_message(made.id, MODERATOR.tg_id, 41, "answering")
        assert set(await store.cockpit_messages(made.id)) == {MODERATOR.tg_id}
        assert await store.purge_expired(datetime.now(UTC) + timedelta(days=1)) == 1
        await store.save_progress_message(made.id, MODERATOR.tg_id, 42, "closed")
        await store.save_progress_message(made.id, MODERATOR.tg_id, 43)
        assert await store.cockpit_messages(made.id) == {}
        assert await store.progress_messages(made.id) == []
    finally:
        await store.close()
