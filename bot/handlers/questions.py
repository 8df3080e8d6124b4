"""/ask and the "Ask the moderators" button, the question's keep and drop, /questions and the
moderators' "Answer" button, and the texts of both steps."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button
from bot.expectations import Expectation, Expecting, QuestionAnswerDraft, QuestionDraft
from bot.flows import questions
from bot.flows.answering import EmptyNote, NoteTooLong, NothingPending
from bot.flows.personal_data import PersonalDataFound
from bot.handlers.common import (
    BotContext,
    answer_dropped,
    drop_buttons,
    edit,
    person_of,
    pressed_message,
    reader,
    send,
    send_many,
)
from bot.handlers.routes import MODERATORS, N_, Command, Menu, Press, Routes, Text
from bot.i18n import Translator, translator
from bot.render import answering as answering_view
from bot.render import questions as questions_view

__all__ = ["ROUTES"]


def _chat(update: Update) -> int:
    return person_of(update).tg_id


async def ask_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    outcome = await questions.ask(context.deps, person_of(update))
    await send(context, _chat(update), questions_view.ask_prompt(t, outcome))


async def ask_pressed(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await questions.ask(context.deps, person_of(update), button.arg(0))
    await send(context, _chat(update), questions_view.ask_prompt(t, outcome))
    return None


async def cancel_pressed(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await questions.cancel_asking(context.deps, person_of(update), button.arg(0))
    if isinstance(outcome, NothingPending):
        await drop_buttons(context, pressed_message(update))
        return answering_view.nothing_pending(t).text
    await edit(context, pressed_message(update), questions_view.ask_cancelled(t))
    return None


async def _sent(
    context: BotContext, chat: int, t: Translator, sent: questions.QuestionSent
) -> None:
    """The asker reads that it went; every moderator gets the question, in their language,
    with nothing that says who asked."""
    await send(context, chat, questions_view.question_sent(t))
    for moderator in sent.moderators:
        tm = translator(moderator.language)
        screen = questions_view.question_for_moderators(tm, sent.seminar, sent.question)
        await send(context, moderator.tg_id, screen)


async def question_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    assert isinstance(expectation.draft, QuestionDraft)
    t = await reader(update, context)
    chat = _chat(update)
    outcome = await questions.receive_question(
        context.deps, person_of(update), expectation.draft, text
    )
    match outcome:
        case EmptyNote():
            await send(context, chat, questions_view.empty(t))
        case NoteTooLong(length=length, limit=limit):
            await send(context, chat, questions_view.question_too_long(t, length, limit))
        case PersonalDataFound():
            await send(context, chat, answering_view.personal_data(t, outcome))
        case questions.QuestionSent():
            await _sent(context, chat, t, outcome)


async def keep_pressed(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    outcome = await questions.keep_question(context.deps, person_of(update), button.arg(0))
    if isinstance(outcome, NothingPending):
        return answering_view.nothing_pending(t).text
    await _sent(context, _chat(update), t, outcome)
    return None


async def drop_pressed(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await questions.drop_question(context.deps, person_of(update), button.arg(0))
    return await answer_dropped(update, context, t, outcome)


async def answer_pressed(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await questions.start_answer(context.deps, person_of(update), button.arg(0))
    match outcome:
        case questions.AlreadyAnswered(question=found):
            # The button says it was answered: nobody answers one question twice.
            await edit(context, pressed_message(update), questions_view.already_answered(t, found))
            return questions_view.answered_notice(t)
        case questions.AnswerAsked(question=found):
            await send(context, _chat(update), questions_view.answer_asked(t, found))
    return None


async def answer_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    assert isinstance(expectation.draft, QuestionAnswerDraft)
    t = await reader(update, context)
    chat = _chat(update)
    outcome = await questions.answer(context.deps, person_of(update), expectation.draft, text)
    match outcome:
        case EmptyNote():
            await send(context, chat, questions_view.empty(t))
        case NoteTooLong(length=length, limit=limit):
            await send(context, chat, questions_view.answer_too_long(t, length, limit))
        case questions.AlreadyAnswered(question=found):
            await send(context, chat, questions_view.already_answered(t, found))
        case questions.AnswerSent(seminar=seminar, question=found, asker_language=language):
            await send(context, chat, questions_view.answer_sent(t, language is not None))
            if language is not None:
                screen = questions_view.answer_for_asker(translator(language), seminar, found)
                await send(context, found.asker, screen)


async def questions_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    outcome = await questions.waiting_list(context.deps, person_of(update))
    await send_many(
        context, _chat(update), questions_view.waiting(t, outcome.seminar, outcome.questions)
    )


ROUTES = Routes(
    commands=(
        Command(
            "ask",
            ask_command,
            menus=(Menu.PARTICIPANT,),
            description=N_("Ask the moderators"),
        ),
        Command(
            "questions",
            questions_command,
            menus=MODERATORS,
            description=N_("Questions from participants"),
        ),
    ),
    buttons=(
        Press(Action.ASK_MODERATORS, ask_pressed, personal=True),
        Press(Action.CANCEL_QUESTION, cancel_pressed, personal=True),
        Press(Action.KEEP_QUESTION, keep_pressed, personal=True),
        Press(Action.DROP_QUESTION, drop_pressed, personal=True),
        Press(Action.ANSWER_QUESTION, answer_pressed, personal=True),
    ),
    texts=(
        Text(Expecting.ASK_MODERATORS, question_text),
        Text(Expecting.ANSWER_QUESTION, answer_text),
    ),
)
