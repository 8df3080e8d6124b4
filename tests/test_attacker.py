"""Somebody holds the database file, its WAL or a backup, but not SEMINAR_SECRET.

Each test plays that person: it reads the files as bytes, as they would, and looks for what
would name a participant: a Telegram id written as text, as an integer the way SQLite stores
one, or hashed without a key; and the order in which rows lie in the pages, which once paired
every member with their pseudonym. The tests hold the key only to mark the attacker's guesses
right or wrong.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from checks import said
from groupwork_helpers import GROUP_NAME, card_themes, edit_of, propose_theme, theme_on, ui
from harness import (
    ROOT,
    SECRET,
    TOKEN,
    BotProcess,
    answer,
    button,
    contains,
    create_seminar,
    dot_button,
    has_button,
    join,
    saying,
    wait_until,
    write_config,
)
from telegram import Bot

from bot.callbacks import CallbackCodec
from bot.domain import Note, Phase, Seminar
from bot.i18n import translator
from bot.keys import Keyring, new_id
from bot.outbox import Reply, ReplyKind, _encode
from bot.render.answering import note_saved
from bot.render.screens import Screen
from bot.sender import encode_screens, markup
from bot.store.migrations import MIGRATIONS, SEALED_IDS
from bot.vault import Scrypt, Vault
from localapi import FloodLimits, LocalBotApi, SimUser
from localapi.sim import BotMessage, SimGroup

# A random permutation of forty leaves on average one element in place; seven or more happen
# less than once in ten thousand runs. Pairing rows whose order says nothing does no better.
CHANCE = 6


@pytest.fixture
def flood() -> FloodLimits:
    # Telegram's limits are exercised by the broadcast tests; here they would only slow forty
    # people joining one after another.
    return FloodLimits.off()


# -- what the attacker looks for -----------------------------------------------------------


def sqlite_varint(value: int) -> bytes:
    """SQLite's variable-length integer, as it stores rowids and record headers."""
    value &= (1 << 64) - 1
    if value >> 56:
        out = [value & 0xFF]
        value >>= 8
        for _ in range(8):
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        return bytes(reversed(out))
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


def encodings(chat_id: int) -> dict[str, bytes]:
    """Every way the id could sit in the file: decimal text, SQLite's varint, big-endian in
    each width from 1 to 8 bytes it fits in, and unkeyed hashes of its decimal form."""
    found = {"decimal text": str(chat_id).encode(), "varint": sqlite_varint(chat_id)}
    for width in range(1, 9):
        try:
            found[f"{width}-byte big-endian"] = chat_id.to_bytes(width, "big", signed=True)
        except OverflowError:
            continue
    for algorithm in ("md5", "sha1", "sha256"):
        digest = hashlib.new(algorithm, str(chat_id).encode())
        found[f"{algorithm}"] = digest.digest()
        found[f"{algorithm} hex"] = digest.hexdigest().encode()
    return found


def leaks(data: bytes, ids: Iterable[int]) -> list[str]:
    return [
        f"{chat_id} as {how} at byte {data.find(needle)}"
        for chat_id in ids
        for how, needle in encodings(chat_id).items()
        if needle in data
    ]


def database_bytes(bot: BotProcess) -> dict[str, bytes]:
    """The database file and its WAL, as they lie on disk."""
    files = {"database": bot.database.read_bytes()}
    wal = bot.database.with_name(bot.database.name + "-wal")
    if wal.exists():
        files["WAL"] = wal.read_bytes()
    return files


