"""What the end of a seminar looks like: the read-back of the themes (/check), closing it for
good (/end), and the report's caption.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import Seminar
from bot.flows.schedules import SummaryData
from bot.i18n import Translator
from bot.render.screens import Screen, esc, key


def read_back(t: Translator, seminar: Seminar, themes: Sequence[str]) -> Screen:
    # Participant: closing, read back
    names = "\n".join(f"• {esc(name)}" for name in themes) or t.gettext("(no themes)")
    return Screen(
        # Participant: closing, read back
        t.gettext(
            "<b>{title}</b>: this is what we found together. Do you recognise yourself in it?"
        ).format(title=esc(seminar.title))
        + f"\n{names}",
        (
            (
                key(
                    # Participant: closing, read back
                    t.pgettext("button", "I recognise this"),
                    Action.READBACK_RECOGNISED,
                    seminar.id,
                ),
                key(
                    # Participant: closing, read back
                    t.pgettext("button", "Something is missing"),
                    Action.READBACK_MISSING,
                    seminar.id,
                ),
            ),
        ),
    )


def read_back_sent(t: Translator, count: int) -> Screen:
    return Screen(
        t.ngettext(
            "The themes were read back to {count} participant.",
            "The themes were read back to {count} participants.",
            count,
        ).format(count=t.number(count))
    )


def read_back_thanks(t: Translator, recognised: bool) -> Screen:
    if recognised:
        # Participant: closing, read back thanks
        return Screen(t.gettext("Thank you! That is good to know."))
    return Screen(
        # Participant: closing, read back thanks
        t.gettext(
            "Thank you for saying so. What is missing? Write it in a message, in your own words."
        )
    )


def read_back_noted(t: Translator) -> Screen:
    # Participant: closing, read back noted
    return Screen(t.gettext("Thank you, it is noted for the report, without your name."))


def read_back_too_long(t: Translator, length: int, limit: int) -> Screen:
    return Screen(
        # Participant: closing, read back too long
        t.gettext(
            "Thank you! That is a bit long: {length} characters, and this answer holds at most "
            "{limit}. Nothing was saved yet. Could you say it more briefly and send it again? "
            "Your text is still there above, so you can copy it."
        ).format(length=t.number(length), limit=t.number(limit))
    )


def read_back_empty(t: Translator) -> Screen:
    # Participant: closing, read back empty
    return Screen(t.gettext("That message was empty. Please write in a few words what is missing."))


def close_seminar_ask(
    t: Translator, seminar: Seminar, retention_days: int, office: bool = False
) -> Screen:
    if office:
        text = t.gettext(
            "Close <b>{title}</b> for good? The participants get a short summary of what came "
            "out, the moderators and the office get the report, and everything is deleted "
            "{days} days later."
        )
    else:
        text = t.gettext(
            "Close <b>{title}</b> for good? The participants get a short summary of what came "
            "out, the moderators get the report, and everything is deleted {days} days later."
        )
    return Screen(
        text.format(title=esc(seminar.title), days=t.number(retention_days)),
        (
            (key(t.pgettext("button", "Close the seminar"), Action.CLOSE_SEMINAR, seminar.id),),
            # The way back: nothing is closed, and the seminar goes on where it stands.
            (key(t.pgettext("button", "Not now"), Action.COCKPIT_STAY, seminar.id),),
        ),
    )


def seminar_closed(
    t: Translator, seminar: Seminar, retention_days: int, data: SummaryData | None = None
) -> Screen:
    """The participants' goodbye, with the short summary the moderator was told they get."""
    lines = [
        # Participant: closing, seminar closed
        t.gettext("<b>{title}</b> is closed. Thank you for taking part!").format(
            title=esc(seminar.title)
        )
    ]
    if data is not None:
        lines.append(
            # Participant: closing, seminar closed
            t.ngettext(
                "Together you wrote {count} note.", "Together you wrote {count} notes.", data.notes
            ).format(count=t.number(data.notes))
        )
        if data.themes:
            names = ", ".join(esc(theme.name) for theme in data.themes[:10])
            # Participant: closing, seminar closed
            lines.append(t.gettext("The themes you found: {names}.").format(names=names))
    lines.append(
        # Participant: closing, seminar closed
        t.gettext("Everything stored about it is deleted after {days} days.").format(
            days=t.number(retention_days)
        )
    )
    return Screen("\n".join(lines))


def report_caption(t: Translator, seminar: Seminar) -> str:
    return t.gettext("Report: {title}").format(title=esc(seminar.title))
