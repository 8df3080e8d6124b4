"""The report by e-mail: the office's addresses, and /report sending the files over SMTP to a
real local mail server (aiosmtpd on 127.0.0.1), read back with the stdlib's `email`."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from checks import said, said_n
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    has_button,
    seminar_with,
    wait_until,
)

from bot.config import ConfigError, EmailSettings, Settings, load_secrets, load_settings
from bot.flows.offices import parse_address
from bot.flows.report_data import ReportData, ReportTheme
from bot.i18n import translator
from bot.render import offices as offices_view
from localapi import LocalBotApi, SimUser

TITLE = "Gode møter med Nav"
USER = "seminarbot"
PASSWORD = "smtp-pass-Vz9!kq-0123456789"
REFUSED = "nobody@example.no"
FILES = {"report.html", "report.docx", "report.xlsx", "notes.csv", "report.json", "chart.png"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailBox:
    """The office's mail server: keeps what arrives, refuses REFUSED with a 550."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.lower() == REFUSED:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        return AuthResult(success=(data.login, data.password) == (USER.encode(), PASSWORD.encode()))

    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        parser = BytesParser(policy=policy.default)
        return [(to, parser.parsebytes(raw)) for to, raw in self.received]  # type: ignore[misc]


@pytest.fixture
def mailbox() -> Iterator[tuple[MailBox, int]]:
    box = MailBox()
    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=box.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def email_config(port: int, timeout: int = 5) -> str:
    return "\n".join(
        [
            "[email]",
            'host = "127.0.0.1"',
            f"port = {port}",
            'security = "none"',
            f'username = "{USER}"',
            'sender = "seminar@example.no"',
            f"timeout = {timeout}",
        ]
    )


async def mail_bot(api: LocalBotApi, directory: Path, port: int) -> BotProcess:
    bot = BotProcess(
        api,
        directory,
        config=email_config(port),
        env={"SEMINARBOT_SMTP_PASSWORD": PASSWORD},
    )
    await bot.start()
    return bot


@pytest.fixture
async def mailed(
    api: LocalBotApi, tmp_path: Path, mailbox: tuple[MailBox, int]
) -> AsyncIterator[tuple[BotProcess, MailBox]]:
    box, port = mailbox
    bot = await mail_bot(api, tmp_path, port)
    try:
        yield bot, box
    finally:
        await bot.stop()
        bot.assert_clean_logs()
        assert PASSWORD not in bot.log_text, "the SMTP password is in the bot's log"


async def closed_round(api: LocalBotApi) -> tuple[SimUser, list[SimUser]]:
    """A moderator and three writers; the answer round is closed, so a report can be made."""
    mona, _, people = await seminar_with(api, [("Anna", "nb"), ("Bob", "en"), ("Carl", "nn")])
    for index, person in enumerate(people):
        await answer(person, f"Veilederen lyttet til meg ({index + 1})")
    await mona.send("/close")
    await mona.wait_for(contains("Veilederen lyttet til meg"))
    return mona, people


async def office_email(mona: SimUser, words: str) -> str:
    mona.drain()
    await mona.send(f"/office_email {words}".strip())
    # The moderator's cockpit may be refreshed meanwhile: its message starts with 🧭.
    reply = await mona.wait_for(lambda m: m.kind == "text" and not m.text.startswith("🧭"))
    return reply.text


def attachments(message: EmailMessage) -> dict[str, bytes]:
    found = {}
    for part in message.iter_attachments():
        name = part.get_filename()
        assert name is not None
        found[name] = part.get_payload(decode=True)
    return found


