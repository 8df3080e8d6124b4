"""The store's counts against a plain model, with random sequences of the store's own writes.

Every number the bot shows or reports comes from a handful of counting queries in
``bot/store/``: the live progress (notes so far, participants done), the sorting votes per
note and in all, the group sizes, how many notes each theme holds once the voting is written
down, the dots per voter and per theme, the ranking they make, and the read-back answers.
Mutating those SQL strings would tell us little; instead the state machine below calls the
store's methods directly (a real ``Store`` on a temporary SQLite file, two seminars side by
side) and keeps its own model in dicts and Counters, and after every step each count the store
gives must equal the model's.

The model says what the product should do, as its docstrings and README put it: a message
delivered twice is one note, a vote on the same note again replaces (or repeats) the earlier
one, a merged theme brings its votes, decisions and dots along, a hidden note leaves the
progress and the vote count but keeps its theme's place, and /forget takes everything of the
person in the seminar. The flows check budgets and seats before they call the store; the
machine calls the store only with what the flows would let through. Where the store does not
do what a person would expect, a small test below says so and is marked as expected to fail.

``tests/test_flow_properties.py`` drives the same store through the flows; this one leaves the
flows out and looks at the counts themselves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
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
    precondition,
    rule,
    run_state_machine_as_test,
)

from bot.domain import Phase
from bot.flows.rules import theme_key
from bot.keys import Keyring
from bot.store import Store

T = TypeVar("T")

SECRET = b"store-counts-secret-0123456789"
MODERATOR = 7_100_000_001
PEOPLE = tuple(7_200_000_001 + 1_000_003 * i for i in range(5))
# Two seminars at once, so a count that forgets its seminar shows: (questions, budget, per theme).
SEMINARS = ((2, 5, 3), (3, 3, 2))
THEME_NAMES = ("Tid", "Respekt", "tid ", "Ærlighet", "Ro")
ANSWERS = ("recognised", "missing")

SEMINAR = st.integers(min_value=0, max_value=len(SEMINARS) - 1)
PERSON = st.integers(min_value=0, max_value=len(PEOPLE) - 1)
PICK = st.integers(min_value=0, max_value=1000)
PRESSES = st.lists(PICK, min_size=1, max_size=4)


@dataclass
class ModelWriter:
    person: int  # an index into PEOPLE
    done: bool = False
    group: int | None = None


@dataclass
class ModelNote:
    seminar: int  # the seminar's id
    author: str  # the writer's pseudonym, or a paper note's own
    question: int
    ref: str | None
    hidden: bool = False
    group: int | None = None
    settled: bool = False
    settled_theme: int | None = None


@dataclass
class ModelTheme:
    seminar: int
    group: int
    name: str
    merged_into: int | None = None

    @property
    def key(self) -> str:
        return theme_key(self.name)


@dataclass
class ModelSeminar:
    id: int
    questions: int
    budget: int
    per_theme: int
    writers: dict[str, ModelWriter] = field(default_factory=dict)
    groups: list[int] = field(default_factory=list)  # group ids, by number
    plenary: bool = False
    dots: dict[str, Counter[int]] = field(default_factory=dict)  # voter -> theme -> dots
    readbacks: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def _picked(items: list[T], index: int) -> T:
    return items[index % len(items)]


def _winner(themes: list[int]) -> int | None:
    """The most votes wins; a tie, or no vote, wins nothing."""
    ranked = Counter(themes).most_common()
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _ranking(held: list[tuple[int, str, int]], dots: dict[int, int]) -> list[int]:
    """The dot vote's result as the moderator sees it: the most dots first, then by name, then
    by group; `held` is (theme id, name, group number)."""
    return [
        theme
        for theme, _, _ in sorted(held, key=lambda t: (-dots.get(t[0], 0), t[1].casefold(), t[2]))
    ]


class StoreCounts(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.runner = asyncio.Runner()
        self.store = self.run(
            Store.open(Path(self.tmp.name) / "seminar.sqlite3", SECRET, kdf=QUICK_KDF)
        )
        self.keys = Keyring(SECRET)
        self.seminars: list[ModelSeminar] = []
        for index, (questions, budget, per_theme) in enumerate(SEMINARS):
            made = self.run(
                self.store.create_seminar(
                    MODERATOR,
                    f"Seminar {index}",
                    "nb",
                    [f"Spørsmål {q}" for q in range(questions)],
                    3,
                    (budget, per_theme),
                )
            )
            assert self.run(self.store.set_phase(made.id, (Phase.DRAFT,), Phase.VOTING))
            self.seminars.append(ModelSeminar(made.id, questions, budget, per_theme))
        self.notes: dict[int, ModelNote] = {}  # in the order they were made
        self.themes: dict[int, ModelTheme] = {}
        self.votes: dict[tuple[int, str], int] = {}  # (note, voter) -> theme

    def teardown(self) -> None:
        self.run(self.store.close())
        self.runner.close()
        self.tmp.cleanup()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(work)

    # -- the model's views ---------------------------------------------------------------

    def pseudonym(self, seminar: ModelSeminar, person: int) -> str:
        return self.keys.pseudonym(seminar.id, PEOPLE[person])

    def notes_of(self, seminar: ModelSeminar) -> list[int]:
        return [i for i, n in self.notes.items() if n.seminar == seminar.id]

    def live_themes(self, seminar: ModelSeminar, group: int | None = None) -> list[int]:
        return [
            i
            for i, t in self.themes.items()
            if t.seminar == seminar.id
            and t.merged_into is None
            and (group is None or t.group == group)
        ]

    def drop_notes(self, note_ids: list[int]) -> None:
        for note_id in note_ids:
            del self.notes[note_id]
        self.votes = {k: v for k, v in self.votes.items() if k[0] in self.notes}

    # -- candidates: what the flows would let through now --------------------------------

    def writers(self) -> list[tuple[ModelSeminar, str]]:
        return [(s, p) for s in self.seminars for p in s.writers]

    def waiting_writers(self) -> list[tuple[ModelSeminar, str]]:
        return [(s, p) for s, p in self.writers() if s.groups and s.writers[p].group is None]

    def waiting_notes(self) -> list[tuple[ModelSeminar, int]]:
        return [
            (s, i)
            for s in self.seminars
            if s.groups
            for i in self.notes_of(s)
            if self.notes[i].group is None
        ]

    def all_groups(self) -> list[tuple[ModelSeminar, int]]:
        return [(s, g) for s in self.seminars for g in s.groups]

    def holds(self, theme: int) -> bool:
        """Whether a theme has anything a merge must carry: a vote, a decision or a dot."""
        return (
            theme in self.votes.values()
            or any(n.settled_theme == theme for n in self.notes.values())
            or any(mine[theme] for s in self.seminars for mine in s.dots.values())
        )

    def merges(self) -> list[tuple[int, int]]:
        """(source, target): two live themes of one group; pairs that both hold something,
        or both have dots of one voter, come up more often: those merges can go wrong."""
        live = [i for s in self.seminars for i in self.live_themes(s)]
        pairs = [
            (a, b)
            for a in live
            for b in live
            if a != b and self.themes[a].group == self.themes[b].group
        ]
        both = [(a, b) for a, b in pairs if self.holds(a) and self.holds(b)]
        dotted = [
            (a, b)
            for a, b in pairs
            if any(mine[a] and mine[b] for s in self.seminars for mine in s.dots.values())
        ]
        return pairs + both * 3 + dotted * 3

    def ballots(self) -> list[tuple[int, str, int]]:
        """(note, voter, theme): a seated voter, a visible note of their group, a live theme
        of it."""
        found = []
        for seminar in self.seminars:
            for voter, writer in seminar.writers.items():
                if writer.group is None:
                    continue
                themes = self.live_themes(seminar, writer.group)
                for note_id in self.notes_of(seminar):
                    note = self.notes[note_id]
                    if note.group == writer.group and not note.hidden:
                        found += [(note_id, voter, theme) for theme in themes]
        return found

    def voted(self) -> list[int]:
        return [i for i in self.notes if any(n == i for n, _ in self.votes)]

    def grouped_notes(self) -> list[int]:
        """Notes a group sorts; those with votes come up more often."""
        return [i for i, n in self.notes.items() if n.group is not None] + self.voted() * 2

    def dot_presses(self) -> list[tuple[ModelSeminar, str, int, int]]:
        """(seminar, voter, theme, change): any live theme of the seminar; a dot given only
        within the budget and the per-theme limit (the flow refuses the others before the
        store sees them), and taken back whether or not the voter has one there."""
        found = []
        for seminar in self.seminars:
            themes = self.live_themes(seminar)
            for voter in seminar.writers:
                mine = seminar.dots.get(voter, Counter())
                for theme in themes:
                    found.append((seminar, voter, theme, -1))
                    if mine.total() < seminar.budget and mine[theme] < seminar.per_theme:
                        found += [(seminar, voter, theme, 1)] * 2
        return found

    # -- progress: writers, notes, done ----------------------------------------------------

    @initialize(
        joined=st.lists(st.tuples(SEMINAR, PERSON), min_size=1, max_size=8),
        written=st.lists(st.tuples(PICK, PICK, PICK), max_size=8),
        tables=st.lists(
            st.tuples(st.integers(min_value=1, max_value=3), st.booleans()), max_size=2
        ),
        themes=st.lists(st.tuples(PICK, st.sampled_from(THEME_NAMES)), max_size=6),
    )
    def start(
        self,
        joined: list[tuple[int, int]],
        written: list[tuple[int, int, int]],
        tables: list[tuple[int, bool]],
        themes: list[tuple[int, str]],
    ) -> None:
        """Somewhere to start from: people in the seminars, some notes, and perhaps groups
        formed and themes proposed already; the rules below then do anything in any order."""
        for s, person in joined:
            self.join(s, person)
        for pick, question, message in written:
            self.write_note(pick, question, message % 4)
        for count, deal in tables:
            if any(s.writers and not s.groups for s in self.seminars):
                self.form_groups(0, count, deal)
        for pick, name in themes:
            if self.all_groups():
                self.propose_theme(pick, name)

    @rule(s=SEMINAR, person=PERSON)
    def join(self, s: int, person: int) -> None:
        """Joining again (a second press on the consent button) is the same writer."""
        seminar = self.seminars[s]
        pseudonym = self.pseudonym(seminar, person)
        self.run(self.store.add_writer(seminar.id, pseudonym))
        seminar.writers.setdefault(pseudonym, ModelWriter(person))

    @precondition(lambda self: self.writers())
    @rule(pick=PICK, question=PICK, message=st.integers(min_value=0, max_value=3))
    def write_note(self, pick: int, question: int, message: int) -> None:
        """A note from a message; the same message delivered again is the same note."""
        seminar, pseudonym = _picked(self.writers(), pick)
        writer = self.run(self.store.writer(seminar.id, pseudonym))
        assert writer is not None
        person = PEOPLE[seminar.writers[pseudonym].person]
        ref = self.keys.message_ref(seminar.id, person, message)
        question %= seminar.questions
        earlier = next((i for i, n in self.notes.items() if n.ref == ref), None)
        note, new = self.run(self.store.add_note(writer, question, f"Lapp {message}", ref))
        if earlier is not None:
            assert (note.id, new) == (earlier, False), "a message delivered again made a note"
            return
        assert new
        assert note.id not in self.notes
        self.notes[note.id] = ModelNote(seminar.id, pseudonym, question, ref)

    @rule(s=SEMINAR, question=PICK)
    def type_in_paper_note(self, s: int, question: int) -> None:
        seminar = self.seminars[s]
        question %= seminar.questions
        note = self.run(self.store.add_paper_note(seminar.id, question, "Fra papir"))
        assert note.id not in self.notes
        self.notes[note.id] = ModelNote(seminar.id, f"paper:{note.id}", question, None)

    @precondition(lambda self: self.notes)
    @rule(pick=PICK)
    def hide_note(self, pick: int) -> None:
        """Hiding twice hides once, and says so. Notes with votes come up more often."""
        note_id = _picked(list(self.notes) + self.voted() * 2, pick)
        note = self.notes[note_id]
        assert self.run(self.store.hide_note(note_id)) == (not note.hidden)
        note.hidden = True

    @precondition(lambda self: any(n.ref for n in self.notes.values()))
    @rule(pick=PICK)
    def delete_note(self, pick: int) -> None:
        note_id = _picked([i for i, n in self.notes.items() if n.ref is not None], pick)
        self.run(self.store.delete_note(note_id))
        self.drop_notes([note_id])

    @precondition(lambda self: self.writers())
    @rule(pick=PICK, done=st.booleans())
    def mark_done(self, pick: int, done: bool) -> None:
        """The "done" button, pressed once or again, or taken back by writing more."""
        seminar, pseudonym = _picked(self.writers(), pick)
        writer = self.run(self.store.writer(seminar.id, pseudonym))
        assert writer is not None
        self.run(self.store.update_writer(dataclasses.replace(writer, done=done)))
        seminar.writers[pseudonym].done = done

    # -- groups and themes ---------------------------------------------------------------

    @precondition(lambda self: any(s.writers and not s.groups for s in self.seminars))
    @rule(pick=PICK, count=st.integers(min_value=1, max_value=3), deal=st.booleans())
    def form_groups(self, pick: int, count: int, deal: bool) -> None:
        """Once per seminar, as the flow forms them: writers round the tables, each visible
        note to its writer's table (or dealt round them all); paper notes wait."""
        seminar = _picked([s for s in self.seminars if s.writers and not s.groups], pick)
        seated = sorted(seminar.writers)
        count = min(count, len(seated))
        tables = [seated[i::count] for i in range(count)]
        table_of = {p: i for i, table in enumerate(tables) for p in table}
        visible = [i for i in self.notes_of(seminar) if not self.notes[i].hidden]
        if deal:
            placed = {note_id: i % count for i, note_id in enumerate(visible)}
        else:
            placed = {
                note_id: table_of[self.notes[note_id].author]
                for note_id in visible
                if self.notes[note_id].author in table_of
            }
        groups = self.run(self.store.create_groups(seminar.id, tables, placed))
        assert [g.number for g in groups] == list(range(1, count + 1))
        seminar.groups = [g.id for g in groups]
        for pseudonym, table in table_of.items():
            seminar.writers[pseudonym].group = seminar.groups[table]
        for note_id, table in placed.items():
            self.notes[note_id].group = seminar.groups[table]

    @precondition(lambda self: self.waiting_writers())
    @rule(pick=PICK, group=PICK)
    def seat_late_joiner(self, pick: int, group: int) -> None:
        seminar, pseudonym = _picked(self.waiting_writers(), pick)
        group_id = _picked(seminar.groups, group)
        writer = self.run(self.store.writer(seminar.id, pseudonym))
        assert writer is not None
        self.run(self.store.update_writer(dataclasses.replace(writer, group_id=group_id)))
        seminar.writers[pseudonym].group = group_id

    @precondition(lambda self: self.waiting_notes())
    @rule(pick=PICK, group=PICK)
    def place_note(self, pick: int, group: int) -> None:
        """A paper note (or one written late) goes to a group the moderator chooses."""
        seminar, note_id = _picked(self.waiting_notes(), pick)
        group_id = _picked(seminar.groups, group)
        self.run(self.store.set_note_group(note_id, group_id))
        self.notes[note_id].group = group_id

    @precondition(lambda self: self.all_groups())
    @rule(pick=PICK, name=st.sampled_from(THEME_NAMES))
    def propose_theme(self, pick: int, name: str) -> None:
        """The same name again (in any case or spacing) is the theme that is there."""
        seminar, group = _picked(self.all_groups(), pick)
        there = next(
            (i for i in self.live_themes(seminar, group) if self.themes[i].key == theme_key(name)),
            None,
        )
        theme, new = self.run(self.store.add_theme(seminar.id, group, name, theme_key(name)))
        if there is not None:
            assert (theme.id, new) == (there, False)
            return
        assert new
        assert theme.id not in self.themes
        self.themes[theme.id] = ModelTheme(seminar.id, group, name)

    @precondition(lambda self: self.merges())
    @rule(pick=PICK)
    def merge_themes(self, pick: int) -> None:
        """Two live themes of one group: every vote, decision and dot of one goes to the other."""
        source, target = _picked(self.merges(), pick)
        self.run(self.store.merge_themes(source, target))
        for theme in self.themes.values():
            if theme.merged_into == source:
                theme.merged_into = target
        self.themes[source].merged_into = target
        self.votes = {k: target if v == source else v for k, v in self.votes.items()}
        for note in self.notes.values():
            if note.settled_theme == source:
                note.settled_theme = target
        for seminar in self.seminars:
            for mine in seminar.dots.values():
                mine[target] += mine.pop(source, 0)

    # -- sorting votes -------------------------------------------------------------------

    @precondition(lambda self: self.ballots())
    @rule(picks=PRESSES)
    def vote(self, picks: list[int]) -> None:
        """Notes sorted into themes, a few presses at a time; a second vote on a note replaces
        the first."""
        for pick in picks:
            note_id, voter, theme = _picked(self.ballots(), pick)
            self.run(self.store.set_vote(note_id, voter, theme))
            self.votes[(note_id, voter)] = theme

    @precondition(lambda self: self.votes)
    @rule(pick=PICK)
    def vote_again(self, pick: int) -> None:
        """The same vote pressed (or delivered) twice is still one vote."""
        (note_id, voter), theme = _picked(list(self.votes.items()), pick)
        self.run(self.store.set_vote(note_id, voter, theme))

    @precondition(lambda self: self.grouped_notes())
    @rule(decisions=st.lists(st.tuples(PICK, PICK, st.booleans()), min_size=1, max_size=3))
    def settle_notes(self, decisions: list[tuple[int, int, bool]]) -> None:
        """The moderator goes through the ties: for each note one of its group's themes, or
        none."""
        for pick, theme, leave_out in decisions:
            note_id = _picked(self.grouped_notes(), pick)
            note = self.notes[note_id]
            seminar = next(s for s in self.seminars if s.id == note.seminar)
            themes = self.live_themes(seminar, note.group)
            theme_id = None if leave_out or not themes else _picked(themes, theme)
            self.run(self.store.settle_note(note_id, theme_id))
            note.settled = True
            note.settled_theme = theme_id

    def voting(self) -> list[ModelSeminar]:
        """Seminars whose groups have sorted something (an earlier end is no test of it)."""
        voted = {self.notes[n].seminar for n, _ in self.votes}
        return [s for s in self.seminars if s.groups and s.id in voted]

    @precondition(lambda self: self.voting())
    @rule(pick=PICK)
    def open_plenary(self, pick: int) -> None:
        """The voting ends once: every note not yet decided gets the theme its votes chose.
        Winners are offered for decided notes too; they must keep their decision."""
        seminar = _picked(self.voting(), pick)
        winners = {}
        for note_id in self.notes_of(seminar):
            note = self.notes[note_id]
            if note.group is None or note.hidden:
                continue
            theme = _winner([t for (n, _), t in self.votes.items() if n == note_id])
            if theme is not None:
                winners[note_id] = theme
        opened = self.run(self.store.open_plenary(seminar.id, winners))
        assert opened == (not seminar.plenary), "the voting ended twice, or not at all"
        if not opened:
            return
        seminar.plenary = True
        for note_id, theme in winners.items():
            if not self.notes[note_id].settled:
                self.notes[note_id].settled = True
                self.notes[note_id].settled_theme = theme

    # -- dots ----------------------------------------------------------------------------

    @precondition(lambda self: self.dot_presses())
    @rule(picks=PRESSES)
    def dot(self, picks: list[int]) -> None:
        """Dots given or taken back, a few presses at a time; taking back a dot one does not
        have changes nothing."""
        for pick in picks:
            presses = self.dot_presses()
            if not presses:
                return
            seminar, voter, theme, change = _picked(presses, pick)
            self.run(self.store.change_dots(seminar.id, voter, theme, change))
            mine = seminar.dots.setdefault(voter, Counter())
            mine[theme] = max(mine[theme] + change, 0)

    # -- read-back and leaving -----------------------------------------------------------

    @precondition(lambda self: self.writers())
    @rule(
        pick=PICK,
        answer=st.sampled_from(ANSWERS),
        note=st.sampled_from((None, None, "Tema om tid mangler")),
    )
    def read_back(self, pick: int, answer: str, note: str | None) -> None:
        """Answering again replaces the answer; a note said earlier stays unless replaced."""
        seminar, voter = _picked(self.writers(), pick)
        self.run(self.store.save_read_back(seminar.id, voter, answer, note))
        earlier = seminar.readbacks.get(voter, (answer, None))[1]
        seminar.readbacks[voter] = (answer, note if note is not None else earlier)

    @precondition(lambda self: self.writers())
    @rule(pick=PICK)
    def forget(self, pick: int) -> None:
        """/forget: the person's notes (with the votes on them), votes, dots, read-back answer
        and seat go."""
        seminar, pseudonym = _picked(self.writers(), pick)
        person = PEOPLE[seminar.writers[pseudonym].person]
        self.run(self.store.forget(seminar.id, person, pseudonym))
        self.drop_notes([i for i in self.notes_of(seminar) if self.notes[i].author == pseudonym])
        self.votes = {k: v for k, v in self.votes.items() if k[1] != pseudonym}
        seminar.dots.pop(pseudonym, None)
        seminar.readbacks.pop(pseudonym, None)
        seminar.writers.pop(pseudonym, None)

    # -- every count against the model ---------------------------------------------------

    @invariant()
    def counts_match_the_model(self) -> None:
        self.run(self.check_counts())

    async def check_counts(self) -> None:
        """Every check of both seminars at once: they only read, and the store's thread gets
        the queries back to back."""
        found = await asyncio.gather(
            *(
                check(seminar)
                for seminar in self.seminars
                for check in (
                    self.check_progress_counts,
                    self.check_groups_and_their_notes,
                    self.check_sorting_votes,
                    self.check_dots,
                    self.check_held_themes_and_ranking,
                    self.check_read_back_counts,
                )
            ),
            return_exceptions=True,
        )
        for failure in found:
            if isinstance(failure, BaseException):
                raise failure

    async def check_progress_counts(self, seminar: ModelSeminar) -> None:
        stored = await self.store.seminar(seminar.id)
        assert stored is not None
        counts = await self.store.note_counts(stored)
        visible = [self.notes[i] for i in self.notes_of(seminar) if not self.notes[i].hidden]
        per_question = Counter(n.question for n in visible)
        assert counts.per_question == tuple(per_question[q] for q in range(seminar.questions)), (
            "notes per question"
        )
        assert counts.total == len(visible), "notes so far"
        # Participants who wrote: a paper note is nobody's.
        authors = {
            note.author
            for note in (self.notes[i] for i in self.notes_of(seminar))
            if not note.author.startswith("paper:")
        }
        assert counts.writers == len(authors), "people who wrote notes"
        done = sum(1 for w in seminar.writers.values() if w.done)
        assert counts.writers_done == done, "participants done"

    async def check_groups_and_their_notes(self, seminar: ModelSeminar) -> None:
        sizes = Counter(w.group for w in seminar.writers.values() if w.group is not None)
        assert await self.store.group_sizes(seminar.id) == dict(sizes), "group sizes"
        for group in seminar.groups:
            shown = {n.id for n in await self.store.group_notes(group)}
            assert shown == {
                i
                for i in self.notes_of(seminar)
                if self.notes[i].group == group and not self.notes[i].hidden
            }, "a group's notes"
        themes = {t.id for t in await self.store.themes(seminar.id)}
        assert themes == set(self.live_themes(seminar)), "live themes"

    async def check_sorting_votes(self, seminar: ModelSeminar) -> None:
        mine = set(self.notes_of(seminar))
        tallies: dict[int, list[int]] = {}
        counted = 0
        for (note_id, _), theme in self.votes.items():
            note = self.notes[note_id]
            if note_id in mine and not note.hidden:
                counted += 1
                if note.group is not None:
                    tallies.setdefault(note_id, []).append(theme)
        stored = await self.store.sorting_votes(seminar.id)
        assert {n: sorted(t) for n, t in stored.items()} == {
            n: sorted(t) for n, t in tallies.items()
        }, "votes per note"
        assert await self.store.vote_count(seminar.id) == counted, "votes in all"
        for person in range(len(PEOPLE)):
            voter = self.pseudonym(seminar, person)
            expected = {n: t for (n, v), t in self.votes.items() if v == voter}
            assert await self.store.votes_of(voter) == expected, "one voter's votes"

    async def check_dots(self, seminar: ModelSeminar) -> None:
        totals: Counter[int] = Counter()
        for person in range(len(PEOPLE)):
            voter = self.pseudonym(seminar, person)
            expected = {t: n for t, n in seminar.dots.get(voter, Counter()).items() if n}
            assert await self.store.dots_of(seminar.id, voter) == expected, "my dots"
            totals.update(expected)
        stored = await self.store.dot_totals(seminar.id)
        assert all(n >= 0 for n in stored.values()), stored
        assert {t: n for t, n in stored.items() if n} == dict(totals), "dots per theme"
        voters = sum(1 for mine in seminar.dots.values() if mine.total() > 0)
        assert await self.store.dot_voters(seminar.id) == voters, "people who gave dots"

    async def check_held_themes_and_ranking(self, seminar: ModelSeminar) -> None:
        held: Counter[int] = Counter(
            self.notes[i].settled_theme
            for i in self.notes_of(seminar)
            if self.notes[i].settled
            and self.notes[i].group is not None
            and self.notes[i].settled_theme is not None
        )
        number = {g: n for n, g in enumerate(seminar.groups, start=1)}
        stored = await self.store.settled_themes(seminar.id)
        numbers = [group.number for _, group, _ in stored]
        assert numbers == sorted(numbers), "themes not in group order"
        assert {theme.id: (group.id, count) for theme, group, count in stored} == {
            t: (self.themes[t].group, n) for t, n in held.items()
        }, "notes each theme holds"
        totals = await self.store.dot_totals(seminar.id)
        ranked = _ranking([(t.id, t.name, g.number) for t, g, _ in stored], totals)
        modelled: Counter[int] = Counter()
        for mine in seminar.dots.values():
            modelled.update(mine)
        assert ranked == _ranking(
            [(t, self.themes[t].name, number[self.themes[t].group]) for t in held],
            dict(modelled),
        ), "the dot vote's ranking"

    async def check_read_back_counts(self, seminar: ModelSeminar) -> None:
        answers = seminar.readbacks
        recognised = sum(1 for a, _ in answers.values() if a == "recognised")
        missing_notes = [
            note for _, (a, note) in sorted(answers.items()) if a == "missing" and note
        ]
        assert await self.store.read_back_counts(seminar.id) == (
            recognised,
            len(answers) - recognised,
            missing_notes,
        ), "read-back answers"


