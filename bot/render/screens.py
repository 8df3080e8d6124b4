"""What every screen is made of: ``Screen`` and ``Key``, HTML escaping (every piece of user
text passes through ``esc``), Telegram's length limit, and the few pieces several features show.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.callbacks import Action, Button
from bot.domain import (
    GROUP_MARKS,
    Colour,
    Group,
    Note,
    Phase,
    Reason,
    Role,
    Seminar,
    SeminarKind,
    Status,
    group_colour,
)
from bot.i18n import FSI, LANGUAGES, RLM, Translator, standard_questions

# Telegram's limit is 4096 characters after entity parsing; raw HTML is never shorter.
TEXT_LIMIT = 4096


def note_text(t: Translator, note: Note) -> str:
    """A note's text, escaped, marked wherever it is shown if a moderator shortened it."""
    if not note.shortened:
        return esc(note.text)
    # Participant: screens, note text
    mark = t.gettext("(shortened by the moderator)")
    return f"{esc(note.text)} <i>{esc(mark)}</i>"


def esc(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass(frozen=True, slots=True)
class Key:
    label: str
    button: Button | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Screen:
    """A message: its HTML and its buttons. A message that holds a right-to-left translation
    (the translator starts each of its lines with RLM, and people's texts never hold one:
    `flows/clean_text.py` takes bidi marks out) reads right to left on every line, so a line
    that starts with a number, an emoji, a title in Latin letters or a note in Norwegian
    keeps the reader's direction; this is the one place every screen passes through."""

    text: str
    keys: tuple[tuple[Key, ...], ...] = ()
    # False for a message whose link must not be opened by anyone but its reader: Telegram's
    # preview would fetch it (a secret link, such as the office's page).
    preview: bool = True

    def __post_init__(self) -> None:
        if RLM in self.text:
            object.__setattr__(self, "text", right_to_left(self.text))


def right_to_left(text: str) -> str:
    """Every line that is not empty starts with a right-to-left mark; a line that is not a
    translation's own (a note, a question, a link on its own line) is isolated after it, so
    it keeps its own direction and its punctuation stays at its end. The line's end closes
    the isolate (a client takes each line as a paragraph), so nothing follows a link."""
    return "\n".join(
        line if not line or line.startswith(RLM) else f"{RLM}{FSI}{line}"
        for line in text.split("\n")
    )


def key(label: str, action: Action, *args: int) -> Key:
    return Key(label, Button(action, args))


def language_rows(
    action: Action, indices: Sequence[int] | range, *args: int
) -> tuple[tuple[Key, ...], ...]:
    """A button per language (by its index in `LANGUAGES`), each named in its own language
    and script, in rows of at most four so they fit a phone."""
    keys = [key(Translator.language_name(LANGUAGES[i]), action, *args, i) for i in indices]
    return tuple(tuple(keys[i : i + 4]) for i in range(0, len(keys), 4))


def join_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def plain_text(html_text: str) -> str:
    """A screen's text without its HTML, for a press's notice, which Telegram shows as it is."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def phase_name(t: Translator, phase: Phase) -> str:
    names = {
        # Participant: screens, phase name
        Phase.DRAFT: t.pgettext("phase", "not started"),
        # Participant: screens, phase name
        Phase.ANSWERING: t.pgettext("phase", "answer round"),
        # Participant: screens, phase name
        Phase.GROUPING: t.pgettext("phase", "answer round closed"),
        # Participant: screens, phase name
        Phase.VOTING: t.pgettext("phase", "voting into themes"),
        # Participant: screens, phase name
        Phase.PLENARY: t.pgettext("phase", "plenary"),
        # Participant: screens, phase name
        Phase.CLOSED: t.pgettext("phase", "closed"),
    }
    return names[phase]


def status_name(t: Translator, status: Status) -> str:
    """A proposal's follow-up status in words, for participants, the office and the report."""
    names = {
        # Participant: a proposal's follow-up status
        Status.PLANNED: t.pgettext("status", "planned"),
        # Participant: a proposal's follow-up status
        Status.UNDER_WAY: t.pgettext("status", "under way"),
        # Participant: a proposal's follow-up status
        Status.DONE: t.pgettext("status", "done"),
        # Participant: a proposal's follow-up status
        Status.NOT_POSSIBLE: t.pgettext("status", "not possible"),
    }
    return names[status]


def reason_name(t: Translator, kept: str) -> str:
    """A status's reason as a reader reads it: a fixed reason in their language, the office's
    own words as written."""
    fixed = Reason.of(kept)
    if fixed is None:
        return kept
    texts = {
        # Participant: why a proposal is not possible (a fixed reason the office chose)
        Reason.MONEY: t.gettext("There is no money for it."),
        # Participant: why a proposal is not possible (a fixed reason the office chose)
        Reason.RULES: t.gettext("Laws or rules do not allow it."),
        # Participant: why a proposal is not possible (a fixed reason the office chose)
        Reason.ELSEWHERE: t.gettext("Someone else decides this, not our office."),
    }
    return texts[fixed]


def seminar_name(t: Translator, seminar: Seminar) -> str:
    """The seminar's title as HTML, with its kind where it is not the users': the seminars of a
    series share a title."""
    if seminar.kind is SeminarKind.USERS:
        return esc(seminar.title)
    return f"{esc(seminar.title)} ({kind_name(t, seminar.kind)})"


def kind_name(t: Translator, kind: SeminarKind) -> str:
    """Who a seminar of a series is for, as a short label: «users' seminar»."""
    names = {
        # Participant: the kind of a seminar in a series
        SeminarKind.USERS: t.pgettext("kind", "users' seminar"),
        # Participant: the kind of a seminar in a series
        SeminarKind.STAFF: t.pgettext("kind", "staff seminar"),
        # Participant: the kind of a seminar in a series
        SeminarKind.JOINT: t.pgettext("kind", "joint seminar"),
    }
    return names[kind]


def phase_help(t: Translator, phase: Phase, role: Role = Role.PARTICIPANT) -> str:
    """What a person can do at this step of the seminar, for /help and for a text nothing
    expects: a participant's part, or a moderator's next step."""
    if role is Role.MODERATOR:
        return _moderator_help(t, phase)
    helps = {
        # Participant: screens, phase help
        Phase.DRAFT: t.gettext(
            "The seminar has not started yet. You will get the first question here when the "
            "answer round opens."
        ),
        # Participant: screens, phase help
        Phase.ANSWERING: t.gettext(
            "The answer round is open. Answer the questions here: write one short note per "
            "message. A greeting or a question to me is not saved unless you say so."
        ),
        # Participant: screens, phase help
        Phase.GROUPING: t.gettext(
            "The answer round is closed, so you can no longer write notes. Wait a little: the "
            "moderators are forming groups, and then your group gets its notes to sort."
        ),
        # Participant: screens, phase help
        Phase.VOTING: t.gettext(
            "Your group sorts its notes into themes now. Under each note, press the theme it "
            "belongs to."
        ),
        # Participant: screens, phase help
        Phase.PLENARY: t.gettext(
            "Every group's themes are shown. When the dot vote opens, give your dots to the "
            "themes that matter most to you."
        ),
        # Participant: screens, phase help
        Phase.CLOSED: t.gettext("The seminar has ended. Thank you for taking part."),
    }
    return helps[phase]


def _moderator_help(t: Translator, phase: Phase) -> str:
    helps = {
        Phase.DRAFT: t.gettext(
            "Next step: share the join link with /invite, and open the answer round from your "
            "cockpit (/cockpit) or with /open when people have joined."
        ),
        Phase.ANSWERING: t.gettext(
            "The participants are writing notes. Your cockpit (/cockpit) shows how many are "
            "done. Next step: close the answer round there or with /close. Notes written on "
            "paper can be typed in with /paper."
        ),
        Phase.GROUPING: t.gettext(
            "The answer round is closed. Next step: form the groups with /groups, then start "
            "sorting the notes into themes with /vote."
        ),
        Phase.VOTING: t.gettext(
            "The groups are sorting their notes into themes. Next step: settle ties and "
            "unsorted notes with /moderate, then show every group's themes with /plenary."
        ),
        Phase.PLENARY: t.gettext(
            "Every group's themes are shown. Next step: the dot vote, from your cockpit "
            "(/cockpit); /close_dots closes it. Read the themes back with /check, then end the "
            "seminar with /end."
        ),
        Phase.CLOSED: t.gettext(
            "The seminar has ended. Next step: get the report with /report, or create a new "
            "seminar with /new."
        ),
    }
    return helps[phase]


def _units(text: str) -> int:
    """Telegram's measure of a text: UTF-16 code units, so most emoji count twice. The HTML
    is never shorter than the text Telegram makes of it, so it is a safe upper bound."""
    return len(text.encode("utf-16-le")) // 2


def paginate(
    head: str,
    blocks: Sequence[tuple[str, tuple[Key, ...]]],
    keys_per_row: int = 4,
    tail: Screen | None = None,
) -> list[Screen]:
    """Splits blocks over as many messages as Telegram's length and button limits need; the
    tail (closing words and their buttons, rows kept as they are) ends the last message."""
    screens: list[Screen] = []
    text: str = head
    keys: list[Key] = []
    # A right-to-left screen gets up to three marks on every line (`right_to_left`).
    marks = 3 if RLM in head or any(RLM in line for line, _ in blocks) else 0

    def units(part: str) -> int:
        return _units(part) + marks * (part.count("\n") + 1)

    for line, block_keys in blocks:
        if units(text) + 1 + units(line) > TEXT_LIMIT or len(keys) + len(block_keys) > 96:
            screens.append(_screen(text, keys, keys_per_row))
            text, keys = "", []
        text = f"{text}\n{line}" if text else line
        keys.extend(block_keys)
    last = _screen(text, keys, keys_per_row)
    if tail is not None:
        tail_keys = sum(len(row) for row in tail.keys)
        if units(text) + 1 + units(tail.text) > TEXT_LIMIT or len(keys) + tail_keys > 96:
            screens.append(last)
            last = tail
        else:
            last = Screen(f"{text}\n{tail.text}", last.keys + tail.keys)
    screens.append(last)
    return screens


def _screen(text: str, keys: list[Key], per_row: int) -> Screen:
    rows = tuple(tuple(keys[i : i + per_row]) for i in range(0, len(keys), per_row))
    return Screen(text, rows)


def group_name(t: Translator, number: int) -> str:
    """A group's name in words, in the reader's language («Blå gruppe», "Blue group"): the
    same group for everyone in the room, whatever language each reads. The colours come round
    again from the ninth group on, which is «Blå gruppe 2»."""
    names = {
        # Participant: a group's name, after the colour of its mark 🟦
        Colour.BLUE: t.gettext("Blue group"),
        # Participant: a group's name, after the colour of its mark 🟩
        Colour.GREEN: t.gettext("Green group"),
        # Participant: a group's name, after the colour of its mark 🟥
        Colour.RED: t.gettext("Red group"),
        # Participant: a group's name, after the colour of its mark 🟨
        Colour.YELLOW: t.gettext("Yellow group"),
        # Participant: a group's name, after the colour of its mark 🟪
        Colour.PURPLE: t.gettext("Purple group"),
        # Participant: a group's name, after the colour of its mark ⬜
        Colour.WHITE: t.gettext("White group"),
        # Participant: a group's name, after the colour of its mark 🟫
        Colour.BROWN: t.gettext("Brown group"),
        # Participant: a group's name, after the colour of its mark ⬛
        Colour.BLACK: t.gettext("Black group"),
    }
    name = names[group_colour(number)]
    lap = (number - 1) // len(GROUP_MARKS) + 1
    return name if lap == 1 else f"{name} {t.number(lap)}"


def questions_for(t: Translator, seminar: Seminar) -> tuple[str, ...]:
    """The seminar's questions as this reader reads them: the standard ones from the
    reader's own catalog, a moderator's own in the reader's language where given, else in
    the seminar's language."""
    if seminar.standard_questions:
        return standard_questions(t, staff=seminar.kind is SeminarKind.STAFF)
    return seminar.questions_in(t.language)


def numbered_questions(questions: Sequence[str]) -> str:
    """Questions as a moderator checks them: numbered, each in italics, one to a line."""
    return "\n".join(f"{i}. <i>{esc(q)}</i>" for i, q in enumerate(questions, start=1))


def question_text(t: Translator, seminar: Seminar, index: int) -> str:
    return questions_for(t, seminar)[index]


def group_label(t: Translator, group: Group) -> str:
    """A group's name with its coloured mark beside it: «🟦 Blå gruppe». The words name it;
    the mark only helps the eye, so a screen reader or a missing emoji font loses nothing."""
    return f"{group.mark} {group_name(t, group.number)}"


def phase_over(t: Translator, seminar: Seminar) -> str:
    # Participant: screens, phase over
    return t.gettext("That step is over: the seminar is now at «{phase}».").format(
        phase=phase_name(t, seminar.phase)
    )