async def test_report_is_emailed_to_each_office_address(
    api: LocalBotApi, mailed: tuple[BotProcess, MailBox]
) -> None:
    bot, box = mailed
    mona, people = await closed_round(api)

    # Two office addresses, one the server will refuse, and one added and taken away again.
    for address in ("kontor@nav.no", "Tiltak@Example.NO", REFUSED, "gammel@example.no"):
        reply = await office_email(mona, f"add {address}")
        assert (
            said(
                "nb",
                "Added {address}. /report sends the report there too.",
                address=parse_address(address),
            )
            in reply
        )
    assert said("nb", "{address} is on the list already.", address="kontor@nav.no") in (
        await office_email(mona, "kontor@nav.no")
    )

    # A bad address is refused politely and changes nothing.
    before = bot.query("SELECT seminar_id, address FROM office_emails ORDER BY address")
    for bad in ("kontor-nav.no", "a b@nav.no", "kontor@nav", "Kontor <kontor@nav.no>"):
        reply = await office_email(mona, f"add {bad}")
        assert (
            said(
                "nb",
                "«{text}» does not look like an e-mail address, so nothing was changed. "
                "Write it like this: /office_email add kontor@example.no",
                text=bad,
            )
            in reply
        )
    assert bot.query("SELECT seminar_id, address FROM office_emails ORDER BY address") == before

    # The cockpit's «More» has the list, with a button to remove each address.
    await mona.send("/cockpit")
    cockpit = await mona.wait_for(has_button(button("nb", "More")))
    await mona.press(cockpit, button("nb", "More"))
    more = await mona.wait_for(has_button(button("nb", "Office e-mail")))
    await mona.press(more, button("nb", "Office e-mail"))
    remove = button("nb", "Remove {address}").format(address="gammel@example.no")
    listing = await mona.wait_for(has_button(remove))
    assert "kontor@nav.no" in listing.text
    assert "Tiltak@example.no" in listing.text  # the domain in lower case, the name as typed
    await mona.press(listing, remove)
    edited = await mona.wait_for(lambda m: m.message_id == listing.message_id and m.edited > 0)
    assert said("nb", "Removed {address}.", address="gammel@example.no") in edited.text
    assert "gammel@example.no" not in " ".join(edited.button_labels())

    # /report: the files in Telegram, and an e-mail to each address.
    mona.drain()
    await mona.send("/report")
    document = await mona.wait_for(lambda m: m.kind == "document" and m.file_name == "report.html")
    told = await mona.wait_for(contains("📧"), timeout=30)
    sent = said_n(
        "nb",
        "📧 The report of <b>{title}</b> was sent to {count} office address: {addresses}",
        "📧 The report of <b>{title}</b> was sent to {count} office addresses: {addresses}",
        2,
        title=TITLE,
        addresses="kontor@nav.no, Tiltak@example.no",
    )
    assert sent in told.text
    refused = said(
        "nb",
        "⚠️ The mail server refused the report for {address}. It said: {reason}. "
        "Check the address with /office_email.",
        address=REFUSED,
        reason="550 5.1.1 No such mailbox here",
    )
    assert refused in told.text

    messages = box.messages()
    assert sorted(to for to, _ in messages) == [["Tiltak@example.no"], ["kontor@nav.no"]]
    assert box.logins  # the bot logged in, with the password from its environment
    assert all(login == (USER.encode(), PASSWORD.encode()) for login in box.logins)
    for to, message in messages:
        assert message["To"] == to[0]  # each office gets its own copy, no other address
        assert message["From"] == "seminar@example.no"
        assert message["Subject"] == said("nb", "Report: {title}", title=TITLE)
        files = attachments(message)
        assert set(files) == FILES
        assert files["report.html"] == document.file_bytes  # the very report, attached
        assert files["chart.png"].startswith(b"\x89PNG")
        body = message.get_body(preferencelist=("plain",))
        html_body = message.get_body(preferencelist=("html",))
        assert body is not None
        assert html_body is not None
        text = body.get_content()
        assert said("nb", "The report from the seminar «{title}».", title=TITLE) in text
        assert (
            said(
                "nb",
                "The full report is attached. Open report.html in a web browser; it prints well.",
            )
            in text
        )
        assert TITLE in html_body.get_content()

    # Anonymity: nothing in the e-mail the report does not hold: no names, no Telegram ids.
    raw = b"".join(content for _, content in box.received)
    for person in [mona, *people]:
        assert person.name.encode() not in raw
        assert str(person.id).encode() not in raw
    assert b"Mona" not in raw
    assert PASSWORD.encode() not in raw

    # Closing for good sends the report again; the purge takes the addresses with the seminar.
    mona.drain()
    await mona.send("/end")
    ask = await mona.wait_for(has_button(button("nb", "Close the seminar")))
    await mona.press(ask, button("nb", "Close the seminar"))
    await mona.wait_for(contains("📧"), timeout=30)
    assert len(box.received) == 4
    bot.advance_clock(181 * 86400)
    await wait_until(lambda: bot.query("SELECT COUNT(*) FROM seminars") == [(0,)])
    assert bot.query("SELECT COUNT(*) FROM office_emails") == [(0,)]


async def test_a_mail_server_that_is_down_is_retried_and_the_moderator_told(
    api: LocalBotApi, tmp_path: Path
) -> None:
    bot = await mail_bot(api, tmp_path, free_port())  # nobody listens there
    try:
        mona, _ = await closed_round(api)
        await office_email(mona, "add kontor@nav.no")
        mona.drain()
        await mona.send("/report")
        told = await mona.wait_for(contains("⚠️"), timeout=40)
        assert (
            said(
                "nb",
                "⚠️ The report could not be e-mailed to {addresses}: the mail server could not be "
                "reached, even after several tries. Try /report again later.",
                addresses="kontor@nav.no",
            )
            in told.text
        )
        assert bot.log_text.count("the report's e-mail did not get through (") == 4
        assert "📧" not in told.text
    finally:
        await bot.stop()
    bot.assert_clean_logs()
    assert PASSWORD not in bot.log_text


