"""What asking the moderators looks like: the invitation to write, the question as each
moderator gets it (no name, no id, nothing of who asked), the answer as the asker gets it,
and the moderators' list of questions waiting for an answer."""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import PrivateQuestion, Seminar
from bot.flows import questions
from bot.i18n import Translator
from bot.render.screens import Key, Screen, esc, key, paginate

__all__ = [
    "already_answered",
    "answer_asked",
    "answer_for_asker",
    "answer_sent",
    "answer_too_long",
    "answered_notice",
    "ask_cancelled",
    "ask_prompt",
    "empty",
    "question_for_moderators",
    "question_sent",
    "question_too_long",
    "waiting",
]


def ask_prompt(t: Translator, outcome: questions.AskAsked) -> Screen:
    return Screen(
        # Participant: questions, ask prompt
        t.gettext(
            "Write your question to the moderators of <b>{title}</b> in one message (at most "
            "{limit} characters). They will not see your name. The answer comes here."
        ).format(title=esc(outcome.seminar.title), limit=t.number(outcome.limit)),
        # Participant: questions, ask prompt
        ((key(t.pgettext("button", "Cancel"), Action.CANCEL_QUESTION, outcome.seminar.id),),),
    )


def ask_cancelled(t: Translator) -> Screen:
    # Participant: questions, ask cancelled
    return Screen(t.gettext("Fine, no question was sent."))


def question_sent(t: Translator) -> Screen:
    return Screen(
        # Participant: questions, question sent
        t.gettext(
            "Sent ✓ The moderators got your question without your name. Their answer comes here."
        )
    )


def _answer_key(t: Translator, question: PrivateQuestion) -> Key:
    return key(t.pgettext("button", "Answer"), Action.ANSWER_QUESTION, question.id)


def question_for_moderators(t: Translator, seminar: Seminar, question: PrivateQuestion) -> Screen:
    """The question as every moderator gets it: its words only, never who asked."""
    return Screen(
        t.gettext("A participant in <b>{title}</b> asks the moderators:").format(
            title=esc(seminar.title)
        )
        + f"\n<blockquote>{esc(question.text)}</blockquote>",
        ((_answer_key(t, question),),),
    )


def answer_asked(t: Translator, question: PrivateQuestion) -> Screen:
    return Screen(
        t.gettext(
            "Write your answer in one message. Only the person who asked gets it, and they do "
            "not learn which moderator answered:"
        )
        + f"\n<blockquote>{esc(question.text)}</blockquote>"
    )


def already_answered(t: Translator, question: PrivateQuestion) -> Screen:
    """What an "Answer" button says once the question has its answer."""
    text = t.gettext("This question has been answered already:") + (
        f"\n<blockquote>{esc(question.text)}</blockquote>"
    )
    if question.answer is not None:
        text += (
            "\n" + t.gettext("The answer:") + f"\n<blockquote>{esc(question.answer)}</blockquote>"
        )
    return Screen(text)


def answered_notice(t: Translator) -> str:
    """The short notice on a pressed "Answer" button of an answered question."""
    return t.gettext("This question has been answered already.")


def answer_sent(t: Translator, asker_reached: bool) -> Screen:
    if not asker_reached:
        return Screen(
            t.gettext(
                "The answer is saved, but the person who asked has left the seminar, so "
                "nobody got it."
            )
        )
    return Screen(t.gettext("Sent ✓ Only the person who asked gets your answer."))


def answer_for_asker(t: Translator, seminar: Seminar, question: PrivateQuestion) -> Screen:
    assert question.answer is not None
    return Screen(
        # Participant: questions, answer for asker
        t.gettext("The moderators of <b>{title}</b> answered your question:").format(
            title=esc(seminar.title)
        )
        + f"\n<blockquote>{esc(question.text)}</blockquote>\n"
        + f"<blockquote>{esc(question.answer)}</blockquote>"
    )


def answer_too_long(t: Translator, length: int, limit: int) -> Screen:
    return Screen(
        t.gettext(
            "That answer is too long: {length} characters, and an answer holds at most "
            "{limit}. Nothing was sent. Please write it shorter."
        ).format(length=t.number(length), limit=t.number(limit))
    )


def question_too_long(t: Translator, length: int, limit: int) -> Screen:
    return Screen(
        # Participant: questions, question too long
        t.gettext(
            "That question is too long: {length} characters, and a question holds at most "
            "{limit}. Nothing was sent. Please write it shorter."
        ).format(length=t.number(length), limit=t.number(limit))
    )


def empty(t: Translator) -> Screen:
    # Participant: questions, empty
    return Screen(t.gettext("That message was empty. Please write it as text."))


def waiting(t: Translator, seminar: Seminar, found: Sequence[PrivateQuestion]) -> list[Screen]:
    """/questions: the unanswered questions, each with its "Answer" button."""
    if not found:
        return [
            Screen(
                t.gettext(
                    "No questions from participants in <b>{title}</b> wait for an answer."
                ).format(title=esc(seminar.title))
            )
        ]
    head = t.gettext("<b>Questions waiting for an answer in {title}</b>").format(
        title=esc(seminar.title)
    )
    blocks = [
        (
            f"{number}. {esc(item.text)}",
            (
                key(
                    t.pgettext("button", "Answer question {number}").format(number=number),
                    Action.ANSWER_QUESTION,
                    item.id,
                ),
            ),
        )
        for number, item in enumerate(found, start=1)
    ]
    return paginate(head, blocks, keys_per_row=3)
