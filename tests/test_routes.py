"""The route tables: every expected text, button and command is routed once, and what follows
from the tables (menus, which updates run alone) is complete."""

from __future__ import annotations

from bot.callbacks import Action
from bot.domain import Expecting
from bot.handlers.common import Menu
from bot.handlers.routes import Unmatched
from bot.handlers.table import BUTTONS, COMMANDS, TEXTS, UNMATCHED, menu
from bot.i18n import LANGUAGES, translator


def test_every_kind_of_expected_text_has_a_route() -> None:
    assert set(TEXTS) == set(Expecting) - {Expecting.NOTHING}


def test_every_button_the_bot_makes_has_a_route() -> None:
    assert set(BUTTONS) == set(Action)


def test_every_update_nothing_else_takes_is_answered() -> None:
    assert set(UNMATCHED) == set(Unmatched)


def test_the_menus_are_translated_and_a_moderators_holds_the_participants_but_forget() -> None:
    for language in LANGUAGES:
        t = translator(language)
        participants = {c.command for c in menu(Menu.PARTICIPANT, t)}
        moderators = {c.command for c in menu(Menu.MODERATOR, t)}
        assert participants - moderators == {"forget"}
        assert {"new", "open", "close", "groups", "report"} <= moderators
        for command in [*menu(Menu.PARTICIPANT, t), *menu(Menu.MODERATOR, t)]:
            assert command.description.strip()
            if language != "en":
                original = COMMANDS[command.command].description
                assert command.description != original, (language, command.command)
