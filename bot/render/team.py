"""What the moderators see of each other and of the room: co-moderators, ownership, /bind,
/announce, paper notes, live progress and the plenary chat's news.
"""

from __future__ import annotations

from bot.callbacks import Action
from bot.domain import InviteProblem, Moderator, NoteCounts, Seminar
from bot.flows import team
from bot.i18n import Translator
from bot.render.screens import Key, Screen, esc, key, phase_name, question_text


def moderator_invite(t: Translator, seminar: Seminar, link: str, expires: str) -> Screen:
    return Screen(
        t.gettext(
            "Send this link to one co-moderator of <b>{title}</b>. It works once, until {expires}:"
        ).format(title=esc(seminar.title), expires=esc(expires))
        + f"\n{esc(link)}"
    )


def moderator_invite_refused(t: Translator, reason: InviteProblem) -> Screen:
    match reason:
        case InviteProblem.USED:
            text = t.gettext("This moderator invitation has already been used. Ask for a new one.")
        case InviteProblem.EXPIRED:
            text = t.gettext("This moderator invitation has expired. Ask for a new one.")
        case _:
            text = t.gettext("This moderator invitation does not exist.")
    return Screen(text)


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
            row.append(key(label, Action.REMOVE_MODERATOR, seminar.id, other.tg_id))
        if listing.viewer_owns:
            label = t.pgettext("button", "Make {name} the owner").format(name=name)
            row.append(key(label, Action.OWNERSHIP_ASK, seminar.id, other.tg_id))
        if row:
            rows.append(tuple(row))
    rows.append(
        (key(t.pgettext("button", "Invite a co-moderator"), Action.INVITE_MODERATOR, seminar.id),)
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
                key(
                    t.pgettext("button", "Yes, make them the owner"),
                    Action.OWNERSHIP_GIVE,
                    seminar.id,
                    offer.successor.tg_id,
                ),
                key(t.pgettext("button", "No, keep it"), Action.OWNERSHIP_KEEP, seminar.id),
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


def ownership_refusal(t: Translator, outcome: team.NotOwner | team.NoLongerModerator) -> Screen:
    """Why a hand-over did not happen."""
    match outcome:
        case team.NotOwner(seminar=seminar):
            return not_owner(t, seminar)
        case team.NoLongerModerator():
            return no_longer_moderator(t)


def announcement(t: Translator, seminar: Seminar, text: str) -> Screen:
    return Screen(
        # Participant: team, announcement
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
            key(
                ("✅ " if index == question else "")
                + t.pgettext("button", "Question {number}").format(number=index + 1),
                Action.PAPER_QUESTION,
                index,
            )
            for index in range(len(seminar.questions))
        ),
        (key(t.pgettext("button", "Done"), Action.PAPER_DONE),),
    ]
    return Screen(
        t.gettext(
            "Type the notes written on paper, one per message. They are anonymous like all "
            "others. Now: question {number}."
        ).format(number=question + 1)
        + f"\n<i>{esc(question_text(t, seminar, question))}</i>",
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
                # Participant: team, progress
                t.gettext("<b>{title}</b>: live progress").format(title=esc(seminar.title)),
                # Participant: team, progress
                t.ngettext("{count} note so far", "{count} notes so far", counts.total).format(
                    count=t.number(counts.total)
                ),
                # Participant: team, progress
                t.gettext("{done} of {total} participants done").format(
                    done=t.number(counts.writers_done), total=t.number(participants)
                ),
            )
        )
    )


def phase_announcement(t: Translator, seminar: Seminar) -> Screen:
    """What the plenary chat sees when the seminar moves on."""
    return Screen(
        # Participant: team, phase announcement
        t.gettext("<b>{title}</b> is now at «{phase}».").format(
            title=esc(seminar.title), phase=phase_name(t, seminar.phase)
        )
    )


def office_bound(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("This chat will get the report of <b>{title}</b>.").format(
            title=esc(seminar.title)
        )
    )
