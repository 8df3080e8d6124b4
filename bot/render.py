"""Pure rendering: domain outcomes and a Translator in, HTML text and abstract buttons out.

Every user-facing string of the bot is here, in English msgids for gettext, and every piece
of user text passes through ``esc``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.callbacks import Action, Button
from bot.domain import Note, Phase, Seminar
from bot.flows import answering, setup
from bot.flows.deps import NoSeminar, NotModerator
from bot.flows.personal_data import PersonalDetail
from bot.i18n import LANGUAGES, Translator
from bot.store import NoteCounts

__all__ = ["TEXT_LIMIT", "Key", "Screen", "esc"]

# Telegram's limit is 4096 characters after entity parsing; raw HTML is never shorter.
TEXT_LIMIT = 4096


def esc(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass(frozen=True, slots=True)
class Key:
    label: str
    button: Button | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Screen:
    text: str
    keys: tuple[tuple[Key, ...], ...] = ()


def _key(label: str, action: Action, *args: int) -> Key:
    return Key(label, Button(action, args))


def _lang_index(language: str) -> int:
    return LANGUAGES.index(language)


def join_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def phase_name(t: Translator, phase: Phase) -> str:
    names = {
        Phase.DRAFT: t.pgettext("phase", "not started"),
        Phase.ANSWERING: t.pgettext("phase", "answer round"),
        Phase.GROUPING: t.pgettext("phase", "answer round closed"),
        Phase.VOTING: t.pgettext("phase", "voting into themes"),
        Phase.PLENARY: t.pgettext("phase", "plenary"),
        Phase.CLOSED: t.pgettext("phase", "closed"),
    }
    return names[phase]


# -- joining ------------------------------------------------------------------------------


def welcome(t: Translator, seminar: Seminar, retention_days: int) -> Screen:
    text = "\n\n".join(
        (
            t.gettext("Welcome to the dialogue seminar <b>{title}</b>.").format(
                title=esc(seminar.title)
            ),
            t.gettext(
                "Here we collect <b>good experiences</b> with the public support services: "
                "what helped you, and why. What worked is what can be built on."
            ),
            t.gettext(
                "<b>How it works.</b> You answer a few questions here in this chat, one short "
                "note per message. Later, small groups sort the notes into themes, and everyone "
                "sees the themes together."
            ),
            t.gettext(
                "<b>Anonymous.</b> Nobody, not even the moderators, sees who wrote a note. "
                "Please do not write names, phone numbers or other details that could "
                "identify you or others."
            ),
            t.gettext(
                "<b>What is stored.</b> If you agree, the bot stores your notes, your language "
                "and that you take part in this seminar. Your notes are kept apart from who you "
                "are. Everything is deleted {days} days after the seminar ends."
            ).format(days=t.number(retention_days)),
            t.gettext(
                "<b>Ground rules.</b> What is said here stays here. Be respectful. You choose "
                "what you want to share."
            ),
            t.gettext(
                "<b>Leaving.</b> You can withdraw at any time with /forget: your notes and "
                "everything about you in this seminar are deleted."
            ),
            t.gettext("Nothing about you is stored until you press «I agree»."),
        )
    )
    lang = _lang_index(t.language)
    return Screen(
        text,
        (
            (
                _key(
                    t.pgettext("button", "✅ I agree, let me take part"),
                    Action.CONSENT,
                    seminar.id,
                    lang,
                ),
            ),
            (_key(t.pgettext("button", "No, thanks"), Action.DECLINE, seminar.id),),
            tuple(
                _key(Translator.language_name(code), Action.WELCOME_LANGUAGE, seminar.id, i)
                for i, code in enumerate(LANGUAGES)
            ),
        ),
    )


def declined(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "That is fine. Nothing about you has been stored. If you change your mind, open "
            "the invitation link again."
        )
    )


def invalid_invite(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "This invitation link does not work. It may have been replaced by a newer one. "
            "Please ask the moderator for the current link."
        )
    )


def seminar_ended(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("The seminar <b>{title}</b> has ended. Thank you for your interest!").format(
            title=esc(seminar.title)
        )
    )


def already_joined(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("You are already taking part in <b>{title}</b>. Welcome back!").format(
            title=esc(seminar.title)
        )
    )


def joined(t: Translator, seminar: Seminar) -> Screen:
    if seminar.phase is Phase.ANSWERING:
        return Screen(t.gettext("Thank you for joining! Here is the first question."))
    if seminar.phase is Phase.DRAFT:
        return Screen(
            t.gettext(
                "Thank you for joining <b>{title}</b>! You will get the first question here "
                "when the moderator opens the answer round."
            ).format(title=esc(seminar.title))
        )
    return Screen(
        t.gettext(
            "Thank you for joining <b>{title}</b>! The answer round is closed now; you will "
            "hear from me when the seminar moves on."
        ).format(title=esc(seminar.title))
    )


def language_menu(t: Translator) -> Screen:
    return Screen(
        t.gettext("Which language would you like me to use?"),
        (
            tuple(
                _key(Translator.language_name(code), Action.SET_LANGUAGE, i)
                for i, code in enumerate(LANGUAGES)
            ),
        ),
    )


def language_set(t: Translator) -> Screen:
    return Screen(t.gettext("I will write to you in English from now on."))


def privacy(t: Translator, retention_days: int) -> Screen:
    text = "\n\n".join(
        (
            t.gettext("<b>Privacy</b>"),
            t.gettext(
                "The bot stores your notes, the language you chose, and which seminars you take "
                "part in. It does not store your name, your username or your phone number."
            ),
            t.gettext(
                "Your notes are stored under a code that only the running bot can compute from a "
                "secret key kept outside the database. The database alone cannot tell who wrote "
                "a note, and nobody, moderators included, is ever shown who wrote what."
            ),
            t.gettext(
                "Notes are shown to moderators and, later, to the group that sorts them, always "
                "without names and in mixed order. The report contains no names."
            ),
            t.gettext(
                "A seminar and everything in it is deleted {days} days after it closes."
            ).format(days=t.number(retention_days)),
            t.gettext(
                "You can withdraw at any time: /forget deletes your notes and everything about "
                "you in the seminar."
            ),
        )
    )
    return Screen(text)


def help_text(t: Translator, moderator: bool) -> Screen:
    lines = [
        t.gettext("<b>What I can do</b>"),
        t.gettext("Answer the questions by writing a message: each message is one note."),
        "",
        t.gettext("/notes – see, edit or delete your notes"),
        t.gettext("/language – choose a language"),
        t.gettext("/privacy – what is stored, and for how long"),
        t.gettext("/forget – leave the seminar and delete your notes"),
        t.gettext("/help – this help"),
    ]
    if moderator:
        lines += [
            "",
            t.gettext("<b>For moderators</b>"),
            t.gettext("/new – create a seminar"),
            t.gettext("/invite – the join link and QR code"),
            t.gettext("/open – open the answer round"),
            t.gettext("/close – close the answer round and get the summary"),
        ]
    else:
        lines += ["", t.gettext("To run a seminar yourself, use /new.")]
    return Screen("\n".join(lines))


def forget_ask(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "Do you want to leave <b>{title}</b>? Your notes and everything about you in this "
            "seminar will be deleted. This cannot be undone."
        ).format(title=esc(seminar.title)),
        (
            (
                _key(t.pgettext("button", "Yes, delete everything"), Action.FORGET, seminar.id),
                _key(t.pgettext("button", "No, stay"), Action.FORGET_CANCEL, seminar.id),
            ),
        ),
    )


def forgotten(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "Done. Your notes and everything about you in <b>{title}</b> have been deleted. "
            "Thank you for your time."
        ).format(title=esc(seminar.title))
    )


def forget_kept(t: Translator) -> Screen:
    return Screen(t.gettext("Good, nothing was deleted."))


def moderator_cannot_forget(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "You are a moderator of <b>{title}</b>, so you cannot leave it with /forget."
        ).format(title=esc(seminar.title))
    )


# -- answering ----------------------------------------------------------------------------


def _answer_keys(t: Translator, seminar: Seminar, question: int) -> tuple[Key, ...]:
    if question + 1 < len(seminar.questions):
        return (
            _key(
                t.pgettext("button", "Next question ▶"),
                Action.NEXT_QUESTION,
                seminar.id,
                question + 1,
            ),
        )
    return (_key(t.pgettext("button", "I am done ✓"), Action.DONE, seminar.id),)


def question_prompt(t: Translator, seminar: Seminar, question: int, limit: int) -> Screen:
    text = "\n\n".join(
        (
            t.gettext("<b>Question {number} of {total}</b>").format(
                number=question + 1, total=len(seminar.questions)
            ),
            f"<i>{esc(seminar.questions[question])}</i>",
            t.gettext(
                "Write one short note per message (at most {limit} characters). You can send "
                "as many notes as you like."
            ).format(limit=t.number(limit)),
        )
    )
    return Screen(text, (_answer_keys(t, seminar, question),))


def note_saved(t: Translator, seminar: Seminar, note: Note, edited: bool, count: int) -> Screen:
    if edited:
        head = t.gettext("Changed ✓ Your note now reads:")
    else:
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
                _key(t.pgettext("button", "✏️ Edit"), Action.EDIT_NOTE, note.id),
                _key(t.pgettext("button", "🗑 Delete"), Action.DELETE_NOTE, note.id),
            ),
            _answer_keys(t, seminar, note.question),
        ),
    )


def note_too_long(t: Translator, length: int, limit: int) -> Screen:
    return Screen(
        t.gettext(
            "That is a bit long for one note: {length} characters, and a note holds at most "
            "{limit}. Nothing was saved. Could you split it into two or more shorter messages? "
            "Your text is still there above, so you can copy it."
        ).format(length=t.number(length), limit=t.number(limit))
    )


def empty_note(t: Translator) -> Screen:
    return Screen(t.gettext("That message was empty. Please write your note as text."))


def _detail_name(t: Translator, detail: PersonalDetail) -> str:
    names = {
        PersonalDetail.PHONE: t.gettext("a phone number"),
        PersonalDetail.EMAIL: t.gettext("an e-mail address"),
        PersonalDetail.NATIONAL_ID: t.gettext("a national identity number"),
        PersonalDetail.LINK: t.gettext("a link"),
        PersonalDetail.USERNAME: t.gettext("a @username"),
    }
    return names[detail]


def personal_data(
    t: Translator, seminar: Seminar, details: frozenset[PersonalDetail], text: str
) -> Screen:
    found = ", ".join(_detail_name(t, d) for d in sorted(details))
    body = t.gettext(
        "Your note seems to contain {details}. Notes should not reveal who anybody is. "
        "The note has not been saved and nobody has seen it."
    ).format(details=found)
    hint = t.gettext(
        "Send it again without that detail, or keep it as written if it identifies nobody."
    )
    return Screen(
        f"{body}\n<blockquote>{esc(text)}</blockquote>\n{hint}",
        (
            (
                _key(t.pgettext("button", "Keep as written"), Action.KEEP_DRAFT, seminar.id),
                _key(t.pgettext("button", "Delete it"), Action.DROP_DRAFT, seminar.id),
            ),
        ),
    )


def draft_dropped(t: Translator) -> Screen:
    return Screen(t.gettext("Deleted. Nothing was saved. You can write a new note."))


def nothing_pending(t: Translator) -> Screen:
    return Screen(t.gettext("There is nothing waiting for this button any more."))


def round_not_open(t: Translator, seminar: Seminar) -> Screen:
    if seminar.phase is Phase.DRAFT:
        return Screen(
            t.gettext(
                "The answer round of <b>{title}</b> has not started yet. You will get the "
                "first question here when it opens."
            ).format(title=esc(seminar.title))
        )
    return Screen(
        t.gettext(
            "The answer round of <b>{title}</b> is closed, so notes can no longer be added or "
            "changed. Your notes are safe as they were."
        ).format(title=esc(seminar.title))
    )


def not_joined(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "You are not taking part in a seminar yet. To join, open the invitation link you "
            "got from the moderator. To run a seminar yourself, use /new."
        )
    )


def note_gone(t: Translator) -> Screen:
    return Screen(t.gettext("That note no longer exists, so there is nothing to change."))


def ask_edit(t: Translator, seminar: Seminar, note: Note) -> Screen:
    return Screen(
        t.gettext("Send the new text for this note:")
        + f"\n<blockquote>{esc(note.text)}</blockquote>",
        ((_key(t.pgettext("button", "Cancel"), Action.CANCEL_EDIT, seminar.id),),),
    )


def edit_cancelled(t: Translator) -> Screen:
    return Screen(t.gettext("Fine, the note stays as it was."))


def note_deleted(t: Translator) -> Screen:
    return Screen(t.gettext("Deleted 🗑"))


def finished(t: Translator, count: int) -> Screen:
    return Screen(
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
                t.gettext("You have not written any notes in <b>{title}</b> yet.").format(
                    title=esc(seminar.title)
                )
            )
        ]
    head = t.gettext("<b>Your notes in {title}</b>").format(title=esc(seminar.title))
    if not editable:
        head += "\n" + t.gettext("The answer round is closed, so they can no longer be changed.")
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for number, note in enumerate(notes, start=1):
        line = t.gettext("{number}. (question {question}) {text}").format(
            number=number, question=note.question + 1, text=esc(note.text)
        )
        if note.hidden:
            line += " " + t.gettext("(hidden by a moderator)")
        keys: tuple[Key, ...] = ()
        if editable and not note.hidden:
            keys = (
                _key(f"✏️ {number}", Action.EDIT_NOTE, note.id),
                _key(f"🗑 {number}", Action.DELETE_NOTE, note.id),
            )
        blocks.append((line, keys))
    return paginate(head, blocks, keys_per_row=4)


def paginate(
    head: str, blocks: Sequence[tuple[str, tuple[Key, ...]]], keys_per_row: int = 4
) -> list[Screen]:
    """Splits blocks over as many messages as Telegram's length and button limits need."""
    screens: list[Screen] = []
    text: str = head
    keys: list[Key] = []
    for line, block_keys in blocks:
        if len(text) + 1 + len(line) > TEXT_LIMIT or len(keys) + len(block_keys) > 96:
            screens.append(_screen(text, keys, keys_per_row))
            text, keys = "", []
        text = f"{text}\n{line}" if text else line
        keys.extend(block_keys)
    screens.append(_screen(text, keys, keys_per_row))
    return screens


