"""Pure rendering: domain outcomes and a Translator in, HTML text and abstract buttons out.

Every user-facing string of the bot is here, in English msgids for gettext, and every piece
of user text passes through ``esc``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.callbacks import Action, Button
from bot.domain import DotVote, Group, Moderator, Note, Phase, Role, Seminar, Theme
from bot.flows import answering, setup, team
from bot.flows.deps import NoSeminar, NotModerator
from bot.flows.groupwork import DotCard, GroupResult, NoteShortened, SettleCard, VoteCard
from bot.flows.personal_data import HeldText, PersonalDataFound, PersonalDetail
from bot.flows.schedules import SummaryData
from bot.i18n import LANGUAGES, Translator
from bot.store import NoteCounts, Schedule

__all__ = ["TEXT_LIMIT", "Key", "Screen", "esc"]

# Telegram's limit is 4096 characters after entity parsing; raw HTML is never shorter.
TEXT_LIMIT = 4096


def note_text(t: Translator, note: Note) -> str:
    """A note's text, escaped, marked wherever it is shown if a moderator shortened it."""
    if not note.shortened:
        return esc(note.text)
    return f"{esc(note.text)} <i>{esc(t.gettext('(shortened by the moderator)'))}</i>"


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
    # Each button names the join link's generation: a new link retires these buttons.
    link = seminar.invite_generation
    return Screen(
        text,
        (
            (
                _key(
                    t.pgettext("button", "✅ I agree, let me take part"),
                    Action.CONSENT,
                    seminar.id,
                    lang,
                    link,
                ),
            ),
            (_key(t.pgettext("button", "No, thanks"), Action.DECLINE, seminar.id, link),),
            tuple(
                _key(Translator.language_name(code), Action.WELCOME_LANGUAGE, seminar.id, i, link)
                for i, code in enumerate(LANGUAGES)
            ),
        ),
    )


