"""Creating a seminar step by step (state in the database), invites, and opening and closing the
answer round: how a seminar comes to be and gets its notes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from bot.domain import Member, Note, NoteCounts, Person, Phase, Role, Seminar
from bot.expectations import Expectation, Expecting, SeminarDraft, TranslationDraft
from bot.flows import refusals
from bot.flows.clean_text import one_line
from bot.flows.deps import Deps
from bot.flows.rules import MIN_WRITERS, writer_key
from bot.i18n import LANGUAGES, standard_questions, translator

__all__ = [
    "MAX_QUESTIONS",
    "AskCustomQuestion",
    "AskLanguage",
    "AskQuestions",
    "AskTitle",
    "AskTranslatedQuestion",
    "AskTranslationLanguage",
    "InvalidSetupText",
    "PreviousChosen",
    "QuestionsReplaced",
    "RoundClosed",
    "RoundOpened",
    "SeminarCreated",
    "SetupCancelled",
    "SetupProblem",
    "StandardQuestions",
    "StepPassed",
    "TooFewWriters",
    "TranslationCancelled",
    "TranslationSaved",
    "default_questions",
    "note_writers",
    "too_few_writers",
]

MAX_QUESTIONS = 5
MAX_TITLE = 120
MAX_QUESTION = 300


def default_questions(language: str) -> tuple[str, ...]:
    """The dialogue seminar's two questions, in the seminar's language."""
    return standard_questions(translator(language))


@dataclass(frozen=True, slots=True)
class AskTitle:
    """The first step of /new: the seminar's title is asked for."""


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


class SetupProblem(StrEnum):
    """Why a text typed while creating a seminar was not taken."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NEED_ONE = "need_one"  # «Done» before any question was written


@dataclass(frozen=True, slots=True)
class InvalidSetupText:
    reason: SetupProblem
    limit: int = 0


@dataclass(frozen=True, slots=True)
class SetupCancelled:
    """/new was given up; nothing was made. `kept`: the moderator gave up writing their own
    questions for a seminar of a series, which keeps its standard ones."""

    kept: bool = False


@dataclass(frozen=True, slots=True)
class SeminarCreated:
    seminar: Seminar
    previous: Seminar | None = None


@dataclass(frozen=True, slots=True)
class QuestionsReplaced:
    """A seminar of a series asks the moderator's own questions instead of the standard ones."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class PreviousChosen:
    """The answer round of `seminar` will begin with the summary of `previous`."""

    seminar: Seminar
    previous: Seminar


# The refusals below are still returned by flows of other features; these flows raise the ones
# of bot/flows/refusals.py instead.


@dataclass(frozen=True, slots=True)
class TooFewWriters:
    """Fewer than three people wrote the visible notes: none may be shown to anyone, since its
    readers could tell who wrote what. Moderators get the counts and this reason."""

    seminar: Seminar
    writers: int
    notes: int


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
    | QuestionsReplaced
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
    user = await deps.store.user(person.tg_id)
    if user is None:
        return SetupCancelled()
    await deps.store.expect(person.tg_id)
    draft = user.expectation.draft
    return SetupCancelled(kept=isinstance(draft, SeminarDraft) and draft.replaces != 0)


async def _on_step(deps: Deps, person: Person, step: Expecting) -> SeminarDraft | StepPassed:
    """The seminar draft, if the moderator is still on this step of creating it."""
    user = await deps.store.user(person.tg_id)
    if user is None or user.expectation.kind is not step:
        return StepPassed()
    draft = user.expectation.draft
    assert isinstance(draft, SeminarDraft)
    return draft


async def _go_on(deps: Deps, person: Person, step: Expecting, draft: SeminarDraft) -> None:
    await deps.store.expect(person.tg_id, Expectation(step, draft))


def _clean(text: str, limit: int) -> str | InvalidSetupText:
    text = one_line(text)
    if not text:
        return InvalidSetupText(SetupProblem.EMPTY)
    if len(text) > limit:
        return InvalidSetupText(SetupProblem.TOO_LONG, limit)
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
    if isinstance(draft, StepPassed):
        return draft
    lang = LANGUAGES[language]
    await _go_on(deps, person, Expecting.QUESTIONS, replace(draft, language=lang))
    return AskQuestions(lang, default_questions(lang))


async def use_default_questions(deps: Deps, person: Person) -> SetupOutcome | StepPassed:
    draft = await _on_step(deps, person, Expecting.QUESTIONS)
    if isinstance(draft, StepPassed):
        return draft
    questions = default_questions(draft.language or "nb")
    return await _create(deps, person, replace(draft, questions=tuple(questions)))


