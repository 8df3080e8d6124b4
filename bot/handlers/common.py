"""What every handler shares: the typed context, who is speaking, and sending screens."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar, cast

from telegram import BotCommand, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot.callbacks import CallbackCodec
from bot.domain import Member, Person, Seminar
from bot.flows.deps import Deps
from bot.flows.personal_data import HeldDropped
from bot.i18n import Translator, translator
from bot.lanes import Lanes
from bot.outbox import Outbox, Reply, ReplyKind
from bot.ratelimit import BRIEF_ATTEMPTS, through
from bot.render import answering as answering_view
from bot.render.screens import Screen
from bot.sender import Broadcaster, markup

__all__ = [
    "BotContext",
    "Menu",
    "Services",
    "after_commit",
    "answer_dropped",
    "broadcast",
    "edit_live",
    "markup",
    "person_of",
    "post_live",
    "post_to_plenary",
    "reader",
    "refresh_soon",
    "send",
    "send_many",
    "with_retries",
]

T = TypeVar("T")

log = logging.getLogger(__name__)


class Menu(StrEnum):
    """The command menus Telegram shows: everybody's, and each moderator's own chat's."""

    PARTICIPANT = "participant"
    MODERATOR = "moderator"


@dataclass(slots=True)
class Services:
    deps: Deps
    codec: CallbackCodec
    broadcaster: Broadcaster
    outbox: Outbox
    lanes: Lanes
    # The command menu of a kind in a language, from the route tables (`handlers/table.py`).
    menu: Callable[[Menu, Translator], list[BotCommand]]
    bot_username: str = ""


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every handler gets, with the bot's services typed."""

    @property
    def services(self) -> Services:
        return cast(Services, self.bot_data["services"])

    @property
    def deps(self) -> Deps:
        return self.services.deps


def pressed_message(update: Update) -> Message | None:
    """The bot's message whose button was pressed, if Telegram still has it."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return None
    return query.message


def person_of(update: Update) -> Person:
    user = update.effective_user
    assert user is not None, "handlers are registered only for updates with a user"
    return Person(user.id, user.language_code)


async def reader(update: Update, context: BotContext) -> Translator:
    """The translator for whoever sent this update."""
    return translator(await context.deps.language(person_of(update)))


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """A call the handler can do without, tried a few times after a passing failure; a 429 is
    waited out, a refusal (400, 403) is final at once (see bot/ratelimit.py)."""
    return await through(call, attempts=BRIEF_ATTEMPTS)


async def send(context: BotContext, chat_id: int, screen: Screen) -> None:
    """Sends one screen once the update's change has committed (see bot/outbox.py)."""
    await context.services.outbox.give(Reply(ReplyKind.MESSAGE, chat_id, screen))


async def send_many(context: BotContext, chat_id: int, screens: Iterable[Screen]) -> None:
    for screen in screens:
        await send(context, chat_id, screen)


async def edit(context: BotContext, message: Message | None, screen: Screen) -> None:
    """Replaces a message's text and buttons; a message that cannot change is left alone."""
    if message is None:
        return
    reply = Reply(ReplyKind.EDIT, message.chat_id, screen, message.message_id)
    await context.services.outbox.give(reply)


async def drop_buttons(context: BotContext, message: Message | None) -> None:
    """Removes the buttons of a message whose question has been answered."""
    if message is None or not message.reply_markup:
        return
    reply = Reply(ReplyKind.DROP_BUTTONS, message.chat_id, message_id=message.message_id)
    await context.services.outbox.give(reply)


async def after_commit(context: BotContext, action: Callable[[], Awaitable[None]]) -> None:
    """For what cannot wait in the outbox (a file, a call whose answer the bot needs): done
    once the update's change has committed, and not at all if it rolls back."""
    await context.deps.store.after_commit(action)


async def broadcast(
    context: BotContext,
    members: Iterable[Member],
    screens_for: Callable[[Translator], list[Screen]],
    origin: str | None = None,
) -> int:
    """Sends each member the screens in their own language, through the rate-limited sender."""
    members = list(members)
    if not members:
        return 0
    seminar_id = members[0].seminar_id
    return await context.services.broadcaster.broadcast(seminar_id, members, screens_for, origin)


async def post_to_plenary(
    context: BotContext,
    seminar: Seminar,
    screens_for: Callable[[Translator], list[Screen]],
    origin: str | None = None,
) -> None:
    """The plenary chat, if one is bound, reads the seminar's own language."""
    if seminar.plenary_chat_id is None:
        return
    recipient = (seminar.plenary_chat_id, seminar.language)
    await context.services.broadcaster.broadcast(seminar.id, [recipient], screens_for, origin)


async def answer_dropped(
    update: Update, context: BotContext, t: Translator, outcome: object
) -> str | None:
    """A held text was dropped: its question says so. Otherwise nothing was waiting for the
    button any more, and its keyboard goes."""
    if isinstance(outcome, HeldDropped):
        await edit(context, pressed_message(update), answering_view.held_dropped(t, outcome.held))
        return None
    await drop_buttons(context, pressed_message(update))
    return answering_view.nothing_pending(t).text


# -- live messages: sent at once and edited later -----------------------------------------


async def post_live(context: BotContext, chat_id: int, screen: Screen, what: str) -> int | None:
    """Sent at once rather than through the outbox, since the bot keeps the message's id to
    edit it later (a progress message, a cockpit, a vote card); None if Telegram refused it."""
    try:
        message = await with_retries(
            lambda: context.bot.send_message(
                chat_id,
                screen.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(screen, context.services.codec),
            )
        )
    except TelegramError as exc:
        log.info("%s not sent: %s", what, exc.message)
        return None
    return message.message_id


async def edit_live(
    context: BotContext, chat_id: int, message_id: int, screen: Screen, what: str
) -> bool:
    """Brings a live message up to date; False if Telegram refused (an unchanged text is no
    refusal)."""
    try:
        await with_retries(
            lambda: context.bot.edit_message_text(
                screen.text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(screen, context.services.codec),
            )
        )
    except TelegramError as exc:
        if "not modified" in exc.message:
            return True
        log.info("%s not updated: %s", what, exc.message)
        return False
    return True


def refresh_soon(
    context: BotContext,
    name: str,
    after: float,
    refresh: Callable[[BotContext], Awaitable[None]],
    data: object,
) -> None:
    """Schedules one refresh under this name, so a burst of changes makes one edit; the
    trigger lives in memory, what it refreshes in the database."""
    queue = context.job_queue
    if queue is None or queue.get_jobs_by_name(name):
        return
    # The job queue's own type does not know our context class; the callback gets one.
    queue.run_once(cast(Any, refresh), after, data=data, name=name)
