"""Running the room: co-moderators, seminars, announcements, the plenary chat, paper notes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain import InviteProblem, Member, Moderator, NoteCounts, Person, Seminar
from bot.expectations import Expectation, Expecting, PaperNotesDraft
from bot.flows.answering import EmptyNote, NoteTooLong, NothingPending, check_note
from bot.flows.clean_text import clean_text, one_line
from bot.flows.deps import Deps
from bot.flows.personal_data import HeldDropped, HeldText, PersonalDataFound, question
from bot.flows.refusals import Gone, GoneThing, NoSeminar, NotModerator, WrongPhase
from bot.flows.setup import participants_of
from bot.store.seminars import SeminarRole

__all__ = [
    "MODERATOR_INVITE_PREFIX",
    "AnnounceUsage",
    "Announcement",
    "BindRefused",
    "Bound",
    "HandOverOffer",
    "HandedOver",
    "InviteRefused",
    "ModeratorInvite",
    "ModeratorJoined",
    "ModeratorList",
    "MySeminars",
    "NoLongerModerator",
    "NotOwner",
    "OwnerStays",
    "PaperMode",
    "PaperSaved",
    "Progress",
    "ProgressChat",
    "RoundOver",
]

MODERATOR_INVITE_PREFIX = "mod-"
MODERATOR_INVITE_LIFETIME = timedelta(hours=24)
MAX_ANNOUNCEMENT = 1000


@dataclass(frozen=True, slots=True)
class ModeratorInvite:
    seminar: Seminar
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ModeratorJoined:
    seminar: Seminar
    language: str


@dataclass(frozen=True, slots=True)
class InviteRefused:
    reason: InviteProblem
    language: str


@dataclass(frozen=True, slots=True)
class ModeratorList:
    seminar: Seminar
    viewer_owns: bool
    others: list[Moderator]


@dataclass(frozen=True, slots=True)
class OwnerStays:
    """A moderator tried to remove an owner of the seminar."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NotOwner:
    """Only an owner can hand ownership over."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class NoLongerModerator:
    """The person ownership was to go to is no moderator of the seminar (any more)."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class HandOverOffer:
    """What the owner is asked to confirm."""

    seminar: Seminar
    successor: Moderator


@dataclass(frozen=True, slots=True)
class HandedOver:
    seminar: Seminar
    successor: Moderator
    successor_language: str


@dataclass(frozen=True, slots=True)
class MySeminars:
    """Every seminar the person is in, with their role there, and the one they act on."""

    seminars: list[SeminarRole]
    active: int | None


@dataclass(frozen=True, slots=True)
class Announcement:
    seminar: Seminar
    text: str
    recipients: list[Member]


@dataclass(frozen=True, slots=True)
class AnnounceUsage:
    """/announce with no message after it (or one too long): how to use it."""


@dataclass(frozen=True, slots=True)
class Bound:
    seminar: Seminar


@dataclass(frozen=True, slots=True)
class BindRefused:
    """The one binding a chat is not both its administrator and a moderator."""


@dataclass(frozen=True, slots=True)
class PaperMode:
    seminar: Seminar
    question: int


@dataclass(frozen=True, slots=True)
class PaperSaved:
    seminar: Seminar
    question: int
    text: str
    count: int


async def create_moderator_invite(deps: Deps, person: Person, seminar_id: int) -> ModeratorInvite:
    """A co-moderator invite works once and for 24 hours."""
    seminar = await deps.moderating(person, seminar_id)
    expires = deps.clock.now() + MODERATOR_INVITE_LIFETIME
    code = await deps.store.create_moderator_invite(seminar.id, expires)
    return ModeratorInvite(seminar, MODERATOR_INVITE_PREFIX + code, expires)


async def redeem_moderator_invite(
    deps: Deps, person: Person, code: str, display_name: str
) -> ModeratorJoined | InviteRefused:
    language = await deps.language(person)
    redeemed = await deps.store.redeem_moderator_invite(
        code.removeprefix(MODERATOR_INVITE_PREFIX), deps.clock.now()
    )
    if isinstance(redeemed, InviteProblem):
        return InviteRefused(redeemed, language)
    seminar = await deps.store.seminar(redeemed)
    if seminar is None:
        return InviteRefused(InviteProblem.UNKNOWN, language)
    await deps.store.save_user_language(person.tg_id, language)
    await deps.store.make_moderator(seminar.id, person.tg_id, one_line(display_name)[:64])
    return ModeratorJoined(seminar, language)


async def co_moderators(deps: Deps, person: Person) -> ModeratorList:
    """The other moderators, and whether the one asking owns the seminar."""
    seminar = await deps.moderating(person)
    everyone = await deps.store.moderator_list(seminar.id)
    viewer_owns = any(m.owner for m in everyone if m.tg_id == person.tg_id)
    return ModeratorList(seminar, viewer_owns, [m for m in everyone if m.tg_id != person.tg_id])


