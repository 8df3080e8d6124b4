"""Joining a seminar with consent, choosing a language, and leaving with /forget."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Member, Person, Phase, Role, Seminar, Writer
from bot.flows.deps import Deps
from bot.flows.refusals import Gone, GoneThing, NotJoined
from bot.i18n import LANGUAGES

__all__ = [
    "AlreadyJoined",
    "Declined",
    "ForgetAsked",
    "Forgotten",
    "HearingForgotten",
    "HelpFacts",
    "InvalidInvite",
    "Joined",
    "LinkChanged",
    "ModeratorCannotForget",
    "SeminarEnded",
    "Welcome",
    "confirm_forget",
    "consent",
    "decline",
    "forget_target",
    "help_facts",
    "open_invite",
    "rewelcome",
    "set_language",
]


@dataclass(frozen=True, slots=True)
class Welcome:
    seminar: Seminar
    language: str


@dataclass(frozen=True, slots=True)
class InvalidInvite:
    language: str


@dataclass(frozen=True, slots=True)
class LinkChanged:
    """A welcome or consent button of a join link the moderators have since replaced."""

    seminar: Seminar
    language: str


@dataclass(frozen=True, slots=True)
class SeminarEnded:
    seminar: Seminar
    language: str


@dataclass(frozen=True, slots=True)
class AlreadyJoined:
    seminar: Seminar
    language: str
    writer: Writer | None


@dataclass(frozen=True, slots=True)
class Joined:
    seminar: Seminar
    language: str
    writer: Writer


@dataclass(frozen=True, slots=True)
class Declined:
    """The person said no: nothing about them was stored."""


@dataclass(frozen=True, slots=True)
class ForgetAsked:
    """The seminar /forget would take the person out of, once they confirm."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class HearingForgotten:
    """/forget from somebody in no seminar any more, whose wishes to hear back from a series
    it deleted."""

    withdrawn: int


@dataclass(frozen=True, slots=True)
class Forgotten:
    seminar: Seminar
    language: str


@dataclass(frozen=True, slots=True)
class ModeratorCannotForget:
    seminar: Seminar


async def _already_joined(
    deps: Deps, person: Person, seminar: Seminar, member: Member
) -> AlreadyJoined:
    writer = await deps.store.writer(seminar.id, deps.keys.pseudonym(seminar.id, person.tg_id))
    return AlreadyJoined(seminar, member.language, writer)


async def _seminar(deps: Deps, seminar_id: int) -> Seminar:
    """The seminar a welcome, consent or /forget button names; gone once it was deleted."""
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        raise Gone(GoneThing.SEMINAR)
    return seminar


async def open_invite(
    deps: Deps, person: Person, code: str, language: int | None = None
) -> Welcome | InvalidInvite | SeminarEnded | AlreadyJoined:
    """Shows the welcome for an invite code; stores nothing about the person."""
    lang = LANGUAGES[language] if language is not None else await deps.language(person)
    seminar = await deps.store.seminar_by_code(code) if code else None
    if seminar is None:
        return InvalidInvite(lang)
    return await welcome_for(deps, person, seminar, lang)


async def welcome_for(
    deps: Deps, person: Person, seminar: Seminar, language: str
) -> Welcome | SeminarEnded | AlreadyJoined:
    if not seminar.rule.joining:
        return SeminarEnded(seminar, language)
    member = await deps.store.membership(seminar.id, person.tg_id)
    if member is None:
        return Welcome(seminar, language)
    return await _already_joined(deps, person, seminar, member)


def _from_replaced_link(seminar: Seminar, link_generation: int | None) -> bool:
    """A welcome or consent button names the generation of the link it came from (a button
    made before links were counted names none): a new link retires the old one's buttons."""
    return link_generation != seminar.invite_generation


async def rewelcome(
    deps: Deps, person: Person, seminar_id: int, language: int, *, link_generation: int | None
) -> Welcome | SeminarEnded | AlreadyJoined | LinkChanged:
    """The welcome again in another language, still storing nothing."""
    seminar = await _seminar(deps, seminar_id)
    lang = LANGUAGES[language]
    if _from_replaced_link(seminar, link_generation):
        return LinkChanged(seminar, lang)
    return await welcome_for(deps, person, seminar, lang)