def link_changed(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "This invitation link has been replaced by a new one, so this button no longer "
            "works. Nothing about you has been stored. Please ask the moderator for the new "
            "link and open it."
        )
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
    """What /privacy promises; each sentence is held by a test (README, "Who can know what")."""
    text = "\n\n".join(
        (
            t.gettext("<b>Privacy</b>"),
            t.gettext(
                "The bot stores your notes, the language you chose, and which seminars you take "
                "part in. It does not store your name, your username or your phone number."
            ),
            t.gettext(
                "Nobody is ever shown who wrote what, moderators included. In the database your "
                "notes are kept under a code, and your Telegram user number only in locked "
                "form. The key is kept outside the database."
            ),
            t.gettext(
                "Moderators see the notes only after the answer round has closed, mixed and "
                "without names. A group sees its notes only if at least three people wrote "
                "them. The report has no names."
            ),
            t.gettext(
                "If a moderator shortens or hides one of your notes, you are told, and you see "
                "the new wording."
            ),
            t.gettext(
                "Telegram can see your chat with the bot, as with any chat. Anonymity here means "
                "that the other people in the seminar cannot tell what you wrote."
            ),
            t.gettext(
                "A seminar and everything in it is deleted {days} days after it closes, or {days} "
                "days after anything last happened in it if it is never closed."
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
            t.gettext("/paper – type in notes written on paper"),
            t.gettext(
                "/groups – form the groups; add a size (/groups 4), «all» for everyone and not "
                "only those who wrote, or «deal» to spread all notes over the groups"
            ),
            t.gettext("/vote – start voting the notes into themes"),
            t.gettext("/moderate – settle ties and unsorted notes"),
            t.gettext("/themes – rename, merge or offer themes"),
            t.gettext("/plenary – show every group's themes, then the dot vote"),
            t.gettext("/announce – send a message to all participants"),
            t.gettext("/schedule – open, close, remind and summarise at set times"),
            t.gettext("/summary – send the summary now"),
            t.gettext("/check – read the themes back to the participants"),
            t.gettext("/report – the report, for the moderators and the office"),
            t.gettext("/seminars – switch between your seminars"),
            t.gettext(
                "/moderators – co-moderators; the owner can hand the seminar over to one of them"
            ),
            t.gettext("/bind – in a group chat: make it the plenary chat"),
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


def note_limit_reached(t: Translator, limit: int) -> Screen:
    return Screen(
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
        PersonalDetail.PHONE: t.gettext("a phone number"),
        PersonalDetail.EMAIL: t.gettext("an e-mail address"),
        PersonalDetail.NATIONAL_ID: t.gettext("a national identity number"),
        PersonalDetail.BANK_ACCOUNT: t.gettext("a bank account number"),
        PersonalDetail.LINK: t.gettext("a link"),
        PersonalDetail.USERNAME: t.gettext("a @username"),
    }
    return names[detail]


# The buttons that keep or drop each kind of held text.
_HELD_ACTIONS = {
    HeldText.NOTE: (Action.KEEP_DRAFT, Action.DROP_DRAFT),
    HeldText.PAPER_NOTE: (Action.KEEP_PAPER_NOTE, Action.DROP_PAPER_NOTE),
    HeldText.THEME: (Action.KEEP_THEME, Action.DROP_THEME),
    HeldText.READ_BACK: (Action.KEEP_READBACK, Action.DROP_READBACK),
}


def _held_found(t: Translator, held: HeldText) -> str:
    match held:
        case HeldText.NOTE:
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
            return t.gettext(
                "Your theme name seems to contain {details}. Themes should not reveal who "
                "anybody is. The theme has not been saved and nobody else has seen it."
            )
        case HeldText.READ_BACK:
            return t.gettext(
                "Your answer seems to contain {details}. Answers should not reveal who "
                "anybody is. The answer has not been saved and nobody has seen it."
            )


def personal_data(t: Translator, found: PersonalDataFound) -> Screen:
    """The question before a text with a personal detail is saved, with keep and drop."""
    details = ", ".join(_detail_name(t, d) for d in sorted(found.details))
    body = _held_found(t, found.held).format(details=details)
    hint = t.gettext(
        "Send it again without that detail, or keep it as written if it identifies nobody."
    )
    keep, drop = _HELD_ACTIONS[found.held]
    return Screen(
        f"{body}\n<blockquote>{esc(found.text)}</blockquote>\n{hint}",
        (
            (
                _key(t.pgettext("button", "Keep as written"), keep, found.seminar.id),
                _key(t.pgettext("button", "Delete it"), drop, found.seminar.id),
            ),
        ),
    )


def held_dropped(t: Translator, held: HeldText) -> Screen:
    match held:
        case HeldText.NOTE:
            return Screen(t.gettext("Deleted. Nothing was saved. You can write a new note."))
        case HeldText.PAPER_NOTE:
            return Screen(
                t.gettext("Deleted. Nothing was saved. You can type in the next paper note.")
            )
        case HeldText.THEME:
            return Screen(t.gettext("Deleted. Nothing was saved. You can send another theme name."))
        case HeldText.READ_BACK:
            return Screen(
                t.gettext("Deleted. Nothing was saved. You can write again what is missing.")
            )


def draft_dropped(t: Translator) -> Screen:
    return held_dropped(t, HeldText.NOTE)


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
        + f"\n<blockquote>{note_text(t, note)}</blockquote>",
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
            number=number, question=note.question + 1, text=note_text(t, note)
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


def _units(text: str) -> int:
    """Telegram's measure of a text: UTF-16 code units, so most emoji count twice. The HTML
    is never shorter than the text Telegram makes of it, so it is a safe upper bound."""
    return len(text.encode("utf-16-le")) // 2


def paginate(
    head: str,
    blocks: Sequence[tuple[str, tuple[Key, ...]]],
    keys_per_row: int = 4,
    tail: Screen | None = None,
) -> list[Screen]:
    """Splits blocks over as many messages as Telegram's length and button limits need; the
    tail (closing words and their buttons, rows kept as they are) ends the last message."""
    screens: list[Screen] = []
    text: str = head
    keys: list[Key] = []
    for line, block_keys in blocks:
        if _units(text) + 1 + _units(line) > TEXT_LIMIT or len(keys) + len(block_keys) > 96:
            screens.append(_screen(text, keys, keys_per_row))
            text, keys = "", []
        text = f"{text}\n{line}" if text else line
        keys.extend(block_keys)
    last = _screen(text, keys, keys_per_row)
    if tail is not None:
        tail_keys = sum(len(row) for row in tail.keys)
        if _units(text) + 1 + _units(tail.text) > TEXT_LIMIT or len(keys) + tail_keys > 96:
            screens.append(last)
            last = tail
        else:
            last = Screen(f"{text}\n{tail.text}", last.keys + tail.keys)
    screens.append(last)
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


def late_notice(notice: str) -> Screen:
    """A button's short notice, as a message when Telegram no longer takes the answer."""
    return Screen(esc(notice))


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


def seminar_created(
    t: Translator, seminar: Seminar, link: str, previous: Seminar | None = None
) -> Screen:
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
    rows: list[tuple[Key, ...]] = [
        (_key(t.pgettext("button", "Open the answer round"), Action.OPEN_ROUND, seminar.id),)
    ]
    if previous is not None:
        label = t.pgettext("button", "Begin with the summary of «{title}»").format(
            title=previous.title[:30]
        )
        rows.append((_key(label, Action.OPEN_WITH_PREVIOUS, seminar.id, previous.id),))
    return Screen(text, tuple(rows))


def opens_with_previous(t: Translator, previous: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "When the answer round opens, the participants first get the summary of <b>{title}</b>."
        ).format(title=esc(previous.title))
    )


def previous_summary(t: Translator, data: SummaryData) -> Screen:
    return Screen(
        t.gettext("Last time, in <b>{title}</b>:").format(title=esc(data.seminar.title))
        + "\n"
        + summary_short(t, data).text
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
            (
                _key(
                    t.pgettext("button", "Invite a co-moderator"),
                    Action.INVITE_MODERATOR,
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
    too_few: setup.TooFewWriters | None = None,
) -> list[Screen]:
    """For moderators: counts and every note, shuffled, no author, each with a hide button;
    counts only, and why, when too few people wrote."""
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
                    f"{number}. {note_text(t, note)}",
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
    if too_few is not None:
        blocks.append(("\n" + too_few_writers(t, too_few).text, ()))
    return paginate("\n".join(head_lines), blocks, keys_per_row=4)


def hide_ask(t: Translator, note: Note) -> Screen:
    return Screen(
        t.gettext(
            "Hide this note? It will not be shown anywhere or used in the report, and its "
            "writer will be told that it was hidden because it could identify somebody."
        )
        + f"\n<blockquote>{note_text(t, note)}</blockquote>",
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
        + f"\n<blockquote>{note_text(t, note)}</blockquote>"
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
        case answering.NoteLimitReached(limit=count):
            return note_limit_reached(t, count)
        case answering.PersonalDataFound():
            return personal_data(t, outcome)
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


Refusal = (
    NoSeminar
    | NotModerator
    | setup.WrongPhase
    | setup.RoundStillOpen
    | setup.NotesInGroups
    | setup.VotesOpen
)


def refusal(t: Translator, outcome: Refusal) -> Screen:
    """Why a moderator's command did nothing."""
    match outcome:
        case NoSeminar():
            return no_seminar(t)
        case NotModerator():
            return not_moderator(t)
        case setup.WrongPhase(seminar=seminar):
            return wrong_phase(t, seminar)
        case setup.RoundStillOpen(seminar=seminar):
            return round_still_open(t, seminar)
        case setup.NotesInGroups(seminar=seminar):
            return notes_in_groups(t, seminar)
        case setup.VotesOpen(seminar=seminar):
            return votes_open(t, seminar)


def votes_open(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "The report of <b>{title}</b> waits until the vote is over: two reports a few "
            "presses apart could show how one person voted. Ask again when the vote has closed."
        ).format(title=esc(seminar.title))
    )


def round_still_open(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "The notes of <b>{title}</b> are shown only after the answer round is closed. "
            "Then nobody can tell who wrote a note from when it appeared. Close the round "
            "with /close first."
        ).format(title=esc(seminar.title))
    )


def notes_in_groups(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "The answer round of <b>{title}</b> cannot be opened again: the notes have "
            "already gone to the groups."
        ).format(title=esc(seminar.title))
    )


# -- group work ---------------------------------------------------------------------------


def group_label(t: Translator, group: Group) -> str:
    return t.gettext("Group {name}").format(name=group.name)


def groups_formed_moderator(
    t: Translator, seminar: Seminar, groups: Sequence[Group], sizes: Mapping[int, int], paper: int
) -> list[Screen]:
    """Group sizes only: who sits where is never shown. Many groups take several messages;
    the buttons come with the last."""
    head = t.ngettext(
        "The participants of <b>{title}</b> are now in {count} group:",
        "The participants of <b>{title}</b> are now in {count} groups:",
        len(groups),
    ).format(title=esc(seminar.title), count=t.number(len(groups)))
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for group in groups:
        size = sizes.get(group.id, 0)
        line = t.ngettext("{group}: {count} person", "{group}: {count} people", size).format(
            group=group_label(t, group), count=t.number(size)
        )
        blocks.append((line, ()))
    lines = [
        "",
        t.gettext(
            "Before the groups see their notes, you can go through them and hide or shorten "
            "one that identifies somebody."
        ),
    ]
    keys: list[tuple[Key, ...]] = [
        (_key(t.pgettext("button", "Review the notes"), Action.REVIEW, seminar.id, 0),),
        (
            _key(
                t.pgettext("button", "Show the notes to the groups"), Action.SHOW_NOTES, seminar.id
            ),
        ),
    ]
    if paper:
        lines.append(
            t.ngettext(
                "Which group should sort the {count} note written on paper?",
                "Which group should sort the {count} notes written on paper?",
                paper,
            ).format(count=t.number(paper))
        )
        keys.insert(
            0,
            tuple(_key(group.name, Action.PAPER_TO_GROUP, group.id) for group in groups[:8]),
        )
    return paginate(head, blocks, tail=Screen("\n".join(lines), tuple(keys)))


def paper_placed(t: Translator, group: Group, count: int) -> Screen:
    return Screen(
        t.ngettext(
            "{count} paper note goes to {group}.",
            "{count} paper notes go to {group}.",
            count,
        ).format(count=t.number(count), group=group_label(t, group))
    )


def seated(t: Translator, seminar: Seminar, group: Group) -> Screen:
    return Screen(
        t.gettext(
            "Group work in <b>{title}</b>: you are in <b>{group}</b>. In the room, sit with the "
            "others of {group}. You will get your group's notes here soon."
        ).format(title=esc(seminar.title), group=esc(group_label(t, group)))
    )


def too_few_writers(t: Translator, outcome: setup.TooFewWriters) -> Screen:
    """Why no notes are shown: the counts, the reason, and what the moderator can do."""
    lines = [
        t.ngettext(
            "<b>{title}</b>: {count} note.", "<b>{title}</b>: {count} notes.", outcome.notes
        ).format(title=esc(outcome.seminar.title), count=t.number(outcome.notes))
        + " "
        + t.ngettext(
            "Written by {count} person.", "Written by {count} people.", outcome.writers
        ).format(count=t.number(outcome.writers)),
        t.gettext(
            "Notes are shown only when at least three people wrote them. With fewer, the "
            "readers could tell who wrote what. So nobody sees the notes, not even you."
        ),
        t.gettext("Notes written on paper count as one person."),
    ]
    if outcome.seminar.phase is Phase.GROUPING:
        lines.append(t.gettext("To get more notes, open the answer round again with /open."))
    return Screen("\n".join(lines))


def review_card(
    t: Translator, seminar: Seminar, note: Note | None, index: int, total: int
) -> Screen:
    if note is None:
        return Screen(
            t.gettext("You have gone through all the notes."),
            (
                (
                    _key(
                        t.pgettext("button", "Show the notes to the groups"),
                        Action.SHOW_NOTES,
                        seminar.id,
                    ),
                ),
            ),
        )
    keys = [_key(t.pgettext("button", "Fine ▶"), Action.REVIEW, seminar.id, index + 1)]
    if seminar.can_shorten:
        keys.append(_key(t.pgettext("button", "Shorten"), Action.REVIEW_SHORTEN, note.id, index))
    keys.append(_key(t.pgettext("button", "Hide"), Action.HIDE_ASK, note.id))
    return Screen(
        t.gettext("Note {number} of {total}:").format(number=index + 1, total=total)
        + f"\n<blockquote>{note_text(t, note)}</blockquote>",
        (
            tuple(keys),
            (
                _key(
                    t.pgettext("button", "Show the notes to the groups"),
                    Action.SHOW_NOTES,
                    seminar.id,
                ),
            ),
        ),
    )


def ask_shortened(t: Translator, note: Note) -> Screen:
    return Screen(
        t.gettext(
            "Send the shortened text of this note. Everyone will see it marked as shortened by "
            "the moderator, and its writer will be told the new wording:"
        )
        + f"\n<blockquote>{note_text(t, note)}</blockquote>"
    )


def shortened(t: Translator, outcome: NoteShortened) -> Screen:
    text = t.gettext("Shortened:") + f"\n<blockquote>{note_text(t, outcome.note)}</blockquote>"
    if outcome.writer is not None:
        text += "\n" + t.gettext("Its writer has been told the new wording.")
    return Screen(text)


def note_shortened_for_writer(t: Translator, outcome: NoteShortened) -> Screen:
    """The writer hears what their note now says, before the groups see it."""
    return Screen(
        "\n".join(
            (
                t.gettext(
                    "A moderator of <b>{title}</b> shortened one of your notes before the "
                    "groups see it. It will be shown marked as shortened by the moderator."
                ).format(title=esc(outcome.seminar.title)),
                t.gettext("You wrote:"),
                f"<blockquote>{esc(outcome.before)}</blockquote>",
                t.gettext("Now it says:"),
                f"<blockquote>{esc(outcome.note.text)}</blockquote>",
            )
        )
    )


def shortening_closed(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "A note can be shortened only after the answer round is closed and before the "
            "groups see the notes. The note was not changed."
        )
    )


def group_notes(
    t: Translator, seminar: Seminar, group: Group, notes: Sequence[Note], themes: Sequence[Theme]
) -> list[Screen]:
    """A group's notes, shuffled and without authors, and how to propose themes."""
    head = t.ngettext(
        "<b>{group}</b> sorts these {count} note into themes:",
        "<b>{group}</b> sorts these {count} notes into themes:",
        len(notes),
    ).format(group=esc(group_label(t, group)), count=t.number(len(notes)))
    blocks: list[tuple[str, tuple[Key, ...]]] = [(f"• {note_text(t, note)}", ()) for note in notes]
    tail = t.gettext(
        "What do the notes have in common? Propose a theme by sending its short name as a "
        "message, for example «Being believed» or «Time»."
    )
    if themes:
        tail += "\n" + theme_list(t, themes)
    blocks.append(("\n" + tail, ()))
    return paginate(head, blocks)


def voting_ready(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "The groups have their notes and can propose themes. Start the voting when they "
            "are ready."
        ),
        (
            (
                _key(
                    t.pgettext("button", "Start voting into themes"), Action.OPEN_VOTING, seminar.id
                ),
            ),
        ),
    )


