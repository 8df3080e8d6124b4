"""What the room hears when the seminar moves on, whoever moved it: a moderator's command or
the scheduler acting for one. Both send the same announcements from here, below the feature
handlers and the scheduler, so neither imports the other.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable

from telegram.error import TelegramError

from bot.domain import Member, Person, Seminar
from bot.flows import cockpit, plenary, schedules, series, setup, team
from bot.flows.timing import deadline
from bot.handlers.common import (
    BotContext,
    after_commit,
    broadcast,
    edit_live,
    post_live,
    post_to_plenary,
    refresh_soon,
    send,
    with_retries,
)
from bot.i18n import Translator, translator
from bot.render import answering as answering_view
from bot.render import cockpit as cockpit_view
from bot.render import plenary as plenary_view
from bot.render import schedules as schedules_view
from bot.render import series as series_view
from bot.render import setup as setup_view
from bot.render import team as team_view
from bot.render.screens import Screen

__all__ = [
    "announce_closed",
    "announce_opened",
    "announce_plenary",
    "announce_ranking",
    "post_cockpit",
    "progress_changed",
    "refresh_cockpits",
    "send_summary",
    "start_progress",
]

log = logging.getLogger(__name__)

# Live progress is one message per chat, edited at most this often.
PROGRESS_EVERY = 5.0
# A new step's cockpit waits this long at most for the step's own messages to the moderator.
COCKPIT_PATIENCE = 30.0


def _part(origin: str | None, part: str) -> str | None:
    """The origin of one of an announcement's broadcasts, so a job run again after a crash
    finds the broadcasts it already made instead of making them twice."""
    return f"{origin}:{part}" if origin else None


def _everyone(participants: list[Member], moderators: list[Member]) -> list[Member]:
    seen = {p.tg_id for p in participants}
    return participants + [m for m in moderators if m.tg_id not in seen]


# -- the answer round ---------------------------------------------------------------------


async def announce_opened(
    context: BotContext,
    outcome: setup.RoundOpened,
    moderator: Person,
    t: Translator,
    origin: str | None = None,
) -> None:
    """Everyone hears the round is open; broadcasts are recorded before anything is sent."""
    seminar = outcome.seminar
    limit = context.deps.settings.note_max_length
    earlier = None
    if seminar.previous_id is not None and not outcome.reopened:
        previous = await context.deps.store.seminar(seminar.previous_id)
        earlier = await schedules.summary(context.deps, previous) if previous else None

    close = await deadline(context.deps, seminar)
    # A seminar of a series opens with what came of its proposals so far, and a joint one
    # with the earlier themes it asks about.
    start = await series.opening(context.deps, seminar)

    def screens(tm: Translator) -> list[Screen]:
        opened = [setup_view.round_opened_participant(tm, seminar, outcome.reopened, close)]
        if earlier is not None:
            opened.insert(0, setup_view.previous_summary(tm, earlier))
        if outcome.reopened:
            return opened
        if start.followups:
            opened.insert(0, series_view.status_table(tm, start.followups))
        if start.sources:
            opened.append(series_view.joint_sources(tm, start.sources))
        return [*opened, answering_view.question_prompt(tm, seminar, 0, limit, close)]

    await broadcast(context, outcome.participants, screens, _part(origin, "participants"))
    await post_to_plenary(
        context,
        seminar,
        lambda ts: [team_view.phase_announcement(ts, seminar)],
        _part(origin, "plenary"),
    )
    count = len(outcome.participants)
    await send(context, moderator.tg_id, setup_view.round_opened_moderator(t, seminar, count))
    await start_progress(context, seminar)


async def announce_closed(
    context: BotContext, outcome: setup.RoundClosed, origin: str | None = None
) -> None:
    """Moderators get every note; participants a thank-you with the counts."""
    seminar, counts = outcome.seminar, outcome.counts
    closed = (outcome.closed_at, context.deps.settings.timezone)
    moderators = {m.tg_id for m in outcome.moderators}
    participants = [m for m in outcome.participants if m.tg_id not in moderators]
    await broadcast(
        context,
        participants,
        lambda tm: [setup_view.round_closed_participant(tm, seminar, counts)],
        _part(origin, "participants"),
    )
    await post_to_plenary(
        context,
        seminar,
        lambda ts: [team_view.phase_announcement(ts, seminar)],
        _part(origin, "plenary"),
    )
    await broadcast(
        context,
        outcome.moderators,
        lambda tm: setup_view.round_summary(
            tm, seminar, counts, outcome.notes, closed, outcome.too_few
        ),
        _part(origin, "moderators"),
    )


# -- the plenary --------------------------------------------------------------------------


async def announce_plenary(
    context: BotContext,
    outcome: plenary.Plenary,
    moderator: Person,
    t: Translator,
    origin: str | None = None,
) -> None:
    seminar, results = outcome.seminar, outcome.results
    everyone = _everyone(outcome.participants, outcome.moderators)
    await _to_the_room(
        context, seminar, everyone, lambda t: plenary_view.plenary(t, seminar, results), origin
    )
    await send(context, moderator.tg_id, plenary_view.plenary_moderator(t, seminar))


async def announce_ranking(
    context: BotContext, outcome: plenary.DotsClosed, origin: str | None = None
) -> None:
    seminar, ranked = outcome.seminar, outcome.ranking
    everyone = _everyone(outcome.participants, outcome.moderators)
    await _to_the_room(
        context, seminar, everyone, lambda t: plenary_view.ranking(t, seminar, ranked), origin
    )


async def _to_the_room(
    context: BotContext,
    seminar: Seminar,
    everyone: list[Member],
    screens_for: Callable[[Translator], list[Screen]],
    origin: str | None,
) -> None:
    """The plenary chat, if one is bound, in the seminar's language; everybody in their own."""
    await post_to_plenary(context, seminar, screens_for, _part(origin, "plenary"))
    await broadcast(context, everyone, screens_for, _part(origin, "all"))