def test_the_stores_counts_match_a_plain_model() -> None:
    run_state_machine_as_test(
        StoreCounts,
        settings=settings(
            max_examples=100,
            stateful_step_count=80,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# -- the same press twice, spelled out ---------------------------------------------------


async def _one_theme(path: Path) -> tuple[Store, int, str, int]:
    """A store with one seminar, one group, a writer in it and a theme: (store, seminar,
    voter, theme)."""
    store = await Store.open(path / "seminar.sqlite3", SECRET, kdf=QUICK_KDF)
    keys = Keyring(SECRET)
    made = await store.create_seminar(MODERATOR, "Gode møter", "nb", ["Hva hjalp?"], 3)
    voter = keys.pseudonym(made.id, PEOPLE[0])
    await store.add_writer(made.id, voter)
    (group,) = await store.create_groups(made.id, [[voter]], {})
    theme, _ = await store.add_theme(made.id, group.id, "Tid", theme_key("Tid"))
    return store, made.id, voter, theme.id


async def test_a_vote_delivered_again_is_one_vote(tmp_path: Path) -> None:
    store, seminar_id, voter, theme_id = await _one_theme(tmp_path)
    try:
        note = await store.add_paper_note(seminar_id, 0, "Fra papir")
        (group,) = await store.groups(seminar_id)
        await store.set_note_group(note.id, group.id)
        for _ in range(2):
            await store.set_vote(note.id, voter, theme_id)
        assert await store.votes_of(voter) == {note.id: theme_id}
        assert await store.vote_count(seminar_id) == 1
        assert await store.sorting_votes(seminar_id) == {note.id: [theme_id]}
    finally:
        await store.close()


# -- what once went wrong, kept from coming back ----------------------------------------


async def test_a_dot_press_delivered_again_is_one_dot(tmp_path: Path) -> None:
    """The first handling is cut short before its commit (the bot died); Telegram delivers the
    press again, then once more: one dot, since the dot and the record that the update was
    handled commit together."""
    store, seminar_id, voter, theme_id = await _one_theme(tmp_path)
    update_id = 4711

    async def cut_short() -> None:
        async with store.handling(update_id) as fresh:
            assert fresh
            await store.change_dots(seminar_id, voter, theme_id, 1)
            raise RuntimeError("the bot stops here")

    try:
        with pytest.raises(RuntimeError):
            await cut_short()
        for _ in range(2):  # the delivery after the restart, and a second one
            async with store.handling(update_id) as fresh:
                if fresh:
                    await store.change_dots(seminar_id, voter, theme_id, 1)
        assert await store.dots_of(seminar_id, voter) == {theme_id: 1}
        assert await store.dot_totals(seminar_id) == {theme_id: 1}
    finally:
        await store.close()


async def test_forget_takes_the_read_back_answer_too(tmp_path: Path) -> None:
    store, seminar_id, voter, _ = await _one_theme(tmp_path)
    try:
        await store.save_read_back(seminar_id, voter, "missing", "Tema om tid mangler")
        await store.forget(seminar_id, PEOPLE[0], voter)
        assert await store.read_back_counts(seminar_id) == (0, 0, [])
    finally:
        await store.close()


async def test_a_writers_own_edit_takes_the_shortening_mark_away(tmp_path: Path) -> None:
    """A shortened note that its writer rewrites (in a reopened round) holds the writer's own
    words again: it must not be shown as shortened by the moderator."""
    store, seminar_id, voter, _ = await _one_theme(tmp_path)
    try:
        writer = await store.writer(seminar_id, voter)
        assert writer is not None
        note, _ = await store.add_note(writer, 0, "Kari på kontoret hjalp meg mye", "ref-1")
        await store.shorten_note(note.id, "En på kontoret hjalp meg mye")
        shortened = await store.note(note.id)
        assert shortened is not None
        assert shortened[0].shortened
        await store.update_note_text(note.id, "Saksbehandleren hjalp meg mye", writer, "ref-2")
        edited = await store.note(note.id)
        assert edited is not None
        assert (edited[0].text, edited[0].shortened) == ("Saksbehandleren hjalp meg mye", False)
    finally:
        await store.close()
