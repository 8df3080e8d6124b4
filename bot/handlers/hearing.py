"""Hearing back from a series: the answers to the question at a seminar's end («Yes, tell me
what happens», «No, thanks») and «Stop telling me» under every piece of news."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button
from bot.flows import hearing
from bot.handlers.common import BotContext, drop_buttons, edit, person_of, pressed_message, send
from bot.handlers.routes import Press, Routes
from bot.i18n import Translator
from bot.render import hearing as hearing_view

__all__ = ["ROUTES"]


async def hear_back(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await hearing.wish(context.deps, person_of(update), button.arg(0))
    match outcome:
        case hearing.WishKept():
            screen = hearing_view.kept(t)
        case hearing.WishOver():
            screen = hearing_view.follow_up_over(t)
    await edit(context, pressed_message(update), screen)
    return None


async def no_thanks(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await hearing.decline(context.deps, person_of(update), button.arg(0))
    await edit(context, pressed_message(update), hearing_view.declined(t))
    return None


async def stop(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    await hearing.stop(context.deps, person_of(update), button.arg(0))
    await drop_buttons(context, pressed_message(update))
    await send(context, person_of(update).tg_id, hearing_view.stopped(t))
    return None


ROUTES = Routes(
    buttons=(
        Press(Action.HEAR_BACK_YES, hear_back, personal=True),
        Press(Action.HEAR_BACK_NO, no_thanks, personal=True),
        Press(Action.HEAR_BACK_STOP, stop, personal=True),
    ),
)
