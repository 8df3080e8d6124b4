"""/start with an invite, consent, /language, /privacy, /forget and /help."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button, ForgedButton
from bot.expectations import Expectation, Expecting
from bot.flows import answering, groups, joining
from bot.flows.team import MODERATOR_INVITE_PREFIX
from bot.handlers import team as team_handlers
from bot.handlers.common import (
    BotContext,
    drop_buttons,
    edit,
    person_of,
    pressed_message,
    reader,
    send,
    send_many,
)
from bot.handlers.routes import (
    EVERYONE,
    N_,
    Command,
    Menu,
    Press,
    Routes,
    Text,
    Unmatched,
    UnmatchedRoute,
)
from bot.i18n import LANGUAGES, Translator, translator
from bot.render import answering as answering_view
from bot.render import groups as groups_view
from bot.render import hearing as hearing_view
from bot.render import joining as joining_view
from bot.render import themes as themes_view
from bot.render.screens import Screen

__all__ = ["ROUTES"]


def _language_arg(button: Button, position: int = 1) -> int:
    index = button.arg(position)
    if index >= len(LANGUAGES):
        raise ForgedButton("language out of range")
    return index


def _link_generation(button: Button, position: int) -> int | None:
    """The generation of the join link a welcome button came from; None on a button made
    before links were counted."""
    return button.args[position] if position < len(button.args) else None


def _join_screen(
    outcome: joining.Welcome | joining.InvalidInvite | joining.SeminarEnded | joining.AlreadyJoined,
    retention_days: int,
    *,
    details: bool = False,
) -> Screen:
    """The answer to an invitation, in the language it was opened in: the welcome, or its
    details one button away."""
    t = translator(outcome.language)
    match outcome:
        case joining.Welcome(seminar=seminar) if details:
            return joining_view.welcome_details(t, seminar, retention_days)
        case joining.Welcome(seminar=seminar):
            return joining_view.welcome(t, seminar, retention_days)
        case joining.InvalidInvite():
            return joining_view.invalid_invite(t)
        case joining.SeminarEnded(seminar=seminar):
            return joining_view.seminar_ended(t, seminar)
        case joining.AlreadyJoined(seminar=seminar):
            return joining_view.already_joined(t, seminar)


async def _prompt_if_answering(context: BotContext, chat_id: int, update: Update) -> None:
    prompt = await answering.current_prompt(context.deps, person_of(update))
    if isinstance(prompt, answering.QuestionPrompt):
        t = await reader(update, context)
        limit = context.deps.settings.note_max_length
        await send(
            context,
            chat_id,
            answering_view.question_prompt(
                t, prompt.seminar, prompt.question, limit, prompt.deadline
            ),
        )


async def start(update: Update, context: BotContext) -> None:
    """Opens an invitation, or greets someone who came without one."""
    message = update.effective_message
    assert message is not None
    code = context.args[0] if context.args else ""
    if not code:
        t = await reader(update, context)
        seminar = await context.deps.active_seminar(person_of(update))
        if seminar is None:
            await send(context, message.chat_id, joining_view.not_joined(t))
        else:
            await send(context, message.chat_id, joining_view.already_joined(t, seminar))
            await _prompt_if_answering(context, message.chat_id, update)
        return
    if code.startswith(MODERATOR_INVITE_PREFIX):
        await team_handlers.join_as_moderator(update, context, code[:64])
        return
    outcome = await joining.open_invite(context.deps, person_of(update), code[:64])
    screen = _join_screen(outcome, context.deps.settings.retention_days)
    await send(context, message.chat_id, screen)
    if isinstance(outcome, joining.AlreadyJoined):
        await _prompt_if_answering(context, message.chat_id, update)


async def _rewelcome(update: Update, context: BotContext, button: Button, details: bool) -> None:
    """The welcome (or its details) again in the button's language, still storing nothing."""
    outcome = await joining.rewelcome(
        context.deps,
        person_of(update),
        button.arg(0),
        _language_arg(button),
        link_generation=_link_generation(button, 2),
    )
    if isinstance(outcome, joining.LinkChanged):
        screen = joining_view.link_changed(translator(outcome.language))
    else:
        screen = _join_screen(outcome, context.deps.settings.retention_days, details=details)
    await edit(context, pressed_message(update), screen)


