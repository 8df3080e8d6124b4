"""What a seminar's report holds: counts, themes and notes, and never an identity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ReportData", "ReportNote", "ReportReadBack", "ReportTheme"]


@dataclass(frozen=True, slots=True)
class ReportNote:
    text: str
    question: int  # 0-based index into ReportData.questions
    votes: int = 0  # votes that put the note in its theme (0 if unsorted or not voted)
    paper: bool = False  # typed in from a paper note in the room
    shortened: bool = False  # its text is a moderator's shortening, not the writer's words


@dataclass(frozen=True, slots=True)
class ReportTheme:
    name: str
    group: int  # the group's number; the report names it in words in its language
    notes: tuple[ReportNote, ...]
    dots: int  # dots from the plenary's dot vote (0 if there was none)
    rank: int  # 1 = most dots (ties broken by size, then name)


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
    language: str  # the seminar's language: nb, nn or en
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
