"""/check (the read-back), /report, and closing a seminar for good."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import TelegramError

from bot import reporting
from bot.callbacks import Action, Button
from bot.domain import Person, Seminar
from bot.expectations import Expectation, Expecting
from bot.flows import closing, hearing, schedules
from bot.flows.answering import NothingPending
from bot.flows.personal_data import PersonalDataFound
from bot.flows.setup import participants_of
from bot.handlers import offices
from bot.handlers.announcements import send_summary
from bot.handlers.common import (
    BotContext,
    after_commit,
    answer_dropped,
    broadcast,
    drop_buttons,
    edit,
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
from bot.handlers.setup import take_back_moderator_commands
from bot.i18n import Translator, translator
from bot.render import answering as answering_view
from bot.render import closing as closing_view
from bot.render import hearing as hearing_view
from bot.render.screens import phase_name, phase_over, status_name

__all__ = ["ROUTES", "offer_to_close", "own_report_short", "read_back_text", "send_report"]

log = logging.getLogger(__name__)


def _chat(update: Update) -> int:
    return person_of(update).tg_id


async def check_command(update: Update, context: BotContext) -> None:
    """Reads each theme back to every participant with its notes, asking about each one."""
    t = await reader(update, context)
    read_back = await closing.start_read_back(context.deps, person_of(update))
    seminar, themes = read_back.seminar, read_back.themes
    people = await participants_of(context.deps, seminar)
    count = await broadcast(context, people, lambda tm: closing_view.read_back(tm, seminar, themes))
    await send(context, _chat(update), closing_view.read_back_sent(t, seminar, count, len(themes)))


async def _stale(
    update: Update,
    context: BotContext,
    t: Translator,
    outcome: closing.ReadBackOver | closing.ReadBackExpired,
) -> None:
    """A read-back button that no longer applies: its buttons go, and a message says why
    (once: the press itself is then answered without words)."""
    await drop_buttons(context, pressed_message(update))
    if isinstance(outcome, closing.ReadBackOver):
        screen = closing_view.read_back_stale(t, phase_over(t, outcome.seminar))
    else:
        screen = closing_view.read_back_stale(t)
    await send(context, _chat(update), screen)


async def _read_back(
    update: Update, context: BotContext, button: Button, t: Translator, recognised: bool
) -> str | None:
    theme = button.arg(1) if button.action in (Action.READBACK_YES, Action.READBACK_NO) else 0
    outcome = await closing.answer_read_back(
        context.deps, person_of(update), button.arg(0), recognised, theme
    )
    if not isinstance(outcome, closing.ReadBackAnswered):
        await _stale(update, context, t, outcome)
        return None
    await send(context, _chat(update), closing_view.read_back_thanks(t, recognised, outcome.number))
    return None


async def recognised(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    return await _read_back(update, context, button, t, True)


async def missing(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    return await _read_back(update, context, button, t, False)


async def more_notes(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """«Theme n: show more notes»: the pressed part loses that button, the next part comes."""
    outcome = await closing.read_back_theme(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    if not isinstance(outcome, closing.ShownTheme):
        await _stale(update, context, t, outcome)
        return None
    seminar, theme = outcome.seminar, outcome.theme
    part, total = button.arg(2), button.arg(3)
    shown = closing_view.read_back_theme_shown(t, seminar, theme, total, part - 1)
    await edit(context, pressed_message(update), shown)
    await send(context, _chat(update), closing_view.read_back_theme(t, seminar, theme, total, part))
    return None


async def tally(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    """The moderators' view of the read-back: the answers per theme, counts only."""
    outcome = await closing.read_back_tally(context.deps, person_of(update), button.arg(0))
    await edit(context, pressed_message(update), closing_view.read_back_tally(t, outcome))
    return None


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
        case closing.ReadBackNoted(number=number):
            screen = closing_view.read_back_noted(t, number)
    await send(context, _chat(update), screen)


