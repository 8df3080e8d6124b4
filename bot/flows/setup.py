"""Creating a seminar step by step (state in the database), invites, opening and closing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bot.domain import (
    Expectation,
    Expecting,
    Member,
    Note,
    NoteCounts,
    Person,
    Phase,
    Role,
    Seminar,
    SeminarDraft,
)
from bot.flows.clean_text import one_line
from bot.flows.deps import Deps, NoSeminar, NotModerator
from bot.flows.rules import MIN_WRITERS, writer_key
from bot.i18n import LANGUAGES, translator

__all__ = [
    "MAX_QUESTIONS",
    "AskCustomQuestion",
    "AskLanguage",
    "AskQuestions",
    "AskTitle",
    "InvalidSetupText",
    "NotesInGroups",
    "RoundClosed",
    "RoundOpened",
    "RoundStillOpen",
    "SeminarCreated",
    "SetupCancelled",
    "StepPassed",
    "TooFewWriters",
    "WrongPhase",
    "default_questions",
    "note_writers",
    "too_few_writers",
]

MAX_QUESTIONS = 5
MAX_TITLE = 120
MAX_QUESTION = 300


def default_questions(language: str) -> tuple[str, ...]:
    """The dialogue seminar's two questions, in the seminar's language."""
    t = translator(language)
    return (
        t.gettext(
            "What have you been most satisfied with and found most useful in your encounters "
            "with the public support services?"
        ),
        t.gettext("What was it that made this a good experience?"),
    )


@dataclass(frozen=True, slots=True)
class AskTitle:
    pass


@dataclass(frozen=True, slots=True)
class AskLanguage:
    title: str


@dataclass(frozen=True, slots=True)
class AskQuestions:
    language: str
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AskCustomQuestion:
    number: int
    written: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InvalidSetupText:
    reason: str  # "empty" | "too_long" | "need_one"
    limit: int = 0


@dataclass(frozen=True, slots=True)
class SetupCancelled:
    pass


@dataclass(frozen=True, slots=True)
class SeminarCreated:
    seminar: Seminar
    previous: Seminar | None = None


@dataclass(frozen=True, slots=True)
class WrongPhase:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class TooFewWriters:
    """Fewer than three people wrote the visible notes: none may be shown to anyone, since its
    readers could tell who wrote what. Moderators get the counts and this reason."""

    seminar: Seminar
    writers: int
    notes: int


@dataclass(frozen=True, slots=True)
class RoundStillOpen:
    """Notes reach moderators only after the answer round is closed."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class VotesOpen:
    """No report while the sorting vote or the dot vote goes on: two reports a press apart would
    show that one person's votes or dots."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NotesInGroups:
    """The answer round cannot open again: the notes have gone to the groups."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class RoundOpened:
    seminar: Seminar
    reopened: bool
    participants: list[Member]


@dataclass(frozen=True, slots=True)
class RoundClosed:
    seminar: Seminar
    closed_at: datetime
    counts: NoteCounts
    notes: list[Note]
    moderators: list[Member]
    participants: list[Member] = field(default_factory=list)
    too_few: TooFewWriters | None = None  # then `notes` is empty: moderators get counts only


SetupOutcome = (
    AskTitle
    | AskLanguage
    | AskQuestions
    | AskCustomQuestion
    | InvalidSetupText
    | SetupCancelled
    | SeminarCreated
)


@dataclass(frozen=True, slots=True)
class StepPassed:
    """A button of a step of /new the moderator is no longer on."""


SETUP_STEPS = (Expecting.TITLE, Expecting.LANGUAGE, Expecting.QUESTIONS, Expecting.CUSTOM_QUESTIONS)


async def start(deps: Deps, person: Person) -> AskTitle:
    """Creating a seminar is the moderator's own act, so their user row is made here."""
    await deps.store.save_user_language(person.tg_id, await deps.language(person))
    await deps.store.expect(person.tg_id, Expectation(Expecting.TITLE, SeminarDraft()))
    return AskTitle()


async def cancel(deps: Deps, person: Person) -> SetupCancelled:
    if await deps.store.user(person.tg_id) is not None:
        await deps.store.expect(person.tg_id)
    return SetupCancelled()


