"""The one place where button presses arrive, are decoded and are sent to their feature."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from telegram import CallbackQuery, Update

from bot.callbacks import Action, Button, ForgedButton, StaleButton
from bot.domain import Person
from bot.handlers.common import (
    BotContext,
    drop_buttons,
    person_of,
    pressed_message,
    reader,
)
from bot.handlers.routes import ButtonRun, answer_press_refusals
from bot.i18n import Translator
from bot.outbox import Reply, ReplyKind
from bot.render import joining as joining_view
from bot.render.screens import plain_text

__all__ = ["command_and_button", "make_dispatcher"]

log = logging.getLogger(__name__)


# A moderator's action on a seminar: the active one (from a command) or the button's own.
ModeratorAction = Callable[[BotContext, Person, Translator, int | None], Awaitable[None]]


def command_and_button(
    action: ModeratorAction,
) -> tuple[Callable[[Update, BotContext], Coroutine[Any, Any, None]], ButtonRun]:
    """The same action as a command and as a button, whose keyboard goes once pressed."""

    async def command(update: Update, context: BotContext) -> None:
        await action(context, person_of(update), await reader(update, context), None)

    async def pressed(
        update: Update, context: BotContext, button: Button, t: Translator
    ) -> str | None:
        await drop_buttons(context, pressed_message(update))
        await action(context, person_of(update), t, button.arg(0))
        return None

    return command, pressed


async def _answer(context: BotContext, query: CallbackQuery, notice: str | None) -> None:
    """Every press is answered, without words, so the client stops spinning; what the press
    has to say comes as a message, which stays and which a screen reader reads (TalkBack does
    not read a toast). The message goes to the presser's private chat."""
    chat_id = query.from_user.id
    # Handlers give a screen's HTML or plain words; either way the message reads as words.
    said = joining_view.late_notice(plain_text(notice)) if notice else None
    reply = Reply(ReplyKind.ANSWER, chat_id, None, None, query.id, None, False, said)
    await context.services.outbox.give(reply)


def make_dispatcher(
    routes: Mapping[Action, ButtonRun],
    in_groups: frozenset[Action] = frozenset(),
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    async def on_button(update: Update, context: BotContext) -> None:
        """Decodes the button; stale and forged data get a polite notice and change nothing."""
        query = update.callback_query
        assert query is not None
        t = await reader(update, context)
        try:
            button = context.services.codec.unpack(query.data or "")
        except StaleButton:
            await _answer(context, query, joining_view.expired_button(t))
            return
        except ForgedButton:
            log.warning("rejected button data the bot did not make")
            await _answer(context, query, joining_view.invalid_button(t))
            return
        route = routes.get(button.action)
        if route is None:
            await _answer(context, query, joining_view.expired_button(t))
            return
        in_group = query.message is not None and query.message.chat.type != "private"
        if in_group and button.action not in in_groups:
            await _answer(context, query, joining_view.invalid_button(t))
            return
        try:
            notice = await answer_press_refusals(
                update, context, lambda: route(update, context, button, t)
            )
        except ForgedButton:
            log.warning("rejected button data with arguments out of range")
            notice = joining_view.invalid_button(t)
        await _answer(context, query, notice)

    return on_button
