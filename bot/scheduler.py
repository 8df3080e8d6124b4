"""Every scheduled job lives in the database; one APScheduler job looks for due ones each second.

APScheduler forgets a job that fell due while the bot was down, so catch-up is ours: a due
close or summary still runs once when the bot is back; a reminder whose moment has passed
with its round is reported to the moderators as missed. A job is claimed in the database
before it runs, so it never starts twice, and one interrupted by a crash is finished at the
next start: its phase change cannot happen twice, and its broadcasts resume where they were.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta
from typing import Any, cast

from telegram.ext import Application

from bot.domain import Person, Schedule, ScheduleStatus, Seminar
from bot.flows import closing, schedules, setup
from bot.flows import plenary as plenary_flow
from bot.flows.refusals import Refusal
from bot.flows.timing import deadline, next_daily, parse_clock_time
from bot.handlers.announcements import (
    announce_closed,
    announce_opened,
    announce_plenary,
    announce_ranking,
    refresh_cockpits,
    send_summary,
)
from bot.handlers.common import BotContext
from bot.handlers.tidings import follow_up_due, remind_offices, tell_news
from bot.i18n import translator
from bot.render import schedules as schedules_view
from bot.store import ScheduleStore

__all__ = ["arm"]

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
COCKPIT_SECONDS = 4.0  # the moderators' cockpits change at most this often
LATE = timedelta(minutes=2)  # a job this much past its time was held up by downtime


def arm(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Starts the one repeating job that runs whatever the database says is due."""
    assert app.job_queue is not None
    app.job_queue.run_repeating(
        cast(Any, _tick), interval=TICK_SECONDS, first=TICK_SECONDS, name="schedules"
    )
    app.job_queue.run_repeating(
        cast(Any, _cockpits), interval=COCKPIT_SECONDS, first=COCKPIT_SECONDS, name="cockpits"
    )


PURGE_EVERY = timedelta(hours=1)
_last_purge: list[datetime] = []


async def _tick(context: BotContext) -> None:
    now = context.deps.clock.now()
    if not _last_purge or now - _last_purge[0] >= PURGE_EVERY:
        _last_purge[:] = [now]
        await context.services.lanes.run_alone(functools.partial(_purge, context, now))
    store = ScheduleStore(context.deps.store)
    # A reminder due together with the close it reminds of is judged after that close, so the
    # moderators read where the seminar moved on to.
    due = sorted(await store.due(now), key=lambda job: job.kind == schedules.Kind.REMIND)
    for item in due:
        await context.services.lanes.run_alone(functools.partial(_run_job, context, item, now))
    # A proposal's new status reaches the people who asked to hear back, and a due date near
    # reaches the office, whoever changed it (the office's page, its chat) and when.
    if await follow_up_due(context):
        await context.services.lanes.run_alone(functools.partial(_follow_up, context))


async def _cockpits(context: BotContext) -> None:
    try:
        await refresh_cockpits(context)
    except Exception:
        log.exception("the cockpits were not refreshed")


async def _follow_up(context: BotContext) -> None:
    try:
        await tell_news(context)
        await remind_offices(context)
    except Exception:
        log.exception("the follow-up's news and reminders were not sent")


async def _purge(context: BotContext, now: datetime) -> None:
    purged = await closing.purge(context.deps, now)
    if purged:
        log.info("deleted %d seminar(s) past the retention period", purged)


async def _run_job(context: BotContext, item: Schedule, now: datetime) -> None:
    """One job in one transaction, in line with the updates: its change, its settling and
    its broadcasts commit together, and no moderator's press runs in the middle of it."""
    store = ScheduleStore(context.deps.store)
    try:
        async with context.deps.store.transaction():
            if item.status is ScheduleStatus.PENDING and not await store.claim(item.id):
                return
            await _run(context, item, now)
    except Exception:
        log.exception("scheduled job %d (%s) failed", item.id, item.kind)
        await store.settle(item.id, ScheduleStatus.FAILED)