def _screen(text: str, keys: list[Key], per_row: int) -> Screen:
    rows = tuple(tuple(keys[i : i + per_row]) for i in range(0, len(keys), per_row))
    return Screen(text, rows)


# -- odd input ----------------------------------------------------------------------------


def text_only(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "I can only save text. Please write your note as a message; pictures, stickers, "
            "voice messages and files are not saved."
        )
    )


def forwarded(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "That was a forwarded message, so I did not save it. Please write your note in "
            "your own words."
        )
    )


def unknown_command(t: Translator) -> Screen:
    return Screen(t.gettext("I do not know that command. /help shows what I can do."))


def private_only(t: Translator, bot_username: str) -> Screen:
    return Screen(
        t.gettext(
            "I work in private chats, so that answers stay anonymous. Write to me at @{bot}."
        ).format(bot=esc(bot_username))
    )


def expired_button(t: Translator) -> str:
    return t.gettext("This button has expired. Please use the newest message.")


def invalid_button(t: Translator) -> str:
    return t.gettext("This button is not valid.")


def saved_toast(t: Translator) -> str:
    return t.gettext("Done")


# -- moderators ---------------------------------------------------------------------------


def no_seminar(t: Translator) -> Screen:
    return Screen(t.gettext("You have no seminar yet. Create one with /new."))


