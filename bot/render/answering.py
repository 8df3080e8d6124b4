"""What a writer sees in the answer round: the questions, their notes saved, edited, deleted or
hidden, /notes, and the question before a text with a personal detail is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import Deadline, Note, Seminar
from bot.flows import answering
from bot.flows.personal_data import HeldText, PersonalDataFound, PersonalDetail
from bot.i18n import Translator
from bot.render.schedules import round_deadline
from bot.render.screens import Key, Screen, esc, key, note_text, paginate, question_text


def _answer_keys(t: Translator, seminar: Seminar, question: int) -> tuple[Key, ...]:
    if question + 1 < len(seminar.questions):
        return (
            key(
                # Participant: answering, answer keys
                t.pgettext("button", "Next question ▶"),
                Action.NEXT_QUESTION,
                seminar.id,
                question + 1,
            ),
        )
    # Participant: answering, answer keys
    return (key(t.pgettext("button", "I am done ✓"), Action.DONE, seminar.id),)


def question_prompt(
    t: Translator, seminar: Seminar, question: int, limit: int, deadline: Deadline | None = None
) -> Screen:
    parts = [
        # Participant: answering, question prompt
        t.gettext("<b>Question {number} of {total}</b>").format(
            number=question + 1, total=len(seminar.questions)
        ),
        f"<i>{esc(question_text(t, seminar, question))}</i>",
        # Participant: answering, question prompt
        t.gettext(
            "Write one short note per message (at most {limit} characters). You can send "
            "as many notes as you like."
        ).format(limit=t.number(limit)),
    ]
    if deadline is not None:
        parts.append(round_deadline(t, deadline))
    text = "\n\n".join(parts)
    return Screen(text, (_answer_keys(t, seminar, question),))


def note_saved(t: Translator, seminar: Seminar, note: Note, edited: bool, count: int) -> Screen:
    if edited:
        # Participant: answering, note saved
        head = t.gettext("Changed ✓ Your note now reads:")
    else:
        # Participant: answering, note saved
        head = t.ngettext(
            "Saved ✓ That is your first note for question {number}.",
            "Saved ✓ That is note {count} for question {number}.",
            count,
        ).format(count=count, number=note.question + 1)
    text = f"{head}\n<blockquote>{esc(note.text)}</blockquote>"
    return Screen(
        text,
        (
            (
                # Participant: answering, note saved
                key(t.pgettext("button", "✏️ Edit"), Action.EDIT_NOTE, note.id),
                # Participant: answering, note saved
                key(t.pgettext("button", "🗑 Delete"), Action.DELETE_NOTE, note.id),
            ),
            _answer_keys(t, seminar, note.question),
        ),
    )


def note_too_long(t: Translator, length: int, limit: int) -> Screen:
    return Screen(
        # Participant: answering, note too long
        t.gettext(
            "That is a bit long for one note: {length} characters, and a note holds at most "
            "{limit}. Nothing was saved. Could you split it into two or more shorter messages? "
            "Your text is still there above, so you can copy it."
        ).format(length=t.number(length), limit=t.number(limit))
    )


def empty_note(t: Translator) -> Screen:
    # Participant: answering, empty note
    return Screen(t.gettext("That message was empty. Please write your note as text."))


def note_limit_reached(t: Translator, limit: int) -> Screen:
    return Screen(
        # Participant: answering, note limit reached
        t.ngettext(
            "Thank you! You have written {count} note for this question, and that is as many as "
            "one person can write. Nothing new was saved. You can change a note with /notes, or "
            "go on to the next question.",
            "Thank you! You have written {count} notes for this question, and that is as many as "
            "one person can write. Nothing new was saved. You can change a note with /notes, or "
            "go on to the next question.",
            limit,
        ).format(count=t.number(limit))
    )


def _detail_name(t: Translator, detail: PersonalDetail) -> str:
    names = {
        # Participant: answering, detail name
        PersonalDetail.PHONE: t.gettext("a phone number"),
        # Participant: answering, detail name
        PersonalDetail.EMAIL: t.gettext("an e-mail address"),
        # Participant: answering, detail name
        PersonalDetail.NATIONAL_ID: t.gettext("a national identity number"),
        # Participant: answering, detail name
        PersonalDetail.BANK_ACCOUNT: t.gettext("a bank account number"),
        # Participant: answering, detail name
        PersonalDetail.LINK: t.gettext("a link"),
        # Participant: answering, detail name
        PersonalDetail.USERNAME: t.gettext("a @username"),
    }
    return names[detail]


# The buttons that keep or drop each kind of held text.
_HELD_ACTIONS = {
    HeldText.NOTE: (Action.KEEP_DRAFT, Action.DROP_DRAFT),
    HeldText.PAPER_NOTE: (Action.KEEP_PAPER_NOTE, Action.DROP_PAPER_NOTE),
    HeldText.THEME: (Action.KEEP_THEME, Action.DROP_THEME),
    HeldText.READ_BACK: (Action.KEEP_READBACK, Action.DROP_READBACK),
    HeldText.QUESTION: (Action.KEEP_QUESTION, Action.DROP_QUESTION),
}


def _held_found(t: Translator, held: HeldText) -> str:
    match held:
        case HeldText.NOTE:
            # Participant: answering, held found
            return t.gettext(
                "Your note seems to contain {details}. Notes should not reveal who anybody is. "
                "The note has not been saved and nobody has seen it."
            )
        case HeldText.PAPER_NOTE:
            return t.gettext(
                "This paper note seems to contain {details}. Notes should not reveal who "
                "anybody is. The note has not been saved and nobody else has seen it."
            )
        case HeldText.THEME:
            # Participant: answering, held found
            return t.gettext(
                "Your theme name seems to contain {details}. Themes should not reveal who "
                "anybody is. The theme has not been saved and nobody else has seen it."
            )
        case HeldText.READ_BACK:
            # Participant: answering, held found
            return t.gettext(
                "Your answer seems to contain {details}. Answers should not reveal who "
                "anybody is. The answer has not been saved and nobody has seen it."
            )
        case HeldText.QUESTION:
            # Participant: answering, held found
            return t.gettext(
                "Your question seems to contain {details}. Questions to the moderators should "
                "not reveal who anybody is. It has not been sent and nobody has seen it."
            )


def personal_data(t: Translator, found: PersonalDataFound) -> Screen:
    """The question before a text with a personal detail is saved, with keep and drop."""
    details = ", ".join(_detail_name(t, d) for d in sorted(found.details))
    body = _held_found(t, found.held).format(details=details)
    # Participant: answering, personal data
    hint = t.gettext(
        "Send it again without that detail, or keep it as written if it identifies nobody."
    )
    keep, drop = _HELD_ACTIONS[found.held]
    return Screen(
        f"{body}\n<blockquote>{esc(found.text)}</blockquote>\n{hint}",
        (
            (
                # Participant: answering, personal data
                key(t.pgettext("button", "Keep as written"), keep, found.seminar.id),
                # Participant: answering, personal data
                key(t.pgettext("button", "Delete it"), drop, found.seminar.id),
            ),
        ),
    )


def held_dropped(t: Translator, held: HeldText) -> Screen:
    match held:
        case HeldText.NOTE:
            # Participant: answering, held dropped
            return Screen(t.gettext("Deleted. Nothing was saved. You can write a new note."))
        case HeldText.PAPER_NOTE:
            return Screen(
                t.gettext("Deleted. Nothing was saved. You can type in the next paper note.")
            )
        case HeldText.THEME:
            # Participant: answering, held dropped
            return Screen(t.gettext("Deleted. Nothing was saved. You can send another theme name."))
        case HeldText.READ_BACK:
            return Screen(
                # Participant: answering, held dropped
                t.gettext("Deleted. Nothing was saved. You can write again what is missing.")
            )
        case HeldText.QUESTION:
            return Screen(
                # Participant: answering, held dropped
                t.gettext("Deleted. Nothing was sent. You can write your question again.")
            )


def small_talk(t: Translator, held: answering.SmallTalkHeld) -> Screen:
    """The question before a greeting, thanks or question to the bot becomes a note."""
    return Screen(
        # Participant: answering, small talk
        t.gettext("This looks like a greeting, not an answer. Save it as a note?")
        + f"\n<blockquote>{esc(held.text)}</blockquote>",
        (
            (
                # Participant: answering, small talk
                key(t.pgettext("button", "Save as a note"), Action.KEEP_DRAFT, held.seminar.id),
                # Participant: answering, small talk
                key(t.pgettext("button", "Don't save"), Action.DROP_DRAFT, held.seminar.id),
            ),
            (
                key(
                    # Participant: answering, small talk
                    t.pgettext("button", "Ask the moderators"),
                    Action.ASK_MODERATORS,
                    held.seminar.id,
                ),
            ),
        ),
    )


def draft_dropped(t: Translator) -> Screen:
    return held_dropped(t, HeldText.NOTE)


def nothing_pending(t: Translator) -> Screen:
    # Participant: answering, nothing pending
    return Screen(t.gettext("There is nothing waiting for this button any more."))


def round_not_open(t: Translator, seminar: Seminar) -> Screen:
    if not seminar.notes_released:  # the round has not run yet
        return Screen(
            # Participant: answering, round not open
            t.gettext(
                "The answer round of <b>{title}</b> has not started yet. You will get the "
                "first question here when it opens."
            ).format(title=esc(seminar.title))
        )
    return Screen(
        # Participant: answering, round not open
        t.gettext(
            "The answer round of <b>{title}</b> is closed, so notes can no longer be added or "
            "changed. Your notes are safe as they were."
        ).format(title=esc(seminar.title))
    )


def note_gone(t: Translator) -> Screen:
    # Participant: answering, note gone
    return Screen(t.gettext("That note no longer exists, so there is nothing to change."))


def ask_edit(t: Translator, seminar: Seminar, note: Note) -> Screen:
    return Screen(
        # Participant: answering, ask edit
        t.gettext("Send the new text for this note:")
        + f"\n<blockquote>{note_text(t, note)}</blockquote>",
        # Participant: answering, ask edit
        ((key(t.pgettext("button", "Cancel"), Action.CANCEL_EDIT, seminar.id),),),
    )


def edit_cancelled(t: Translator) -> Screen:
    # Participant: answering, edit cancelled
    return Screen(t.gettext("Fine, the note stays as it was."))


def note_deleted(t: Translator) -> Screen:
    # Participant: answering, note deleted
    return Screen(t.gettext("Deleted 🗑"))


def finished(t: Translator, count: int) -> Screen:
    return Screen(
        # Participant: answering, finished
        t.ngettext(
            "Thank you! You wrote {count} note. You can add more or change them with /notes "
            "until the round closes.",
            "Thank you! You wrote {count} notes. You can add more or change them with /notes "
            "until the round closes.",
            count,
        ).format(count=t.number(count))
    )


def my_notes(
    t: Translator, seminar: Seminar, notes: Sequence[Note], editable: bool
) -> list[Screen]:
    """The writer's own notes, numbered, with edit and delete buttons while the round is open."""
    if not notes:
        return [
            Screen(
                # Participant: answering, my notes
                t.gettext("You have not written any notes in <b>{title}</b> yet.").format(
                    title=esc(seminar.title)
                )
            )
        ]
    # Participant: answering, my notes
    head = t.gettext("<b>Your notes in {title}</b>").format(title=esc(seminar.title))
    if not editable:
        # Participant: answering, my notes
        head += "\n" + t.gettext("The answer round is closed, so they can no longer be changed.")
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for number, note in enumerate(notes, start=1):
        # Participant: answering, my notes
        line = t.gettext("{number}. (question {question}) {text}").format(
            number=number, question=note.question + 1, text=note_text(t, note)
        )
        if note.hidden:
            # Participant: answering, my notes
            line += " " + t.gettext("(hidden by a moderator)")
        keys: tuple[Key, ...] = ()
        if editable and not note.hidden:
            # Participant: a button that edits note number {number} of the list
            edit = t.pgettext("button", "✏️ Edit note {number}").format(number=number)
            # Participant: a button that deletes note number {number} of the list
            delete = t.pgettext("button", "🗑 Delete note {number}").format(number=number)
            keys = (
                key(edit, Action.EDIT_NOTE, note.id),
                key(delete, Action.DELETE_NOTE, note.id),
            )
        blocks.append((line, keys))
    # One note's two buttons to a row: each row reads «Endre lapp 3», «Slett lapp 3».
    return paginate(head, blocks, keys_per_row=2)