def theme_list(t: Translator, themes: Sequence[Theme]) -> str:
    names = ", ".join(f"«{esc(theme.name)}»" for theme in themes)
    return t.gettext("Themes so far: {names}").format(names=names)


def theme_added(t: Translator, theme: Theme, new: bool, themes: Sequence[Theme]) -> Screen:
    if new:
        head = t.gettext("Theme «{name}» added.").format(name=esc(theme.name))
    else:
        head = t.gettext("«{name}» is already a theme.").format(name=esc(theme.name))
    return Screen(f"{head}\n{theme_list(t, themes)}")


def invalid_theme_name(t: Translator, reason: str) -> Screen:
    messages = {
        "empty": t.gettext("A theme needs a name. Please write a few words."),
        "too_long": t.gettext("Please keep a theme name short: at most {limit} characters.").format(
            limit=40
        ),
        "markup": esc(t.gettext("Please write the theme name without < or > characters.")),
        "taken": t.gettext("There is already a theme with that name. Merge the two instead."),
    }
    return Screen(messages[reason])


def theme_limit_reached(t: Translator, limit: int) -> Screen:
    return Screen(
        t.ngettext(
            "Thank you! You have proposed {count} new theme, and that is as many as one person "
            "can. This one was not added. You can still sort the notes into the themes your "
            "group has.",
            "Thank you! You have proposed {count} new themes, and that is as many as one person "
            "can. This one was not added. You can still sort the notes into the themes your "
            "group has.",
            limit,
        ).format(count=t.number(limit))
    )


