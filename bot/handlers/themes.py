"""/themes, /vote, /moderate, theme proposals, and the buttons on themes, vote cards and ties."""

from __future__ import annotations

import functools
import logging
from typing import cast

from telegram import Update

from bot.callbacks import Action, Button
from bot.domain import Member, Person
from bot.expectations import Expectation, Expecting, ThemeToPropose, ThemeToRename
from bot.flows import groups, plenary, setup
from bot.flows import themes as themes_flow
from bot.flows.answering import NothingPending
from bot.flows.personal_data import PersonalDataFound
from bot.flows.refusals import Gone, NotInGroup, PhaseOver
from bot.handlers.buttons import command_and_button
from bot.handlers.common import (
    BotContext,
    after_commit,
    answer_dropped,
    drop_buttons,
    edit,
    edit_live,
    person_of,
    post_live,
    post_to_plenary,
    pressed_message,
    reader,
    refresh_soon,
    send,
    send_many,
)
from bot.handlers.groups import noticing
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
from bot.render import groups as groups_view
from bot.render import plenary as plenary_view
from bot.render import setup as setup_view
from bot.render import team as team_view
from bot.render import themes as themes_view
from bot.render.screens import Screen

__all__ = ["CARD_REFUSALS", "ROUTES", "cards_changed", "propose", "show_card"]

log = logging.getLogger(__name__)

# The open vote cards of a group are brought up to date at most this often.
CARDS_EVERY = 3.0

# A vote or dot card's press from someone outside the groups, or from a step that is over, is
# answered on the button; the card of a past step loses its buttons.
CARD_REFUSALS = (NotInGroup, PhaseOver)


def _chat(update: Update) -> int:
    return person_of(update).tg_id


# -- themes -------------------------------------------------------------------------------


