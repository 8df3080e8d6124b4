"""What a moderator sees while setting a seminar up and running its answer round: /new, /invite,
/open, /close and its summary, /seminars, and why a moderator's command did nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.callbacks import Action
from bot.domain import Deadline, Note, NoteCounts, Phase, Role, Seminar
from bot.flows import setup
from bot.flows.schedules import SummaryData
from bot.i18n import LANGUAGES, Translator
from bot.render.refusals import no_seminar
from bot.render.schedules import round_deadline, summary_short
from bot.render.screens import (
    Key,
    Screen,
    esc,
    key,
    language_rows,
    note_text,
    numbered_questions,
    paginate,
    phase_name,
    questions_for,
    seminar_name,
)


def ask_title(t: Translator) -> Screen:
    return Screen(
        t.gettext("Let us create a seminar. What is its title? (Send it as a message.)"),
        ((key(t.pgettext("button", "Cancel"), Action.SETUP_CANCEL),),),
    )


def ask_seminar_language(t: Translator, title: str) -> Screen:
    return Screen(
        t.gettext(
            "Title: <b>{title}</b>\nWhich language should the seminar's questions and shared "
            "messages use? Everyone still gets the bot's own messages in their own language."
        ).format(title=esc(title)),
        (
            *language_rows(Action.SETUP_LANGUAGE, range(len(LANGUAGES))),
            (key(t.pgettext("button", "Cancel"), Action.SETUP_CANCEL),),
        ),
    )


def ask_questions(t: Translator, questions: Sequence[str]) -> Screen:
    listed = numbered_questions(questions)
    return Screen(
        t.gettext("The dialogue seminar's two questions are:")
        + f"\n{listed}\n\n"
        + t.gettext("Use these, or write your own (one to five)?"),
        (
            (key(t.pgettext("button", "Use these questions"), Action.SETUP_DEFAULT_QUESTIONS),),
            (key(t.pgettext("button", "Write my own"), Action.SETUP_CUSTOM_QUESTIONS),),
            (key(t.pgettext("button", "Cancel"), Action.SETUP_CANCEL),),
        ),
    )


def ask_custom_question(t: Translator, number: int, written: Sequence[str]) -> Screen:
    text = t.gettext("Send question {number} as a message.").format(number=number)
    keys: list[tuple[Key, ...]] = []
    if written:
        listed = numbered_questions(written)
        text = f"{listed}\n\n{text} " + t.gettext("Or press «Done» if these are all.")
        keys.append((key(t.pgettext("button", "Done"), Action.SETUP_QUESTIONS_DONE),))
    keys.append((key(t.pgettext("button", "Cancel"), Action.SETUP_CANCEL),))
    return Screen(text, tuple(keys))


def invalid_setup_text(t: Translator, reason: setup.SetupProblem, limit: int) -> Screen:
    match reason:
        case setup.SetupProblem.TOO_LONG:
            return Screen(
                t.gettext("That is too long: at most {limit} characters, please.").format(
                    limit=t.number(limit)
                )
            )
        case setup.SetupProblem.NEED_ONE:
            return Screen(t.gettext("A seminar needs at least one question. Please send one."))
        case setup.SetupProblem.EMPTY:
            return Screen(t.gettext("That was empty. Please write some text."))


def questions_replaced(t: Translator, seminar: Seminar) -> Screen:
    """A seminar of a series asks the moderator's own questions now."""
    listed = numbered_questions(seminar.questions)
    text = t.gettext("The seminar <b>{title}</b> asks your questions now:").format(
        title=esc(seminar.title)
    )
    return Screen(f"{text}\n{listed}")


def setup_cancelled(t: Translator, *, kept: bool = False) -> Screen:
    if kept:
        return Screen(t.gettext("Cancelled. The seminar keeps its questions."))
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
        (key(t.pgettext("button", "Open the answer round"), Action.OPEN_ROUND, seminar.id),)
    ]
    if previous is not None:
        label = t.pgettext("button", "Begin with the summary of «{title}»").format(
            title=previous.title[:30]
        )
        rows.append((key(label, Action.OPEN_WITH_PREVIOUS, seminar.id, previous.id),))
    if seminar.own_questions:
        rows.append((_translate_key(t, seminar),))
    return Screen(text, tuple(rows))


def _translate_key(t: Translator, seminar: Seminar) -> Key:
    return key(
        t.pgettext("button", "Add the questions in another language"),
        Action.TRANSLATE,
        seminar.id,
    )


