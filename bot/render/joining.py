"""What a person sees on the way in and out: welcome, consent, language, /privacy, /help,
/forget, and the answers to input the bot cannot use (forwarded, not text, unknown, old buttons).
"""

from __future__ import annotations

from bot.callbacks import Action
from bot.domain import Phase, Role, Seminar
from bot.flows import joining
from bot.i18n import LANGUAGES, Translator
from bot.render.screens import Key, Screen, esc, key, language_rows, phase_help, phase_name


def _lang_index(language: str) -> int:
    return LANGUAGES.index(language)


# The welcome's language buttons: at most this many in a row, so each fits a phone screen.
LANGUAGES_PER_ROW = 4


def _agree_key(t: Translator, seminar: Seminar) -> Key:
    """«I agree»: names the language the welcome was read in and the join link's generation
    (a new link retires the button)."""
    return key(
        # Participant: the button that gives consent and joins the seminar
        t.pgettext("button", "✅ I agree, let me take part"),
        Action.CONSENT,
        seminar.id,
        _lang_index(t.language),
        seminar.invite_generation,
    )


def _decline_key(t: Translator, seminar: Seminar) -> Key:
    # Participant: the button that says no to the seminar; nothing is stored
    label = t.pgettext("button", "No, thanks")
    return key(label, Action.DECLINE, seminar.id, seminar.invite_generation)


def welcome(t: Translator, seminar: Seminar, retention_days: int) -> Screen:
    """The first screen: what this is, that it is anonymous, what is stored, that one can
    leave; the details are one button away, the consent button is here."""
    text = "\n\n".join(
        (
            # Participant: the title line of the first screen after opening the join link
            t.gettext("Welcome to <b>{title}</b>.").format(title=esc(seminar.title)),
            # Participant: the first screen: what the seminar is
            t.gettext(
                "Here you share good experiences with public services. You write short notes."
            ),
            # Participant: the first screen: anonymity
            t.gettext("It is anonymous. Nobody sees who wrote what, not even the moderators."),
            # Participant: the first screen: what is stored, and for how long
            t.gettext(
                "If you say yes, I store your notes and your language. Everything is deleted "
                "{days} days after the seminar ends."
            ).format(days=t.number(retention_days)),
            # Participant: the first screen: leaving
            t.gettext("You can leave at any time with /forget."),
        )
    )
    link = seminar.invite_generation
    languages = [
        key(Translator.language_name(code), Action.WELCOME_LANGUAGE, seminar.id, i, link)
        for i, code in enumerate(LANGUAGES)
    ]
    return Screen(
        text,
        (
            (_agree_key(t, seminar),),
            (
                key(
                    # Participant: the button on the first screen that shows the details
                    t.pgettext("button", "More about privacy and rules"),
                    Action.WELCOME_DETAILS,
                    seminar.id,
                    _lang_index(t.language),
                    link,
                ),
            ),
            (_decline_key(t, seminar),),
            *(
                tuple(languages[i : i + LANGUAGES_PER_ROW])
                for i in range(0, len(languages), LANGUAGES_PER_ROW)
            ),
        ),
    )


def welcome_details(t: Translator, seminar: Seminar, retention_days: int) -> Screen:
    """One button away from the welcome: how it works, what is stored and for how long, the
    ground rules and leaving; with «I agree» and the way back to the welcome."""
    text = "\n\n".join(
        (
            # Participant: the details behind the first screen: their title
            t.gettext("<b>More about privacy and rules</b>"),
            # Participant: the details behind the first screen
            t.gettext(
                "Here we collect <b>good experiences</b> with the public support services: "
                "what helped you, and why. What worked is what can be built on."
            ),
            # Participant: the details behind the first screen
            t.gettext(
                "<b>How it works.</b> You answer a few questions here in this chat, one short "
                "note per message. Later, small groups sort the notes into themes, and everyone "
                "sees the themes together."
            ),
            # Participant: the details behind the first screen
            t.gettext(
                "<b>Anonymous.</b> Nobody, not even the moderators, sees who wrote a note. "
                "Please do not write names, phone numbers or other details that could "
                "identify you or others."
            ),
            # Participant: the details behind the first screen
            t.gettext(
                "<b>What is stored.</b> If you agree, the bot stores your notes, your language "
                "and that you take part in this seminar. Your notes are kept apart from who you "
                "are. Everything is deleted {days} days after the seminar ends."
            ).format(days=t.number(retention_days)),
            # Participant: the details behind the first screen
            t.gettext(
                "<b>Ground rules.</b> What is said here stays here. Be respectful. You choose "
                "what you want to share."
            ),
            # Participant: the details behind the first screen
            t.gettext(
                "<b>Leaving.</b> You can withdraw at any time with /forget: your notes and "
                "everything about you in this seminar are deleted."
            ),
            # Participant: the details behind the first screen
            t.gettext("Nothing about you is stored until you press «I agree»."),
        )
    )
    back = key(
        # Participant: the button from the details back to the first screen
        t.pgettext("button", "◀ Back to the welcome"),
        Action.WELCOME_LANGUAGE,
        seminar.id,
        _lang_index(t.language),
        seminar.invite_generation,
    )
    return Screen(text, ((_agree_key(t, seminar),), (back,), (_decline_key(t, seminar),)))


