"""Attacks on the anonymity of a seminar series: nothing in any seminar, page, e-mail or file of
the series links a note, proposal, vote or "hear back" wish to a person.

Each test plays one attacker: a moderator who compares what they see before and after a
participant asks to hear back; the office, with its link, doing the same; a participant who
compares the news they get with a neighbour's; and somebody who holds the database file, its
WAL or a backup made after the retention purge. The follow-up rows are seeded where running
three whole seminars is not the point.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import aiohttp
from followup_helpers import office_link
from harness import BotProcess, answer, button, contains, has_button, wait_until
from test_attacker import database_bytes, leaks, make_backup
from test_hear_back import (
    PROPOSAL,
    TITLE,
    asked,
    bare,
    change_status,
    end_seminar,
    news_text,
    say_yes,
    seed_proposal,
    today,
    ui,
    wishes,
    with_people,
)
from test_hear_back import mailed_bot as mailed_bot
from test_mail import MailBox
from test_mail import mailbox as mailbox

from bot.domain import Status
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

# Tables that hold what a person did or is: a wish must leave every one of them as it was.
PERSONAL = (
    "users",
    "members",
    "writers",
    "notes",
    "votes",
    "dots",
    "dot_presses",
    "note_edits",
    "groups",
    "themes",
)


async def _page(port: int, token: str) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/followup/{token}") as response,
    ):
        assert response.status == 200
        return await response.text()


def _steady(page: str) -> str:
    """The page without what changes on every load (the form's one-time token)."""
    return re.sub(r'name="form" value="[^"]*"', 'name="form" value=""', page)


async def _screen(mona: SimUser, command: str) -> tuple[str, list[list[str]]]:
    """What a moderator sees after a command: the newest message's text and buttons."""
    mona.drain()
    sent = await mona.send(command)
    # The cockpit may be posted again at any time: only /cockpit's answer is a cockpit.
    cockpit = command == "/cockpit"

    def answer(m: BotMessage) -> bool:
        return (
            m.message_id > sent["message_id"]
            and bool(m.text)
            and m.text.startswith("🧭") == cockpit
        )

    message = await mona.wait_for(answer)
    return message.text, [message.button_labels()]


def _personal_rows(bot: BotProcess) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(bot.database) as conn:
        known = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}"), key=repr)
            for table in PERSONAL
            if table in known
        }


