"""The follow-up in Telegram: the moderator's table with the office's links, and the office's
bound chat, where each proposal's status is set with buttons."""

from __future__ import annotations

from bot.callbacks import Action
from bot.domain import FollowUp, Reason, Status
from bot.flows.followup import (
    REASONS,
    FollowUpTable,
    LinkMade,
    LinksOff,
    LinksStopped,
    NoFollowUp,
    NotOffice,
    OfficeTable,
)
from bot.i18n import Translator
from bot.render.screens import Key, Screen, esc, key, kind_name, reason_name, status_name

__all__ = [
    "STATUSES",
    "link_made",
    "links_off",
    "links_stopped",
    "moderator_table",
    "no_followup",
    "not_office",
    "office_link",
    "office_table",
    "pick_reason",
    "pick_status",
    "reason_text",
]

STATUSES: tuple[Status, ...] = tuple(Status)


def reason_text(t: Translator, reason: Reason) -> str:
    """A fixed reason for «not possible», in the reader's language."""
    return reason_name(t, reason.kept)


def _answers(t: Translator, followup: FollowUp) -> str:
    return "; ".join(
        f"{esc(theme.name)} ({esc(kind_name(t, theme.kind))})" for theme in followup.answers
    )


def _lines(t: Translator, number: int, followup: FollowUp) -> list[str]:
    lines = [
        t.gettext("<b>Proposal {number}:</b> {name}").format(
            number=t.number(number), name=esc(followup.proposal.name)
        )
    ]
    if followup.answers:
        lines.append(t.gettext("Answers: {themes}").format(themes=_answers(t, followup)))
    owner = esc(followup.owner) if followup.owner else t.gettext("not set")
    lines.append(t.gettext("Owner: {role}").format(role=owner))
    lines.append(t.gettext("Status: {status}").format(status=esc(status_name(t, followup.status))))
    if followup.reason:
        reason = esc(reason_name(t, followup.reason))
        lines.append(t.gettext("Reason: {reason}").format(reason=reason))
    if followup.due is not None:
        lines.append(t.gettext("Due: {date}").format(date=esc(t.day(followup.due))))
    return lines


def _table(t: Translator, title: str, followups: tuple[FollowUp, ...], first: int = 1) -> list[str]:
    lines = [t.gettext("<b>Follow-up: {title}</b>").format(title=esc(title))]
    for number, followup in enumerate(followups, first):
        lines += ["", *_lines(t, number, followup)]
    return lines


def moderator_table(t: Translator, view: FollowUpTable) -> Screen:
    """/followup for a moderator: the table, and the office's links."""
    lines = _table(t, view.series.title, view.followups)
    seminar = view.seminar.id
    keys: list[tuple[Key, ...]] = []
    if view.links_on:
        lines += [
            "",
            t.gettext(
                "The office can update this without Telegram, on a page. Make a link for "
                "the office; it comes to you here, so you can pass it on."
            ),
        ]
        keys.append(
            (
                key(
                    t.pgettext("button", "Make a link for the office"),
                    Action.FOLLOWUP_LINK,
                    seminar,
                ),
            )
        )
    else:
        lines += ["", _off(t)]
    keys.append(
        (key(t.pgettext("button", "Stop the office's links"), Action.FOLLOWUP_STOP, seminar),)
    )
    return Screen("\n".join(lines), tuple(keys))


def no_followup(t: Translator, outcome: NoFollowUp) -> Screen:
    return Screen(
        t.gettext(
            "<b>{title}</b> has no proposals under follow-up yet. They come when a joint "
            "seminar of the series ends."
        ).format(title=esc(outcome.seminar.title))
    )


def _off(t: Translator) -> str:
    return t.gettext(
        "The office's page is not set up for this bot, so no link can be made. Whoever runs "
        "the bot can set it up ([followup] in config.toml). The office can still use "
        "/followup in its group chat (/bind office)."
    )


def links_off(t: Translator, outcome: LinksOff) -> Screen:
    return Screen(_off(t))


def link_made(t: Translator, outcome: LinkMade, zone: str) -> Screen:
    """The link, in the moderator's private chat only."""
    until = t.datetime(outcome.expires, zone)
    text = t.gettext(
        "Here is a link for the office to <b>{title}</b>'s follow-up. It works until {until}. "
        "Anyone who has it can change the follow-up, so give it to the office only. "
        "«Stop the office's links» stops it."
    ).format(title=esc(outcome.title), until=esc(until))
    # No preview: Telegram's crawler would open the secret page.
    return Screen(f"{text}\n\n{esc(outcome.url)}", preview=False)


