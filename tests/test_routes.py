"""The route tables: every expected text, button and command is routed once, and what follows
from the tables (menus, which updates run alone) is complete."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from bot.callbacks import Action
from bot.domain import Phase, Seminar
from bot.expectations import Expecting
from bot.flows import refusals
from bot.handlers.common import Menu
from bot.handlers.routes import Unmatched
from bot.handlers.table import BUTTONS, COMMANDS, TEXTS, UNMATCHED, menu
from bot.i18n import LANGUAGES, translator
from bot.render.refusals import refusal


def test_every_kind_of_expected_text_has_a_route() -> None:
    assert set(TEXTS) == set(Expecting) - {Expecting.NOTHING}


def test_every_button_the_bot_makes_has_a_route() -> None:
    assert set(BUTTONS) == set(Action)


def test_every_update_nothing_else_takes_is_answered() -> None:
    assert set(UNMATCHED) == set(Unmatched)


def test_the_menus_are_translated_and_a_moderators_holds_all_but_forget_and_ask() -> None:
    for language in LANGUAGES:
        t = translator(language)
        participants = {c.command for c in menu(Menu.PARTICIPANT, t)}
        moderators = {c.command for c in menu(Menu.MODERATOR, t)}
        # Moderators neither leave with /forget nor ask themselves: they answer (/questions).
        assert participants - moderators == {"forget", "ask"}
        assert {"new", "open", "close", "groups", "report"} <= moderators
        # A catalog that is still a copy of the English one (until its translation lands)
        # has English menus.
        translated = t.gettext("Choose a language") != "Choose a language"
        for command in [*menu(Menu.PARTICIPANT, t), *menu(Menu.MODERATOR, t)]:
            assert command.description.strip()
            if language != "en" and translated:
                original = COMMANDS[command.command].description
                assert command.description != original, (language, command.command)


def _every_refusal() -> list[refusals.Refusal]:
    seminar = Seminar(1, "Gode møter", "nb", Phase.GROUPING, ("q",), "code", 5, datetime.now(UTC))
    found: list[refusals.Refusal] = []
    for kind in refusals.Refusal.__subclasses__() + refusals.Gone.__subclasses__():
        names = (
            {f.name for f in dataclasses.fields(kind)} if dataclasses.is_dataclass(kind) else set()
        )
        if "thing" in names:
            found += [kind(thing=thing) for thing in refusals.GoneThing]  # type: ignore[call-arg]
        elif "seminar" in names:
            found.append(kind(seminar=seminar))  # type: ignore[call-arg]
        else:
            found.append(kind())
    return found


def test_every_refusal_has_a_screen_in_every_language() -> None:
    every = _every_refusal()
    assert len(every) >= 15
    for language in LANGUAGES:
        for refused in every:
            assert refusal(translator(language), refused).text.strip(), refused