def link_changed(t: Translator) -> Screen:
    return Screen(
        # Participant: joining, link changed
        t.gettext(
            "This invitation link has been replaced by a new one, so this button no longer "
            "works. Nothing about you has been stored. Please ask the moderator for the new "
            "link and open it."
        )
    )


def declined(t: Translator) -> Screen:
    return Screen(
        # Participant: joining, declined
        t.gettext(
            "That is fine. Nothing about you has been stored. If you change your mind, open "
            "the invitation link again."
        )
    )


def invalid_invite(t: Translator) -> Screen:
    return Screen(
        # Participant: joining, invalid invite
        t.gettext(
            "This invitation link does not work. It may have been replaced by a newer one. "
            "Please ask the moderator for the current link."
        )
    )


def seminar_ended(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        # Participant: joining, seminar ended
        t.gettext("The seminar <b>{title}</b> has ended. Thank you for your interest!").format(
            title=esc(seminar.title)
        )
    )


def already_joined(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        # Participant: joining, already joined
        t.gettext("You are already taking part in <b>{title}</b>. Welcome back!").format(
            title=esc(seminar.title)
        )
    )


def joined(t: Translator, seminar: Seminar) -> Screen:
    if seminar.writing:
        # Participant: joining, joined
        return Screen(t.gettext("Thank you for joining! Here is the first question."))
    if Phase.ANSWERING in seminar.rule.moves:  # the round has not opened yet
        return Screen(
            # Participant: joining, joined
            t.gettext(
                "Thank you for joining <b>{title}</b>! You will get the first question here "
                "when the moderator opens the answer round."
            ).format(title=esc(seminar.title))
        )
    return Screen(
        # Participant: joining, joined
        t.gettext(
            "Thank you for joining <b>{title}</b>! The answer round is closed now; you will "
            "hear from me when the seminar moves on."
        ).format(title=esc(seminar.title))
    )


def language_menu(t: Translator) -> Screen:
    """Every language, each named in its own language and script, in rows of at most four."""
    return Screen(
        # Participant: above the language buttons (/language)
        t.gettext("Which language would you like me to use?"),
        language_rows(Action.SET_LANGUAGE, range(len(LANGUAGES))),
    )


def language_set(t: Translator) -> Screen:
    # Participant: joining, language set
    return Screen(t.gettext("I will write to you in English from now on."))


def privacy(t: Translator, retention_days: int) -> Screen:
    """What /privacy promises; each sentence is held by a test (README, "Who can know what")."""
    text = "\n\n".join(
        (
            # Participant: joining, privacy
            t.gettext("<b>Privacy</b>"),
            # Participant: joining, privacy
            t.gettext(
                "The bot stores what you write and how you vote in a seminar, the language you "
                "chose, and which seminars you take part in. It does not store your name, your "
                "username or your phone number."
            ),
            # Participant: joining, privacy
            t.gettext(
                "Nobody is ever shown who wrote what, moderators included. In the database your "
                "notes are kept under a code, and your Telegram user number only in locked "
                "form. The key is kept outside the database."
            ),
            # Participant: joining, privacy
            t.gettext(
                "Moderators see the notes only after the answer round has closed, mixed and "
                "without names. A group sees its notes only if at least three people wrote "
                "them. The report has no names."
            ),
            # Participant: joining, privacy
            t.gettext(
                "If a moderator shortens or hides one of your notes, you are told, and you see "
                "the new wording."
            ),
            # Participant: joining, privacy
            t.gettext(
                "Telegram can see your chat with the bot, as with any chat. Anonymity here means "
                "that the other people in the seminar cannot tell what you wrote."
            ),
            # Participant: joining, privacy
            t.gettext(
                "A seminar and everything in it is deleted {days} days after it closes, or {days} "
                "days after anything last happened in it if it is never closed."
            ).format(days=t.number(retention_days)),
            # Participant: joining, privacy: what a series keeps after its seminars are deleted
            t.gettext(
                "Some things live longer: in a series with proposals, the series keeps the "
                "themes, a few notes and the proposals. None of them has a name."
            ),
            # Participant: joining, privacy
            t.gettext(
                "You can ask the moderators a question with /ask. They do not see who asked: "
                "only the bot knows, to send you the answer. /forget deletes your questions too."
            ),
            # Participant: joining, privacy: the wish to hear what comes of the proposals
            t.gettext(
                "If you ask for news about the proposals, the bot keeps your user number in "
                "locked form, and nothing else. It is kept after the seminar is deleted, until "
                "the work on the proposals is over. You can end it before: press «Stop telling "
                "me» or use /forget."
            ),
            # Participant: joining, privacy
            t.gettext(
                "You can withdraw at any time: /forget deletes your notes and everything about "
                "you in the seminar."
            ),
        )
    )
    return Screen(text)


