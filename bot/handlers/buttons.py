"""The one place where button presses arrive, are decoded and are sent to their feature."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from telegram import Update

from bot import render
from bot.callbacks import Action, Button, ForgedButton, StaleButton
from bot.handlers.common import BotContext, reader
from bot.i18n import Translator

__all__ = ["ButtonRoute", "make_dispatcher"]

log = logging.getLogger(__name__)

# A route does the work of one button and returns the short notice to show, if any.
ButtonRoute = Callable[[Update, BotContext, Button, Translator], Awaitable[str | None]]


def make_dispatcher(
    routes: Mapping[Action, ButtonRoute],
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    async def on_button(update: Update, context: BotContext) -> None:
        """Decodes the button; stale and forged data get a polite notice and change nothing."""
        query = update.callback_query
        assert query is not None
        t = await reader(update, context)
        try:
            button = context.services.codec.unpack(query.data or "")
        except StaleButton:
            await query.answer(render.expired_button(t))
            return
        except ForgedButton:
            log.warning("rejected button data the bot did not make")
            await query.answer(render.invalid_button(t), show_alert=True)
            return
        route = routes.get(button.action)
        if route is None:
            await query.answer(render.expired_button(t))
            return
        if query.message is not None and query.message.chat.type != "private":
            await query.answer(render.invalid_button(t))
            return
        try:
            notice = await route(update, context, button, t)
        except ForgedButton:
            log.warning("rejected button data with arguments out of range")
            notice = render.invalid_button(t)
        await query.answer(notice)

    return on_button