async def _on_step(deps: Deps, person: Person, step: Expecting) -> SeminarDraft | None:
    """The seminar draft, if the moderator is on this step of creating it."""
    user = await deps.store.user(person.tg_id)
    if user is None or user.expectation.kind is not step:
        return None
    draft = user.expectation.draft
    assert isinstance(draft, SeminarDraft)
    return draft


async def _go_on(deps: Deps, person: Person, step: Expecting, draft: SeminarDraft) -> None:
    await deps.store.expect(person.tg_id, Expectation(step, draft))


def _clean(text: str, limit: int) -> str | InvalidSetupText:
    text = one_line(text)
    if not text:
        return InvalidSetupText("empty")
    if len(text) > limit:
        return InvalidSetupText("too_long", limit)
    return text


async def receive_text(
    deps: Deps, person: Person, expectation: Expectation, text: str
) -> SetupOutcome:
    """A text typed at a step of creating a seminar."""
    draft = expectation.draft
    assert isinstance(draft, SeminarDraft)
    match expectation.kind:
        case Expecting.TITLE:
            title = _clean(text, MAX_TITLE)
            if isinstance(title, InvalidSetupText):
                return title
            await _go_on(deps, person, Expecting.LANGUAGE, replace(draft, title=title))
            return AskLanguage(title)
        case Expecting.LANGUAGE:
            # The step waits for a button; a text (or a message delivered again) asks again.
            return AskLanguage(draft.title)
        case Expecting.QUESTIONS:
            language = draft.language or deps.settings.default_language
            return AskQuestions(language, default_questions(language))
        case _:
            question = _clean(text, MAX_QUESTION)
            if isinstance(question, InvalidSetupText):
                return question
            written = replace(draft, questions=(*draft.questions, question))
            if len(written.questions) >= MAX_QUESTIONS:
                return await _create(deps, person, written)
            await _go_on(deps, person, Expecting.CUSTOM_QUESTIONS, written)
            return AskCustomQuestion(len(written.questions) + 1, written.questions)


async def choose_language(deps: Deps, person: Person, language: int) -> SetupOutcome | StepPassed:
    draft = await _on_step(deps, person, Expecting.LANGUAGE)
    if draft is None:
        return StepPassed()
    lang = LANGUAGES[language]
    await _go_on(deps, person, Expecting.QUESTIONS, replace(draft, language=lang))
    return AskQuestions(lang, default_questions(lang))


async def use_default_questions(deps: Deps, person: Person) -> SetupOutcome | StepPassed:
    draft = await _on_step(deps, person, Expecting.QUESTIONS)
    if draft is None:
        return StepPassed()
    questions = default_questions(draft.language or "nb")
    return await _create(deps, person, replace(draft, questions=tuple(questions)))


async def write_own_questions(deps: Deps, person: Person) -> SetupOutcome | StepPassed:
    draft = await _on_step(deps, person, Expecting.QUESTIONS)
    if draft is None:
        return StepPassed()
    await _go_on(deps, person, Expecting.CUSTOM_QUESTIONS, replace(draft, questions=()))
    return AskCustomQuestion(1, ())


async def questions_done(deps: Deps, person: Person) -> SetupOutcome | StepPassed:
    draft = await _on_step(deps, person, Expecting.CUSTOM_QUESTIONS)
    if draft is None:
        return StepPassed()
    if not draft.questions:
        return InvalidSetupText("need_one")
    return await _create(deps, person, draft)


async def _create(deps: Deps, person: Person, draft: SeminarDraft) -> SeminarCreated:
    language = draft.language or deps.settings.default_language
    questions = list(draft.questions) or list(default_questions(language))
    seminar = await deps.store.create_seminar(
        owner=person.tg_id,
        title=draft.title,
        language=language,
        questions=questions,
        group_size=deps.settings.group_size,
        dots=(deps.settings.dot_budget, deps.settings.dot_max_per_theme),
    )
    earlier = [
        s
        for s, role in await deps.store.seminars_of(person.tg_id)
        if role is Role.MODERATOR and s.id != seminar.id
    ]
    return SeminarCreated(seminar, earlier[0] if earlier else None)


