"""The seminar's vocabulary: plain frozen dataclasses and enums, no Telegram and no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.expectations import Awaiting, Expectation

__all__ = [
    "GROUP_MARKS",
    "PHASES",
    "Back",
    "Colour",
    "Deadline",
    "Delivery",
    "DeliveryStatus",
    "DotPage",
    "DotVote",
    "FollowUp",
    "Group",
    "InviteProblem",
    "Member",
    "Moderator",
    "Note",
    "NoteCounts",
    "Person",
    "Phase",
    "PhaseRule",
    "PrivateQuestion",
    "Reason",
    "Role",
    "Schedule",
    "ScheduleStatus",
    "Seminar",
    "SeminarKind",
    "Series",
    "SeriesTheme",
    "Status",
    "Step",
    "Theme",
    "User",
    "Writer",
    "group_colour",
    "may_move",
    "next_step",
    "sources_of",
    "way_back",
]


class Phase(StrEnum):
    DRAFT = "draft"
    ANSWERING = "answering"
    GROUPING = "grouping"
    VOTING = "voting"
    PLENARY = "plenary"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class PhaseRule:
    """One row of the phase machine: where a seminar may go from a phase, and what is open in it.

    `writing`: participants write, edit and delete notes. `notes_released`: moderators may read
    the notes (the round has closed, so nobody can tell a writer from when a note appeared).
    `grouping`: the moderator forms the groups, reviews the notes and shows each group its own.
    `proposing`: group members may name themes, once their group has seen its notes.
    `voting`: members vote notes into themes. `dots`: the dot vote may run. `joining`: people
    may still join. `shortening`: a moderator may shorten a note until the groups see it.
    `reading_back`: participants read the themes back and say what is missing.
    `reopen`: the move back, safe only until the groups are formed (the flow checks that).
    """

    moves: frozenset[Phase]
    writing: bool = False
    notes_released: bool = False
    grouping: bool = False
    proposing: bool = False
    voting: bool = False
    dots: bool = False
    joining: bool = True
    shortening: bool = False
    reading_back: bool = False
    reopen: frozenset[Phase] = frozenset()


# The phase machine: every phase, the moves a moderator may make from it, and what it opens.
PHASES: dict[Phase, PhaseRule] = {
    Phase.DRAFT: PhaseRule(moves=frozenset({Phase.ANSWERING})),
    Phase.ANSWERING: PhaseRule(moves=frozenset({Phase.GROUPING}), writing=True),
    Phase.GROUPING: PhaseRule(
        moves=frozenset({Phase.VOTING, Phase.CLOSED}),
        notes_released=True,
        grouping=True,
        proposing=True,
        shortening=True,
        reopen=frozenset({Phase.ANSWERING}),
    ),
    Phase.VOTING: PhaseRule(
        moves=frozenset({Phase.PLENARY, Phase.CLOSED}),
        notes_released=True,
        proposing=True,
        voting=True,
    ),
    Phase.PLENARY: PhaseRule(
        moves=frozenset({Phase.CLOSED}), notes_released=True, dots=True, reading_back=True
    ),
    Phase.CLOSED: PhaseRule(moves=frozenset(), notes_released=True, joining=False),
}


def may_move(source: Phase, target: Phase) -> bool:
    """Whether a moderator may move a seminar from `source` to `target` (forward or reopen)."""
    rule = PHASES[source]
    return target in rule.moves or target in rule.reopen


def sources_of(target: Phase) -> tuple[Phase, ...]:
    """The phases a seminar may move to `target` from, for the store's guarded update."""
    return tuple(phase for phase in Phase if may_move(phase, target))


class Step(StrEnum):
    """A moderator's next step, as the cockpit offers it: the phase machine's next move, or
    the next thing to do within a phase (the groups, their notes, the dot vote)."""

    OPEN_ROUND = "open_round"
    CLOSE_ROUND = "close_round"
    FORM_GROUPS = "form_groups"
    SHOW_NOTES = "show_notes"
    START_SORTING = "start_sorting"
    START_PLENARY = "start_plenary"
    START_DOTS = "start_dots"
    CLOSE_DOTS = "close_dots"
    END_SEMINAR = "end_seminar"
    ENDED = "ended"  # nothing is left to do


class Back(StrEnum):
    """A step back the cockpit offers where it is safe."""

    REOPEN_ROUND = "reopen_round"  # until the groups are formed
    REFORM_GROUPS = "reform_groups"  # until a group has seen its notes


