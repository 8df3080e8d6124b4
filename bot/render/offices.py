"""The office's e-mail addresses: the moderator's screens, and the e-mail the office gets."""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import Seminar
from bot.flows.offices import (
    AddressAdded,
    Addresses,
    AddressRemoved,
    AlreadyListed,
    BadAddress,
    MailOff,
    NotListed,
    OfficeAddress,
    TooMany,
)
from bot.flows.report_data import ReportData
from bot.i18n import Translator
from bot.mail import Delivery
from bot.render.screens import Screen, esc, key

__all__ = [
    "TOP_THEMES",
    "delivery",
    "letter_html",
    "letter_subject",
    "letter_text",
    "mail_off_for_report",
    "office_emails",
]

TOP_THEMES = 3  # the e-mail names the first few; the attached report has them all

Outcome = (
    Addresses
    | MailOff
    | BadAddress
    | TooMany
    | AddressAdded
    | AlreadyListed
    | AddressRemoved
    | NotListed
)


def _how(t: Translator) -> str:
    return t.gettext(
        "Add one: /office_email add kontor@example.no\n"
        "Remove one: /office_email remove kontor@example.no\n"
        "/report sends the report to each address, with its files."
    )


def _listing(t: Translator, seminar: Seminar, listed: Sequence[OfficeAddress]) -> Screen:
    if listed:
        head = t.gettext("Office e-mail addresses for <b>{title}</b>:").format(
            title=esc(seminar.title)
        )
        lines = [head, *(f"• {esc(a.address)}" for a in listed)]
    else:
        lines = [
            t.gettext("<b>{title}</b> has no office e-mail addresses yet.").format(
                title=esc(seminar.title)
            )
        ]
    keys = tuple(
        (
            key(
                t.pgettext("button", "Remove {address}").format(address=a.address),
                Action.OFFICE_EMAIL_REMOVE,
                seminar.id,
                a.id,
            ),
        )
        for a in listed
    )
    return Screen("\n".join([*lines, "", _how(t)]), keys)


def office_emails(t: Translator, outcome: Outcome) -> Screen:
    """The answer to /office_email, to its «Remove» buttons and to the cockpit's entry."""
    match outcome:
        case Addresses(seminar=seminar, addresses=listed):
            return _listing(t, seminar, listed)
        case MailOff():
            return Screen(
                t.gettext(
                    "E-mail is not set up for this bot, so no report can go to an office by "
                    "e-mail. Whoever runs the bot can set it up ([email] in config.toml). "
                    "Meanwhile, an office in Telegram gets the report with /bind office in its "
                    "group chat."
                )
            )
        case BadAddress(text=text):
            return Screen(
                t.gettext(
                    "«{text}» does not look like an e-mail address, so nothing was changed. "
                    "Write it like this: /office_email add kontor@example.no"
                ).format(text=esc(text[:100]))
            )
        case TooMany(limit=limit):
            return Screen(
                t.ngettext(
                    "A seminar can have at most {count} office address. Remove one first.",
                    "A seminar can have at most {count} office addresses. Remove one first.",
                    limit,
                ).format(count=t.number(limit))
            )
        case AddressAdded(seminar=seminar, address=address, addresses=listed):
            added = t.gettext("Added {address}. /report sends the report there too.").format(
                address=esc(address)
            )
            listing = _listing(t, seminar, listed)
            return Screen(f"{added}\n\n{listing.text}", listing.keys)
        case AlreadyListed(address=address):
            return Screen(
                t.gettext("{address} is on the list already.").format(address=esc(address))
            )
        case AddressRemoved(seminar=seminar, address=address, addresses=listed):
            removed = t.gettext("Removed {address}.").format(address=esc(address))
            listing = _listing(t, seminar, listed)
            return Screen(f"{removed}\n\n{listing.text}", listing.keys)
        case NotListed(address=address) if address:
            return Screen(t.gettext("{address} is not on the list.").format(address=esc(address)))
        case NotListed():
            return Screen(t.gettext("That address is not on the list any more."))