def not_in_group(t: Translator) -> Screen:
    return Screen(t.gettext("You are not in a group of this seminar, so this is not for you."))


def phase_over(t: Translator, seminar: Seminar) -> str:
    return t.gettext("That step is over: the seminar is now at «{phase}».").format(
        phase=phase_name(t, seminar.phase)
    )


def no_groups_yet(t: Translator) -> Screen:
    return Screen(t.gettext("There are no groups yet. Form them first with /groups."))


def voting_opened_moderator(t: Translator, seminar: Seminar, people: int) -> Screen:
    return Screen(
        t.ngettext(
            "Voting into themes has started in <b>{title}</b>; {count} person got their "
            "group's notes to sort. Ties and unsorted notes: /moderate. When the groups are "
            "done: /plenary.",
            "Voting into themes has started in <b>{title}</b>; {count} people got their "
            "group's notes to sort. Ties and unsorted notes: /moderate. When the groups are "
            "done: /plenary.",
            people,
        ).format(title=esc(seminar.title), count=t.number(people)),
        ((_key(t.pgettext("button", "Start the plenary"), Action.OPEN_PLENARY, seminar.id),),),
    )


def vote_card(t: Translator, card: VoteCard) -> Screen:
    """One note at a time, a button per theme (the person's choice marked), and where they are."""
    seminar = card.seminar
    if card.note is None:
        return Screen(t.gettext("Your group has no notes to sort."))
    lines = [
        t.gettext("<b>{group}</b> · note {number} of {total}").format(
            group=esc(group_label(t, card.group)), number=card.index + 1, total=card.total
        ),
        f"<blockquote>{note_text(t, card.note)}</blockquote>",
        t.gettext("{sorted} of {total} notes sorted").format(
            sorted=t.number(card.sorted_count), total=t.number(card.total)
        ),
    ]
    if not card.themes:
        lines.append(t.gettext("Your group has no themes yet: propose one by sending its name."))
    else:
        lines.append(t.gettext("Which theme does this note belong to?"))
    rows: list[tuple[Key, ...]] = [
        (
            _key(
                ("✅ " if theme.id == card.choice else "") + theme.name,
                Action.VOTE,
                card.note.id,
                theme.id,
                card.index,
            ),
        )
        for theme in card.themes[:30]
    ]
    nav: list[Key] = []
    if card.index > 0:
        nav.append(_key("◀", Action.VOTE_CARD, seminar.id, card.index - 1))
    nav.append(_key("🔄", Action.VOTE_CARD, seminar.id, card.index))
    if card.index + 1 < card.total:
        nav.append(_key("▶", Action.VOTE_CARD, seminar.id, card.index + 1))
    rows.append(tuple(nav))
    return Screen("\n".join(lines), tuple(rows))


def voting_started_participant(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "Voting into themes has started in <b>{title}</b>. For each note, press the theme "
            "it belongs to. You can change your choice until the voting ends, and propose new "
            "themes by sending their names."
        ).format(title=esc(seminar.title))
    )


def settle_card(t: Translator, card: SettleCard) -> Screen:
    if card.note is None or card.group is None:
        return Screen(t.gettext("No ties and no unsorted notes are waiting for you."))
    names = {theme.id: theme.name for theme in card.themes}
    if card.counts:
        votes = ", ".join(
            f"«{esc(names.get(theme, '?'))}»: {t.number(count)}"
            for theme, count in sorted(card.counts.items(), key=lambda item: -item[1])
        )
        why = t.gettext("A tie: {votes}").format(votes=votes)
    else:
        why = t.gettext("Nobody sorted this note.")
    text = "\n".join(
        (
            t.ngettext(
                "{count} note is waiting for your decision.",
                "{count} notes are waiting for your decision.",
                card.remaining,
            ).format(count=t.number(card.remaining)),
            f"<b>{esc(group_label(t, card.group))}</b>",
            f"<blockquote>{note_text(t, card.note)}</blockquote>",
            why,
        )
    )
    rows: list[tuple[Key, ...]] = [
        (_key(theme.name, Action.SETTLE, card.note.id, theme.id),) for theme in card.themes[:30]
    ]
    rows.append((_key(t.pgettext("button", "Leave it unsorted"), Action.SETTLE, card.note.id, 0),))
    return Screen(text, tuple(rows))


def themes_overview(
    t: Translator, seminar: Seminar, listed: Sequence[tuple[Group | None, Sequence[Theme]]]
) -> list[Screen]:
    head = t.gettext("<b>Themes in {title}</b>").format(title=esc(seminar.title))
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for group, themes in listed:
        title = group_label(t, group) if group else t.gettext("Offered to every group")
        blocks.append((f"\n<b>{esc(title)}</b>", ()))
        for theme in themes:
            blocks.append(
                (
                    f"• {esc(theme.name)}",
                    (
                        _key(
                            t.pgettext("button", "Rename {name}").format(name=theme.name[:20]),
                            Action.THEME_RENAME,
                            theme.id,
                        ),
                        _key(
                            t.pgettext("button", "Merge {name}").format(name=theme.name[:20]),
                            Action.THEME_MERGE_ASK,
                            theme.id,
                        ),
                    ),
                )
            )
    blocks.append(
        (
            "",
            (
                _key(
                    t.pgettext("button", "Offer themes to every group"),
                    Action.PRESET_THEMES,
                    seminar.id,
                ),
            ),
        )
    )
    return paginate(head, blocks, keys_per_row=2)


