"""The office's follow-up: a moderator's /followup and the office's links (made, used over
HTTP, stopped, expired, forged), the cockpit's way to it, and the office's bound chat, where a
status is set with buttons. The page in a real browser: tests/test_followup_browser.py."""

from __future__ import annotations

import html
from pathlib import Path

import aiohttp
import pytest
from checks import said, said_n
from followup_helpers import (
    LINK,
    PROPOSAL,
    QUOTE,
    STAFF_THEME,
    USERS_THEME,
    seminar_with_followup,
)
from harness import BotProcess, button, contains, create_seminar, has_button

from bot.domain import Reason
from bot.flows import followup as flow
from bot.flows.followup import Problem, check, parse_due, parse_token
from bot.i18n import translator
from localapi import LocalBotApi

DAY = 24 * 3600


async def _get(port: int, token: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/followup/{token}") as response,
    ):
        return response.status, await response.text()


async def _post(port: int, token: str, fields: dict[str, str]) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/followup/{token}", data=fields, allow_redirects=False
        ) as response,
    ):
        return response.status, response.headers.get("Location", ""), await response.text()


def _form_token(page: str) -> str:
    return page.split('name="form" value="', 1)[1].split('"', 1)[0]


def _seen(page: str) -> str:
    """What the page showed of its (first) proposal, which its form sends back."""
    return page.split('name="seen" value="', 1)[1].split('"', 1)[0]


async def test_a_moderator_makes_a_link_the_office_uses_and_stops(
    api: LocalBotApi, paged: tuple[BotProcess, int]
) -> None:
    bot, port = paged
    mona = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    _, proposal = await seminar_with_followup(bot, mona)

    await mona.send("/followup")
    table = await mona.wait_for(has_button(button("nb", "Make a link for the office")))
    assert PROPOSAL in table.text
    assert said("nb", "Answers: {themes}", themes="").rstrip() in table.text
    assert USERS_THEME in table.text
    assert STAFF_THEME in table.text
    assert button("nb", "Stop the office's links") in table.button_labels()

    await mona.press(table, button("nb", "Make a link for the office"))
    made = await mona.wait_for(contains("https://office.example.org/followup/"))
    found = LINK.search(made.text)
    assert found is not None
    token = found.group(1)
    assert parse_token(token) is not None

    # The page: the series in its language, the proposal, the themes it answers, its quote;
    # no person anywhere (no moderator's name, no Telegram id).
    status, page = await _get(port, token)
    assert status == 200
    assert '<html lang="nb" dir="ltr">' in page
    assert 'name="viewport"' in page
    text = html.unescape(page)
    for shown in (PROPOSAL, USERS_THEME, STAFF_THEME, QUOTE):
        assert shown in text
    assert html.escape(QUOTE) in page  # people's text is escaped
    for person in ("Mona", "mona_mod", str(mona.id)):
        assert person not in page

    # A form that did not come from the page is refused, and nothing changes.
    fields = {
        "seen": _seen(page),
        "proposal": str(proposal),
        "owner": "Leder for mottaket",
        "status": "not_possible",
        "reason": "",
        "due": "2027-05-01",
    }
    status, _, refused = await _post(port, token, {**fields, "form": "0" * 32})
    assert status == 403
    assert said("nb", "This link does not work") in html.unescape(refused)

    # «Not possible» without a reason: a polite message, nothing saved.
    form = _form_token(page)
    status, _, refused = await _post(port, token, {**fields, "form": form})
    assert status == 400
    assert said("nb", "Nothing was saved:") in html.unescape(refused)
    assert html.escape(said("nb", _REASON_NEEDED), quote=True) in refused
    assert bot.query("SELECT count(*) FROM status_changes") == [(0,)]
    assert bot.query("SELECT status, owner FROM followups") == [("planned", "")]

    # With a reason: saved, and back to the page with «Saved» (post/redirect/get).
    fields["reason"] = "Vi har ikke folk nok i år"
    status, location, _ = await _post(port, token, {**fields, "form": form})
    assert status == 303
    assert location.startswith(f"?saved={proposal}")
    status, page = await _get(port, f"{token}?saved={proposal}")
    assert said("nb", "Saved.") in html.unescape(page)
    assert bot.query("SELECT owner, status, reason, due FROM followups") == [
        ("Leder for mottaket", "not_possible", "Vi har ikke folk nok i år", "2027-05-01")
    ]
    assert bot.query("SELECT status, reason FROM status_changes") == [
        ("not_possible", "Vi har ikke folk nok i år")
    ]

    # A second form from the page as it was before that save (another tab, a colleague) would
    # undo it: refused, and the page shows what is saved now.
    stale = {**fields, "form": form, "status": "planned", "reason": ""}
    status, _, refused = await _post(port, token, stale)
    assert status == 400
    assert html.escape(said("nb", _STALE), quote=True) in refused
    assert '<option value="not_possible" selected>' in refused  # what is saved now
    assert bot.query("SELECT status FROM followups") == [("not_possible",)]
    assert len(bot.query("SELECT id FROM status_changes")) == 1

    # A forged link: 404 and the polite page.
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    status, gone = await _get(port, forged)
    assert status == 404
    assert said("nb", _ASK_MODERATOR) in html.unescape(gone)
    assert (await _get(port, "not-a-token"))[0] == 404

    # Stopped: the link stops working.
    await mona.press(table, button("nb", "Stop the office's links"))
    await mona.wait_for(
        contains(
            said_n(
                "nb",
                "Stopped {count} link. The office needs a new link now.",
                "Stopped {count} links. The office needs a new link now.",
                1,
            )
        )
    )
    assert (await _get(port, token))[0] == 404
    status, _, _ = await _post(
        port, token, {**fields, "form": form, "owner": "Noen andre", "seen": _seen(page)}
    )
    assert status == 403
    assert bot.query("SELECT owner FROM followups") == [("Leder for mottaket",)]

    # A new link works until it expires after link_days.
    await mona.press(table, button("nb", "Make a link for the office"))
    newer = await mona.wait_for(lambda m: LINK.search(m.text) is not None and token not in m.text)
    second = LINK.search(newer.text)
    assert second is not None
    assert (await _get(port, second.group(1)))[0] == 200
    bot.advance_clock(8 * DAY)
    assert (await _get(port, second.group(1)))[0] == 404

    # The database holds no link: only keyed hashes.
    stored = bot.stored_bytes()
    for made_token in (token, second.group(1)):
        assert made_token.split(".")[1].encode() not in stored
    # And the log names no link.
    assert token not in bot.log_text
    assert second.group(1) not in bot.log_text