async def write_own_questions(deps: Deps, person: Person) -> SetupOutcome | StepPassed:
    draft = await _on_step(deps, person, Expecting.QUESTIONS)
    if isinstance(draft, StepPassed):
        return draft
    await _go_on(deps, person, Expecting.CUSTOM_QUESTIONS, replace(draft, questions=()))
    return AskCustomQuestion(1, ())


async def questions_done(deps: Deps, person: Person) -> SetupOutcome | StepPassed:
    draft = await _on_step(deps, person, Expecting.CUSTOM_QUESTIONS)
    if isinstance(draft, StepPassed):
        return draft
    if not draft.questions:
        return InvalidSetupText(SetupProblem.NEED_ONE)
    return await _create(deps, person, draft)


async def _create(
    deps: Deps, person: Person, draft: SeminarDraft
) -> SeminarCreated | QuestionsReplaced:
    if draft.replaces:
        return await _replace(deps, person, draft)
    language = draft.language or deps.settings.default_language
    questions = list(draft.questions) or list(default_questions(language))
    seminar = await deps.store.create_seminar(
        owner=person.tg_id,
        title=draft.title,
        language=language,
        questions=questions,
        group_size=deps.settings.group_size,
        dots=(deps.settings.dot_budget, deps.settings.dot_max_per_theme),
        # The method's questions are in every catalog: each reader gets their own wording.
        standard=tuple(questions) == default_questions(language),
    )
    earlier = [
        s
        for s, role in await deps.store.seminars_of(person.tg_id)
        if role is Role.MODERATOR and s.id != seminar.id
    ]
    return SeminarCreated(seminar, earlier[0] if earlier else None)


async def _replace(deps: Deps, person: Person, draft: SeminarDraft) -> QuestionsReplaced:
    """The moderator's own questions for a seminar started from its series, before it opens."""
    await deps.store.expect(person.tg_id)
    seminar = await deps.moderating(person, draft.replaces)
    if not await deps.store.replace_questions(seminar.id, draft.questions):
        raise refusals.WrongPhase(seminar)
    replaced = await deps.store.seminar(seminar.id)
    assert replaced is not None
    return QuestionsReplaced(replaced)


async def write_own_for(deps: Deps, person: Person, seminar_id: int) -> AskCustomQuestion:
    """A seminar started from its series asks the kind's standard questions; until its answer
    round opens, the moderator may write their own instead, with the steps of /new."""
    seminar = await deps.moderating(person, seminar_id)
    if not seminar.questions_replaceable:
        raise refusals.WrongPhase(seminar)
    draft = SeminarDraft(seminar.title, seminar.language, (), replaces=seminar.id)
    await deps.store.expect(person.tg_id, Expectation(Expecting.CUSTOM_QUESTIONS, draft))
    return AskCustomQuestion(1, ())


async def open_with_previous(
    deps: Deps, person: Person, seminar_id: int, previous_id: int
) -> PreviousChosen:
    """The summary of an earlier seminar opens this one's answer round."""
    seminar = await deps.moderating(person, seminar_id)
    previous = await deps.moderating(person, previous_id)
    await deps.store.set_previous(seminar.id, previous.id)
    return PreviousChosen(seminar, previous)


# -- the questions in more languages -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AskTranslationLanguage:
    """Which language to give the seminar's own questions in (by index in `LANGUAGES`)."""

    seminar: Seminar
    languages: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AskTranslatedQuestion:
    seminar: Seminar
    language: str
    number: int  # 1-based: the question to give next
    written: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TranslationSaved:
    seminar: Seminar
    language: str