def where_you_are(t: Translator, facts: joining.HelpFacts) -> str:
    """Where the person's seminar is and what they can do now: the opening of /help, and the
    whole answer to a text nothing expects."""
    if facts.seminar is None or facts.phase is None:
        # Participant: joining, where you are
        return t.gettext(
            "You are not taking part in a seminar yet. To join, open the invitation link you "
            "got from the moderator."
        )
    if facts.moderator:
        head = t.gettext("You moderate <b>{title}</b>. It is at the step «{phase}».")
    else:
        # Participant: joining, where you are
        head = t.gettext("You take part in <b>{title}</b>. It is at the step «{phase}».")
    role = Role.MODERATOR if facts.moderator else Role.PARTICIPANT
    where = head.format(title=esc(facts.seminar.title), phase=phase_name(t, facts.phase))
    return f"{where}\n{phase_help(t, facts.phase, role)}"


def _ask_keys(t: Translator, facts: joining.HelpFacts) -> tuple[tuple[Key, ...], ...]:
    """The way to ask the moderators, for a participant of a seminar that has not ended."""
    if facts.seminar is None or facts.moderator or facts.seminar.ended:
        return ()
    # Participant: joining, ask keys
    label = t.pgettext("button", "Ask the moderators")
    return ((key(label, Action.ASK_MODERATORS, facts.seminar.id),),)


def elsewhere(t: Translator, facts: joining.HelpFacts) -> Screen:
    """The answer to a text nothing expects: nothing was saved, and where things stand."""
    return Screen(
        # Participant: joining, elsewhere
        t.gettext("I did not save that message.") + "\n" + where_you_are(t, facts),
        _ask_keys(t, facts),
    )


# The commands that matter at each step, for a moderator's /help.
def _moderator_commands(t: Translator, phase: Phase) -> list[str]:
    match phase:
        case Phase.DRAFT:
            return [
                t.gettext("/invite – the join link and QR code"),
                t.gettext("/open – open the answer round"),
            ]
        case Phase.ANSWERING:
            return [
                t.gettext("/close – close the answer round and get the summary"),
                t.gettext("/paper – type in notes written on paper"),
                t.gettext("/summary – send the summary now"),
                t.gettext("/invite – the join link and QR code"),
            ]
        case Phase.GROUPING:
            return [
                t.gettext(
                    "/groups – form the groups; add a size (/groups 4), «all» for everyone and "
                    "not only those who wrote, or «deal» to spread all notes over the groups"
                ),
                t.gettext("/vote – start voting the notes into themes"),
                t.gettext("/themes – rename, merge or offer themes"),
            ]
        case Phase.VOTING:
            return [
                t.gettext("/moderate – settle ties and unsorted notes"),
                t.gettext("/themes – rename, merge or offer themes"),
                t.gettext("/plenary – show every group's themes, then the dot vote"),
            ]
        case Phase.PLENARY:
            return [
                t.gettext("/plenary – show every group's themes, then the dot vote"),
                t.gettext("/check – read the themes back to the participants"),
                t.gettext("/close_dots – close the dot vote and show the ranking"),
                t.gettext("/end – end the seminar (asks first)"),
                t.gettext("/report – the report, for the moderators and the office"),
                t.gettext("/office_email – where the report goes by e-mail"),
            ]
        case Phase.CLOSED:
            return [
                t.gettext("/report – the report, for the moderators and the office"),
                t.gettext("/office_email – where the report goes by e-mail"),
            ]