async def remove_co_moderator(
    deps: Deps, person: Person, seminar_id: int, tg_id: int
) -> bool | OwnerStays:
    """Any moderator may remove a co-moderator; nobody may remove an owner, so the creator
    cannot be locked out of their own seminar. False when there was nobody to remove."""
    seminar = await deps.moderating(person, seminar_id)
    if tg_id == person.tg_id:
        return False
    target = await deps.store.membership(seminar.id, tg_id)
    if target is not None and target.owner:
        return OwnerStays(seminar)
    wrote = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, tg_id))
    return await deps.store.demote_moderator(seminar.id, tg_id, wrote=wrote is not None)


async def offer_ownership(
    deps: Deps, person: Person, seminar_id: int, tg_id: int
) -> HandOverOffer | NotOwner | NoLongerModerator:
    """Asks the owner to confirm: a hand-over cannot be taken back by the one who made it.
    The offer names the seminar an owner hands over and the other moderator who is to own it."""
    seminar = await deps.moderating(person, seminar_id)
    everyone = {m.tg_id: m for m in await deps.store.moderator_list(seminar.id)}
    giver = everyone.get(person.tg_id)
    if giver is None or not giver.owner:
        return NotOwner(seminar)
    successor = everyone.get(tg_id)
    if successor is None or tg_id == person.tg_id:
        return NoLongerModerator(seminar)
    return HandOverOffer(seminar, successor)


async def hand_over_ownership(
    deps: Deps, person: Person, seminar_id: int, tg_id: int
) -> HandedOver | NotOwner | NoLongerModerator:
    """Makes another moderator the seminar's only owner; the one who hands over stays a
    moderator, as a co-moderator.

    One owner, not two: the owner is the one person nobody can remove, so a hand-over that
    kept the giver an owner would only ever add people nobody can remove, and a seminar handed
    to the wrong person could not be taken back from them. The giver keeps running the room.
    In a migrated database, where every moderator became an owner, the first hand-over leaves
    the one it names as the only owner, as the others never chose to be owners.
    """
    offer = await offer_ownership(deps, person, seminar_id, tg_id)
    if not isinstance(offer, HandOverOffer):
        return offer
    seminar, successor = offer.seminar, offer.successor
    member = await deps.store.membership(seminar.id, tg_id)
    if member is None or not await deps.store.hand_over_ownership(seminar.id, tg_id):
        return NoLongerModerator(seminar)
    return HandedOver(seminar, successor, member.language)


async def my_seminars(deps: Deps, person: Person) -> MySeminars:
    user = await deps.store.user(person.tg_id)
    active = user.active_seminar_id if user else None
    return MySeminars(await deps.store.seminars_of(person.tg_id), active)


async def switch_seminar(deps: Deps, person: Person, seminar_id: int) -> Seminar:
    """The seminar the person acts on from now; refused when they are no longer in it."""
    member = await deps.store.membership(seminar_id, person.tg_id)
    seminar = await deps.store.seminar(seminar_id)
    if member is None or seminar is None:
        raise Gone(GoneThing.SEMINAR)
    await deps.store.set_active_seminar(person.tg_id, seminar_id)
    return seminar


async def announce(deps: Deps, person: Person, text: str) -> Announcement | AnnounceUsage:
    """A short message from the moderators to every participant; the usage when it is empty
    or too long."""
    seminar = await deps.moderating(person)
    text = clean_text(text)
    if not text or len(text) > MAX_ANNOUNCEMENT:
        return AnnounceUsage()
    if seminar.ended:
        raise WrongPhase(seminar)
    return Announcement(seminar, text, await participants_of(deps, seminar))


async def bind_plenary_chat(
    deps: Deps, person: Person, chat_id: int, is_chat_admin: bool, *, office: bool = False
) -> Bound | BindRefused:
    """Only someone who is both an administrator of the chat and a moderator may bind it,
    as the plenary chat or, with office, as the service office's chat for the report."""
    try:
        seminar = await deps.moderating(person)
    except (NoSeminar, NotModerator):
        # Said in the group chat, in the same words for either: nobody there learns who
        # moderates what.
        return BindRefused()
    if not is_chat_admin:
        return BindRefused()
    if office:
        await deps.store.set_office_chat(seminar.id, chat_id)
    else:
        await deps.store.set_plenary_chat(seminar.id, chat_id)
    bound = await deps.store.seminar(seminar.id)
    assert bound is not None
    return Bound(bound)


async def start_paper_notes(deps: Deps, person: Person, question: int = 0) -> PaperMode:
    """Notes written on paper in the room, typed in by a moderator, anonymous like the rest."""
    seminar = await deps.moderating(person)
    if not seminar.writing:
        raise WrongPhase(seminar)
    question = max(0, min(question, len(seminar.questions) - 1))
    await _set_paper_mode(deps, person, PaperNotesDraft(seminar.id, question))
    return PaperMode(seminar, question)


async def stop_paper_notes(deps: Deps, person: Person) -> None:
    await deps.store.expect(person.tg_id)


@dataclass(frozen=True, slots=True)
class PaperModeOn:
    """A moderator typing in paper notes: the seminar and their draft."""

    seminar: Seminar
    draft: PaperNotesDraft