def next_step(seminar: Seminar, groups_formed: bool) -> Step:
    """What the moderator does next where the seminar stands."""
    match seminar.phase:
        case Phase.DRAFT:
            return Step.OPEN_ROUND
        case Phase.ANSWERING:
            return Step.CLOSE_ROUND
        case Phase.GROUPING if not groups_formed:
            return Step.FORM_GROUPS
        case Phase.GROUPING if not seminar.notes_revealed:
            return Step.SHOW_NOTES
        case Phase.GROUPING:
            return Step.START_SORTING
        case Phase.VOTING:
            return Step.START_PLENARY
        case Phase.PLENARY if seminar.dot_vote is DotVote.NOT_STARTED:
            return Step.START_DOTS
        case Phase.PLENARY if seminar.dot_vote is DotVote.OPEN:
            return Step.CLOSE_DOTS
        case Phase.PLENARY:
            return Step.END_SEMINAR
        case _:
            return Step.ENDED


def way_back(seminar: Seminar, groups_formed: bool) -> Back | None:
    """The step back that is safe now, if any: nobody has yet seen what it would undo."""
    if Phase.ANSWERING in seminar.rule.reopen and not groups_formed:
        return Back.REOPEN_ROUND
    if seminar.grouping and groups_formed and not seminar.notes_revealed:
        return Back.REFORM_GROUPS
    return None


class Role(StrEnum):
    MODERATOR = "moderator"
    PARTICIPANT = "participant"


class SeminarKind(StrEnum):
    """Who a seminar of a series is for: the service's users, its staff, or both together,
    who propose changes for the earlier seminars' themes."""

    USERS = "users"
    STAFF = "staff"
    JOINT = "joint"


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
    # The questions are the method's standard ones: each reader gets them from their catalog.
    standard_questions: bool = False
    # A moderator's own questions given in more languages: (language, the questions in it).
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    series_id: int = 0
    kind: SeminarKind = SeminarKind.USERS

    def questions_in(self, language: str) -> tuple[str, ...]:
        """The moderator's own questions in `language` where given, else as in the
        seminar's language."""
        for given, questions in self.translations:
            if given == language and len(questions) == len(self.questions):
                return questions
        return self.questions

    @property
    def own_questions(self) -> bool:
        """The moderator wrote the questions, so only they can give them in more languages
        (standard and joint questions come in every language)."""
        return not self.standard_questions and self.kind is not SeminarKind.JOINT

    @property
    def rule(self) -> PhaseRule:
        return PHASES[self.phase]

    @property
    def not_yet_open(self) -> bool:
        """The answer round has never opened, so nobody has read the questions yet."""
        return self.phase is Phase.DRAFT

    @property
    def questions_replaceable(self) -> bool:
        """The moderator may still write their own questions instead of the standard ones; a
        joint seminar's questions are its series' earlier themes, so they stay."""
        return self.not_yet_open and self.kind is not SeminarKind.JOINT

    @property
    def writing(self) -> bool:
        """Participants write, edit and delete notes."""
        return self.rule.writing

    @property
    def notes_released(self) -> bool:
        """Moderators see notes only once the answer round is closed: a report or list taken
        during the round, set beside a later one, would show whose note came in between."""
        return self.rule.notes_released

    @property
    def grouping(self) -> bool:
        """The moderator forms the groups, reviews the notes and shows each group its own."""
        return self.rule.grouping

    @property
    def can_shorten(self) -> bool:
        """A moderator may shorten a note after the round closed and before the groups see it."""
        return self.rule.shortening and not self.notes_revealed

    @property
    def proposing(self) -> bool:
        """Group members name themes once their group has seen its notes."""
        return self.rule.proposing and (self.rule.voting or self.notes_revealed)

    @property
    def voting(self) -> bool:
        return self.rule.voting

    @property
    def dots_open(self) -> bool:
        return self.rule.dots and self.dot_vote is DotVote.OPEN

    @property
    def votes_running(self) -> bool:
        """A vote runs whose count a report taken now would give away press by press."""
        return self.voting or self.dots_open

    @property
    def may_end(self) -> bool:
        """The seminar may end for good: its round is closed and no dot vote runs."""
        return Phase.CLOSED in self.rule.moves and not self.dots_open

    def may_move(self, target: Phase) -> bool:
        return may_move(self.phase, target)

    @property
    def ended(self) -> bool:
        """The seminar is over: no move leads on from here, so nothing is announced or
        scheduled any more."""
        return not self.rule.moves


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    seminar_id: int
    number: int

    @property
    def mark(self) -> str:
        """The coloured square beside the group's name, for the tables in the room."""
        return GROUP_MARKS[(self.number - 1) % len(GROUP_MARKS)]

    @property
    def colour(self) -> Colour:
        """The mark's colour, which names the group in words in each reader's language."""
        return group_colour(self.number)


class Colour(StrEnum):
    BLUE = "blue"
    GREEN = "green"
    RED = "red"
    YELLOW = "yellow"
    PURPLE = "purple"
    WHITE = "white"
    BROWN = "brown"
    BLACK = "black"


# In the order of Colour. The first groups get the colours easiest to tell apart; every
# colour has a short name in Norwegian (no orange: «oransje» is a long word for easy reading).
GROUP_MARKS = ("🟦", "🟩", "🟥", "🟨", "🟪", "⬜", "🟫", "⬛")