async def open_with_previous(
    deps: Deps, person: Person, seminar_id: int, previous_id: int
) -> tuple[Seminar, Seminar] | NoSeminar | NotModerator:
    """The summary of an earlier seminar opens this one's answer round."""
    seminar = await deps.moderated_seminar(person, seminar_id)
    previous = await deps.moderated_seminar(person, previous_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if not isinstance(previous, Seminar):
        return previous
    await deps.store.set_previous(seminar.id, previous.id)
    return seminar, previous


# -- running the round --------------------------------------------------------------------


async def invite(
    deps: Deps, person: Person, renew_for: int | None = None
) -> Seminar | NoSeminar | NotModerator:
    """The seminar whose join link to show; renewing makes the old link stop working."""
    seminar = await deps.moderated_seminar(person, renew_for)
    if not isinstance(seminar, Seminar) or renew_for is None:
        return seminar
    await deps.store.renew_invite_code(seminar.id)
    renewed = await deps.store.seminar(seminar.id)
    return renewed if renewed is not None else NoSeminar()


async def open_round(
    deps: Deps, person: Person, seminar_id: int | None = None, *, reopen: bool = True
) -> RoundOpened | NotesInGroups | WrongPhase | NoSeminar | NotModerator:
    """Opens the answer round, or opens it again until the notes have gone to the groups. Only
    a moderator reopens (`reopen`): a scheduled opening left over from before must not open a
    round that has closed since, which nobody asked for."""
    seminar = await deps.moderated_seminar(person, seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if not reopen and seminar.phase is not Phase.DRAFT:
        return WrongPhase(seminar)
    if await deps.store.groups(seminar.id):
        # Notes written now would belong to no group: the answer round can no longer reopen.
        return NotesInGroups(seminar) if seminar.phase is Phase.GROUPING else WrongPhase(seminar)
    if not await deps.store.set_phase(seminar.id, (Phase.DRAFT, Phase.GROUPING), Phase.ANSWERING):
        return WrongPhase(seminar)
    opened = await deps.store.seminar(seminar.id)
    assert opened is not None
    participants = await participants_of(deps, opened)
    return RoundOpened(opened, reopened=seminar.phase is Phase.GROUPING, participants=participants)


async def participants_of(deps: Deps, seminar: Seminar) -> list[Member]:
    """Members who agreed to take part (moderators too, if they joined with the link)."""
    members = await deps.store.members(seminar.id)
    result = []
    for member in members:
        if member.role is Role.PARTICIPANT or await deps.store.writer(
            seminar.id, deps.keys.pseudonym(seminar.id, member.tg_id)
        ):
            result.append(member)
    return result


async def close_round(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> RoundClosed | WrongPhase | NoSeminar | NotModerator:
    seminar = await deps.moderated_seminar(person, seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if not await deps.store.set_phase(seminar.id, (Phase.ANSWERING,), Phase.GROUPING):
        return WrongPhase(seminar)
    # The members, pseudonyms and notes lie in the order they were written; no longer.
    await deps.store.rebuild_file()
    closed = await deps.store.seminar(seminar.id)
    assert closed is not None
    too_few = await too_few_writers(deps, closed)
    return RoundClosed(
        seminar=closed,
        closed_at=datetime.now(UTC),
        counts=await deps.store.note_counts(closed),
        notes=[] if too_few else await visible_notes_shuffled(deps, closed),
        moderators=await deps.moderators(closed.id),
        participants=await participants_of(deps, closed),
        too_few=too_few,
    )


async def note_writers(deps: Deps, seminar: Seminar) -> dict[int, str]:
    """Each visible note's writer (rules.writer_key: all paper notes count as one)."""
    authors = await deps.store.note_authors(seminar.id)
    return {note: writer_key(author, paper) for note, (author, paper) in authors.items()}


async def too_few_writers(deps: Deps, seminar: Seminar) -> TooFewWriters | None:
    """Why no list of the seminar's notes may be shown, or None when enough people wrote."""
    writers = await note_writers(deps, seminar)
    count = len(set(writers.values()))
    return TooFewWriters(seminar, count, len(writers)) if count < MIN_WRITERS else None


async def visible_notes_shuffled(deps: Deps, seminar: Seminar) -> list[Note]:
    """Notes as anyone but their writer may see them: no hidden ones, never in writing order."""
    notes = [n for n in await deps.store.seminar_notes(seminar.id) if not n.hidden]
    random.SystemRandom().shuffle(notes)
    notes.sort(key=lambda n: n.question)
    return notes
