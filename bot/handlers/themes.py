"""/themes, /vote, /moderate, theme proposals, and the buttons on themes, vote cards and ties."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button
from bot.domain import Expectation, Expecting, Person, ThemeToRename
from bot.flows import groups, plenary, setup
from bot.flows import themes as themes_flow
from bot.flows.answering import NothingPending
from bot.flows.deps import NoSeminar, NotModerator
from bot.flows.expecting import ask_for
from bot.flows.personal_data import PersonalDataFound
from bot.handlers.buttons import command_and_button
from bot.handlers.common import (
    BotContext,
    answer_dropped,
    drop_buttons,
    edit,
    person_of,
    post_to_plenary,
    pressed_message,
    reader,
    send,
    send_many,
)
from bot.handlers.groups import refuse
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
from bot.render import joining as joining_view
from bot.render import plenary as plenary_view
from bot.render import team as team_view
from bot.render import themes as themes_view
from bot.render.screens import Screen, phase_over

__all__ = ["ROUTES", "propose", "show_card"]


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _chat(update: Update) -> int:
    return person_of(update).tg_id


# -- themes -------------------------------------------------------------------------------


async def propose(update: Update, context: BotContext, expectation: Expectation, text: str) -> None:
    """A participant's message during the group work proposes a theme."""
    t = await reader(update, context)
    outcome = await themes_flow.propose_theme(context.deps, person_of(update), text)
    await send(context, _chat(update), _proposal_screen(t, outcome))


def _proposal_screen(
    t: Translator,
    outcome: themes_flow.ThemeAdded
    | themes_flow.InvalidThemeName
    | themes_flow.ThemeLimitReached
    | PersonalDataFound
    | groups.NotInGroup
    | groups.PhaseOver,
) -> Screen:
    match outcome:
        case themes_flow.ThemeAdded(theme=theme, new=new, themes=themes):
            return themes_view.theme_added(t, theme, new, themes)
        case themes_flow.InvalidThemeName(reason=reason):
            return themes_view.invalid_theme_name(t, reason)
        case PersonalDataFound():
            return answering_view.personal_data(t, outcome)
        case themes_flow.ThemeLimitReached(limit=limit):
            return themes_view.theme_limit_reached(t, limit)
        case groups.NotInGroup():
            return groups_view.not_in_group(t)
        case groups.PhaseOver(seminar=seminar):
            return Screen(phase_over(t, seminar))


