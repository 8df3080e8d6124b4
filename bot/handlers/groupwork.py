"""/groups, /vote, /moderate, /themes, /plenary and their buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.callbacks import Action, Button
from bot.domain import Member, Note, Person, SetupStep
from bot.flows import answering, groupwork, setup
from bot.flows.answering import NothingPending
from bot.flows.deps import NoSeminar, NotModerator
from bot.flows.personal_data import PersonalDataFound
from bot.handlers.buttons import ButtonRoute, command_and_button
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
    send_many,
)
from bot.i18n import Translator, translator
from bot.render import answering as answering_view
from bot.render import groups as groups_view
from bot.render import joining as joining_view
from bot.render import plenary as plenary_view
from bot.render import setup as setup_view
from bot.render import team as team_view
from bot.render import themes as themes_view
from bot.render.screens import Screen, phase_over

__all__ = ["BUTTONS", "handlers", "moderator_text", "propose"]

Refusal = NoSeminar | NotModerator | setup.WrongPhase


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _chat(update: Update) -> int:
    return person_of(update).tg_id


async def _refuse(context: BotContext, chat_id: int, t: Translator, outcome: object) -> bool:
    """Sends the polite reason when an outcome is a refusal; True if it was one."""
    if isinstance(outcome, NoSeminar | NotModerator | setup.WrongPhase | setup.RoundStillOpen):
        await send(context, chat_id, setup_view.refusal(t, outcome))
        return True
    if isinstance(outcome, groupwork.ShorteningClosed):
        await send(context, chat_id, groups_view.shortening_closed(t))
        return True
    if isinstance(outcome, groupwork.NoGroupsYet):
        await send(context, chat_id, groups_view.no_groups_yet(t))
        return True
    if isinstance(outcome, setup.TooFewWriters):
        await send(context, chat_id, setup_view.too_few_writers(t, outcome))
        return True
    return False


# -- forming groups -----------------------------------------------------------------------


async def _form(
    context: BotContext,
    person: Person,
    t: Translator,
    everyone: bool,
    size: int | None = None,
    deal: bool = False,
) -> None:
    outcome = await groupwork.form_groups(
        context.deps, person, everyone=everyone, size=size, deal=deal
    )
    if await _refuse(context, person.tg_id, t, outcome):
        return
    assert isinstance(outcome, groupwork.GroupsFormed)
    for screen in groups_view.groups_formed_moderator(
        t, outcome.seminar, outcome.groups, outcome.sizes, outcome.paper_notes
    ):
        await send(context, person.tg_id, screen)
    for member, group in outcome.seats:
        tm = translator(member.language)
        await send(context, member.tg_id, groups_view.seated(tm, outcome.seminar, group))


async def groups_command(update: Update, context: BotContext) -> None:
    args = [a.lower() for a in context.args or []]
    everyone = any(a in ("all", "alle", "everyone") for a in args)
    size = next((int(a) for a in args if a.isdecimal()), None)
    deal = any(a in ("deal", "del", "spread") for a in args)
    await _form(context, person_of(update), await reader(update, context), everyone, size, deal)


async def form_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    await _form(context, person_of(update), t, everyone=bool(button.arg(1)))
    return None


async def paper_to_group(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await groupwork.place_paper_notes(context.deps, person_of(update), button.arg(0))
    if await _refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, tuple)
    _, group, placed = outcome
    await send(context, _chat(update), groups_view.paper_placed(t, group, placed))
    return None


async def review(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await groupwork.review(context.deps, person_of(update), button.arg(0), button.arg(1))
    if await _refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, groupwork.ReviewCard)
    screen = groups_view.review_card(t, outcome.seminar, outcome.note, outcome.index, outcome.total)
    message = pressed_message(update)
    if message is not None and button.arg(1) > 0:
        await edit(context, message, screen)
    else:
        await send(context, _chat(update), screen)
    return None


async def review_shorten(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await groupwork.ask_shorten(context.deps, person_of(update), button.arg(0))
    if isinstance(outcome, Note):
        await send(context, _chat(update), groups_view.ask_shortened(t, outcome))
        return None
    if isinstance(outcome, answering.NoteGone):
        return answering_view.note_gone(t).text
    await _refuse(context, _chat(update), t, outcome)
    return None


async def show_notes(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    outcome = await groupwork.show_notes(context.deps, person_of(update), button.arg(0))
    if await _refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, groupwork.NotesShown)
    for member, group, notes, themes in outcome.deliveries:
        tm = translator(member.language)
        screens = groups_view.group_notes(tm, outcome.seminar, group, notes, themes)
        await send_many(context, member.tg_id, screens)
    await send(context, _chat(update), themes_view.voting_ready(t, outcome.seminar))
    return None


async def _shorten(
    context: BotContext, person: Person, note_id: int, text: str, t: Translator
) -> None:
    """The moderator's shorter text: the note changes and its writer hears the new wording."""
    outcome = await groupwork.shorten(context.deps, person, note_id, text)
    if isinstance(outcome, answering.NoteTooLong | answering.EmptyNote):
        limit = context.deps.settings.note_max_length
        await send(context, person.tg_id, answering_view.answering_screen(t, outcome, limit))
        return  # the moderator may try again
    if isinstance(outcome, groupwork.NoteShortened):
        await send(context, person.tg_id, groups_view.shortened(t, outcome))
        if outcome.writer is not None:
            tw = translator(outcome.writer.language)
            await send(
                context, outcome.writer.tg_id, groups_view.note_shortened_for_writer(tw, outcome)
            )
    elif isinstance(outcome, answering.NoteGone):
        await send(context, person.tg_id, answering_view.note_gone(t))
    else:
        await _refuse(context, person.tg_id, t, outcome)