async def test_without_email_settings_the_moderator_is_told_politely(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _ = await closed_round(api)
    reply = await office_email(mona, "add kontor@nav.no")
    assert (
        said(
            "nb",
            "E-mail is not set up for this bot, so no report can go to an office by e-mail. "
            "Whoever runs the bot can set it up ([email] in config.toml). Meanwhile, an office in "
            "Telegram gets the report with /bind office in its group chat.",
        )
        in reply
    )
    assert bot.query("SELECT COUNT(*) FROM office_emails") == [(0,)]


async def test_only_moderators_manage_office_addresses(
    api: LocalBotApi, mailed: tuple[BotProcess, MailBox]
) -> None:
    bot, _ = mailed
    _, people = await closed_round(api)
    anna = people[0]
    anna.drain()
    await anna.send("/office_email add kontor@nav.no")
    await anna.wait_for(lambda m: m.kind == "text" and m.edited == 0)
    assert bot.query("SELECT COUNT(*) FROM office_emails") == [(0,)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kontor@nav.no", "kontor@nav.no"),
        ("  Post.Mottak@NAV.no ", "Post.Mottak@nav.no"),
        ("<kontor@nav.no>", "kontor@nav.no"),
        ("kontor@bærum.kommune.no", "kontor@bærum.kommune.no"),
        ("kontor@nav", None),
        ("kontor@-nav.no", None),
        ("kontor@nav..no", None),
        ("a b@nav.no", None),
        ("kontor@nav.no, annen@nav.no", None),
        ("Kontor <kontor@nav.no>", None),
        ("", None),
        ("@nav.no", None),
    ],
)
def test_parse_address(text: str, expected: str | None) -> None:
    assert parse_address(text) == expected


def _report(themes: tuple[str, ...], *, too_few: bool = False) -> ReportData:
    moment = datetime(2027, 3, 4, 8, 30, tzinfo=UTC)
    return ReportData(
        title="Gode møter <våren> & sånn",
        language="nb",
        timezone="Europe/Oslo",
        created_at=moment,
        closed_at=None,
        generated_at=moment,
        phase="Plenum",
        questions=("Hva var bra?",),
        participants=5,
        writers=4,
        notes_per_question=(4,),
        groups=1,
        votes=0,
        dot_voters=0,
        themes=tuple(ReportTheme(name, 1, (), 0, rank) for rank, name in enumerate(themes, 1)),
        unsorted=(),
        all_notes=(),
        too_few_writers=too_few,
    )


def test_the_letter_names_the_title_and_the_top_themes() -> None:
    t = translator("nb")
    data = _report(("Tillit", "Ventetid", "Å bli hørt", "Tolk"))
    text = offices_view.letter_text(t, data)
    assert said("nb", "The report from the seminar «{title}».", title=data.title) in text
    assert "1. Tillit\n2. Ventetid\n3. Å bli hørt\n" in text
    assert "Tolk" not in text  # the e-mail names the top three; the report has them all
    page = offices_view.letter_html(t, data)
    assert "&lt;våren&gt; &amp; sånn" in page
    assert "<våren>" not in page
    assert "<li>Tillit</li>" in page
    assert "Tolk" not in page
    # With fewer than three writers the report shows no theme, and neither does the e-mail.
    hidden = offices_view.letter_text(t, _report(("Tillit",), too_few=True))
    assert "Tillit" not in hidden
    assert said("nb", "The seminar has no themes to show yet.") in hidden


def _settings(tmp_path: Path, table: str) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(table, encoding="utf-8")
    return load_settings(path)


def test_email_settings(tmp_path: Path) -> None:
    assert _settings(tmp_path, "").email is None  # no [email]: e-mail is off
    assert _settings(tmp_path, "[email]\nhost = ''\n").email is None
    email = _settings(tmp_path, "[email]\nhost = 'smtp.nav.no'\nsender = 'seminar@nav.no'\n").email
    assert email == EmailSettings("smtp.nav.no", 587, "starttls", "seminar@nav.no", "", 30.0)
    tls = _settings(tmp_path, "[email]\nhost = 'h'\nsecurity = 'tls'\nsender = 'a@b.no'\n")
    assert tls.email is not None
    assert tls.email.port == 465
    for bad, key in (
        ("security = 'ssl'\nsender = 'a@b.no'", "email.security"),
        ("port = 70000\nsender = 'a@b.no'", "email.port"),
        ("sender = 'nobody'", "email.sender"),
        ("sender = 'a@b.no'\ntimeout = 0", "email.timeout"),
        ("sender = 'a@b.no'\nport = 'x'", "email.port"),
        ("sender = 'a@b.no'\npassword = 'secret'", "email.password"),
    ):
        with pytest.raises(ConfigError, match=key):
            _settings(tmp_path, f"[email]\nhost = 'h'\n{bad}\n")


def test_the_smtp_password_comes_from_the_environment_and_is_never_printed(
    tmp_path: Path,
) -> None:
    env = {"BOT_TOKEN": "1:abc", "SEMINAR_SECRET": "s" * 40}
    assert load_secrets(env).smtp_password == ""
    secrets = load_secrets({**env, "SEMINARBOT_SMTP_PASSWORD": PASSWORD})
    assert secrets.smtp_password == PASSWORD
    assert PASSWORD not in repr(secrets)
    secret_file = tmp_path / "smtp"
    secret_file.write_text(PASSWORD + "\n", encoding="utf-8")
    from_file = load_secrets({**env, "SEMINARBOT_SMTP_PASSWORD_FILE": str(secret_file)})
    assert from_file.smtp_password == PASSWORD
    email = EmailSettings("h", 25, "none", "a@b.no", "user", 5.0, password=PASSWORD)
    assert PASSWORD not in repr(email)
