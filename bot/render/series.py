"""A seminar series on screen: the moderator's view of it with the next seminar two taps away,
a joint seminar's earlier themes (users' beside staff's), and what came of the proposals."""

from __future__ import annotations

from bot.callbacks import Action
from bot.domain import FollowUp, Seminar, SeminarKind, SeriesTheme
from bot.flows.series import NextSeminar, SeriesView
from bot.i18n import Translator
from bot.render.screens import (
    Key,
    Screen,
    esc,
    key,
    kind_name,
    numbered_questions,
    phase_name,
    questions_for,
    reason_name,
    status_name,
)

__all__ = [
    "KINDS",
    "followup_lines",
    "joint_sources",
    "next_seminar",
    "next_seminar_waiting",
    "questions_choice",
    "series_screen",
    "status_table",
]

# The kinds in the order the buttons carry them.
KINDS: tuple[SeminarKind, ...] = tuple(SeminarKind)


def _next_label(t: Translator, kind: SeminarKind) -> str:
    labels = {
        SeminarKind.USERS: t.pgettext("button", "New seminar with users"),
        SeminarKind.STAFF: t.pgettext("button", "New seminar with staff"),
        SeminarKind.JOINT: t.pgettext("button", "New joint seminar"),
    }
    return labels[kind]


def series_screen(t: Translator, view: SeriesView) -> Screen:
    """The series: its seminars, what it keeps, and a button per kind of next seminar."""
    lines = [
        t.gettext("Series <b>{title}</b>").format(title=esc(view.series.title)),
        *(
            t.gettext("{number}. {kind}: {phase}").format(
                number=t.number(number),
                kind=kind_name(t, seminar.kind),
                phase=phase_name(t, seminar.phase),
            )
            for number, seminar in enumerate(view.seminars, start=1)
        ),
        t.ngettext(
            "The series keeps {count} theme.",
            "The series keeps {count} themes.",
            len(view.themes),
        ).format(count=t.number(len(view.themes))),
    ]
    if view.followups:
        lines += ["", *followup_lines(t, view.followups)]
    lines += ["", t.gettext("Start the next seminar of the series:")]
    rows: tuple[tuple[Key, ...], ...] = tuple(
        (key(_next_label(t, kind), Action.SERIES_NEXT, view.seminar.id, KINDS.index(kind)),)
        for kind in KINDS
    )
    return Screen("\n".join(lines), rows)


def next_seminar(t: Translator, made: NextSeminar) -> Screen:
    """The first line of a seminar started from an earlier one: which kind, in which series."""
    text = t.gettext("A new {kind} in the series <b>{title}</b>.").format(
        kind=kind_name(t, made.seminar.kind), title=esc(made.seminar.title)
    )
    return Screen(text)


def next_seminar_waiting(t: Translator, made: NextSeminar) -> Screen:
    """A second press of a kind's button: the series' seminar of that kind is there already."""
    text = t.gettext(
        "The series already has a new {kind} that has not opened yet. No other one was made."
    ).format(kind=kind_name(t, made.seminar.kind))
    return Screen(text)


def questions_choice(t: Translator, seminar: Seminar) -> Screen:
    """The kind's standard questions of a seminar started from its series, which the moderator
    may keep or replace with their own before the answer round opens."""
    listed = numbered_questions(questions_for(t, seminar))
    text = (
        t.gettext("The seminar asks these questions:")
        + f"\n{listed}\n\n"
        + t.gettext("Use these, or write your own (one to five)?")
    )
    return Screen(
        text,
        (
            (
                key(
                    t.pgettext("button", "Use these questions"),
                    Action.SERIES_KEEP_QUESTIONS,
                    seminar.id,
                ),
            ),
            (
                key(
                    t.pgettext("button", "Write my own"),
                    Action.SERIES_OWN_QUESTIONS,
                    seminar.id,
                ),
            ),
        ),
    )


def _theme_list(t: Translator, themes: list[SeriesTheme]) -> list[str]:
    return [
        t.gettext("{number}. {name}").format(number=t.number(number), name=esc(theme.name))
        for number, theme in enumerate(themes, start=1)
    ]


def joint_sources(t: Translator, sources: tuple[SeriesTheme, ...]) -> Screen:
    """The earlier themes a joint seminar works on, the users' beside the staff's."""
    users = [s for s in sources if s.kind is SeminarKind.USERS]
    staff = [s for s in sources if s.kind is SeminarKind.STAFF]
    # Participant: the first message of a joint seminar, before its questions
    lines = [t.gettext("Today we start from these themes. For each theme, we ask what to do.")]
    if users:
        # Participant: heading above the themes from the seminar with users
        lines += ["", "<b>" + t.gettext("From the users") + "</b>", *_theme_list(t, users)]
    if staff:
        # Participant: heading above the themes from the seminar with staff
        lines += ["", "<b>" + t.gettext("From the staff") + "</b>", *_theme_list(t, staff)]
    return Screen("\n".join(lines))


def followup_lines(t: Translator, followups: tuple[FollowUp, ...]) -> list[str]:
    """One line per proposal: its name, status (with the reason), owner role and due date."""
    lines = []
    for followup in followups:
        parts = [status_name(t, followup.status)]
        if followup.reason:
            parts[0] += f" ({esc(reason_name(t, followup.reason))})"
        if followup.owner:
            # Participant: who follows a proposal up (a role, such as «the office manager»)
            parts.append(t.gettext("by {owner}").format(owner=esc(followup.owner)))
        if followup.due is not None:
            # Participant: when a proposal is due
            parts.append(t.gettext("due {date}").format(date=t.day(followup.due)))
        lines.append(f"• <b>{esc(followup.proposal.name)}</b>: " + ", ".join(parts))
    return lines


def status_table(t: Translator, followups: tuple[FollowUp, ...]) -> Screen:
    """What came of every proposal so far: a follow-up seminar opens with it."""
    # Participant: the first message of a follow-up seminar, above the list of proposals
    heading = t.gettext("What came of the proposals from last time:")
    return Screen("\n".join([heading, *followup_lines(t, followups)]))