def not_moderator(t: Translator) -> Screen:
    return Screen(t.gettext("Only the seminar's moderators can do that."))


def wrong_phase(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("That is not possible now: <b>{title}</b> is at the step «{phase}».").format(
            title=esc(seminar.title), phase=phase_name(t, seminar.phase)
        )
    )


def ask_title(t: Translator) -> Screen:
    return Screen(
        t.gettext("Let us create a seminar. What is its title? (Send it as a message.)"),
        ((_key(t.pgettext("button", "Cancel"), Action.SETUP_CANCEL),),),
    )


def ask_seminar_language(t: Translator, title: str) -> Screen:
    return Screen(
        t.gettext(
            "Title: <b>{title}</b>\nWhich language should the seminar's questions and shared "
            "messages use? Everyone still gets the bot's own messages in their own language."
        ).format(title=esc(title)),
        (
            tuple(
                _key(Translator.language_name(code), Action.SETUP_LANGUAGE, i)
                for i, code in enumerate(LANGUAGES)
            ),
            (_key(t.pgettext("button", "Cancel"), Action.SETUP_CANCEL),),
        ),
    )


def ask_questions(t: Translator, questions: Sequence[str]) -> Screen:
    listed = "\n".join(f"{i}. <i>{esc(q)}</i>" for i, q in enumerate(questions, start=1))
    return Screen(
        t.gettext("The dialogue seminar's two questions are:")
        + f"\n{listed}\n\n"
        + t.gettext("Use these, or write your own (one to five)?"),
        (
            (_key(t.pgettext("button", "Use these questions"), Action.SETUP_DEFAULT_QUESTIONS),),
            (_key(t.pgettext("button", "Write my own"), Action.SETUP_CUSTOM_QUESTIONS),),
            (_key(t.pgettext("button", "Cancel"), Action.SETUP_CANCEL),),
        ),
    )


