"""Catalogs loaded once from locales/*.po; a Translator per language, passed explicitly.

The .po files are the source of truth; they are compiled in memory at start-up, so no
compiled .mo file needs to be built or committed.
"""

from __future__ import annotations

import functools
import gettext
import io
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, format_time, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = ["LANGUAGES", "LOCALES_DIR", "Translator", "language_for", "translator"]

LANGUAGES = ("nb", "nn", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
_LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "nn": "Norsk (nynorsk)", "en": "English"}


def language_for(language_code: str | None, fallback: str) -> str:
    """Maps Telegram's language_code to one of our languages."""
    code = (language_code or "").lower().replace("_", "-").split("-")[0]
    if code in ("nb", "no"):
        return "nb"
    if code in ("nn", "en"):
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

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalog.pgettext(context, message)

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

    @staticmethod
    def language_name(language: str) -> str:
        return _LANGUAGE_NAMES[language]


@cache
def translator(language: str) -> Translator:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translator(language, gettext.GNUTranslations(buffer))