_STALE = (
    "Someone changed this proposal after you opened the page. Below is what is saved now: "
    "please check it and save again."
)
_REASON_NEEDED = "Please write why the proposal is not possible. People who took part will read it."
_ASK_MODERATOR = (
    "The link may be too old, or it was stopped. Please ask the seminar's moderator for a new link."
)


async def test_the_cockpit_leads_to_the_follow_up(
    api: LocalBotApi, paged: tuple[BotProcess, int]
) -> None:
    bot, _ = paged
    mona = api.user("Mona Moderator", language_code="nb")
    await seminar_with_followup(bot, mona)
    await mona.send("/cockpit")
    cockpit = await mona.wait_for(has_button(button("nb", "More")))
    await mona.press(cockpit, button("nb", "More"))
    more = await mona.wait_for(has_button(button("nb", "Follow-up of the proposals")))
    await mona.press(more, button("nb", "Follow-up of the proposals"))
    table = await mona.wait_for(has_button(button("nb", "Make a link for the office")))
    assert PROPOSAL in table.text


async def test_the_cockpit_offers_no_follow_up_without_proposals(
    bot: BotProcess, api: LocalBotApi
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    await create_seminar(mona)
    await mona.send("/cockpit")
    cockpit = await mona.wait_for(has_button(button("nb", "More")))
    await mona.press(cockpit, button("nb", "More"))
    more = await mona.wait_for(has_button(button("nb", "Co-moderators")))
    assert button("nb", "Follow-up of the proposals") not in more.button_labels()
    await mona.send("/followup")
    await mona.wait_for(contains(said("nb", _NONE_YET, title="Gode møter med Nav")))


_NONE_YET = (
    "<b>{title}</b> has no proposals under follow-up yet. They come when a joint seminar of "
    "the series ends."
)


async def test_without_a_public_address_no_link_is_made(bot: BotProcess, api: LocalBotApi) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    await seminar_with_followup(bot, mona)
    await mona.send("/followup")
    table = await mona.wait_for(contains(PROPOSAL))
    assert button("nb", "Make a link for the office") not in table.button_labels()
    assert "[followup]" in table.text


async def test_the_office_sets_a_status_in_its_bound_chat(
    api: LocalBotApi, paged: tuple[BotProcess, int]
) -> None:
    bot, _ = paged
    mona = api.user("Mona Moderator", language_code="nb")
    ola = api.user("Ola Kontor", language_code="en")  # reads English; the series is in Bokmål
    await seminar_with_followup(bot, mona)
    office = api.group("NAV-kontoret", members=[mona, ola], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains("Gode møter med Nav"))

    await office.send(ola, "/followup")
    change = button("nb", "Proposal {number}: change status").format(number=1)
    table = await office.wait_for(has_button(change))
    assert PROPOSAL in table.text
    assert USERS_THEME in table.text

    await ola.press(table, change)
    impossible = button("nb", "Proposal {number}: {status}").format(
        number=1, status=_status("not possible")
    )
    statuses = await office.wait_for(has_button(impossible))
    await ola.press(statuses, impossible)
    reason = said("nb", "There is no money for it.")
    money = button("nb", "Proposal {number}: {reason}").format(number=1, reason=reason)
    await office.wait_for(has_button(money))
    await ola.press(statuses, money)
    saved = said(
        "nb",
        "Saved: proposal {number} is now «{status}».",
        number=1,
        status=_status("not possible"),
    )
    await office.wait_for(contains(saved))
    # Kept as its code: each reader reads it in their own language.
    kept = Reason.MONEY.kept
    assert bot.query("SELECT status, reason FROM followups") == [("not_possible", kept)]
    assert bot.query("SELECT status, reason FROM status_changes") == [("not_possible", kept)]

    # Under way again: the reason goes, and the change is recorded once more.
    await ola.press(table, change)
    under_way = button("nb", "Proposal {number}: {status}").format(
        number=1, status=_status("under way")
    )
    again = await office.wait_for(has_button(under_way))
    await ola.press(again, under_way)
    await office.wait_for(contains(said(
        "nb", "Saved: proposal {number} is now «{status}».", number=1, status=_status("under way")
    )))  # fmt: skip
    assert bot.query("SELECT status, reason FROM followups") == [("under_way", "")]
    assert bot.query("SELECT count(*) FROM status_changes") == [(2,)]

    # A chat that is no office's follows up nothing.
    other = api.group("Andre", members=[ola], admins=[ola])
    await other.send(ola, "/followup")
    await other.wait_for(contains(said("en", _NOT_OFFICE)))
    for chat in (office, other):
        for message in chat.inbox:
            assert str(ola.id) not in message.text
            assert "Ola" not in message.text


_NOT_OFFICE = (
    "This chat follows up no proposals. A moderator binds the office's chat with /bind office; "
    "the proposals come when a joint seminar ends."
)


def _status(name: str) -> str:
    return translator("nb").pgettext("status", name)


# -- the rules and the token, without the bot ---------------------------------------------


def test_a_token_is_what_the_bot_makes_or_nothing() -> None:
    assert parse_token("1a2b.AAAAAAAAAAAAAAAAAAAAAA") == (int("1a2b", 36), "A" * 22)
    for bad in (
        "",
        "1a2b",
        "1a2b.short",
        "1A2B.AAAAAAAAAAAAAAAAAAAAAA",
        "0.AAAAAAAAAAAAAAAAAAAAAA",
        "1a2b.AAAAAAAAAAAAAAAAAAAAAA.x",
        "1a2b.AAAAAAAAAAAAAAAAAAAA/A",
        "zzzzzzzzzzzzz.AAAAAAAAAAAAAAAAAAAAAA",  # beyond 63 bits
        "1a2b.AAAAAAAAAAAAAAAAAAAAAA\n",
    ):
        assert parse_token(bad) is None, bad


def test_the_link_key_is_its_own_and_bound_to_the_secret() -> None:
    from bot.keys import Keyring

    one, other = Keyring(b"a" * 32), Keyring(b"b" * 32)
    assert one.link_mac("link:1:x") == Keyring(b"a" * 32).link_mac("link:1:x")
    assert one.link_mac("link:1:x") != other.link_mac("link:1:x")
    assert one.link_mac("link:1:x") != one.link_mac("link:1:y")
    assert one.link_mac("link:1:x")[:6] != one.button_mac("link:1:x")


def test_the_pages_rules() -> None:
    from datetime import date

    from bot.domain import FollowUp, SeminarKind, SeriesTheme, Status

    proposal = SeriesTheme(1, 1, None, SeminarKind.JOINT, 1, "Forslag", 3)
    followup = FollowUp(proposal, ())
    assert check(followup, "x" * (flow.MAX_OWNER + 1), "planned", "", "") == (
        Problem.OWNER_TOO_LONG,
    )
    assert check(followup, "Leder", "not_possible", "  ", "") == (Problem.REASON_NEEDED,)
    assert check(followup, "", "done", "r" * (flow.MAX_REASON + 1), "") == (
        Problem.REASON_TOO_LONG,
    )
    assert check(followup, "", "maybe", "", "") == (Problem.BAD_STATUS,)
    assert parse_due("2027-02-30") is Problem.BAD_DATE
    assert parse_due("1999-12-31") is Problem.BAD_DATE
    assert parse_due("27-02-03") is Problem.BAD_DATE
    assert parse_due("") is None
    saved = check(followup, " Leder\u200b for  mottaket ", "under_way", "", "2027-02-03")
    assert saved == FollowUp(
        proposal, (), "Leder for mottaket", Status.UNDER_WAY, "", date(2027, 2, 3)
    )


def test_the_page_escapes_peoples_text_and_reads_right_to_left_in_arabic() -> None:
    from bot.domain import FollowUp, SeminarKind, Series, SeriesTheme
    from bot.render import followup_page

    evil = '<script>alert("x")</script>'
    proposal = SeriesTheme(5, 1, None, SeminarKind.JOINT, 1, evil, 3, (evil,))
    users = SeriesTheme(6, 1, None, SeminarKind.USERS, 1, evil, 3)
    view = flow.PageView(
        Series(1, evil, "ar"), (FollowUp(proposal, (users,), owner=evil, reason=evil),), "f" * 32
    )
    page = followup_page.page(translator("ar"), view)
    assert "<script" not in page
    assert '<html lang="ar" dir="rtl">' in page
    assert html.escape(evil) in page
    gone = followup_page.gone_page(translator("ar"))
    assert '<html lang="ar" dir="rtl">' in gone


def test_the_follow_up_settings(tmp_path: Path) -> None:
    from bot.config import ConfigError, FollowUpSettings, load_settings

    shipped = load_settings(Path(__file__).resolve().parent.parent / "config.toml")
    assert shipped.followup == FollowUpSettings()
    assert not shipped.followup.on  # the demo starts without a page
    config = tmp_path / "config.toml"
    config.write_text(
        '[followup]\npublic_url = "https://seminar.example.no/"\npage_port = 9000\n'
        "link_days = 14\n",
        "utf-8",
    )
    loaded = load_settings(config).followup
    assert loaded == FollowUpSettings("https://seminar.example.no", "127.0.0.1", 9000, 14)
    assert loaded.on
    # The link carries its secret: plain http only to this machine.
    config.write_text('[followup]\npublic_url = "http://127.0.0.1:8090"\n', "utf-8")
    assert load_settings(config).followup.on
    bad_values = (
        'public_url = "seminar.example.no"',
        'public_url = "http://seminar.example.no"',
        "link_days = 0",
        "page_port = 70000",
        "remind_days = -1",
    )
    for bad in bad_values:
        config.write_text(f"[followup]\n{bad}\n", "utf-8")
        with pytest.raises(ConfigError, match="followup"):
            load_settings(config)
