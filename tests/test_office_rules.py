"""The office chat's rules on a real store, without Telegram: «not possible» needs one of the
fixed reasons, kept as its code; another status keeps none; a chat that is no office's, or a
proposal that is not its, changes nothing."""

from __future__ import annotations

from pathlib import Path

from harness import QUICK_KDF
from test_series_rules import MONA, SECRET, SETTINGS, _kept

from bot.domain import Reason, Status
from bot.flows import followup
from bot.flows.deps import Deps
from bot.keys import Keyring
from bot.store import Store

OFFICE = -1_001_234_567_890


async def test_the_office_chat_sets_not_possible_only_with_a_fixed_reason(
    tmp_path: Path,
) -> None:
    store = await Store.open(tmp_path / "seminar.sqlite3", SECRET, kdf=QUICK_KDF)
    try:
        deps = Deps(store, Keyring(SECRET), SETTINGS)
        seminar = await store.create_seminar(MONA.tg_id, "Serie", "nb", ["q"], 3)
        kept = await store.keep_themes(seminar, _kept("Forslag"))
        await store.add_followups({kept[1]: ()})
        await store.set_office_chat(seminar.id, OFFICE)
        proposal = kept[1]

        asked = await followup.office_set(deps, OFFICE, proposal, Status.NOT_POSSIBLE)
        assert asked == followup.NeedsReason("nb", proposal)
        [found] = await store.followups(seminar.series_id)
        assert found.status is Status.PLANNED

        done = await followup.office_set(deps, OFFICE, proposal, Status.NOT_POSSIBLE, Reason.RULES)
        assert isinstance(done, followup.OfficeTable)
        assert done.changed == proposal
        [found] = await store.followups(seminar.series_id)
        assert (found.status, found.reason) == (Status.NOT_POSSIBLE, Reason.RULES.kept)
        assert Reason.of(found.reason) is Reason.RULES

        # Another status has no reason, whatever a button says.
        await followup.office_set(deps, OFFICE, proposal, Status.UNDER_WAY, Reason.MONEY)
        [found] = await store.followups(seminar.series_id)
        assert (found.status, found.reason) == (Status.UNDER_WAY, "")

        assert isinstance(
            await followup.office_set(deps, OFFICE + 1, proposal, Status.DONE),
            followup.NotOffice,
        )
        assert isinstance(
            await followup.office_set(deps, OFFICE, proposal + 99, Status.DONE),
            followup.NotOffice,
        )
        [found] = await store.followups(seminar.series_id)
        assert found.status is Status.UNDER_WAY
    finally:
        await store.close()


def test_a_typed_reason_is_never_taken_for_a_fixed_one() -> None:
    assert Reason.of("money") is None
    assert Reason.of("\x1fnothing") is None
    assert Reason.of(Reason.ELSEWHERE.kept) is Reason.ELSEWHERE