async def welcome_language(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """Re-renders the welcome in the chosen language (or back from its details)."""
    await _rewelcome(update, context, button, details=False)
    return None


async def welcome_details(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """Shows the welcome's details in place of the welcome, with «I agree» and the way back."""
    await _rewelcome(update, context, button, details=True)
    return None


async def consent_given(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await joining.consent(
        context.deps,
        person_of(update),
        button.arg(0),
        _language_arg(button),
        link_generation=_link_generation(button, 2),
    )
    chat_id = update.effective_chat.id if update.effective_chat else person_of(update).tg_id
    if isinstance(outcome, joining.LinkChanged):
        tl = translator(outcome.language)
        await edit(context, pressed_message(update), joining_view.link_changed(tl))
        return None
    await drop_buttons(context, pressed_message(update))
    match outcome:
        case joining.Joined(seminar=seminar, language=language):
            tj = translator(language)
            await send(context, chat_id, joining_view.joined(tj, seminar))
            await _prompt_if_answering(context, chat_id, update)
            group = await groups.seat_late_joiner(context.deps, seminar, chat_id)
            late = None
            if group is not None:
                await send(context, chat_id, groups_view.seated(tj, seminar, group))
                late = await groups.catch_up(context.deps, seminar, chat_id, group)
            if late is not None:
                screens = groups_view.group_notes(tj, seminar, late.group, late.notes, late.themes)
                if late.card is not None:
                    screens.append(themes_view.vote_card(tj, late.card))
                await send_many(context, chat_id, screens)
        case joining.AlreadyJoined(seminar=seminar, language=language):
            await send(context, chat_id, joining_view.already_joined(translator(language), seminar))
        case joining.SeminarEnded(seminar=seminar, language=language):
            await send(context, chat_id, joining_view.seminar_ended(translator(language), seminar))
    return None


async def consent_declined(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await joining.decline(
        context.deps, person_of(update), button.arg(0), link_generation=_link_generation(button, 1)
    )
    match outcome:
        case joining.LinkChanged(language=language):
            screen = joining_view.link_changed(translator(language))
        case joining.Declined():
            screen = joining_view.declined(t)
    await edit(context, pressed_message(update), screen)
    return None


async def language_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    assert update.effective_chat is not None
    await send(context, update.effective_chat.id, joining_view.language_menu(t))


async def language_chosen(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    language = await joining.set_language(context.deps, person_of(update), _language_arg(button, 0))
    await edit(context, pressed_message(update), joining_view.language_set(translator(language)))
    return None


async def privacy(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    assert update.effective_chat is not None
    await send(
        context,
        update.effective_chat.id,
        joining_view.privacy(t, context.deps.settings.retention_days),
    )


async def help_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    assert update.effective_chat is not None
    facts = await joining.help_facts(context.deps, person_of(update))
    await send(context, update.effective_chat.id, joining_view.help_text(t, facts))


async def elsewhere(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """A text nothing expects: it is not saved; the person reads where their seminar is and
    what they can do now."""
    t = await reader(update, context)
    assert update.effective_chat is not None
    facts = await joining.help_facts(context.deps, person_of(update))
    await send(context, update.effective_chat.id, joining_view.elsewhere(t, facts))


async def forget(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    assert update.effective_chat is not None
    target = await joining.forget_target(context.deps, person_of(update))
    match target:
        case joining.ModeratorCannotForget(seminar=seminar):
            screen = joining_view.moderator_cannot_forget(t, seminar)
        case joining.ForgetAsked(seminar=seminar):
            screen = joining_view.forget_ask(t, seminar)
        case joining.HearingForgotten():
            screen = hearing_view.stopped(t)
    await send(context, update.effective_chat.id, screen)


async def forget_confirmed(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await joining.confirm_forget(context.deps, person_of(update), button.arg(0))
    match outcome:
        case joining.Forgotten(seminar=seminar):
            screen = joining_view.forgotten(t, seminar)
        case joining.ModeratorCannotForget(seminar=seminar):
            screen = joining_view.moderator_cannot_forget(t, seminar)
    await edit(context, pressed_message(update), screen)
    return None


async def forget_cancelled(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await edit(context, pressed_message(update), joining_view.forget_kept(t))
    return None


async def group_command(update: Update, context: BotContext) -> None:
    """Commands in a group get pointed to the private chat, where answers stay anonymous."""
    message = update.effective_message
    assert message is not None
    t = await reader(update, context)
    await send(
        context, message.chat_id, joining_view.private_only(t, context.services.bot_username)
    )


ROUTES = Routes(
    commands=(
        Command("start", start),
        # Participant: the command menu: /language
        Command("language", language_command, menus=EVERYONE, description=N_("Choose a language")),
        # Participant: the command menu: /privacy
        Command("privacy", privacy, menus=EVERYONE, description=N_("What is stored")),
        Command(
            "forget",
            forget,
            menus=(Menu.PARTICIPANT,),
            # Participant: the command menu: /forget
            description=N_("Leave and delete your notes"),
        ),
        # Participant: the command menu: /help
        Command("help", help_command, menus=EVERYONE, description=N_("Help")),
    ),
    buttons=(
        Press(Action.WELCOME_LANGUAGE, welcome_language, personal=True),
        Press(Action.WELCOME_DETAILS, welcome_details, personal=True),
        Press(Action.CONSENT, consent_given, personal=True),
        Press(Action.DECLINE, consent_declined, personal=True),
        Press(Action.SET_LANGUAGE, language_chosen, personal=True),
        Press(Action.FORGET, forget_confirmed, personal=True),
        Press(Action.FORGET_CANCEL, forget_cancelled, personal=True),
    ),
    texts=(Text(Expecting.ELSEWHERE, elsewhere),),
    unmatched=(UnmatchedRoute(Unmatched.GROUP_COMMAND, group_command),),
)
