"""Asking the moderators: a participant sends their seminar's moderators a question without
their name, and one moderator's answer reaches only the person who asked.

Asking is a stored step (`Expecting.ASK_MODERATORS`, a `QuestionDraft`): the person's next
text is the question. It gets what a note gets: `clean_text`, the note length limit and the
personal-data question (keep or delete). Each moderator is then sent the question with nothing
that says who asked; pressing its "Answer" button sets the moderator's own step
(`Expecting.ANSWER_QUESTION`), whose next text is the answer. Who asked is sealed in the store
and opened only to send the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain import Member, Person, PrivateQuestion, Role, Seminar
from bot.expectations import Expectation, Expecting, QuestionAnswerDraft, QuestionDraft
from bot.flows.answering import EmptyNote, NoteTooLong, NothingPending, check_note
from bot.flows.deps import Deps
from bot.flows.personal_data import HeldDropped, HeldText, PersonalDataFound, question
from bot.flows.refusals import Gone, GoneThing, NotJoined, WrongPhase

__all__ = [
    "ANSWER_LIMIT",
    "AlreadyAnswered",
    "AnswerAsked",
    "AnswerSent",
    "AskAsked",
    "AskCancelled",
    "QuestionSent",
    "WaitingQuestions",
    "answer",
    "ask",
    "cancel_asking",
    "drop_question",
    "keep_question",
    "receive_question",
    "start_answer",
    "waiting_list",
    "waiting_questions",
]

# A moderator's answer may say more than a note, and still fits one message with its frame.
ANSWER_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class AskAsked:
    """The person's next text is their question to the moderators."""

    seminar: Seminar
    limit: int


@dataclass(frozen=True, slots=True)
class AskCancelled:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class QuestionSent:
    """The question is stored and goes to every moderator, with nothing of who asked."""

    seminar: Seminar
    question: PrivateQuestion
    moderators: list[Member]


@dataclass(frozen=True, slots=True)
class AnswerAsked:
    """The moderator's next text is the answer to this question."""

    seminar: Seminar
    question: PrivateQuestion


@dataclass(frozen=True, slots=True)
class AlreadyAnswered:
    """Another moderator (or this one, earlier) answered it: one answer per question."""

    seminar: Seminar
    question: PrivateQuestion


@dataclass(frozen=True, slots=True)
class AnswerSent:
    """The answer is stored; it goes to the person who asked, in their language."""

    seminar: Seminar
    question: PrivateQuestion
    asker_language: str | None  # None when the asker has left the seminar: nobody to tell


@dataclass(frozen=True, slots=True)
class WaitingQuestions:
    seminar: Seminar
    questions: list[PrivateQuestion]


async def _participant_seminar(deps: Deps, person: Person, seminar_id: int | None) -> Seminar:
    """The seminar a participant asks in: the button's, or their active one. Only somebody
    who takes part may ask, and only until the seminar has ended."""
    if seminar_id is None:
        seminar = await deps.active_seminar(person)
    else:
        seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        raise NotJoined()
    member = await deps.store.membership(seminar.id, person.tg_id)
    if member is None or member.role is not Role.PARTICIPANT:
        raise NotJoined()
    if seminar.ended:
        raise WrongPhase(seminar)
    return seminar


async def _expect(deps: Deps, person: Person, expectation: Expectation) -> None:
    await deps.store.expect(person.tg_id, expectation)


async def ask(deps: Deps, person: Person, seminar_id: int | None = None) -> AskAsked:
    """The participant wants to ask the moderators something: their next text is it."""
    seminar = await _participant_seminar(deps, person, seminar_id)
    await _expect(deps, person, Expectation(Expecting.ASK_MODERATORS, QuestionDraft(seminar.id)))
    return AskAsked(seminar, deps.settings.note_max_length)


async def _asking(deps: Deps, person: Person) -> QuestionDraft | None:
    user = await deps.store.user(person.tg_id)
    if user is None or not isinstance(user.expectation.draft, QuestionDraft):
        return None
    return user.expectation.draft


async def cancel_asking(
    deps: Deps, person: Person, seminar_id: int
) -> AskCancelled | NothingPending:
    draft = await _asking(deps, person)
    if draft is None or draft.seminar != seminar_id:
        return NothingPending()
    seminar = await _participant_seminar(deps, person, seminar_id)
    await _expect(deps, person, Expectation(Expecting.NOTHING))
    await deps.store.checkpoint()  # a held question is gone from the write-ahead log too
    return AskCancelled(seminar)


