"""/office_email: the office's e-mail addresses; and e-mailing the report to them."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update

from bot import mail
from bot.callbacks import Action, Button
from bot.domain import Person, Seminar
from bot.flows import offices
from bot.flows.report_data import ReportData
from bot.handlers.common import (
    BotContext,
    edit,
    person_of,
    post_live,
    pressed_message,
    reader,
    send,
)
from bot.handlers.routes import MODERATORS, N_, Command, Press, Routes
from bot.i18n import Translator, translator
from bot.render import offices as offices_view

__all__ = ["ROUTES", "mail_report", "office_email_command"]

_ADD = frozenset({"add", "legg", "leggtil", "+"})
_REMOVE = frozenset({"remove", "delete", "fjern", "slett", "ta", "-"})


async def office_email_command(update: Update, context: BotContext) -> None:
    """/office_email: the list; /office_email add ADDRESS; /office_email remove ADDRESS.
    An address alone is added."""
    t = await reader(update, context)
    person = person_of(update)
    words = list(context.args or [])
    verb = words[0].lower() if words else ""
    outcome: offices_view.Outcome
    if not words:
        outcome = await offices.addresses(context.deps, person)
    elif verb in _REMOVE:
        outcome = await offices.remove(context.deps, person, " ".join(words[1:]))
    elif verb in _ADD:
        outcome = await offices.add(context.deps, person, " ".join(words[1:]))
    else:
        outcome = await offices.add(context.deps, person, " ".join(words))
    await send(context, person.tg_id, offices_view.office_emails(t, outcome))


async def remove_pressed(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await offices.remove_by_id(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    await edit(context, pressed_message(update), offices_view.office_emails(t, outcome))
    return None


async def mail_report(
    context: BotContext,
    seminar: Seminar,
    data: ReportData,
    files: Sequence[tuple[str, bytes]],
    asked_by: Person,
) -> None:
    """After the report's files are made (after the commit): an e-mail to each office address
    with the files attached, in the seminar's language; the moderator who asked is told, in
    theirs, where it went and what failed."""
    addresses = await offices.report_addresses(context.deps, seminar)
    if not addresses:
        return
    told = translator(await context.deps.language(asked_by))
    settings = context.deps.settings.email
    if settings is None:
        screen = offices_view.mail_off_for_report(told, len(addresses))
    else:
        t = translator(seminar.language)
        letter = mail.Letter(
            subject=offices_view.letter_subject(t, data),
            text=offices_view.letter_text(t, data),
            html=offices_view.letter_html(t, data),
            attachments=tuple(mail.Attachment(name, content) for name, content in files),
        )
        done = await mail.send_letter(settings, addresses, letter)
        screen = offices_view.delivery(told, seminar, done)
    await post_live(context, asked_by.tg_id, screen, "the report's e-mail status")


ROUTES = Routes(
    commands=(
        Command(
            "office_email",
            office_email_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Office e-mail addresses"),
        ),
    ),
    buttons=(Press(Action.OFFICE_EMAIL_REMOVE, remove_pressed),),
)