async def make_backup(bot: BotProcess, target: Path) -> bytes:
    """`python -m bot backup`, as the operator runs it next to the live bot."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "SEMINAR_SECRET")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(bot.directory / "config.toml"),
        "backup", str(target), cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return await asyncio.to_thread(target.read_bytes)


async def assert_no_id_anywhere(
    bot: BotProcess, ids: Iterable[int], backup: Path, when: str
) -> None:
    files = database_bytes(bot)
    files["backup"] = await make_backup(bot, backup)
    for name, data in files.items():
        found = leaks(data, ids)
        assert not found, f"{when}: the {name} holds {found}"


# -- reading pages as bytes ------------------------------------------------------------------


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9


def _record(payload: bytes) -> list[object]:
    header, at = _varint(payload, 0)
    types = []
    while at < header:
        kind, at = _varint(payload, at)
        types.append(kind)
    values: list[object] = []
    at = header
    for kind in types:
        if kind in (0, 8, 9):
            values.append(None if kind == 0 else kind - 8)
        elif kind <= 6:
            size = (0, 1, 2, 3, 4, 6, 8)[kind]
            values.append(int.from_bytes(payload[at : at + size], "big", signed=True))
            at += size
        elif kind == 7:
            values.append(payload[at : at + 8])
            at += 8
        else:
            size = (kind - 12) // 2 if kind % 2 == 0 else (kind - 13) // 2
            raw = payload[at : at + size]
            values.append(raw if kind % 2 == 0 else raw.decode("utf-8", "replace"))
            at += size
    return values


def rows_in_page_order(data: bytes) -> list[list[object]]:
    """Every row in the leaf pages of the file, page by page, and within a page in the order
    its cells lie from the end of the page: the order they were written in, as long as the
    page was not rebuilt. No key, no SQL: only SQLite's file format."""
    size = int.from_bytes(data[16:18], "big") or 65536
    rows = []
    for number in range(len(data) // size):
        page = data[number * size : (number + 1) * size]
        start = 100 if number == 0 else 0
        kind = page[start]
        if kind not in (0x0A, 0x0D):  # index and table leaves
            continue
        count = int.from_bytes(page[start + 3 : start + 5], "big")
        pointers = [
            int.from_bytes(page[start + 8 + 2 * i : start + 10 + 2 * i], "big")
            for i in range(count)
        ]
        for offset in sorted(pointers, reverse=True):
            length, at = _varint(page, offset)
            if kind == 0x0D:
                _, at = _varint(page, at)  # the rowid
            if at + length > size:
                continue  # spills to an overflow page; members and writers never do
            rows.append(_record(page[at : at + length]))
    return rows


def members_and_writers(data: bytes) -> tuple[list[list[object]], list[list[object]]]:
    """The attacker knows the schema (it is in the file): a member row is (seminar, person,
    chat, role, display name, summaries, owner), a writer row starts (seminar, 32-digit
    pseudonym) and has ten columns or more (twelve since it keeps the open vote card)."""
    rows = rows_in_page_order(data)
    members = [r for r in rows if len(r) == 7 and r[3] in ("moderator", "participant")]
    writers = [
        r for r in rows if len(r) >= 10 and isinstance(r[1], str) and len(r[1]) == 32 and r[0] == 1
    ]
    return members, writers


def checkpointed_copy(bot: BotProcess, folder: Path) -> bytes:
    """The live file with its WAL folded in, as somebody who copied both would read it."""
    folder.mkdir()
    for suffix in ("", "-wal"):
        source = bot.database.with_name(bot.database.name + suffix)
        if source.exists():
            shutil.copy(source, folder / ("copy.sqlite3" + suffix))
    with sqlite3.connect(folder / "copy.sqlite3") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (folder / "copy.sqlite3").read_bytes()


def keys_of(database: Path) -> tuple[Vault, Keyring]:
    """What the bot derives from the secret and the file's salt; the tests use it only to mark
    the attacker's guesses."""
    with sqlite3.connect(database) as conn:
        ((raw,),) = conn.execute("SELECT value FROM meta WHERE key = 'kdf'")
    vault = Vault(Scrypt.decode(str(raw)).derive(SECRET.encode()))
    return vault, Keyring(vault.keyring_root)


# -- (a) no id in the bytes, at every step of a seminar ---------------------------------------


async def vote_all(person: SimUser, card: BotMessage, theme: str, notes: int) -> None:
    """Sorts every note on the card into the one theme, note after note."""
    for _ in range(notes):
        label = next(x for x in card.button_labels() if theme_on(x) == theme)
        changed = edit_of(card)
        await person.press(card, label)
        card = await person.wait_for(changed)


async def test_no_telegram_id_is_in_the_database_its_wal_or_a_backup(
    api: LocalBotApi, bot: BotProcess, tmp_path: Path
) -> None:
    mona = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    code = await create_seminar(mona)
    room = api.group("Seminarrommet", members=[mona], admins=[mona])
    await room.send(mona, "/bind")
    await room.wait_for(contains("Gode møter med Nav"))
    people = [
        api.user(f"Deltaker {i}", language_code="nb" if i % 2 else "en", username=f"d{i}")
        for i in range(6)
    ]
    for person in people:
        await join(person, code, ui(person))
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for i, person in enumerate(people):
        await person.wait_for(has_button(button(ui(person), "Next question ▶")))
        await answer(person, f"God erfaring nummer {i}")
    await mona.send("/announce Husk kaffen i pausen")
    for person in people:
        await person.wait_for(contains("Husk kaffen i pausen"))
    everyone = [mona.id, room.id, *(p.id for p in people)]
    await assert_no_id_anywhere(bot, everyone, tmp_path / "1.sqlite3", "after the notes")

    await mona.send("/close")
    await mona.wait_for(contains("God erfaring nummer"))
    await mona.send("/groups 3")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    seats: dict[str, list[SimUser]] = {}
    for person in people:
        seated = await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
        found = GROUP_NAME.search(seated.text)
        assert found is not None
        seats.setdefault(found.group(0), []).append(person)
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    for person in people:
        await person.wait_for(contains("God erfaring nummer"))
    await assert_no_id_anywhere(bot, everyone, tmp_path / "2.sqlite3", "after /groups")

    themes = {}
    for (name, members), theme in zip(sorted(seats.items()), ("Tid", "Respekt"), strict=True):
        themes[name] = theme
        assert theme in (await propose_theme(members[0], theme)).text
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for name, members in seats.items():
        for person in members:
            card = await person.wait_for(lambda m, name=name: themes[name] in card_themes(m))
            await vote_all(person, card, themes[name], len(members))
    await mona.send("/plenary")
    dots_button = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.press(dots_button, button("nb", "Start the dot vote"))
    for person in people:
        card = await person.wait_for(has_button(dot_button(ui(person), 1)))
        await person.press(card, dot_button(ui(person), 1))
        await person.wait_for(edit_of(card))
    await mona.send("/close_dots")
    await room.wait_for(
        contains(
            said("nb", "<b>The themes of {title}, ranked by dots</b>", title="Gode møter med Nav")
        )
    )
    await assert_no_id_anywhere(bot, everyone, tmp_path / "3.sqlite3", "after the dot vote")


# -- (b) the order of rows in the pages ------------------------------------------------------


async def test_the_order_of_rows_in_the_pages_links_nobody(
    api: LocalBotApi, bot: BotProcess, tmp_path: Path
) -> None:
    """Members and writers are written together at consent, and SQLite keeps cells in the
    order they were written: pairing the k-th member with the k-th writer in a backup's page
    bytes once linked forty of forty people to their notes. Now a member's row holds nothing
    that names them, a backup's rows lie in the order of their keyed hashes, and so do the live
    file's once the answer round has closed."""
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"Deltaker {i:02d}", language_code="nb") for i in range(40)]
    for person in people:
        await join(person, code, "nb")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for i, person in enumerate(people):
        await person.wait_for(has_button(button("nb", "Next question ▶")))
        await answer(person, f"Lapp {i:02d} om god hjelp")
    ids = {person.id for person in people} | {mona.id}

    # The live file and its WAL while the round is open: the rows still lie in the order people
    # joined, but no member row holds an id, as a number, in its bytes or hashed without a key.
    live = checkpointed_copy(bot, tmp_path / "live")
    members, writers = members_and_writers(live)
    assert (len(members), len(writers)) == (41, 40)
    for row in members:
        for value in row:
            assert value not in ids, row
            if isinstance(value, (bytes, str)):
                raw = value if isinstance(value, bytes) else value.encode()
                assert not leaks(raw, ids), row
    assert not leaks(live, ids)

    # A backup: even with the key to mark the guesses, pairing by position is right only as
    # often as chance allows, and so is pairing the writers with the order people joined in.
    copy = tmp_path / "backup.sqlite3"
    backup = await make_backup(bot, copy)
    assert not leaks(backup, ids)
    assert_order_links_nobody(backup, copy, people)

    # The live file once the round has closed, WAL and all, as a copy of the data folder has
    # it: rebuilt in key order, it tells no more than the backup.
    await mona.send("/close")
    await mona.wait_for(contains("Lapp 00 om god hjelp"))
    await wait_until(lambda: "database file rebuilt" in bot.log_text)
    live = checkpointed_copy(bot, tmp_path / "closed")
    assert not leaks(live, ids)
    assert_order_links_nobody(live, bot.database, people)


