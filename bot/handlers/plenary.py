"""/plenary, the dot vote and its buttons, and the plenary's and the ranking's announcements."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button
from bot.domain import Person
from bot.flows import plenary
from bot.flows.setup import TooFewWriters
from bot.handlers.announcements import announce_plenary, announce_ranking
from bot.handlers.buttons import command_and_button
from bot.handlers.common import (
    BotContext,
    broadcast,
    person_of,
    send,
)
from bot.handlers.groups import noticing
from bot.handlers.routes import (
    MODERATORS,
    N_,
    Command,
    Press,
    Routes,
)
from bot.handlers.themes import CARD_REFUSALS, show_card
from bot.i18n import Translator
from bot.render import plenary as plenary_view
from bot.render import setup as setup_view

__all__ = ["ROUTES"]


def _chat(update: Update) -> int:
    return person_of(update).tg_id


async def open_plenary(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    outcome = await plenary.open_plenary(context.deps, person, seminar_id)
    if isinstance(outcome, TooFewWriters):
        await send(context, person.tg_id, setup_view.too_few_writers(t, outcome))
        return
    await announce_plenary(context, outcome, person, t)


plenary_command, plenary_button = command_and_button(open_plenary)


async def open_dots(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    outcome = await plenary.open_dots(context.deps, person, seminar_id)
    card = outcome.card
    # Through the sender: after the plenary's messages, and resumed after a crash.
    await broadcast(context, outcome.voters, lambda tm: [plenary_view.dot_card(tm, card)])
    await send(context, person.tg_id, plenary_view.dots_opened_moderator(t, outcome.seminar))


_, open_dots_button = command_and_button(open_dots)


async def dot(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    change = 1 if button.arg(2) else -1
    page = button.args[3] if len(button.args) > 3 else 0  # cards from before pages: the first
    card = await plenary.change_dots(
        context.deps, person_of(update), button.arg(0), button.arg(1), change, page
    )
    return await show_card(update, context, t, card)


async def dot_page(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    card = await plenary.dot_page(context.deps, person_of(update), button.arg(0), button.arg(1))
    return await show_card(update, context, t, card)


async def close_dots(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    """Closes the dot vote and posts the ranking."""
    outcome = await plenary.close_dots(context.deps, person, seminar_id)
    await announce_ranking(context, outcome)


close_dots_command, close_dots_button = command_and_button(close_dots)


ROUTES = Routes(
    commands=(
        Command(
            "plenary",
            plenary_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Show every group's themes"),
        ),
        Command(
            "close_dots",
            close_dots_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Close the dot vote"),
        ),
    ),
    buttons=(
        Press(Action.OPEN_PLENARY, plenary_button),
        Press(Action.OPEN_DOTS, open_dots_button),
        Press(Action.DOT, noticing(dot, *CARD_REFUSALS), personal=True),
        Press(Action.DOT_PAGE, noticing(dot_page, *CARD_REFUSALS), personal=True),
        Press(Action.CLOSE_DOTS, close_dots_button),
    ),
)