def links_stopped(t: Translator, outcome: LinksStopped) -> Screen:
    if not outcome.count:
        return Screen(t.gettext("There were no working links to stop."))
    return Screen(
        t.ngettext(
            "Stopped {count} link. The office needs a new link now.",
            "Stopped {count} links. The office needs a new link now.",
            outcome.count,
        ).format(count=t.number(outcome.count))
    )


# -- the office's bound chat --------------------------------------------------------------


def not_office(t: Translator, outcome: NotOffice) -> Screen:
    return Screen(
        t.gettext(
            "This chat follows up no proposals. A moderator binds the office's chat with "
            "/bind office; the proposals come when a joint seminar ends."
        )
    )


def office_table(t: Translator, view: OfficeTable) -> Screen:
    """Every series the chat follows up, its proposals numbered on through all of them, a
    button per proposal to change its status, and one per series for a link to its page."""
    numbered = view.numbered()
    lines: list[str] = []
    if view.changed is not None:
        number, found = next((n, f) for n, f in numbered if f.proposal.id == view.changed)
        lines += [
            t.gettext("Saved: proposal {number} is now «{status}».").format(
                number=t.number(number), status=esc(status_name(t, found.status))
            ),
            "",
        ]
    first = 1
    for section in view.sections:
        if first > 1:
            lines.append("")
        lines += _table(t, section.series.title, section.followups, first)
        first += len(section.followups)
    keys: list[tuple[Key, ...]] = [
        (
            key(
                t.pgettext("button", "Proposal {number}: change status").format(
                    number=t.number(number)
                ),
                Action.FOLLOWUP_PICK,
                followup.proposal.id,
                number,
            ),
        )
        for number, followup in numbered
    ]
    if view.links_on:
        keys += [
            (
                key(
                    t.pgettext("button", "Link to the page: {title}").format(
                        title=section.series.title
                    ),
                    Action.FOLLOWUP_OFFICE_LINK,
                    section.series.id,
                ),
            )
            for section in view.sections
        ]
    return Screen("\n".join(lines), tuple(keys))


def office_link(t: Translator, outcome: LinkMade, zone: str) -> Screen:
    """A link made in the office's own chat, which is the office: no preview, so Telegram's
    crawler does not open the page."""
    until = t.datetime(outcome.expires, zone)
    text = t.gettext(
        "Here is a link to the page of <b>{title}</b>. On it you can update the proposals "
        "without Telegram. It works until {until}. Anyone who has it can change the "
        "follow-up, so keep it in the office."
    ).format(title=esc(outcome.title), until=esc(until))
    return Screen(f"{text}\n\n{esc(outcome.url)}", preview=False)


def _status_label(t: Translator, status: Status, number: int) -> str:
    return t.pgettext("button", "Proposal {number}: {status}").format(
        number=t.number(number), status=status_name(t, status)
    )


def pick_status(t: Translator, view: OfficeTable, proposal_id: int, number: int) -> Screen:
    found = next((f for _, f in view.numbered() if f.proposal.id == proposal_id), None)
    name = esc(found.proposal.name) if found else ""
    text = t.gettext("Proposal {number}: {name}. Choose its new status.").format(
        number=t.number(number), name=name
    )
    keys = tuple(
        (key(_status_label(t, status, number), Action.FOLLOWUP_SET, proposal_id, i, number),)
        for i, status in enumerate(STATUSES)
    )
    return Screen(text, keys)


def pick_reason(t: Translator, proposal_id: int, number: int) -> Screen:
    text = t.gettext(
        "Why is proposal {number} not possible? Choose a reason. A reason in your own words "
        "can be given on the office's page."
    ).format(number=t.number(number))
    keys = tuple(
        (
            key(
                t.pgettext("button", "Proposal {number}: {reason}").format(
                    number=t.number(number), reason=reason_text(t, reason)
                ),
                Action.FOLLOWUP_REASON,
                proposal_id,
                i,
                number,
            ),
        )
        for i, reason in enumerate(REASONS)
    )
    return Screen(text, keys)