async def keep_read_back(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await closing.keep_read_back(context.deps, person_of(update), button.arg(0))
    await drop_buttons(context, pressed_message(update))
    match outcome:
        case NothingPending():
            return answering_view.nothing_pending(t).text
        case closing.ReadBackExpired() | closing.ReadBackOver():
            await _stale(update, context, t, outcome)
            return None
    await send(context, _chat(update), closing_view.read_back_noted(t, outcome.number))
    return None


async def drop_read_back(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await closing.drop_read_back(context.deps, person_of(update), button.arg(0))
    return await answer_dropped(update, context, t, outcome)


async def send_report(
    context: BotContext, seminar: Seminar, chats: list[int], asked_by: Person | None = None
) -> None:
    """The report as documents: for people the HTML with its chart, a Word document and a
    spreadsheet; for machines CSV and JSON; and the chart as a picture. The HTML comes first,
    with the caption. And by e-mail to the office addresses, telling `asked_by` where it went."""
    t = translator(seminar.language)
    data = await closing.report_data(
        context.deps, seminar, phase_name(t, seminar.phase), lambda s: status_name(t, s)
    )
    await closing.report_made(context.deps, seminar)

    async def build_and_send() -> None:
        # Made after the commit: the chart and the Word and spreadsheet files take a while
        # (each in its own process), and nobody's update waits for them.
        files = await reporting.report_files(data, t)
        mailing = None
        if asked_by is not None:
            # The e-mail goes beside the documents: a slow mail server holds up no chat.
            mailing = asyncio.create_task(
                offices.mail_report(context, seminar, data, files, asked_by)
            )
        for chat_id in chats:
            for index, file in enumerate(files):
                caption = closing_view.report_caption(t, seminar) if index == 0 else None
                await _send_file(context, chat_id, file, caption)
        if mailing is not None:
            await mailing

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
    await send_report(
        context, seminar, await _report_chats(context, seminar), asked_by=person_of(update)
    )
    # Moderators and the plenary chat get the full summary; participants the report's short
    # version, each in their own language, and again from their menu (/summary).
    await send_summary(context, seminar.id, participants=False)
    moderators = {m.tg_id for m in await context.deps.moderators(seminar.id)}
    people = [p for p in await participants_of(context.deps, seminar) if p.tg_id not in moderators]
    short = await closing.report_short(context.deps, seminar)
    await broadcast(context, people, lambda tm: [closing_view.report_short(tm, short)])


async def own_report_short(context: BotContext, person: Person, t: Translator) -> bool:
    """A participant's /summary once the report exists: its short version. False before."""
    short = await closing.own_report_short(context.deps, person)
    if short is None:
        return False
    await send(context, person.tg_id, closing_view.report_short(t, short))
    return True


async def offer_to_close(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None = None
) -> None:
    """/end: asks before ending the seminar for good."""
    seminar = await closing.may_end(context.deps, person, seminar_id)
    days = context.deps.settings.retention_days
    office = await context.deps.store.office_chat(seminar.id) is not None
    await send(context, person.tg_id, closing_view.close_seminar_ask(t, seminar, days, office))


async def end_command(update: Update, context: BotContext) -> None:
    await offer_to_close(context, person_of(update), await reader(update, context))


async def close_seminar(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    closed = await closing.close_seminar(context.deps, person_of(update), button.arg(0))
    seminar = closed.seminar
    days = context.deps.settings.retention_days
    moderators = {m.tg_id for m in await context.deps.moderators(seminar.id)}
    people = [p for p in await participants_of(context.deps, seminar) if p.tg_id not in moderators]
    data = await schedules.summary(context.deps, seminar)
    # After the goodbye, the question whether they want to hear what comes of the proposals.
    asked = await hearing.ask(context.deps, seminar)
    await broadcast(
        context,
        people,
        lambda tm: [
            closing_view.seminar_closed(tm, seminar, days, data),
            *([hearing_view.ask(tm, asked.series.id, asked.series.title)] if asked else []),
        ],
    )
    # The participants have theirs in the goodbye; moderators and the plenary chat get the full one.
    await send_summary(context, seminar.id, participants=False)
    await send_report(
        context, seminar, await _report_chats(context, seminar), asked_by=person_of(update)
    )
    # Who moderates no seminar that goes on no longer sees the moderators' menu.
    for former in await closing.moderating_nothing(context.deps, moderators):
        await take_back_moderator_commands(context, former)
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
        Press(Action.READBACK_YES, recognised, personal=True),
        Press(Action.READBACK_NO, missing, personal=True),
        Press(Action.READBACK_MORE, more_notes, personal=True),
        Press(Action.READBACK_TALLY, tally, personal=True),
        Press(Action.KEEP_READBACK, keep_read_back, personal=True),
        Press(Action.DROP_READBACK, drop_read_back, personal=True),
        Press(Action.CLOSE_SEMINAR, close_seminar),
    ),
    texts=(Text(Expecting.READ_BACK, read_back_text),),
)
