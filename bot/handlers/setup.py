"""Moderators: /new, /invite with its QR code, /open, /close with the summary, hiding notes."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Awaitable, Callable

import segno
from telegram import BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.callbacks import Action, Button, ForgedButton
from bot.domain import Person, Seminar
from bot.expectations import Expectation, Expecting, TranslationDraft
from bot.flows import answering, setup
from bot.flows.deps import Deps
from bot.handlers.announcements import announce_closed, announce_opened, post_cockpit
from bot.handlers.buttons import command_and_button
from bot.handlers.common import (
    BotContext,
    Menu,
    after_commit,
    drop_buttons,
    edit,
    person_of,
    pressed_message,
    reader,
    send,
    with_retries,
)
from bot.handlers.routes import (
    MODERATORS,
    N_,
    Command,
    Press,
    Routes,
    Text,
)
from bot.i18n import LANGUAGES, Translator, translator
from bot.render import answering as answering_view
from bot.render import joining as joining_view
from bot.render import setup as setup_view
from bot.render.screens import Screen, join_link

__all__ = [
    "ROUTES",
    "register_moderator_commands",
    "setup_text",
    "take_back_moderator_commands",
]

log = logging.getLogger(__name__)


def _setup_screen(t: Translator, outcome: setup.SetupOutcome, context: BotContext) -> Screen:
    match outcome:
        case setup.AskTitle():
            return setup_view.ask_title(t)
        case setup.AskLanguage(title=title):
            return setup_view.ask_seminar_language(t, title)
        case setup.AskQuestions(questions=questions):
            return setup_view.ask_questions(t, questions)
        case setup.AskCustomQuestion(number=number, written=written):
            return setup_view.ask_custom_question(t, number, written)
        case setup.InvalidSetupText(reason=reason, limit=limit):
            return setup_view.invalid_setup_text(t, reason, limit)
        case setup.SetupCancelled(kept=kept):
            return setup_view.setup_cancelled(t, kept=kept)
        case setup.QuestionsReplaced(seminar=seminar):
            return setup_view.questions_replaced(t, seminar)
        case setup.SeminarCreated(seminar=seminar, previous=previous):
            link = join_link(context.services.bot_username, seminar.invite_code)
            return setup_view.seminar_created(t, seminar, link, previous)


async def _after_setup(
    update: Update,
    context: BotContext,
    t: Translator,
    outcome: setup.SetupOutcome | setup.StepPassed,
) -> str | None:
    chat_id = person_of(update).tg_id
    if isinstance(outcome, setup.StepPassed):
        return joining_view.expired_button(t)
    await send(context, chat_id, _setup_screen(t, outcome, context))
    if isinstance(outcome, setup.SeminarCreated):
        await register_moderator_commands(context, chat_id, t.language)
        await post_cockpit(context, outcome.seminar.id, chat_id)
    return None


async def new_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    await _after_setup(update, context, t, await setup.start(context.deps, person_of(update)))


async def setup_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    t = await reader(update, context)
    outcome = await setup.receive_text(context.deps, person_of(update), expectation, text)
    await _after_setup(update, context, t, outcome)


async def setup_language(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    if button.arg(0) >= len(LANGUAGES):
        raise ForgedButton("language out of range")
    await drop_buttons(context, pressed_message(update))
    outcome = await setup.choose_language(context.deps, person_of(update), button.arg(0))
    return await _after_setup(update, context, t, outcome)


SETUP_STEPS: dict[
    Action, Callable[[Deps, Person], Awaitable[setup.SetupOutcome | setup.StepPassed]]
] = {
    Action.SETUP_DEFAULT_QUESTIONS: setup.use_default_questions,
    Action.SETUP_CUSTOM_QUESTIONS: setup.write_own_questions,
    Action.SETUP_QUESTIONS_DONE: setup.questions_done,
    Action.SETUP_CANCEL: setup.cancel,
}


# -- the questions in more languages -------------------------------------------------------


async def translate_command(update: Update, context: BotContext) -> None:
    """/translate: the active seminar's own questions in one more language."""
    t = await reader(update, context)
    outcome = await setup.offer_translation(context.deps, person_of(update))
    await send(context, person_of(update).tg_id, setup_view.translation_screen(t, outcome))


async def translate_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await setup.offer_translation(context.deps, person_of(update), button.arg(0))
    await send(context, person_of(update).tg_id, setup_view.translation_screen(t, outcome))
    return None