async def _paper_mode(deps: Deps, person: Person) -> PaperModeOn | NothingPending:
    """The seminar and state of a moderator typing in paper notes; NothingPending when they
    are not typing any."""
    user = await deps.store.user(person.tg_id)
    if user is None or not isinstance(user.expectation.draft, PaperNotesDraft):
        return NothingPending()
    draft = user.expectation.draft
    seminar = await deps.moderating(person, draft.seminar)
    if not seminar.writing:
        # The round closed while they typed: paper notes end with it, refusal or not.
        await stop_paper_notes(deps, person)
        raise WrongPhase(seminar)
    return PaperModeOn(seminar, draft)


async def paper_note(
    deps: Deps, person: Person, text: str
) -> PaperSaved | EmptyNote | NoteTooLong | PersonalDataFound | NothingPending:
    mode = await _paper_mode(deps, person)
    if not isinstance(mode, PaperModeOn):
        return mode
    seminar, draft = mode.seminar, mode.draft
    checked = check_note(text, deps.settings.note_max_length)
    if not isinstance(checked, str):
        return checked
    text = checked
    if (asked := question(seminar, text, HeldText.PAPER_NOTE)) is not None:
        # Held in the moderator's own state until they keep or drop it, seen by nobody else.
        await _set_paper_mode(deps, person, replace(draft, held=text))
        return asked
    return await _save_paper_note(deps, seminar, draft.question, text)


async def _set_paper_mode(deps: Deps, person: Person, draft: PaperNotesDraft) -> None:
    await deps.store.expect(person.tg_id, Expectation(Expecting.PAPER_NOTES, draft))


async def _save_paper_note(deps: Deps, seminar: Seminar, question: int, text: str) -> PaperSaved:
    await deps.store.add_paper_note(seminar.id, question, text)
    notes = await deps.store.seminar_notes(seminar.id)
    count = sum(1 for n in notes if n.paper)
    return PaperSaved(seminar, question, text, count)


@dataclass(frozen=True, slots=True)
class HeldPaperNote:
    seminar: Seminar
    draft: PaperNotesDraft  # without the held note
    held: str


async def _held_paper_note(
    deps: Deps, person: Person, seminar_id: int
) -> HeldPaperNote | NothingPending:
    mode = await _paper_mode(deps, person)
    if not isinstance(mode, PaperModeOn):
        return mode
    held = mode.draft.held
    if mode.seminar.id != seminar_id or held is None:
        return NothingPending()
    return HeldPaperNote(mode.seminar, replace(mode.draft, held=None), held)


async def keep_paper_note(
    deps: Deps, person: Person, seminar_id: int
) -> PaperSaved | NothingPending:
    """The moderator confirmed that a paper note with a detail identifies nobody."""
    found = await _held_paper_note(deps, person, seminar_id)
    if not isinstance(found, HeldPaperNote):
        return found
    await _set_paper_mode(deps, person, found.draft)
    return await _save_paper_note(deps, found.seminar, found.draft.question, found.held)


async def drop_paper_note(
    deps: Deps, person: Person, seminar_id: int
) -> HeldDropped | NothingPending:
    found = await _held_paper_note(deps, person, seminar_id)
    if not isinstance(found, HeldPaperNote):
        return found
    await _set_paper_mode(deps, person, found.draft)
    await deps.store.checkpoint()  # gone from the write-ahead log too
    return HeldDropped(HeldText.PAPER_NOTE)


# -- live progress ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgressChat:
    """A chat that follows the answer round live: the plenary chat."""

    chat_id: int
    language: str
    message_id: int | None = None  # the progress message there, once it was posted


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the answer round has come, in counts only, and the chats that follow it."""

    seminar: Seminar
    counts: NoteCounts
    participants: int
    chats: list[ProgressChat]


@dataclass(frozen=True, slots=True)
class RoundOver:
    """The round closed (or the seminar is gone): its progress messages stay as they were."""


async def _progress(deps: Deps, seminar: Seminar, chats: list[ProgressChat]) -> Progress:
    counts = await deps.store.note_counts(seminar)
    participants = len(await participants_of(deps, seminar))
    return Progress(seminar, counts, participants, chats)


async def progress_to_post(deps: Deps, seminar: Seminar) -> Progress:
    """The progress at the round's opening, for the plenary chat (each moderator follows it
    in their cockpit)."""
    chats = []
    if seminar.plenary_chat_id is not None:
        chats.append(ProgressChat(seminar.plenary_chat_id, seminar.language))
    return await _progress(deps, seminar, chats)


async def progress_posted(deps: Deps, seminar: Seminar, chat_id: int, message_id: int) -> None:
    """Keeps the posted message's id, so later notes edit it."""
    await deps.store.save_progress_message(seminar.id, chat_id, message_id)


async def progress_to_refresh(deps: Deps, seminar_id: int) -> Progress | RoundOver:
    """The progress now, for every message posted, each in its reader's language."""
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None or not seminar.writing:
        return RoundOver()
    languages = {m.tg_id: m.language for m in await deps.moderators(seminar.id)}
    chats = [
        ProgressChat(
            posted.chat_id, languages.get(posted.chat_id, seminar.language), posted.message_id
        )
        for posted in await deps.store.progress_messages(seminar.id)
    ]
    return await _progress(deps, seminar, chats)
