"""Every feature's routes together, and what follows from them: the handlers the application
registers, the command menus, which updates run alone, and where a private text goes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, TypeVar

from telegram import BotCommand, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Action
from bot.expectations import DRAFTS, Expectation, Expecting
from bot.flows.expecting import ask_for, expected_text
from bot.flows.refusals import Refusal
from bot.handlers import (
    answering,
    closing,
    cockpit,
    followup,
    groups,
    hearing,
    joining,
    offices,
    plenary,
    questions,
    schedules,
    series,
    setup,
    team,
    themes,
)
from bot.handlers.buttons import make_dispatcher
from bot.handlers.common import BotContext, person_of, reader, send
from bot.handlers.routes import (
    Chat,
    Command,
    CommandRun,
    Menu,
    Press,
    Routes,
    Text,
    Unmatched,
    UnmatchedRoute,
    answer_refusals,
)
from bot.i18n import Translator
from bot.lanes import Sharing
from bot.render import joining as joining_view

__all__ = [
    "COMMANDS",
    "FEATURES",
    "SHARING",
    "handlers",
    "menu",
]

log = logging.getLogger(__name__)

FEATURES: tuple[Routes, ...] = (
    joining.ROUTES,
    setup.ROUTES,
    answering.ROUTES,
    groups.ROUTES,
    themes.ROUTES,
    plenary.ROUTES,
    team.ROUTES,
    schedules.ROUTES,
    closing.ROUTES,
    cockpit.ROUTES,
    questions.ROUTES,
    offices.ROUTES,
    series.ROUTES,
    followup.ROUTES,
    hearing.ROUTES,
)

# Texts a forwarded message cannot be: they must be the person's own words.
OWN_WORDS = frozenset({Expecting.NOTE, Expecting.THEME, Expecting.READ_BACK})


K = TypeVar("K")
V = TypeVar("V")


def _unique(pairs: Iterable[tuple[K, V]], what: str) -> dict[K, V]:
    table: dict[K, V] = {}
    for key, value in pairs:
        if key in table:
            raise ValueError(f"two features route the {what} {key}")
        table[key] = value
    return table


COMMANDS: dict[str, Command] = _unique(
    ((c.name, c) for f in FEATURES for c in f.commands), "command"
)
BUTTONS: dict[Action, Press] = _unique(
    ((p.action, p) for f in FEATURES for p in f.buttons), "button"
)
TEXTS: dict[Expecting, Text] = _unique(
    ((t.expecting, t) for f in FEATURES for t in f.texts), "text"
)
UNMATCHED: dict[Unmatched, UnmatchedRoute] = _unique(
    ((u.kind, u) for f in FEATURES for u in f.unmatched), "update"
)

# What lanes.py needs to know: the commands that may change a seminar for everyone, and the
# buttons that change only the presser's own things.
SHARING = Sharing(
    commands=frozenset(f"/{c.name}" for c in COMMANDS.values() if c.shared),
    personal_buttons=frozenset(p.action for p in BUTTONS.values() if p.personal),
)


def menu(which: Menu, t: Translator) -> list[BotCommand]:
    """A command menu in one language, in the order the features declare the commands."""
    return [
        BotCommand(c.name, t.gettext(c.description)) for c in COMMANDS.values() if which in c.menus
    ]


async def on_text(update: Update, context: BotContext) -> None:
    """A private text: what the person's state says it is expected to be."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    expectation = await expected_text(context.deps, person_of(update))
    if expectation.kind in OWN_WORDS and message.forward_origin is not None:
        await send(context, message.chat_id, joining_view.forwarded(await reader(update, context)))
        return
    try:
        await TEXTS[expectation.kind].run(update, context, expectation, message.text)
    except Refusal:
        if expectation.kind in DRAFTS:
            # A step the person was asked for can no longer be taken (they moderate no
            # longer, the seminar moved on): it ends, so their next text is theirs again.
            await ask_for(context.deps, person_of(update), Expectation(Expecting.NOTHING))
        raise


def _command(run: CommandRun) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    async def answered(update: Update, context: BotContext) -> None:
        await answer_refusals(update, context, lambda: run(update, context))

    return answered


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Every command first, then the expected texts and buttons, then what nothing else took."""
    private = filters.ChatType.PRIVATE
    chats = {
        Chat.PRIVATE: private,
        Chat.GROUP: filters.ChatType.GROUPS,
        Chat.ANY: private | filters.ChatType.GROUPS,
    }
    message = filters.UpdateType.MESSAGE
    unmatched = {
        Unmatched.PRIVATE_COMMAND: private & message & filters.COMMAND,
        Unmatched.GROUP_COMMAND: filters.ChatType.GROUPS & filters.COMMAND,
        Unmatched.EDITED_TEXT: private & filters.UpdateType.EDITED_MESSAGE & filters.TEXT,
        Unmatched.NOT_TEXT: private & message & ~filters.TEXT,
    }
    found: list[BaseHandler[Update, BotContext, Any]] = [
        CommandHandler(c.name, _command(c.run), filters=chats[c.chat]) for c in COMMANDS.values()
    ]
    found.append(
        MessageHandler(private & message & filters.TEXT & ~filters.COMMAND, _command(on_text))
    )
    in_groups = frozenset(a for a, p in BUTTONS.items() if p.chat is not Chat.PRIVATE)
    dispatcher = make_dispatcher({a: p.run for a, p in BUTTONS.items()}, in_groups)
    found.append(CallbackQueryHandler(dispatcher))
    found.extend(MessageHandler(unmatched[k], _command(u.run)) for k, u in UNMATCHED.items())
    return found