async def receive_question(
    deps: Deps, person: Person, draft: QuestionDraft, text: str
) -> QuestionSent | EmptyNote | NoteTooLong | PersonalDataFound:
    """The participant's question: checked as a note is, then sent without their name."""
    seminar = await _participant_seminar(deps, person, draft.seminar)
    checked = check_note(text, deps.settings.note_max_length)
    if not isinstance(checked, str):
        return checked  # the step stays: their next text is the question still
    if (asked := question(seminar, checked, HeldText.QUESTION)) is not None:
        held = Expectation(Expecting.ASK_MODERATORS, replace(draft, held=checked))
        await _expect(deps, person, held)
        return asked
    return await _send(deps, person, seminar, checked)


async def _send(deps: Deps, person: Person, seminar: Seminar, text: str) -> QuestionSent:
    await _expect(deps, person, Expectation(Expecting.NOTHING))
    stored = await deps.store.add_question(seminar.id, person.tg_id, text)
    return QuestionSent(seminar, stored, await deps.moderators(seminar.id))


async def keep_question(
    deps: Deps, person: Person, seminar_id: int
) -> QuestionSent | NothingPending:
    """The participant confirmed that a question with a detail identifies nobody."""
    draft = await _asking(deps, person)
    if draft is None or draft.seminar != seminar_id or draft.held is None:
        return NothingPending()
    seminar = await _participant_seminar(deps, person, seminar_id)
    return await _send(deps, person, seminar, draft.held)


async def drop_question(
    deps: Deps, person: Person, seminar_id: int
) -> HeldDropped | NothingPending:
    """The held question is deleted, seen by nobody; the next text is the question again."""
    draft = await _asking(deps, person)
    if draft is None or draft.seminar != seminar_id or draft.held is None:
        return NothingPending()
    held = Expectation(Expecting.ASK_MODERATORS, replace(draft, held=None))
    await _expect(deps, person, held)
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return HeldDropped(HeldText.QUESTION)


async def _moderated_question(
    deps: Deps, person: Person, question_id: int
) -> tuple[Seminar, PrivateQuestion]:
    found = await deps.store.private_question(question_id)
    if found is None:
        raise Gone(GoneThing.SEMINAR)  # deleted with its seminar, or by its asker's /forget
    seminar = await deps.moderating(person, found.seminar_id)
    return seminar, found


async def start_answer(
    deps: Deps, person: Person, question_id: int
) -> AnswerAsked | AlreadyAnswered:
    """A moderator pressed "Answer": their next text is the answer, unless it has one."""
    seminar, found = await _moderated_question(deps, person, question_id)
    if found.answered:
        return AlreadyAnswered(seminar, found)
    draft = QuestionAnswerDraft(found.id)
    await _expect(deps, person, Expectation(Expecting.ANSWER_QUESTION, draft))
    return AnswerAsked(seminar, found)


async def answer(
    deps: Deps, person: Person, draft: QuestionAnswerDraft, text: str
) -> AnswerSent | AlreadyAnswered | EmptyNote | NoteTooLong:
    """The moderator's answer: stored once, and sent to the person who asked only."""
    seminar, found = await _moderated_question(deps, person, draft.question)
    checked = check_note(text, ANSWER_LIMIT)
    if not isinstance(checked, str):
        return checked
    await _expect(deps, person, Expectation(Expecting.NOTHING))
    if found.answered or not await deps.store.answer_question(found.id, checked):
        return AlreadyAnswered(seminar, found)
    asker = await deps.store.membership(seminar.id, found.asker)
    language = asker.language if asker is not None else None
    return AnswerSent(seminar, replace(found, answer=checked), language)


async def waiting_list(deps: Deps, person: Person) -> WaitingQuestions:
    """/questions: the unanswered questions of the moderator's seminar."""
    seminar = await deps.moderating(person)
    return WaitingQuestions(seminar, await deps.store.unanswered_questions(seminar.id))


async def waiting_questions(deps: Deps, seminar_id: int) -> int:
    """How many of the seminar's questions wait for an answer (for the moderators' screens)."""
    return await deps.store.unanswered_count(seminar_id)