def translation_screen(t: Translator, outcome: setup.TranslationOutcome) -> Screen:
    """The steps of giving a seminar's own questions in one more language."""
    match outcome:
        case setup.AskTranslationLanguage(seminar=seminar, languages=languages):
            return Screen(
                t.gettext(
                    "Which language will you write the questions in? Participants who use "
                    "that language get them so; the others get them in the seminar's language."
                ),
                (
                    *language_rows(Action.TRANSLATE_LANGUAGE, languages, seminar.id),
                    (key(t.pgettext("button", "Cancel"), Action.TRANSLATE_CANCEL, seminar.id),),
                ),
            )
        case setup.AskTranslatedQuestion(
            seminar=seminar, language=language, number=number, written=written
        ):
            lines = [
                t.gettext("Question {number} in {language}:").format(
                    number=number, language=Translator.language_name(language)
                )
                + f"\n<i>{esc(seminar.questions[number - 1])}</i>",
                t.gettext("Send it in {language} as a message.").format(
                    language=Translator.language_name(language)
                ),
            ]
            if written:
                listed = numbered_questions(written)
                lines.insert(0, listed)
            return Screen(
                "\n\n".join(lines),
                ((key(t.pgettext("button", "Cancel"), Action.TRANSLATE_CANCEL, seminar.id),),),
            )
        case setup.TranslationSaved(seminar=seminar, language=language):
            return Screen(
                t.gettext(
                    "Saved. Participants who use {language} get the questions in {language}."
                ).format(language=Translator.language_name(language)),
                ((_translate_key(t, seminar),),),
            )
        case setup.StandardQuestions():
            return Screen(
                t.gettext(
                    "This seminar has the method's two questions. Every participant already "
                    "gets them in their own language."
                )
            )
        case setup.InvalidSetupText(reason=reason, limit=limit):
            return invalid_setup_text(t, reason, limit)


def translation_cancelled(t: Translator) -> Screen:
    return Screen(t.gettext("Stopped. The questions in that language were not kept."))


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
                key(
                    t.pgettext("button", "Make a new link (the old one stops working)"),
                    Action.NEW_INVITE,
                    seminar.id,
                ),
            ),
            (
                key(
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
        ((key(t.pgettext("button", "Close the answer round"), Action.CLOSE_ROUND, seminar.id),),),
    )


def round_opened_participant(
    t: Translator, seminar: Seminar, reopened: bool, deadline: Deadline | None = None
) -> Screen:
    if reopened:
        # Participant: setup, round opened participant
        text = t.gettext(
            "The answer round of <b>{title}</b> is open again. You can add notes and "
            "change your own with /notes."
        ).format(title=esc(seminar.title))
    else:
        # Participant: setup, round opened participant
        text = t.gettext("The answer round of <b>{title}</b> has started!").format(
            title=esc(seminar.title)
        )
    if deadline is not None:
        text += "\n" + round_deadline(t, deadline)
    return Screen(text)


def round_closed_participant(t: Translator, seminar: Seminar, counts: NoteCounts) -> Screen:
    lines = [
        # Participant: setup, round closed participant
        t.gettext("The answer round of <b>{title}</b> is closed. Thank you!").format(
            title=esc(seminar.title)
        ),
        # Participant: setup, round closed participant
        t.ngettext(
            "Together you wrote {count} note:",
            "Together you wrote {count} notes:",
            counts.total,
        ).format(count=t.number(counts.total)),
    ]
    for index, count in enumerate(counts.per_question):
        lines.append(
            # Participant: setup, round closed participant
            t.ngettext(
                "question {number}: {count} note",
                "question {number}: {count} notes",
                count,
            ).format(number=index + 1, count=t.number(count))
        )
    lines.append(
        # Participant: setup, round closed participant
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
    for index, question in enumerate(questions_for(t, seminar)):
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
                        key(
                            t.pgettext("button", "Hide note {number}").format(number=number),
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
    return paginate("\n".join(head_lines), blocks, keys_per_row=2)


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
    if Phase.ANSWERING in outcome.seminar.rule.reopen:
        lines.append(t.gettext("To get more notes, open the answer round again with /open."))
    return Screen("\n".join(lines))


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
            f"{number}. {seminar_name(t, seminar)} ({who}, {phase_name(t, seminar.phase)})" + marker
        )
        if seminar.id != active:
            # Participant: a button that makes seminar number {number} of the list the one
            # the person works in
            label = t.pgettext("button", "Switch to seminar {number}").format(number=number)
            rows.append((key(label, Action.SWITCH_SEMINAR, seminar.id),))
    return Screen("\n".join(lines), tuple(rows[:20]))


def switched(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("You are now working in <b>{title}</b>.").format(title=esc(seminar.title))
    )
