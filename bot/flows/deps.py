"""What every flow needs, passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Settings
from bot.domain import Member, Person, Role, Seminar, User
from bot.flows import refusals
from bot.i18n import language_for
from bot.keys import Keyring
from bot.store import Store

__all__ = ["Deps"]


@dataclass(frozen=True, slots=True)
class Deps:
    store: Store
    keys: Keyring
    settings: Settings
    clock: Clock = field(default_factory=Clock)

    async def language(self, person: Person, user: User | None = None) -> str:
        """The stored choice first, then the Telegram client's language."""
        if user is None:
            user = await self.store.user(person.tg_id)
        if user is not None:
            return user.language
        return language_for(person.language_code, self.settings.fallback_language)

    async def active_seminar(self, person: Person) -> Seminar | None:
        user = await self.store.user(person.tg_id)
        if user is None or user.active_seminar_id is None:
            return None
        return await self.store.seminar(user.active_seminar_id)

    async def moderating(self, person: Person, seminar_id: int | None = None) -> Seminar:
        """The seminar a moderator acts on: the given one or their active one. Refuses
        anybody who does not moderate it."""
        if seminar_id is None:
            seminar = await self.active_seminar(person)
        else:
            seminar = await self.store.seminar(seminar_id)
        if seminar is None:
            raise refusals.NoSeminar()
        member = await self.store.membership(seminar.id, person.tg_id)
        if member is None or member.role is not Role.MODERATOR:
            raise refusals.NotModerator(seminar)
        return seminar

    async def moderators(self, seminar_id: int) -> list[Member]:
        return [m for m in await self.store.members(seminar_id) if m.role is Role.MODERATOR]
