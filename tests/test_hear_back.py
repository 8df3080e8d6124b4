"""Hearing back from a series: at a seminar's end participants are asked whether they want to
hear what comes of the proposals; each change of a proposal's status then reaches exactly the
people who said yes, in their own language, once, even across a restart; «Stop telling me» and
/forget withdraw the wish, and the wishes go when every proposal's status is final. The office
is reminded before a due date, in its bound chat and by e-mail, once per due date.

The follow-up rows are seeded in the database, as the office's page would write them
(`store.update_followup`: the new status, and a `status_changes` row to tell).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from checks import bare, said
from harness import (
    BotProcess,
    button,
    contains,
    create_seminar,
    has_button,
    join,
    saying,
    wait_until,
)
from test_attacker import database_bytes, leaks
from test_mail import PASSWORD, MailBox, email_config, mailbox  # noqa: F401 (a fixture)
from test_rekey import NEW_SECRET, rekey

from bot.domain import Status
from bot.i18n import translator
from bot.render.screens import status_name
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

TITLE = "Gode møter med Nav"
PROPOSAL = "Svar på meldinger innen to dager"
ASK = (
    "Do you want to hear what comes of the proposals from «{title}»? You get a short message "
    "here when one of them changes. Nobody sees who asked."
)
NEWS = "News about a proposal from the seminar «{title}»: «{proposal}» is now {status}."
LAST = "The work on all the proposals is over. This is the last news."
KEPT = (
    "Good. You get a message here when a proposal changes. To stop, press «Stop telling me» "
    "under such a message, or use /forget."
)
STOPPED = "OK. You get no more news about the proposals."
PRIVACY = (
    "If you ask for news about the proposals, the bot keeps your user number in locked form, "
    "and nothing else. It is kept after the seminar is deleted, until the work on the "
    "proposals is over. You can end it before: press «Stop telling me» or use /forget."
)


def says(language: str, msgid: str, /, **values: object) -> Callable[[BotMessage], bool]:
    expected = bare(said(language, msgid, **values))
    return lambda m: expected in bare(m.text)


def ui(person: SimUser) -> str:
    return {"nb": "nb", "ar": "ar"}.get(person.language_code or "", "en")


def news_text(language: str, status: Status, proposal: str = PROPOSAL) -> str:
    return said(
        language,
        NEWS,
        title=TITLE,
        proposal=proposal,
        status=status_name(translator(language), status),
    )


def news_in(person: SimUser) -> list[BotMessage]:
    """Every piece of news the person got, whatever its status."""
    opening = bare(said(ui(person), NEWS, title=TITLE, proposal=PROPOSAL, status="|"))
    return [m for m in person.inbox if opening.split("|")[0] in bare(m.text)]


async def with_people(
    api: LocalBotApi, people: list[tuple[str, str]]
) -> tuple[SimUser, list[SimUser]]:
    """A moderator's seminar with participants (name, language) who joined, round open."""
    mona = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    code = await create_seminar(mona, TITLE)
    joined = []
    for name, language in people:
        person = api.user(name, language_code=language)
        await join(person, code, language)
        joined.append(person)
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    return mona, joined


async def end_seminar(mona: SimUser, title: str = TITLE) -> None:
    """Closes the answer round and ends the seminar for good."""
    await mona.send("/close")
    await mona.wait_for(saying("nb", "<b>Summary of the answer round: {title}</b>"))
    mona.drain()
    await mona.send("/end")
    ask = await mona.wait_for(has_button(button("nb", "Close the seminar")))
    await mona.press(ask, button("nb", "Close the seminar"))


async def asked(person: SimUser) -> BotMessage:
    """The question at the seminar's end, with its two buttons."""
    return await person.wait_for(
        lambda m: (
            says(ui(person), ASK, title=TITLE)(m)
            and has_button(button(ui(person), "Yes, tell me what happens"))(m)
        ),
        timeout=30,
    )


async def say_yes(person: SimUser, question: BotMessage) -> None:
    await person.press(question, button(ui(person), "Yes, tell me what happens"))
    await person.wait_for(
        lambda m: m.message_id == question.message_id and says(ui(person), KEPT)(m)
    )


def seed_proposal(bot: BotProcess, series_id: int, name: str, rank: int = 1) -> int:
    """A proposal of a joint seminar under follow-up, as the series keeps it."""
    bot.execute(
        "INSERT INTO series_themes (series_id, seminar_id, kind, rank, name, dots)"
        " VALUES (?, NULL, 'joint', ?, ?, 3)",
        series_id,
        rank,
        name,
    )
    ((proposal_id,),) = bot.query("SELECT max(id) FROM series_themes")
    bot.execute("INSERT INTO followups (proposal_id) VALUES (?)", proposal_id)
    assert isinstance(proposal_id, int)
    return proposal_id


