"""/schedule and /summary."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button, ForgedButton
from bot.expectations import Expectation, Expecting, ScheduleDraft
from bot.flows import schedules
from bot.flows.timing import BadTime
from bot.handlers.announcements import send_summary
from bot.handlers.closing import own_report_short
from bot.handlers.common import (
    BotContext,
    edit,
    person_of,
    pressed_message,
    reader,
    send,
)
from bot.handlers.routes import (
    EVERYONE,
    MODERATORS,
    N_,
    Command,
    Press,
    Routes,
    Text,
)
from bot.i18n import Translator
from bot.render import schedules as schedules_view
from bot.render.screens import Screen

__all__ = ["ROUTES", "schedule_text"]


def _chat(update: Update) -> int:
    return person_of(update).tg_id


def _zone(context: BotContext) -> str:
    return context.deps.settings.timezone


async def schedule_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    listed = await schedules.listing(context.deps, person_of(update))
    await send(context, _chat(update), _list(t, context, listed))


def _list(t: Translator, context: BotContext, listed: schedules.ScheduleList) -> Screen:
    return schedules_view.schedules(t, listed.seminar, listed.schedules, _zone(context))


async def ask(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    index = button.arg(0)
    if index >= len(schedules_view.SCHEDULE_KINDS):
        raise ForgedButton("unknown schedule kind")
    kind = schedules_view.SCHEDULE_KINDS[index]
    if kind is schedules.Kind.REMIND:
        choices = await schedules.reminder_choices(context.deps, person_of(update))
        if isinstance(choices, schedules.NeedClose):
            await send(context, _chat(update), schedules_view.need_close(t))
        else:
            await send(context, _chat(update), schedules_view.ask_reminder(t, choices))
        return None
    await schedules.ask(context.deps, person_of(update), kind)
    await send(context, _chat(update), schedules_view.ask_when(t, kind))
    return None


async def _answer(
    context: BotContext,
    chat: int,
    t: Translator,
    outcome: schedules.Scheduled
    | schedules.AlreadyScheduled
    | schedules.NeedClose
    | schedules.ReminderTooLate
    | BadTime,
) -> None:
    match outcome:
        case schedules.Scheduled(schedule=item):
            screen = schedules_view.scheduled(t, item, _zone(context))
        case schedules.AlreadyScheduled(existing=item):
            screen = schedules_view.already_scheduled(t, item, _zone(context))
        case schedules.NeedClose():
            screen = schedules_view.need_close(t)
        case schedules.ReminderTooLate():
            screen = schedules_view.reminder_too_late(t, outcome)
        case BadTime(reason=reason):
            screen = schedules_view.bad_time(t, reason)
    await send(context, chat, screen)


async def schedule_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """The time a moderator typed after choosing what to schedule."""
    t = await reader(update, context)
    assert isinstance(expectation.draft, ScheduleDraft)
    outcome = await schedules.receive_when(context.deps, person_of(update), expectation.draft, text)
    await _answer(context, _chat(update), t, outcome)


async def remind(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    minutes = button.arg(0)
    if minutes not in schedules.REMINDER_OFFSETS:
        raise ForgedButton("unknown reminder offset")
    outcome = await schedules.add_reminder(context.deps, person_of(update), minutes)
    await _answer(context, _chat(update), t, outcome)
    return None


async def cancel(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await schedules.cancel(context.deps, person_of(update), button.arg(0))
    match outcome:
        case schedules.Cancelled(schedule=item):
            await send(context, _chat(update), schedules_view.schedule_cancelled(t, item))
        case schedules.NoLongerScheduled():
            await send(context, _chat(update), schedules_view.no_longer_scheduled(t))
    if outcome.listing is not None:
        await edit(context, pressed_message(update), _list(t, context, outcome.listing))
    return None


async def summary_command(update: Update, context: BotContext) -> None:
    """Moderators send the summary out now; a participant sees a short one for themselves."""
    t = await reader(update, context)
    match await schedules.ask_summary(context.deps, person_of(update)):
        case schedules.SummaryForAll(seminar=seminar):
            await send_summary(context, seminar.id)
        case schedules.OwnSummary(data=data, wanted=wanted):
            # Once the report exists, a participant's summary is its short version.
            if not await own_report_short(context, person_of(update), t):
                screen = schedules_view.summary_participant(t, data, wanted)
                await send(context, _chat(update), screen)


async def toggle(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    toggled = await schedules.toggle_summaries(context.deps, person_of(update))
    await edit(
        context, pressed_message(update), schedules_view.summaries_toggled(t, toggled.wanted)
    )
    return None


ROUTES = Routes(
    commands=(
        Command(
            "schedule",
            schedule_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Time boxes, reminders, summaries"),
        ),
        Command(
            "summary",
            summary_command,
            shared=True,
            menus=EVERYONE,
            description=N_("The summary now"),
        ),
    ),
    buttons=(
        Press(Action.SCHEDULE_ASK, ask),
        Press(Action.SCHEDULE_REMIND, remind),
        Press(Action.SCHEDULE_CANCEL, cancel),
        Press(Action.SUMMARIES_TOGGLE, toggle, personal=True),
    ),
    texts=(Text(Expecting.SCHEDULE_TIME, schedule_text),),
)
