"""The seminar's vocabulary: plain frozen dataclasses and enums, no Telegram and no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "GROUP_MARKS",
    "Awaiting",
    "Delivery",
    "DotVote",
    "Group",
    "Member",
    "Moderator",
    "Note",
    "NoteCounts",
    "Person",
    "Phase",
    "Role",
    "Schedule",
    "Seminar",
    "SetupStep",
    "Theme",
    "User",
    "Writer",
]


class Phase(StrEnum):
    DRAFT = "draft"
    ANSWERING = "answering"
    GROUPING = "grouping"
    VOTING = "voting"
    PLENARY = "plenary"
    CLOSED = "closed"


class Role(StrEnum):
    MODERATOR = "moderator"
    PARTICIPANT = "participant"


class Awaiting(StrEnum):
    """What a writer's next text message means."""

    NOTE = "note"
    EDIT = "edit"
    CONFIRM = "confirm"
    READBACK = "readback"
    CONFIRM_THEME = "confirm_theme"  # a theme name with a personal detail waits in the draft
    CONFIRM_READBACK = "confirm_readback"  # so does a read-back answer


class SetupStep(StrEnum):
    """Where a moderator is in creating a seminar."""

    NONE = "none"
    TITLE = "title"
    LANGUAGE = "language"
    QUESTIONS = "questions"
    CUSTOM_QUESTIONS = "custom_questions"
    PAPER_NOTES = "paper_notes"
    RENAME_THEME = "rename_theme"
    SHORTEN_NOTE = "shorten_note"
    PRESET_THEMES = "preset_themes"
    SCHEDULE_TIME = "schedule_time"


class DotVote(StrEnum):
    NOT_STARTED = "not_started"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Seminar:
    id: int
    title: str
    language: str
    phase: Phase
    questions: tuple[str, ...]
    invite_code: str
    group_size: int
    created_at: datetime
    plenary_chat_id: int | None = None
    notes_revealed: bool = False
    deal_all_notes: bool = False
    dot_budget: int = 5
    dot_max_per_theme: int = 3
    dot_vote: DotVote = DotVote.NOT_STARTED
    previous_id: int | None = None
    # Counts the join links made: welcome and consent buttons carry it, so a button of a
    # replaced link can be told from one of the current link.
    invite_generation: int = 0

    @property
    def notes_released(self) -> bool:
        """Moderators see notes only once the answer round is closed: a report or list taken
        during the round, set beside a later one, would show whose note came in between."""
        return self.phase not in (Phase.DRAFT, Phase.ANSWERING)

    @property
    def can_shorten(self) -> bool:
        """A moderator may shorten a note after the round closed and before the groups see it."""
        return self.phase is Phase.GROUPING and not self.notes_revealed


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    seminar_id: int
    number: int

    @property
    def name(self) -> str:
        """A name that reads the same in every language, for the tables in the room."""
        return f"{GROUP_MARKS[(self.number - 1) % len(GROUP_MARKS)]} {self.number}"


GROUP_MARKS = ("🟦", "🟩", "🟧", "🟪", "🟥", "🟨", "🟫", "⬜")


@dataclass(frozen=True, slots=True)
class Theme:
    id: int
    seminar_id: int
    group_id: int | None
    name: str


@dataclass(frozen=True, slots=True)
class User:
    """A Telegram user who has agreed to take part or runs a seminar."""

    tg_id: int
    language: str
    active_seminar_id: int | None
    setup_step: SetupStep
    setup_draft: str
    blocked: bool


@dataclass(frozen=True, slots=True)
class Member:
    seminar_id: int
    tg_id: int
    role: Role
    language: str
    # An owner is a moderator whom nobody can remove; only they can hand ownership over.
    owner: bool = False


@dataclass(frozen=True, slots=True)
class Moderator:
    """A moderator as the list of moderators shows them to the other moderators."""

    tg_id: int
    name: str  # "" for the seminar's creator, who never joined through an invitation
    owner: bool


@dataclass(frozen=True, slots=True)
class Writer:
    """A participant's answering state, stored only under their per-seminar pseudonym."""

    seminar_id: int
    pseudonym: str
    question: int
    awaiting: Awaiting
    target_note_id: int | None
    draft: str | None
    draft_ref: str | None
    done: bool
    group_id: int | None = None
    themes_proposed: int = 0


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    seminar_id: int
    question: int
    text: str
    hidden: bool
    group_id: int | None = None
    paper: bool = False
    settled: bool = False
    settled_theme_id: int | None = None
    shortened: bool = False  # a moderator's shortening, shown as such wherever the note is


@dataclass(frozen=True, slots=True)
class Person:
    """Who sent an update, as the flows need it: an id and the client's language."""

    tg_id: int
    language_code: str | None


# What the store hands out besides the seminar's own things: counts for the live progress,
# a broadcast's delivery to one person, and a scheduled job.


@dataclass(frozen=True, slots=True)
class NoteCounts:
    per_question: tuple[int, ...]
    writers: int
    writers_done: int

    @property
    def total(self) -> int:
        return sum(self.per_question)


@dataclass(frozen=True, slots=True)
class Delivery:
    broadcast_id: int
    chat_id: int
    language: str
    sent_screens: int


@dataclass(frozen=True, slots=True)
class Schedule:
    id: int
    seminar_id: int
    kind: str
    run_at: datetime
    daily_at: str | None
    created_by: int
    status: str
