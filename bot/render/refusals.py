"""Why a request changed nothing: one screen per refusal, answered in one place
(`handlers/routes.answer_refusals`)."""

from __future__ import annotations

from bot.domain import Seminar
from bot.flows import refusals
from bot.i18n import Translator
from bot.render import answering as answering_view
from bot.render import groups as groups_view
from bot.render import joining as joining_view
from bot.render.screens import Screen, esc, phase_name, phase_over

__all__ = ["refusal"]


def refusal(t: Translator, outcome: refusals.Refusal) -> Screen:
    """Why a request did nothing."""
    match outcome:
        case refusals.NoSeminar():
            return no_seminar(t)
        case refusals.NotModerator():
            return not_moderator(t)
        case refusals.WrongPhase(seminar=seminar):
            return wrong_phase(t, seminar)
        case refusals.NoThemesYet(seminar=seminar):
            return Screen(
                t.gettext(
                    "A joint seminar starts from the themes of the users' and the staff's "
                    "seminars in <b>{title}</b>, once they have ended. None has ended with "
                    "themes yet."
                ).format(title=esc(seminar.title))
            )
        case refusals.RoundStillOpen(seminar=seminar):
            return round_still_open(t, seminar)
        case refusals.NotesInGroups(seminar=seminar, reopening=False):
            return Screen(
                t.gettext(
                    "The notes of <b>{title}</b> have already gone to the groups: the note "
                    "stays hidden."
                ).format(title=esc(seminar.title))
            )
        case refusals.NotesInGroups(seminar=seminar):
            return notes_in_groups(t, seminar)
        case refusals.VotesOpen(seminar=seminar):
            return votes_open(t, seminar)
        case refusals.NotJoined():
            return joining_view.not_joined(t)
        case refusals.RoundNotOpen(seminar=seminar):
            return answering_view.round_not_open(t, seminar)
        case refusals.NoGroupsYet():
            return groups_view.no_groups_yet(t)
        case refusals.ShorteningClosed():
            return groups_view.shortening_closed(t)
        case refusals.NotInGroup():
            return groups_view.not_in_group(t)
        case refusals.Gone(thing=refusals.GoneThing.NOTE):
            return answering_view.note_gone(t)
        case refusals.Gone(thing=refusals.GoneThing.THEME):
            return Screen(
                # Participant: refusals, refusal
                t.gettext("That theme no longer exists: it was merged or removed meanwhile.")
            )
        case refusals.Gone(thing=refusals.GoneThing.SEMINAR):
            return Screen(joining_view.expired_button(t))  # the seminar's buttons are all old
        case refusals.PhaseOver(seminar=seminar):
            return Screen(phase_over(t, seminar))
        case _:
            raise AssertionError(f"a refusal without a screen: {outcome!r}")


def no_seminar(t: Translator) -> Screen:
    return Screen(t.gettext("You have no seminar yet. Create one with /new."))


def not_moderator(t: Translator) -> Screen:
    # Participant: refusals, not moderator
    return Screen(t.gettext("Only the seminar's moderators can do that."))


def wrong_phase(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        # Participant: refusals, wrong phase
        t.gettext("That is not possible now: <b>{title}</b> is at the step «{phase}».").format(
            title=esc(seminar.title), phase=phase_name(t, seminar.phase)
        )
    )


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