async def keep_theme(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await themes_flow.keep_theme(context.deps, person_of(update), button.arg(0))
    await drop_buttons(context, pressed_message(update))
    if isinstance(outcome, NothingPending):
        return answering_view.nothing_pending(t).text
    await send(context, _chat(update), _proposal_screen(t, outcome))
    return None


async def drop_theme(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await themes_flow.drop_theme(context.deps, person_of(update), button.arg(0))
    return await answer_dropped(update, context, t, outcome)


async def themes_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    outcome = await themes_flow.group_themes(context.deps, person_of(update))
    if await refuse(context, _chat(update), t, outcome):
        return
    assert isinstance(outcome, tuple)
    seminar, listed = outcome
    await send_many(context, _chat(update), themes_view.themes_overview(t, seminar, listed))


async def preset_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    seminar = await context.deps.moderated_seminar(person_of(update), button.arg(0))
    if await refuse(context, _chat(update), t, seminar):
        return None
    await ask_for(context.deps, person_of(update), Expectation(Expecting.PRESET_THEMES))
    await send(context, _chat(update), themes_view.ask_theme_name(t, None))
    return None


async def rename_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    found = await context.deps.store.theme(button.arg(0))
    if found is None or found[1] is not None:
        return joining_view.expired_button(t)
    seminar = await context.deps.moderated_seminar(person_of(update), found[0].seminar_id)
    if await refuse(context, _chat(update), t, seminar):
        return None
    renaming = Expectation(Expecting.RENAME_THEME, ThemeToRename(found[0].id))
    await ask_for(context.deps, person_of(update), renaming)
    await send(context, _chat(update), themes_view.ask_theme_name(t, found[0]))
    return None


async def merge_ask(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await themes_flow.merge_candidates(context.deps, person_of(update), button.arg(0))
    if outcome is None:
        return joining_view.expired_button(t)
    if await refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, tuple)
    await send(context, _chat(update), themes_view.merge_choices(t, *outcome))
    return None


async def merge(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await themes_flow.merge_themes(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    if outcome is None:
        await drop_buttons(context, pressed_message(update))
        return joining_view.expired_button(t)
    if await refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, tuple)
    await edit(context, pressed_message(update), themes_view.themes_merged(t, *outcome))
    return None


async def rename_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """A theme's new name, typed after «Rename»."""
    t = await reader(update, context)
    person = person_of(update)
    chat = _chat(update)
    assert isinstance(expectation.draft, ThemeToRename)
    renamed = await themes_flow.rename_theme(context.deps, person, expectation.draft.theme, text)
    if isinstance(renamed, themes_flow.InvalidThemeName):
        await send(context, chat, themes_view.invalid_theme_name(t, renamed.reason))
        return
    await ask_for(context.deps, person, Expectation(Expecting.NOTHING))
    if renamed is None or await refuse(context, chat, t, renamed):
        await send(context, chat, answering_view.note_gone(t) if renamed is None else Screen(""))
        return
    assert not isinstance(renamed, NoSeminar | NotModerator | setup.WrongPhase)
    await send(context, chat, themes_view.theme_renamed(t, renamed))


async def preset_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """A theme the moderator offers the groups, typed after «Offer themes»."""
    t = await reader(update, context)
    chat = _chat(update)
    added = await themes_flow.preset_theme(context.deps, person_of(update), text)
    if isinstance(added, themes_flow.InvalidThemeName):
        await send(context, chat, themes_view.invalid_theme_name(t, added.reason))
    elif not await refuse(context, chat, t, added):
        assert isinstance(added, themes_flow.ThemeAdded)
        await send(context, chat, themes_view.preset_added(t, added.theme, added.new))


# -- voting -------------------------------------------------------------------------------


async def _open_voting(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    outcome = await themes_flow.open_voting(context.deps, person, seminar_id)
    if await refuse(context, person.tg_id, t, outcome):
        return
    assert isinstance(outcome, themes_flow.VotingOpened)
    seminar = outcome.seminar
    for member, card in outcome.cards:
        tm = translator(member.language)
        screens = [
            themes_view.voting_started_participant(tm, seminar),
            themes_view.vote_card(tm, card),
        ]
        await send_many(context, member.tg_id, screens)
    await send(
        context, person.tg_id, themes_view.voting_opened_moderator(t, seminar, len(outcome.cards))
    )
    await post_to_plenary(context, seminar, lambda ts: [team_view.phase_announcement(ts, seminar)])


vote_command, voting_button = command_and_button(_open_voting)


async def show_card(
    update: Update,
    context: BotContext,
    t: Translator,
    outcome: groups.VoteCard | plenary.DotCard | groups.NotInGroup | groups.PhaseOver,
) -> str | None:
    """A vote or dot card is edited in place; a card from a past phase loses its buttons."""
    match outcome:
        case groups.VoteCard():
            await edit(context, pressed_message(update), themes_view.vote_card(t, outcome))
            return None
        case plenary.DotCard():
            await edit(context, pressed_message(update), plenary_view.dot_card(t, outcome))
            return None
        case groups.PhaseOver(seminar=seminar):
            await drop_buttons(context, pressed_message(update))
            return phase_over(t, seminar)
        case groups.NotInGroup():
            return groups_view.not_in_group(t).text


async def vote(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await themes_flow.cast_vote(
        context.deps, person_of(update), button.arg(0), button.arg(1), button.arg(2)
    )
    return await show_card(update, context, t, outcome)


async def vote_card(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await themes_flow.vote_card(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    return await show_card(update, context, t, outcome)


async def moderate_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    outcome = await themes_flow.next_to_settle(context.deps, person_of(update))
    if await refuse(context, _chat(update), t, outcome):
        return
    assert isinstance(outcome, themes_flow.SettleCard)
    await send(context, _chat(update), themes_view.settle_card(t, outcome))


async def settle(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    theme = button.arg(1) or None
    outcome = await themes_flow.settle(context.deps, person_of(update), button.arg(0), theme)
    if outcome is None:
        await drop_buttons(context, pressed_message(update))
        return joining_view.expired_button(t)
    if await refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, themes_flow.SettleCard)
    await edit(context, pressed_message(update), themes_view.settle_card(t, outcome))
    return None


ROUTES = Routes(
    commands=(
        Command("vote", vote_command, menus=MODERATORS, description=N_("Start voting into themes")),
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
        Press(Action.VOTE, vote, personal=True),
        Press(Action.VOTE_CARD, vote_card, personal=True),
        Press(Action.SETTLE, settle),
        Press(Action.THEME_RENAME, rename_button),
        Press(Action.THEME_MERGE_ASK, merge_ask),
        Press(Action.THEME_MERGE, merge),
        Press(Action.PRESET_THEMES, preset_button),
    ),
    texts=(
        Text(Expecting.THEME, propose),
        Text(Expecting.RENAME_THEME, rename_text),
        Text(Expecting.PRESET_THEMES, preset_text),
    ),
)
