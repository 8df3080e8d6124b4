"""What the scheduler tells about a series' follow-up: each change of a proposal's status to
the people who asked to hear back, and the office's reminders before a due date. Below the
feature handlers and beside `announcements.py`, so the scheduler imports no feature handler.

A change made anywhere (the office's page, its chat) is a `status_changes` row; the tick finds
it, and in one transaction records the broadcast (`sender.py`: one delivery per person, so a
crash, a 403 or a 429 loses nobody and nobody gets it twice) and marks the change told.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from bot import mail
from bot.config import EmailSettings
from bot.flows import hearing
from bot.handlers.common import BotContext, after_commit
from bot.i18n import Translator, translator
from bot.render import hearing as hearing_view
from bot.render.screens import Screen

__all__ = ["follow_up_due", "remind_offices", "tell_news"]

log = logging.getLogger(__name__)

# Reminder letters on their way: sent beside the updates, never holding one up.
_letters: set[asyncio.Task[mail.Delivery]] = set()


async def follow_up_due(context: BotContext) -> bool:
    """Whether a change is to be told or an office reminded: a read, before the work is
    done alone."""
    deps = context.deps
    return bool(await deps.store.untold_changes()) or bool(
        await hearing.due_reminders(deps, deps.clock.now())
    )


def _news_screens(item: hearing.News, t: Translator) -> list[Screen]:
    change, series = item.change, item.series
    return [
        hearing_view.news(
            t, series.id, series.title, change.proposal, change.status, change.reason, item.last
        )
    ]


def _same(screen: Screen, _t: Translator) -> list[Screen]:
    return [screen]


async def tell_news(context: BotContext) -> int:
    """Tells every untold change of status; returns how many changes were told."""
    deps = context.deps
    found = await hearing.news(deps)
    for item in found:
        change = item.change
        async with deps.store.transaction():
            if item.recipients:
                await context.services.broadcaster.broadcast(
                    None,
                    item.recipients,
                    functools.partial(_news_screens, item),
                    f"status_change:{change.id}",
                )
            await hearing.told(deps, item)
        log.info("a change of status was told to %d people", len(item.recipients))
    return len(found)


async def remind_offices(context: BotContext) -> int:
    """Reminds the office of each proposal due soon, once per due date: in the bound office
    chats of the series' seminars and by e-mail to their office addresses."""
    deps = context.deps
    found = await hearing.due_reminders(deps, deps.clock.now())
    for item in found:
        due, series = item.due, item.series
        t = translator(series.language)
        screen = hearing_view.reminder(t, series.title, due.name, due.owner, due.status, due.due)
        async with deps.store.transaction():
            if item.chats:
                await context.services.broadcaster.broadcast(
                    None,
                    [(chat, series.language) for chat in item.chats],
                    functools.partial(_same, screen),
                    f"due_reminder:{due.proposal_id}:{due.due.isoformat()}",
                )
            await hearing.reminded(deps, item)
            settings = deps.settings.email
            if item.addresses and settings is not None:
                subject, text, html = hearing_view.reminder_letter(
                    t, series.title, due.name, due.owner, due.status, due.due
                )
                letter = mail.Letter(subject, text, html)
                addresses = item.addresses

                async def send_letter(
                    settings: EmailSettings = settings,
                    addresses: tuple[str, ...] = addresses,
                    letter: mail.Letter = letter,
                ) -> None:
                    # After the commit, once: a slow mail server holds up nobody's update.
                    task = asyncio.create_task(
                        mail.send_letter(settings, addresses, letter, what="a reminder")
                    )
                    _letters.add(task)
                    task.add_done_callback(_letters.discard)

                await after_commit(context, send_letter)
        log.info("the office was reminded of a due date")
    return len(found)
