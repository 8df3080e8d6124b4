"""The answer round: one message is one note, kept only under the writer's pseudonym."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

from bot.domain import Deadline, Member, Note, Person, Role, Seminar, Writer
from bot.expectations import Awaiting
from bot.flows.clean_text import clean_text
from bot.flows.deps import Deps
from bot.flows.personal_data import HeldText, PersonalDataFound, question
from bot.flows.refusals import (
    Gone,
    GoneThing,
    NoteGoneFromList,
    NotesInGroups,
    NotJoined,
    RoundNotOpen,
    RoundStillOpen,
)
from bot.flows.setup import TooFewWriters, too_few_writers
from bot.flows.small_talk import is_small_talk
from bot.flows.timing import deadline
from bot.store.notes import AuthoredNote

__all__ = [
    "AskEdit",
    "DraftDropped",
    "EditCancelled",
    "EmptyNote",
    "Finished",
    "HideAsked",
    "ModeratedNote",
    "MyNotes",
    "NoPrompt",
    "NotANote",
    "NotJoined",
    "NoteDeleted",
    "NoteHidden",
    "NoteLimitReached",
    "NoteSaved",
    "NoteTooLong",
    "NothingPending",
    "PersonalDataFound",
    "QuestionPrompt",
    "RoundNotOpen",
    "SmallTalkHeld",
    "check_note",
]


@dataclass(frozen=True, slots=True)
class NoteSaved:
    seminar: Seminar
    note: Note
    edited: bool
    notes_for_question: int


@dataclass(frozen=True, slots=True)
class NoteTooLong:
    length: int
    limit: int


@dataclass(frozen=True, slots=True)
class EmptyNote:
    """A note with nothing visible in it: refused, and the next message is taken instead."""


@dataclass(frozen=True, slots=True)
class NoteLimitReached:
    """The writer has as many notes on this question as one person may write."""

    seminar: Seminar
    limit: int


@dataclass(frozen=True, slots=True)
class SmallTalkHeld:
    """A greeting, thanks or question to the bot: held, like a text with a personal detail,
    until the writer says whether it is a note after all."""

    seminar: Seminar
    text: str


@dataclass(frozen=True, slots=True)
class QuestionPrompt:
    seminar: Seminar
    question: int
    deadline: Deadline | None = None  # the round's scheduled close, if there is one


@dataclass(frozen=True, slots=True)
class NoPrompt:
    """The person writes no notes now (not in a seminar, or its round is not open)."""


@dataclass(frozen=True, slots=True)
class Finished:
    seminar: Seminar
    notes: int


@dataclass(frozen=True, slots=True)
class AskEdit:
    seminar: Seminar
    note: Note


@dataclass(frozen=True, slots=True)
class EditCancelled:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NoteDeleted:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NotANote:
    """An edited message that never was a note: nothing to follow."""


@dataclass(frozen=True, slots=True)
class DraftDropped:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NothingPending:
    """A keep or drop button with nothing held any more: the text was kept or dropped already."""


@dataclass(frozen=True, slots=True)
class MyNotes:
    seminar: Seminar
    notes: list[Note]
    editable: bool


@dataclass(frozen=True, slots=True)
class HideAsked:
    seminar: Seminar
    note: Note


@dataclass(frozen=True, slots=True)
class NoteHidden:
    seminar: Seminar
    note: Note
    writer: Member | None
    already: bool


TextOutcome = (
    NoteSaved | NoteTooLong | EmptyNote | NoteLimitReached | PersonalDataFound | SmallTalkHeld
)


@dataclass(frozen=True, slots=True)
class _Writing:
    """A participant's seminar and their answering state in it."""

    seminar: Seminar
    writer: Writer


@dataclass(frozen=True, slots=True)
class _OwnNote:
    """A note its writer acts on, with their seminar and answering state."""

    seminar: Seminar
    writer: Writer
    note: Note


async def _writer_in(deps: Deps, person: Person, seminar: Seminar) -> _Writing:
    """The person's answering state in the seminar; refuses anybody who has not joined it."""
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None:
        raise NotJoined()
    return _Writing(seminar, writer)


async def _writing(deps: Deps, person: Person, seminar_id: int | None = None) -> _Writing:
    """The person's answering state in the button's seminar, or else in their active one."""
    if seminar_id is None:
        seminar = await deps.active_seminar(person)
    else:
        seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        raise NotJoined()
    return await _writer_in(deps, person, seminar)


def _while_open(found: _Writing) -> _Writing:
    """Notes, and the round's buttons, only while the round is open."""
    if not found.seminar.writing:
        raise RoundNotOpen(found.seminar)
    return found