# -- themes -------------------------------------------------------------------------------


async def propose(update: Update, context: BotContext, text: str) -> None:
    """A participant's message during the group work proposes a theme."""
    t = await reader(update, context)
    outcome = await groupwork.propose_theme(context.deps, person_of(update), text)
    await send(context, _chat(update), _proposal_screen(t, outcome))


def _proposal_screen(
    t: Translator,
    outcome: groupwork.ThemeAdded
    | groupwork.InvalidThemeName
    | groupwork.ThemeLimitReached
    | PersonalDataFound
    | groupwork.NotInGroup
    | groupwork.PhaseOver,
) -> Screen:
    match outcome:
        case groupwork.ThemeAdded(theme=theme, new=new, themes=themes):
            return themes_view.theme_added(t, theme, new, themes)
        case groupwork.InvalidThemeName(reason=reason):
            return themes_view.invalid_theme_name(t, reason)
        case PersonalDataFound():
            return answering_view.personal_data(t, outcome)
        case groupwork.ThemeLimitReached(limit=limit):
            return themes_view.theme_limit_reached(t, limit)
        case groupwork.NotInGroup():
            return groups_view.not_in_group(t)
        case groupwork.PhaseOver(seminar=seminar):
            return Screen(phase_over(t, seminar))


async def keep_theme(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await groupwork.keep_theme(context.deps, person_of(update), button.arg(0))
    await drop_buttons(context, pressed_message(update))
    if isinstance(outcome, NothingPending):
        return answering_view.nothing_pending(t).text
    await send(context, _chat(update), _proposal_screen(t, outcome))
    return None


async def drop_theme(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await groupwork.drop_theme(context.deps, person_of(update), button.arg(0))
    return await answer_dropped(update, context, t, outcome)


async def themes_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    outcome = await groupwork.group_themes(context.deps, person_of(update))
    if await _refuse(context, _chat(update), t, outcome):
        return
    assert isinstance(outcome, tuple)
    seminar, listed = outcome
    await send_many(context, _chat(update), themes_view.themes_overview(t, seminar, listed))


async def preset_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    seminar = await context.deps.moderated_seminar(person_of(update), button.arg(0))
    if await _refuse(context, _chat(update), t, seminar):
        return None
    await setup.expect(context.deps, person_of(update), SetupStep.PRESET_THEMES)
    await send(context, _chat(update), themes_view.ask_theme_name(t, None))
    return None


async def rename_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    found = await context.deps.store.theme(button.arg(0))
    if found is None or found[1] is not None:
        return joining_view.expired_button(t)
    seminar = await context.deps.moderated_seminar(person_of(update), found[0].seminar_id)
    if await _refuse(context, _chat(update), t, seminar):
        return None
    await setup.expect(context.deps, person_of(update), SetupStep.RENAME_THEME, theme=found[0].id)
    await send(context, _chat(update), themes_view.ask_theme_name(t, found[0]))
    return None


async def merge_ask(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await groupwork.merge_candidates(context.deps, person_of(update), button.arg(0))
    if outcome is None:
        return joining_view.expired_button(t)
    if await _refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, tuple)
    await send(context, _chat(update), themes_view.merge_choices(t, *outcome))
    return None


async def merge(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await groupwork.merge_themes(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    if outcome is None:
        await drop_buttons(context, pressed_message(update))
        return joining_view.expired_button(t)
    if await _refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, tuple)
    await edit(context, pressed_message(update), themes_view.themes_merged(t, *outcome))
    return None


async def moderator_text(update: Update, context: BotContext, step: SetupStep, text: str) -> None:
    """Text a moderator types while renaming a theme, shortening a note or offering themes."""
    t = await reader(update, context)
    person = person_of(update)
    chat = _chat(update)
    draft = await setup.expected_draft(context.deps, person)
    if step is SetupStep.RENAME_THEME:
        renamed = await groupwork.rename_theme(context.deps, person, _int(draft.get("theme")), text)
        if isinstance(renamed, groupwork.InvalidThemeName):
            await send(context, chat, themes_view.invalid_theme_name(t, renamed.reason))
            return
        await setup.expect(context.deps, person, SetupStep.NONE)
        if renamed is None or await _refuse(context, chat, t, renamed):
            await send(
                context, chat, answering_view.note_gone(t) if renamed is None else Screen("")
            )
            return
        assert not isinstance(renamed, NoSeminar | NotModerator | setup.WrongPhase)
        await send(context, chat, themes_view.theme_renamed(t, renamed))
    elif step is SetupStep.SHORTEN_NOTE:
        await _shorten(context, person, _int(draft.get("note")), text, t)
    elif step is SetupStep.PRESET_THEMES:
        added = await groupwork.preset_theme(context.deps, person, text)
        if isinstance(added, groupwork.InvalidThemeName):
            await send(context, chat, themes_view.invalid_theme_name(t, added.reason))
        elif not await _refuse(context, chat, t, added):
            assert isinstance(added, groupwork.ThemeAdded)
            await send(context, chat, themes_view.preset_added(t, added.theme, added.new))


# -- voting -------------------------------------------------------------------------------


async def _open_voting(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    outcome = await groupwork.open_voting(context.deps, person, seminar_id)
    if await _refuse(context, person.tg_id, t, outcome):
        return
    assert isinstance(outcome, groupwork.VotingOpened)
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


async def _show_card(
    update: Update,
    context: BotContext,
    t: Translator,
    outcome: groupwork.VoteCard | groupwork.DotCard | groupwork.NotInGroup | groupwork.PhaseOver,
) -> str | None:
    """A vote or dot card is edited in place; a card from a past phase loses its buttons."""
    match outcome:
        case groupwork.VoteCard():
            await edit(context, pressed_message(update), themes_view.vote_card(t, outcome))
            return None
        case groupwork.DotCard():
            await edit(context, pressed_message(update), plenary_view.dot_card(t, outcome))
            return None
        case groupwork.PhaseOver(seminar=seminar):
            await drop_buttons(context, pressed_message(update))
            return phase_over(t, seminar)
        case groupwork.NotInGroup():
            return groups_view.not_in_group(t).text


async def vote(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await groupwork.cast_vote(
        context.deps, person_of(update), button.arg(0), button.arg(1), button.arg(2)
    )
    return await _show_card(update, context, t, outcome)


async def vote_card(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await groupwork.vote_card(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    return await _show_card(update, context, t, outcome)


async def moderate_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    outcome = await groupwork.next_to_settle(context.deps, person_of(update))
    if await _refuse(context, _chat(update), t, outcome):
        return
    assert isinstance(outcome, groupwork.SettleCard)
    await send(context, _chat(update), themes_view.settle_card(t, outcome))


async def settle(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    theme = button.arg(1) or None
    outcome = await groupwork.settle(context.deps, person_of(update), button.arg(0), theme)
    if outcome is None:
        await drop_buttons(context, pressed_message(update))
        return joining_view.expired_button(t)
    if await _refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, groupwork.SettleCard)
    await edit(context, pressed_message(update), themes_view.settle_card(t, outcome))
    return None


# -- plenary and dots ---------------------------------------------------------------------


async def _plenary(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    outcome = await groupwork.open_plenary(context.deps, person, seminar_id)
    if await _refuse(context, person.tg_id, t, outcome):
        return
    assert isinstance(outcome, groupwork.Plenary)
    await announce_plenary(context, outcome, person, t)


def _everyone(participants: list[Member], moderators: list[Member]) -> list[Member]:
    seen = {p.tg_id for p in participants}
    return participants + [m for m in moderators if m.tg_id not in seen]


def _part(origin: str | None, part: str) -> str | None:
    return f"{origin}:{part}" if origin else None


async def announce_plenary(
    context: BotContext,
    outcome: groupwork.Plenary,
    moderator: Person,
    t: Translator,
    origin: str | None = None,
) -> None:
    seminar, results = outcome.seminar, outcome.results
    await post_to_plenary(
        context,
        seminar,
        lambda ts: plenary_view.plenary(ts, seminar, results),
        _part(origin, "plenary"),
    )
    everyone = _everyone(outcome.participants, outcome.moderators)
    await broadcast(
        context,
        everyone,
        lambda tm: plenary_view.plenary(tm, seminar, results),
        _part(origin, "all"),
    )
    await send(context, moderator.tg_id, plenary_view.plenary_moderator(t, seminar))


plenary_command, plenary_button = command_and_button(_plenary)


async def open_dots(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    outcome = await groupwork.open_dots(context.deps, person_of(update))
    if await _refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, groupwork.DotsOpened)
    card = outcome.card
    # Through the sender: after the plenary's messages, and resumed after a crash.
    await broadcast(context, outcome.voters, lambda tm: [plenary_view.dot_card(tm, card)])
    await send(context, _chat(update), plenary_view.dots_opened_moderator(t, outcome.seminar))
    return None


async def dot(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    change = 1 if button.arg(2) else -1
    page = button.args[3] if len(button.args) > 3 else 0  # cards from before pages: the first
    outcome = await groupwork.change_dots(
        context.deps, person_of(update), button.arg(0), button.arg(1), change, page
    )
    return await _show_card(update, context, t, outcome)


async def dot_page(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await groupwork.dot_page(
        context.deps, person_of(update), button.arg(0), button.arg(1)
    )
    return await _show_card(update, context, t, outcome)


async def close_dots(context: BotContext, person: Person, t: Translator) -> bool:
    """Closes the dot vote and posts the ranking; False if there was no open dot vote."""
    outcome = await groupwork.close_dots(context.deps, person)
    if not isinstance(outcome, groupwork.DotsClosed):
        return False
    await announce_ranking(context, outcome)
    return True


async def announce_ranking(
    context: BotContext, outcome: groupwork.DotsClosed, origin: str | None = None
) -> None:
    seminar, ranked = outcome.seminar, outcome.ranking
    await post_to_plenary(
        context,
        seminar,
        lambda ts: plenary_view.ranking(ts, seminar, ranked),
        _part(origin, "plenary"),
    )
    everyone = _everyone(outcome.participants, outcome.moderators)
    await broadcast(
        context,
        everyone,
        lambda tm: plenary_view.ranking(tm, seminar, ranked),
        _part(origin, "all"),
    )


async def close_dots_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    if not await close_dots(context, person_of(update), t):
        return joining_view.expired_button(t)
    return None


BUTTONS: dict[Action, ButtonRoute] = {
    Action.FORM_GROUPS: form_button,
    Action.PAPER_TO_GROUP: paper_to_group,
    Action.KEEP_THEME: keep_theme,
    Action.DROP_THEME: drop_theme,
    Action.REVIEW: review,
    Action.REVIEW_SHORTEN: review_shorten,
    Action.SHOW_NOTES: show_notes,
    Action.OPEN_VOTING: voting_button,
    Action.VOTE: vote,
    Action.VOTE_CARD: vote_card,
    Action.SETTLE: settle,
    Action.THEME_RENAME: rename_button,
    Action.THEME_MERGE_ASK: merge_ask,
    Action.THEME_MERGE: merge,
    Action.PRESET_THEMES: preset_button,
    Action.OPEN_PLENARY: plenary_button,
    Action.OPEN_DOTS: open_dots,
    Action.DOT: dot,
    Action.DOT_PAGE: dot_page,
    Action.CLOSE_DOTS: close_dots_button,
}


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("groups", groups_command, filters=private),
        CommandHandler("vote", vote_command, filters=private),
        CommandHandler("moderate", moderate_command, filters=private),
        CommandHandler("themes", themes_command, filters=private),
        CommandHandler("plenary", plenary_command, filters=private),
    ]
