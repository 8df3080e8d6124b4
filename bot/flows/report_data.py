"""What a seminar's report holds: counts, themes and notes, and never an identity."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = [
    "ReportData",
    "ReportNote",
    "ReportProposal",
    "ReportReadBack",
    "ReportTheme",
    "from_plain",
    "to_plain",
]


@dataclass(frozen=True, slots=True)
class ReportNote:
    text: str
    question: int  # 0-based index into ReportData.questions
    votes: int = 0  # votes that put the note in its theme (0 if unsorted or not voted)
    paper: bool = False  # typed in from a paper note in the room
    shortened: bool = False  # its text is a moderator's shortening, not the writer's words


@dataclass(frozen=True, slots=True)
class ReportProposal:
    """A proposal made for a theme, and what came of it. The report shows these in its
    summary and its follow-up table, and nothing at all while a theme has none."""

    text: str
    status: str = ""  # the follow-up status in the report's language ("" before any)
    owner: str = ""  # who follows it up: a role, not a person's name
    due: date | None = None
    reason: str = ""  # why it is not possible, if it is not


@dataclass(frozen=True, slots=True)
class ReportTheme:
    name: str
    group: int  # the group's number; the report names it in words in its language
    notes: tuple[ReportNote, ...]
    dots: int  # dots from the plenary's dot vote (0 if there was none)
    rank: int  # 1 = most dots (ties broken by size, then name)
    proposals: tuple[ReportProposal, ...] = ()  # what was proposed for it, with follow-up


@dataclass(frozen=True, slots=True)
class ReportReadBack:
    """The read-back's answers about one theme: counts, and what people said was missing."""

    theme: str  # "" for answers given to all the themes together
    recognised: int
    missing: int
    missing_notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportData:
    title: str
    language: str  # the seminar's language, e.g. nb
    timezone: str  # e.g. "Europe/Oslo"
    created_at: datetime  # aware (UTC)
    closed_at: datetime | None  # when the seminar closed, if it has
    generated_at: datetime  # aware (UTC)
    phase: str  # the phase's name, already translated into the seminar's language
    questions: tuple[str, ...]
    participants: int  # people who agreed to take part
    writers: int  # people who wrote at least one note
    notes_per_question: tuple[int, ...]  # visible notes per question (hidden ones left out)
    groups: int
    votes: int  # votes cast in the group work
    dot_voters: int
    themes: tuple[ReportTheme, ...]  # ranked; themes without notes are left out
    unsorted: tuple[ReportNote, ...]  # grouped notes that no theme got
    all_notes: tuple[ReportNote, ...]  # every visible note, by question, shuffled within it
    recognised: int = 0  # read-back: "I recognise this"
    missing: int = 0  # read-back: "something is missing"
    missing_notes: tuple[str, ...] = field(default_factory=tuple)  # what people said was missing
    read_back_themes: tuple[ReportReadBack, ...] = ()  # the read-back's answers per theme
    too_few_writers: bool = False  # fewer than three wrote: no note's text is in the report
    paper_notes: int = 0  # visible notes typed in from paper (their writers are not counted)

    @property
    def notes_total(self) -> int:
        return sum(self.notes_per_question)


def to_plain(data: ReportData) -> dict[str, Any]:
    """The report's data as JSON-able values (dates in ISO 8601), for the process that
    writes the Word and spreadsheet files; ``from_plain`` reads it back."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, tuple | list):
            return [plain(item) for item in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return value

    result: dict[str, Any] = plain(data)
    return result


def _note(raw: dict[str, Any]) -> ReportNote:
    return ReportNote(**raw)


def _proposal(raw: dict[str, Any]) -> ReportProposal:
    due = raw.get("due")
    return ReportProposal(**{**raw, "due": date.fromisoformat(due) if due else None})


def _theme(raw: dict[str, Any]) -> ReportTheme:
    return ReportTheme(
        **{
            **raw,
            "notes": tuple(_note(n) for n in raw["notes"]),
            "proposals": tuple(_proposal(p) for p in raw.get("proposals", ())),
        }
    )


def _read_back(raw: dict[str, Any]) -> ReportReadBack:
    return ReportReadBack(**{**raw, "missing_notes": tuple(raw["missing_notes"])})


def from_plain(raw: dict[str, Any]) -> ReportData:
    """The ReportData that ``to_plain`` gave."""
    closed = raw["closed_at"]
    return ReportData(
        **{
            **raw,
            "created_at": datetime.fromisoformat(raw["created_at"]),
            "closed_at": datetime.fromisoformat(closed) if closed else None,
            "generated_at": datetime.fromisoformat(raw["generated_at"]),
            "questions": tuple(raw["questions"]),
            "notes_per_question": tuple(raw["notes_per_question"]),
            "themes": tuple(_theme(theme) for theme in raw["themes"]),
            "unsorted": tuple(_note(note) for note in raw["unsorted"]),
            "all_notes": tuple(_note(note) for note in raw["all_notes"]),
            "missing_notes": tuple(raw["missing_notes"]),
            "read_back_themes": tuple(_read_back(row) for row in raw["read_back_themes"]),
        }
    )
