"""Why a request changes nothing. A flow raises the refusal where it finds it, before it writes
anything; the route that ran the flow answers it in one place (`handlers/routes.py`), so no
flow returns a refusal and no handler checks for one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain import Seminar

__all__ = [
    "Gone",
    "GoneThing",
    "NoGroupsYet",
    "NoSeminar",
    "NotInGroup",
    "NotJoined",
    "NotModerator",
    "NoteGoneFromList",
    "NotesInGroups",
    "PhaseOver",
    "Refusal",
    "RoundNotOpen",
    "RoundStillOpen",
    "ShorteningClosed",
    "VotesOpen",
    "WrongPhase",
]


class Refusal(Exception):
    """The base of every refusal. `ends_buttons`: the pressed message's buttons no longer
    apply, so they go."""

    ends_buttons = False


# Not frozen: raising sets an exception's traceback, which a frozen dataclass would refuse.
@dataclass(eq=False)
class NoSeminar(Refusal):
    """The person has no seminar to act on (never made or joined one, or it is gone)."""


@dataclass(eq=False)
class NotJoined(Refusal):
    """A participant's request, from somebody who has not joined a seminar."""


@dataclass(eq=False)
class NotModerator(Refusal):
    seminar: Seminar


@dataclass(eq=False)
class WrongPhase(Refusal):
    """The seminar is not at a step where this can be done."""

    seminar: Seminar


@dataclass(eq=False)
class RoundNotOpen(Refusal):
    """A participant's note, or a button about one, while no answer round is open."""

    seminar: Seminar
    ends_buttons = True


@dataclass(eq=False)
class RoundStillOpen(Refusal):
    """Notes are shown to moderators only after the round closed."""

    seminar: Seminar


@dataclass(eq=False)
class VotesOpen(Refusal):
    """No report while a vote runs: two reports a few presses apart would show a vote."""

    seminar: Seminar


@dataclass(eq=False)
class NotesInGroups(Refusal):
    """The round cannot reopen, nor a hidden note come back, once the notes have gone to the
    groups."""

    seminar: Seminar
    reopening: bool = True  # False: a hidden note stays hidden


@dataclass(eq=False)
class NoThemesYet(Refusal):
    """A joint seminar starts from the themes of the series' ended seminars: none has any."""

    seminar: Seminar


@dataclass(eq=False)
class NoGroupsYet(Refusal):
    seminar: Seminar


@dataclass(eq=False)
class ShorteningClosed(Refusal):
    """Only between the round's close and the groups seeing the notes may a note be shortened."""

    seminar: Seminar


@dataclass(eq=False)
class NotInGroup(Refusal):
    """The person sits in no group of this seminar (or left it)."""


class GoneThing(StrEnum):
    NOTE = "note"
    THEME = "theme"
    SEMINAR = "seminar"  # the seminar a button was about, or the presser's place in it


@dataclass(eq=False)
class Gone(Refusal):
    """What the request was about no longer exists (deleted, hidden, merged, or never was)."""

    thing: GoneThing
    ends_buttons = True


@dataclass(eq=False)
class NoteGoneFromList(Gone):
    """A note pressed in a list is gone (deleted, hidden, or the writer left). The list's other
    buttons, about the other notes, still work: they stay."""

    thing: GoneThing = GoneThing.NOTE
    ends_buttons = False


@dataclass(eq=False)
class PhaseOver(Refusal):
    """A participant's button or message from a step of the group work that has ended."""

    seminar: Seminar
    ends_buttons = True
