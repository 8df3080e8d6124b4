"""The answer round: one message is one note, kept only under the writer's pseudonym."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot.domain import Awaiting, Member, Note, Person, Phase, Role, Seminar, Writer
from bot.flows.clean_text import clean_text
from bot.flows.deps import Deps, NoSeminar, NotModerator
from bot.flows.personal_data import HeldText, PersonalDataFound, question
from bot.flows.setup import RoundStillOpen, TooFewWriters, too_few_writers

__all__ = [
    "AskEdit",
    "DraftDropped",
    "EditCancelled",
    "EmptyNote",
    "Finished",
    "HideAsked",
    "MyNotes",
    "NotJoined",
    "NoteDeleted",
    "NoteGone",
    "NoteHidden",
    "NoteLimitReached",
    "NoteSaved",
    "NoteTooLong",
    "NothingPending",
    "PersonalDataFound",
    "QuestionPrompt",
    "RoundNotOpen",
    "check_note",
]


@dataclass(frozen=True, slots=True)
class NotJoined:
    pass


@dataclass(frozen=True, slots=True)
class RoundNotOpen:
    seminar: Seminar


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
    pass


@dataclass(frozen=True, slots=True)
class NoteLimitReached:
    """The writer has as many notes on this question as one person may write."""

    seminar: Seminar
    limit: int


@dataclass(frozen=True, slots=True)
class QuestionPrompt:
    seminar: Seminar
    question: int


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
class NoteGone:
    """The note was deleted, hidden or never belonged to this person."""


@dataclass(frozen=True, slots=True)
class DraftDropped:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NothingPending:
    pass


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
    NoteSaved
    | NoteTooLong
    | EmptyNote
    | NoteLimitReached
    | PersonalDataFound
    | RoundNotOpen
    | NotJoined
    | NoteGone
)


async def _writer(
    deps: Deps, person: Person, seminar: Seminar | None = None
) -> tuple[Seminar, Writer] | NotJoined:
    if seminar is None:
        seminar = await deps.active_seminar(person)
    if seminar is None:
        return NotJoined()
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    if writer is None:
        return NotJoined()
    return seminar, writer


async def _open_writer(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> tuple[Seminar, Writer] | NotJoined | RoundNotOpen:
    seminar = None
    if seminar_id is not None:
        seminar = await deps.store.seminar(seminar_id)
        if seminar is None:
            return NotJoined()
    found = await _writer(deps, person, seminar)
    if isinstance(found, NotJoined):
        return found
    if found[0].phase is not Phase.ANSWERING:
        return RoundNotOpen(found[0])
    return found


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


async def _limit_reached(
    deps: Deps, seminar: Seminar, writer: Writer, target: int | None
) -> NoteLimitReached | None:
    """One person cannot flood a question: a new note past the limit is refused (an edit of
    one they have is not a new note)."""
    if target is not None:
        return None
    limit = deps.settings.notes_per_question
    if await _count_for(deps, seminar, writer, _question_of(seminar, writer)) < limit:
        return None
    return NoteLimitReached(seminar, limit)


def _question_of(seminar: Seminar, writer: Writer) -> int:
    return min(writer.question, len(seminar.questions) - 1)


async def receive_text(
    deps: Deps, person: Person, text: str, chat_id: int, message_id: int
) -> TextOutcome:
    """A text message in the private chat: a new note, or the new text of one being edited."""
    found = await _open_writer(deps, person)
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    refs = deps.keys.message_refs(seminar.id, chat_id, message_id)
    ref = refs[0]
    if (existing := await deps.store.note_from_message(refs)) is not None:
        # Telegram delivered this message again: answer as the first time, store nothing.
        note, edited = existing
        count = await _count_for(deps, seminar, writer, note.question)
        return NoteSaved(seminar, note, edited=edited, notes_for_question=count)
    checked = check_note(text, deps.settings.note_max_length)
    if not isinstance(checked, str):
        return checked
    target = writer.target_note_id if writer.awaiting is not Awaiting.NOTE else None
    if (full := await _limit_reached(deps, seminar, writer, target)) is not None:
        return full
    if (asked := question(seminar, checked, HeldText.NOTE)) is not None:
        waiting = dataclasses.replace(
            writer, awaiting=Awaiting.CONFIRM, target_note_id=target, draft=checked, draft_ref=ref
        )
        await deps.store.update_writer(waiting)
        return asked
    return await _save(deps, seminar, writer, target, checked, ref)


async def _save(
    deps: Deps, seminar: Seminar, writer: Writer, target: int | None, text: str, ref: str | None
) -> NoteSaved | NoteGone:
    settled = dataclasses.replace(
        writer, awaiting=Awaiting.NOTE, target_note_id=None, draft=None, draft_ref=None
    )
    # The writer's notes are counted before the write, outside the write lock: only the
    # writer's own updates add to them, and those run one after another.
    if target is not None:
        owned = await _owned_note(deps, writer, target)
        if owned is None:
            await deps.store.update_writer(settled)
            return NoteGone()
        count = await _count_for(deps, seminar, writer, owned.question)
        await deps.store.update_note_text(target, text, settled, ref)
        note = dataclasses.replace(owned, text=text)
        return NoteSaved(seminar, note, edited=True, notes_for_question=count)
    question = _question_of(seminar, writer)
    count = await _count_for(deps, seminar, writer, question)
    note, new = await deps.store.add_note(settled, question, text, ref)
    return NoteSaved(seminar, note, edited=False, notes_for_question=count + int(new))


async def _owned_note(deps: Deps, writer: Writer, note_id: int) -> Note | None:
    found = await deps.store.note(note_id)
    if found is None:
        return None
    note, author = found
    if author != writer.pseudonym or note.seminar_id != writer.seminar_id or note.hidden:
        return None
    return note


async def receive_edit(
    deps: Deps, person: Person, text: str, chat_id: int, message_id: int
) -> TextOutcome | None:
    """The writer edited a message in Telegram; None when that message was never a note."""
    seminar = await deps.active_seminar(person)
    if seminar is None:
        return None
    note = await deps.store.note_by_ref(deps.keys.message_refs(seminar.id, chat_id, message_id))
    if note is None:
        return None
    found = await _writer(deps, person, seminar)
    if not isinstance(found, tuple):
        return found
    if seminar.phase is not Phase.ANSWERING:
        return RoundNotOpen(seminar)
    writer = found[1]
    checked = check_note(text, deps.settings.note_max_length)
    if not isinstance(checked, str):
        return checked
    if checked == note.text:
        count = await _count_for(deps, seminar, writer, note.question)
        return NoteSaved(seminar, note, edited=True, notes_for_question=count)
    if (asked := question(seminar, checked, HeldText.NOTE)) is not None:
        waiting = dataclasses.replace(
            writer, awaiting=Awaiting.CONFIRM, target_note_id=note.id, draft=checked, draft_ref=None
        )
        await deps.store.update_writer(waiting)
        return asked
    return await _save(deps, seminar, writer, note.id, checked, None)


async def keep_draft(deps: Deps, person: Person, seminar_id: int) -> TextOutcome | NothingPending:
    """The writer confirmed a note that looked like it held personal details."""
    found = await _open_writer(deps, person, seminar_id)
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    if writer.awaiting is not Awaiting.CONFIRM or writer.draft is None:
        return NothingPending()
    if (full := await _limit_reached(deps, seminar, writer, writer.target_note_id)) is not None:
        return full
    return await _save(deps, seminar, writer, writer.target_note_id, writer.draft, writer.draft_ref)


async def drop_draft(
    deps: Deps, person: Person, seminar_id: int
) -> DraftDropped | NothingPending | NotJoined:
    """The writer cancelled: the held text is deleted, seen by nobody."""
    seminar = await deps.store.seminar(seminar_id)
    found = await _writer(deps, person, seminar) if seminar else NotJoined()
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    if writer.awaiting is not Awaiting.CONFIRM:
        return NothingPending()
    await deps.store.update_writer(
        dataclasses.replace(
            writer, awaiting=Awaiting.NOTE, target_note_id=None, draft=None, draft_ref=None
        )
    )
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return DraftDropped(seminar)


async def go_to_question(
    deps: Deps, person: Person, seminar_id: int, question: int
) -> QuestionPrompt | RoundNotOpen | NotJoined:
    found = await _open_writer(deps, person, seminar_id)
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    question = max(0, min(question, len(seminar.questions) - 1))
    await deps.store.update_writer(dataclasses.replace(writer, question=question))
    return QuestionPrompt(seminar, question)


async def current_prompt(deps: Deps, person: Person) -> QuestionPrompt | RoundNotOpen | NotJoined:
    found = await _open_writer(deps, person)
    if not isinstance(found, tuple):
        return found
    return QuestionPrompt(found[0], found[1].question)


async def finish(
    deps: Deps, person: Person, seminar_id: int
) -> Finished | RoundNotOpen | NotJoined:
    found = await _open_writer(deps, person, seminar_id)
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    await deps.store.update_writer(dataclasses.replace(writer, done=True))
    notes = await deps.store.notes_of(seminar.id, writer.pseudonym)
    return Finished(seminar, len(notes))


async def _note_action_target(
    deps: Deps, person: Person, note_id: int
) -> tuple[Seminar, Writer, Note] | NoteGone | RoundNotOpen | NotJoined:
    found_note = await deps.store.note(note_id)
    if found_note is None:
        return NoteGone()
    found = await _open_writer(deps, person, found_note[0].seminar_id)
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    note = await _owned_note(deps, writer, note_id)
    if note is None:
        return NoteGone()
    return seminar, writer, note


async def start_edit(
    deps: Deps, person: Person, note_id: int
) -> AskEdit | NoteGone | RoundNotOpen | NotJoined:
    target = await _note_action_target(deps, person, note_id)
    if not isinstance(target, tuple):
        return target
    seminar, writer, note = target
    await deps.store.update_writer(
        dataclasses.replace(
            writer, awaiting=Awaiting.EDIT, target_note_id=note.id, draft=None, draft_ref=None
        )
    )
    return AskEdit(seminar, note)


async def cancel_edit(
    deps: Deps, person: Person, seminar_id: int
) -> EditCancelled | NothingPending | NotJoined:
    seminar = await deps.store.seminar(seminar_id)
    found = await _writer(deps, person, seminar) if seminar else NotJoined()
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    if writer.awaiting is not Awaiting.EDIT:
        return NothingPending()
    await deps.store.update_writer(
        dataclasses.replace(writer, awaiting=Awaiting.NOTE, target_note_id=None)
    )
    return EditCancelled(seminar)


async def delete_note(
    deps: Deps, person: Person, note_id: int
) -> NoteDeleted | NoteGone | RoundNotOpen | NotJoined:
    target = await _note_action_target(deps, person, note_id)
    if not isinstance(target, tuple):
        return target
    seminar, writer, note = target
    await deps.store.delete_note(note.id)
    if writer.target_note_id == note.id:
        await deps.store.update_writer(
            dataclasses.replace(
                writer, awaiting=Awaiting.NOTE, target_note_id=None, draft=None, draft_ref=None
            )
        )
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return NoteDeleted(seminar)


async def my_notes(deps: Deps, person: Person) -> MyNotes | NotJoined:
    found = await _writer(deps, person)
    if not isinstance(found, tuple):
        return found
    seminar, writer = found
    notes = await deps.store.notes_of(seminar.id, writer.pseudonym)
    return MyNotes(seminar, notes, editable=seminar.phase is Phase.ANSWERING)


# -- moderators hiding a note -------------------------------------------------------------


ModeratedNote = tuple[Seminar, Note] | NoteGone | NotModerator | NoSeminar | RoundStillOpen


async def moderated_note(deps: Deps, person: Person, note_id: int) -> ModeratedNote:
    """A note a moderator acts on: only once the answer round is closed, like every list of
    notes, so a button kept from an earlier close shows nothing written since."""
    found = await deps.store.note(note_id)
    if found is None:
        return NoteGone()
    seminar = await deps.moderated_seminar(person, found[0].seminar_id)
    if not isinstance(seminar, Seminar):
        return seminar
    if not seminar.notes_released:
        return RoundStillOpen(seminar)
    return seminar, found[0]


async def shown_note(deps: Deps, person: Person, note_id: int) -> ModeratedNote | TooFewWriters:
    """A note a moderator is about to read: as a list of notes, only while at least three
    people's notes are there, so a button kept from when more had written shows nothing of a
    seminar that has fallen under three writers. (Hiding needs no reading, and stays allowed.)"""
    found = await moderated_note(deps, person, note_id)
    if not isinstance(found, tuple):
        return found
    too_few = await too_few_writers(deps, found[0])
    return too_few if too_few is not None else found


async def writer_of(deps: Deps, seminar: Seminar, note_id: int) -> Member | None:
    """The member who wrote a note, found with the key (nobody without it can); None for a
    paper note or a writer who left."""
    found = await deps.store.note(note_id)
    if found is None:
        return None
    for member in await deps.store.members(seminar.id):
        if deps.keys.pseudonym(seminar.id, member.tg_id) == found[1]:
            return member
    return None


async def ask_hide(
    deps: Deps, person: Person, note_id: int
) -> HideAsked | NoteGone | NotModerator | NoSeminar | RoundStillOpen | TooFewWriters:
    found = await shown_note(deps, person, note_id)
    if not isinstance(found, tuple):
        return found
    return HideAsked(*found)


async def hide(
    deps: Deps, person: Person, note_id: int
) -> NoteHidden | NoteGone | NotModerator | NoSeminar | RoundStillOpen:
    """Hides a note everywhere; the bot (holding the key) finds its writer to tell them why."""
    found = await moderated_note(deps, person, note_id)
    if not isinstance(found, tuple):
        return found
    seminar, note = found
    changed = await deps.store.hide_note(note.id)
    writer = await writer_of(deps, seminar, note.id) if changed else None
    return NoteHidden(seminar, note, writer, already=not changed)


def is_moderator(member: Member | None) -> bool:
    return member is not None and member.role is Role.MODERATOR