def help_text(t: Translator, facts: joining.HelpFacts) -> Screen:
    """/help: where the person's seminar is, what they can do now, and the commands for it."""
    # Participant: joining, help text
    lines = [t.gettext("<b>What I can do</b>"), where_you_are(t, facts), ""]
    if facts.seminar is None or facts.phase is None:
        lines += [
            # Participant: joining, help text
            t.gettext("/new – create a seminar"),
            # Participant: joining, help text
            t.gettext("/language – choose a language"),
            # Participant: joining, help text
            t.gettext("/privacy – what is stored, and for how long"),
            # Participant: joining, help text
            t.gettext("/help – this help"),
        ]
        return Screen("\n".join(lines))
    if not facts.moderator:
        after_plenary = facts.phase in (Phase.PLENARY, Phase.CLOSED)
        lines += [
            # Participant: joining, help text
            t.gettext("/notes – see, edit or delete your notes"),
            # Participant: joining, help text
            t.gettext("/ask – ask the moderators a question, without your name"),
            *(
                # Participant: /help after the plenary: the summary, and the short report
                [t.gettext("/summary – what came out, and the short report")]
                if after_plenary
                else []
            ),
            # Participant: joining, help text
            t.gettext("/language – choose a language"),
            # Participant: joining, help text
            t.gettext("/privacy – what is stored, and for how long"),
            # Participant: joining, help text
            t.gettext("/forget – leave the seminar and delete your notes"),
            # Participant: joining, help text
            t.gettext("/help – this help"),
            "",
            # Participant: joining, help text
            t.gettext("To run a seminar yourself, use /new."),
        ]
        return Screen("\n".join(lines), _ask_keys(t, facts))
    lines += [
        t.gettext("<b>Commands that matter now</b>"),
        *_moderator_commands(t, facts.phase),
        "",
        t.gettext("<b>Any time</b>"),
        t.gettext("/cockpit – the cockpit: the next step and live counts, with buttons"),
        t.gettext("/questions – participants' questions waiting for an answer"),
        t.gettext("/announce – send a message to all participants"),
        t.gettext("/schedule – open, close, remind and summarise at set times"),
        t.gettext("/seminars – switch between your seminars"),
        t.gettext(
            "/moderators – co-moderators; the owner can hand the seminar over to one of them"
        ),
        # Participant: joining, help text
        t.gettext("/new – create a seminar"),
        # Participant: joining, help text
        t.gettext("/language – choose a language"),
        # Participant: joining, help text
        t.gettext("/privacy – what is stored, and for how long"),
        # Participant: joining, help text
        t.gettext("/help – this help"),
        "",
        t.gettext("<b>In a group chat</b>"),
        t.gettext("/bind – in a group chat: make it the plenary chat"),
        t.gettext("/bind office – in the office's group chat: it gets the report"),
    ]
    return Screen("\n".join(lines))


def forget_ask(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        # Participant: joining, forget ask
        t.gettext(
            "Do you want to leave <b>{title}</b>? Your notes and everything about you in this "
            "seminar will be deleted. This cannot be undone."
        ).format(title=esc(seminar.title)),
        (
            (
                # Participant: joining, forget ask
                key(t.pgettext("button", "Yes, delete everything"), Action.FORGET, seminar.id),
                # Participant: joining, forget ask
                key(t.pgettext("button", "No, stay"), Action.FORGET_CANCEL, seminar.id),
            ),
        ),
    )


def forgotten(t: Translator, seminar: Seminar) -> Screen:
    # Participant: joining, forgotten
    text = t.gettext(
        "Done. Your notes and everything about you in <b>{title}</b> have been deleted. "
        "Thank you for your time."
    ).format(title=esc(seminar.title))
    if seminar.rule.joining:
        # Participant: joining, forgotten
        text += " " + t.gettext(
            "If you want to take part again, open the join link you got from the moderator."
        )
    return Screen(text)


def forget_kept(t: Translator) -> Screen:
    # Participant: joining, forget kept
    return Screen(t.gettext("Good, nothing was deleted."))


def moderator_cannot_forget(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "You are a moderator of <b>{title}</b>, so you cannot leave it with /forget."
        ).format(title=esc(seminar.title))
    )


def not_joined(t: Translator) -> Screen:
    return Screen(
        # Participant: joining, not joined
        t.gettext(
            "You are not taking part in a seminar now. To join one, or to join again after "
            "leaving, open the join link you got from the moderator."
        )
    )


def text_only(t: Translator) -> Screen:
    return Screen(
        # Participant: joining, text only
        t.gettext(
            "I can only save text. Please write your note as a message; pictures, stickers, "
            "voice messages and files are not saved."
        )
    )


def forwarded(t: Translator) -> Screen:
    return Screen(
        # Participant: joining, forwarded
        t.gettext(
            "That was a forwarded message, so I did not save it. Please write your note in "
            "your own words."
        )
    )


def unknown_command(t: Translator) -> Screen:
    # Participant: joining, unknown command
    return Screen(t.gettext("I do not know that command. /help shows what I can do."))


def private_only(t: Translator, bot_username: str) -> Screen:
    return Screen(
        # Participant: joining, private only
        t.gettext(
            "I work in private chats, so that answers stay anonymous. Write to me at @{bot}."
        ).format(bot=esc(bot_username))
    )


def expired_button(t: Translator) -> str:
    # Participant: joining, expired button
    return t.gettext("This button has expired. Please use the newest message.")


def invalid_button(t: Translator) -> str:
    # Participant: joining, invalid button
    return t.gettext("This button is not valid.")


def late_notice(notice: str) -> Screen:
    """What a button press has to say, as a message: a screen reader reads a message, never a
    toast."""
    return Screen(esc(notice))
