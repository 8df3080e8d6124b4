"""Hearing back from a series: the question at a seminar's end, the news of a proposal's status
for the people who asked for it, and the office's reminders before a due date."""

from __future__ import annotations

from datetime import date

from bot.callbacks import Action
from bot.domain import Status
from bot.i18n import Translator
from bot.render.screens import Screen, esc, key, reason_name, status_name

__all__ = [
    "ask",
    "declined",
    "follow_up_over",
    "kept",
    "news",
    "reminder",
    "reminder_letter",
    "stopped",
]


def ask(t: Translator, series_id: int, title: str) -> Screen:
    """At a seminar's end: does the participant want to hear what comes of the proposals?"""
    # Participant: at a seminar's end, asked whether they want news of the proposals
    text = t.gettext(
        "Do you want to hear what comes of the proposals from «{title}»? You get a short "
        "message here when one of them changes. Nobody sees who asked."
    ).format(title=esc(title))
    # Participant: the button that asks for news of the proposals
    yes = t.pgettext("button", "Yes, tell me what happens")
    # Participant: the button that says no to news of the proposals
    no = t.pgettext("button", "No, thanks")
    return Screen(
        text,
        (
            (key(yes, Action.HEAR_BACK_YES, series_id),),
            (key(no, Action.HEAR_BACK_NO, series_id),),
        ),
    )


def kept(t: Translator) -> Screen:
    # Participant: they asked for news of the proposals
    text = t.gettext(
        "Good. You get a message here when a proposal changes. To stop, press «Stop "
        "telling me» under such a message, or use /forget."
    )
    return Screen(text)


def declined(t: Translator) -> Screen:
    # Participant: they said no to news of the proposals
    return Screen(t.gettext("OK. You will not get news about the proposals."))


def follow_up_over(t: Translator) -> Screen:
    # Participant: they asked for news, but the work on the proposals is over
    return Screen(t.gettext("The work on these proposals is over. There is no more news."))


def stopped(t: Translator) -> Screen:
    # Participant: they asked for no more news of the proposals
    return Screen(t.gettext("OK. You get no more news about the proposals."))


def news(
    t: Translator,
    series_id: int,
    title: str,
    proposal: str,
    status: Status,
    reason: str,
    last: bool,
) -> Screen:
    """A proposal's new status, told to everyone who asked to hear back, without names; a
    fixed reason in the reader's language, the office's own words as written."""
    lines = [
        # Participant: news of a proposal's status; {status} is e.g. «under way»
        t.gettext(
            "News about a proposal from the seminar «{title}»: «{proposal}» is now {status}."
        ).format(title=esc(title), proposal=esc(proposal), status=status_name(t, status))
    ]
    if reason:
        # Participant: news of a proposal's status: why it is so
        lines.append(t.gettext("Why: {reason}").format(reason=esc(reason_name(t, reason))))
    if last:
        # Participant: news of a proposal's status, when the work on every proposal is over
        lines.append(t.gettext("The work on all the proposals is over. This is the last news."))
    # Participant: the button under news of a proposal that ends the news
    stop = key(t.pgettext("button", "Stop telling me"), Action.HEAR_BACK_STOP, series_id)
    return Screen("\n\n".join(lines), ((stop,),))


def _facts(t: Translator, title: str, proposal: str, owner: str, status: Status) -> list[str]:
    return [
        t.gettext("Series: «{title}»").format(title=title),
        t.gettext("Proposal: «{proposal}»").format(proposal=proposal),
        t.gettext("Owner: {owner}").format(owner=owner or t.gettext("nobody named yet")),
        t.gettext("Status: {status}").format(status=status_name(t, status)),
    ]


def reminder(
    t: Translator, title: str, proposal: str, owner: str, status: Status, due: date
) -> Screen:
    """The office's reminder in its bound chat, before a proposal's due date."""
    head = t.gettext("<b>Reminder: a proposal is due on {date}</b>").format(date=t.day(due))
    facts = _facts(t, esc(title), esc(proposal), esc(owner), status)
    return Screen("\n".join([head, *facts]))


def reminder_letter(
    t: Translator, title: str, proposal: str, owner: str, status: Status, due: date
) -> tuple[str, str, str]:
    """The office's reminder by e-mail: its subject, plain text and HTML."""
    subject = t.gettext("Reminder: «{proposal}» is due on {date}").format(
        proposal=proposal, date=t.day(due)
    )
    head = t.gettext("A proposal is due on {date}.").format(date=t.day(due))
    text = "\n".join([head, "", *_facts(t, title, proposal, owner, status)])
    html = "<p>{}</p><p>{}</p>".format(
        esc(head), "<br>".join(_facts(t, esc(title), esc(proposal), esc(owner), status))
    )
    return subject, text, html
