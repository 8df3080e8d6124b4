"""Free text without what nobody can see: the one cleaning every typed text goes through."""

from __future__ import annotations

import pytest

from bot.flows.clean_text import clean_text, one_line
from bot.flows.rules import theme_key

ZWJ = "\u200d"


@pytest.mark.parametrize(
    "hidden",
    [
        "\u200b",  # zero-width space
        "\u200c",  # zero-width non-joiner
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u202a",  # left-to-right embedding
        "\u202e",  # right-to-left override
        "\u2066",  # left-to-right isolate
        "\u2069",  # pop directional isolate
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark
        "\u00ad",  # soft hyphen
        "\x00",
        "\x1b",
        "\x7f",
        "\ud800",  # a lone surrogate, which JSON can carry
        ZWJ,
    ],
)
def test_invisible_and_control_characters_are_removed(hidden: str) -> None:
    assert clean_text(f"Til{hidden}lit") == "Tillit"
    assert clean_text(hidden * 3) == ""


def test_line_breaks_and_tabs_stay_and_every_kind_of_break_becomes_one() -> None:
    assert clean_text("a\nb\tc") == "a\nb\tc"
    assert clean_text("a\r\nb\rc\u2028d\u2029e") == "a\nb\nc\nd\ne"


def test_letters_that_draw_nothing_are_blanks() -> None:
    assert clean_text("\u3164\u115f\u1160\uffa0\u2800") == ""
    assert clean_text("Gode\u3164møter") == "Gode møter"


def test_the_text_is_composed_and_trimmed() -> None:
    assert clean_text("  pa\u030a Nav \n") == "på Nav"
    assert clean_text("Hjelp 🙏🏽 كان مفيدا جدا ✨ שלום") == "Hjelp 🙏🏽 كان مفيدا جدا ✨ שלום"


def test_a_joiner_inside_an_emoji_stays() -> None:
    for emoji in (
        f"👩{ZWJ}💻",  # between two pictographs
        f"❤\ufe0f{ZWJ}🔥",  # after a variation selector
        f"👩🏽{ZWJ}💻",  # after a skin tone
    ):
        assert clean_text(emoji) == emoji
        assert clean_text(f"Bra {emoji}") == f"Bra {emoji}"


def test_a_joiner_outside_an_emoji_goes() -> None:
    assert clean_text(f"{ZWJ}💻") == "💻"
    assert clean_text(f"💻{ZWJ}") == "💻"
    assert clean_text(f"a{ZWJ}💻") == "a💻"
    assert clean_text(f"💻{ZWJ}a") == "💻a"


def test_one_line_has_single_spaces() -> None:
    assert one_line("  Gode\n møter\t\u200b med   Nav ") == "Gode møter med Nav"


def test_theme_names_that_look_the_same_are_one_theme() -> None:
    same = ["Tillit", "tillit", " TILLIT ", "Til\u200blit", "\u202eTillit", "Ｔｉｌｌｉｔ"]
    assert {theme_key(name) for name in same} == {"tillit"}
    assert theme_key(" Gode\u200b \n Relasjoner ") == "gode relasjoner"
    assert theme_key("Å bli  trodd") == theme_key("a\u030a bli trodd")
    assert theme_key("Tid") != theme_key("Tillit")