async def new_theme(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """«New theme»: the member is asked for its name."""
    asked = await themes_flow.ask_theme(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    await send(context, _chat(update), themes_view.ask_new_theme(t, asked.seminar, asked.note))
    return None


async def cancel_new_theme(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await themes_flow.cancel_theme(context.deps, person_of(update))
    await edit(context, pressed_message(update), themes_view.new_theme_cancelled(t))
    return None


async def propose(update: Update, context: BotContext, expectation: Expectation, text: str) -> None:
    """The name a member sends after «New theme» proposes a theme to their group."""
    t = await reader(update, context)
    assert isinstance(expectation.draft, ThemeToPropose)
    outcome = await themes_flow.propose_theme(
        context.deps, person_of(update), expectation.draft, text
    )
    await _proposed(context, _chat(update), t, outcome)


async def _proposed(
    context: BotContext,
    chat_id: int,
    t: Translator,
    outcome: themes_flow.ThemeAdded
    | themes_flow.InvalidThemeName
    | themes_flow.ThemeLimitReached
    | PersonalDataFound,
) -> None:
    await send(context, chat_id, _proposal_screen(t, outcome))
    if isinstance(outcome, themes_flow.ThemeAdded) and (outcome.new or outcome.voted):
        await cards_changed(context, outcome.seminar.id, outcome.theme.group_id)


def _proposal_screen(
    t: Translator,
    outcome: themes_flow.ThemeAdded
    | themes_flow.InvalidThemeName
    | themes_flow.ThemeLimitReached
    | PersonalDataFound,
) -> Screen:
    match outcome:
        case themes_flow.ThemeAdded():
            return themes_view.theme_added(t, outcome)
        case themes_flow.InvalidThemeName(reason=reason):
            return themes_view.invalid_theme_name(t, reason)
        case PersonalDataFound():
            return answering_view.personal_data(t, outcome)
        case themes_flow.ThemeLimitReached(limit=limit):
            return themes_view.theme_limit_reached(t, limit)


async def keep_theme(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    # Whatever the answer, the question has been answered.
    await drop_buttons(context, pressed_message(update))
    outcome = await themes_flow.keep_theme(context.deps, person_of(update), button.arg(0))
    if isinstance(outcome, NothingPending):
        return answering_view.nothing_pending(t).text
    await _proposed(context, _chat(update), t, outcome)
    return None


async def drop_theme(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await themes_flow.drop_theme(context.deps, person_of(update), button.arg(0))
    return await answer_dropped(update, context, t, outcome)


async def themes_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    overview = await themes_flow.group_themes(context.deps, person_of(update))
    screens = themes_view.themes_overview(t, overview.seminar, overview.listed)
    await send_many(context, _chat(update), screens)


async def preset_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await themes_flow.ask_preset(context.deps, person_of(update), button.arg(0))
    await send(context, _chat(update), themes_view.ask_theme_name(t, None))
    return None


async def rename_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    theme = await themes_flow.ask_rename(context.deps, person_of(update), button.arg(0))
    await send(context, _chat(update), themes_view.ask_theme_name(t, theme))
    return None


async def merge_ask(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    choices = await themes_flow.merge_candidates(context.deps, person_of(update), button.arg(0))
    await send(context, _chat(update), themes_view.merge_choices(t, choices.theme, choices.others))
    return None


async def merge(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    merged = await themes_flow.merge_themes(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    screen = themes_view.themes_merged(t, merged.source, merged.target)
    await edit(context, pressed_message(update), screen)
    await cards_changed(context, merged.target.seminar_id, merged.target.group_id)
    return None


async def rename_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """A theme's new name, typed after «Rename»."""
    t = await reader(update, context)
    assert isinstance(expectation.draft, ThemeToRename)
    renamed = await themes_flow.rename_theme(
        context.deps, person_of(update), expectation.draft.theme, text
    )
    if isinstance(renamed, themes_flow.InvalidThemeName):
        await send(context, _chat(update), themes_view.invalid_theme_name(t, renamed.reason))
    else:
        await send(context, _chat(update), themes_view.theme_renamed(t, renamed))
        await cards_changed(context, renamed.seminar_id, renamed.group_id)


async def preset_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """A theme the moderator offers the groups, typed after «Offer themes»."""
    t = await reader(update, context)
    added = await themes_flow.preset_theme(context.deps, person_of(update), text)
    if isinstance(added, themes_flow.InvalidThemeName):
        await send(context, _chat(update), themes_view.invalid_theme_name(t, added.reason))
    else:
        await send(context, _chat(update), themes_view.preset_added(t, added.theme, added.new))
        if added.new:
            await cards_changed(context, added.seminar.id, None)


# -- voting -------------------------------------------------------------------------------


async def open_voting(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    outcome = await themes_flow.open_voting(context.deps, person, seminar_id)
    if isinstance(outcome, setup.TooFewWriters):
        await send(context, person.tg_id, setup_view.too_few_writers(t, outcome))
        return
    seminar = outcome.seminar
    lists = {delivery.member.tg_id: delivery for delivery in outcome.lists}
    for member, _ in outcome.cards:
        tm = translator(member.language)
        screens = [themes_view.voting_started_participant(tm, seminar)]
        if (delivery := lists.get(member.tg_id)) is not None:
            # Nobody showed the groups their notes before: each member gets their list now.
            screens += groups_view.group_notes(
                tm, seminar, delivery.group, delivery.notes, delivery.themes
            )
        await send_many(context, member.tg_id, screens)
    await send(
        context, person.tg_id, themes_view.voting_opened_moderator(t, seminar, len(outcome.cards))
    )
    await post_to_plenary(context, seminar, lambda ts: [team_view.phase_announcement(ts, seminar)])
    # The cards come after the messages above (the outbox gives those first, after the commit).
    await after_commit(context, functools.partial(_send_cards, context, seminar.id, outcome.cards))


async def _send_cards(
    context: BotContext, seminar_id: int, cards: list[tuple[Member, groups.VoteCard]]
) -> None:
    """Sent at once rather than through the outbox: the bot keeps each card's message id, to
    bring the card up to date when the group's themes change."""
    sent = []
    for member, card in cards:
        screen = themes_view.vote_card(translator(member.language), card)
        message_id = await post_live(context, member.tg_id, screen, "a vote card")
        if message_id is not None:
            sent.append((member.tg_id, message_id, card.index))
    await groups.cards_sent(context.deps, seminar_id, sent)


async def send_owed_cards(context: BotContext) -> None:
    """At start-up: the first vote cards a stop cut off after the voting opened (they are sent
    after the commit, not through the outbox)."""
    for seminar_id, cards in await themes_flow.cards_owed(context.deps):
        await _send_cards(context, seminar_id, cards)


async def cards_changed(context: BotContext, seminar_id: int, group_id: int | None) -> None:
    """Schedules one refresh of a group's open vote cards (None: every group's), so a burst
    of new themes makes one edit per card."""
    name = f"cards-{seminar_id}-{group_id or 0}"
    refresh_soon(context, name, CARDS_EVERY, _refresh_cards, (seminar_id, group_id))


async def _refresh_cards(context: BotContext) -> None:
    assert context.job is not None
    data = context.job.data
    assert isinstance(data, tuple)
    seminar_id, group_id = cast(tuple[int, int | None], data)
    for found in await groups.cards_to_refresh(context.deps, seminar_id, group_id):
        screen = themes_view.vote_card(translator(found.member.language), found.card)
        await edit_live(context, found.member.tg_id, found.message_id, screen, "a vote card")


vote_command, voting_button = command_and_button(open_voting)


async def show_card(
    update: Update, context: BotContext, t: Translator, card: groups.VoteCard | plenary.DotCard
) -> str | None:
    """A vote or dot card is edited in place (what refuses a press on one: `CARD_REFUSALS`)."""
    match card:
        case groups.VoteCard():
            await edit(context, pressed_message(update), themes_view.vote_card(t, card))
        case plenary.DotCard():
            await edit(context, pressed_message(update), plenary_view.dot_card(t, card))
    return None


def _message_id(update: Update) -> int | None:
    message = pressed_message(update)
    return message.message_id if message is not None else None


async def vote(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    card = await themes_flow.cast_vote(
        context.deps,
        person_of(update),
        button.arg(0),
        button.arg(1),
        button.arg(2),
        _message_id(update),
    )
    return await show_card(update, context, t, card)


async def vote_card(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    card = await themes_flow.vote_card(
        context.deps, person_of(update), button.arg(0), button.arg(1), _message_id(update)
    )
    return await show_card(update, context, t, card)


async def moderate_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    card = await themes_flow.next_to_settle(context.deps, person_of(update))
    await send(context, _chat(update), themes_view.settle_card(t, card))


async def settle(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    theme = button.arg(1) or None
    card = await themes_flow.settle(context.deps, person_of(update), button.arg(0), theme)
    await edit(context, pressed_message(update), themes_view.settle_card(t, card))
    return None


ROUTES = Routes(
    commands=(
        # A moderator's /vote opens the voting for everyone; a participant's shows their card.
        Command(
            "vote",
            vote_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Start voting into themes"),
        ),
        Command(
            "moderate",
            moderate_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Settle ties and unsorted notes"),
        ),
        Command(
            "themes",
            themes_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Rename, merge or offer themes"),
        ),
    ),
    buttons=(
        Press(Action.KEEP_THEME, keep_theme, personal=True),
        Press(Action.DROP_THEME, drop_theme, personal=True),
        Press(Action.OPEN_VOTING, voting_button),
        Press(Action.VOTE, noticing(vote, *CARD_REFUSALS), personal=True),
        Press(Action.VOTE_CARD, noticing(vote_card, *CARD_REFUSALS), personal=True),
        Press(Action.THEME_NEW, noticing(new_theme, *CARD_REFUSALS), personal=True),
        Press(Action.THEME_NEW_CANCEL, cancel_new_theme, personal=True),
        # A theme or note gone since the buttons came: a settled tie's or a merge's buttons go,
        # while the themes' list keeps its buttons for the other themes.
        Press(Action.SETTLE, noticing(settle, Gone)),
        Press(Action.THEME_RENAME, noticing(rename_button, Gone, keep_buttons=True)),
        Press(Action.THEME_MERGE_ASK, noticing(merge_ask, Gone, keep_buttons=True)),
        Press(Action.THEME_MERGE, noticing(merge, Gone)),
        Press(Action.PRESET_THEMES, preset_button),
    ),
    texts=(
        Text(Expecting.THEME, propose),
        Text(Expecting.RENAME_THEME, rename_text),
        Text(Expecting.PRESET_THEMES, preset_text),
    ),
)