def hide_ask(t: Translator, note: Note) -> Screen:
    return Screen(
        t.gettext(
            "Hide this note? It will not be shown anywhere or used in the report, and its "
            "writer will be told that it was hidden because it could identify somebody."
        )
        + f"\n<blockquote>{note_text(t, note)}</blockquote>",
        (
            (
                key(t.pgettext("button", "Hide the note"), Action.HIDE_CONFIRM, note.id),
                key(t.pgettext("button", "Cancel"), Action.HIDE_CANCEL, note.id),
            ),
        ),
    )


def note_hidden(t: Translator, note: Note, already: bool) -> Screen:
    """The note is hidden, with the way back until the groups get their notes."""
    undo = ((key(t.pgettext("button", "Show the note again"), Action.UNHIDE_NOTE, note.id),),)
    if already:
        return Screen(t.gettext("That note was already hidden."), undo)
    return Screen(t.gettext("The note is hidden."), undo)


def note_shown_again(t: Translator, already: bool) -> Screen:
    if already:
        return Screen(t.gettext("That note was already shown."))
    return Screen(t.gettext("The note is shown again."))


def note_shown_again_for_writer(t: Translator, seminar: Seminar, note: Note) -> Screen:
    return Screen(
        # Participant: answering, note shown again for writer
        t.gettext(
            "A moderator of <b>{title}</b> shows your note again, which was hidden a moment ago:"
        ).format(title=esc(seminar.title))
        + f"\n<blockquote>{note_text(t, note)}</blockquote>"
    )


