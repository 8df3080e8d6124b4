"""A seminar series, end to end: users, then staff, then a joint seminar that starts from both
seminars' themes and ranks proposals for them; the follow-up of the chosen proposals; and a
follow-up seminar that opens with what came of them."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from browser import chromium_at, needs_chromium, waiting_for
from checks import said
from followup_helpers import free_port, office_link, page_config
from harness import (
    SECRET,
    BotProcess,
    button,
    contains,
    create_seminar,
    has_button,
    join,
    run_cli,
    saying,
    wait_until,
)
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from series_helpers import run_seminar

from bot.i18n import joint_question, standard_questions, translator
from localapi import LocalBotApi
from localapi.sim import BotMessage, SimUser

WAIT = 20.0
USERS = (("Anna Nordmann", "nb"), ("Bo Berntsen", "en"), ("Cato Carlsen", "nb"))
USER_NOTES = [
    ["Veilederen ringte tilbake", "Hun tok seg tid"],
    ["I got an answer the same day", "Someone cared about me"],
    ["Jeg ble trodd med en gang", "Ingen stress i møtet"],
]
STAFF_NOTES = [
    ["Jeg ringer tilbake samme dag", "Vi har luft i kalenderen"],
    ["Jeg lytter til hele historien", "Lederen gir oss tid"],
    ["Jeg forklarer reglene enkelt", "Vi har gode maler"],
]
JOINT_NOTES = [
    ["Svar innen to dager", "Faste tider for samtale"],
    ["Ring tilbake samme dag", "Mindre skjema, mer prat"],
    ["Send a text when the case moves", "Book a longer first meeting"],
]


async def next_seminar(mona: SimUser, kind_button: str, kind: str) -> tuple[str, BotMessage]:
    """Two taps from the ended seminar's cockpit: the next seminar of the series, and its kind.
    Returns the new seminar's join code and the message that named its kind."""
    start = button("nb", "Start the next seminar of the series")

    def ended_cockpit(m: BotMessage) -> bool:
        return m.text.startswith("🧭") and not m.deleted and start in m.button_labels()

    shown = [m for m in mona.bot_messages.values() if ended_cockpit(m)]
    cockpit = shown[-1] if shown else await mona.wait_for(ended_cockpit, WAIT)
    await mona.press(cockpit, start)
    kinds = await mona.wait_for(has_button(button("nb", kind_button)))
    await mona.press(kinds, button("nb", kind_button))
    named = await mona.wait_for(
        contains(
            said(
                "nb",
                "A new {kind} in the series <b>{title}</b>.",
                kind=translator("nb").pgettext("kind", kind),
                title="Bedre hjelp i Nav",
            )
        )
    )
    created = await mona.wait_for(contains("https://t.me/"))
    return created.text.split("?start=")[1].split()[0], named


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    with chromium_at(
        tmp_path / "profile", 412, 915, phone=True, host="office.example.org"
    ) as driver:
        yield driver


@pytest.fixture
def page_port() -> int:
    """A free port for the office's page, taken when the test starts."""
    return free_port()


@pytest.fixture
async def bot(api: LocalBotApi, tmp_path: Path, page_port: int) -> AsyncIterator[BotProcess]:
    """The bot with the office's page on."""
    process = BotProcess(api, tmp_path, config=page_config(page_port))
    await process.start()
    try:
        yield process
    finally:
        await process.stop()
        process.assert_clean_logs()


def _set_on_page(
    chromium: webdriver.Chrome, proposal: int, status: str, owner: str = "", due: str = ""
) -> None:
    """The office sets a proposal's status (and owner role and due date) on its page."""
    section = chromium.find_element(By.ID, f"p{proposal}")
    if owner:
        field = section.find_element(By.NAME, "owner")
        field.clear()
        field.send_keys(owner)
    if due:
        chromium.execute_script(
            "arguments[0].value = arguments[1]", section.find_element(By.NAME, "due"), due
        )
    Select(section.find_element(By.NAME, "status")).select_by_visible_text(
        translator("nb").pgettext("status", status)
    )
    section.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    waiting_for(chromium, ".saved")