def assert_order_links_nobody(data: bytes, database: Path, people: list[SimUser]) -> None:
    """Pairs the k-th participant row with the k-th writer row of the file's pages, and the
    k-th writer with the k-th person to join; the key only marks the guesses."""
    members, writers = members_and_writers(data)
    assert (len(members), len(writers)) == (len(people) + 1, len(people))
    vault, keyring = keys_of(database)
    member_of = {vault.lookup(p.id): p.id for p in people}
    writer_of = {keyring.pseudonym(1, p.id): p.id for p in people}
    participants = [row for row in members if row[3] == "participant"]  # the role is no secret
    assert {member_of[row[1]] for row in participants} == {p.id for p in people}  # type: ignore[index]
    assert {writer_of[str(row[1])] for row in writers} == {p.id for p in people}
    by_position = sum(
        member_of[m[1]] == writer_of[str(w[1])]  # type: ignore[index]
        for m, w in zip(participants, writers, strict=True)
    )
    by_joining = sum(p.id == writer_of[str(w[1])] for p, w in zip(people, writers, strict=True))
    assert by_position <= CHANCE, f"{by_position} of {len(people)} paired right by position"
    assert by_joining <= CHANCE, f"{by_joining} of {len(people)} paired right by joining order"


# -- (c) a database from before ids were sealed ----------------------------------------------