async def test_a_moderator_and_the_office_learn_nothing_when_somebody_asks_to_hear_back(
    api: LocalBotApi, paged: tuple[BotProcess, int]
) -> None:
    """The moderator diffs /series, /followup and the cockpit, and the office its page, from
    before anybody answers the question at the seminar's end to after two said yes: nothing
    differs, not even a count. And a wish writes nothing in any row of a person."""
    bot, port = paged
    mona, people = await with_people(api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nb")])
    anna, bob, _ = people
    await end_seminar(mona)
    questions = {person.name: await asked(person) for person in people}
    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    seed_proposal(bot, series_id, PROPOSAL)
    url, _ = await office_link(mona, port)
    token = url.rsplit("/", 1)[1]

    async def seen() -> tuple[object, ...]:
        return (
            await _screen(mona, "/series"),
            await _screen(mona, "/followup"),
            await _screen(mona, "/cockpit"),
            _steady(await _page(port, token)),
        )

    before = await seen()
    rows_before = _personal_rows(bot)
    for person in (anna, bob):
        await say_yes(person, questions[person.name])
    assert wishes(bot) == 2
    after = await seen()
    assert after == before
    # The page names nobody and counts nobody.
    page = after[3]
    assert isinstance(page, str)
    for person in (*people, mona):
        assert person.name not in page
        assert str(person.id) not in page
    assert not re.search(r"\b[23]\b", re.sub(r"<[^>]*>|&#?\w+;", " ", page)), page
    # Saying yes touched no row of a person: the file pairs no wish with a member or writer.
    assert _personal_rows(bot) == rows_before


async def test_the_news_of_a_change_is_one_text_for_everybody_in_a_language(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """Two people in one language who compare their news see the same words and the same
    buttons, down to the button's data: nothing in it tells them apart, or tells how many
    asked, or names anybody."""
    mona, people = await with_people(
        api, [("Anna", "nb"), ("Dina", "nb"), ("Bob", "en"), ("Eva", "en")]
    )
    await end_seminar(mona)
    for person in people:
        await say_yes(person, await asked(person))
    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    proposal = seed_proposal(bot, series_id, PROPOSAL)
    change_status(bot, proposal, Status.UNDER_WAY, "Leder for mottaket tar det")
    got: dict[str, BotMessage] = {}
    for person in people:
        expected = bare(news_text(ui(person), Status.UNDER_WAY))
        got[person.name] = await person.wait_for(lambda m, e=expected: e in bare(m.text))
    for first, second in (("Anna", "Dina"), ("Bob", "Eva")):
        assert got[first].text == got[second].text
        assert got[first].button_labels() == got[second].button_labels()
    for message in got.values():
        for person in (*people, mona):
            assert person.name not in message.text
            assert str(person.id) not in message.text
            assert str(person.id) not in repr(message.buttons)
        assert not re.search(r"\b4\b", message.text)


async def test_after_the_purge_the_file_and_a_backup_keep_only_what_names_nobody(
    api: LocalBotApi, bot: BotProcess, tmp_path: Path
) -> None:
    """Somebody takes the database file, its WAL and a backup after the retention purge of a
    seminar whose series goes on: of its notes only the quote the series kept is there, no
    pseudonym, no Telegram id, and nothing in the series' tables leads to a person."""
    mona, people = await with_people(api, [("Anna", "nb"), ("Bob", "nb"), ("Cato", "nb")])
    notes = {
        "Anna": "Venterommet er for lite og kaldt",
        "Bob": "Telefonen svarer aldri om morgenen",
        "Cato": "Brevene er skrevet med vanskelige ord",
    }
    for person in people:
        await person.wait_for(has_button(button(ui(person), "Next question ▶")))
        await answer(person, notes[person.name])
    await end_seminar(mona)
    for person in people[:2]:
        await say_yes(person, await asked(person))
    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    kept_quote = notes["Cato"]
    proposal = seed_proposal(bot, series_id, PROPOSAL)
    bot.execute(
        "UPDATE series_themes SET quotes = json_array(?) WHERE id = ?", kept_quote, proposal
    )
    pseudonyms = [str(p) for (p,) in bot.query("SELECT pseudonym FROM writers")]
    persons = [bytes(p) for (p,) in bot.query("SELECT person FROM members") if p is not None]
    assert pseudonyms
    assert persons
    change_status(bot, proposal, Status.UNDER_WAY)
    await wait_until(lambda: bot.query("SELECT told FROM status_changes") == [(1,)])

    # The cockpit shows the end before the clock jumps half a year: a cockpit still being
    # posted when the purge deletes its seminar would be a race no real clock can make.
    live = "SELECT count(*) FROM progress_messages WHERE step NOT IN ('', 'ended')"
    await wait_until(lambda: bot.query(live) == [(0,)])
    bot.advance_clock(181 * 86400)
    await wait_until(lambda: bot.query("SELECT count(*) FROM seminars") == [(0,)])
    assert wishes(bot) == 2  # the series goes on, and its wishes with it
    files = database_bytes(bot)
    files["backup"] = await make_backup(bot, tmp_path / "after-purge.db")
    with sqlite3.connect(tmp_path / "after-purge.db") as conn:
        tables = [
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        dump = "\n".join(
            repr(row) for table in tables for row in conn.execute(f"SELECT * FROM {table}")
        )
        person_rows = conn.execute("SELECT count(*) FROM members").fetchone()[0]
    assert person_rows == 0
    assert kept_quote in dump
    for name, text in notes.items():
        if text != kept_quote:
            assert text not in dump, name
            for where, data in files.items():
                assert text.encode() not in data, (name, where)
    for pseudonym in pseudonyms:
        assert pseudonym not in dump
    backup = files["backup"]
    assert not [p for p in persons if p in backup]
    for where, data in files.items():
        assert not leaks(data, [p.id for p in (*people, mona)]), where
    for person in people:
        assert person.name.encode() not in backup


async def test_the_offices_reminder_names_nobody_in_its_chat_or_its_e_mail(
    api: LocalBotApi, mailed_bot: tuple[BotProcess, MailBox]
) -> None:
    """Whoever reads the office's reminder, in its bound chat or as the e-mail on its way,
    finds the series, the proposal and what the office wrote: no Telegram id in any form, no
    name, username or pseudonym, no note."""
    bot, box = mailed_bot
    mona, people = await with_people(
        api, [("Anna Aasen", "nb"), ("Bobby Berg", "en"), ("Cato Carlsen", "nb")]
    )
    notes = ("Lang kø i skranken", "Nobody called back", "Fint møte med veileder")
    for person, note in zip(people, notes, strict=True):
        await person.wait_for(has_button(button(ui(person), "Next question ▶")))
        await answer(person, note)
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains(TITLE))
    bot.execute("INSERT INTO office_emails (seminar_id, address) VALUES (1, 'kontor@nav.no')")
    await end_seminar(mona)
    for person in people[:2]:
        await say_yes(person, await asked(person))
    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    proposal = seed_proposal(bot, series_id, PROPOSAL)
    due = (today() + timedelta(days=10)).date()
    bot.execute(
        "UPDATE followups SET owner = 'Leder for mottaket', due = ? WHERE proposal_id = ?",
        due.isoformat(),
        proposal,
    )
    pseudonyms = [str(p) for (p,) in bot.query("SELECT pseudonym FROM writers")]
    assert pseudonyms
    bot.advance_clock(3 * 86400 + 60)
    # The report went to the office when the seminar ended; the reminder comes now.
    await wait_until(lambda: len(box.received) == 2)
    reminder = await office.wait_for(contains(PROPOSAL))
    everybody = (*people, mona)
    seen = [("chat", reminder.text)]
    for (to, message), (_, raw) in zip(box.messages(), box.received, strict=True):
        assert to == ["kontor@nav.no"]
        assert not leaks(raw, [p.id for p in everybody])
        read = "\n".join(
            [
                *(f"{key}: {value}" for key, value in message.items()),
                *(str(part.get_content()) for part in message.walk() if not part.is_multipart()),
            ]
        )
        assert not leaks(read.encode(), [p.id for p in everybody])
        seen.append((str(message["Subject"]), read))
    assert any(PROPOSAL in subject for subject, _ in seen[1:])
    for where, text in seen:
        for person in everybody:
            for part in person.name.split():
                assert part not in text, (where, part)
        assert "mona_mod" not in text, where
        for pseudonym in pseudonyms:
            assert pseudonym not in text, (where, pseudonym)
        if PROPOSAL in where or where == "chat":  # the report has the notes; a reminder not
            for note in notes:
                assert note not in text, (where, note)