async def _run(context: BotContext, item: Schedule, now: datetime) -> None:
    store = ScheduleStore(context.deps.store)
    seminar = await context.deps.store.seminar(item.seminar_id)
    if seminar is None:
        await store.settle(item.id, ScheduleStatus.DONE)
        return
    origin = f"schedule:{item.id}"
    if item.kind == schedules.Kind.SUMMARY:
        await _summary(context, item, seminar, now, origin)
    elif item.kind == schedules.Kind.REMIND:
        await _remind(context, item, seminar, now, origin)
    else:
        done = await _move_on(context, item, seminar, origin)
        if not done:
            await _tell_moderators(context, seminar, item, missed=True)
            await store.settle(item.id, ScheduleStatus.MISSED)
            return
        if now - item.run_at > LATE:
            await _tell_moderators(context, seminar, item, missed=False)
        await store.settle(item.id, ScheduleStatus.DONE)


async def _summary(
    context: BotContext, item: Schedule, seminar: Seminar, now: datetime, origin: str
) -> None:
    store = ScheduleStore(context.deps.store)
    if seminar.ended:
        await store.settle(item.id, ScheduleStatus.DONE)
        return
    await send_summary(context, seminar.id, f"{origin}:{item.run_at.isoformat()}")
    at = parse_clock_time(item.daily_at or "09:00")
    assert at is not None
    # Days missed while the bot was down are not sent one after another: once is enough.
    await store.again_at(item.id, next_daily(at, now, context.deps.settings.timezone))


async def _remind(
    context: BotContext, item: Schedule, seminar: Seminar, now: datetime, origin: str
) -> None:
    store = ScheduleStore(context.deps.store)
    closes = [s for s in await store.active(seminar.id) if s.kind == schedules.Kind.CLOSE]
    too_late = any(close.run_at <= now for close in closes)
    if too_late or not schedules.can_remind(seminar):
        await _tell_moderators(context, seminar, item, missed=True)
        await store.settle(item.id, ScheduleStatus.MISSED)
        return
    waiting = await schedules.reminder_recipients(context.deps, seminar)
    close = await deadline(context.deps, seminar)
    await context.services.broadcaster.broadcast(
        seminar.id, waiting, lambda t: [schedules_view.reminder(t, seminar, close)], origin
    )
    await store.settle(item.id, ScheduleStatus.DONE)


async def _move_on(context: BotContext, item: Schedule, seminar: Seminar, origin: str) -> bool:
    """Opens or closes on the moderator's behalf, through the moderators' own flows and
    announcements; False if the seminar had moved on already (the flow refused)."""
    deps = context.deps
    moderator = Person(item.created_by, None)
    t = translator(await deps.language(moderator))
    # A job interrupted by a crash after its step was taken has nothing left to do.
    interrupted = item.status is ScheduleStatus.RUNNING
    try:
        if item.kind == schedules.Kind.OPEN:
            opened = await setup.open_round(deps, moderator, seminar.id, reopen=False)
            await announce_opened(context, opened, moderator, t, origin)
            return True
        if seminar.writing:
            closed = await setup.close_round(deps, moderator, seminar.id)
            await announce_closed(context, closed, origin)
            return True
        if seminar.voting:
            plenary = await plenary_flow.open_plenary(deps, moderator, seminar.id)
            if isinstance(plenary, plenary_flow.Plenary):
                await announce_plenary(context, plenary, moderator, t, origin)
                return True
        elif seminar.dots_open:
            ranked = await plenary_flow.close_dots(deps, moderator, seminar.id)
            if isinstance(ranked, plenary_flow.DotsClosed):
                await announce_ranking(context, ranked, origin)
                return True
    except Refusal:
        # The seminar had moved on, or the moderator who set the job up moderates no longer.
        if item.kind == schedules.Kind.OPEN:
            return interrupted and seminar.writing
    return interrupted


async def _tell_moderators(
    context: BotContext, seminar: Seminar, item: Schedule, *, missed: bool
) -> None:
    zone = context.deps.settings.timezone
    current = await context.deps.store.seminar(seminar.id) or seminar
    await context.services.broadcaster.broadcast(
        seminar.id,
        await context.deps.moderators(seminar.id),
        lambda t: [
            schedules_view.job_missed(t, item, zone, current)
            if missed
            else schedules_view.job_done_late(t, item, zone)
        ],
    )
