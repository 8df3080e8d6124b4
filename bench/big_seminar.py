"""A seminar of 1,000 participants and 10,000 notes, and how long its summary and report take.

The seminar is built through the same flows the bot's handlers call (join, answer, groups,
themes, sorting votes, dots), on a real database file; then the summary that moderators get
on a schedule, and the report (HTML, CSV, JSON and the chart), are timed as the bot makes them.

    python -m bench.big_seminar --participants 1000 --notes 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.config import Secrets, load_settings
from bot.domain import Person
from bot.expectations import Expectation, Expecting, SeminarDraft, ThemeToPropose
from bot.flows import answering, groups, joining, plenary, schedules, setup, themes
from bot.flows.deps import Deps
from bot.i18n import translator
from bot.render import schedules as schedules_view
from bot.store import Store
from bot.tools import write_report

SECRET = b"bench-seminar-secret-0123456789abcdef"
MODERATOR = Person(1, "nb")
VOTERS_PER_GROUP = 2
THEMES = ("Relasjon", "Tid", "Å bli trodd", "Valgfrihet", "Kunnskap")
SENTENCE = (
    "veilederen hørte på meg og tok seg tid til å forstå hele situasjonen min, ringte tilbake "
    "som lovet, og lot meg velge selv hva som var riktig for meg"
)
WORDS = tuple(SENTENCE.split())


@dataclass
class BigResult:
    participants: int
    notes: int
    votes: int
    build_seconds: float
    summary_seconds: float
    report_seconds: float
    report_bytes: int


def note_text(person: int, number: int) -> str:
    start = (person * 7 + number * 3) % len(WORDS)
    return " ".join((WORDS * 2)[start : start + 12]).capitalize() + "."


async def build(deps: Deps, participants: int, notes_each: int) -> tuple[int, int]:
    """Runs a whole seminar through the flows; returns the seminar's id and the votes cast."""
    await setup.start(deps, MODERATOR)
    titling = Expectation(Expecting.TITLE, SeminarDraft())
    await setup.receive_text(deps, MODERATOR, titling, "Gode møter med Nav")
    await setup.choose_language(deps, MODERATOR, 0)
    created = await setup.use_default_questions(deps, MODERATOR)
    assert isinstance(created, setup.SeminarCreated)
    seminar_id = created.seminar.id
    crowd = [Person(10_000 + i, "nb") for i in range(participants)]
    for person in crowd:
        await joining.consent(
            deps, person, seminar_id, 0, link_generation=created.seminar.invite_generation
        )
    await setup.open_round(deps, MODERATOR)
    for i, person in enumerate(crowd):
        for number in range(notes_each):
            if number == notes_each // 2:
                await answering.go_to_question(deps, person, seminar_id, 1)
            saved = await answering.receive_text(
                deps, person, note_text(i, number), person.tg_id, number + 1
            )
            assert isinstance(saved, answering.NoteSaved), saved
    await setup.close_round(deps, MODERATOR)
    await groups.form_groups(deps, MODERATOR)
    await groups.show_notes(deps, MODERATOR)
    for i, person in enumerate(crowd):
        # As the «New theme» press and the name after it do.
        await themes.ask_theme(deps, person, seminar_id, 0)
        user = await deps.store.user(person.tg_id)
        assert user is not None
        assert isinstance(user.expectation.draft, ThemeToPropose)
        await themes.propose_theme(deps, person, user.expectation.draft, THEMES[i % len(THEMES)])
    opened = await themes.open_voting(deps, MODERATOR)
    assert isinstance(opened, themes.VotingOpened)
    votes = 0
    voters: dict[int, int] = {}
    for member, first_card in opened.cards:
        # Two members of each group sort all its notes, as in a room where not all vote.
        voters[first_card.group.id] = voters.get(first_card.group.id, 0) + 1
        if voters[first_card.group.id] > VOTERS_PER_GROUP:
            continue
        person = Person(member.tg_id, "nb")
        card = first_card
        for _ in range(first_card.total):
            # As a press on the card does: the vote, and the next card in return.
            assert card.note is not None
            theme = card.themes[card.index % len(card.themes)]
            cast = await themes.cast_vote(deps, person, card.note.id, theme.id, card.index)
            assert isinstance(cast, groups.VoteCard)
            card = cast
            votes += 1
    await plenary.open_plenary(deps, MODERATOR)
    dots = await plenary.open_dots(deps, MODERATOR)
    assert isinstance(dots, plenary.DotsOpened)
    for member in dots.voters:
        for pick in (0, 1, 0):
            theme = dots.card.themes[pick % len(dots.card.themes)][0]
            await plenary.change_dots(deps, Person(member.tg_id, "nb"), seminar_id, theme.id, +1)
    await plenary.close_dots(deps, MODERATOR)
    return seminar_id, votes


async def measure(participants: int, notes_each: int) -> BigResult:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text('[storage]\ndatabase = "big.sqlite3"\n', encoding="utf-8")
        settings = load_settings(config)
        store = await Store.open(settings.database, SECRET)
        deps = Deps(store, store.keyring, settings)
        try:
            started = time.perf_counter()
            seminar_id, votes = await build(deps, participants, notes_each)
            built = time.perf_counter() - started

            started = time.perf_counter()
            seminar = await store.seminar(seminar_id)
            assert seminar is not None
            data = await schedules.summary(deps, seminar)
            for language in ("nb", "nn", "en"):
                schedules_view.summary_full(translator(language), data)
                schedules_view.summary_short(translator(language), data)
            summary_seconds = time.perf_counter() - started
            notes = data.notes
        finally:
            await store.close()

        started = time.perf_counter()
        files = await write_report(settings, Secrets("", SECRET), seminar_id, Path(folder) / "out")
        report_seconds = time.perf_counter() - started
        size = sum(path.stat().st_size for path in files)
    return BigResult(participants, notes, votes, built, summary_seconds, report_seconds, size)


def print_result(result: BigResult) -> None:
    print(
        f"\n## A big seminar: {result.participants} participants, {result.notes} notes, "
        f"{result.votes} sorting votes\n"
    )
    print("| | seconds | target |")
    print("|---|---:|---:|")
    print(f"| summary (data and text in three languages) | {result.summary_seconds:.3f} | ≤ 1 |")
    print(f"| report (HTML, CSV, JSON, chart) | {result.report_seconds:.3f} | ≤ 1 |")
    print(
        f"\nBuilding it through the flows took {result.build_seconds:.0f} s; the report's files "
        f"hold {result.report_bytes / 1024:.0f} KiB."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=10, help="notes per participant")
    args = parser.parse_args()
    print_result(asyncio.run(measure(args.participants, args.notes)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory of this process: {peak:.0f} MiB (pid {os.getpid()}).")


if __name__ == "__main__":
    main()
