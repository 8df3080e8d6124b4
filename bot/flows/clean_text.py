"""Free text as the bot keeps it: what people type, without the characters nobody can see.

Zero-width characters and bidi controls draw nothing, or turn the text around, so a note made
of them looks empty, and two theme names that look the same can differ. Every text people type
(notes, paper notes, theme names, read-back answers, titles, questions, announcements, names)
passes through `clean_text` before the bot checks or stores it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["clean_text", "one_line"]

# Control characters a text may keep: line breaks and tabs are how people lay out a note.
_KEPT_CONTROLS = frozenset("\n\t")
# Unicode's own line and paragraph separators become ordinary line breaks.
_LINE_BREAKS = frozenset("\u2028\u2029")
# Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern): blanks.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Categories that are never text: control (Cc), format (Cf: zero-width, bidi), surrogate (Cs).
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})
ZERO_WIDTH_JOINER = "\u200d"
_EMOJI_PARTS = frozenset({"So", "Sk"})
_VARIATION_SELECTOR = "\ufe0f"


def _joins_emoji(text: str, index: int) -> bool:
    """A zero-width joiner between two emoji (👩‍💻) is part of one picture, so it stays."""
    if not 0 < index < len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    return (
        before == _VARIATION_SELECTOR or unicodedata.category(before) in _EMOJI_PARTS
    ) and unicodedata.category(after) == "So"


def clean_text(text: str) -> str:
    """The text without invisible and bidi control characters, in NFC, trimmed.

    Empty when nothing visible is left: callers refuse that as an empty text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    for index, char in enumerate(text):
        if char in _KEPT_CONTROLS:
            kept.append(char)
        elif char in _LINE_BREAKS:
            kept.append("\n")
        elif char in _BLANK_LETTERS:
            kept.append(" ")
        elif unicodedata.category(char) not in _INVISIBLE or (
            char == ZERO_WIDTH_JOINER and _joins_emoji(text, index)
        ):
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).strip()


def one_line(text: str) -> str:
    """A cleaned text on one line, with single spaces: for titles, questions and names."""
    return " ".join(clean_text(text).split())