def ask_theme_name(t: Translator, theme: Theme | None) -> Screen:
    if theme is None:
        return Screen(
            t.gettext(
                "Send the themes to offer every group, one per message. Send /done when finished."
            )
        )
    return Screen(t.gettext("Send the new name for «{name}».").format(name=esc(theme.name)))


def theme_renamed(t: Translator, theme: Theme) -> Screen:
    return Screen(t.gettext("The theme is now called «{name}».").format(name=esc(theme.name)))


def preset_added(t: Translator, theme: Theme, new: bool) -> Screen:
    if not new:
        return Screen(t.gettext("«{name}» is already a theme.").format(name=esc(theme.name)))
    return Screen(t.gettext("Theme «{name}» added.").format(name=esc(theme.name)))


def merge_choices(t: Translator, theme: Theme, others: Sequence[Theme]) -> Screen:
    if not others:
        return Screen(t.gettext("There is no other theme in the same group to merge with."))
    return Screen(
        t.gettext("Merge «{name}» into which theme? Its votes will count for that one.").format(
            name=esc(theme.name)
        ),
        tuple((_key(other.name, Action.THEME_MERGE, theme.id, other.id),) for other in others[:30]),
    )


def themes_merged(t: Translator, source: Theme, target: Theme) -> Screen:
    return Screen(
        t.gettext("«{source}» is merged into «{target}».").format(
            source=esc(source.name), target=esc(target.name)
        )
    )


def plenary(t: Translator, seminar: Seminar, results: Sequence[GroupResult]) -> list[Screen]:
    """Every group's themes with their notes and vote counts; counts only, never voters."""
    head = t.gettext("<b>Plenary: {title}</b>").format(title=esc(seminar.title))
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for result in results:
        blocks.append((f"\n<b>{esc(group_label(t, result.group))}</b>", ()))
        if not result.themes and not result.unsorted:
            blocks.append((t.gettext("(no notes)"), ()))
        for theme, notes in result.themes:
            blocks.append(
                (
                    t.ngettext(
                        "<b>«{name}»</b> ({count} note)",
                        "<b>«{name}»</b> ({count} notes)",
                        len(notes),
                    ).format(name=esc(theme.name), count=t.number(len(notes))),
                    (),
                )
            )
            for note, votes in notes:
                counted = t.ngettext("{count} vote", "{count} votes", votes).format(
                    count=t.number(votes)
                )
                blocks.append((f"• {note_text(t, note)} <i>({counted})</i>", ()))
        if result.unsorted:
            blocks.append((t.gettext("<b>Unsorted</b>"), ()))
            blocks += [(f"• {note_text(t, note)}", ()) for note in result.unsorted]
    return paginate(head, blocks)


def plenary_moderator(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "The plenary has been posted to every participant. Start the dot vote when you "
            "are ready: everyone gets {budget} dots, at most {most} on one theme."
        ).format(budget=seminar.dot_budget, most=seminar.dot_max_per_theme),
        ((_key(t.pgettext("button", "Start the dot vote"), Action.OPEN_DOTS, seminar.id),),),
    )


DOT_PAGE_SIZE = 8  # themes per page of the dot card: a phone screen of buttons


