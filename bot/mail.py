"""Sending the report to office addresses over SMTP.

The stdlib's `smtplib`, run in a worker thread (`asyncio.to_thread`), rather than `aiosmtplib`:
a report goes out a few times a seminar, so a thread for the length of one SMTP session costs
nothing, and the bot gets no new dependency for it. `smtplib` also tells which recipient the
server refused and with what code, which is what the moderator must hear.

Failures, as `bot/ratelimit.py` sorts the Bot API's:
- passing (the server cannot be reached, a time-out, a dropped connection, a 4xx reply): tried
  again after 0.5, 1, 2 and 4 s, `BRIEF_ATTEMPTS` times in all, for the addresses not yet done;
- final (a 5xx reply: a refused address, a refused login or sender): not tried again.
What is still not through at the end is reported back, so the moderator can be told.

The password comes from the environment (`config.SMTP_PASSWORD`) and is never logged: smtplib's
debug output stays off, and a failure is logged by its kind and code only.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.config import EmailSettings
from bot.ratelimit import BRIEF_ATTEMPTS, FIRST_PAUSE, LONGEST_PAUSE

__all__ = ["Attachment", "Delivery", "Letter", "message_for", "send_letter"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Letter:
    """One e-mail, the same for every address: a plain-text and an HTML body, and files."""

    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where the letter went: sent, refused for good (address, the server's words), or not
    reached after every try (address, why)."""

    sent: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()
    unreached: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class _Attempt:
    sent: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    passing: list[tuple[str, str]] = field(default_factory=list)


def message_for(settings: EmailSettings, address: str, letter: Letter) -> EmailMessage:
    """The e-mail to one address. Its Message-ID names the sender's domain, not this machine."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = address
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    for attachment in letter.attachments:
        kind = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.name
        )
    return message


def _words(response: bytes | str) -> str:
    text = response.decode("utf-8", "replace") if isinstance(response, bytes) else response
    return " ".join(text.split())[:200]


def _connect(settings: EmailSettings) -> smtplib.SMTP:
    if settings.security == "tls":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def _send_once(settings: EmailSettings, addresses: Sequence[str], letter: Letter) -> _Attempt:
    """One SMTP session: each address gets its own copy, so no office sees another's address."""
    attempt = _Attempt()
    try:
        with _connect(settings) as smtp:
            if settings.username:
                smtp.login(settings.username, settings.password)
            for address in addresses:
                try:
                    smtp.send_message(
                        message_for(settings, address, letter),
                        from_addr=settings.sender,
                        to_addrs=[address],
                    )
                except smtplib.SMTPRecipientsRefused as exc:
                    code, response = exc.recipients.get(address, (550, b""))
                    _sort(attempt, address, code, response)
                except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    _sort(attempt, address, exc.smtp_code, exc.smtp_error)
                else:
                    attempt.sent.append(address)
    except smtplib.SMTPResponseException as exc:
        # The login, the greeting or STARTTLS refused: the same for every address left.
        left = [a for a in addresses if a not in attempt.sent and not _done(attempt, a)]
        for address in left:
            _sort(attempt, address, exc.smtp_code, exc.smtp_error)
    except (OSError, smtplib.SMTPException) as exc:
        # Not reached, timed out, or the connection dropped: passing, for every address left.
        reason = type(exc).__name__
        for address in addresses:
            if address not in attempt.sent and not _done(attempt, address):
                attempt.passing.append((address, reason))
    return attempt


def _done(attempt: _Attempt, address: str) -> bool:
    return any(a == address for a, _ in (*attempt.refused, *attempt.passing))


def _sort(attempt: _Attempt, address: str, code: int, response: bytes | str) -> None:
    reason = f"{code} {_words(response)}".strip()
    if 400 <= code < 500:
        attempt.passing.append((address, reason))
    else:
        attempt.refused.append((address, reason))


async def send_letter(
    settings: EmailSettings,
    addresses: Sequence[str],
    letter: Letter,
    *,
    attempts: int = BRIEF_ATTEMPTS,
    what: str = "the report",
) -> Delivery:
    """Sends the letter to every address; passing failures are tried again (module docstring)."""
    sent: list[str] = []
    refused: list[tuple[str, str]] = []
    pending: list[tuple[str, str]] = [(a, "") for a in addresses]
    pause = FIRST_PAUSE
    for tried in range(1, attempts + 1):
        attempt = await asyncio.to_thread(_send_once, settings, [a for a, _ in pending], letter)
        sent += attempt.sent
        refused += attempt.refused
        pending = attempt.passing
        if not pending:
            break
        if tried < attempts:
            log.warning(
                "%s's e-mail did not get through (%s); retrying in %.1f s",
                what,
                pending[0][1],
                pause,
            )
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
    for _, reason in refused:
        log.warning("the mail server refused %s for an office address: %s", what, reason)
    if pending:
        log.warning("%s's e-mail did not get through after %d tries", what, attempts)
    log.info("%s was e-mailed to %d office addresses", what, len(sent))
    return Delivery(tuple(sent), tuple(refused), tuple(pending))