# -- summaries ----------------------------------------------------------------------------


async def send_summary(
    context: BotContext,
    seminar_id: int,
    origin: str | None = None,
    *,
    everyone: bool = False,
    participants: bool = True,
) -> None:
    """The summary to the moderators, the plenary chat and the participants who asked for it
    (or, with everyone, all participants; with participants False, none of them)."""
    seminar = await context.deps.store.seminar(seminar_id)
    if seminar is None:
        return
    data = await schedules.summary(context.deps, seminar)
    readers = await schedules.summary_readers(context.deps, seminar, everyone=everyone)
    moderators = {m.tg_id for m in await context.deps.moderators(seminar.id)}

    await context.services.broadcaster.broadcast(
        seminar.id,
        [m for m in readers if m.tg_id in moderators],
        lambda t: [schedules_view.summary_full(t, data)],
        _part(origin, "moderators"),
    )
    await context.services.broadcaster.broadcast(
        seminar.id,
        [m for m in readers if m.tg_id not in moderators and participants],
        lambda t: [schedules_view.summary_short(t, data)],
        _part(origin, "participants"),
    )
    await post_to_plenary(
        context,
        seminar,
        lambda t: [schedules_view.summary_full(t, data)],
        _part(origin, "plenary"),
    )


# -- live progress ------------------------------------------------------------------------


async def start_progress(context: BotContext, seminar: Seminar) -> None:
    """One progress message per moderator and in the plenary chat, edited as notes come in."""
    progress = await team.progress_to_post(context.deps, seminar)
    for chat in progress.chats:
        screen = _progress_screen(progress, chat)
        await after_commit(
            context, functools.partial(_post_progress, context, seminar, chat, screen)
        )


def _progress_screen(progress: team.Progress, chat: team.ProgressChat) -> Screen:
    t = translator(chat.language)
    return team_view.progress(t, progress.seminar, progress.counts, progress.participants)


async def _post_progress(
    context: BotContext, seminar: Seminar, chat: team.ProgressChat, screen: Screen
) -> None:
    message_id = await post_live(context, chat.chat_id, screen, "progress message")
    if message_id is not None:
        await team.progress_posted(context.deps, seminar, chat.chat_id, message_id)


async def progress_changed(context: BotContext, seminar_id: int) -> None:
    """Schedules one refresh of the progress messages, so a burst of notes makes one edit."""
    refresh_soon(context, f"progress-{seminar_id}", PROGRESS_EVERY, _refresh_progress, seminar_id)


async def _refresh_progress(context: BotContext) -> None:
    assert context.job is not None
    seminar_id = context.job.data
    assert isinstance(seminar_id, int)
    progress = await team.progress_to_refresh(context.deps, seminar_id)
    if isinstance(progress, team.RoundOver):
        return
    for chat in progress.chats:
        assert chat.message_id is not None
        screen = _progress_screen(progress, chat)
        await edit_live(context, chat.chat_id, chat.message_id, screen, "progress message")


# -- the moderators' cockpits -------------------------------------------------------------