def dot_card(t: Translator, card: DotCard) -> Screen:
    """Dots left, and a page of themes with a ➕ and ➖ each; ◀ ▶ turn the pages."""
    seminar = card.seminar
    lines = [
        t.gettext("<b>Dot vote: {title}</b>").format(title=esc(seminar.title)),
        t.gettext(
            "Give your dots to the themes that matter most to you: {budget} in all, at most "
            "{most} on one theme. The results are shown when the vote closes."
        ).format(budget=seminar.dot_budget, most=seminar.dot_max_per_theme),
        t.ngettext("You have {count} dot left.", "You have {count} dots left.", card.left).format(
            count=t.number(card.left)
        ),
    ]
    refusals = {
        "budget": t.gettext("You have used all your dots. Take one back to move it."),
        "per_theme": t.gettext("That theme already has as many of your dots as it can take."),
        "none_to_remove": t.gettext("That theme has none of your dots to take back."),
        "gone": t.gettext("That theme is no longer in the vote."),
    }
    if card.refused:
        lines.append(f"<i>{refusals[card.refused]}</i>")
    pages = max(1, -(-len(card.themes) // DOT_PAGE_SIZE))
    page = max(0, min(card.page, pages - 1))
    first = page * DOT_PAGE_SIZE
    shown = list(enumerate(card.themes, start=1))[first : first + DOT_PAGE_SIZE]
    if pages > 1:
        lines.append(
            t.gettext("Themes {first}–{last} of {total}:").format(
                first=first + 1, last=first + len(shown), total=len(card.themes)
            )
        )
    rows: list[tuple[Key, ...]] = []
    for number, (theme, group) in shown:
        mine = card.mine.get(theme.id, 0)
        where = f" ({group.name})" if group else ""
        lines.append(f"{number}. {esc(theme.name)}{where} {'●' * mine}")
        rows.append(
            (
                _key(f"➕ {number}", Action.DOT, seminar.id, theme.id, 1, page),
                _key(f"➖ {number}", Action.DOT, seminar.id, theme.id, 0, page),
            )
        )
    nav: list[Key] = []
    if page > 0:
        nav.append(_key("◀", Action.DOT_PAGE, seminar.id, page - 1))
    if page + 1 < pages:
        nav.append(_key("▶", Action.DOT_PAGE, seminar.id, page + 1))
    if nav:
        rows.append(tuple(nav))
    return Screen("\n".join(lines), tuple(rows))


def dots_opened_moderator(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("The dot vote is open. Close it when everyone is done."),
        ((_key(t.pgettext("button", "Close the dot vote"), Action.CLOSE_DOTS, seminar.id),),),
    )


def ranking(
    t: Translator, seminar: Seminar, ranked: Sequence[tuple[Theme, Group | None, int]]
) -> list[Screen]:
    """Every theme in order of dots, over as many messages as a long list needs."""
    head = t.gettext("<b>The themes of {title}, ranked by dots</b>").format(
        title=esc(seminar.title)
    )
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for place, (theme, group, dots) in enumerate(ranked, start=1):
        where = f" ({group.name})" if group else ""
        counted = t.ngettext("{count} dot", "{count} dots", dots).format(count=t.number(dots))
        blocks.append((f"{place}. {esc(theme.name)}{where}: {counted}", ()))
    if not ranked:
        blocks.append((t.gettext("(no themes)"), ()))
    return paginate(head, blocks)


# -- running the room ---------------------------------------------------------------------


def moderator_invite(t: Translator, seminar: Seminar, link: str, expires: str) -> Screen:
    return Screen(
        t.gettext(
            "Send this link to one co-moderator of <b>{title}</b>. It works once, until {expires}:"
        ).format(title=esc(seminar.title), expires=esc(expires))
        + f"\n{esc(link)}"
    )


def moderator_invite_refused(t: Translator, reason: str) -> Screen:
    messages = {
        "unknown": t.gettext("This moderator invitation does not exist."),
        "used": t.gettext("This moderator invitation has already been used. Ask for a new one."),
        "expired": t.gettext("This moderator invitation has expired. Ask for a new one."),
    }
    return Screen(messages.get(reason, messages["unknown"]))


def moderator_joined(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "You are now a co-moderator of <b>{title}</b> and can run the seminar. Only its "
            "owner can hand it over to someone else, and nobody can remove the owner. /help "
            "lists the commands."
        ).format(title=esc(seminar.title))
    )


def moderator_name(t: Translator, moderator: Moderator) -> str:
    """The name a moderator joined with; the creator joined with none."""
    return moderator.name or t.gettext("the seminar's creator")


def co_moderators(t: Translator, listing: team.ModeratorList) -> Screen:
    seminar, others = listing.seminar, listing.others
    if not others:
        text = t.gettext("<b>{title}</b> has no co-moderators.").format(title=esc(seminar.title))
    else:
        text = t.gettext("Co-moderators of <b>{title}</b>:").format(title=esc(seminar.title))
        for other in others:
            name = esc(moderator_name(t, other))
            if other.owner:
                name = t.gettext("{name} (owner)").format(name=name)
            text += f"\n• {name}"
    if listing.viewer_owns:
        text += "\n\n" + t.gettext("You own this seminar: nobody can remove you.")
    rows: list[tuple[Key, ...]] = []
    for other in others:
        name = moderator_name(t, other)[:24]
        row: list[Key] = []
        if not other.owner:
            label = t.pgettext("button", "Remove {name}").format(name=name)
            row.append(_key(label, Action.REMOVE_MODERATOR, seminar.id, other.tg_id))
        if listing.viewer_owns:
            label = t.pgettext("button", "Make {name} the owner").format(name=name)
            row.append(_key(label, Action.OWNERSHIP_ASK, seminar.id, other.tg_id))
        if row:
            rows.append(tuple(row))
    rows.append(
        (_key(t.pgettext("button", "Invite a co-moderator"), Action.INVITE_MODERATOR, seminar.id),)
    )
    return Screen(text, tuple(rows))


def co_moderator_removed(t: Translator, removed: bool) -> Screen:
    if removed:
        return Screen(t.gettext("The co-moderator has been removed."))
    return Screen(t.gettext("That person is no longer a co-moderator."))


def owner_stays(t: Translator, seminar: Seminar) -> str:
    return t.gettext(
        "The owner of «{title}» cannot be removed. Only the owner can hand the seminar over."
    ).format(title=seminar.title)


def not_owner(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("Only the owner of <b>{title}</b> can hand it over to someone else.").format(
            title=esc(seminar.title)
        )
    )


def no_longer_moderator(t: Translator) -> Screen:
    return Screen(t.gettext("That person is no longer a moderator of this seminar."))


def ownership_ask(t: Translator, offer: team.HandOverOffer) -> Screen:
    seminar, name = offer.seminar, esc(moderator_name(t, offer.successor))
    return Screen(
        t.gettext(
            "Make {name} the owner of <b>{title}</b>? {name} can then remove you as a "
            "co-moderator. You can still run the seminar, but you can no longer hand it over, "
            "and you cannot undo this yourself."
        ).format(name=name, title=esc(seminar.title)),
        (
            (
                _key(
                    t.pgettext("button", "Yes, make them the owner"),
                    Action.OWNERSHIP_GIVE,
                    seminar.id,
                    offer.successor.tg_id,
                ),
                _key(t.pgettext("button", "No, keep it"), Action.OWNERSHIP_KEEP, seminar.id),
            ),
        ),
    )


def ownership_kept(t: Translator) -> Screen:
    return Screen(t.gettext("Good, nothing changed: you are still the owner."))


def ownership_given(t: Translator, handed: team.HandedOver) -> Screen:
    return Screen(
        t.gettext(
            "{name} is now the owner of <b>{title}</b>. You are a co-moderator and can still "
            "run the seminar."
        ).format(name=esc(moderator_name(t, handed.successor)), title=esc(handed.seminar.title))
    )


def ownership_received(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "You are now the owner of <b>{title}</b>. Nobody can remove you, and only you can "
            "hand the seminar over to someone else (/moderators)."
        ).format(title=esc(seminar.title))
    )


def ownership_refusal(
    t: Translator, outcome: NoSeminar | NotModerator | team.NotOwner | team.NoLongerModerator
) -> Screen:
    """Why a hand-over did not happen."""
    match outcome:
        case team.NotOwner(seminar=seminar):
            return not_owner(t, seminar)
        case team.NoLongerModerator():
            return no_longer_moderator(t)
        case _:
            return refusal(t, outcome)


def seminars_list(
    t: Translator, seminars: Sequence[tuple[Seminar, Role]], active: int | None
) -> Screen:
    if not seminars:
        return no_seminar(t)
    lines = [t.gettext("<b>Your seminars</b>")]
    rows: list[tuple[Key, ...]] = []
    for number, (seminar, role) in enumerate(seminars, start=1):
        marker = " ✅" if seminar.id == active else ""
        who = t.gettext("moderator") if role is Role.MODERATOR else t.gettext("participant")
        lines.append(
            f"{number}. {esc(seminar.title)} ({who}, {phase_name(t, seminar.phase)}){marker}"
        )
        if seminar.id != active:
            rows.append(
                (
                    _key(
                        t.pgettext("button", "Switch to {number}").format(number=number),
                        Action.SWITCH_SEMINAR,
                        seminar.id,
                    ),
                )
            )
    return Screen("\n".join(lines), tuple(rows[:20]))


def switched(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("You are now working in <b>{title}</b>.").format(title=esc(seminar.title))
    )


def announcement(t: Translator, seminar: Seminar, text: str) -> Screen:
    return Screen(
        t.gettext("📣 From the moderators of <b>{title}</b>:").format(title=esc(seminar.title))
        + f"\n{esc(text)}"
    )


def announcement_sent(t: Translator, count: int) -> Screen:
    return Screen(
        t.ngettext("Sent to {count} participant.", "Sent to {count} participants.", count).format(
            count=t.number(count)
        )
    )


def announce_usage(t: Translator) -> Screen:
    return Screen(
        t.gettext("Write the message after the command, for example: /announce We start at 10.")
    )


