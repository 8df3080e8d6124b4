"""What a person's next private text is expected to be, and the typed draft each step keeps
meanwhile (stored as JSON beside the person, so a step survives a restart). Vocabulary only:
no Telegram and no SQL; `bot/flows/expecting.py` reads it once per text."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DRAFTS",
    "AnnouncementDraft",
    "Awaiting",
    "Draft",
    "Expectation",
    "Expecting",
    "NoDraft",
    "NoteToShorten",
    "PaperNotesDraft",
    "QuestionAnswerDraft",
    "QuestionDraft",
    "ScheduleDraft",
    "SeminarDraft",
    "ThemeToPropose",
    "ThemeToRename",
    "TranslationDraft",
    "decode_draft",
    "encode_draft",
]


class Awaiting(StrEnum):
    """What a writer's next text message means."""

    NOTE = "note"
    EDIT = "edit"
    CONFIRM = "confirm"
    READBACK = "readback"
    CONFIRM_THEME = "confirm_theme"  # a theme name with a personal detail waits in the draft
    CONFIRM_READBACK = "confirm_readback"  # so does a read-back answer


class Expecting(StrEnum):
    """What a person's next private text is expected to be: one row per kind of text.

    The steps a person was asked for are stored (`users.setup_step`, with a typed `Draft`);
    the rest follow from where the seminar stands. A new kind of expected text is a member
    here, a row in `flows/expecting.py` if it follows from the seminar, and a text route.
    """

    NOTHING = "none"  # stored: no step asked for; the seminar decides
    TITLE = "title"
    LANGUAGE = "language"
    QUESTIONS = "questions"
    CUSTOM_QUESTIONS = "custom_questions"
    PAPER_NOTES = "paper_notes"
    RENAME_THEME = "rename_theme"
    SHORTEN_NOTE = "shorten_note"
    PRESET_THEMES = "preset_themes"
    SCHEDULE_TIME = "schedule_time"
    ANNOUNCEMENT = "announcement"
    ASK_MODERATORS = "ask_moderators"  # a participant's question to the moderators
    ANSWER_QUESTION = "answer_question"  # a moderator's answer to one of those questions
    TRANSLATION = "translation"  # a moderator's own questions, in one more language
    # Never stored: they follow from the person's seminar.
    NOTE = "note"
    THEME = "theme"  # stored: a member pressed «New theme» (ThemeToPropose)
    READ_BACK = "read_back"
    ELSEWHERE = "elsewhere"  # nothing expects a text: the answer says where the seminar is


@dataclass(frozen=True, slots=True)
class SeminarDraft:
    """A seminar being created: what the moderator has given so far."""

    title: str = ""
    language: str = ""
    questions: tuple[str, ...] = ()
    # The seminar of a series whose standard questions the moderator's own replace; 0: the
    # draft makes a new seminar (/new).
    replaces: int = 0


@dataclass(frozen=True, slots=True)
class TranslationDraft:
    """A moderator giving a seminar's own questions in one more language, one by one."""

    seminar: int
    language: str
    questions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PaperNotesDraft:
    seminar: int
    question: int
    held: str | None = None  # a paper note with a personal detail, waiting for a decision


@dataclass(frozen=True, slots=True)
class ThemeToRename:
    theme: int


@dataclass(frozen=True, slots=True)
class NoteToShorten:
    note: int


@dataclass(frozen=True, slots=True)
class ScheduleDraft:
    kind: str


@dataclass(frozen=True, slots=True)
class AnnouncementDraft:
    """An announcement asked for from a seminar's cockpit: it goes to that seminar."""

    seminar: int


@dataclass(frozen=True, slots=True)
class ThemeToPropose:
    """A member's next text names a new theme of their group; a note card's note (0: none)
    goes into it at once."""

    seminar: int
    group: int
    note: int = 0


@dataclass(frozen=True, slots=True)
class QuestionDraft:
    """A participant about to ask their seminar's moderators something, without their name."""

    seminar: int
    held: str | None = None  # a question with a personal detail, waiting for a decision


@dataclass(frozen=True, slots=True)
class QuestionAnswerDraft:
    """A moderator about to answer one participant's question."""

    question: int


@dataclass(frozen=True, slots=True)
class NoDraft:
    """A step that needs nothing kept beside it."""


Draft = (
    SeminarDraft
    | PaperNotesDraft
    | ThemeToRename
    | NoteToShorten
    | ScheduleDraft
    | AnnouncementDraft
    | ThemeToPropose
    | QuestionDraft
    | QuestionAnswerDraft
    | TranslationDraft
    | NoDraft
)

# The draft each stored step carries.
DRAFTS: dict[Expecting, type[Draft]] = {
    Expecting.NOTHING: NoDraft,
    Expecting.TITLE: SeminarDraft,
    Expecting.LANGUAGE: SeminarDraft,
    Expecting.QUESTIONS: SeminarDraft,
    Expecting.CUSTOM_QUESTIONS: SeminarDraft,
    Expecting.PAPER_NOTES: PaperNotesDraft,
    Expecting.RENAME_THEME: ThemeToRename,
    Expecting.SHORTEN_NOTE: NoteToShorten,
    Expecting.PRESET_THEMES: NoDraft,
    Expecting.SCHEDULE_TIME: ScheduleDraft,
    Expecting.ANNOUNCEMENT: AnnouncementDraft,
    Expecting.THEME: ThemeToPropose,
    Expecting.ASK_MODERATORS: QuestionDraft,
    Expecting.ANSWER_QUESTION: QuestionAnswerDraft,
    Expecting.TRANSLATION: TranslationDraft,
}


# The field types drafts use, as their annotations read.
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "str | None": (str, type(None)),
    "tuple[str, ...]": (tuple,),
}


def encode_draft(draft: Draft) -> str:
    return json.dumps(dataclasses.asdict(draft), ensure_ascii=False)


def decode_draft(kind: Expecting, raw: str) -> Draft:
    """The stored draft of a step; ValueError when it does not fit the step (a missing field
    never quietly becomes 0)."""
    shape = DRAFTS.get(kind)
    if shape is None:
        raise ValueError(f"{kind} is never stored")
    values = json.loads(raw)
    if not isinstance(values, dict):
        raise ValueError("a draft is an object")
    fields = {f.name: f for f in dataclasses.fields(shape)}
    if not set(values) <= set(fields):
        raise ValueError(f"unknown fields in a {shape.__name__}")
    if "questions" in values:
        values["questions"] = tuple(values["questions"])
    try:
        draft = shape(**values)
    except TypeError as exc:  # a required field is missing
        raise ValueError(str(exc)) from exc
    for name, value in values.items():
        allowed = _FIELD_TYPES[str(fields[name].type)]
        if not isinstance(value, allowed) or isinstance(value, bool):
            raise ValueError(f"{shape.__name__}.{name} has the wrong type")
    if isinstance(draft, SeminarDraft | TranslationDraft) and not all(
        isinstance(q, str) for q in draft.questions
    ):
        raise ValueError("questions are texts")
    return draft


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a person's next text is expected to be, with what the step needs to take it."""

    kind: Expecting
    draft: Draft = NoDraft()