def group_colour(number: int) -> Colour:
    """Group 1 is blue, 2 green, ...; from the ninth group on the colours come round again
    (the ninth is the second blue group)."""
    return tuple(Colour)[(number - 1) % len(GROUP_MARKS)]


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
    expectation: Expectation  # the step this person was asked for, if any
    blocked: bool


@dataclass(frozen=True, slots=True)
class Member:
    seminar_id: int
    tg_id: int
    role: Role
    language: str
    # An owner is a moderator whom nobody can remove; only they can hand ownership over.
    owner: bool = False


class InviteProblem(StrEnum):
    """Why a co-moderator invitation did not work."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


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
    # The vote card the member has open (its message id) and the note it shows, so the card
    # can be brought up to date when the group's themes change.
    card_message: int | None = None
    card_index: int = 0


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
class DotPage:
    """One page of the dot card, as the store finds it (`Store.dot_card_page`)."""

    themes: list[tuple[Theme, Group | None]]
    total: int  # themes on the whole card
    page: int  # the page shown, kept in range
    listed: bool  # whether the theme asked about is on the card


@dataclass(frozen=True, slots=True)
class Person:
    """Who sent an update, as the flows need it: an id and the client's language."""

    tg_id: int
    language_code: str | None


@dataclass(frozen=True, slots=True)
class PrivateQuestion:
    """A participant's question to their seminar's moderators. Who asked is known only to the
    bot, to send them the answer: `asker` never reaches a moderator's screen."""

    id: int
    seminar_id: int
    asker: int
    text: str
    answer: str | None = None

    @property
    def answered(self) -> bool:
        return self.answer is not None


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


class DeliveryStatus(StrEnum):
    """Where one recipient's broadcast stands."""

    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot
    REFUSED = "refused"  # Telegram refused the message (400): sending it again cannot help


@dataclass(frozen=True, slots=True)
class Delivery:
    broadcast_id: int
    chat_id: int
    language: str
    sent_screens: int


class ScheduleStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"  # claimed; a crash left it running if it still is at the next start
    DONE = "done"
    MISSED = "missed"  # its moment passed with the step it was for
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Schedule:
    id: int
    seminar_id: int
    kind: str
    run_at: datetime
    daily_at: str | None
    created_by: int
    status: ScheduleStatus


@dataclass(frozen=True, slots=True)
class Deadline:
    """When the seminar's current step is scheduled to close, as seen at `now`, told in `zone`."""

    at: datetime
    now: datetime
    zone: str


# A series: the seminars under one title, and what it keeps of them when they are gone.


@dataclass(frozen=True, slots=True)
class Series:
    id: int
    title: str
    language: str


@dataclass(frozen=True, slots=True)
class SeriesTheme:
    """A theme a seminar of the series ended with, as the series keeps it: its name, rank,
    dots and a few quotes, and no person. A joint seminar's themes are its proposals."""

    id: int
    series_id: int
    seminar_id: int | None  # None once the seminar is purged
    kind: SeminarKind
    rank: int
    name: str
    dots: int
    quotes: tuple[str, ...] = ()


class Status(StrEnum):
    """Where the follow-up of a proposal stands."""

    PLANNED = "planned"
    UNDER_WAY = "under_way"
    DONE = "done"
    NOT_POSSIBLE = "not_possible"

    @property
    def final(self) -> bool:
        """Nothing more will come of it: the follow-up of this proposal has ended."""
        return self in (Status.DONE, Status.NOT_POSSIBLE)


# A fixed reason is kept as this mark and its code: a typed reason never holds a control
# character (`flows/clean_text.py` takes them out), so the two cannot be mixed up.
_FIXED_REASON = "\x1f"


class Reason(StrEnum):
    """The fixed reasons the office's chat offers for «not possible» (the page takes any).
    Kept as a code, so each reader (news, page, tables, report) reads it in their language."""

    MONEY = "money"
    RULES = "rules"
    ELSEWHERE = "elsewhere"

    @property
    def kept(self) -> str:
        """The reason as `followups.reason` and `status_changes.reason` keep it."""
        return _FIXED_REASON + self.value

    @staticmethod
    def of(kept: str) -> Reason | None:
        """The fixed reason a kept reason is, or None for the office's own words."""
        if not kept.startswith(_FIXED_REASON):
            return None
        try:
            return Reason(kept[len(_FIXED_REASON) :])
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A proposal a joint seminar chose, the earlier themes it answers, and what the office
    says of it: an owner role (not a person's name unless the office wants one), a status
    with its reason, and a due date."""

    proposal: SeriesTheme
    answers: tuple[SeriesTheme, ...]
    owner: str = ""
    status: Status = Status.PLANNED
    reason: str = ""
    due: date | None = None