def ask_custom_question(t: Translator, number: int, written: Sequence[str]) -> Screen:
    text = t.gettext("Send question {number} as a message.").format(number=number)
    keys: list[tuple[Key, ...]] = []
    if written:
        listed = "\n".join(f"{i}. <i>{esc(q)}</i>" for i, q in enumerate(written, start=1))
        text = f"{listed}\n\n{text} " + t.gettext("Or press «Done» if these are all.")
        keys.append((_key(t.pgettext("button", "Done"), Action.SETUP_QUESTIONS_DONE),))
    keys.append((_key(t.pgettext("button", "Cancel"), Action.SETUP_CANCEL),))
    return Screen(text, tuple(keys))


def invalid_setup_text(t: Translator, reason: str, limit: int) -> Screen:
    if reason == "too_long":
        return Screen(
            t.gettext("That is too long: at most {limit} characters, please.").format(
                limit=t.number(limit)
            )
        )
    if reason == "need_one":
        return Screen(t.gettext("A seminar needs at least one question. Please send one."))
    return Screen(t.gettext("That was empty. Please write some text."))


def setup_cancelled(t: Translator) -> Screen:
    return Screen(t.gettext("Cancelled. Nothing was created."))


def seminar_created(t: Translator, seminar: Seminar, link: str) -> Screen:
    text = "\n\n".join(
        (
            t.gettext("The seminar <b>{title}</b> is ready.").format(title=esc(seminar.title)),
            t.gettext("Share this link with the participants:") + f"\n{esc(link)}",
            t.gettext(
                "/invite shows the link again with a QR code. When people have joined, open the "
                "answer round with /open or the button below."
            ),
        )
    )
    return Screen(
        text,
        ((_key(t.pgettext("button", "Open the answer round"), Action.OPEN_ROUND, seminar.id),),),
    )


