"""Expected sentences rendered from the catalogs, so that a count or a name is checked where it is said.

A digit found anywhere in a message proves little: "6" is also in "16" and in the date. These
helpers give the whole sentence as the reader sees it (tags gone, placeholders filled in, counts
formatted as the bot formats them), to be found in the message or compared line by line.
"""

from __future__ import annotations

import html
import re

from bot.i18n import FSI, PDI, RLM, translator
from localapi.sim import BotMessage

__all__ = ["WORD", "bare", "line_with", "lines_of", "pattern", "plain", "said", "said_n"]

# A word, as a button's label must hold one: two letters or more in any script (digits, emoji
# and arrows are not letters), so that a screen reader can say what the button does.
WORD = re.compile(r"[^\W\d_]{2,}")

_TAGS = re.compile(r"</?(b|i|u|s|code|pre|blockquote|a)( [^>]*)?>")


def plain(template: str) -> str:
    """Catalog text without its HTML: what Telegram shows once the entities are parsed."""
    return html.unescape(_TAGS.sub("", template))


def _filled(language: str, template: str, values: dict[str, object]) -> str:
    t = translator(language)
    shown = {k: t.number(v) if isinstance(v, int) else v for k, v in values.items()}
    return plain(template).format(**shown)


def said(language: str, msgid: str, /, **values: object) -> str:
    """The sentence for msgid in that language, filled in; integers as the bot formats counts."""
    return _filled(language, translator(language).gettext(msgid), values)


def said_n(language: str, singular: str, plural: str, count: int, /, **values: object) -> str:
    """The plural sentence that fits count, with {count} filled in as well."""
    template = translator(language).ngettext(singular, plural, count)
    return _filled(language, template, {"count": count, **values})


def pattern(language: str, msgid: str, /, **values: object) -> re.Pattern[str]:
    """The sentence as a regular expression: given values must appear as they are, each
    placeholder left out matches any text and is captured under its own name."""
    t = translator(language)
    parts = re.split(r"\{(\w+)\}", plain(t.gettext(msgid)))
    regex = ""
    seen: set[str] = set()
    for index, part in enumerate(parts):
        if index % 2 == 0:
            regex += re.escape(part)
        elif part in values:
            value = values[part]
            regex += re.escape(t.number(value) if isinstance(value, int) else str(value))
        elif part in seen:
            regex += f"(?P={part})"
        else:
            seen.add(part)
            regex += f"(?P<{part}>.+?)"
    return re.compile(regex)


def lines_of(message: BotMessage | str) -> list[str]:
    text = message if isinstance(message, str) else message.text
    return [line.strip() for line in text.splitlines() if line.strip()]


def line_with(message: BotMessage | str, needle: str) -> str:
    """The one line that contains needle; fails if none or several do."""
    found = [line for line in lines_of(message) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


def bare(text: str) -> str:
    """A text without the marks that keep a right-to-left text's direction (RLM, FSI, PDI),
    to compare what a reader sees with the catalog."""
    return "".join(char for char in text if char not in (RLM, FSI, PDI))


def is_cockpit(message: BotMessage) -> bool:
    """The moderator's cockpit, which a new step posts and new counts edit meanwhile."""
    return message.text.startswith("🧭")
