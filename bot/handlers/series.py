"""/series: a seminar's series, and the next seminar of it (users, staff or joint) in a tap."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button, ForgedButton
from bot.flows import series, setup
from bot.handlers.announcements import post_cockpit
from bot.handlers.common import (
    BotContext,
    drop_buttons,
    person_of,
    pressed_message,
    reader,
    send,
)
from bot.handlers.routes import MODERATORS, N_, Command, Press, Routes
from bot.handlers.setup import register_moderator_commands
from bot.i18n import Translator
from bot.render import series as series_view
from bot.render import setup as setup_view
from bot.render.screens import join_link

__all__ = ["ROUTES", "series_command"]


async def series_command(update: Update, context: BotContext) -> None:
    """/series: the active seminar's series, with a button per kind of next seminar."""
    t = await reader(update, context)
    view = await series.series_view(context.deps, person_of(update))
    await send(context, person_of(update).tg_id, series_view.series_screen(t, view))


async def next_pressed(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """The second tap: a new seminar of the chosen kind, ready to invite people to."""
    if button.arg(1) >= len(series_view.KINDS):
        raise ForgedButton("kind out of range")
    person = person_of(update)
    made = await series.next_seminar(
        context.deps, person, button.arg(0), series_view.KINDS[button.arg(1)]
    )
    if made.already:
        await send(context, person.tg_id, series_view.next_seminar_waiting(t, made))
        return None
    seminar = made.seminar
    link = join_link(context.services.bot_username, seminar.invite_code)
    await send(context, person.tg_id, series_view.next_seminar(t, made))
    if made.sources:
        await send(context, person.tg_id, series_view.joint_sources(t, made.sources))
    await send(context, person.tg_id, setup_view.seminar_created(t, seminar, link))
    if seminar.questions_replaceable:
        await send(context, person.tg_id, series_view.questions_choice(t, seminar))
    await register_moderator_commands(context, person.tg_id, t.language)
    await post_cockpit(context, seminar.id, person.tg_id)
    return None


async def keep_questions(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """«Use these questions»: the seminar keeps the kind's standard questions."""
    await drop_buttons(context, pressed_message(update))
    return None


async def own_questions(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """«Write my own questions»: the steps of /new for the moderator's own questions."""
    await drop_buttons(context, pressed_message(update))
    asked = await setup.write_own_for(context.deps, person_of(update), button.arg(0))
    screen = setup_view.ask_custom_question(t, asked.number, asked.written)
    await send(context, person_of(update).tg_id, screen)
    return None


ROUTES = Routes(
    commands=(
        Command(
            "series",
            series_command,
            menus=MODERATORS,
            description=N_("The seminar's series, and the next seminar"),
        ),
    ),
    buttons=(
        Press(Action.SERIES_NEXT, next_pressed),
        Press(Action.SERIES_KEEP_QUESTIONS, keep_questions),
        Press(Action.SERIES_OWN_QUESTIONS, own_questions),
    ),
)