def invite(t: Translator, seminar: Seminar, link: str, renewed: bool) -> Screen:
    lines = []
    if renewed:
        lines.append(t.gettext("New link made. The old link no longer works."))
    lines += [
        t.gettext("Join link for <b>{title}</b>:").format(title=esc(seminar.title)),
        esc(link),
        t.gettext("Show the QR code on the screen or print it on the invitations."),
    ]
    return Screen(
        "\n".join(lines),
        (
            (
                _key(
                    t.pgettext("button", "Make a new link (the old one stops working)"),
                    Action.NEW_INVITE,
                    seminar.id,
                ),
            ),
        ),
    )


def qr_caption(t: Translator, seminar: Seminar) -> str:
    return t.gettext("Scan to join «{title}»").format(title=esc(seminar.title))


def round_opened_moderator(t: Translator, seminar: Seminar, participants: int) -> Screen:
    return Screen(
        t.ngettext(
            "The answer round of <b>{title}</b> is open. The first question went to {count} "
            "participant.",
            "The answer round of <b>{title}</b> is open. The first question went to {count} "
            "participants.",
            participants,
        ).format(title=esc(seminar.title), count=t.number(participants)),
        ((_key(t.pgettext("button", "Close the answer round"), Action.CLOSE_ROUND, seminar.id),),),
    )


def round_opened_participant(t: Translator, seminar: Seminar, reopened: bool) -> Screen:
    if reopened:
        return Screen(
            t.gettext(
                "The answer round of <b>{title}</b> is open again. You can add notes and "
                "change your own with /notes."
            ).format(title=esc(seminar.title))
        )
    return Screen(
        t.gettext("The answer round of <b>{title}</b> has started!").format(
            title=esc(seminar.title)
        )
    )


