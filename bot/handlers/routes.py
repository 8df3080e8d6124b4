"""The route tables: each feature of bot/handlers declares, in one `Routes` value, the commands,
buttons and expected texts it answers. Which handler takes an update, the command menus and
which updates run alone (`lanes.py`) all follow from the tables in `table.py`, so none of that
depends on the order features are listed in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from telegram import Update

from bot.callbacks import Action, Button
from bot.expectations import Expectation, Expecting
from bot.flows.refusals import Refusal
from bot.handlers.common import BotContext, Menu, drop_buttons, pressed_message, reader, send
from bot.i18n import Translator
from bot.render import refusals as refusal_view

__all__ = [
    "EVERYONE",
    "MODERATORS",
    "N_",
    "ButtonRun",
    "Chat",
    "Command",
    "CommandRun",
    "Menu",
    "Press",
    "Routes",
    "Text",
    "TextRun",
    "Unmatched",
    "UnmatchedRoute",
    "answer_press_refusals",
    "answer_refusals",
]

# A command's work.
CommandRun = Callable[[Update, BotContext], Awaitable[None]]
# A button's work; returns the short notice to show, if any.
ButtonRun = Callable[[Update, BotContext, Button, Translator], Awaitable[str | None]]
# The work of a text that was expected, given what it was expected to be.
TextRun = Callable[[Update, BotContext, Expectation, str], Awaitable[None]]


class Chat(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    ANY = "any"  # private and group chats alike


class Unmatched(StrEnum):
    """Updates no command, button or expected text takes."""

    PRIVATE_COMMAND = "private_command"  # a command the bot does not know
    GROUP_COMMAND = "group_command"  # any other command in a group: answers stay private
    EDITED_TEXT = "edited_text"
    NOT_TEXT = "not_text"  # stickers, photos, voice, files


EVERYONE = (Menu.PARTICIPANT, Menu.MODERATOR)
MODERATORS = (Menu.MODERATOR,)


def N_(message: str) -> str:
    """Marks a menu description for translation; it is translated when the menu is made."""
    return message


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    run: CommandRun
    # May change a seminar for everyone: a moderator's then runs alone (see lanes.py).
    shared: bool = False
    menus: tuple[Menu, ...] = ()
    description: str = ""  # a msgid marked with N_, shown in the menus
    chat: Chat = Chat.PRIVATE


@dataclass(frozen=True, slots=True)
class Press:
    action: Action
    run: ButtonRun
    # Changes only the presser's own things (language, consent, notes, votes, dots, a card's
    # page); any other button is a moderator's and runs alone.
    personal: bool = False
    # Where the button may be pressed: a group chat's button (the office's) says so.
    chat: Chat = Chat.PRIVATE


@dataclass(frozen=True, slots=True)
class Text:
    expecting: Expecting
    run: TextRun


@dataclass(frozen=True, slots=True)
class UnmatchedRoute:
    kind: Unmatched
    run: CommandRun


@dataclass(frozen=True, slots=True)
class Routes:
    """One feature's routes."""

    commands: tuple[Command, ...] = ()
    buttons: tuple[Press, ...] = ()
    texts: tuple[Text, ...] = ()
    unmatched: tuple[UnmatchedRoute, ...] = ()


async def answer_refusals(
    update: Update, context: BotContext, work: Callable[[], Awaitable[None]]
) -> None:
    """The one place a refusal of a command or a text is answered: the person reads why
    nothing changed."""
    try:
        await work()
    except Refusal as refusal:
        await _refused(update, context, refusal)


async def answer_press_refusals(
    update: Update, context: BotContext, work: Callable[[], Awaitable[str | None]]
) -> str | None:
    """The same for a button: the reason comes as a message, which stays and which a screen
    reader reads; the press itself is answered without words."""
    try:
        return await work()
    except Refusal as refusal:
        await _refused(update, context, refusal)
        return None


async def _refused(update: Update, context: BotContext, refusal: Refusal) -> None:
    t = await reader(update, context)
    if refusal.ends_buttons:
        await drop_buttons(context, pressed_message(update))
    chat = update.effective_chat
    assert chat is not None
    await send(context, chat.id, refusal_view.refusal(t, refusal))