async def translate_language(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    if button.arg(1) >= len(LANGUAGES):
        raise ForgedButton("language out of range")
    await drop_buttons(context, pressed_message(update))
    outcome = await setup.choose_translation(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    await send(context, person_of(update).tg_id, setup_view.translation_screen(t, outcome))
    return None


async def translation_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    t = await reader(update, context)
    draft = expectation.draft
    assert isinstance(draft, TranslationDraft)
    outcome = await setup.receive_translation(context.deps, person_of(update), draft, text)
    await send(context, person_of(update).tg_id, setup_view.translation_screen(t, outcome))


async def translate_cancel(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    await setup.cancel_translation(context.deps, person_of(update))
    await send(context, person_of(update).tg_id, setup_view.translation_cancelled(t))
    return None


async def setup_step(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """A button of the /new conversation; its step decides what it may do."""
    await drop_buttons(context, pressed_message(update))
    outcome = await SETUP_STEPS[button.action](context.deps, person_of(update))
    return await _after_setup(update, context, t, outcome)


async def register_moderator_commands(context: BotContext, chat_id: int, language: str) -> None:
    """Moderators see their commands in the menu of their own chat, set once when they become
    one (creating a seminar, or joining its team), in their language."""
    t = translator(language)
    commands = context.services.menu(Menu.MODERATOR, t)

    async def set_commands() -> None:
        try:
            await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
        except TelegramError as exc:
            log.warning("could not set a moderator's commands: %s", exc.message)

    await after_commit(context, set_commands)


async def take_back_moderator_commands(context: BotContext, chat_id: int) -> None:
    """Someone who moderates no seminar that goes on sees the participants' menu again."""

    async def delete_commands() -> None:
        try:
            await context.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        except TelegramError as exc:
            log.warning("could not take a former moderator's commands back: %s", exc.message)

    await after_commit(context, delete_commands)


# -- invite -------------------------------------------------------------------------------


async def _show_invite(
    context: BotContext, chat_id: int, t: Translator, seminar: Seminar, renewed: bool
) -> None:
    link = join_link(context.services.bot_username, seminar.invite_code)
    qr = io.BytesIO()
    segno.make(link, error="m").save(qr, kind="png", scale=8, border=4)
    caption = setup_view.qr_caption(t, seminar)

    async def send_qr() -> None:
        with contextlib.suppress(Forbidden):
            await with_retries(
                lambda: context.bot.send_photo(
                    chat_id, qr.getvalue(), caption=caption, parse_mode=ParseMode.HTML
                )
            )

    await after_commit(context, send_qr)
    await send(context, chat_id, setup_view.invite(t, seminar, link, renewed))


async def invite_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    seminar = await setup.invite(context.deps, person_of(update))
    await _show_invite(context, person_of(update).tg_id, t, seminar, renewed=False)


async def renew_invite(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    # The old buttons go whatever the answer: they would renew the link again.
    await drop_buttons(context, pressed_message(update))
    seminar = await setup.invite(context.deps, person_of(update), renew_for=button.arg(0))
    await _show_invite(context, person_of(update).tg_id, t, seminar, renewed=True)
    return None


# -- the round ----------------------------------------------------------------------------


async def open_round(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    outcome = await setup.open_round(context.deps, person, seminar_id)
    await announce_opened(context, outcome, person, t)


open_command, open_button = command_and_button(open_round)


async def close(context: BotContext, person: Person, t: Translator, seminar_id: int | None) -> None:
    """/close: ends the answer round (the dot vote and the seminar have commands of their
    own)."""
    outcome = await setup.close_round(context.deps, person, seminar_id)
    await announce_closed(context, outcome)


close_command, close_button = command_and_button(close)


# -- hiding a note ------------------------------------------------------------------------


async def hide_ask(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await answering.ask_hide(context.deps, person_of(update), button.arg(0))
    match outcome:
        case answering.HideAsked(note=note):
            await send(context, person_of(update).tg_id, answering_view.hide_ask(t, note))
        case setup.TooFewWriters():
            await send(context, person_of(update).tg_id, setup_view.too_few_writers(t, outcome))
    return None


async def hide_confirm(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    hidden = await answering.hide(context.deps, person_of(update), button.arg(0))
    screen = answering_view.note_hidden(t, hidden.note, hidden.already)
    await edit(context, pressed_message(update), screen)
    if hidden.writer is not None:
        tw = translator(hidden.writer.language)
        screen = answering_view.note_hidden_for_writer(tw, hidden.seminar, hidden.note)
        await send(context, hidden.writer.tg_id, screen)
    return None


async def unhide(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    """The way back from hiding a note, until the groups get their notes."""
    shown = await answering.unhide(context.deps, person_of(update), button.arg(0))
    await edit(context, pressed_message(update), answering_view.note_shown_again(t, shown.already))
    if shown.writer is not None:
        tw = translator(shown.writer.language)
        screen = answering_view.note_shown_again_for_writer(tw, shown.seminar, shown.note)
        await send(context, shown.writer.tg_id, screen)
    return None


async def hide_cancel(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await edit(context, pressed_message(update), answering_view.hide_cancelled(t))
    return None


async def open_with_previous(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    chosen = await setup.open_with_previous(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    await send(context, person_of(update).tg_id, setup_view.opens_with_previous(t, chosen.previous))
    return None


ROUTES = Routes(
    commands=(
        Command(
            "new", new_command, shared=True, menus=MODERATORS, description=N_("Create a seminar")
        ),
        Command(
            "invite",
            invite_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Join link and QR code"),
        ),
        Command(
            "open",
            open_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Open the answer round"),
        ),
        Command(
            "close",
            close_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Close the answer round"),
        ),
        Command(
            "translate",
            translate_command,
            shared=True,
            menus=MODERATORS,
            description=N_("The questions in another language"),
        ),
    ),
    buttons=(
        Press(Action.OPEN_WITH_PREVIOUS, open_with_previous),
        Press(Action.SETUP_LANGUAGE, setup_language),
        *(Press(action, setup_step) for action in SETUP_STEPS),
        Press(Action.NEW_INVITE, renew_invite),
        Press(Action.OPEN_ROUND, open_button),
        Press(Action.CLOSE_ROUND, close_button),
        Press(Action.HIDE_ASK, hide_ask),
        Press(Action.HIDE_CONFIRM, hide_confirm),
        Press(Action.HIDE_CANCEL, hide_cancel),
        Press(Action.UNHIDE_NOTE, unhide),
        Press(Action.TRANSLATE, translate_button),
        Press(Action.TRANSLATE_LANGUAGE, translate_language),
        Press(Action.TRANSLATE_CANCEL, translate_cancel),
    ),
    texts=(
        *(Text(step, setup_text) for step in setup.SETUP_STEPS),
        Text(Expecting.TRANSLATION, translation_text),
    ),
)