async def _open_writer(deps: Deps, person: Person, seminar_id: int | None = None) -> _Writing:
    return _while_open(await _writing(deps, person, seminar_id))


def check_note(text: str, limit: int) -> str | NoteTooLong | EmptyNote:
    """The note as it is kept (see `clean_text`), or why it cannot be one."""
    text = clean_text(text)
    if not text:
        return EmptyNote()
    if len(text) > limit:
        return NoteTooLong(len(text), limit)
    return text


async def _count_for(deps: Deps, seminar: Seminar, writer: Writer, question: int) -> int:
    notes = await deps.store.notes_of(seminar.id, writer.pseudonym)
    return sum(1 for n in notes if n.question == question)


async def _full(deps: Deps, found: _Writing, target: int | None) -> bool:
    """One person cannot flood a question: a new note past the limit is refused (an edit of
    one they have is not a new note)."""
    if target is not None:
        return False
    question = _question_of(found.seminar, found.writer)
    count = await _count_for(deps, found.seminar, found.writer, question)
    return count >= deps.settings.notes_per_question


def _question_of(seminar: Seminar, writer: Writer) -> int:
    return min(writer.question, len(seminar.questions) - 1)


def _owns(writer: Writer, found: AuthoredNote) -> bool:
    """Whether a note is the writer's own, in this seminar, and not hidden."""
    note = found.note
    return (
        found.author == writer.pseudonym
        and note.seminar_id == writer.seminar_id
        and not note.hidden
    )


async def receive_text(
    deps: Deps, person: Person, text: str, chat_id: int, message_id: int
) -> TextOutcome:
    """A text message in the private chat: a new note, or the new text of one being edited."""
    found = await _open_writer(deps, person)
    seminar, writer = found.seminar, found.writer
    refs = deps.keys.message_refs(seminar.id, chat_id, message_id)
    ref = refs[0]  # under the current key; the others are the retired keys'
    if (earlier := await deps.store.note_from_message(refs)) is not None:
        # Telegram delivered this message again: answer as the first time, store nothing.
        count = await _count_for(deps, seminar, writer, earlier.note.question)
        return NoteSaved(seminar, earlier.note, edited=earlier.edited, notes_for_question=count)
    checked = check_note(text, deps.settings.note_max_length)
    if not isinstance(checked, str):
        return checked
    target = writer.target_note_id if writer.awaiting is not Awaiting.NOTE else None
    if await _full(deps, found, target):
        return NoteLimitReached(seminar, deps.settings.notes_per_question)
    asked: PersonalDataFound | SmallTalkHeld | None = question(seminar, checked, HeldText.NOTE)
    if asked is None and target is None and is_small_talk(checked):
        # "Hei", "ok, takk for beskjed", "hva nå?": said to the bot, not an answer, unless the
        # writer says so. (A note being edited was asked for, so its new text is a note.)
        asked = SmallTalkHeld(seminar, checked)
    if asked is not None:
        waiting = dataclasses.replace(
            writer, awaiting=Awaiting.CONFIRM, target_note_id=target, draft=checked, draft_ref=ref
        )
        await deps.store.update_writer(waiting)
        return asked
    return await _save(deps, found, target, checked, ref)


async def _save(
    deps: Deps, found: _Writing, target: int | None, text: str, ref: str | None
) -> NoteSaved:
    seminar, writer = found.seminar, found.writer
    settled = dataclasses.replace(
        writer, awaiting=Awaiting.NOTE, target_note_id=None, draft=None, draft_ref=None
    )
    # The writer's notes are counted before the write, outside the write lock: only the
    # writer's own updates add to them, and those run one after another.
    if target is not None:
        edited = await deps.store.note(target)
        if edited is None or not _owns(writer, edited):
            # The note being edited is gone: the writer writes new notes again. That change
            # stays, since a refusal is answered inside the update's transaction.
            await deps.store.update_writer(settled)
            raise NoteGoneFromList()
        count = await _count_for(deps, seminar, writer, edited.note.question)
        await deps.store.update_note_text(target, text, settled, ref)
        note = dataclasses.replace(edited.note, text=text)
        return NoteSaved(seminar, note, edited=True, notes_for_question=count)
    question = _question_of(seminar, writer)
    count = await _count_for(deps, seminar, writer, question)
    added = await deps.store.add_note(settled, question, text, ref)
    return NoteSaved(seminar, added.note, edited=False, notes_for_question=count + int(added.new))