def _news(language: str, status: str) -> str:
    t = translator(language)
    return said(
        language,
        "News about a proposal from the seminar «{title}»: «{proposal}» is now {status}.",
        title="Bedre hjelp i Nav",
        proposal="Kortere ventetid",
        status=t.pgettext("status", status),
    )


@needs_chromium
async def test_users_staff_and_joint_seminars_make_a_series_with_follow_up(
    api: LocalBotApi,
    bot: BotProcess,
    chromium: webdriver.Chrome,
    tmp_path: Path,
    page_port: int,
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona, "Bedre hjelp i Nav")
    anna, bo, cato = (api.user(name, language_code=lang) for name, lang in USERS)
    users = [(anna, "nb"), (bo, "en"), (cato, "nb")]
    # Anna and Bo ask to hear what comes of it; Cato does not.
    await run_seminar(mona, code, users, USER_NOTES, "Rask respons", hear_back=(anna, bo))

    # Staff: two taps from the ended seminar, and the staff's own standard questions.
    code, named = await next_seminar(mona, "New seminar with staff", "staff seminar")
    assert "Bedre hjelp i Nav" in named.text
    staff = [(api.user(f"Ansatt Nummer {i}", language_code="nb"), "nb") for i in range(3)]
    await run_seminar(mona, code, staff, STAFF_NOTES, "Tid til samtale")
    asked = standard_questions(translator("nb"), staff=True)[0]
    assert any(asked in m.text for m in staff[0][0].inbox)

    # Joint: it starts from both seminars' themes, shown to everyone before the questions,
    # and asks for proposals theme by theme.
    code, _ = await next_seminar(mona, "New joint seminar", "joint seminar")
    starts = saying("nb", "Today we start from these themes. For each theme, we ask what to do.")
    shown = next(m for m in mona.inbox if starts(m))
    assert shown.text.index("Rask respons") < shown.text.index("Tid til samtale")
    dina = api.user("Dina Dahlberg", language_code="en")
    joint = [(anna, "nb"), (staff[0][0], "nb"), (dina, "en")]
    await run_seminar(mona, code, joint, JOINT_NOTES, "Kortere ventetid", hear_back=(anna,))
    for person, language in joint:
        t = translator(language)
        texts = " ".join(m.text for m in person.inbox)
        assert said(language, "From the users") in texts
        assert said(language, "From the staff") in texts
        assert joint_question(t, "Rask respons", from_staff=False) in texts
        assert joint_question(t, "Tid til samtale", from_staff=True) in texts

    # The seminars of a series share a title: a cockpit names the kind beside it.
    cockpits = [m for m in mona.bot_messages.values() if m.text.startswith("🧭") and not m.deleted]
    joint_kind = translator("nb").pgettext("kind", "joint seminar")
    assert f"Bedre hjelp i Nav ({joint_kind})" in cockpits[-1].text

    # The chosen proposal, under follow-up, answers both earlier themes (its lineage).
    assert bot.query("SELECT kind FROM seminars ORDER BY id") == [
        ("users",),
        ("staff",),
        ("joint",),
    ]
    assert bot.query(
        "SELECT p.name, f.status FROM followups f JOIN series_themes p ON p.id = f.proposal_id"
    ) == [("Kortere ventetid", "planned")]
    assert sorted(
        bot.query(
            "SELECT a.name, a.kind FROM lineage l JOIN series_themes a ON a.id = l.answers_id"
        )
    ) == [("Rask respons", "users"), ("Tid til samtale", "staff")]
    assert len({row[0] for row in bot.query("SELECT series_id FROM seminars")}) == 1

    # The joint seminar's report carries the follow-up table.
    await mona.send("/report")
    report = await mona.wait_for(lambda m: m.kind == "document" and m.file_name == "report.html")
    await api.wait_idle(timeout=60)  # the report's files are made in a child process
    page = (report.file_bytes or b"").decode("utf-8")
    follow_up = page.split(said("nb", "Proposals and follow-up"))[1]
    assert "Kortere ventetid" in follow_up
    assert translator("nb").pgettext("status", "planned") in follow_up

    # The office sets the status on its page, in a browser, through the link a moderator made.
    url, _ = await office_link(mona, page_port)
    chromium.get(url)
    ((proposal,),) = bot.query("SELECT proposal_id FROM followups")
    _set_on_page(chromium, int(str(proposal)), "under way", "Leder for mottaket", "2027-03-01")
    # Those who asked hear it once each (Anna asked twice: one wish), in their own language.
    await anna.wait_for(contains(_news("nb", "under way")), WAIT)
    await bo.wait_for(contains(_news("en", "under way")), WAIT)
    await api.wait_idle(timeout=30)
    for person, language in ((anna, "nb"), (bo, "en")):
        told = [m for m in person.inbox if _news(language, "under way") in m.text]
        assert len(told) == 1, person.transcript()
    for person, language in ((cato, "nb"), (dina, "en"), *staff):
        assert not any(_news(language, "under way") in m.text for m in person.inbox)

    # A follow-up seminar of the users opens with what came of every proposal.
    code, _ = await next_seminar(mona, "New seminar with users", "users' seminar")
    eva = api.user("Eva Engebretsen", language_code="en")
    await join(eva, code, "en")
    await mona.send("/open")
    table = await eva.wait_for(saying("en", "What came of the proposals from last time:"))
    assert "Kortere ventetid" in table.text
    assert translator("en").pgettext("status", "under way") in table.text
    assert "Leder for mottaket" in table.text

    # Done: the last news, after which the wishes to hear back are gone.
    chromium.refresh()
    _set_on_page(chromium, int(str(proposal)), "done")
    await anna.wait_for(contains(_news("nb", "done")), WAIT)
    await bo.wait_for(contains(_news("en", "done")), WAIT)
    await wait_until(lambda: bot.query("SELECT COUNT(*) FROM hear_back") == [(0,)])

    # The users' seminar's report, made now, lists for its theme the proposal that answers it,
    # with what came of it.
    env = {**os.environ, "SEMINAR_SECRET": SECRET}
    env.pop("BOT_TOKEN", None)
    config = str(bot.directory / "config.toml")
    out = tmp_path / "users-report"
    done, _, err = await run_cli("--config", config, "report", "1", "--out", str(out), env=env)
    assert done == 0, err
    follow_up = (
        (out / "report.html").read_text("utf-8").split(said("nb", "Proposals and follow-up"))[1]
    )
    assert "Rask respons" in follow_up
    assert "Kortere ventetid" in follow_up
    assert translator("nb").pgettext("status", "done") in follow_up
    bot.assert_clean_logs()

    # The retention purge: the seminars go with everything about people, and the series keeps
    # only what holds no person (themes, proposals, chosen quotes, statuses).
    written = [
        note for notes in (USER_NOTES, STAFF_NOTES, JOINT_NOTES) for n in notes for note in n
    ]
    quotes = {
        quote
        for (kept,) in bot.query("SELECT quotes FROM series_themes")
        for quote in json.loads(str(kept))
    }
    assert quotes
    assert quotes < set(written)
    bot.advance_clock(181 * 86400)
    await wait_until(lambda: bot.query("SELECT COUNT(*) FROM seminars") == [(0,)])
    for table in ("users", "members", "writers", "notes", "votes", "dots", "joint_questions"):
        assert bot.query(f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    assert bot.query("SELECT COUNT(*) FROM series") == [(1,)]
    assert bot.query("SELECT DISTINCT seminar_id FROM series_themes") == [(None,)]
    assert bot.query("SELECT COUNT(*) FROM followups") == [(1,)]
    assert len(bot.query("SELECT answers_id FROM lineage")) == 2
    await wait_until(
        lambda: not any(n.encode() in bot.stored_bytes() for n in set(written) - quotes)
    )
    stored = bot.stored_bytes()
    for person in (anna, bo, cato, dina, eva, *(p for p, _ in staff)):
        assert person.name.encode() not in stored
        assert str(person.id).encode() not in stored
