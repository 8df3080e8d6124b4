"""/groups and its buttons: forming groups, paper notes, reviewing, shortening, showing notes."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button
from bot.domain import Person
from bot.expectations import Expectation, Expecting, NoteToShorten
from bot.flows import answering, groups, setup
from bot.flows.refusals import Gone, Refusal
from bot.handlers.buttons import command_and_button
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
    ButtonRun,
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

__all__ = ["ROUTES", "noticing"]


def _chat(update: Update) -> int:
    return person_of(update).tg_id


def noticing(run: ButtonRun, *kinds: type[Refusal], keep_buttons: bool = False) -> ButtonRun:
    """A press whose refusals of these kinds are answered with the refusal's short words
    only (a message, see buttons._answer): a card or list that stays in use (a vote card, the
    themes, the review queue). The pressed message loses its buttons when the refusal ends
    them, unless its other buttons still work (`keep_buttons`)."""

    async def pressed(
        update: Update, context: BotContext, button: Button, t: Translator
    ) -> str | None:
        try:
            return await run(update, context, button, t)
        except kinds as refusal:
            if refusal.ends_buttons and not keep_buttons:
                await drop_buttons(context, pressed_message(update))
            return refusal_view.refusal(t, refusal).text

    return pressed


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
    if isinstance(outcome, setup.TooFewWriters):
        await send(context, person.tg_id, setup_view.too_few_writers(t, outcome))
        return
    for screen in groups_view.groups_formed_moderator(
        t, outcome.seminar, outcome.groups, outcome.sizes, outcome.paper_notes
    ):
        await send(context, person.tg_id, screen)
    for seat in outcome.seats:
        tm = translator(seat.member.language)
        await send(context, seat.member.tg_id, groups_view.seated(tm, outcome.seminar, seat.group))


async def groups_command(update: Update, context: BotContext) -> None:
    args = [a.lower() for a in context.args or []]
    everyone = any(a in ("all", "alle", "everyone") for a in args)
    size = next((int(a) for a in args if a.isdecimal()), None)
    deal = any(a in ("deal", "del", "spread") for a in args)
    await _form(context, person_of(update), await reader(update, context), everyone, size, deal)


async def form(context: BotContext, person: Person, t: Translator, seminar_id: int | None) -> None:
    """Forms the groups of those who wrote, as /groups does without options."""
    await _form(context, person, t, everyone=False)


async def form_again(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    """Forms the groups again, before any group has seen its notes."""
    await groups.dissolve_groups(context.deps, person, seminar_id)
    await _form(context, person, t, everyone=False)


async def form_button(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await drop_buttons(context, pressed_message(update))
    await _form(context, person_of(update), t, everyone=bool(button.arg(1)))
    return None


async def paper_to_group(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    match await groups.place_paper_notes(context.deps, person_of(update), button.arg(0)):
        case groups.PaperPlaced(group=group, placed=placed):
            screen = groups_view.paper_placed(t, group, placed)
        case groups.PaperStays():
            screen = groups_view.paper_stays(t)
    await send(context, _chat(update), screen)
    return None


async def review(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await groups.review(context.deps, person_of(update), button.arg(0), button.arg(1))
    if isinstance(outcome, setup.TooFewWriters):
        await send(context, _chat(update), setup_view.too_few_writers(t, outcome))
        return None
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
    if isinstance(outcome, setup.TooFewWriters):
        await send(context, _chat(update), setup_view.too_few_writers(t, outcome))
    else:
        await send(context, _chat(update), groups_view.ask_shortened(t, outcome))
    return None


async def show_notes(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    """Each group gets its own notes; the moderator is told sorting can start."""
    outcome = await groups.show_notes(context.deps, person, seminar_id)
    if isinstance(outcome, setup.TooFewWriters):
        await send(context, person.tg_id, setup_view.too_few_writers(t, outcome))
        return
    for delivery in outcome.deliveries:
        tm = translator(delivery.member.language)
        screens = groups_view.group_notes(
            tm, outcome.seminar, delivery.group, delivery.notes, delivery.themes
        )
        await send_many(context, delivery.member.tg_id, screens)
    await send(context, person.tg_id, themes_view.voting_ready(t, outcome.seminar))


_, show_notes_button = command_and_button(show_notes)


async def shorten_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """A note's shorter text, typed after «Shorten»: the note changes and its writer hears the
    new wording."""
    assert isinstance(expectation.draft, NoteToShorten)
    t = await reader(update, context)
    person = person_of(update)
    outcome = await groups.shorten(context.deps, person, expectation.draft.note, text)
    match outcome:
        case answering.NoteTooLong() | answering.EmptyNote():
            limit = context.deps.settings.note_max_length
            await send(context, person.tg_id, answering_view.answering_screen(t, outcome, limit))
        case setup.TooFewWriters():
            await send(context, person.tg_id, setup_view.too_few_writers(t, outcome))
        case groups.NoteShortened(writer=writer):
            await send(context, person.tg_id, groups_view.shortened(t, outcome))
            if writer is not None:
                tw = translator(writer.language)
                shortened = groups_view.note_shortened_for_writer(tw, outcome)
                await send(context, writer.tg_id, shortened)


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
        # A note gone since the review card came: the card's other buttons still work.
        Press(Action.REVIEW_SHORTEN, noticing(review_shorten, Gone, keep_buttons=True)),
        Press(Action.SHOW_NOTES, show_notes_button),
    ),
    texts=(Text(Expecting.SHORTEN_NOTE, shorten_text),),
)