class BotBeforeSealing:
    """The bot as it was before Telegram ids were sealed, as far as its database and its
    messages go: schema version 5, ids in the clear, and pseudonyms, message references and
    button MACs keyed from the secret alone. It takes its updates and answers through the Bot
    API as that bot did, so its messages and buttons are really in the people's chats."""

    def __init__(self, api: LocalBotApi, database: Path, room: SimGroup) -> None:
        self.keys = Keyring(SECRET.encode())
        self.codec = CallbackCodec(self.keys)
        self.api = Bot(TOKEN, base_url=api.base_url)
        self.offset = 0
        self.db = sqlite3.connect(database, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        for number, script in enumerate(MIGRATIONS[: SEALED_IDS - 1], start=1):
            self.db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
        self.db.execute("INSERT INTO meta VALUES ('secret_check', ?)", (self.keys.check_value,))
        questions = ("Hva hjalp deg?", "Hvorfor hjalp det?")
        self.seminar = Seminar(
            1, "Gode møter", "nb", Phase.ANSWERING, questions, "kode", 5, datetime.now(UTC), room.id
        )
        self.db.execute(
            "INSERT INTO seminars (id, title, language, phase, questions, invite_code,"
            " group_size, created_at, plenary_chat_id) VALUES (1, ?, 'nb', 'answering', ?,"
            " 'kode', 5, ?, ?)",
            (self.seminar.title, json.dumps(questions), datetime.now(UTC).isoformat(), room.id),
        )

    def member(self, person: SimUser, language: str, role: str, name: str | None = None) -> None:
        self.db.execute("INSERT INTO users (tg_id, language, active_seminar_id) VALUES (?, ?, 1)",
                        (person.id, language))  # fmt: skip
        self.db.execute(
            "INSERT INTO members (seminar_id, tg_id, role, display_name) VALUES (1, ?, ?, ?)",
            (person.id, role, name),
        )
        if role == "participant":
            self.db.execute(
                "INSERT INTO writers (seminar_id, pseudonym) VALUES (1, ?)",
                (self.keys.pseudonym(1, person.id),),
            )

    async def take_note(self, person: SimUser, text: str) -> tuple[dict[str, object], BotMessage]:
        """The person writes; the bot takes the update, stores the note and answers with its
        edit and delete buttons."""
        sent = await person.send(text)
        updates = await self.api.get_updates(offset=self.offset, timeout=0)
        self.offset = updates[-1].update_id + 1
        assert updates[-1].message is not None
        assert updates[-1].message.message_id == sent["message_id"]
        note = Note(new_id(), 1, 0, text, hidden=False)
        self.db.execute(
            "INSERT INTO notes (id, seminar_id, author, question, text, source_ref)"
            " VALUES (?, 1, ?, 0, ?, ?)",
            (
                note.id,
                self.keys.pseudonym(1, person.id),
                text,
                self.keys.message_ref(1, person.id, int(sent["message_id"])),
            ),
        )
        language = ui(person) if person.language_code != "nn" else "nn"
        await self.send(person.id, note_saved(translator(language), self.seminar, note, False, 1))
        return sent, await person.wait_for(contains("✓", text[:20]))

    async def send(self, chat_id: int, screen: Screen) -> int:
        message = await self.api.send_message(
            chat_id, screen.text, parse_mode="HTML", reply_markup=markup(screen, self.codec)
        )
        return message.message_id

    async def stop(self) -> None:
        await self.api.get_updates(offset=self.offset, timeout=0)  # confirms the last one
        self.db.close()


async def test_a_database_from_before_is_sealed_in_place_and_everyone_is_still_found(
    api: LocalBotApi, tmp_path: Path
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    kari = api.user("Kari Komoderator", language_code="nb")
    anna = api.user("Anna", language_code="nb")
    bob = api.user("Bob", language_code="en")
    cato = api.user("Cato", language_code="nn")
    room = api.group("Seminarrommet", members=[mona], admins=[mona])
    for person in (mona, kari):
        person.started = True
    everyone = [mona.id, kari.id, anna.id, bob.id, cato.id, room.id]

    old = BotBeforeSealing(api, tmp_path / "seminar.sqlite3", room)
    await old.api.initialize()
    old.member(mona, "nb", "moderator")
    old.member(kari, "nb", "moderator", "Kari Komoderator")
    for person, language in ((anna, "nb"), (bob, "en"), (cato, "nn")):
        old.member(person, language, "participant")
    _, anna_saved = await old.take_note(anna, "Veilederen ringte meg tilbake")
    bob_sent, _ = await old.take_note(bob, "My adviser explained the rules")
    await old.take_note(cato, "Eg fekk tid til å tenkje")
    # What the bot still owed when it stopped: a reply, half a broadcast, a scheduled close,
    # and the live progress message in the room.
    owed = Reply(ReplyKind.MESSAGE, bob.id, Screen("Svar som ventet i utboksen"))
    old.db.execute("INSERT INTO outbox (chat_id, reply) VALUES (?, ?)", (bob.id, _encode(owed)))
    screens = {
        lang: encode_screens([Screen("Husk pausen klokka 11")]) for lang in ("nb", "en", "nn")
    }
    old.db.execute(
        "INSERT INTO broadcasts (id, seminar_id, screens, created_at) VALUES (1, 1, ?, ?)",
        (json.dumps(screens), datetime.now(UTC).isoformat()),
    )
    await old.send(anna.id, Screen("Husk pausen klokka 11"))
    old.db.executemany(
        "INSERT INTO deliveries (broadcast_id, chat_id, language, sent_screens, status)"
        " VALUES (1, ?, ?, ?, ?)",
        [(anna.id, "nb", 1, "sent"), (bob.id, "en", 0, "pending"), (cato.id, "nn", 0, "pending")],
    )
    close_at = datetime.now(UTC) + timedelta(hours=2)
    old.db.execute(
        "INSERT INTO schedules (seminar_id, kind, run_at, created_by, created_at)"
        " VALUES (1, 'close', ?, ?, ?)",
        (close_at.isoformat(), mona.id, datetime.now(UTC).isoformat()),
    )
    progress = await old.send(room.id, Screen("3 lapper så langt"))
    old.db.execute(
        "INSERT INTO progress_messages (seminar_id, chat_id, message_id) VALUES (1, ?, ?)",
        (room.id, progress),
    )
    await old.stop()
    await old.api.shutdown()
    assert leaks((tmp_path / "seminar.sqlite3").read_bytes(), everyone), "no clear ids to seal"

    # With another secret the bot refuses to start, and changes nothing.
    config = write_config(tmp_path, api.base_url.removesuffix("/bot"))
    env = {**os.environ, "BOT_TOKEN": TOKEN, "SEMINAR_SECRET": SECRET + "-other"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "run",
        cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    assert proc.returncode == 3, err.decode()
    with sqlite3.connect(tmp_path / "seminar.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SEALED_IDS - 1,)

    bot = BotProcess(api, tmp_path)
    await bot.start()
    try:
        assert "keys derived in" in bot.log_text
        assert "no Telegram id is left in the clear" in bot.log_text
        for name, data in database_bytes(bot).items():
            assert not leaks(data, everyone), name
            assert b"Kari Komoderator" not in data, name

        # What was owed is given, to nobody twice.
        await bob.wait_for(contains("Svar som ventet i utboksen"))
        await bob.wait_for(contains("Husk pausen klokka 11"))
        await cato.wait_for(contains("Husk pausen klokka 11"))
        await api.wait_idle()
        assert sum("Husk pausen" in m.text for m in anna.inbox) == 1

        # A button from before works: Anna deletes her note from its old "saved" message.
        await anna.press(anna_saved, button("nb", "🗑 Delete"))
        await anna.wait_for(saying("nb", "Deleted 🗑"))
        await answer(anna, "Jeg fikk svar samme dag")
        # So does editing a message that became a note before.
        await bob.edit(int(str(bob_sent["message_id"])), "My adviser explained every rule")
        await bob.wait_for(contains("My adviser explained every rule"))
        await bob.send("/notes")
        await bob.wait_for(contains("My adviser explained every rule"))
        # The room's progress message from before is still the one kept up to date.
        await room.wait_for(lambda m: m.message_id == progress and m.edited > 0, timeout=15)

        # The co-moderator is known by the name she joined with. Nothing said who made the
        # seminar, so both own it until one hands it over; then the other can be removed.
        await kari.send("/moderators")
        owners = await kari.wait_for(has_button(button("nb", "Invite a co-moderator")))
        creator = translator("nb").gettext("the seminar's creator")
        await kari.press(owners, button("nb", "Make {name} the owner").format(name=creator))
        ask = await kari.wait_for(has_button(button("nb", "Yes, make them the owner")))
        await kari.press(ask, button("nb", "Yes, make them the owner"))
        await mona.wait_for(
            saying(
                "nb",
                "You are now the owner of <b>{title}</b>. Nobody can remove you, and only you "
                "can hand the seminar over to someone else (/moderators).",
            )
        )
        await mona.send("/moderators")
        listed = await mona.wait_for(contains("Kari Komoderator"))
        await mona.press(listed, button("nb", "Remove {name}").format(name="Kari Komoderator"))
        await api.wait_idle()
        assert bot.query("SELECT COUNT(*) FROM members WHERE role = 'moderator'") == [(1,)]

        # /forget finds Cato and everything of hers.
        await cato.send("/forget")
        ask = await cato.wait_for(has_button(button("nn", "Yes, delete everything")))
        await cato.press(ask, button("nn", "Yes, delete everything"))
        await api.wait_idle()
        assert bot.query("SELECT text FROM notes ORDER BY text") == [
            ("Jeg fikk svar samme dag",),
            ("My adviser explained every rule",),
        ]

        # The close Mona scheduled runs on her behalf: two writers are left, so she gets the
        # counts and why, not the notes.
        bot.advance_clock(3 * 3600)
        await mona.wait_for(
            saying(
                "nb",
                "Notes are shown only when at least three people wrote them. With fewer, the "
                "readers could tell who wrote what. So nobody sees the notes, not even you.",
            ),
            timeout=20,
        )
        assert not any("My adviser explained every rule" in m.text for m in mona.inbox)

        for name, data in database_bytes(bot).items():
            assert not leaks(data, everyone), name
        assert not leaks(await make_backup(bot, tmp_path / "backup.sqlite3"), everyone)
    finally:
        await bot.stop()
        bot.assert_clean_logs()
