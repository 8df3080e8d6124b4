"""Notes from private messages, edits of them, /notes, and the answering buttons."""

from __future__ import annotations

from telegram import Message, Update

from bot.callbacks import Action, Button, ForgedButton, StaleButton
from bot.expectations import Expectation, Expecting
from bot.flows import answering
from bot.handlers.announcements import progress_changed
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
    EVERYONE,
    N_,
    Command,
    Press,
    Routes,
    Text,
    Unmatched,
    UnmatchedRoute,
)
from bot.i18n import Translator
from bot.render import answering as answering_view
from bot.render import joining as joining_view

__all__ = ["ROUTES"]

NOTE_ACTIONS = (Action.EDIT_NOTE, Action.DELETE_NOTE)


async def on_note(update: Update, context: BotContext, expectation: Expectation, text: str) -> None:
    """A text nothing else expects: a note, or the new text of one being edited."""
    message = update.effective_message
    assert message is not None
    t = await reader(update, context)
    outcome = await answering.receive_text(
        context.deps, person_of(update), text, message.chat_id, message.message_id
    )
    await _show(update, context, t, outcome)
    if isinstance(outcome, answering.NoteSaved):
        await progress_changed(context, outcome.seminar.id)


async def on_edited(update: Update, context: BotContext) -> None:
    """The writer edited a sent message; if it was a note, the note follows."""
    message = update.edited_message
    assert message is not None
    assert message.text is not None
    outcome = await answering.receive_edit(
        context.deps, person_of(update), message.text, message.chat_id, message.message_id
    )
    if not isinstance(outcome, answering.NotANote):
        await _show(update, context, await reader(update, context), outcome)


async def on_other(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice, files: only text can be a note."""
    message = update.effective_message
    assert message is not None
    t = await reader(update, context)
    await send(context, message.chat_id, joining_view.text_only(t))


async def on_unknown_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    await send(
        context, message.chat_id, joining_view.unknown_command(await reader(update, context))
    )


async def notes_command(update: Update, context: BotContext) -> None:
    t = await reader(update, context)
    outcome = await answering.my_notes(context.deps, person_of(update))
    await send_many(
        context,
        _chat(update),
        answering_view.my_notes(t, outcome.seminar, outcome.notes, outcome.editable),
    )


def _about_one_note(context: BotContext, message: Message | None, note_id: int) -> bool:
    """Whether a message's buttons all concern one note (a "saved" reply, not a list)."""
    if message is None or message.reply_markup is None:
        return False
    for row in message.reply_markup.inline_keyboard:
        for key in row:
            if not isinstance(key.callback_data, str):
                continue
            try:
                button = context.services.codec.unpack(key.callback_data)
            except (StaleButton, ForgedButton):
                return False
            if button.action in NOTE_ACTIONS and button.args[:1] != (note_id,):
                return False
    return True


def _chat(update: Update) -> int:
    return person_of(update).tg_id


async def _show(
    update: Update, context: BotContext, t: Translator, outcome: answering_view.AnsweringOutcome
) -> None:
    """What a writer sees after a step of answering, in their private chat."""
    limit = context.deps.settings.note_max_length
    await send(context, _chat(update), answering_view.answering_screen(t, outcome, limit))


async def next_question(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    person = person_of(update)
    outcome = await answering.go_to_question(context.deps, person, button.arg(0), button.arg(1))
    await _show(update, context, t, outcome)
    return None


async def done(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    outcome = await answering.finish(context.deps, person_of(update), button.arg(0))
    await _show(update, context, t, outcome)
    await progress_changed(context, outcome.seminar.id)
    return None


async def edit_note(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await answering.start_edit(context.deps, person_of(update), button.arg(0))
    await _show(update, context, t, outcome)
    return None


async def delete_note(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await answering.delete_note(context.deps, person_of(update), button.arg(0))
    await progress_changed(context, outcome.seminar.id)
    message = pressed_message(update)
    if _about_one_note(context, message, button.arg(0)):
        await edit(context, message, answering_view.note_deleted(t))
        return None
    await _show(update, context, t, outcome)
    await notes_command(update, context)
    return None


async def cancel_edit(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await answering.cancel_edit(context.deps, person_of(update), button.arg(0))
    if isinstance(outcome, answering.EditCancelled):
        await edit(context, pressed_message(update), answering_view.edit_cancelled(t))
        return None
    await drop_buttons(context, pressed_message(update))
    return answering_view.nothing_pending(t).text


async def keep_draft(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    # The question is answered whatever comes of it: its buttons go first.
    await drop_buttons(context, pressed_message(update))
    outcome = await answering.keep_draft(context.deps, person_of(update), button.arg(0))
    await _show(update, context, t, outcome)
    return None


async def drop_draft(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    outcome = await answering.drop_draft(context.deps, person_of(update), button.arg(0))
    if isinstance(outcome, answering.DraftDropped):
        await edit(context, pressed_message(update), answering_view.draft_dropped(t))
        return None
    await drop_buttons(context, pressed_message(update))
    return answering_view.nothing_pending(t).text


ROUTES = Routes(
    commands=(Command("notes", notes_command, menus=EVERYONE, description=N_("Your notes")),),
    buttons=(
        Press(Action.NEXT_QUESTION, next_question, personal=True),
        Press(Action.DONE, done, personal=True),
        Press(Action.EDIT_NOTE, edit_note, personal=True),
        Press(Action.DELETE_NOTE, delete_note, personal=True),
        Press(Action.CANCEL_EDIT, cancel_edit, personal=True),
        Press(Action.KEEP_DRAFT, keep_draft, personal=True),
        Press(Action.DROP_DRAFT, drop_draft, personal=True),
    ),
    texts=(Text(Expecting.NOTE, on_note),),
    unmatched=(
        UnmatchedRoute(Unmatched.PRIVATE_COMMAND, on_unknown_command),
        UnmatchedRoute(Unmatched.EDITED_TEXT, on_edited),
        UnmatchedRoute(Unmatched.NOT_TEXT, on_other),
    ),
)
