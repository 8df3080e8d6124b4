"""/check (the read-back), /report, and closing a seminar for good."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import reporting
from bot.callbacks import Action, Button
from bot.domain import Expectation, Expecting, Person, Seminar
from bot.flows import closing
from bot.flows.answering import NothingPending
from bot.flows.personal_data import PersonalDataFound
from bot.flows.setup import participants_of
from bot.handlers.announcements import send_summary
from bot.handlers.common import (
    BotContext,
    after_commit,
    answer_dropped,
    broadcast,
    drop_buttons,
    person_of,
    pressed_message,
    reader,
    send,
    with_retries,
)
from bot.handlers.routes import (
    MODERATORS,
    N_,
    Command,
    Press,
    Routes,
    Text,
)
from bot.i18n import Translator, translator
from bot.render import answering as answering_view
from bot.render import closing as closing_view
from bot.render import joining as joining_view
from bot.render.screens import phase_name, phase_over

__all__ = ["ROUTES", "offer_to_close", "read_back_text", "send_report"]

log = logging.getLogger(__name__)


def _chat(update: Update) -> int:
    return person_of(update).tg_id


async def check_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    read_back = await closing.start_read_back(context.deps, person_of(update))
    seminar, themes = read_back.seminar, read_back.themes
    people = await participants_of(context.deps, seminar)
    count = await broadcast(
        context, people, lambda tm: [closing_view.read_back(tm, seminar, themes)]
    )
    await send(context, _chat(update), closing_view.read_back_sent(t, count))


async def _read_back(
    update: Update, context: BotContext, button: Button, t: Translator, recognised: bool
) -> str | None:
    outcome = await closing.answer_read_back(
        context.deps, person_of(update), button.arg(0), recognised
    )
    match outcome:
        case closing.ReadBackExpired():
            return joining_view.expired_button(t)
        case closing.ReadBackOver(seminar=seminar):
            await drop_buttons(context, pressed_message(update))
            return phase_over(t, seminar)
    await send(context, _chat(update), closing_view.read_back_thanks(t, recognised))
    return None


async def recognised(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    return await _read_back(update, context, button, t, True)


async def missing(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    return await _read_back(update, context, button, t, False)


async def read_back_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    t = await reader(update, context)
    outcome = await closing.read_back_note(context.deps, person_of(update), text)
    match outcome:
        case PersonalDataFound():
            screen = answering_view.personal_data(t, outcome)
        case closing.ReadBackTooLong(length=length, limit=limit):
            screen = closing_view.read_back_too_long(t, length, limit)
        case closing.EmptyReadBack():
            screen = closing_view.read_back_empty(t)
        case closing.ReadBackNoted():
            screen = closing_view.read_back_noted(t)
    await send(context, _chat(update), screen)


async def keep_read_back(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await closing.keep_read_back(context.deps, person_of(update), button.arg(0))
    await drop_buttons(context, pressed_message(update))
    match outcome:
        case NothingPending():
            return answering_view.nothing_pending(t).text
        case closing.ReadBackExpired():
            return joining_view.expired_button(t)
        case closing.ReadBackOver(seminar=seminar):
            return phase_over(t, seminar)
    await send(context, _chat(update), closing_view.read_back_noted(t))
    return None


async def drop_read_back(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await closing.drop_read_back(context.deps, person_of(update), button.arg(0))
    return await answer_dropped(update, context, t, outcome)


async def send_report(context: BotContext, seminar: Seminar, chats: list[int]) -> None:
    """The report as documents: HTML with its chart, CSV, JSON and the chart as a picture."""
    t = translator(seminar.language)
    data = await closing.report_data(context.deps, seminar, phase_name(t, seminar.phase))

    async def build_and_send() -> None:
        # Drawn after the commit: the chart takes a while, and nobody's update waits for it.
        files = await reporting.report_files(data, t)
        for chat_id in chats:
            for index, file in enumerate(files):
                caption = closing_view.report_caption(t, seminar) if index == 0 else None
                await _send_file(context, chat_id, file, caption)

    await after_commit(context, build_and_send)


async def _send_file(
    context: BotContext, chat_id: int, file: reporting.ReportFile, caption: str | None
) -> None:
    try:
        await with_retries(
            lambda: context.bot.send_document(
                chat_id, file.content, filename=file.name, caption=caption, parse_mode="HTML"
            )
        )
    except TelegramError as exc:
        log.warning("a report file could not be sent: %s", exc.message)


async def _report_chats(context: BotContext, seminar: Seminar) -> list[int]:
    chats = [m.tg_id for m in await context.deps.moderators(seminar.id)]
    office = await context.deps.store.office_chat(seminar.id)
    return [*chats, office] if office is not None else chats


async def report_command(update: Update, context: BotContext) -> None:
    seminar = await closing.reportable(context.deps, person_of(update))
    await send_report(context, seminar, await _report_chats(context, seminar))
    # Participants get the short summary, moderators and the plenary chat the full one.
    await send_summary(context, seminar.id, everyone=True)


async def offer_to_close(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None = None
) -> None:
    """/end: asks before ending the seminar for good."""
    seminar = await closing.may_end(context.deps, person, seminar_id)
    days = context.deps.settings.retention_days
    await send(context, person.tg_id, closing_view.close_seminar_ask(t, seminar, days))


async def end_command(update: Update, context: BotContext) -> None:
    await offer_to_close(context, person_of(update), await reader(update, context))


async def close_seminar(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    closed = await closing.close_seminar(context.deps, person_of(update), button.arg(0))
    seminar = closed.seminar
    days = context.deps.settings.retention_days
    people = await participants_of(context.deps, seminar)
    await broadcast(context, people, lambda tm: [closing_view.seminar_closed(tm, seminar, days)])
    await send_summary(context, seminar.id)
    await send_report(context, seminar, await _report_chats(context, seminar))
    return None


ROUTES = Routes(
    commands=(
        Command(
            "check",
            check_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Read the themes back"),
        ),
        Command(
            "report", report_command, shared=True, menus=MODERATORS, description=N_("The report")
        ),
        Command(
            "end", end_command, shared=True, menus=MODERATORS, description=N_("End the seminar")
        ),
    ),
    buttons=(
        Press(Action.READBACK_RECOGNISED, recognised, personal=True),
        Press(Action.READBACK_MISSING, missing, personal=True),
        Press(Action.KEEP_READBACK, keep_read_back, personal=True),
        Press(Action.DROP_READBACK, drop_read_back, personal=True),
        Press(Action.CLOSE_SEMINAR, close_seminar),
    ),
    texts=(Text(Expecting.READ_BACK, read_back_text),),
)
