"""Catalogs loaded once from locales/*.po; a Translator per language, passed explicitly.

The .po files are the source of truth; they are compiled in memory at start-up, so no
compiled .mo file needs to be built or committed.
"""

from __future__ import annotations

import functools
import gettext
import io
import logging
import string
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = [
    "FSI",
    "LANGUAGES",
    "LOCALES_DIR",
    "PDI",
    "RLM",
    "RTL_LANGUAGES",
    "Translator",
    "joint_question",
    "language_for",
    "standard_questions",
    "translator",
]

log = logging.getLogger(__name__)

# The position is the language's index in buttons: new languages go at the end.
LANGUAGES = ("nb", "nn", "en", "pl", "uk", "ar", "so")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
# Each language named in its own language and script, as its speakers look for it.
_LANGUAGE_NAMES = {
    "nb": "Norsk (bokmål)",
    "nn": "Norsk (nynorsk)",
    "en": "English",
    "pl": "Polski",
    "uk": "Українська",
    "ar": "العربية",
    "so": "Soomaali",
}
# Languages written right to left: their texts are marked so every line reads that way.
RTL_LANGUAGES = frozenset({"ar"})
# U+200F RIGHT-TO-LEFT MARK: a client takes a line's direction from its first strong character.
RLM = "\u200f"
# U+2068 FIRST STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE: what they enclose takes its
# own direction, so a Norwegian title inside an Arabic sentence keeps its punctuation in place.
FSI, PDI = "\u2068", "\u2069"


class _Isolating(str):
    """A right-to-left translation: what `format` fills in (a title, a theme, a note, a
    count) is isolated, so it keeps its own direction inside the sentence."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        # A value right after "@" or "/" is a username or a command: it stays whole.
        bare = {
            field
            for literal, field, _, _ in string.Formatter().parse(self)
            if field is not None and literal.endswith(("@", "/"))
        }
        return str.format(
            self,
            *(_isolated(value) for value in args),
            **{name: value if name in bare else _isolated(value) for name, value in kwargs.items()},
        )


def _isolated(value: object) -> object:
    return f"{FSI}{value}{PDI}" if isinstance(value, str) else value


def language_for(language_code: str | None, fallback: str) -> str:
    """Maps Telegram's language_code to one of our languages (Norwegian without a written
    standard is Bokmål; a language we have no catalog for, Russian included, gets `fallback`)."""
    code = (language_code or "").lower().replace("_", "-").split("-")[0]
    if code in ("nb", "no"):
        return "nb"
    if code in LANGUAGES:
        return code
    return fallback


@functools.lru_cache(maxsize=4096)
def _number(value: int, locale: str) -> str:
    """Counts repeat (a report shows thousands of small ones), and Babel is slow to format."""
    return format_decimal(value, locale=locale)


class Translator:
    """gettext plus Babel formatting for one language."""

    def __init__(self, language: str, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self._catalog = catalog
        self._locale = Locale.parse(language)
        self.rtl = language in RTL_LANGUAGES

    def _directed(self, text: str) -> str:
        """In a right-to-left language every line of a translated text starts with a
        right-to-left mark, so a line that begins with a number, an emoji or a name in Latin
        letters still reads right to left; `render/screens.Screen` marks the other lines of
        a message that holds such a text."""
        if not self.rtl:
            return text
        return _Isolating(RLM + text.replace("\n", "\n" + RLM))

    def gettext(self, message: str) -> str:
        return self._directed(self._catalog.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._directed(self._catalog.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        return self._directed(self._catalog.pgettext(context, message))

    def number(self, value: int) -> str:
        return _number(value, self._locale)

    def clock(self, moment: datetime, zone: str, now: datetime) -> str:
        """The time of day in `zone`, with the date if it is not today there."""
        tz = ZoneInfo(zone)
        if moment.astimezone(tz).date() == now.astimezone(tz).date():
            return format_time(moment, "short", tzinfo=tz, locale=self._locale)
        return format_datetime(moment, "short", tzinfo=tz, locale=self._locale)

    def until(self, moment: datetime, now: datetime) -> str:
        """How long from now, rounded, in words: «in 30 minutes»."""
        left = max(moment - now, timedelta(minutes=1))
        return format_timedelta(left, threshold=1.0, add_direction=True, locale=self._locale)

    def datetime(self, moment: datetime, zone: str) -> str:
        return format_datetime(moment, "medium", tzinfo=ZoneInfo(zone), locale=self._locale)

    def day(self, day: date) -> str:
        """A date in words, as a due date is read: «1. mars 2027»."""
        return format_date(day, "long", locale=self._locale)

    @staticmethod
    def language_name(language: str) -> str:
        return _LANGUAGE_NAMES[language]


def standard_questions(t: Translator, staff: bool = False) -> tuple[str, str]:
    """The dialogue seminar's two questions, in the reader's language: every catalog holds
    them, so every participant reads them in their own language whatever the seminar's is.
    A staff seminar asks its own two: what staff do that users find helpful, and why."""
    if staff:
        return (
            # Participant: the staff seminar's first standard question (staff read it).
            t.gettext("What do you do that users experience as helpful?"),
            # Participant: the staff seminar's second standard question (staff read it).
            t.gettext("What makes it possible for you to do this?"),
        )
    return (
        # Participant: the method's first standard question, quoted as it is (exempt).
        t.gettext(
            "What have you been most satisfied with and found most useful in your encounters "
            "with the public support services?"
        ),
        # Participant: the method's second standard question, quoted as it is (exempt).
        t.gettext("What was it that made this a good experience?"),
    )


def joint_question(t: Translator, theme: str, from_staff: bool) -> str:
    """A joint seminar's question about one earlier theme: what concrete change to propose."""
    if from_staff:
        # Participant: a joint seminar's question about a theme from the staff's seminar.
        text = t.gettext("The staff's theme «{theme}». What concrete change do you propose?")
    else:
        # Participant: a joint seminar's question about a theme from the users' seminar.
        text = t.gettext("The users' theme «{theme}». What concrete change do you propose?")
    return text.format(theme=theme)


@cache
def translator(language: str) -> Translator:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        # A language whose catalog is missing still works: it reads the English one.
        log.warning("no catalog for %s; using the English one", language)
        po_path = LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translator(language, gettext.GNUTranslations(buffer))