def bound(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "This chat is now the plenary chat of <b>{title}</b>. Progress, phase changes and "
            "the plenary will be posted here."
        ).format(title=esc(seminar.title))
    )


def bind_refused(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "Only someone who is both an administrator of this chat and a moderator of the "
            "seminar can bind it."
        )
    )


def anonymous_admin(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "You are sending as the group, so I cannot tell which moderator you are. Please "
            "turn off «Remain anonymous» in your administrator settings, or send the command "
            "from your personal account."
        )
    )


def paper_mode(t: Translator, seminar: Seminar, question: int) -> Screen:
    rows: list[tuple[Key, ...]] = [
        tuple(
            _key(
                ("✅ " if index == question else "")
                + t.pgettext("button", "Question {number}").format(number=index + 1),
                Action.PAPER_QUESTION,
                index,
            )
            for index in range(len(seminar.questions))
        ),
        (_key(t.pgettext("button", "Done"), Action.PAPER_DONE),),
    ]
    return Screen(
        t.gettext(
            "Type the notes written on paper, one per message. They are anonymous like all "
            "others. Now: question {number}."
        ).format(number=question + 1)
        + f"\n<i>{esc(seminar.questions[question])}</i>",
        tuple(rows),
    )


def paper_saved(t: Translator, count: int, question: int) -> Screen:
    return Screen(
        t.ngettext(
            "Saved for question {number}. {count} paper note so far.",
            "Saved for question {number}. {count} paper notes so far.",
            count,
        ).format(number=question + 1, count=t.number(count))
    )


def paper_done(t: Translator) -> Screen:
    return Screen(t.gettext("Finished typing in paper notes."))


def progress(t: Translator, seminar: Seminar, counts: NoteCounts, participants: int) -> Screen:
    return Screen(
        "\n".join(
            (
                t.gettext("<b>{title}</b>: live progress").format(title=esc(seminar.title)),
                t.ngettext("{count} note so far", "{count} notes so far", counts.total).format(
                    count=t.number(counts.total)
                ),
                t.gettext("{done} of {total} participants done").format(
                    done=t.number(counts.writers_done), total=t.number(participants)
                ),
            )
        )
    )


def phase_announcement(t: Translator, seminar: Seminar) -> Screen:
    """What the plenary chat sees when the seminar moves on."""
    return Screen(
        t.gettext("<b>{title}</b> is now at «{phase}».").format(
            title=esc(seminar.title), phase=phase_name(t, seminar.phase)
        )
    )


# -- schedules and summaries --------------------------------------------------------------

SCHEDULE_KINDS = ("open", "close", "remind", "summary")


def schedule_kind(t: Translator, kind: str) -> str:
    names = {
        "open": t.gettext("Open the answer round"),
        "close": t.gettext("Close the current step"),
        "remind": t.gettext("Reminder to those who have not taken part yet"),
        "summary": t.gettext("Daily summary"),
    }
    return names.get(kind, kind)


def schedules(t: Translator, seminar: Seminar, listed: Sequence[Schedule], zone: str) -> Screen:
    lines = [t.gettext("<b>Schedule of {title}</b>").format(title=esc(seminar.title))]
    rows: list[tuple[Key, ...]] = []
    if not listed:
        lines.append(t.gettext("Nothing is scheduled yet."))
    for number, item in enumerate(listed, start=1):
        when = t.datetime(item.run_at, zone)
        if item.daily_at:
            when = t.gettext("every day at {time}, next {when}").format(
                time=item.daily_at, when=when
            )
        lines.append(f"{number}. {schedule_kind(t, item.kind)}: {esc(when)}")
        rows.append(
            (
                _key(
                    t.pgettext("button", "Cancel {number}").format(number=number),
                    Action.SCHEDULE_CANCEL,
                    item.id,
                ),
            )
        )
    lines.append("")
    lines.append(t.gettext("Add:"))
    rows += [
        (_key("⏰ " + schedule_kind(t, kind), Action.SCHEDULE_ASK, index),)
        for index, kind in enumerate(SCHEDULE_KINDS)
    ]
    return Screen("\n".join(lines), tuple(rows))


def ask_when(t: Translator, kind: str) -> Screen:
    if kind == "summary":
        return Screen(
            t.gettext("At what time each day should the summary go out? For example 09:00.")
        )
    return Screen(
        t.gettext(
            "When? Write a time such as 14:30, a date and time such as 4.3. 14:30, or «in 30 "
            "minutes»."
        )
    )


def ask_reminder(t: Translator, offsets: Sequence[int]) -> Screen:
    def label(minutes: int) -> str:
        if minutes % 1440 == 0:
            return t.ngettext("{count} day", "{count} days", minutes // 1440).format(
                count=minutes // 1440
            )
        if minutes % 60 == 0:
            return t.ngettext("{count} hour", "{count} hours", minutes // 60).format(
                count=minutes // 60
            )
        return t.ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes)

    return Screen(
        t.gettext("How long before the close should the reminder go out?"),
        (tuple(_key(label(m), Action.SCHEDULE_REMIND, m) for m in offsets),),
    )


def scheduled(t: Translator, item: Schedule, zone: str) -> Screen:
    return Screen(
        t.gettext("Scheduled: {what}, {when}.").format(
            what=schedule_kind(t, item.kind), when=esc(t.datetime(item.run_at, zone))
        )
    )


def already_scheduled(t: Translator, item: Schedule, zone: str) -> Screen:
    return Screen(
        t.gettext(
            "That is already scheduled for {when}. Cancel it in /schedule first if you want "
            "another time."
        ).format(when=esc(t.datetime(item.run_at, zone)))
    )


def bad_time(t: Translator, reason: str) -> Screen:
    if reason == "past":
        return Screen(t.gettext("That time has already passed. Please give a later time."))
    return Screen(
        t.gettext(
            "I could not read that time. Examples: 14:30, 4.3. 14:30, 2027-03-04 14:30, or «in "
            "30 minutes»."
        )
    )


def need_close(t: Translator) -> Screen:
    return Screen(
        t.gettext("A reminder goes out before a scheduled close. Schedule the close first.")
    )


def schedule_cancelled(t: Translator, item: Schedule | None) -> Screen:
    if item is None:
        return Screen(t.gettext("That is no longer scheduled."))
    return Screen(t.gettext("Cancelled: {what}.").format(what=schedule_kind(t, item.kind)))