# What each cockpit message shows, so a refresh that changes nothing edits nothing; and since
# when a new step's cockpit waits for the step's messages to reach the moderator first.
_shown: dict[tuple[int, int], str] = {}
_waiting_since: dict[tuple[int, int], float] = {}
# Moderators whose update is about to post their cockpit, and since when: the periodic refresh
# leaves them to it, so one step change never posts the cockpit twice (the first one vanishing
# under the moderator's thumb). A marker older than the patience is ignored: the update failed.
_posting_since: dict[int, float] = {}
# One cockpit change at a time, so two never post one cockpit twice.
_cockpit_lock = asyncio.Lock()


async def post_cockpit(
    context: BotContext, seminar_id: int, chat_id: int, *, after_broadcasts: bool = True
) -> None:
    """A fresh cockpit for one moderator once the update has committed, below everything it
    sends them; the one above goes. While a broadcast still owes them the step's messages,
    the next refresh posts it after those (`after_broadcasts`)."""

    async def post() -> None:
        try:
            if after_broadcasts and context.services.broadcaster.owes(chat_id):
                return
            async with _cockpit_lock:
                found = await cockpit.cockpits(context.deps, seminar_id)
                helm = next((h for h in found.helms if h.chat_id == chat_id), None)
                if found.cockpit is not None and helm is not None:
                    await _repost(context, found.cockpit, helm)
        finally:
            _posting_since.pop(chat_id, None)

    _posting_since[chat_id] = time.monotonic()
    await after_commit(context, post)


async def refresh_cockpits(context: BotContext) -> None:
    """Every live cockpit: a new step posts a fresh one once the step's own messages have
    reached the moderator; new counts edit it in place."""
    async with _cockpit_lock:
        for seminar_id in await context.deps.store.live_cockpits():
            found = await cockpit.cockpits(context.deps, seminar_id)
            view = found.cockpit
            if view is None:
                continue
            for helm in found.helms:
                if helm.message_id is None or helm.shown != view.step.value:
                    if _posting_soon(helm.chat_id) or _still_owed(
                        context, seminar_id, helm.chat_id
                    ):
                        continue
                    await _repost(context, view, helm)
                else:
                    await _edit_cockpit(context, view, helm, helm.message_id)


def _posting_soon(chat_id: int) -> bool:
    since = _posting_since.get(chat_id)
    return since is not None and time.monotonic() - since < COCKPIT_PATIENCE


def _still_owed(context: BotContext, seminar_id: int, chat_id: int) -> bool:
    """Whether a broadcast still owes this moderator messages of the step, and the cockpit
    has not waited for them too long."""
    waiting = (seminar_id, chat_id)
    if not context.services.broadcaster.owes(chat_id):
        _waiting_since.pop(waiting, None)
        return False
    since = _waiting_since.setdefault(waiting, time.monotonic())
    return time.monotonic() - since < COCKPIT_PATIENCE


def _cockpit_screen(context: BotContext, view: cockpit.Cockpit, helm: cockpit.Helm) -> Screen:
    t = translator(helm.language)
    return cockpit_view.cockpit(t, view)


async def _repost(context: BotContext, view: cockpit.Cockpit, helm: cockpit.Helm) -> None:
    _waiting_since.pop((view.seminar.id, helm.chat_id), None)
    screen = _cockpit_screen(context, view, helm)
    message_id = await post_live(context, helm.chat_id, screen, "cockpit")
    if message_id is None:
        return
    await cockpit.cockpit_posted(context.deps, view.seminar.id, helm.chat_id, message_id, view.step)
    _shown[(helm.chat_id, message_id)] = screen.text
    if helm.message_id is None:
        return
    _shown.pop((helm.chat_id, helm.message_id), None)
    old = helm.message_id
    try:
        await with_retries(lambda: context.bot.delete_message(helm.chat_id, old))
    except TelegramError:
        # Too old to delete (48 hours): its buttons go, so only the new one is pressed.
        try:
            await with_retries(
                lambda: context.bot.edit_message_reply_markup(helm.chat_id, old, reply_markup=None)
            )
        except TelegramError as exc:
            log.info("old cockpit left as it was: %s", exc.message)


async def _edit_cockpit(
    context: BotContext, view: cockpit.Cockpit, helm: cockpit.Helm, message_id: int
) -> None:
    screen = _cockpit_screen(context, view, helm)
    if _shown.get((helm.chat_id, message_id)) == screen.text:
        return
    if await edit_live(context, helm.chat_id, message_id, screen, "cockpit"):
        _shown[(helm.chat_id, message_id)] = screen.text