async def receive_edit(
    deps: Deps, person: Person, text: str, chat_id: int, message_id: int
) -> TextOutcome | NotANote:
    """The writer edited a message in Telegram; if it was a note, the note follows."""
    seminar = await deps.active_seminar(person)
    if seminar is None:
        return NotANote()
    note = await deps.store.note_by_ref(deps.keys.message_refs(seminar.id, chat_id, message_id))
    if note is None:
        return NotANote()
    found = _while_open(await _writer_in(deps, person, seminar))
    checked = check_note(text, deps.settings.note_max_length)
    if not isinstance(checked, str):
        return checked
    if checked == note.text:
        count = await _count_for(deps, seminar, found.writer, note.question)
        return NoteSaved(seminar, note, edited=True, notes_for_question=count)
    if (asked := question(seminar, checked, HeldText.NOTE)) is not None:
        waiting = dataclasses.replace(
            found.writer,
            awaiting=Awaiting.CONFIRM,
            target_note_id=note.id,
            draft=checked,
            draft_ref=None,
        )
        await deps.store.update_writer(waiting)
        return asked
    return await _save(deps, found, note.id, checked, None)


async def keep_draft(deps: Deps, person: Person, seminar_id: int) -> TextOutcome | NothingPending:
    """The writer confirmed a note that looked like it held personal details."""
    found = await _open_writer(deps, person, seminar_id)
    writer = found.writer
    if writer.awaiting is not Awaiting.CONFIRM or writer.draft is None:
        return NothingPending()
    if await _full(deps, found, writer.target_note_id):
        return NoteLimitReached(found.seminar, deps.settings.notes_per_question)
    return await _save(deps, found, writer.target_note_id, writer.draft, writer.draft_ref)


async def _awaiting(
    deps: Deps, person: Person, seminar_id: int, awaiting: Awaiting
) -> _Writing | NothingPending:
    """The writer a keep, drop or cancel button is for, if their next text still means what
    the button was about; nothing waits for the button otherwise (nor for somebody no longer
    in the seminar)."""
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return NothingPending()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None or writer.awaiting is not awaiting:
        return NothingPending()
    return _Writing(seminar, writer)


async def drop_draft(deps: Deps, person: Person, seminar_id: int) -> DraftDropped | NothingPending:
    """The writer cancelled: the held text is deleted, seen by nobody."""
    found = await _awaiting(deps, person, seminar_id, Awaiting.CONFIRM)
    if isinstance(found, NothingPending):
        return found
    await deps.store.update_writer(
        dataclasses.replace(
            found.writer, awaiting=Awaiting.NOTE, target_note_id=None, draft=None, draft_ref=None
        )
    )
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return DraftDropped(found.seminar)


async def go_to_question(
    deps: Deps, person: Person, seminar_id: int, question: int
) -> QuestionPrompt:
    found = await _open_writer(deps, person, seminar_id)
    question = max(0, min(question, len(found.seminar.questions) - 1))
    await deps.store.update_writer(dataclasses.replace(found.writer, question=question))
    return QuestionPrompt(found.seminar, question, await deadline(deps, found.seminar))


async def current_prompt(deps: Deps, person: Person) -> QuestionPrompt | NoPrompt:
    """The question the person is on while they write notes (/start shows it again)."""
    seminar = await deps.active_seminar(person)
    if seminar is None or not seminar.writing:
        return NoPrompt()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None:
        return NoPrompt()
    return QuestionPrompt(seminar, writer.question, await deadline(deps, seminar))


async def finish(deps: Deps, person: Person, seminar_id: int) -> Finished:
    found = await _open_writer(deps, person, seminar_id)
    await deps.store.update_writer(dataclasses.replace(found.writer, done=True))
    notes = await deps.store.notes_of(found.seminar.id, found.writer.pseudonym)
    return Finished(found.seminar, len(notes))


async def _own_note(deps: Deps, person: Person, note_id: int) -> _OwnNote:
    """A note its writer acts on with a button, while the round is open."""
    found = await deps.store.note(note_id)
    if found is None:
        raise NoteGoneFromList()
    writing = await _open_writer(deps, person, found.note.seminar_id)
    if not _owns(writing.writer, found):
        raise NoteGoneFromList()
    return _OwnNote(writing.seminar, writing.writer, found.note)


async def start_edit(deps: Deps, person: Person, note_id: int) -> AskEdit:
    target = await _own_note(deps, person, note_id)
    await deps.store.update_writer(
        dataclasses.replace(
            target.writer,
            awaiting=Awaiting.EDIT,
            target_note_id=target.note.id,
            draft=None,
            draft_ref=None,
        )
    )
    return AskEdit(target.seminar, target.note)


