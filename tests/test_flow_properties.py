"""Random sequences of commands, texts, button presses and phase changes against the real flows.

The example-based tests walk the paths people are expected to take. People do not keep to
them: they press old buttons, send the same message twice when the network hiccups, write
before the round opens, type markup and thousands of characters, and a participant may well
try a moderator's command. Whatever they do, five promises of the seminar must hold, because
breaking any of them harms the people the seminar exists for:

1. nothing crashes: every flow answers with a value, its own refusals included;
2. no note is lost or duplicated: what a flow reports as saved, edited, deleted or hidden is
   exactly what the store holds, and a message delivered twice makes one note;
3. no vote counts twice: one vote per voter and note, and dots within the budget and the
   per-theme limit;
4. no identity leaks: nothing a flow returns holds the Telegram id, name or pseudonym of
   anyone but the person it is for, and the tables with notes hold no Telegram id;
5. phases only move forward, one allowed step at a time (the one step back the product
   allows is reopening the answer round before any groups exist).

The state machine below drives the flows in ``bot/flows`` (no Telegram) with a real ``Store``
on a temporary SQLite file, keeps its own model of notes, votes and dots, and compares after
every step. Each example runs in its own event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import sqlite3
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from harness import QUICK_KDF
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from theme_steps import name_theme

from bot.callbacks import Action, Button, CallbackCodec, ForgedButton, StaleButton
from bot.config import Settings
from bot.domain import DotVote, Member, Person, Phase, Schedule, Seminar
from bot.expectations import (
    Awaiting,
    Expectation,
    Expecting,
    NoteToShorten,
    ScheduleDraft,
    SeminarDraft,
    ThemeToPropose,
    ThemeToRename,
)
from bot.flows import answering, closing, joining, plenary, refusals, schedules, setup, team
from bot.flows import groups as groups_flow
from bot.flows import themes as themes_flow
from bot.flows.clean_text import clean_text
from bot.flows.deps import Deps
from bot.flows.expecting import ask_for, expected_text
from bot.flows.personal_data import find_personal_details
from bot.flows.refusals import Refusal
from bot.i18n import LANGUAGES
from bot.keys import Keyring
from bot.render.schedules import SCHEDULE_KINDS
from bot.store import Store

T = TypeVar("T")

LIMIT = 60
SECRET = b"flow-properties-secret-0123456789"
SETTINGS = Settings(
    api_base_url="http://127.0.0.1:1",
    mode="polling",
    database=Path("unused.sqlite3"),
    default_language="nb",
    fallback_language="en",
    timezone="Europe/Oslo",
    note_max_length=LIMIT,
    group_size=3,
    dot_budget=3,
    dot_max_per_theme=2,
    retention_days=180,
    log_level="WARNING",
)

MODERATOR = Person(6_301_234_567, "nb")
PARTICIPANTS = tuple(
    Person(6_401_234_567 + 1_000_003 * i, code)
    for i, code in enumerate(("nb", "nn", "en", "de", None))
)
OUTSIDER = Person(6_501_234_567, "en")
ACTORS = (MODERATOR, *PARTICIPANTS, OUTSIDER)
TG_IDS = frozenset(p.tg_id for p in ACTORS)
# The names people would give as co-moderators: no flow may show them to anyone else.
NAMES = {
    person.tg_id: name
    for person, name in zip(
        ACTORS,
        (
            "Mona Moe",
            "Anna Aasen",
            "Bjørn Berg",
            "Cato Dahl",
            "Dina Eide",
            "Erik Fosse",
            "Fri Gran",
        ),
        strict=True,
    )
}


# From one phase to the next, as the flows move them; the one step back is reopening the answer
# round (setup.open_round from GROUPING), which the product allows only before groups exist.
FORWARD = frozenset(
    {
        (Phase.DRAFT, Phase.ANSWERING),
        (Phase.ANSWERING, Phase.GROUPING),
        (Phase.GROUPING, Phase.VOTING),
        (Phase.VOTING, Phase.PLENARY),
        (Phase.GROUPING, Phase.CLOSED),
        (Phase.VOTING, Phase.CLOSED),
        (Phase.PLENARY, Phase.CLOSED),
    }
)
REOPEN = (Phase.GROUPING, Phase.ANSWERING)
# Moves each phase must refuse.
PREMATURE = {
    Phase.DRAFT: ("close_round", "open_voting", "close_seminar"),
    Phase.ANSWERING: ("open_voting", "open_plenary", "close_seminar"),
    Phase.GROUPING: ("open_plenary", "open_dots", "close_dots"),
    Phase.VOTING: ("open_round", "close_round", "open_dots"),
    Phase.PLENARY: ("open_round", "close_round", "open_voting"),
    Phase.CLOSED: ("open_round", "close_round", "open_voting", "open_plenary", "open_dots"),
}
DOT_ORDER = (DotVote.NOT_STARTED, DotVote.OPEN, DotVote.CLOSED)
# Telegram ids hashed without a key, as a careless design would store them.
UNKEYED = frozenset(
    digest[:length]
    for tg_id in TG_IDS
    for algorithm in ("md5", "sha1", "sha256", "sha512")
    for digest in [hashlib.new(algorithm, str(tg_id).encode()).hexdigest()]
    for length in (16, 32, len(digest))
)


def _no_identity(text: str) -> bool:
    return not any(str(tg_id) in text or name in text for tg_id, name in NAMES.items())


SAMPLE_TEXTS = (
    "Veilederen lyttet til meg",
    "Hun ringte tilbake samme dag",
    "<b>fet</b> & <i>kursiv</i>",
    "a < b && c > d",
    "<script>alert(1)</script>",
    "Tid <3",
    "</i>",
    "<a href='x'>lenke</a>",
    "&amp; &lt;script&gt; &#128512;",
    "",
    "   ",
    "\n\t \u200b",
    "Ring meg på 912 34 567",
    "Skriv til ola.nordmann@nav.no",
    "Tid og ro",
    "  tid OG   ro ",
    "ÆØÅ æøå e\u0301",
    "🟦 1",
    "x" * (LIMIT + 1),
    " " + "y" * LIMIT + " ",
    "z" * 45,
    "14:30",
    "in 30 minutes",
    "om 2 timer",
    "3.3. 14:30",
    "2099-01-01 10:00",
    "25:99",
)
NOTE_TEXTS = ("Jeg ble møtt med respekt", "Fikk god tid", "Ærlige svar", "Hun husket meg")
THEME_NAMES = ("Respekt", "Tid", "respekt ", "Ærlighet")

TEXTS = st.one_of(
    st.sampled_from(SAMPLE_TEXTS),
    st.sampled_from(SAMPLE_TEXTS + THEME_NAMES),
    st.text(max_size=24),
    st.builds(
        lambda piece, times: piece * times,
        st.text(min_size=1, max_size=3),
        st.integers(min_value=15, max_value=120),
    ),
).filter(_no_identity)

ACTOR_PICKS = st.sampled_from((MODERATOR, MODERATOR, *ACTORS))
# How often an update arrives: mostly once, sometimes again (a retry, a double tap).
COPIES = st.sampled_from((1, 1, 1, 2, 3))
PICKS = st.integers(min_value=0, max_value=1000)
LANGUAGE_INDEXES = st.integers(min_value=0, max_value=len(LANGUAGES) - 1)
# An argument of a button: one of the ids the test has seen, a small number, or any id the bot
# could have signed (never a Telegram id, which no flow echoes back).
ARGS = st.one_of(
    st.integers(min_value=0, max_value=59).map(lambda i: ("seen", i)),
    st.integers(min_value=0, max_value=5).map(lambda i: ("raw", i)),
    st.integers(min_value=0, max_value=2**63 - 1)
    .filter(lambda i: i not in TG_IDS)
    .map(lambda i: ("raw", i)),
)
COMMANDS = (
    "/open",
    "/close",
    "/close_dots",
    "/end",
    "/groups",
    "/vote",
    "/plenary",
    "/moderate",
    "/themes",
    "/check",
    "/report",
    "/summary",
    "/notes",
    "/forget",
    "/paper",
    "/done",
    "/announce",
    "/invite",
    "/new",
    "/start",
    "/schedule",
    "/moderators",
    "/seminars",
)
GROUP_ARGS = ("", "all", "4", "deal", "all 3", "99", "0")


@dataclass
class ModelNote:
    seminar_id: int
    owner: int | None  # the writer's Telegram id, or None for a note typed in from paper
    question: int
    text: str
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class Delivered:
    """The note a message made (or edited) when it was first delivered, if any."""

    note_id: int | None


@dataclass(frozen=True, slots=True)
class PhaseState:
    phase: Phase
    dot_vote: DotVote
    grouped: bool
    revealed: bool


def _walk(value: object, path: str = "outcome") -> Iterator[tuple[str, object]]:
    """Every string and number in an outcome, except the addresses of its recipients.

    A Member says whom the bot sends something to: the handlers need it, and it never reaches
    the screen. A schedule's creator is a moderator, whom other moderators may know.
    """
    if value is None or isinstance(value, bool | Member):
        return
    if isinstance(value, str | int):
        yield path, value
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if isinstance(value, Schedule) and field.name == "created_by":
                continue
            yield from _walk(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(key, f"{path}[key]")
            yield from _walk(item, f"{path}[{key!r}]")
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _language(button: Button, position: int) -> int:
    """As the handlers check it before any flow sees it."""
    index = button.arg(position)
    if index >= len(LANGUAGES):
        raise ForgedButton("language out of range")
    return index


def _link_generation(button: Button, position: int) -> int | None:
    """As the handlers read it: a button made before links were counted names none."""
    return button.args[position] if position < len(button.args) else None


class SeminarFlows(RuleBasedStateMachine):
    """A moderator, five participants and an outsider, one seminar (or more, through /new).

    The model holds every note (its writer, text, question, hidden), every sorting vote (voter,
    note, theme) and every dot, updated only from what the flows report or must do; the
    invariants compare it with the store after every step.
    """

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.db_path = Path(self.tmp.name) / "seminar.sqlite3"
        self.runner = asyncio.Runner()
        self.store = self.runner.run(Store.open(self.db_path, SECRET, kdf=QUICK_KDF))
        self.keys = Keyring(SECRET)
        self.deps = Deps(self.store, self.keys, SETTINGS)
        self.codec = CallbackCodec(self.keys)
        self.seminars: list[int] = []
        self.notes: dict[int, ModelNote] = {}
        self.votes: dict[tuple[int, int], int] = {}  # (voter's tg id, note id) -> theme id
        self.dots: dict[tuple[int, int], dict[int, int]] = {}  # (seminar, tg id) -> theme -> n
        self.phases: dict[int, PhaseState] = {}
        self.message_ids = dict.fromkeys(TG_IDS, 0)
        self.sent: dict[tuple[int, int], str] = {}  # (tg id, message id) -> text
        self.delivered: dict[tuple[int, int], Delivered] = {}
        self.last: Callable[[], Coroutine[Any, Any, None]] | None = None
        self.seen_notes: list[int] = []
        self.seen_themes: dict[int, int | None] = {}  # theme id -> group id
        self.seen_groups: list[int] = []
        self.seen_schedules: list[int] = []
        self.codes: list[str] = []
        self.moderator_codes: list[str] = []
        self.packed: list[str] = []
        self.room_done: set[tuple[int, Phase]] = set()  # where the room did its part
        self.reader: sqlite3.Connection | None = None  # the database file, as an outsider reads it

    def teardown(self) -> None:
        if self.reader is not None:
            self.reader.close()
        self.runner.run(self.store.close())
        self.runner.close()
        self.tmp.cleanup()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(work)

    # -- identities ----------------------------------------------------------------------

    def pseudonym(self, seminar_id: int, person: Person) -> str:
        return self.keys.pseudonym(seminar_id, person.tg_id)

    def assert_no_identity(self, outcome: object, viewer: Person | None) -> None:
        """Nothing in an outcome may name anyone but the person it is for."""
        others = [p for p in ACTORS if viewer is None or p.tg_id != viewer.tg_id]
        numbers = {p.tg_id for p in others}
        words = {str(p.tg_id) for p in others} | {NAMES[p.tg_id] for p in others}
        words |= {self.pseudonym(s, p) for s in self.seminars for p in others}
        for path, value in _walk(outcome):
            if isinstance(value, int):
                assert value not in numbers, f"{path} holds a Telegram id: {outcome!r}"
            else:
                assert isinstance(value, str)
                leaked = [w for w in words if w in value]
                assert not leaked, f"{path} names somebody ({leaked}): {outcome!r}"

    async def flow(self, viewer: Person | None, work: Coroutine[Any, Any, T]) -> T:
        """Runs one flow; a refusal it raises is its answer, any other exception fails the test,
        and its answer must not leak."""
        try:
            outcome = await work
        except Refusal as refusal:
            outcome = refusal  # type: ignore[assignment]
        self.assert_no_identity(outcome, viewer)
        if isinstance(outcome, setup.SeminarCreated) and outcome.seminar.id not in self.seminars:
            self.seminars.append(outcome.seminar.id)
        return outcome

    # -- the model -----------------------------------------------------------------------

    def owned(self, seminar_id: int, person: Person) -> set[int]:
        return {
            i
            for i, n in self.notes.items()
            if n.seminar_id == seminar_id and n.owner == person.tg_id
        }

    def saved(self, person: Person, outcome: answering.NoteSaved) -> None:
        note = outcome.note
        known = self.notes.get(note.id)
        if outcome.edited:
            assert known is not None, f"an edit of a note nobody saved: {note!r}"
            assert known.owner == person.tg_id, "an edit reached somebody else's note"
            known.text = note.text
        elif known is not None:
            assert known.owner == person.tg_id, "a saved note belongs to somebody else"
            assert known.text == note.text, (known, note)
        else:
            self.notes[note.id] = ModelNote(note.seminar_id, person.tg_id, note.question, note.text)

    def removed(self, note_ids: set[int]) -> None:
        for note_id in note_ids:
            del self.notes[note_id]
        self.votes = {k: v for k, v in self.votes.items() if k[1] in self.notes}

    def forgotten(self, seminar_id: int, person: Person) -> None:
        self.removed(self.owned(seminar_id, person))
        self.votes = {
            (tg, n): theme
            for (tg, n), theme in self.votes.items()
            if not (tg == person.tg_id and self.notes[n].seminar_id == seminar_id)
        }
        self.dots.pop((seminar_id, person.tg_id), None)

    def merged(self, source: int, target: int) -> None:
        self.votes = {k: target if v == source else v for k, v in self.votes.items()}
        for mine in self.dots.values():
            if source in mine:
                mine[target] = mine.get(target, 0) + mine.pop(source)

    # -- helpers over the store ----------------------------------------------------------

    async def writers(self, seminar_id: int) -> list[Person]:
        return [
            p
            for p in ACTORS
            if await self.store.writer(seminar_id, self.pseudonym(seminar_id, p)) is not None
        ]

    async def joined(self, *, seated: bool = False) -> list[Person]:
        """People who have a writer in the seminar they are active in (and a group)."""
        found = []
        for person in ACTORS:
            seminar = await self.deps.active_seminar(person)
            if seminar is None:
                continue
            writer = await self.store.writer(seminar.id, self.pseudonym(seminar.id, person))
            if writer is not None and (writer.group_id is not None or not seated):
                found.append(person)
        return found

    async def all_note_ids(self) -> set[int]:
        found: set[int] = set()
        for seminar_id in self.seminars:
            found |= {n.id for n in await self.store.seminar_notes(seminar_id)}
        return found

    def pick(self, items: list[int], index: int) -> int:
        return items[index % len(items)] if items else index

    def resolve(self, args: list[tuple[str, int]]) -> tuple[int, ...]:
        pool = sorted(
            {
                *self.seminars,
                *self.seen_notes,
                *self.seen_themes,
                *self.seen_groups,
                *self.seen_schedules,
            }
        )
        return tuple(self.pick(pool, i) if kind == "seen" else i for kind, i in args)

    # -- what people do ------------------------------------------------------------------

    async def setup_seminar(
        self, title: str, language: int, questions: list[str] | None
    ) -> Seminar:
        await self.flow(MODERATOR, setup.start(self.deps, MODERATOR))
        asked = await self.flow(
            MODERATOR,
            setup.receive_text(
                self.deps, MODERATOR, Expectation(Expecting.TITLE, SeminarDraft()), title
            ),
        )
        if isinstance(asked, setup.InvalidSetupText):
            await self.flow(
                MODERATOR,
                setup.receive_text(
                    self.deps, MODERATOR, Expectation(Expecting.TITLE, SeminarDraft()), "Gode møter"
                ),
            )
        await self.press(MODERATOR, Button(Action.SETUP_LANGUAGE, (language,)))
        if questions is None:
            await self.press(MODERATOR, Button(Action.SETUP_DEFAULT_QUESTIONS))
        else:
            await self.press(MODERATOR, Button(Action.SETUP_CUSTOM_QUESTIONS))
            for question in questions:
                await self.deliver(MODERATOR, question, self.next_message(MODERATOR))
            await self.press(MODERATOR, Button(Action.SETUP_QUESTIONS_DONE))
            await self.deliver(MODERATOR, "Hva hjalp?", self.next_message(MODERATOR))
            await self.press(MODERATOR, Button(Action.SETUP_QUESTIONS_DONE))
        seminar = await self.deps.active_seminar(MODERATOR)
        assert seminar is not None
        assert seminar.id in self.seminars
        return seminar

    def next_message(self, person: Person) -> int:
        self.message_ids[person.tg_id] += 1
        return self.message_ids[person.tg_id]

    async def join(self, person: Person, code: str, language: int) -> None:
        current = {s.invite_code for s in [await self.store.seminar(i) for i in self.seminars] if s}
        welcome = await self.flow(person, joining.open_invite(self.deps, person, code, language))
        if code not in current:
            assert isinstance(welcome, joining.InvalidInvite), "an old or false link still works"
            return
        assert not isinstance(welcome, joining.InvalidInvite)
        link = welcome.seminar.invite_generation
        await self.press(person, Button(Action.CONSENT, (welcome.seminar.id, language, link)))

    async def deliver(self, person: Person, text: str, message_id: int) -> None:
        """A private text message, routed as the bot routes it."""
        self.sent.setdefault((person.tg_id, message_id), text)
        expectation = await expected_text(self.deps, person)
        match expectation.kind:
            case kind if kind in setup.SETUP_STEPS:
                await self.flow(person, setup.receive_text(self.deps, person, expectation, text))
            case Expecting.PAPER_NOTES:
                await self.paper(person, text)
            case Expecting.SCHEDULE_TIME:
                assert isinstance(expectation.draft, ScheduleDraft)
                when = schedules.receive_when(self.deps, person, expectation.draft, text)
                await self.flow(person, when)
            case Expecting.RENAME_THEME | Expecting.SHORTEN_NOTE | Expecting.PRESET_THEMES:
                await self.moderator_text(person, expectation, text)
            case Expecting.READ_BACK:
                await self.flow(person, closing.read_back_note(self.deps, person, text))
            case Expecting.THEME:
                assert isinstance(expectation.draft, ThemeToPropose)
                proposed = themes_flow.propose_theme(self.deps, person, expectation.draft, text)
                await self.flow(person, proposed)
            case _:
                await self.note_text(person, text, message_id)

    async def note_text(self, person: Person, text: str, message_id: int) -> None:
        """answering.receive_text, with what it must do predicted from the state before."""
        key = (person.tg_id, message_id)
        seminar = await self.deps.active_seminar(person)
        writer = (
            await self.store.writer(seminar.id, self.pseudonym(seminar.id, person))
            if seminar
            else None
        )
        before = self.owned(seminar.id, person) if seminar else set()
        earlier = self.delivered.get(key)
        first = key not in self.delivered
        outcome = await self.flow(
            person, answering.receive_text(self.deps, person, text, person.tg_id, message_id)
        )
        if isinstance(outcome, answering.NoteSaved):
            self.saved(person, outcome)
        if seminar is None or writer is None:
            assert isinstance(outcome, answering.NotJoined), outcome
        elif seminar.phase is not Phase.ANSWERING:
            assert isinstance(outcome, answering.RoundNotOpen), outcome
        elif first and writer.awaiting is Awaiting.NOTE:
            cleaned = clean_text(text)
            if not cleaned:
                assert isinstance(outcome, answering.EmptyNote), outcome
            elif len(cleaned) > LIMIT:
                assert isinstance(outcome, answering.NoteTooLong), outcome
            elif find_personal_details(cleaned):
                assert isinstance(outcome, answering.PersonalDataFound), outcome
            else:
                assert isinstance(outcome, answering.NoteSaved), f"a note was lost: {outcome!r}"
                assert not outcome.edited
                assert outcome.note.id not in before
                assert outcome.note.text == cleaned
        if seminar is not None and earlier is not None and earlier.note_id in self.notes:
            assert self.owned(seminar.id, person) <= before, "a redelivered message made a note"
        if earlier is None or earlier.note_id is None:
            saved = outcome if isinstance(outcome, answering.NoteSaved) else None
            self.delivered[key] = Delivered(saved.note.id if saved else None)

    async def edit_message(self, person: Person, message_id: int, text: str) -> None:
        """The writer edits a message they sent, in Telegram."""
        outcome = await self.flow(
            person, answering.receive_edit(self.deps, person, text, person.tg_id, message_id)
        )
        if isinstance(outcome, answering.NoteSaved):
            assert outcome.edited
            self.saved(person, outcome)

    async def paper(self, person: Person, text: str) -> None:
        outcome = await self.paper_saved(person, team.paper_note(self.deps, person, text))
        if isinstance(outcome, team.PaperSaved):
            assert outcome.text == clean_text(text)

    async def paper_saved(self, person: Person, work: Coroutine[Any, Any, T]) -> T:
        """A paper note typed in, or a held one kept: stored once, or not at all."""
        before = await self.all_note_ids()
        outcome = await self.flow(person, work)
        new = await self.all_note_ids() - before
        if isinstance(outcome, team.PaperSaved):
            assert len(new) == 1, f"a paper note was saved {len(new)} times"
            (note_id,) = new
            found = await self.store.note(note_id)
            assert found is not None
            note = found[0]
            assert note.paper
            assert note.text == outcome.text
            self.notes[note_id] = ModelNote(note.seminar_id, None, note.question, note.text)
        else:
            assert not new, "a refused paper note was stored"
        return outcome

    async def moderator_text(self, person: Person, expectation: Expectation, text: str) -> None:
        draft = expectation.draft
        if isinstance(draft, ThemeToRename):
            renamed = await self.flow(
                person, themes_flow.rename_theme(self.deps, person, draft.theme, text)
            )
            if not isinstance(renamed, themes_flow.InvalidThemeName):
                await ask_for(self.deps, person, Expectation(Expecting.NOTHING))
        elif isinstance(draft, NoteToShorten):
            shortened = await self.flow(
                person, groups_flow.shorten(self.deps, person, draft.note, text)
            )
            if isinstance(shortened, groups_flow.NoteShortened):
                self.notes[shortened.note.id].text = shortened.note.text
        else:
            await self.flow(person, themes_flow.preset_theme(self.deps, person, text))

    async def close(self, person: Person, seminar_id: int | None) -> None:
        """/close as the handler runs it: the answer round."""
        await self.flow(person, setup.close_round(self.deps, person, seminar_id))

    async def vote(self, person: Person, note_id: int, theme_id: int, index: int) -> None:
        """themes_flow.cast_vote, with whether it must count predicted from the state before."""
        expected = None
        seminar = await self.deps.active_seminar(person)
        if seminar is not None and seminar.phase is Phase.VOTING:
            writer = await self.store.writer(seminar.id, self.pseudonym(seminar.id, person))
            groups = {g.id for g in await self.store.groups(seminar.id)}
            note = await self.store.note(note_id)
            theme = await self.store.theme(theme_id)
            if (
                writer is not None
                and writer.group_id in groups
                and note is not None
                and note[0].group_id == writer.group_id
                and not note[0].hidden
                and theme is not None
                and theme[0].group_id == writer.group_id
                and theme[1] is None
            ):
                expected = theme_id
        outcome = await self.flow(
            person, themes_flow.cast_vote(self.deps, person, note_id, theme_id, index)
        )
        if expected is not None:
            assert isinstance(outcome, groups_flow.VoteCard), outcome
            self.votes[(person.tg_id, note_id)] = expected
        if isinstance(outcome, groups_flow.VoteCard) and outcome.note is not None:
            assert outcome.choice == self.votes.get((person.tg_id, outcome.note.id))

    async def dot(self, person: Person, seminar_id: int, theme_id: int, change: int) -> None:
        """plenary.change_dots, with whether it must count predicted from the state before."""
        mine = self.dots.setdefault((seminar_id, person.tg_id), {})
        counts = False
        seminar = await self.store.seminar(seminar_id)
        if seminar is not None and seminar.dot_vote is DotVote.OPEN:
            pseudonym = self.pseudonym(seminar_id, person)
            live = {
                theme.id
                for result in await plenary.results(self.deps, seminar)
                for theme, _ in result.themes
            }
            now = mine.get(theme_id, 0)
            counts = (
                await self.store.writer(seminar_id, pseudonym) is not None
                and theme_id in live
                and (
                    now > 0
                    if change < 0
                    else sum(mine.values()) < seminar.dot_budget and now < seminar.dot_max_per_theme
                )
            )
        outcome = await self.flow(
            person, plenary.change_dots(self.deps, person, seminar_id, theme_id, change)
        )
        if counts:
            assert isinstance(outcome, plenary.DotCard), outcome
            assert outcome.refused is None, outcome
            mine[theme_id] = mine.get(theme_id, 0) + change
            if not mine[theme_id]:
                del mine[theme_id]
        if isinstance(outcome, plenary.DotCard):
            assert outcome.mine == mine, (outcome.mine, mine)
            assert outcome.left >= 0

    async def command(self, person: Person, name: str, argument: str) -> None:
        """A command, calling the flows its handler calls."""
        d = self.deps
        match name:
            case "/open":
                with suppress(Refusal):
                    await self.flow(person, setup.open_round(d, person))
            case "/close":
                await self.close(person, None)
            case "/close_dots":
                await self.flow(person, plenary.close_dots(d, person))
            case "/end":
                await self.flow(person, closing.may_end(d, person))
            case "/groups":
                words = argument.split()
                await self.flow(
                    person,
                    groups_flow.form_groups(
                        d,
                        person,
                        everyone="all" in words,
                        size=next((int(w) for w in words if w.isdecimal()), None),
                        deal="deal" in words,
                    ),
                )
            case "/vote":
                await self.flow(person, themes_flow.open_voting(d, person))
            case "/plenary":
                await self.flow(person, plenary.open_plenary(d, person))
            case "/moderate":
                await self.flow(person, themes_flow.next_to_settle(d, person))
            case "/themes":
                await self.flow(person, themes_flow.group_themes(d, person))
            case "/check":
                await self.flow(person, closing.start_read_back(d, person))
            case "/report":
                seminar = await self.flow(person, closing.reportable(d, person))
                if isinstance(seminar, Seminar):
                    await self.flow(None, closing.report_data(d, seminar, "phase"))
                    await self.flow(None, schedules.summary(d, seminar))
            case "/summary":
                active = await d.active_seminar(person)
                if active and await self.store.membership(active.id, person.tg_id):
                    await self.flow(None, schedules.summary(d, active))
                    await self.flow(None, schedules.reminder_recipients(d, active))
            case "/notes":
                await self.flow(person, answering.my_notes(d, person))
            case "/forget":
                with suppress(Refusal):
                    await self.flow(person, joining.forget_target(d, person))
            case "/paper":
                await self.flow(person, team.start_paper_notes(d, person))
            case "/done":
                await self.flow(person, team.stop_paper_notes(d, person))
            case "/announce":
                await self.flow(person, team.announce(d, person, argument))
            case "/invite":
                with suppress(Refusal):
                    await self.flow(person, setup.invite(d, person))
            case "/new":
                await self.flow(person, setup.start(d, person))
            case "/start":
                await self.flow(person, answering.current_prompt(d, person))
            case "/schedule":
                listed = await self.flow(person, schedules.listing(d, person))
                if isinstance(listed, schedules.ScheduleList):
                    self.seen_schedules += [s.id for s in listed.schedules]
            case "/moderators":
                # Moderators see each other's names and ids: not checked for identities.
                with suppress(Refusal):
                    await team.co_moderators(d, person)
            case "/seminars":
                await self.flow(person, team.my_seminars(d, person))
            case _:
                raise AssertionError(name)

    async def press(self, person: Person, button: Button) -> None:
        """A button: packed and unpacked as on the wire, then routed as the bot routes it."""
        data = self.codec.pack(button)
        self.packed.append(data)
        assert self.codec.unpack(data) == button
        # Arguments out of range: the bot answers with a notice and changes nothing.
        with suppress(ForgedButton):
            await self.route(person, button)

    async def route(self, person: Person, b: Button) -> None:
        d, p = self.deps, person
        match b.action:
            case Action.WELCOME_LANGUAGE | Action.WELCOME_DETAILS:
                link = _link_generation(b, 2)
                with suppress(Refusal):
                    await self.flow(
                        p, joining.rewelcome(d, p, b.arg(0), _language(b, 1), link_generation=link)
                    )
            case Action.DECLINE:
                link = _link_generation(b, 1)
                with suppress(Refusal):
                    await self.flow(p, joining.decline(d, p, b.arg(0), link_generation=link))
            case Action.CONSENT:
                link = _link_generation(b, 2)
                joined = None
                with suppress(Refusal):
                    joined = await self.flow(
                        p, joining.consent(d, p, b.arg(0), _language(b, 1), link_generation=link)
                    )
                if isinstance(joined, joining.Joined):
                    group = await self.flow(
                        p, groups_flow.seat_late_joiner(d, joined.seminar, p.tg_id)
                    )
                    if group is not None:
                        await self.flow(p, groups_flow.catch_up(d, joined.seminar, p.tg_id, group))
            case Action.SET_LANGUAGE:
                await self.flow(p, joining.set_language(d, p, _language(b, 0)))
            case Action.NEXT_QUESTION:
                await self.flow(p, answering.go_to_question(d, p, b.arg(0), b.arg(1)))
            case Action.DONE:
                await self.flow(p, answering.finish(d, p, b.arg(0)))
            case Action.EDIT_NOTE:
                await self.flow(p, answering.start_edit(d, p, b.arg(0)))
            case Action.DELETE_NOTE:
                deleted = await self.flow(p, answering.delete_note(d, p, b.arg(0)))
                if isinstance(deleted, answering.NoteDeleted):
                    assert self.notes[b.arg(0)].owner == p.tg_id
                    self.removed({b.arg(0)})
            case Action.KEEP_DRAFT:
                kept = await self.flow(p, answering.keep_draft(d, p, b.arg(0)))
                if isinstance(kept, answering.NoteSaved):
                    self.saved(p, kept)
            case Action.DROP_DRAFT:
                await self.flow(p, answering.drop_draft(d, p, b.arg(0)))
            case Action.CANCEL_EDIT:
                await self.flow(p, answering.cancel_edit(d, p, b.arg(0)))
            case Action.FORGET:
                forgotten = None
                with suppress(Refusal):
                    forgotten = await self.flow(p, joining.confirm_forget(d, p, b.arg(0)))
                if isinstance(forgotten, joining.Forgotten):
                    self.forgotten(forgotten.seminar.id, p)
            case Action.SETUP_LANGUAGE:
                await self.flow(p, setup.choose_language(d, p, _language(b, 0)))
            case Action.SETUP_DEFAULT_QUESTIONS:
                await self.flow(p, setup.use_default_questions(d, p))
            case Action.SETUP_CUSTOM_QUESTIONS:
                await self.flow(p, setup.write_own_questions(d, p))
            case Action.SETUP_QUESTIONS_DONE:
                await self.flow(p, setup.questions_done(d, p))
            case Action.SETUP_CANCEL:
                await self.flow(p, setup.cancel(d, p))
            case Action.NEW_INVITE:
                with suppress(Refusal):
                    await self.flow(p, setup.invite(d, p, renew_for=b.arg(0)))
            case Action.OPEN_ROUND:
                with suppress(Refusal):
                    await self.flow(p, setup.open_round(d, p, b.arg(0)))
            case Action.CLOSE_ROUND:
                await self.close(p, b.arg(0))
            case Action.HIDE_ASK:
                await self.flow(p, answering.ask_hide(d, p, b.arg(0)))
            case Action.HIDE_CONFIRM:
                hidden = await self.flow(p, answering.hide(d, p, b.arg(0)))
                if isinstance(hidden, answering.NoteHidden):
                    known = self.notes[hidden.note.id]
                    assert known.hidden == hidden.already, "hiding twice changed something"
                    known.hidden = True
            case Action.FORM_GROUPS:
                await self.flow(p, groups_flow.form_groups(d, p, everyone=bool(b.arg(1))))
            case Action.PAPER_TO_GROUP:
                await self.flow(p, groups_flow.place_paper_notes(d, p, b.arg(0)))
            case Action.REVIEW:
                await self.flow(p, groups_flow.review(d, p, b.arg(0), b.arg(1)))
            case Action.REVIEW_SHORTEN:
                await self.flow(p, groups_flow.ask_shorten(d, p, b.arg(0)))
            case Action.SHOW_NOTES:
                await self.flow(p, groups_flow.show_notes(d, p, b.arg(0)))
            case Action.OPEN_VOTING:
                await self.flow(p, themes_flow.open_voting(d, p, b.arg(0)))
            case Action.VOTE:
                await self.vote(p, b.arg(0), b.arg(1), b.arg(2))
            case Action.VOTE_CARD:
                await self.flow(p, themes_flow.vote_card(d, p, b.arg(0), b.arg(1)))
            case Action.SETTLE:
                await self.flow(p, themes_flow.settle(d, p, b.arg(0), b.arg(1) or None))
            case Action.THEME_RENAME:
                await self.flow(p, themes_flow.ask_rename(d, p, b.arg(0)))
            case Action.THEME_MERGE_ASK:
                await self.flow(p, themes_flow.merge_candidates(d, p, b.arg(0)))
            case Action.THEME_MERGE:
                merged = await self.flow(p, themes_flow.merge_themes(d, p, b.arg(0), b.arg(1)))
                if isinstance(merged, themes_flow.ThemesMerged):
                    self.merged(merged.source.id, merged.target.id)
            case Action.PRESET_THEMES:
                await self.flow(p, themes_flow.ask_preset(d, p, b.arg(0)))
            case Action.OPEN_PLENARY:
                await self.flow(p, plenary.open_plenary(d, p, b.arg(0)))
            case Action.OPEN_DOTS:
                await self.flow(p, plenary.open_dots(d, p, b.arg(0)))
            case Action.DOT:
                await self.dot(p, b.arg(0), b.arg(1), 1 if b.arg(2) else -1)
            case Action.CLOSE_DOTS:
                await self.flow(p, plenary.close_dots(d, p, b.arg(0)))
            case Action.INVITE_MODERATOR:
                made = await self.flow(p, team.create_moderator_invite(d, p, b.arg(0)))
                if isinstance(made, team.ModeratorInvite):
                    self.moderator_codes.append(made.code)
            case Action.REMOVE_MODERATOR:
                await self.flow(p, team.remove_co_moderator(d, p, b.arg(0), b.arg(1)))
            case Action.OWNERSHIP_ASK:
                # Moderators see each other's names and ids: not checked for identities.
                with suppress(Refusal):
                    await team.offer_ownership(d, p, b.arg(0), b.arg(1))
            case Action.OWNERSHIP_GIVE:
                # The outcome names the new owner, who is told: not checked for identities.
                with suppress(Refusal):
                    await team.hand_over_ownership(d, p, b.arg(0), b.arg(1))
            case Action.SWITCH_SEMINAR:
                await self.flow(p, team.switch_seminar(d, p, b.arg(0)))
            case Action.PAPER_QUESTION:
                await self.flow(p, team.start_paper_notes(d, p, b.arg(0)))
            case Action.PAPER_DONE:
                await self.flow(p, team.stop_paper_notes(d, p))
            case Action.SCHEDULE_ASK:
                if b.arg(0) >= len(SCHEDULE_KINDS):
                    raise ForgedButton("unknown schedule kind")
                kind = schedules.Kind(SCHEDULE_KINDS[b.arg(0)])
                if kind is not schedules.Kind.REMIND:
                    await self.flow(p, schedules.ask(d, p, kind))
            case Action.SCHEDULE_REMIND:
                if b.arg(0) not in schedules.REMINDER_OFFSETS:
                    raise ForgedButton("unknown reminder offset")
                await self.flow(p, schedules.add_reminder(d, p, b.arg(0)))
            case Action.SCHEDULE_CANCEL:
                await self.flow(p, schedules.cancel(d, p, b.arg(0)))
            case Action.SUMMARIES_TOGGLE:
                await self.flow(p, schedules.toggle_summaries(d, p))
            case Action.READBACK_RECOGNISED | Action.READBACK_MISSING:
                recognised = b.action is Action.READBACK_RECOGNISED
                await self.flow(p, closing.answer_read_back(d, p, b.arg(0), recognised))
            case Action.CLOSE_SEMINAR:
                await self.flow(p, closing.close_seminar(d, p, b.arg(0)))
            case Action.KEEP_PAPER_NOTE:
                await self.paper_saved(p, team.keep_paper_note(d, p, b.arg(0)))
            case Action.DROP_PAPER_NOTE:
                await self.paper_saved(p, team.drop_paper_note(d, p, b.arg(0)))
            case Action.THEME_NEW:
                await self.flow(p, themes_flow.ask_theme(d, p, b.arg(0), b.arg(1)))
            case Action.THEME_NEW_CANCEL:
                await self.flow(p, themes_flow.cancel_theme(d, p))
            case Action.KEEP_THEME:
                await self.flow(p, themes_flow.keep_theme(d, p, b.arg(0)))
            case Action.DROP_THEME:
                await self.flow(p, themes_flow.drop_theme(d, p, b.arg(0)))
            case Action.KEEP_READBACK:
                await self.flow(p, closing.keep_read_back(d, p, b.arg(0)))
            case Action.DROP_READBACK:
                await self.flow(p, closing.drop_read_back(d, p, b.arg(0)))
            case Action.OPEN_WITH_PREVIOUS:
                with suppress(Refusal):
                    await self.flow(p, setup.open_with_previous(d, p, b.arg(0), b.arg(1)))
            case Action.FORGET_CANCEL | Action.HIDE_CANCEL | Action.OWNERSHIP_KEEP:
                pass  # these only change the message they are on

    async def advance(self) -> None:
        """The moderator takes the seminar one step further, with the room doing its part."""
        seminar = await self.deps.active_seminar(MODERATOR)
        if seminar is None:
            return
        writers = await self.writers(seminar.id)
        if not [p for p in writers if p is not MODERATOR] and seminar.phase is not Phase.CLOSED:
            await self.join(PARTICIPANTS[0], seminar.invite_code, 2)
            writers = await self.writers(seminar.id)
        sid = seminar.id
        # First a move that is out of order here, as a hurried moderator might try.
        for move in PREMATURE[seminar.phase]:
            await self.phase_move(MODERATOR, move)
        await self.check_phases()
        match seminar.phase:
            case Phase.DRAFT:
                await self.command(MODERATOR, "/open", "")
            case Phase.ANSWERING if (sid, Phase.ANSWERING) not in self.room_done:
                self.room_done.add((sid, Phase.ANSWERING))
                for i, person in enumerate(writers):
                    message_id = self.next_message(person)
                    for _ in range(2 if i == 1 else 1):  # one arrives again after a crash
                        await self.deliver(person, NOTE_TEXTS[i % 4], message_id)
                await self.room_answers(sid, writers)
            case Phase.ANSWERING:
                await self.command(MODERATOR, "/close", "")
            case Phase.GROUPING if not await self.store.groups(sid):
                await self.press(MODERATOR, Button(Action.FORM_GROUPS, (sid, 1)))
                for group in (await self.store.groups(sid))[-1:]:
                    await self.press(MODERATOR, Button(Action.PAPER_TO_GROUP, (group.id,)))
            case Phase.GROUPING if not seminar.notes_revealed:
                await self.press(MODERATOR, Button(Action.SHOW_NOTES, (sid,)))
            case Phase.GROUPING if (sid, Phase.GROUPING) not in self.room_done:
                self.room_done.add((sid, Phase.GROUPING))
                for i, person in enumerate(writers):
                    # Each name follows a press on «New theme».
                    await self.press(person, Button(Action.THEME_NEW, (sid, 0)))
                    await self.deliver(person, THEME_NAMES[i % 4], self.next_message(person))
                    if i < 2:  # a theme name with a detail, kept by one and dropped by one
                        await self.press(person, Button(Action.THEME_NEW, (sid, 0)))
                        await self.deliver(person, "Per 912 34 567", self.next_message(person))
                        keep = Action.KEEP_THEME if i else Action.DROP_THEME
                        await self.press(person, Button(keep, (sid,)))
            case Phase.GROUPING:
                await self.command(MODERATOR, "/vote", "")
            case Phase.VOTING if (sid, Phase.VOTING) not in self.room_done:
                self.room_done.add((sid, Phase.VOTING))
                await self.room_votes(sid, writers)
            case Phase.VOTING:
                await self.moderator_tidies_up(sid)
                await self.command(MODERATOR, "/plenary", "")
            case Phase.PLENARY if seminar.dot_vote is DotVote.NOT_STARTED:
                await self.press(MODERATOR, Button(Action.OPEN_DOTS, (sid,)))
            case Phase.PLENARY if seminar.dot_vote is DotVote.OPEN and not any(
                self.dots.get((sid, p.tg_id)) for p in writers
            ):
                themes = await self.dot_themes(seminar)
                for i, person in enumerate(writers):
                    for theme_id in (themes * 3)[i : i + 3]:
                        await self.press(person, Button(Action.DOT, (sid, theme_id, 1)))
            case Phase.PLENARY if seminar.dot_vote is DotVote.OPEN:
                await self.command(MODERATOR, "/close_dots", "")
            case Phase.PLENARY:
                await self.read_back(sid, writers)
                await self.press(MODERATOR, Button(Action.CLOSE_SEMINAR, (sid,)))
            case Phase.CLOSED if (sid, Phase.CLOSED) not in self.room_done:
                self.room_done.add((sid, Phase.CLOSED))
                await self.command(MODERATOR, "/report", "")
            case Phase.CLOSED:
                pass
        await self.check_phases()

    async def room_answers(self, seminar_id: int, writers: list[Person]) -> None:
        """What a room does while answering: personal details kept or dropped, an edit, a
        deletion, a note typed in from paper, and a moderator hiding a note."""
        for i, person in enumerate(writers):
            mine = sorted(self.owned(seminar_id, person))
            match i % 5:
                case 4 if mine:
                    sent = max(m for tg, m in self.sent if tg == person.tg_id)
                    await self.edit_message(person, sent, "Rettet i Telegram")
                case 0:
                    await self.deliver(person, "Ring 912 34 567", self.next_message(person))
                    keep = Action.KEEP_DRAFT if len(mine) % 2 else Action.DROP_DRAFT
                    await self.press(person, Button(keep, (seminar_id,)))
                case 1 if mine:
                    await self.press(person, Button(Action.EDIT_NOTE, (mine[0],)))
                    message_id = self.next_message(person)
                    for _ in range(2):  # the second time after a crash
                        await self.deliver(person, "Endret: god hjelp", message_id)
                case 2 if mine:
                    await self.press(person, Button(Action.DELETE_NOTE, (mine[-1],)))
                case 3 if mine:
                    await self.press(MODERATOR, Button(Action.HIDE_CONFIRM, (mine[0],)))
        await self.command(MODERATOR, "/paper", "")
        await self.deliver(MODERATOR, "Skrevet på papir", self.next_message(MODERATOR))
        for keep in (Action.DROP_PAPER_NOTE, Action.KEEP_PAPER_NOTE):
            await self.deliver(MODERATOR, "Ring 912 34 567", self.next_message(MODERATOR))
            await self.press(MODERATOR, Button(keep, (seminar_id,)))
        await self.command(MODERATOR, "/done", "")

    async def room_votes(self, seminar_id: int, writers: list[Person]) -> None:
        """Everyone sorts a note; one taps twice, one changes their mind, one leaves."""
        for i, person in enumerate(writers):
            card = await self.flow(person, themes_flow.vote_card(self.deps, person, seminar_id, 0))
            if isinstance(card, groups_flow.VoteCard) and card.note and card.themes:
                choices = [t.id for t in card.themes]
                choices = choices[:1] * 2 if i == 0 else choices[:2] if i == 1 else choices[:1]
                for theme_id in choices:
                    await self.press(person, Button(Action.VOTE, (card.note.id, theme_id, 0)))
            if i == 3:
                await self.press(person, Button(Action.FORGET, (seminar_id,)))

    async def read_back(self, seminar_id: int, writers: list[Person]) -> None:
        """The themes read back: some recognise them, one says what is missing; a report."""
        await self.command(MODERATOR, "/check", "")
        for i, person in enumerate(writers):
            answer = Action.READBACK_MISSING if i % 2 else Action.READBACK_RECOGNISED
            await self.press(person, Button(answer, (seminar_id,)))
            if i % 2:
                await self.deliver(person, "Ventetiden, ring 912 34 567", self.next_message(person))
                keep = Action.KEEP_READBACK if i % 4 == 1 else Action.DROP_READBACK
                await self.press(person, Button(keep, (seminar_id,)))
                await self.deliver(person, "Ventetiden", self.next_message(person))
        await self.command(PARTICIPANTS[0], "/summary", "")
        await self.command(MODERATOR, "/report", "")

    async def moderator_tidies_up(self, seminar_id: int) -> None:
        """Before the plenary: two themes of a group merged, and one open note settled."""
        for group in await self.store.groups(seminar_id):
            themes = await self.store.themes(seminar_id, group.id)
            if len(themes) > 1:
                merge = (themes[1].id, themes[0].id)
                await self.press(MODERATOR, Button(Action.THEME_MERGE, merge))
                break
        card = await self.flow(MODERATOR, themes_flow.next_to_settle(self.deps, MODERATOR))
        if isinstance(card, themes_flow.SettleCard) and card.note is not None:
            theme_id = card.themes[0].id if card.themes else 0
            await self.press(MODERATOR, Button(Action.SETTLE, (card.note.id, theme_id)))

    async def dot_themes(self, seminar: Seminar) -> list[int]:
        results = await plenary.results(self.deps, seminar)
        return [theme.id for result in results for theme, _ in result.themes]

    def act(self, work: Callable[[], Coroutine[Any, Any, None]], copies: int) -> None:
        """Runs an action as often as it arrives, and keeps it to deliver again later."""
        self.last = work
        for _ in range(copies):
            self.run(work())

    # -- rules ---------------------------------------------------------------------------

    @initialize(
        title=TEXTS,
        language=LANGUAGE_INDEXES,
        questions=st.none() | st.lists(TEXTS, max_size=6),
        joiners=st.integers(min_value=0, max_value=len(PARTICIPANTS)),
        co_moderator=st.booleans(),
        stage=st.integers(min_value=0, max_value=14) | st.sampled_from((1, 2, 5, 6, 7, 8, 11)),
    )
    def create_seminar(
        self,
        title: str,
        language: int,
        questions: list[str] | None,
        joiners: int,
        co_moderator: bool,
        stage: int,
    ) -> None:
        """A seminar made through /new, people who joined, perhaps a co-moderator (who gives
        a name), and a few steps already taken."""

        async def prepare() -> None:
            seminar = await self.setup_seminar(title, language, questions)
            await self.check_phases()
            for i, person in enumerate(PARTICIPANTS[:joiners]):
                await self.join(person, seminar.invite_code, i % len(LANGUAGES))
            if co_moderator:
                await self.press(MODERATOR, Button(Action.INVITE_MODERATOR, (seminar.id,)))
                await self.redeem(PARTICIPANTS[-1], self.moderator_codes[-1])
            for _ in range(stage):
                await self.advance()

        self.run(prepare())

    @rule(
        copies=COPIES,
        person=ACTOR_PICKS,
        pick=PICKS,
        language=LANGUAGE_INDEXES,
        junk=st.none() | TEXTS,
    )
    def join_with_a_link(
        self, copies: int, person: Person, pick: int, language: int, junk: str | None
    ) -> None:
        """Current, renewed-away, or made-up invite codes."""
        code = (
            junk if junk is not None else self.codes[pick % len(self.codes)] if self.codes else ""
        )
        self.act(lambda: self.join(person, code, language), copies)

    @rule(copies=COPIES, person=ACTOR_PICKS, text=TEXTS)
    def send_a_message(self, copies: int, person: Person, text: str) -> None:
        message_id = self.next_message(person)
        self.act(lambda: self.deliver(person, text, message_id), copies)

    @rule(copies=COPIES, pick=PICKS, text=TEXTS)
    def somebody_who_joined_writes(self, copies: int, pick: int, text: str) -> None:
        """A note, a theme name, or what the read-back missed, depending on the phase."""
        joined = self.run(self.joined())
        person = joined[pick % len(joined)] if joined else OUTSIDER
        message_id = self.next_message(person)
        self.act(lambda: self.deliver(person, text, message_id), copies)

    @rule(copies=COPIES, pick=PICKS, text=TEXTS)
    def somebody_in_a_group_writes(self, copies: int, pick: int, text: str) -> None:
        """In the group work a message proposes a theme; before and after it, it does not."""
        seated = self.run(self.joined(seated=True))
        person = seated[pick % len(seated)] if seated else OUTSIDER
        message_id = self.next_message(person)
        self.act(lambda: self.deliver(person, text, message_id), copies)

    @rule(copies=COPIES, person=ACTOR_PICKS, text=TEXTS)
    def send_a_note_whatever_the_state(self, copies: int, person: Person, text: str) -> None:
        """answering.receive_text directly, as if every other step had let it through."""
        message_id = self.next_message(person)
        self.sent[(person.tg_id, message_id)] = text
        self.act(lambda: self.note_text(person, text, message_id), copies)

    @rule(times=st.integers(min_value=1, max_value=3))
    def deliver_the_last_action_again(self, times: int) -> None:
        """Telegram delivers an update again, or a person presses the same button again."""
        if self.last is not None:
            for _ in range(times):
                self.run(self.last())

    @rule(copies=COPIES, person=ACTOR_PICKS, pick=PICKS, text=TEXTS)
    def edit_a_sent_message(self, copies: int, person: Person, pick: int, text: str) -> None:
        mine = sorted(m for tg, m in self.sent if tg == person.tg_id)
        message_id = self.pick(mine, pick) if mine else 1
        self.act(lambda: self.edit_message(person, message_id, text), copies)

    @rule(
        copies=COPIES,
        person=ACTOR_PICKS,
        name=st.sampled_from(COMMANDS),
        argument=TEXTS | st.sampled_from(GROUP_ARGS),
    )
    def send_a_command(self, copies: int, person: Person, name: str, argument: str) -> None:
        self.act(lambda: self.command(person, name, argument), copies)

    @rule(
        copies=COPIES,
        person=ACTOR_PICKS,
        action=st.sampled_from(Action),
        args=st.lists(ARGS, max_size=3),
    )
    def press_any_button(
        self, copies: int, person: Person, action: Action, args: list[tuple[str, int]]
    ) -> None:
        """Any button the bot could have made, with ids that exist, existed, or never did."""
        button = Button(action, self.resolve(args))
        self.act(lambda: self.press(person, button), copies)

    @rule(
        copies=COPIES,
        person=ACTOR_PICKS,
        action=st.sampled_from(
            (Action.EDIT_NOTE, Action.DELETE_NOTE, Action.HIDE_ASK, Action.HIDE_CONFIRM)
        ),
        pick=PICKS,
        own=st.booleans(),
    )
    def press_a_note_button(
        self, copies: int, person: Person, action: Action, pick: int, own: bool
    ) -> None:
        """On one of the person's own notes, or on any note there is or was."""
        mine = sorted(i for i, n in self.notes.items() if n.owner == person.tg_id)
        button = Button(action, (self.pick(mine if own and mine else self.seen_notes, pick),))
        self.act(lambda: self.press(person, button), copies)

    @rule(
        copies=COPIES, person=ACTOR_PICKS, pick=PICKS, index=st.integers(min_value=0, max_value=3)
    )
    def shorten_a_note(self, copies: int, person: Person, pick: int, index: int) -> None:
        button = Button(Action.REVIEW_SHORTEN, (self.pick(self.seen_notes, pick), index))
        self.act(lambda: self.press(person, button), copies)

    @rule(
        copies=COPIES,
        person=ACTOR_PICKS,
        action=st.sampled_from(
            (
                Action.NEXT_QUESTION,
                Action.DONE,
                Action.KEEP_DRAFT,
                Action.DROP_DRAFT,
                Action.CANCEL_EDIT,
                Action.FORGET,
                Action.READBACK_RECOGNISED,
                Action.READBACK_MISSING,
                Action.SWITCH_SEMINAR,
                Action.SUMMARIES_TOGGLE,
                Action.THEME_NEW,
                Action.THEME_NEW_CANCEL,
            )
        ),
        pick=PICKS,
        index=st.integers(min_value=0, max_value=6),
    )
    def press_a_participant_button(
        self, copies: int, person: Person, action: Action, pick: int, index: int
    ) -> None:
        button = Button(action, (self.pick(self.seminars, pick), index))
        self.act(lambda: self.press(person, button), copies)

    @rule(
        copies=COPIES,
        person=ACTOR_PICKS,
        action=st.sampled_from(
            (
                Action.OPEN_ROUND,
                Action.CLOSE_ROUND,
                Action.FORM_GROUPS,
                Action.SHOW_NOTES,
                Action.OPEN_VOTING,
                Action.OPEN_PLENARY,
                Action.OPEN_DOTS,
                Action.CLOSE_DOTS,
                Action.CLOSE_SEMINAR,
                Action.NEW_INVITE,
                Action.PRESET_THEMES,
                Action.REVIEW,
                Action.INVITE_MODERATOR,
                Action.PAPER_QUESTION,
                Action.SCHEDULE_ASK,
            )
        ),
        pick=PICKS,
        extra=st.integers(min_value=0, max_value=4),
    )
    def press_a_moderator_button(
        self, copies: int, person: Person, action: Action, pick: int, extra: int
    ) -> None:
        button = Button(action, (self.pick(self.seminars, pick), extra))
        self.act(lambda: self.press(person, button), copies)

    @rule(
        copies=COPIES,
        pick=PICKS,
        note=PICKS,
        theme=PICKS,
        index=st.integers(min_value=0, max_value=5),
        from_card=st.booleans(),
    )
    def vote_on_a_note(
        self, copies: int, pick: int, note: int, theme: int, index: int, from_card: bool
    ) -> None:
        """A button of a seated person's own vote card, or a vote on any note and theme."""
        seated = self.run(self.joined(seated=True))
        person = seated[pick % len(seated)] if seated else ACTORS[pick % len(ACTORS)]
        seminar = self.run(self.deps.active_seminar(person))
        card = (
            self.run(self.flow(person, themes_flow.vote_card(self.deps, person, seminar.id, index)))
            if seminar and from_card
            else None
        )
        if isinstance(card, groups_flow.VoteCard) and card.note and card.themes:
            note_id = card.note.id
            theme_id = self.pick([t.id for t in card.themes], theme)
        else:
            note_id = self.pick(self.seen_notes, note)
            found = self.run(self.store.note(note_id))
            same = [t for t, g in self.seen_themes.items() if found and g == found[0].group_id]
            theme_id = self.pick(same or list(self.seen_themes), theme)
        button = Button(Action.VOTE, (note_id, theme_id, index))
        self.act(lambda: self.press(person, button), copies)

    @rule(
        copies=COPIES,
        person=ACTOR_PICKS,
        pick=PICKS,
        theme=PICKS,
        add=st.booleans(),
        live=st.booleans(),
    )
    def press_a_dot(
        self, copies: int, person: Person, pick: int, theme: int, add: bool, live: bool
    ) -> None:
        """On a theme of the dot vote, or on any theme there is or was.

        The copies are modelled as new presses, each a dot of its own: a press delivered twice
        (the same update again after a crash) is left to issue 12's crash test, which checks
        that every update changes the seminar exactly once."""
        seminar = self.run(self.store.seminar(self.pick(self.seminars, pick)))
        themes = self.run(self.dot_themes(seminar)) if seminar and live else []
        theme_id = self.pick(themes or list(self.seen_themes), theme)
        button = Button(Action.DOT, (seminar.id if seminar else pick, theme_id, int(add)))
        self.act(lambda: self.press(person, button), copies)

    @rule(person=ACTOR_PICKS, source=PICKS, into=PICKS, note=PICKS)
    def merge_themes_or_settle_a_note(
        self, person: Person, source: int, into: int, note: int
    ) -> None:
        """A moderator's tidying buttons, on themes and notes that are or were there."""
        themes = list(self.seen_themes)
        source_id = self.pick(themes, source)
        group = self.seen_themes.get(source_id)
        siblings = [t for t, g in self.seen_themes.items() if g == group and t != source_id]
        target_id = self.pick(siblings or themes, into)
        merge = Button(Action.THEME_MERGE, (source_id, target_id))
        settle = Button(Action.SETTLE, (self.pick(self.seen_notes, note), target_id))

        async def both() -> None:
            await self.press(person, merge)
            await self.press(person, settle)

        self.act(both, 1)

    @rule(person=ACTOR_PICKS, pick=PICKS, fresh=st.booleans(), remove=st.booleans())
    def become_a_co_moderator(self, person: Person, pick: int, fresh: bool, remove: bool) -> None:
        """A fresh invite, or one already used or never made; and perhaps removed again."""

        async def redeem() -> None:
            if fresh and self.seminars:
                seminar_id = self.pick(self.seminars, pick)
                await self.press(MODERATOR, Button(Action.INVITE_MODERATOR, (seminar_id,)))
            codes = self.moderator_codes
            code = codes[-1 if fresh else pick % len(codes)] if codes else "mod-x"
            joined = await self.redeem(person, code)
            if remove and isinstance(joined, team.ModeratorJoined):
                remover = Button(Action.REMOVE_MODERATOR, (joined.seminar.id, person.tg_id))
                await self.press(MODERATOR, remover)

        self.act(redeem, 1)

    async def redeem(self, person: Person, code: str) -> team.ModeratorJoined | team.InviteRefused:
        name = NAMES[person.tg_id]
        return await self.flow(person, team.redeem_moderator_invite(self.deps, person, code, name))

    @rule(
        copies=COPIES,
        person=st.sampled_from((MODERATOR, MODERATOR, MODERATOR, PARTICIPANTS[0], OUTSIDER)),
        move=st.sampled_from(
            (
                "open_round",
                "close_round",
                "form_groups",
                "show_notes",
                "open_voting",
                "open_plenary",
                "open_dots",
                "close_dots",
                "close_seminar",
            )
        ),
    )
    def try_a_phase_move_whatever_the_phase(self, copies: int, person: Person, move: str) -> None:
        """The flows that move phases, called directly: each must refuse what is out of order."""
        self.act(lambda: self.phase_move(person, move), copies)

    async def phase_move(self, person: Person, move: str) -> None:
        d = self.deps
        moves: dict[str, Callable[[], Coroutine[Any, Any, object]]] = {
            "open_round": lambda: setup.open_round(d, person),
            "close_round": lambda: setup.close_round(d, person),
            "form_groups": lambda: groups_flow.form_groups(d, person, everyone=True),
            "show_notes": lambda: groups_flow.show_notes(d, person),
            "open_voting": lambda: themes_flow.open_voting(d, person),
            "open_plenary": lambda: plenary.open_plenary(d, person),
            "open_dots": lambda: plenary.open_dots(d, person),
            "close_dots": lambda: plenary.close_dots(d, person),
            "close_seminar": lambda: closing.close_seminar(d, person),
        }
        with suppress(Refusal):
            await self.flow(person, moves[move]())

    @rule(steps=st.integers(min_value=1, max_value=3))
    def moderator_moves_on(self, steps: int) -> None:
        for _ in range(steps):
            self.run(self.advance())

    @rule(
        data=st.one_of(
            st.text(max_size=70),
            st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
            # A JSON string can carry a lone surrogate (\\ud800) that no UTF-8 encodes.
            st.text(st.characters(categories=["Cs"]) | st.sampled_from("1.:a"), max_size=20),
        ),
        pick=PICKS,
        position=PICKS,
        replacement=st.characters(codec="ascii"),
    )
    def press_forged_data(self, data: str, pick: int, position: int, replacement: str) -> None:
        """Data the bot never made, or made and somebody changed, never reaches a flow."""
        candidates = [data]
        if self.packed:
            real = self.packed[pick % len(self.packed)]
            at = position % len(real)
            candidates.append(real[:at] + replacement + real[at + 1 :])
            candidates.append("0" + real[1:])
        for candidate in candidates:
            if candidate in self.packed:
                continue
            with pytest.raises((ForgedButton, StaleButton)):
                self.codec.unpack(candidate)

    @rule()
    def purge_expired_seminars(self) -> None:
        """A seminar is kept for the whole retention period after it closed."""
        almost = timedelta(days=SETTINGS.retention_days) - timedelta(hours=1)
        assert self.run(closing.purge(self.deps, self.deps.clock.now() + almost)) == 0

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def notes_are_neither_lost_nor_duplicated(self) -> None:
        self.run(self.check_notes())

    async def check_notes(self) -> None:
        for seminar_id in self.seminars:
            stored = await self.store.seminar_notes(seminar_id)
            held = {n.id: (n.text, n.question, n.hidden, n.paper) for n in stored}
            modelled = {
                i: (n.text, n.question, n.hidden, n.owner is None)
                for i, n in self.notes.items()
                if n.seminar_id == seminar_id
            }
            assert held == modelled, f"the store and the model differ: {held} != {modelled}"
            # Whose note is whose: every note but the paper ones must belong to its writer.
            attributed = {i for i, n in self.notes.items() if n.owner is None}
            for person in ACTORS:
                owned = self.owned(seminar_id, person)
                if not owned and len(attributed) == len(held):
                    continue  # every note is accounted for already
                mine = await self.store.notes_of(seminar_id, self.pseudonym(seminar_id, person))
                assert {n.id for n in mine} == owned
                attributed |= owned
            assert attributed >= set(held), "notes that belong to nobody"
            seminar = await self.store.seminar(seminar_id)
            assert seminar is not None
            if seminar.invite_code not in self.codes:
                self.codes.append(seminar.invite_code)
            self.seen_notes += [n.id for n in stored if n.id not in set(self.seen_notes)]
            groups = await self.store.groups(seminar_id)
            self.seen_groups += [g.id for g in groups if g.id not in set(self.seen_groups)]
            for theme in await self.store.themes(seminar_id):
                self.seen_themes.setdefault(theme.id, theme.group_id)
        made = {s.id for s, _ in await self.store.seminars_of(MODERATOR.tg_id)}
        assert made <= set(self.seminars), "a seminar was made without SeminarCreated"

    @invariant()
    def each_voter_has_at_most_one_vote_per_note(self) -> None:
        self.run(self.check_votes())

    async def check_votes(self) -> None:
        for seminar_id in self.seminars:
            # What the tallies read: votes per note, voters left out.
            cast = await self.store.sorting_votes(seminar_id)
            if not cast and not any(self.notes[n].seminar_id == seminar_id for _, n in self.votes):
                assert await self.store.vote_count(seminar_id) == 0
                continue  # nobody has voted here
            for person in ACTORS:
                stored = await self.store.votes_of(self.pseudonym(seminar_id, person))
                modelled = {
                    n: theme
                    for (tg, n), theme in self.votes.items()
                    if tg == person.tg_id and self.notes[n].seminar_id == seminar_id
                }
                assert stored == modelled, (person.tg_id, stored, modelled)
            counted = 0
            for group in await self.store.groups(seminar_id):
                voters = len(await self.store.group_members(group.id))
                for note in await self.store.group_notes(group.id):
                    themes = sorted(cast.pop(note.id, []))
                    assert len(themes) <= voters, "more votes on a note than voters"
                    assert themes == sorted(t for (_, n), t in self.votes.items() if n == note.id)
                    counted += len(themes)
            assert not cast, f"votes on notes no group sorts: {cast}"
            assert await self.store.vote_count(seminar_id) == counted

    @invariant()
    def dots_stay_within_the_budget(self) -> None:
        self.run(self.check_dots())

    async def check_dots(self) -> None:
        for seminar_id in self.seminars:
            seminar = await self.store.seminar(seminar_id)
            assert seminar is not None
            total = 0
            totals = await self.store.dot_totals(seminar_id)
            for person in ACTORS if totals or seminar.dot_vote is not DotVote.NOT_STARTED else ():
                mine = await self.store.dots_of(seminar_id, self.pseudonym(seminar_id, person))
                assert mine == self.dots.get((seminar_id, person.tg_id), {}), mine
                assert sum(mine.values()) <= seminar.dot_budget
                assert all(0 < n <= seminar.dot_max_per_theme for n in mine.values())
                total += sum(mine.values())
            assert sum(totals.values()) == total

    @invariant()
    def phases_only_move_forward(self) -> None:
        self.run(self.check_phases())

    async def check_phases(self) -> None:
        for seminar_id in self.seminars:
            seminar = await self.store.seminar(seminar_id)
            assert seminar is not None, "a seminar disappeared"
            now = PhaseState(
                seminar.phase,
                seminar.dot_vote,
                bool(await self.store.groups(seminar_id)),
                seminar.notes_revealed,
            )
            before = self.phases.get(
                seminar_id, PhaseState(Phase.DRAFT, DotVote.NOT_STARTED, False, False)
            )
            self.phases[seminar_id] = now
            move = (before.phase, now.phase)
            assert before.phase is now.phase or move in FORWARD or move == REOPEN, move
            if move == REOPEN:
                assert not before.grouped, "reopened after groups formed"
                assert not now.grouped, "reopened while forming groups"
            if now.phase is Phase.VOTING:
                assert now.grouped, "voting without groups"
            if now.phase is Phase.CLOSED and before.phase is not Phase.CLOSED:
                assert before.dot_vote is not DotVote.OPEN, "closed during the dot vote"
            assert before.grouped <= now.grouped, "groups disappeared"
            if now.grouped and not before.grouped:
                assert before.phase is now.phase is Phase.GROUPING, "groups formed out of phase"
            assert before.revealed <= now.revealed
            dots_move = DOT_ORDER.index(now.dot_vote) - DOT_ORDER.index(before.dot_vote)
            assert dots_move in (0, 1), (before.dot_vote, now.dot_vote)
            if dots_move:
                assert before.phase is now.phase is Phase.PLENARY, "dot vote out of phase"

    @invariant()
    def the_database_cannot_link_a_note_to_a_person(self) -> None:
        """As tests/test_anonymity.py defines it, read from the file as anyone holding it could."""
        if self.reader is None:
            self.reader = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        for table in ("notes", "writers", "votes", "dots", "readbacks", "themes", "groups"):
            for row in self.reader.execute(f"SELECT * FROM {table}"):
                for cell in row:
                    text = str(cell)
                    assert text not in UNKEYED, (table, cell)
                    assert _no_identity(text), (table, cell)
        people_values = {
            str(cell)
            for table in ("users", "members")
            for row in self.reader.execute(f"SELECT * FROM {table}")
            for cell in row
        }
        authors = {str(row[0]) for row in self.reader.execute("SELECT author FROM notes")}
        assert not authors & people_values


