"""The office's side of a series' follow-up, kept on the series: its chat and addresses outlive
the series' seminars (reminders, /followup and a link made in the office's own chat still work
after the retention purge); a fixed «not possible» reason reaches each reader in their own
language; an office chat bound to several series lists them all; the office's links are sent
without a link preview, so Telegram's crawler never opens the page."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from checks import said
from followup_helpers import (
    LINK,
    PROPOSAL,
    free_port,
    office_link,
    page_config,
    seminar_with_followup,
)
from harness import BotProcess, button, contains, create_seminar, has_button, wait_until
from test_hear_back import (
    TITLE,
    asked,
    bare,
    end_seminar,
    news_text,
    say_yes,
    seed_proposal,
    today,
    with_people,
)
from test_mail import PASSWORD, MailBox, email_config, mailbox, office_email  # noqa: F401
from test_rekey import NEW_SECRET, rekey

from bot.domain import Reason, Status
from bot.i18n import translator
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage, SimGroup

DAY = 86400
WHY = "Why: {reason}"
MONEY = "There is no money for it."


def _status(language: str, name: str) -> str:
    return translator(language).pgettext("status", name)


def _change(number: int) -> str:
    return button("nb", "Proposal {number}: change status").format(number=number)


async def _set_not_possible(office: SimGroup, who: SimUser, table: BotMessage) -> None:
    """«Proposal 1: change status», «not possible», «There is no money for it.»"""
    await who.press(table, _change(1))
    impossible = button("nb", "Proposal {number}: {status}").format(
        number=1, status=_status("nb", "not possible")
    )
    statuses = await office.wait_for(has_button(impossible))
    await who.press(statuses, impossible)
    money = button("nb", "Proposal {number}: {reason}").format(number=1, reason=said("nb", MONEY))
    await office.wait_for(has_button(money))
    await who.press(statuses, money)


def _previews_off(api: LocalBotApi, chat_id: int) -> bool:
    """Every message the bot sent to the chat with an office link had its preview off."""
    sent = [
        params
        for method, params in api.requests
        if method == "sendMessage"
        and str(params.get("chat_id")) == str(chat_id)
        and "/followup/" in str(params.get("text", ""))
    ]
    return bool(sent) and all(
        '"is_disabled": true' in str(p.get("link_preview_options", "")).lower()
        or (isinstance(p.get("link_preview_options"), dict)
            and p["link_preview_options"].get("is_disabled") is True)
        for p in sent
    )  # fmt: skip


async def test_a_fixed_reason_reaches_each_reader_in_their_own_language(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, people = await with_people(api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nb")])
    anna, bob = people[0], people[1]
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains(TITLE))
    await end_seminar(mona)
    for person in (anna, bob):
        await say_yes(person, await asked(person))
    (series_id,) = bot.query("SELECT series_id FROM seminars")[0]
    assert isinstance(series_id, int)
    seed_proposal(bot, series_id, PROPOSAL)

    await office.send(mona, "/followup")
    table = await office.wait_for(has_button(_change(1)))
    await _set_not_possible(office, mona, table)
    await office.wait_for(contains(said("nb", "Reason: {reason}", reason=said("nb", MONEY))))

    # Kept as its code, not as Bokmål text.
    assert bot.query("SELECT reason FROM followups") == [(Reason.MONEY.kept,)]
    for person, language in ((anna, "nb"), (bob, "en")):
        expected = bare(said(language, WHY, reason=said(language, MONEY)))
        head = bare(news_text(language, Status.NOT_POSSIBLE, PROPOSAL))
        news = await person.wait_for(lambda m, h=head: h in bare(m.text))
        assert expected in bare(news.text)
        if language == "en":
            assert said("nb", MONEY) not in news.text


async def test_an_office_chat_bound_to_two_series_lists_both(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    proposals = []
    for title in ("Første serie", "Andre serie"):
        await create_seminar(mona, title)
        await office.send(mona, "/bind office")
        await office.wait_for(contains(title))
        series_id = int(str(bot.query("SELECT max(series_id) FROM seminars")[0][0]))
        proposals.append(seed_proposal(bot, series_id, f"Forslag i {title}"))
    office.drain()
    await office.send(mona, "/followup")
    table = await office.wait_for(has_button(_change(2)))
    for title in ("Første serie", "Andre serie"):
        assert title in table.text
        assert f"Forslag i {title}" in table.text

    # The older series' proposal can be set there too.
    older = table.text.index("Forslag i Første serie") > table.text.index("Forslag i Andre serie")
    number = 2 if older else 1
    await mona.press(table, _change(number))
    done = button("nb", "Proposal {number}: {status}").format(
        number=number, status=_status("nb", "done")
    )
    statuses = await office.wait_for(has_button(done))
    await mona.press(statuses, done)
    await wait_until(
        lambda: (
            bot.query("SELECT status FROM followups WHERE proposal_id = ?", proposals[0])
            == [("done",)]
        )
    )


@pytest.fixture
async def office_bot(
    api: LocalBotApi,
    tmp_path: Path,
    mailbox: tuple[MailBox, int],  # noqa: F811
) -> AsyncIterator[tuple[BotProcess, MailBox, int]]:
    box, mail_port = mailbox
    port = free_port()
    bot = BotProcess(
        api,
        tmp_path,
        config=email_config(mail_port) + "\n" + page_config(port) + "remind_days = 7\n",
        env={"SEMINARBOT_SMTP_PASSWORD": PASSWORD},
    )
    await bot.start()
    try:
        yield bot, box, port
    finally:
        await bot.stop()
        bot.assert_clean_logs()


async def test_the_office_keeps_its_follow_up_after_the_seminars_are_purged(
    api: LocalBotApi, office_bot: tuple[BotProcess, MailBox, int]
) -> None:
    bot, box, port = office_bot
    mona = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    series_id, proposal = await seminar_with_followup(bot, mona)
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains("Gode møter med Nav"))
    assert "kontor@nav.no" in await office_email(mona, "add kontor@nav.no")

    # The moderator's link comes without a preview.
    await mona.send("/followup")
    table = await mona.wait_for(has_button(button("nb", "Make a link for the office")))
    await mona.press(table, button("nb", "Make a link for the office"))
    await mona.wait_for(contains("https://office.example.org/followup/"))
    assert _previews_off(api, mona.id)

    # Every seminar of the series is purged; the series and its follow-up stay.
    bot.advance_clock(181 * DAY)
    await wait_until(lambda: bot.query("SELECT count(*) FROM seminars") == [(0,)])
    assert bot.query("SELECT count(*) FROM series WHERE id = ?", series_id) == [(1,)]

    # A due date near the bot's today: the office is reminded in its chat and by e-mail.
    due = (today() + timedelta(days=181 + 3)).date()
    bot.execute("UPDATE followups SET due = ? WHERE proposal_id = ?", due.isoformat(), proposal)
    head = said("nb", "<b>Reminder: a proposal is due on {date}</b>", date="|").split("|")[0]
    await office.wait_for(contains(head), timeout=30)
    await wait_until(lambda: len(box.received) == 1)
    [(to, _)] = box.messages()
    assert to == ["kontor@nav.no"]

    # /followup in the office's chat still shows the table, and the office makes its own link.
    office.drain()
    await office.send(mona, "/followup")
    link = button("nb", "Link to the page: {title}").format(title="Gode møter med Nav")
    table = await office.wait_for(has_button(link))
    assert PROPOSAL in table.text
    await mona.press(table, link)
    made = await office.wait_for(contains("https://office.example.org/followup/"))
    found = LINK.search(made.text)
    assert found is not None
    assert _previews_off(api, office.id)
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/followup/{found.group(1)}") as response,
    ):
        assert response.status == 200
        assert PROPOSAL in await response.text()


async def test_the_series_keeps_its_office_chat_sealed_and_sealed_again_by_a_rekey(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    await seminar_with_followup(bot, mona)
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains("Gode møter med Nav"))
    [(sealed,)] = bot.query("SELECT office_chat FROM series")
    assert isinstance(sealed, bytes)
    assert str(office.id).encode() not in bot.stored_bytes()
    await bot.stop()
    code, _, err = await rekey(bot, NEW_SEMINAR_SECRET=NEW_SECRET)
    assert code == 0, err
    assert sealed not in bot.stored_bytes()
    bot.secret = NEW_SECRET
    await bot.start()
    bot.advance_clock(181 * DAY)
    await wait_until(lambda: bot.query("SELECT count(*) FROM seminars") == [(0,)])
    office.drain()
    await office.send(mona, "/followup")
    table = await office.wait_for(has_button(_change(1)))
    assert PROPOSAL in table.text


async def test_a_fixed_reason_sent_back_from_the_page_stays_fixed(
    api: LocalBotApi, tmp_path: Path
) -> None:
    port = free_port()
    bot = BotProcess(api, tmp_path, config=page_config(port))
    await bot.start()
    try:
        mona = api.user("Mona Moderator", language_code="nb")
        _, proposal = await seminar_with_followup(bot, mona)
        office = api.group("NAV-kontoret", members=[mona], admins=[mona])
        await office.send(mona, "/bind office")
        await office.wait_for(contains("Gode møter med Nav"))
        await office.send(mona, "/followup")
        await _set_not_possible(office, mona, await office.wait_for(has_button(_change(1))))
        await wait_until(lambda: bot.query("SELECT count(*) FROM status_changes") == [(1,)])
        url, _ = await office_link(mona, port)
        token = url.rsplit("/", 1)[1]
        async with aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{port}/followup/{token}"
            async with session.get(base) as response:
                page = await response.text()
            assert html.escape(said("nb", MONEY), quote=False) in page
            form = page.split('name="form" value="', 1)[1].split('"', 1)[0]
            fields = {
                "seen": _seen(page),
                "form": form,
                "proposal": str(proposal),
                "owner": "Leder for mottaket",
                "status": "not_possible",
                "reason": said("nb", MONEY),
                "due": "",
            }
            async with session.post(base, data=fields, allow_redirects=False) as response:
                assert response.status == 303
            # The same reason as shown: still the fixed one, and no news of a change.
            assert bot.query("SELECT owner, reason FROM followups") == [
                ("Leder for mottaket", Reason.MONEY.kept)
            ]
            assert bot.query("SELECT count(*) FROM status_changes") == [(1,)]
            # The office's own words stay as typed (from the page as it is now).
            async with session.get(base) as response:
                fields["seen"] = _seen(await response.text())
            fields["reason"] = "Det krever flere ansatte"
            async with session.post(base, data=fields, allow_redirects=False) as response:
                assert response.status == 303
            assert bot.query("SELECT reason FROM followups") == [("Det krever flere ansatte",)]
    finally:
        await bot.stop()
        bot.assert_clean_logs()


def _seen(page: str) -> str:
    """What the page showed of its first proposal, which its form sends back."""
    return page.split('name="seen" value="', 1)[1].split('"', 1)[0]
