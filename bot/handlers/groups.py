"""/groups and its buttons: forming groups, paper notes, reviewing, shortening, showing notes."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button
from bot.domain import Expectation, Expecting, Note, NoteToShorten, Person
from bot.flows import answering, groups, setup
from bot.flows.deps import NoSeminar, NotModerator
from bot.handlers.common import (
    BotContext,
    drop_buttons,
    edit,
    person_of,
    pressed_message,
    reader,
    send,
    send_many,
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
from bot.render import groups as groups_view
from bot.render import refusals as refusal_view
from bot.render import setup as setup_view
from bot.render import themes as themes_view

__all__ = ["ROUTES", "refuse", "shorten"]

Refusal = NoSeminar | NotModerator | setup.WrongPhase


def _chat(update: Update) -> int:
    return person_of(update).tg_id


async def refuse(context: BotContext, chat_id: int, t: Translator, outcome: object) -> bool:
    """Sends the polite reason when an outcome is a refusal; True if it was one."""
    if isinstance(outcome, NoSeminar | NotModerator | setup.WrongPhase | setup.RoundStillOpen):
        await send(context, chat_id, refusal_view.refusal(t, outcome))
        return True
    if isinstance(outcome, groups.ShorteningClosed):
        await send(context, chat_id, groups_view.shortening_closed(t))
        return True
    if isinstance(outcome, groups.NoGroupsYet):
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
    outcome = await groups.form_groups(
        context.deps, person, everyone=everyone, size=size, deal=deal
    )
    if await refuse(context, person.tg_id, t, outcome):
        return
    assert isinstance(outcome, groups.GroupsFormed)
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
    outcome = await groups.place_paper_notes(context.deps, person_of(update), button.arg(0))
    if await refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, tuple)
    _, group, placed = outcome
    await send(context, _chat(update), groups_view.paper_placed(t, group, placed))
    return None


async def review(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await groups.review(context.deps, person_of(update), button.arg(0), button.arg(1))
    if await refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, groups.ReviewCard)
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
    outcome = await groups.ask_shorten(context.deps, person_of(update), button.arg(0))
    if isinstance(outcome, Note):
        await send(context, _chat(update), groups_view.ask_shortened(t, outcome))
        return None
    if isinstance(outcome, answering.NoteGone):
        return answering_view.note_gone(t).text
    await refuse(context, _chat(update), t, outcome)
    return None


async def show_notes(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    outcome = await groups.show_notes(context.deps, person_of(update), button.arg(0))
    if await refuse(context, _chat(update), t, outcome):
        return None
    assert isinstance(outcome, groups.NotesShown)
    for member, group, notes, themes in outcome.deliveries:
        tm = translator(member.language)
        screens = groups_view.group_notes(tm, outcome.seminar, group, notes, themes)
        await send_many(context, member.tg_id, screens)
    await send(context, _chat(update), themes_view.voting_ready(t, outcome.seminar))
    return None


async def shorten(
    context: BotContext, person: Person, note_id: int, text: str, t: Translator
) -> None:
    """The moderator's shorter text: the note changes and its writer hears the new wording."""
    outcome = await groups.shorten(context.deps, person, note_id, text)
    if isinstance(outcome, answering.NoteTooLong | answering.EmptyNote):
        limit = context.deps.settings.note_max_length
        await send(context, person.tg_id, answering_view.answering_screen(t, outcome, limit))
        return  # the moderator may try again
    if isinstance(outcome, groups.NoteShortened):
        await send(context, person.tg_id, groups_view.shortened(t, outcome))
        if outcome.writer is not None:
            tw = translator(outcome.writer.language)
            await send(
                context, outcome.writer.tg_id, groups_view.note_shortened_for_writer(tw, outcome)
            )
    elif isinstance(outcome, answering.NoteGone):
        await send(context, person.tg_id, answering_view.note_gone(t))
    else:
        await refuse(context, person.tg_id, t, outcome)


async def shorten_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """A note's shorter text, typed after «Shorten»."""
    assert isinstance(expectation.draft, NoteToShorten)
    t = await reader(update, context)
    await shorten(context, person_of(update), expectation.draft.note, text, t)


ROUTES = Routes(
    commands=(
        Command(
            "groups",
            groups_command,
            shared=True,
            menus=MODERATORS,
            description=N_("Form the groups"),
        ),
    ),
    buttons=(
        Press(Action.FORM_GROUPS, form_button),
        Press(Action.PAPER_TO_GROUP, paper_to_group),
        Press(Action.REVIEW, review),
        Press(Action.REVIEW_SHORTEN, review_shorten),
        Press(Action.SHOW_NOTES, show_notes),
    ),
    texts=(Text(Expecting.SHORTEN_NOTE, shorten_text),),
)