def mail_off_for_report(t: Translator, count: int) -> Screen:
    return Screen(
        t.ngettext(
            "E-mail is not set up for this bot, so the report did not go to the {count} office "
            "address. Whoever runs the bot can set it up.",
            "E-mail is not set up for this bot, so the report did not go to the {count} office "
            "addresses. Whoever runs the bot can set it up.",
            count,
        ).format(count=t.number(count))
    )


def delivery(t: Translator, seminar: Seminar, done: Delivery) -> Screen:
    """Where the report's e-mail went, for the moderator who asked for the report."""
    lines: list[str] = []
    if done.sent:
        lines.append(
            t.ngettext(
                "📧 The report of <b>{title}</b> was sent to {count} office address: {addresses}",
                "📧 The report of <b>{title}</b> was sent to {count} office addresses: {addresses}",
                len(done.sent),
            ).format(
                title=esc(seminar.title),
                count=t.number(len(done.sent)),
                addresses=esc(", ".join(done.sent)),
            )
        )
    for address, reason in done.refused:
        lines.append(
            t.gettext(
                "⚠️ The mail server refused the report for {address}. It said: {reason}. "
                "Check the address with /office_email."
            ).format(address=esc(address), reason=esc(reason))
        )
    if done.unreached:
        lines.append(
            t.gettext(
                "⚠️ The report could not be e-mailed to {addresses}: the mail server could not "
                "be reached, even after several tries. Try /report again later."
            ).format(addresses=esc(", ".join(a for a, _ in done.unreached)))
        )
    return Screen("\n\n".join(lines))


def letter_subject(t: Translator, data: ReportData) -> str:
    return t.gettext("Report: {title}").format(title=data.title)


def _top(data: ReportData) -> list[str]:
    if data.too_few_writers:
        return []
    return [theme.name for theme in data.themes[:TOP_THEMES]]


def letter_text(t: Translator, data: ReportData) -> str:
    """The plain-text body: the title, the top themes, and that the report is attached."""
    lines = [
        t.gettext("The report from the seminar «{title}».").format(title=data.title),
        "",
    ]
    top = _top(data)
    if top:
        lines.append(t.gettext("The top themes:"))
        lines += [f"{number}. {name}" for number, name in enumerate(top, 1)]
    else:
        lines.append(t.gettext("The seminar has no themes to show yet."))
    lines += ["", _attached(t), "", _footer(t)]
    return "\n".join(lines) + "\n"


def letter_html(t: Translator, data: ReportData) -> str:
    top = _top(data)
    direction = "rtl" if t.rtl else "ltr"
    parts = [
        f'<!DOCTYPE html><html lang="{t.language}" dir="{direction}"><head>'
        '<meta charset="utf-8"></head><body>',
        f"<h1>{esc(letter_subject(t, data))}</h1>",
        "<p>{}</p>".format(
            esc(t.gettext("The report from the seminar «{title}».").format(title=data.title))
        ),
    ]
    if top:
        parts.append(f"<h2>{esc(t.gettext('The top themes:'))}</h2><ol>")
        parts += [f"<li>{esc(name)}</li>" for name in top]
        parts.append("</ol>")
    else:
        parts.append(f"<p>{esc(t.gettext('The seminar has no themes to show yet.'))}</p>")
    parts += [f"<p>{esc(_attached(t))}</p>", f"<p><small>{esc(_footer(t))}</small></p>"]
    parts.append("</body></html>")
    return "\n".join(parts)


def _attached(t: Translator) -> str:
    return t.gettext(
        "The full report is attached. Open report.html in a web browser; it prints well."
    )


def _footer(t: Translator) -> str:
    return t.gettext(
        "Sent by the seminar bot at the moderators' request. The notes are anonymous: the "
        "report names nobody."
    )