async def decline(
    deps: Deps, person: Person, seminar_id: int, *, link_generation: int | None
) -> Declined | LinkChanged:
    """Nothing is stored either way; a button of a replaced link says so rather than
    pretend the person has answered the current one."""
    seminar = await _seminar(deps, seminar_id)
    if _from_replaced_link(seminar, link_generation):
        return LinkChanged(seminar, await deps.language(person))
    return Declined()


async def consent(
    deps: Deps, person: Person, seminar_id: int, language: int, *, link_generation: int | None
) -> Joined | AlreadyJoined | SeminarEnded | LinkChanged:
    """The person agreed: from here on, and only from here, something about them is stored.
    Only on the welcome of the seminar's current join link: replacing the link is how the
    moderators stop a link that went where it should not from letting anybody in."""
    seminar = await _seminar(deps, seminar_id)
    lang = LANGUAGES[language]
    if not seminar.rule.joining:
        return SeminarEnded(seminar, lang)
    member = await deps.store.membership(seminar.id, person.tg_id)
    if member is not None:
        existing = await _already_joined(deps, person, seminar, member)
        if existing.writer is not None:
            return existing
    if _from_replaced_link(seminar, link_generation):
        return LinkChanged(seminar, lang)
    await deps.store.save_user_language(person.tg_id, lang)
    await deps.store.add_member(seminar.id, person.tg_id, Role.PARTICIPANT)
    pseudonym = deps.keys.pseudonym(seminar.id, person.tg_id)
    await deps.store.add_writer(seminar.id, pseudonym)
    writer = await deps.store.writer(seminar.id, pseudonym)
    assert writer is not None
    return Joined(seminar, lang, writer)


async def set_language(deps: Deps, person: Person, language: int) -> str:
    """Stores the chosen language; a person may ask for this without joining anything."""
    lang = LANGUAGES[language]
    await deps.store.save_user_language(person.tg_id, lang)
    # News of a series' proposals they asked for comes in the language they read now.
    await deps.store.relanguage_wishes(person.tg_id, lang)
    return lang


@dataclass(frozen=True, slots=True)
class HelpFacts:
    """What /help (and the answer to a text nothing expects) depends on: the seminar the person
    is in, if any, the step it is at, and whether they moderate it (a moderator's next step and
    commands) or take part (what they can do now)."""

    moderator: bool
    phase: Phase | None
    seminar: Seminar | None = None


async def help_facts(deps: Deps, person: Person) -> HelpFacts:
    seminar = await deps.active_seminar(person)
    member = await deps.store.membership(seminar.id, person.tg_id) if seminar else None
    if seminar is None or member is None:
        return HelpFacts(moderator=False, phase=None)
    return HelpFacts(member.role is Role.MODERATOR, seminar.phase, seminar)


async def forget_target(
    deps: Deps, person: Person
) -> ForgetAsked | ModeratorCannotForget | HearingForgotten:
    """What /forget would take the person out of: their active seminar, if they joined it.
    Somebody whose seminars are gone may still have asked to hear back from their series:
    those wishes go at once."""
    seminar = await deps.active_seminar(person)
    member = await deps.store.membership(seminar.id, person.tg_id) if seminar else None
    if seminar is None or member is None:
        withdrawn = await deps.store.withdraw_wishes(person.tg_id)
        if withdrawn:
            return HearingForgotten(withdrawn)
        raise NotJoined()
    if member.role is Role.MODERATOR:
        return ModeratorCannotForget(seminar)
    return ForgetAsked(seminar)


async def confirm_forget(
    deps: Deps, person: Person, seminar_id: int
) -> Forgotten | ModeratorCannotForget:
    """Deletes the person's notes, their questions to the moderators, their wish to hear back
    from the seminar's series and everything about them in the seminar."""
    seminar = await _seminar(deps, seminar_id)
    member = await deps.store.membership(seminar_id, person.tg_id)
    if member is None:  # forgotten already, by an earlier press
        raise Gone(GoneThing.SEMINAR)
    if member.role is Role.MODERATOR:
        return ModeratorCannotForget(seminar)
    language = member.language
    await deps.store.forget_questions(seminar.id, person.tg_id)
    await deps.store.withdraw_wishes(person.tg_id, [seminar.series_id])
    await deps.store.forget(seminar.id, person.tg_id, deps.keys.pseudonym(seminar.id, person.tg_id))
    # Out of the write-ahead log too, once the deletion has committed.
    await deps.store.checkpoint()
    return Forgotten(seminar, language)