async def cancel_edit(
    deps: Deps, person: Person, seminar_id: int
) -> EditCancelled | NothingPending:
    found = await _awaiting(deps, person, seminar_id, Awaiting.EDIT)
    if isinstance(found, NothingPending):
        return found
    await deps.store.update_writer(
        dataclasses.replace(found.writer, awaiting=Awaiting.NOTE, target_note_id=None)
    )
    return EditCancelled(found.seminar)


async def delete_note(deps: Deps, person: Person, note_id: int) -> NoteDeleted:
    target = await _own_note(deps, person, note_id)
    await deps.store.delete_note(target.note.id)
    if target.writer.target_note_id == target.note.id:
        await deps.store.update_writer(
            dataclasses.replace(
                target.writer,
                awaiting=Awaiting.NOTE,
                target_note_id=None,
                draft=None,
                draft_ref=None,
            )
        )
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return NoteDeleted(target.seminar)


async def my_notes(deps: Deps, person: Person) -> MyNotes:
    found = await _writing(deps, person)
    notes = await deps.store.notes_of(found.seminar.id, found.writer.pseudonym)
    return MyNotes(found.seminar, notes, editable=found.seminar.writing)


# -- moderators hiding a note -------------------------------------------------------------
#
# These still return their refusals: the hide buttons (handlers/setup) and shortening
# (flows/groups) answer a gone note, or somebody who moderates nothing, with a short notice of
# their own (a message, as everything a press says), where a raised refusal gets its screen.


class ModeratedNote(NamedTuple):
    """A note a moderator acts on, and its seminar (a named tuple: flows/groups unpacks it)."""

    seminar: Seminar
    note: Note


async def moderated_note(
    deps: Deps, person: Person, note_id: int, gone: type[Gone] = Gone
) -> ModeratedNote:
    """A note a moderator acts on: only once the answer round is closed, like every list of
    notes, so a button kept from an earlier close shows nothing written since."""
    found = await deps.store.note(note_id)
    if found is None:
        raise gone(GoneThing.NOTE)
    seminar = await deps.moderating(person, found.note.seminar_id)
    if not seminar.notes_released:
        raise RoundStillOpen(seminar)
    return ModeratedNote(seminar, found.note)


async def shown_note(deps: Deps, person: Person, note_id: int) -> ModeratedNote | TooFewWriters:
    """A note a moderator is about to read: as a list of notes, only while at least three
    people's notes are there, so a button kept from when more had written shows nothing of a
    seminar that has fallen under three writers. (Hiding needs no reading, and stays allowed.)"""
    found = await moderated_note(deps, person, note_id, NoteGoneFromList)
    too_few = await too_few_writers(deps, found.seminar)
    return too_few if too_few is not None else found


async def writer_of(deps: Deps, seminar: Seminar, note_id: int) -> Member | None:
    """The member who wrote a note, found with the key (nobody without it can); None for a
    paper note or a writer who left."""
    found = await deps.store.note(note_id)
    if found is None:
        return None
    for member in await deps.store.members(seminar.id):
        if deps.keys.pseudonym(seminar.id, member.tg_id) == found.author:
            return member
    return None


async def ask_hide(deps: Deps, person: Person, note_id: int) -> HideAsked | TooFewWriters:
    found = await shown_note(deps, person, note_id)
    if not isinstance(found, ModeratedNote):
        return found
    return HideAsked(found.seminar, found.note)


async def hide(deps: Deps, person: Person, note_id: int) -> NoteHidden:
    """Hides a note everywhere; the bot (holding the key) finds its writer to tell them why."""
    found = await moderated_note(deps, person, note_id)
    changed = await deps.store.hide_note(found.note.id)
    writer = await writer_of(deps, found.seminar, found.note.id) if changed else None
    return NoteHidden(found.seminar, found.note, writer, already=not changed)


async def unhide(deps: Deps, person: Person, note_id: int) -> NoteHidden:
    """Shows a hidden note again, while no group has its notes yet: a hide can be undone
    until the notes are dealt without it."""
    found = await moderated_note(deps, person, note_id)
    if await deps.store.groups(found.seminar.id):
        raise NotesInGroups(found.seminar, reopening=False)
    changed = await deps.store.unhide_note(found.note.id)
    writer = await writer_of(deps, found.seminar, found.note.id) if changed else None
    return NoteHidden(found.seminar, found.note, writer, already=not changed)


def is_moderator(member: Member | None) -> bool:
    return member is not None and member.role is Role.MODERATOR