def hide_cancelled(t: Translator) -> Screen:
    return Screen(t.gettext("Fine, the note stays visible."))


def note_hidden_for_writer(t: Translator, seminar: Seminar, note: Note) -> Screen:
    return Screen(
        # Participant: answering, note hidden for writer
        t.gettext(
            "A moderator of <b>{title}</b> hid one of your notes because it could identify "
            "somebody. It will not be shown to anyone:"
        ).format(title=esc(seminar.title))
        + f"\n<blockquote>{note_text(t, note)}</blockquote>"
    )


AnsweringOutcome = (
    answering.TextOutcome
    | answering.NothingPending
    | answering.QuestionPrompt
    | answering.Finished
    | answering.AskEdit
    | answering.EditCancelled
    | answering.NoteDeleted
    | answering.DraftDropped
)


def answering_screen(t: Translator, outcome: AnsweringOutcome, limit: int) -> Screen:
    """What a writer sees after any step of answering."""
    match outcome:
        case answering.NoteSaved(seminar=seminar, note=note, edited=edited, notes_for_question=n):
            return note_saved(t, seminar, note, edited, n)
        case answering.NoteTooLong(length=length, limit=max_length):
            return note_too_long(t, length, max_length)
        case answering.EmptyNote():
            return empty_note(t)
        case answering.NoteLimitReached(limit=count):
            return note_limit_reached(t, count)
        case answering.PersonalDataFound():
            return personal_data(t, outcome)
        case answering.SmallTalkHeld():
            return small_talk(t, outcome)
        case answering.NothingPending():
            return nothing_pending(t)
        case answering.QuestionPrompt(seminar=seminar, question=question, deadline=deadline):
            return question_prompt(t, seminar, question, limit, deadline)
        case answering.Finished(notes=count):
            return finished(t, count)
        case answering.AskEdit(seminar=seminar, note=note):
            return ask_edit(t, seminar, note)
        case answering.EditCancelled():
            return edit_cancelled(t)
        case answering.NoteDeleted():
            return note_deleted(t)
        case answering.DraftDropped():
            return draft_dropped(t)
