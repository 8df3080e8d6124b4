"""Who owns a seminar, and which join link a welcome button belongs to.

The creator owns the seminar: nobody can remove an owner, so a co-moderator cannot lock the
creator out, and only an owner can hand the seminar over to another moderator. A database made
before owners were recorded makes every moderator an owner until one hands ownership over. A new
join link retires every welcome and consent button of the old one.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from checks import is_cockpit, said
from groupwork_helpers import edit_of
from harness import (
    SECRET,
    BotProcess,
    button,
    contains,
    create_seminar,
    has_button,
    join,
    saying,
)
from test_flow_properties import MODERATOR, PARTICIPANTS, _room

from bot.callbacks import Action, Button, CallbackCodec
from bot.domain import Role
from bot.flows import team
from bot.keys import Keyring
from bot.store import Store
from bot.store import core as store_module
from bot.store.migrations import KDF_KEY
from bot.vault import Scrypt, Vault
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

LINK_CHANGED = (
    "This invitation link has been replaced by a new one, so this button no longer works. "
    "Nothing about you has been stored. Please ask the moderator for the new link and open it."
)


CO_MODERATOR = (
    "You are now a co-moderator of <b>{title}</b> and can run the seminar. Only its owner can "
    "hand it over to someone else, and nobody can remove the owner. /help lists the commands."
)


RECEIVED = (
    "You are now the owner of <b>{title}</b>. Nobody can remove you, and only you can hand the "
    "seminar over to someone else (/moderators)."
)


def members(bot: BotProcess) -> int:
    return int(bot.query("SELECT COUNT(*) FROM members")[0][0])  # type: ignore[call-overload]


async def co_moderator(moderator: SimUser, person: SimUser, language: str) -> None:
    """The moderator invites the person, who follows the link and becomes a co-moderator."""
    await moderator.send("/invite")
    invite = await moderator.wait_for(has_button(button("nb", "Invite a co-moderator")))
    await moderator.press(invite, button("nb", "Invite a co-moderator"))
    link = await moderator.wait_for(contains("?start=mod-"))
    await person.send("/start " + link.text.split("?start=")[1].split()[0])
    await person.wait_for(saying(language, CO_MODERATOR))


async def moderator_list(user: SimUser, language: str = "nb") -> BotMessage:
    await user.send("/moderators")
    return await user.wait_for(has_button(button(language, "Invite a co-moderator")))


def owner(language: str, name: str) -> str:
    """A line of the list of moderators."""
    return "• " + said(language, "{name} (owner)", name=name)


def creator(language: str) -> str:
    return said(language, "the seminar's creator")


def remove(language: str, name: str) -> str:
    return button(language, "Remove {name}").format(name=name)


def make_owner(language: str, name: str) -> str:
    return button(language, "Make {name} the owner").format(name=name)


async def test_a_new_link_retires_the_old_links_welcome_buttons(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    anna = api.user("Anna", language_code="nb")
    bob = api.user("Bob", language_code="en")
    cato = api.user("Cato", language_code="nb")
    welcomes: dict[int, BotMessage] = {}
    for person in (anna, bob, cato):
        await person.send(f"/start {code}")
        welcomes[person.id] = await person.wait_for(has_button("English"))

    await mona.send("/invite")
    shown = await mona.wait_for(
        has_button(button("nb", "Make a new link (the old one stops working)"))
    )
    await mona.press(shown, button("nb", "Make a new link (the old one stops working)"))
    renewed = await mona.wait_for(saying("nb", "New link made. The old link no longer works."))
    new_code = renewed.text.split("?start=")[1].split()[0]
    assert new_code != code

    # Consent on the old link's welcome: nothing is stored, and the welcome says why.
    await anna.press(welcomes[anna.id], button("nb", "✅ I agree, let me take part"))
    gone = await anna.wait_for(edit_of(welcomes[anna.id]))
    assert said("nb", LINK_CHANGED) in gone.text, gone.text
    assert gone.buttons == []
    # Another language, or no thanks, on the old welcome: the same answer.
    await bob.press(welcomes[bob.id], "English")
    assert said("en", LINK_CHANGED) in (await bob.wait_for(edit_of(welcomes[bob.id]))).text
    await cato.press(welcomes[cato.id], button("nb", "No, thanks"))
    assert said("nb", LINK_CHANGED) in (await cato.wait_for(edit_of(welcomes[cato.id]))).text
    assert members(bot) == 1  # only Mona
    assert bot.query("SELECT COUNT(*) FROM writers") == [(0,)]

    # The new link's welcome works as ever.
    await join(anna, new_code, "nb")
    assert members(bot) == 2


async def test_nobody_removes_the_owner_who_alone_hands_the_seminar_over(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="nb")
    await create_seminar(mona)
    kari = api.user("Kari Ko", language_code="en")
    carl = api.user("Carl Co", language_code="nb")
    await co_moderator(mona, kari, "en")
    await co_moderator(mona, carl, "nb")

    # A co-moderator sees the creator as the owner, with no button to remove her.
    listing = await moderator_list(kari, "en")
    assert owner("en", creator("en")) in listing.text
    assert remove("en", creator("en")) not in listing.button_labels()
    assert remove("en", "Carl Co") in listing.button_labels()
    assert not [label for label in listing.button_labels() if "owner" in label]
    carls = await moderator_list(carl)
    assert remove("nb", "Kari Ko") in carls.button_labels()

    # The owner hands the seminar over to Kari, after a confirmation.
    monas = await moderator_list(mona)
    assert said("nb", "You own this seminar: nobody can remove you.") in monas.text
    await mona.press(monas, make_owner("nb", "Kari Ko"))
    ask = await mona.wait_for(has_button(button("nb", "Yes, make them the owner")))
    assert "Kari Ko" in ask.text
    await mona.press(ask, button("nb", "Yes, make them the owner"))
    given = await mona.wait_for(edit_of(ask))
    assert said("nb", "{name} is now the owner of <b>{title}</b>. You are a co-moderator and "
                "can still run the seminar.", name="Kari Ko", title="Gode møter med Nav") in given.text  # fmt: skip
    await kari.wait_for(saying("en", RECEIVED))

    # Carl's list was made when Kari was a co-moderator: its button no longer removes her.
    await api.wait_idle()
    before = len(carl.inbox)
    await carl.press(carls, remove("nb", "Kari Ko"))
    await api.wait_idle()
    # Carl's cockpit may be posted or brought up to date meanwhile: only the answer counts.
    assert [m.text for m in carl.inbox[before:] if not is_cockpit(m)] == [
        said(
            "nb",
            "The owner of «{title}» cannot be removed. Only the owner can hand the seminar over.",
            title="Gode møter med Nav",
        )
    ]
    karis = await moderator_list(kari, "en")
    assert said("en", "You own this seminar: nobody can remove you.") in karis.text
    # Mona is no owner any more: her old list cannot hand the seminar over again.
    await mona.press(monas, make_owner("nb", "Carl Co"))
    await mona.wait_for(
        saying("nb", "Only the owner of <b>{title}</b> can hand it over to someone else.")
    )

    # The new owner can remove the old one, who then has no seminar.
    await kari.press(karis, remove("en", creator("en")))
    await kari.wait_for(saying("en", "The co-moderator has been removed."))
    await mona.send("/open")
    await mona.wait_for(saying("nb", "You have no seminar yet. Create one with /new."))

    await carl.send("/help")
    await carl.wait_for(
        saying(
            "nb", "/moderators – co-moderators; the owner can hand the seminar over to one of them"
        )
    )


async def test_in_a_migrated_database_every_moderator_owns_until_one_hands_over(
    api: LocalBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database from before owners were recorded: Mona made the seminar and Kari joined as
    a co-moderator, but nothing says which is which."""
    mona = api.user("Mona", language_code="nb")
    kari = api.user("Kari Ko", language_code="nb")
    anna = api.user("Anna", language_code="nb")
    database = tmp_path / "seminar.sqlite3"
    with monkeypatch.context() as before_owners:
        before_owners.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:6])
        store = await Store.open(database, SECRET.encode())
        await store.close()
    with sqlite3.connect(database) as db:
        kdf = db.execute("SELECT value FROM meta WHERE key = ?", (KDF_KEY,)).fetchone()[0]
        vault = Vault(Scrypt.decode(kdf).derive(SECRET.encode()))
        db.execute(
            "INSERT INTO seminars (id, title, language, phase, questions, invite_code,"
            " group_size, created_at) VALUES (1, 'Gode møter', 'nb', 'draft', ?, 'kode', 5, ?)",
            (json.dumps(["Hva hjalp deg?"]), datetime.now(UTC).isoformat()),
        )
        for person, name in ((mona, None), (kari, "Kari Ko")):
            db.execute(
                "INSERT INTO users (person, language, active_seminar_id) VALUES (?, 'nb', 1)",
                (vault.lookup(person.id),),
            )
            db.execute(
                "INSERT INTO members (seminar_id, person, chat, role, display_name)"
                " VALUES (1, ?, ?, 'moderator', ?)",
                (
                    vault.lookup(person.id),
                    vault.seal(person.id),
                    vault.seal_text(name) if name else None,
                ),
            )
    process = BotProcess(api, tmp_path)
    await process.start()
    try:
        assert "database migrated to version 7" in process.log_text
        # Both are owners: neither can remove the other, either can hand over.
        monas = await moderator_list(mona)
        assert owner("nb", "Kari Ko") in monas.text
        assert said("nb", "You own this seminar: nobody can remove you.") in monas.text
        assert remove("nb", "Kari Ko") not in monas.button_labels()
        karis = await moderator_list(kari)
        assert owner("nb", creator("nb")) in karis.text
        assert remove("nb", creator("nb")) not in karis.button_labels()
        assert make_owner("nb", creator("nb")) in karis.button_labels()

        # A welcome button given out before links were counted names no link: it is retired.
        await anna.send("/start kode")
        welcome = await anna.wait_for(has_button("English"))
        keys = Keyring(vault.keyring_root)
        old_consent = CallbackCodec(keys).pack(Button(Action.CONSENT, (1, 0)))
        await anna.press_data(welcome, old_consent)
        await anna.wait_for(saying("nb", LINK_CHANGED))
        await join(anna, "kode", "nb")

        # Mona hands over to Kari: Kari alone owns the seminar, and may remove Mona.
        await mona.press(monas, make_owner("nb", "Kari Ko"))
        ask = await mona.wait_for(has_button(button("nb", "Yes, make them the owner")))
        await mona.press(ask, button("nb", "Yes, make them the owner"))
        await kari.wait_for(saying("nb", RECEIVED))
        monas = await moderator_list(mona)
        assert said("nb", "You own this seminar: nobody can remove you.") not in monas.text
        assert make_owner("nb", "Kari Ko") not in monas.button_labels()
        karis = await moderator_list(kari)
        assert remove("nb", creator("nb")) in karis.button_labels()
    finally:
        await process.stop()
    process.assert_clean_logs()


async def test_an_owner_cannot_leave_the_seminar_without_an_owner(tmp_path: Path) -> None:
    """Ownership goes only to another moderator, and an owner cannot be removed or remove
    themselves: there is no way to leave a seminar with nobody who owns it."""
    deps, seminar = await _room(tmp_path)
    try:
        anna = PARTICIPANTS[0]
        for target in (MODERATOR, anna):
            handed = await team.hand_over_ownership(deps, MODERATOR, seminar.id, target.tg_id)
            assert isinstance(handed, team.NoLongerModerator)
        assert await team.remove_co_moderator(deps, MODERATOR, seminar.id, MODERATOR.tg_id) is False
        assert not await deps.store.hand_over_ownership(seminar.id, anna.tg_id)
        member = await deps.store.membership(seminar.id, MODERATOR.tg_id)
        assert member is not None
        assert member.role is Role.MODERATOR
        assert member.owner
        participant = await deps.store.membership(seminar.id, anna.tg_id)
        assert participant is not None
        assert not participant.owner
    finally:
        await deps.store.close()
