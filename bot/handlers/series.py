"""/series: a seminar's series, and the next seminar of it (users, staff or joint) in a tap."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button, ForgedButton
from bot.flows import series
from bot.handlers.announcements import post_cockpit
from bot.handlers.common import BotContext, person_of, reader, send
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
    seminar = made.seminar
    link = join_link(context.services.bot_username, seminar.invite_code)
    await send(context, person.tg_id, series_view.next_seminar(t, made))
    if made.sources:
        await send(context, person.tg_id, series_view.joint_sources(t, made.sources))
    await send(context, person.tg_id, setup_view.seminar_created(t, seminar, link))
    await register_moderator_commands(context, person.tg_id, t.language)
    await post_cockpit(context, seminar.id, person.tg_id)
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
    buttons=(Press(Action.SERIES_NEXT, next_pressed),),
)