@dataclass(frozen=True, slots=True)
class StandardQuestions:
    """The method's questions need no translation: every catalog holds them."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class TranslationCancelled:
    """The questions in one more language were given up; nothing was kept."""


TranslationOutcome = (
    AskTranslationLanguage
    | AskTranslatedQuestion
    | TranslationSaved
    | StandardQuestions
    | InvalidSetupText
)


async def _translatable(deps: Deps, person: Person, seminar_id: int | None) -> Seminar:
    """A seminar whose questions a moderator may still give in more languages: until the
    answer round opens, nobody has read them."""
    seminar = await deps.moderating(person, seminar_id)
    if not seminar.not_yet_open:
        raise refusals.WrongPhase(seminar)
    return seminar


async def offer_translation(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> TranslationOutcome:
    seminar = await _translatable(deps, person, seminar_id)
    if not seminar.own_questions:
        return StandardQuestions(seminar)
    others = tuple(i for i, code in enumerate(LANGUAGES) if code != seminar.language)
    return AskTranslationLanguage(seminar, others)


async def choose_translation(
    deps: Deps, person: Person, seminar_id: int, language: int
) -> TranslationOutcome:
    seminar = await _translatable(deps, person, seminar_id)
    if not seminar.own_questions:
        return StandardQuestions(seminar)
    code = LANGUAGES[language]
    if code == seminar.language:
        return await offer_translation(deps, person, seminar.id)
    draft = TranslationDraft(seminar.id, code)
    await deps.store.expect(person.tg_id, Expectation(Expecting.TRANSLATION, draft))
    return AskTranslatedQuestion(seminar, code, 1, ())


async def receive_translation(
    deps: Deps, person: Person, draft: TranslationDraft, text: str
) -> TranslationOutcome:
    """One question in the new language; the last one keeps them all."""
    seminar = await _translatable(deps, person, draft.seminar)
    question = _clean(text, MAX_QUESTION)
    if isinstance(question, InvalidSetupText):
        return question
    written = (*draft.questions, question)[: len(seminar.questions)]
    if len(written) < len(seminar.questions):
        step = Expectation(Expecting.TRANSLATION, replace(draft, questions=written))
        await deps.store.expect(person.tg_id, step)
        return AskTranslatedQuestion(seminar, draft.language, len(written) + 1, written)
    if not await deps.store.translate_questions(seminar.id, draft.language, written):
        raise refusals.WrongPhase(seminar)
    await deps.store.expect(person.tg_id)
    return TranslationSaved(seminar, draft.language)


async def cancel_translation(deps: Deps, person: Person) -> TranslationCancelled:
    user = await deps.store.user(person.tg_id)
    if user is not None and user.expectation.kind is Expecting.TRANSLATION:
        await deps.store.expect(person.tg_id)
    return TranslationCancelled()


# -- running the round --------------------------------------------------------------------


async def invite(deps: Deps, person: Person, renew_for: int | None = None) -> Seminar:
    """The seminar whose join link to show; renewing makes the old link stop working."""
    seminar = await deps.moderating(person, renew_for)
    if renew_for is None:
        return seminar
    await deps.store.renew_invite_code(seminar.id)
    renewed = await deps.store.seminar(seminar.id)
    assert renewed is not None
    return renewed


async def open_round(
    deps: Deps, person: Person, seminar_id: int | None = None, *, reopen: bool = True
) -> RoundOpened:
    """Opens the answer round, or opens it again until the notes have gone to the groups. Only
    a moderator reopens (`reopen`): a scheduled opening left over from before must not open a
    round that has closed since, which nobody asked for."""
    seminar = await deps.moderating(person, seminar_id)
    # The move back to the answer round, rather than its first opening.
    reopening = Phase.ANSWERING in seminar.rule.reopen
    if not seminar.may_move(Phase.ANSWERING) or (reopening and not reopen):
        raise refusals.WrongPhase(seminar)
    if await deps.store.groups(seminar.id):
        # Notes written now would belong to no group: the answer round can no longer reopen.
        raise refusals.NotesInGroups(seminar) if reopening else refusals.WrongPhase(seminar)
    if not await deps.store.move_phase(seminar.id, Phase.ANSWERING):
        raise refusals.WrongPhase(seminar)
    opened = await deps.store.seminar(seminar.id)
    assert opened is not None
    participants = await participants_of(deps, opened)
    return RoundOpened(opened, reopened=reopening, participants=participants)


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


async def close_round(deps: Deps, person: Person, seminar_id: int | None = None) -> RoundClosed:
    """Ends the answer round: the notes go to the moderators, the counts to everyone."""
    seminar = await deps.moderating(person, seminar_id)
    if not seminar.may_move(Phase.GROUPING):
        raise refusals.WrongPhase(seminar)
    if not await deps.store.move_phase(seminar.id, Phase.GROUPING):
        raise refusals.WrongPhase(seminar)  # another moderator closed it just now
    # The members, pseudonyms and notes lie in the order they were written; no longer.
    await deps.store.rebuild_file()
    closed = await deps.store.seminar(seminar.id)
    assert closed is not None
    too_few = await too_few_writers(deps, closed)
    return RoundClosed(
        seminar=closed,
        closed_at=deps.clock.now(),
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
