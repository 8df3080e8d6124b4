"""Co-moderators, /seminars, /announce, /bind in a group chat, and paper notes."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.callbacks import Action, Button
from bot.domain import Person
from bot.expectations import Expectation, Expecting
from bot.flows import closing, team
from bot.flows.answering import EmptyNote, NoteTooLong, NothingPending
from bot.flows.personal_data import PersonalDataFound
from bot.flows.refusals import Refusal
from bot.handlers.announcements import progress_changed
from bot.handlers.common import (
    BotContext,
    answer_dropped,
    broadcast,
    drop_buttons,
    edit,
    person_of,
    post_to_plenary,
    pressed_message,
    reader,
    send,
    with_retries,
)
from bot.handlers.routes import (
    MODERATORS,
    N_,
    Chat,
    Command,
    Press,
    Routes,
    Text,
)
from bot.handlers.setup import register_moderator_commands, take_back_moderator_commands
from bot.i18n import Translator, translator
from bot.render import answering as answering_view
from bot.render import setup as setup_view
from bot.render import team as team_view
from bot.render.screens import join_link

__all__ = ["ROUTES", "paper_text"]

log = logging.getLogger(__name__)


def _chat(update: Update) -> int:
    return person_of(update).tg_id


async def invite_moderator(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    invite = await team.create_moderator_invite(context.deps, person_of(update), button.arg(0))
    link = join_link(context.services.bot_username, invite.code)
    expires = t.datetime(invite.expires_at, context.deps.settings.timezone)
    await send(context, _chat(update), team_view.moderator_invite(t, invite.seminar, link, expires))
    return None


async def join_as_moderator(update: Update, context: BotContext, code: str) -> None:
    user = update.effective_user
    assert user is not None
    outcome = await team.redeem_moderator_invite(
        context.deps, person_of(update), code, user.full_name
    )
    t = translator(outcome.language)
    match outcome:
        case team.InviteRefused(reason=reason):
            await send(context, _chat(update), team_view.moderator_invite_refused(t, reason))
        case team.ModeratorJoined(seminar=seminar):
            await send(context, _chat(update), team_view.moderator_joined(t, seminar))
            await register_moderator_commands(context, _chat(update), outcome.language)


async def moderators_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    listing = await team.co_moderators(context.deps, person_of(update))
    await send(context, _chat(update), team_view.co_moderators(t, listing))


async def remove_moderator(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await team.remove_co_moderator(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    if isinstance(outcome, team.OwnerStays):
        return team_view.owner_stays(t, outcome.seminar)
    await edit(context, pressed_message(update), team_view.co_moderator_removed(t, outcome))
    if outcome:
        # Who moderates no seminar that goes on no longer sees the moderators' menu.
        for former in await closing.moderating_nothing(context.deps, [button.arg(1)]):
            await take_back_moderator_commands(context, former)
    return None


async def ownership_ask(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await team.offer_ownership(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    if isinstance(outcome, team.HandOverOffer):
        await send(context, _chat(update), team_view.ownership_ask(t, outcome))
    else:
        await send(context, _chat(update), team_view.ownership_refusal(t, outcome))
    return None


async def ownership_give(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await team.hand_over_ownership(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    if not isinstance(outcome, team.HandedOver):
        await edit(context, pressed_message(update), team_view.ownership_refusal(t, outcome))
        return None
    await edit(context, pressed_message(update), team_view.ownership_given(t, outcome))
    told = translator(outcome.successor_language)
    await send(
        context, outcome.successor.tg_id, team_view.ownership_received(told, outcome.seminar)
    )
    return None


async def ownership_keep(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await edit(context, pressed_message(update), team_view.ownership_kept(t))
    return None


async def seminars_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    mine = await team.my_seminars(context.deps, person_of(update))
    await send(context, _chat(update), setup_view.seminars_list(t, mine.seminars, mine.active))


async def switch_seminar(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    seminar = await team.switch_seminar(context.deps, person_of(update), button.arg(0))
    await edit(context, pressed_message(update), setup_view.switched(t, seminar))
    return None


async def announce_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    await announce(context, person_of(update), t, message.text.partition(" ")[2])


async def announce(context: BotContext, person: Person, t: Translator, text: str) -> None:
    """An announcement to everyone in the seminar and its plenary chat."""
    outcome = await team.announce(context.deps, person, text)
    if isinstance(outcome, team.AnnounceUsage):
        await send(context, person.tg_id, team_view.announce_usage(t))
        return
    seminar = outcome.seminar
    reached = await broadcast(
        context, outcome.recipients, lambda tm: [team_view.announcement(tm, seminar, outcome.text)]
    )
    await post_to_plenary(
        context, seminar, lambda ts: [team_view.announcement(ts, seminar, outcome.text)]
    )
    await send(context, person.tg_id, team_view.announcement_sent(t, reached))


async def bind_command(update: Update, context: BotContext) -> None:
    """In a group chat: binds it as the plenary chat of the sender's seminar."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None
    assert chat is not None
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        # Sent "as the group": there is no person, so no language of theirs either.
        anonymous = translator(context.deps.settings.default_language)
        await send(context, chat.id, team_view.anonymous_admin(anonymous))
        return
    t = await reader(update, context)
    person = person_of(update)
    try:
        member = await with_retries(lambda: context.bot.get_chat_member(chat.id, person.tg_id))
        is_admin = member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
    except TelegramError as exc:
        log.warning("could not check a chat administrator: %s", exc.message)
        is_admin = False
    args = context.args or []
    office = bool(args) and args[0].lower() in ("office", "kontor", "kontoret")
    outcome = await team.bind_plenary_chat(context.deps, person, chat.id, is_admin, office=office)
    match outcome:
        case team.Bound(seminar=seminar) if office:
            await send(
                context, chat.id, team_view.office_bound(translator(seminar.language), seminar)
            )
        case team.Bound(seminar=seminar):
            await send(context, chat.id, team_view.bound(translator(seminar.language), seminar))
        case team.BindRefused():
            await send(context, chat.id, team_view.bind_refused(t))


