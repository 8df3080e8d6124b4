"""What the end of a seminar looks like: the read-back of the themes (/check), closing it for
good (/end), and the report's caption.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import Note, Seminar
from bot.flows.closing import ReadBackTally, ReadBackTheme, ReportShort
from bot.flows.schedules import SummaryData
from bot.i18n import Translator
from bot.render.screens import Key, Screen, esc, key, note_text

# The notes of one read-back message leave room to spare under Telegram's 4096 characters.
NOTES_BUDGET = 3300


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _note_parts(t: Translator, notes: Sequence[Note]) -> list[list[str]]:
    """A theme's notes as lines, in messages that each fit; always at least one (maybe empty)."""
    parts: list[list[str]] = [[]]
    size = 0
    for note in notes:
        line = f"• {note_text(t, note)}"
        if parts[-1] and size + _units(line) + 1 > NOTES_BUDGET:
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += _units(line) + 1
    return parts


def read_back_intro(t: Translator, seminar: Seminar, count: int) -> Screen:
    """The first message of the read-back: what it is, and how many themes follow."""
    if not count:
        # Participant: the read-back, when no theme holds notes
        empty = t.gettext("<b>{title}</b>: no theme has notes.")
        return Screen(empty.format(title=esc(seminar.title)))
    # Participant: the first message of the read-back; one message per theme follows
    intro = t.ngettext(
        "<b>{title}</b>: here is what you found together. Now {count} theme comes, with its "
        "notes. Tell us if you recognise yourself in it.",
        "<b>{title}</b>: here is what you found together. Now {count} themes come, one at a "
        "time, with their notes. Tell us for each theme if you recognise yourself in it.",
        count,
    )
    return Screen(intro.format(title=esc(seminar.title), count=t.number(count)))


def read_back_theme(
    t: Translator, seminar: Seminar, theme: ReadBackTheme, total: int, part: int = 0
) -> Screen:
    """One theme with as many of its notes as fit, the rest one button away, and the question
    whether the reader recognises it, with buttons that name the theme's number."""
    parts = _note_parts(t, theme.notes)
    part = min(max(part, 0), len(parts) - 1)
    if part == 0:
        # Participant: the heading of one theme in the read-back
        head = t.gettext("<b>Theme {number} of {total}: {name}</b>")
    else:
        # Participant: the heading of more notes of a theme in the read-back
        head = t.gettext("<b>Theme {number}: {name}</b>, more notes:")
    head = head.format(number=t.number(theme.number), total=t.number(total), name=esc(theme.name))
    lines = [head, *parts[part]]
    rows: list[tuple[Key, ...]] = []
    left = sum(len(p) for p in parts[part + 1 :])
    if left:
        # Participant: under a theme's notes when there are more of them
        more_left = t.ngettext("There is {count} more note.", "There are {count} more notes.", left)
        lines.append(more_left.format(count=t.number(left)))
        # Participant: the button that shows the rest of a theme's notes
        more = t.pgettext("button", "Theme {number}: show more notes")
        rows.append(
            (
                key(
                    more.format(number=theme.number),
                    Action.READBACK_MORE,
                    seminar.id,
                    theme.id,
                    part + 1,
                    total,
                ),
            )
        )
    # Participant: the question under each theme of the read-back
    asked = t.gettext("Do you recognise yourself in this theme?")
    lines += ["", asked]
    # Participant: the button for "I recognise this theme"
    yes = t.pgettext("button", "Theme {number}: yes, I recognise this")
    # Participant: the button for "something is missing in this theme"
    missing = t.pgettext("button", "Theme {number}: something is missing")
    rows += [
        (
            key(
                yes.format(number=theme.number),
                Action.READBACK_YES,
                seminar.id,
                theme.id,
                theme.number,
            ),
        ),
        (
            key(
                missing.format(number=theme.number),
                Action.READBACK_NO,
                seminar.id,
                theme.id,
                theme.number,
            ),
        ),
    ]
    return Screen("\n".join(lines), tuple(rows))


def read_back_theme_shown(
    t: Translator, seminar: Seminar, theme: ReadBackTheme, total: int, part: int
) -> Screen:
    """A part of a theme whose «show more notes» was pressed: the same, without that button
    (the next part comes in a message of its own)."""
    screen = read_back_theme(t, seminar, theme, total, part)
    more = Action.READBACK_MORE
    rows = tuple(
        row for row in screen.keys if not any(k.button and k.button.action is more for k in row)
    )
    return Screen(screen.text, rows)


def read_back(t: Translator, seminar: Seminar, themes: Sequence[ReadBackTheme]) -> list[Screen]:
    """Everything a participant gets: a short first message, then one message per theme."""
    return [
        read_back_intro(t, seminar, len(themes)),
        *(read_back_theme(t, seminar, theme, len(themes)) for theme in themes),
    ]


