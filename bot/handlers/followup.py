"""/followup: for a moderator, the series' follow-up table and the office's links (sent to the
moderator's private chat only); in the office's bound chat, the proposals of every series it
follows up, with buttons that set each one's status and make a link to each series' page.

«Not possible» in the office's chat offers fixed reasons as buttons rather than asking for a
typed one: with privacy mode on, the bot sees a group's text only when it replies to the bot,
so a reason typed normally would be lost without a word; a typed reason would also name
whoever wrote it in the chat's history next to the status. The page takes a reason in the
office's own words.
"""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button, ForgedButton
from bot.domain import Reason, Status
from bot.flows import followup
from bot.handlers.common import BotContext, edit, person_of, pressed_message, reader, send
from bot.handlers.routes import MODERATORS, N_, Chat, Command, Press, Routes
from bot.i18n import Translator, translator
from bot.render import followup as followup_view

__all__ = ["ROUTES", "followup_command"]


async def followup_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    t = await reader(update, context)
    if chat.type != "private":
        await _office_command(context, chat.id, t)
        return
    person = person_of(update)
    outcome = await followup.table(context.deps, person)
    match outcome:
        case followup.NoFollowUp():
            screen = followup_view.no_followup(t, outcome)
        case followup.FollowUpTable():
            screen = followup_view.moderator_table(t, outcome)
    await send(context, person.tg_id, screen)


async def make_link(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    person = person_of(update)
    outcome = await followup.make_link(context.deps, person, button.arg(0))
    match outcome:
        case followup.LinkMade():
            zone = context.deps.settings.timezone
            screen = followup_view.link_made(t, outcome, zone)
        case followup.LinksOff():
            screen = followup_view.links_off(t, outcome)
        case followup.NoFollowUp():
            screen = followup_view.no_followup(t, outcome)
    # The link goes to the moderator's private chat, whoever else may see the table.
    await send(context, person.tg_id, screen)
    return None


async def stop_links(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    person = person_of(update)
    outcome = await followup.stop_links(context.deps, person, button.arg(0))
    await send(context, person.tg_id, followup_view.links_stopped(t, outcome))
    return None


# -- the office's bound chat --------------------------------------------------------------


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None
    return chat.id


async def _office_command(context: BotContext, chat_id: int, t: Translator) -> None:
    """The office's table, in its series' language; a chat that is no office's is told so in
    the asker's."""
    outcome = await followup.office_table(context.deps, chat_id)
    match outcome:
        case followup.NotOffice():
            await send(context, chat_id, followup_view.not_office(t, outcome))
        case followup.OfficeTable():
            ts = translator(outcome.language)
            await send(context, chat_id, followup_view.office_table(ts, outcome))


async def pick(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    """«Proposal N: change status»: the status buttons, in the office's chat."""
    chat_id = _chat_id(update)
    outcome = await followup.office_table(context.deps, chat_id)
    if isinstance(outcome, followup.NotOffice):
        await send(context, chat_id, followup_view.not_office(t, outcome))
        return None
    proposal, number = button.arg(0), button.arg(1)
    ts = translator(outcome.language)
    await send(context, chat_id, followup_view.pick_status(ts, outcome, proposal, number))
    return None


async def _set(
    update: Update,
    context: BotContext,
    t: Translator,
    button: Button,
    status: Status,
    reason: Reason | None,
) -> None:
    chat_id = _chat_id(update)
    proposal, number = button.arg(0), button.arg(2)
    outcome = await followup.office_set(context.deps, chat_id, proposal, status, reason)
    match outcome:
        case followup.NotOffice():
            await send(context, chat_id, followup_view.not_office(t, outcome))
        case followup.NeedsReason():
            ts = translator(outcome.language)
            screen = followup_view.pick_reason(ts, outcome.proposal_id, number)
            await edit(context, pressed_message(update), screen)
        case followup.OfficeTable():
            ts = translator(outcome.language)
            await edit(context, pressed_message(update), followup_view.office_table(ts, outcome))


async def set_status(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    index = button.arg(1)
    if index >= len(followup_view.STATUSES):
        raise ForgedButton("status out of range")
    await _set(update, context, t, button, followup_view.STATUSES[index], None)
    return None


async def set_reason(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    index = button.arg(1)
    if index >= len(followup.REASONS):
        raise ForgedButton("reason out of range")
    await _set(update, context, t, button, Status.NOT_POSSIBLE, followup.REASONS[index])
    return None


async def office_link(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """«Link to the page» in the office's chat: the office makes its own link there."""
    chat_id = _chat_id(update)
    outcome = await followup.office_link(context.deps, chat_id, button.arg(0))
    match outcome:
        case followup.NotOffice():
            screen = followup_view.not_office(t, outcome)
        case followup.LinksOff():
            screen = followup_view.links_off(t, outcome)
        case followup.LinkMade():
            ts = translator(outcome.language)
            screen = followup_view.office_link(ts, outcome, context.deps.settings.timezone)
    await send(context, chat_id, screen)
    return None


ROUTES = Routes(
    commands=(
        Command(
            "followup",
            followup_command,
            menus=MODERATORS,
            description=N_("Follow-up of the proposals"),
            chat=Chat.ANY,
        ),
    ),
    buttons=(
        Press(Action.FOLLOWUP_LINK, make_link),
        Press(Action.FOLLOWUP_STOP, stop_links),
        Press(Action.FOLLOWUP_PICK, pick, chat=Chat.GROUP),
        Press(Action.FOLLOWUP_SET, set_status, chat=Chat.GROUP),
        Press(Action.FOLLOWUP_REASON, set_reason, chat=Chat.GROUP),
        Press(Action.FOLLOWUP_OFFICE_LINK, office_link, chat=Chat.GROUP),
    ),
)