# -- paper notes --------------------------------------------------------------------------


async def paper_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    mode = await team.start_paper_notes(context.deps, person_of(update))
    await send(context, _chat(update), team_view.paper_mode(t, mode.seminar, mode.question))


async def paper_question(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    try:
        mode = await team.start_paper_notes(context.deps, person_of(update), button.arg(0))
    except Refusal:
        await drop_buttons(context, pressed_message(update))  # typing in paper notes is over
        raise
    await edit(
        context, pressed_message(update), team_view.paper_mode(t, mode.seminar, mode.question)
    )
    return None


async def paper_done(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await team.stop_paper_notes(context.deps, person_of(update))
    await edit(context, pressed_message(update), team_view.paper_done(t))
    return None


async def done_command(update: Update, context: BotContext) -> None:
    """Ends whatever the moderator was typing in (paper notes, themes to offer)."""
    t = await reader(update, context)
    await team.stop_paper_notes(context.deps, person_of(update))
    await send(context, _chat(update), team_view.paper_done(t))


async def paper_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    t = await reader(update, context)
    outcome = await team.paper_note(context.deps, person_of(update), text)
    match outcome:
        case EmptyNote() | NoteTooLong():
            limit = context.deps.settings.note_max_length
            await send(context, _chat(update), answering_view.answering_screen(t, outcome, limit))
        case PersonalDataFound():
            await send(context, _chat(update), answering_view.personal_data(t, outcome))
        case team.PaperSaved():
            await _paper_saved(context, _chat(update), t, outcome)
        case NothingPending():
            pass  # no longer typing in paper notes: the text is nobody's note


async def _paper_saved(
    context: BotContext, chat_id: int, t: Translator, saved: team.PaperSaved
) -> None:
    await send(context, chat_id, team_view.paper_saved(t, saved.count, saved.question))
    await progress_changed(context, saved.seminar.id)


async def keep_paper_note(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    outcome = await team.keep_paper_note(context.deps, person_of(update), button.arg(0))
    if isinstance(outcome, NothingPending):
        return answering_view.nothing_pending(t).text
    await _paper_saved(context, _chat(update), t, outcome)
    return None


async def drop_paper_note(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    try:
        outcome = await team.drop_paper_note(context.deps, person_of(update), button.arg(0))
    except Refusal:
        await drop_buttons(context, pressed_message(update))  # nothing waits for it any more
        raise
    return await answer_dropped(update, context, t, outcome)


ROUTES = Routes(
    commands=(
        Command(
            "paper",
            paper_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Type in notes written on paper"),
        ),
        Command(
            "announce",
            announce_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Message all participants"),
        ),
        Command(
            "seminars",
            seminars_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Your seminars"),
        ),
        Command(
            "moderators",
            moderators_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Co-moderators"),
        ),
        Command("done", done_command, shared=True),
        Command("bind", bind_command, shared=True, chat=Chat.GROUP),
    ),
    buttons=(
        Press(Action.INVITE_MODERATOR, invite_moderator),
        Press(Action.REMOVE_MODERATOR, remove_moderator),
        Press(Action.OWNERSHIP_ASK, ownership_ask),
        Press(Action.OWNERSHIP_GIVE, ownership_give),
        Press(Action.OWNERSHIP_KEEP, ownership_keep),
        Press(Action.SWITCH_SEMINAR, switch_seminar, personal=True),
        Press(Action.PAPER_QUESTION, paper_question),
        Press(Action.PAPER_DONE, paper_done),
        Press(Action.KEEP_PAPER_NOTE, keep_paper_note),
        Press(Action.DROP_PAPER_NOTE, drop_paper_note),
    ),
    texts=(Text(Expecting.PAPER_NOTES, paper_text),),
)