def read_back_sent(t: Translator, seminar: Seminar, count: int, themes: int) -> Screen:
    return Screen(
        t.ngettext(
            "The themes were read back to {count} participant.",
            "The themes were read back to {count} participants.",
            count,
        ).format(count=t.number(count))
        + "\n"
        + t.ngettext(
            "They get {count} theme, each with its notes, and answer for each one.",
            "They get {count} themes, each with its notes, and answer for each one.",
            themes,
        ).format(count=t.number(themes)),
        ((key(t.pgettext("button", "See the answers"), Action.READBACK_TALLY, seminar.id),),),
    )


def read_back_tally(t: Translator, tally: ReadBackTally) -> Screen:
    """The moderators' view: per theme, how many know it and how many miss something."""
    lines = [
        t.gettext("<b>{title}</b>: answers to the read-back").format(title=esc(tally.seminar.title))
    ]
    for theme, recognised, missing in tally.themes:
        lines.append(
            t.gettext(
                "Theme {number}, {name}: {recognised} know it, {missing} miss something"
            ).format(
                number=t.number(theme.number),
                name=esc(theme.name),
                recognised=t.number(recognised),
                missing=t.number(missing),
            )
        )
    if tally.earlier is not None:
        lines.append(
            t.gettext(
                "All the themes together: {recognised} know them, {missing} miss something"
            ).format(recognised=t.number(tally.earlier[0]), missing=t.number(tally.earlier[1]))
        )
    if not tally.themes and tally.earlier is None:
        lines.append(t.gettext("(no themes)"))
    return Screen(
        "\n".join(lines),
        (
            (
                key(
                    t.pgettext("button", "Update the answers"),
                    Action.READBACK_TALLY,
                    tally.seminar.id,
                ),
            ),
        ),
    )


def read_back_thanks(t: Translator, recognised: bool, number: int) -> Screen:
    if not number:  # a button from before themes were read back one by one
        if recognised:
            return Screen(t.gettext("Thank you! That is good to know."))
        return Screen(
            t.gettext(
                "Thank you for saying so. What is missing? Write it in a message, in your own "
                "words."
            )
        )
    if recognised:
        # Participant: after "yes, I recognise this" under a theme of the read-back
        thanks = t.gettext("Thank you! You recognise theme {number}. You can change your answer.")
        return Screen(thanks.format(number=t.number(number)))
    # Participant: after "something is missing" under a theme of the read-back
    asked = t.gettext(
        "Thank you. What is missing in theme {number}? Write it in a message, in your own words."
    )
    return Screen(asked.format(number=t.number(number)))


def read_back_noted(t: Translator, number: int = 0) -> Screen:
    if number:
        # Participant: what they said is missing from a theme was saved
        noted = t.gettext(
            "Thank you. It is saved for the report, for theme {number}, without your name."
        )
        return Screen(noted.format(number=t.number(number)))
    return Screen(t.gettext("Thank you, it is noted for the report, without your name."))


def read_back_stale(t: Translator, over: str | None = None) -> Screen:
    """A read-back button that no longer applies: the seminar moved on, ended or is gone."""
    if over is not None:
        return Screen(over)
    # Participant: a read-back button after the seminar was deleted or they left it
    return Screen(t.gettext("This read-back is over. Thank you for taking part!"))


def report_short(t: Translator, short: ReportShort) -> Screen:
    """The report's short version for participants: the top themes, each with a couple of
    notes, and what happens next. No names, no counts that point to anyone."""
    # Participant: the report's short version, its first line
    ready = t.gettext("<b>{title}</b>: the report is ready. Here is the short version.")
    lines = [ready.format(title=esc(short.seminar.title))]
    if short.themes:
        lines.append("")
        # Participant: the report's short version, before the top themes
        lines.append(t.gettext("What mattered most:"))
        for rank, (name, notes) in enumerate(short.themes, start=1):
            lines.append(f"{t.number(rank)}. <b>{esc(name)}</b>")
            lines += [f"   – {esc(note.text)}" for note in notes]
    lines.append("")
    if short.closed:
        # Participant: the report's short version, what happens next, after the seminar ended
        then = t.gettext(
            "What happens next: the moderators take the report to the people who can make "
            "things better. The report has no names."
        )
    else:
        # Participant: the report's short version, what happens next, while the seminar goes on
        then = t.gettext(
            "What happens next: the seminar goes on for a while. Then the moderators take the "
            "report to the people who can make things better."
        )
    lines.append(then)
    # Participant: the report's short version, its last line
    lines.append(t.gettext("You can read this again with /summary."))
    return Screen("\n".join(lines))


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