def reminder(t: Translator, seminar: Seminar) -> Screen:
    if seminar.phase is Phase.ANSWERING:
        text = t.gettext(
            "A gentle reminder: the answer round of <b>{title}</b> closes soon. We would love "
            "to hear what has helped you; one short note is enough."
        )
    elif seminar.phase is Phase.VOTING:
        text = t.gettext(
            "A gentle reminder: the voting in <b>{title}</b> ends soon, and some of your "
            "group's notes still wait for a theme."
        )
    else:
        text = t.gettext(
            "A gentle reminder: the dot vote in <b>{title}</b> closes soon, and your dots "
            "are still unused."
        )
    return Screen(text.format(title=esc(seminar.title)))


def job_missed(t: Translator, item: Schedule, zone: str, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "Not done: {what}, planned for {when}. The bot was not running then, and when it "
            "came back <b>{title}</b> had moved on to «{phase}»."
        ).format(
            what=schedule_kind(t, item.kind),
            when=esc(t.datetime(item.run_at, zone)),
            title=esc(seminar.title),
            phase=phase_name(t, seminar.phase),
        )
    )


def job_done_late(t: Translator, item: Schedule, zone: str) -> Screen:
    return Screen(
        t.gettext(
            "Done now: {what}, planned for {when}. The bot was not running at that time."
        ).format(what=schedule_kind(t, item.kind), when=esc(t.datetime(item.run_at, zone)))
    )


def summary_full(t: Translator, data: SummaryData) -> Screen:
    """For moderators and the plenary chat: where the seminar stands, counts only."""
    seminar = data.seminar
    lines = [
        t.gettext("<b>Summary: {title}</b>").format(title=esc(seminar.title)),
        t.gettext("Step: {phase}").format(phase=phase_name(t, seminar.phase)),
        t.ngettext("{count} participant", "{count} participants", data.participants).format(
            count=t.number(data.participants)
        ),
        t.ngettext("{count} note", "{count} notes", data.notes).format(count=t.number(data.notes)),
        t.ngettext("{count} theme", "{count} themes", len(data.themes)).format(
            count=t.number(len(data.themes))
        ),
        t.ngettext("{count} vote", "{count} votes", data.votes).format(count=t.number(data.votes)),
    ]
    if data.dots and seminar.dot_vote is DotVote.CLOSED:
        lines.append(
            t.ngettext("{count} dot", "{count} dots", data.dots).format(count=t.number(data.dots))
        )
    if data.themes:
        lines.append("")
        lines.append(t.gettext("<b>Themes so far</b>"))
        for name, group, size in data.themes[:40]:
            lines.append(
                t.ngettext(
                    "• {name} ({group}): {count} note", "• {name} ({group}): {count} notes", size
                ).format(name=esc(name), group=group, count=t.number(size))
            )
    return Screen("\n".join(lines))


def summary_short(t: Translator, data: SummaryData) -> Screen:
    """For participants: one short message."""
    seminar = data.seminar
    text = t.gettext("<b>{title}</b> is at «{phase}».").format(
        title=esc(seminar.title), phase=phase_name(t, seminar.phase)
    )
    text += " " + t.ngettext("So far {count} note", "So far {count} notes", data.notes).format(
        count=t.number(data.notes)
    )
    if data.themes:
        names = ", ".join(esc(name) for name, _, _ in data.themes[:6])
        text += " " + t.gettext("and these themes: {names}.").format(names=names)
    else:
        text += "."
    return Screen(text)


def summaries_toggled(t: Translator, wanted: bool) -> Screen:
    if wanted:
        return Screen(t.gettext("You will get the summaries of this seminar."))
    return Screen(t.gettext("You will no longer get the summaries."))


def summary_participant(t: Translator, data: SummaryData, wanted: bool) -> Screen:
    short = summary_short(t, data)
    label = (
        t.pgettext("button", "Stop sending me summaries")
        if wanted
        else t.pgettext("button", "Send me the summaries")
    )
    return Screen(short.text, ((_key(label, Action.SUMMARIES_TOGGLE),),))


# -- the end of a seminar -----------------------------------------------------------------


def read_back(t: Translator, seminar: Seminar, themes: Sequence[str]) -> Screen:
    names = "\n".join(f"• {esc(name)}" for name in themes) or t.gettext("(no themes)")
    return Screen(
        t.gettext(
            "<b>{title}</b>: this is what we found together. Do you recognise yourself in it?"
        ).format(title=esc(seminar.title))
        + f"\n{names}",
        (
            (
                _key(
                    t.pgettext("button", "I recognise this"), Action.READBACK_RECOGNISED, seminar.id
                ),
                _key(
                    t.pgettext("button", "Something is missing"),
                    Action.READBACK_MISSING,
                    seminar.id,
                ),
            ),
        ),
    )


def read_back_sent(t: Translator, count: int) -> Screen:
    return Screen(
        t.ngettext(
            "The themes were read back to {count} participant.",
            "The themes were read back to {count} participants.",
            count,
        ).format(count=t.number(count))
    )


def read_back_thanks(t: Translator, recognised: bool) -> Screen:
    if recognised:
        return Screen(t.gettext("Thank you! That is good to know."))
    return Screen(
        t.gettext(
            "Thank you for saying so. What is missing? Write it in a message, in your own words."
        )
    )


def read_back_noted(t: Translator) -> Screen:
    return Screen(t.gettext("Thank you, it is noted for the report, without your name."))


def read_back_too_long(t: Translator, length: int, limit: int) -> Screen:
    return Screen(
        t.gettext(
            "Thank you! That is a bit long: {length} characters, and this answer holds at most "
            "{limit}. Nothing was saved yet. Could you say it more briefly and send it again? "
            "Your text is still there above, so you can copy it."
        ).format(length=t.number(length), limit=t.number(limit))
    )


def read_back_empty(t: Translator) -> Screen:
    return Screen(t.gettext("That message was empty. Please write in a few words what is missing."))


def close_seminar_ask(t: Translator, seminar: Seminar, retention_days: int) -> Screen:
    return Screen(
        t.gettext(
            "Close <b>{title}</b> for good? Everyone gets a short summary, the moderators and "
            "the office get the report, and everything is deleted {days} days later."
        ).format(title=esc(seminar.title), days=t.number(retention_days)),
        ((_key(t.pgettext("button", "Close the seminar"), Action.CLOSE_SEMINAR, seminar.id),),),
    )


def seminar_closed(t: Translator, seminar: Seminar, retention_days: int) -> Screen:
    return Screen(
        t.gettext(
            "<b>{title}</b> is closed. Thank you for taking part! Everything stored about it "
            "is deleted after {days} days."
        ).format(title=esc(seminar.title), days=t.number(retention_days))
    )


def report_caption(t: Translator, seminar: Seminar) -> str:
    return t.gettext("Report: {title}").format(title=esc(seminar.title))


def office_bound(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("This chat will get the report of <b>{title}</b>.").format(
            title=esc(seminar.title)
        )
    )