def test_the_seminar_keeps_its_promises_whatever_people_do() -> None:
    run_state_machine_as_test(
        SeminarFlows,
        settings=settings(
            max_examples=60,
            stateful_step_count=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# -- the shortest sequences of flow calls that broke (or still break) these promises -----


async def _room(path: Path) -> tuple[Deps, Seminar]:
    """A seminar with three participants who joined, its answer round open."""
    store = await Store.open(path / "seminar.sqlite3", SECRET, kdf=QUICK_KDF)
    deps = Deps(store, Keyring(SECRET), SETTINGS)
    await setup.start(deps, MODERATOR)
    await setup.receive_text(
        deps, MODERATOR, Expectation(Expecting.TITLE, SeminarDraft()), "Gode møter"
    )
    await setup.choose_language(deps, MODERATOR, 0)
    created = await setup.use_default_questions(deps, MODERATOR)
    assert isinstance(created, setup.SeminarCreated)
    link = created.seminar.invite_generation
    for person in PARTICIPANTS[:3]:
        joined = await joining.consent(deps, person, created.seminar.id, 0, link_generation=link)
        assert isinstance(joined, joining.Joined)
    assert isinstance(await setup.open_round(deps, MODERATOR), setup.RoundOpened)
    return deps, created.seminar


async def test_an_edit_delivered_twice_makes_no_second_note(tmp_path: Path) -> None:
    """The new text of a note being edited, delivered again after a crash, is the same edit."""
    deps, seminar = await _room(tmp_path)
    anna = PARTICIPANTS[0]
    try:
        first = await answering.receive_text(deps, anna, "Fikk god tid", anna.tg_id, 1)
        assert isinstance(first, answering.NoteSaved)
        await answering.start_edit(deps, anna, first.note.id)
        for _ in range(2):  # the same message (id 2), delivered twice
            await answering.receive_text(deps, anna, "Fikk god tid og ro", anna.tg_id, 2)
        notes = await deps.store.notes_of(seminar.id, deps.keys.pseudonym(seminar.id, anna.tg_id))
        assert [n.text for n in notes] == ["Fikk god tid og ro"]
    finally:
        await deps.store.close()


async def _two_dots_given(deps: Deps, seminar: Seminar) -> list[int]:
    """From an open round to the dot vote, one group and one theme holding every note, and two
    dots on it from the first participant; returns the notes."""
    room = PARTICIPANTS[:3]
    for i, person in enumerate(room):
        await answering.receive_text(deps, person, NOTE_TEXTS[i], person.tg_id, 1)
    await setup.close_round(deps, MODERATOR)
    await groups_flow.form_groups(deps, MODERATOR)
    await groups_flow.show_notes(deps, MODERATOR)
    for person in room:
        await name_theme(deps, person, seminar.id, "Tid")
    await themes_flow.open_voting(deps, MODERATOR)
    (group,) = await deps.store.groups(seminar.id)
    (theme,) = await deps.store.themes(seminar.id, group.id)
    notes = [n.id for n in await deps.store.group_notes(group.id)]
    for person in room:
        for note_id in notes:
            await themes_flow.cast_vote(deps, person, note_id, theme.id, 0)
    await plenary.open_plenary(deps, MODERATOR)
    await plenary.open_dots(deps, MODERATOR)
    for _ in range(2):
        placed = await plenary.change_dots(deps, room[0], seminar.id, theme.id, 1)
        assert isinstance(placed, plenary.DotCard)
        assert placed.refused is None
    return notes


async def test_settling_a_note_during_the_dot_vote_loses_no_dots(tmp_path: Path) -> None:
    """Once dots are given, settling may not empty a theme: its dots would be lost."""
    deps, seminar = await _room(tmp_path)
    try:
        for note_id in await _two_dots_given(deps, seminar):
            with pytest.raises(refusals.WrongPhase):
                await themes_flow.settle(deps, MODERATOR, note_id, None)
        ranked = await plenary.close_dots(deps, MODERATOR)
        assert isinstance(ranked, plenary.DotsClosed)
        assert sum(dots for _, _, dots in ranked.ranking) == 2
    finally:
        await deps.store.close()


async def test_hiding_notes_during_the_dot_vote_loses_no_dots(tmp_path: Path) -> None:
    """A theme whose notes are all hidden during the dot vote keeps its place and its dots."""
    deps, seminar = await _room(tmp_path)
    try:
        for note_id in await _two_dots_given(deps, seminar):
            hidden = await answering.hide(deps, MODERATOR, note_id)
            assert isinstance(hidden, answering.NoteHidden)
        ranked = await plenary.close_dots(deps, MODERATOR)
        assert isinstance(ranked, plenary.DotsClosed)
        assert sum(dots for _, _, dots in ranked.ranking) == 2
    finally:
        await deps.store.close()


async def test_a_removed_co_moderator_can_still_forget_their_notes(tmp_path: Path) -> None:
    """A participant made co-moderator and removed again keeps the right to /forget."""
    deps, seminar = await _room(tmp_path)
    anna = PARTICIPANTS[0]
    try:
        await answering.receive_text(deps, anna, "Fikk god tid", anna.tg_id, 1)
        invite = await team.create_moderator_invite(deps, MODERATOR, seminar.id)
        assert isinstance(invite, team.ModeratorInvite)
        joined = await team.redeem_moderator_invite(deps, anna, invite.code, "Anna")
        assert isinstance(joined, team.ModeratorJoined)
        assert await team.remove_co_moderator(deps, MODERATOR, seminar.id, anna.tg_id) is True
        forgotten = await joining.confirm_forget(deps, anna, seminar.id)
        assert isinstance(forgotten, joining.Forgotten)
    finally:
        await deps.store.close()


def test_forged_data_that_is_not_unicode_is_rejected() -> None:
    """A lone surrogate, which a JSON string can carry, is forged data, not a crash."""
    with pytest.raises(ForgedButton):
        CallbackCodec(Keyring(SECRET)).unpack("1x:1.\ud800")


async def test_dealing_refused_in_the_wrong_phase_changes_nothing(tmp_path: Path) -> None:
    """`/groups deal` during the answer round is refused, and leaves the seminar as it was."""
    deps, seminar = await _room(tmp_path)
    try:
        with pytest.raises(refusals.WrongPhase):
            await groups_flow.form_groups(deps, MODERATOR, deal=True)
        after = await deps.store.seminar(seminar.id)
        assert after is not None
        assert after.deal_all_notes is False
    finally:
        await deps.store.close()


async def test_a_vote_on_another_groups_note_is_refused(tmp_path: Path) -> None:
    """A vote press is checked against the voter's own group: another group's note stays
    unsorted even when the theme pressed is the voter's own."""
    deps, seminar = await _room(tmp_path)
    room = (*PARTICIPANTS, OUTSIDER)
    try:
        for person in room[3:]:
            joined = await joining.consent(
                deps, person, seminar.id, 0, link_generation=seminar.invite_generation
            )
            assert isinstance(joined, joining.Joined)
        for i, person in enumerate(room):
            text = NOTE_TEXTS[i % len(NOTE_TEXTS)]
            await answering.receive_text(deps, person, text, person.tg_id, 1)
        await setup.close_round(deps, MODERATOR)
        await groups_flow.form_groups(deps, MODERATOR)
        await groups_flow.show_notes(deps, MODERATOR)
        for person in room:
            await name_theme(deps, person, seminar.id, "Tid")
        await themes_flow.open_voting(deps, MODERATOR)
        ours, theirs = await deps.store.groups(seminar.id)
        voter = deps.keys.pseudonym(seminar.id, room[0].tg_id)
        writer = await deps.store.writer(seminar.id, voter)
        assert writer is not None
        if writer.group_id != ours.id:
            ours, theirs = theirs, ours
        (own_theme,) = await deps.store.themes(seminar.id, ours.id)
        other_note = (await deps.store.group_notes(theirs.id))[0]
        with pytest.raises(refusals.NotInGroup):
            await themes_flow.cast_vote(deps, room[0], other_note.id, own_theme.id, 0)
        assert await deps.store.votes_of(voter) == {}
        assert await deps.store.vote_count(seminar.id) == 0
    finally:
        await deps.store.close()