def round_closed_participant(t: Translator, seminar: Seminar, counts: NoteCounts) -> Screen:
    lines = [
        t.gettext("The answer round of <b>{title}</b> is closed. Thank you!").format(
            title=esc(seminar.title)
        ),
        t.ngettext(
            "Together you wrote {count} note:",
            "Together you wrote {count} notes:",
            counts.total,
        ).format(count=t.number(counts.total)),
    ]
    for index, count in enumerate(counts.per_question):
        lines.append(
            t.ngettext(
                "question {number}: {count} note",
                "question {number}: {count} notes",
                count,
            ).format(number=index + 1, count=t.number(count))
        )
    lines.append(
        t.gettext("Next, the notes go to the group work, without names. I will let you know.")
    )
    return Screen("\n".join(lines))


def round_summary(
    t: Translator,
    seminar: Seminar,
    counts: NoteCounts,
    notes: Sequence[Note],
    closed: tuple[datetime, str],
) -> list[Screen]:
    """For moderators: counts and every note, shuffled, no author, each with a hide button."""
    moment, zone = closed
    head_lines = [
        t.gettext("<b>Summary of the answer round: {title}</b>").format(title=esc(seminar.title)),
        t.gettext("Closed {when}.").format(when=t.datetime(moment, zone)),
        t.ngettext(
            "{count} participant wrote notes.",
            "{count} participants wrote notes.",
            counts.writers,
        ).format(count=t.number(counts.writers)),
    ]
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    number = 0
    for index, question in enumerate(seminar.questions):
        in_question = [n for n in notes if n.question == index]
        heading = t.ngettext(
            "<b>Question {number}</b> ({count} note): <i>{question}</i>",
            "<b>Question {number}</b> ({count} notes): <i>{question}</i>",
            counts.per_question[index],
        ).format(
            number=index + 1,
            count=t.number(counts.per_question[index]),
            question=esc(question),
        )
        blocks.append(("\n" + heading, ()))
        for note in in_question:
            number += 1
            blocks.append(
                (
                    f"{number}. {esc(note.text)}",
                    (
                        _key(
                            t.pgettext("button", "Hide {number}").format(number=number),
                            Action.HIDE_ASK,
                            note.id,
                        ),
                    ),
                )
            )
    if number:
        blocks.append(
            ("\n" + t.gettext("If a note identifies somebody, press its «Hide» button."), ())
        )
    return paginate("\n".join(head_lines), blocks, keys_per_row=4)


def hide_ask(t: Translator, note: Note) -> Screen:
    return Screen(
        t.gettext(
            "Hide this note? It will not be shown anywhere or used in the report, and its "
            "writer will be told that it was hidden because it could identify somebody."
        )
        + f"\n<blockquote>{esc(note.text)}</blockquote>",
        (
            (
                _key(t.pgettext("button", "Hide the note"), Action.HIDE_CONFIRM, note.id),
                _key(t.pgettext("button", "Cancel"), Action.HIDE_CANCEL, note.id),
            ),
        ),
    )


def note_hidden(t: Translator, already: bool) -> Screen:
    if already:
        return Screen(t.gettext("That note was already hidden."))
    return Screen(t.gettext("The note is hidden."))


def hide_cancelled(t: Translator) -> Screen:
    return Screen(t.gettext("Fine, the note stays visible."))


def note_hidden_for_writer(t: Translator, seminar: Seminar, note: Note) -> Screen:
    return Screen(
        t.gettext(
            "A moderator of <b>{title}</b> hid one of your notes because it could identify "
            "somebody. It will not be shown to anyone:"
        ).format(title=esc(seminar.title))
        + f"\n<blockquote>{esc(note.text)}</blockquote>"
    )


# -- outcomes -----------------------------------------------------------------------------

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
        case answering.PersonalDataFound(seminar=seminar, details=details, text=text):
            return personal_data(t, seminar, details, text)
        case answering.RoundNotOpen(seminar=seminar):
            return round_not_open(t, seminar)
        case answering.NotJoined():
            return not_joined(t)
        case answering.NoteGone():
            return note_gone(t)
        case answering.NothingPending():
            return nothing_pending(t)
        case answering.QuestionPrompt(seminar=seminar, question=question):
            return question_prompt(t, seminar, question, limit)
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


def refusal(t: Translator, outcome: NoSeminar | NotModerator | setup.WrongPhase) -> Screen:
    """Why a moderator's command did nothing."""
    match outcome:
        case NoSeminar():
            return no_seminar(t)
        case NotModerator():
            return not_moderator(t)
        case setup.WrongPhase(seminar=seminar):
            return wrong_phase(t, seminar)
