"""A member's theme proposal as the bot takes it: a press on «New theme», then the name."""

from __future__ import annotations

from bot.domain import Person
from bot.expectations import ThemeToPropose
from bot.flows import themes
from bot.flows.deps import Deps
from bot.flows.personal_data import PersonalDataFound

__all__ = ["name_theme"]


async def name_theme(
    deps: Deps, person: Person, seminar_id: int, name: str, note_id: int = 0
) -> themes.ThemeAdded | themes.InvalidThemeName | themes.ThemeLimitReached | PersonalDataFound:
    await themes.ask_theme(deps, person, seminar_id, note_id)
    user = await deps.store.user(person.tg_id)
    assert user is not None
    assert isinstance(user.expectation.draft, ThemeToPropose)
    return await themes.propose_theme(deps, person, user.expectation.draft, name)