def change_status(bot: BotProcess, proposal_id: int, status: Status, reason: str = "") -> None:
    """What `store.update_followup` writes when the office gives a proposal a new status."""
    with sqlite3.connect(bot.database) as conn:
        conn.execute(
            "UPDATE followups SET status = ?, reason = ? WHERE proposal_id = ?",
            (status.value, reason, proposal_id),
        )
        conn.execute(
            "INSERT INTO status_changes (proposal_id, status, reason) VALUES (?, ?, ?)",
            (proposal_id, status.value, reason),
        )


def wishes(bot: BotProcess) -> int:
    ((count,),) = bot.query("SELECT count(*) FROM hear_back")
    assert isinstance(count, int)
    return count


async def test_people_who_said_yes_hear_each_change_in_their_language_once(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, people = await with_people(
        api, [("Anna", "nb"), ("Bob", "en"), ("Samir", "ar"), ("Dina", "nb"), ("Eva", "en")]
    )
    anna, bob, samir, dina, eva = people
    await end_seminar(mona)
    questions = {person.name: await asked(person) for person in people}
    # The moderator is not asked: the question is for the participants.
    assert not [m for m in mona.inbox if has_button(button("nb", "Yes, tell me what happens"))(m)]
    for person in (anna, bob, samir, eva):
        await say_yes(person, questions[person.name])
    assert wishes(bot) == 4
    await dina.press(questions["Dina"], button("nb", "No, thanks"))
    await dina.wait_for(saying("nb", "OK. You will not get news about the proposals."))
    assert wishes(bot) == 4

    # /privacy says how long the wish is kept.
    await anna.send("/privacy")
    privacy = await anna.wait_for(contains(said("nb", PRIVACY)))
    # ... and what a series keeps after its seminars are gone.
    assert (
        said(
            "nb",
            "Some things live longer: in a series with proposals, the series keeps the themes, "
            "a few notes and the proposals. None of them has a name.",
        )
        in privacy.text
    )

    # Eva leaves with /forget: her wish goes with everything else.
    await eva.send("/forget")
    ask_forget = await eva.wait_for(has_button(button("en", "Yes, delete everything")))
    await eva.press(ask_forget, button("en", "Yes, delete everything"))
    await wait_until(lambda: wishes(bot) == 3)

    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    proposal = seed_proposal(bot, series_id, PROPOSAL)
    change_status(bot, proposal, Status.UNDER_WAY)
    for person in (anna, bob, samir):
        expected = bare(news_text(ui(person), Status.UNDER_WAY))
        message = await person.wait_for(lambda m, e=expected: e in bare(m.text))
        assert has_button(button(ui(person), "Stop telling me"))(message)
    assert samir.inbox[-1].text.startswith("\u200f")  # Arabic reads right to left
    await wait_until(lambda: bot.query("SELECT told FROM status_changes") == [(1,)])

    # Nothing goes twice, even across a restart; those who did not ask get nothing.
    await bot.stop()
    await bot.restart()
    await asyncio.sleep(3)  # more below, once later news shows the scheduler has run
    for person in (anna, bob, samir):
        assert len(news_in(person)) == 1, person.name
    for person in (dina, eva, mona):
        assert not news_in(person), person.name

    # Bob has heard enough.
    await bob.press(news_in(bob)[0], button("en", "Stop telling me"))
    await bob.wait_for(saying("en", STOPPED))
    await wait_until(lambda: wishes(bot) == 2)

    # The last proposal's status becomes final: that is told, with its reason, and then the
    # wishes are gone.
    reason = "Det krever flere ansatte"
    change_status(bot, proposal, Status.NOT_POSSIBLE, reason)
    for person in (anna, samir):
        expected = bare(news_text(ui(person), Status.NOT_POSSIBLE))
        last = await person.wait_for(lambda m, e=expected: e in bare(m.text))
        assert says(ui(person), "Why: {reason}", reason=reason)(last)
        assert says(ui(person), LAST)(last)
    await wait_until(lambda: wishes(bot) == 0)
    # The news is sent to the end (a finished broadcast is deleted), and Bob got nothing more.
    await wait_until(lambda: bot.query("SELECT count(*) FROM broadcasts") == [(0,)])
    assert len(news_in(bob)) == 1
    # The scheduler has run many times since the restart: the first news still came once.
    for person in (anna, samir):
        assert len(news_in(person)) == 2, person.name
    for person in (dina, eva, mona):
        assert not news_in(person), person.name


async def test_a_wish_leads_to_nobody_and_two_wishes_of_one_person_look_unrelated(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """The attacker holds the database file. A wish is a random id, a series, a sealed chat
    and a language: nothing in it is a member's, a writer's, a note's or a vote's, and the
    same person's wishes in two series share no byte that says so."""
    mona, people = await with_people(api, [("Anna", "nb"), ("Bob", "nb"), ("Cato", "nb")])
    anna = people[0]
    await end_seminar(mona)
    await say_yes(anna, await asked(anna))
    # Anna takes part in a second seminar (a series of its own) and says yes there too.
    anna.drain()
    code = await create_seminar(mona, TITLE)
    await join(anna, code, "nb")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    await end_seminar(mona)
    await say_yes(anna, await asked(anna))

    rows = bot.query("SELECT * FROM hear_back ORDER BY series_id")
    columns = [r[1] for r in bot.query("PRAGMA table_info(hear_back)")]
    assert columns == ["id", "series_id", "chat", "language"]
    assert len(rows) == 2
    (_, first_series, first_chat, _), (_, second_series, second_chat, _) = rows
    assert first_series != second_series
    assert isinstance(first_chat, bytes)
    assert isinstance(second_chat, bytes)
    # Sealed with a fresh nonce each: no shared prefix, nothing equal.
    assert first_chat != second_chat
    assert first_chat[:12] != second_chat[:12]
    # Nothing in a wish is found anywhere a person is: no sealed chat, lookup hash or pseudonym.
    elsewhere = [
        bytes(v)
        for table, column in (
            ("users", "person"),
            ("users", "chat"),
            ("members", "person"),
            ("members", "chat"),
        )
        for (v,) in bot.query(f"SELECT {column} FROM {table}")
        if v is not None
    ]
    for chat in (first_chat, second_chat):
        assert all(chat not in value and value not in chat for value in elsewhere)
    pseudonyms = [str(p).encode() for (p,) in bot.query("SELECT pseudonym FROM writers")]
    for row in rows:
        assert not any(p in repr(row).encode() for p in pseudonyms)
    # The wish's id is random, not an order of asking, and no Telegram id is in the file.
    for name, data in database_bytes(bot).items():
        assert not leaks(data, [anna.id]), name
    assert all(isinstance(r[0], int) and r[0] > 2**32 for r in rows)


@pytest.fixture
async def mailed_bot(
    api: LocalBotApi,
    tmp_path: Path,
    mailbox: tuple[MailBox, int],  # noqa: F811
) -> AsyncIterator[tuple[BotProcess, MailBox]]:
    box, port = mailbox
    bot = BotProcess(
        api,
        tmp_path,
        config=email_config(port) + "\n[followup]\nremind_days = 7",
        env={"SEMINARBOT_SMTP_PASSWORD": PASSWORD},
    )
    await bot.start()
    try:
        yield bot, box
    finally:
        await bot.stop()
        bot.assert_clean_logs()


def today() -> datetime:
    return datetime.now(UTC).astimezone(ZoneInfo("Europe/Oslo"))


async def test_the_office_is_reminded_before_a_due_date_once_and_again_when_it_moves(
    api: LocalBotApi, mailed_bot: tuple[BotProcess, MailBox]
) -> None:
    bot, box = mailed_bot
    mona = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    await create_seminar(mona, TITLE)
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains(TITLE))
    bot.execute("INSERT INTO office_emails (seminar_id, address) VALUES (1, 'kontor@nav.no')")
    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    due = (today() + timedelta(days=10)).date()
    proposal = seed_proposal(bot, series_id, PROPOSAL)
    bot.execute(
        "UPDATE followups SET owner = 'Leder for mottaket', status = 'under_way', due = ?"
        " WHERE proposal_id = ?",
        due.isoformat(),
        proposal,
    )
    # A proposal that is done is not reminded of, whatever its due date.
    done = seed_proposal(bot, series_id, "Ferdig forslag", rank=2)
    bot.execute(
        "UPDATE followups SET status = 'done', due = ? WHERE proposal_id = ?",
        today().date().isoformat(),
        done,
    )
    t = translator("nb")

    def reminders() -> list[BotMessage]:
        head = said("nb", "<b>Reminder: a proposal is due on {date}</b>", date="|").split("|")[0]
        return [m for m in office.inbox if head in m.text]

    await asyncio.sleep(3)  # ten days ahead: not yet
    assert not reminders()
    assert not box.received

    bot.advance_clock(3 * 86400 + 60)  # seven days ahead now
    await wait_until(lambda: len(reminders()) == 1 and len(box.received) == 1)
    when = format_date(due, "long", locale="nb")
    text = reminders()[0].text
    assert said("nb", "<b>Reminder: a proposal is due on {date}</b>", date=when) in text
    assert said("nb", "Proposal: «{proposal}»", proposal=PROPOSAL) in text
    assert said("nb", "Owner: {owner}", owner="Leder for mottaket") in text
    assert said("nb", "Status: {status}", status=status_name(t, Status.UNDER_WAY)) in text
    assert said("nb", "Series: «{title}»", title=TITLE) in text
    assert "Ferdig forslag" not in text
    [(to, message)] = box.messages()
    assert to == ["kontor@nav.no"]
    subject = said("nb", "Reminder: «{proposal}» is due on {date}", proposal=PROPOSAL, date=when)
    assert message["Subject"] == subject
    body = message.get_body(("plain",))
    assert body is not None
    assert "Leder for mottaket" in body.get_content()

    # Once per due date, even across a restart.
    await bot.stop()
    await bot.restart()
    await asyncio.sleep(3)
    assert len(reminders()) == 1
    assert len(box.received) == 1

    # A new due date reminds again.
    moved = due - timedelta(days=2)  # brought forward
    bot.execute("UPDATE followups SET due = ? WHERE proposal_id = ?", moved.isoformat(), proposal)
    await wait_until(lambda: len(reminders()) == 2 and len(box.received) == 2)
    assert format_date(moved, "long", locale="nb") in reminders()[1].text
    # Once more after the second reminder's own tick: a letter sent twice would show by now.
    await asyncio.sleep(2)
    assert len(reminders()) == 2
    assert len(box.received) == 2


async def test_a_wish_is_sealed_again_with_a_new_secret_and_still_reaches_its_person(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, people = await with_people(api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nb")])
    await end_seminar(mona)
    for person in people[:2]:
        await say_yes(person, await asked(person))
    old = [chat for (chat,) in bot.query("SELECT chat FROM hear_back") if isinstance(chat, bytes)]
    assert len(old) == 2
    await bot.stop()
    code, _, err = await rekey(bot, NEW_SEMINAR_SECRET=NEW_SECRET)
    assert code == 0, err
    stored = bot.stored_bytes()
    assert not [chat for chat in old if chat in stored]
    bot.secret = NEW_SECRET
    await bot.start()
    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    change_status(bot, seed_proposal(bot, series_id, PROPOSAL), Status.DONE)
    for person in people[:2]:
        expected = bare(news_text(ui(person), Status.DONE))
        await person.wait_for(lambda m, e=expected: e in bare(m.text))
    await wait_until(lambda: wishes(bot) == 0)
    assert not news_in(people[2])


async def test_a_wish_outlives_the_seminar_until_the_person_forgets_it(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """The retention purge deletes the seminar, not the wish: it is in the series, which its
    follow-up keeps. After that, /forget still finds it and deletes it."""
    mona, people = await with_people(api, [("Anna", "nb"), ("Bob", "nb"), ("Cato", "nb")])
    anna = people[0]
    await end_seminar(mona)
    await say_yes(anna, await asked(anna))
    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    proposal = seed_proposal(bot, series_id, PROPOSAL)
    # She now reads English: the news follows her choice.
    await anna.send("/language")
    choice = await anna.wait_for(has_button("English"))
    await anna.press(choice, "English")
    await anna.wait_for(saying("en", "I will write to you in English from now on."))
    bot.advance_clock(181 * 86400)
    await wait_until(lambda: bot.query("SELECT count(*) FROM seminars") == [(0,)])
    assert wishes(bot) == 1
    change_status(bot, proposal, Status.UNDER_WAY)
    await anna.wait_for(contains(news_text("en", Status.UNDER_WAY)))
    anna.drain()
    await anna.send("/forget")
    # The purge took her profile (and her choice of language) with the seminar; the wish kept
    # only its own language. The bot answers in her Telegram's language again.
    await anna.wait_for(saying("nb", STOPPED))
    assert wishes(bot) == 0
    change_status(bot, proposal, Status.DONE)
    await wait_until(lambda: bot.query("SELECT told FROM status_changes") == [(1,), (1,)])
    assert len([m for m in anna.inbox if "Svar på meldinger" in m.text]) == 1
