"""/schedule and /summary."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import render
from bot.callbacks import Action, Button, ForgedButton
from bot.domain import Role
from bot.flows import schedules
from bot.flows.deps import NoSeminar, NotModerator
from bot.flows.setup import WrongPhase
from bot.flows.timing import BadTime
from bot.handlers.buttons import ButtonRoute
from bot.handlers.common import (
    BotContext,
    edit,
    person_of,
    post_to_plenary,
    pressed_message,
    reader,
    send,
)
from bot.i18n import Translator

__all__ = ["BUTTONS", "handlers", "schedule_text", "send_summary"]


def _chat(update: Update) -> int:
    return person_of(update).tg_id


def _zone(context: BotContext) -> str:
    return context.deps.settings.timezone


async def schedule_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    outcome = await schedules.listing(context.deps, person_of(update))
    if isinstance(outcome, NoSeminar | NotModerator | WrongPhase):
        await send(context, _chat(update), render.refusal(t, outcome))
        return
    await send(context, _chat(update), render.schedules(t, *outcome, _zone(context)))


async def ask(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    index = button.arg(0)
    if index >= len(render.SCHEDULE_KINDS):
        raise ForgedButton("unknown schedule kind")
    kind = schedules.Kind(render.SCHEDULE_KINDS[index])
    if kind is schedules.Kind.REMIND:
        await send(context, _chat(update), render.ask_reminder(t, schedules.REMINDER_OFFSETS))
        return None
    outcome = await schedules.ask(context.deps, person_of(update), kind)
    if isinstance(outcome, NoSeminar | NotModerator | WrongPhase):
        await send(context, _chat(update), render.refusal(t, outcome))
        return None
    await send(context, _chat(update), render.ask_when(t, kind))
    return None


async def _answer(
    context: BotContext,
    chat: int,
    t: Translator,
    outcome: schedules.Scheduled
    | schedules.AlreadyScheduled
    | schedules.NeedClose
    | BadTime
    | NoSeminar
    | NotModerator
    | WrongPhase,
) -> None:
    match outcome:
        case schedules.Scheduled(schedule=item):
            screen = render.scheduled(t, item, _zone(context))
        case schedules.AlreadyScheduled(existing=item):
            screen = render.already_scheduled(t, item, _zone(context))
        case schedules.NeedClose():
            screen = render.need_close(t)
        case BadTime(reason=reason):
            screen = render.bad_time(t, reason)
        case _:
            screen = render.refusal(t, outcome)
    await send(context, chat, screen)


async def schedule_text(update: Update, context: BotContext, text: str) -> None:
    """The time a moderator typed after choosing what to schedule."""
    t = await reader(update, context)
    outcome = await schedules.receive_when(context.deps, person_of(update), text)
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
    if isinstance(outcome, NoSeminar | NotModerator | WrongPhase):
        return render.not_moderator(t).text
    await send(context, _chat(update), render.schedule_cancelled(t, outcome))
    listed = await schedules.listing(context.deps, person_of(update))
    if isinstance(listed, tuple):
        await edit(context, pressed_message(update), render.schedules(t, *listed, _zone(context)))
    return None


async def send_summary(
    context: BotContext, seminar_id: int, origin: str | None = None, *, everyone: bool = False
) -> None:
    """The summary to the moderators, the plenary chat and the participants who asked for it
    (or, with everyone, all participants)."""
    seminar = await context.deps.store.seminar(seminar_id)
    if seminar is None:
        return
    data = await schedules.summary(context.deps, seminar)
    readers = await schedules.summary_readers(context.deps, seminar, everyone=everyone)
    moderators = {m.tg_id for m in await context.deps.moderators(seminar.id)}

    await context.services.broadcaster.broadcast(
        seminar.id,
        [m for m in readers if m.tg_id in moderators],
        lambda t: [render.summary_full(t, data)],
        f"{origin}:moderators" if origin else None,
    )
    await context.services.broadcaster.broadcast(
        seminar.id,
        [m for m in readers if m.tg_id not in moderators],
        lambda t: [render.summary_short(t, data)],
        f"{origin}:participants" if origin else None,
    )
    await post_to_plenary(
        context,
        seminar,
        lambda t: [render.summary_full(t, data)],
        f"{origin}:plenary" if origin else None,
    )


async def summary_command(update: Update, context: BotContext) -> None:
    """Moderators send the summary out now; a participant sees a short one for themselves."""
    t = await reader(update, context)
    person = person_of(update)
    seminar = await context.deps.active_seminar(person)
    member = await context.deps.store.membership(seminar.id, person.tg_id) if seminar else None
    if seminar is None or member is None:
        await send(context, _chat(update), render.not_joined(t))
        return
    if member.role is Role.MODERATOR:
        await send_summary(context, seminar.id)
        return
    data = await schedules.summary(context.deps, seminar)
    wanted = await context.deps.store.wants_summaries(seminar.id, person.tg_id)
    await send(context, _chat(update), render.summary_participant(t, data, wanted))


async def toggle(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await schedules.toggle_summaries(context.deps, person_of(update))
    if isinstance(outcome, NoSeminar):
        return render.expired_button(t)
    _, wanted = outcome
    await edit(context, pressed_message(update), render.summaries_toggled(t, wanted))
    return None


BUTTONS: dict[Action, ButtonRoute] = {
    Action.SCHEDULE_ASK: ask,
    Action.SCHEDULE_REMIND: remind,
    Action.SCHEDULE_CANCEL: cancel,
    Action.SUMMARIES_TOGGLE: toggle,
}


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("schedule", schedule_command, filters=private),
        CommandHandler("summary", summary_command, filters=private),
    ]
