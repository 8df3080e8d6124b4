"""Spots details in a free text that could identify somebody, before anybody else reads it.

Every text that others will read (notes, paper notes, theme names, read-back answers) passes
through `question`: a text with a detail waits, seen by nobody, until its writer keeps or drops
it. Numbers are read with python-stdnum rather than hand-written checksums. A number that
looks like a national identity number or D-number is questioned even when its check digits
are wrong (a typo there still points to a person); dates and sums of money are not. An
organisation number (orgnr, MVA) is not: it names an office, which the moderators judge when
they read the notes, and nine-digit amounts would be questioned with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer, kontonr

from bot.domain import Seminar

__all__ = [
    "HeldDropped",
    "HeldText",
    "PersonalDataFound",
    "PersonalDetail",
    "find_personal_details",
    "question",
]


class PersonalDetail(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    NATIONAL_ID = "national_id"
    BANK_ACCOUNT = "bank_account"
    LINK = "link"
    USERNAME = "username"


class HeldText(StrEnum):
    """The free texts others read, each held in its own place until its writer decides."""

    NOTE = "note"
    PAPER_NOTE = "paper_note"
    THEME = "theme"
    READ_BACK = "read_back"
    QUESTION = "question"  # a participant's question to the moderators


@dataclass(frozen=True, slots=True)
class PersonalDataFound:
    """The text was not saved: it waits for its writer to keep or drop it."""

    seminar: Seminar
    details: frozenset[PersonalDetail]
    text: str
    held: HeldText = HeldText.NOTE


@dataclass(frozen=True, slots=True)
class HeldDropped:
    """The writer dropped the held text: it is deleted, seen by nobody."""

    held: HeldText


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
_LINK = re.compile(
    r"(https?://|www\.)\S+|\b[\w-]+\.(no|com|org|net|info|io|me|se|dk|eu)(/\S*)?\b",
    re.IGNORECASE,
)
_USERNAME = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
# A Norwegian IBAN: NO, two check digits and the eleven digits of the account.
_IBAN = re.compile(r"\bNO ?\d\d(?: ?\d){11}(?!\d)")
# A date such as 20.12.2024, 1/2-24 or 2024-12-20, not part of a longer run of digit groups.
_DATE = re.compile(
    r"(?<!\d)(?<!\d[./-])"
    r"(?:(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?:\d{4}|\d\d)"
    r"|\d{4}-(?P<iso_month>\d\d)-(?P<iso_day>\d\d))"
    r"(?![./-]?\d)"
)
_DIGIT_RUN = re.compile(r"(?<!\d)\+?\d[\d \-.]{6,16}\d(?!\d)")
# A sum of money: kr or NOK before it, or kr, kroner, NOK, ,- or øre after it.
_MONEY_BEFORE = re.compile(r"(\b[Kk]r\.?|\bNOK)\s*$")
_MONEY_AFTER = re.compile(r"^(\s*([Kk]r\b|[Kk]roner\b|NOK\b)|,-|,\d\d(?!\d))")
# Thousands grouped with dots (1.234.567) are an amount; a phone number is not written so.
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
# A bank account as it is usually written: 1234.56.78903 or 1234 56 78903.
_ACCOUNT_LAYOUT = re.compile(r"^\d{4}([ .])\d\d\1\d{5}$")


def _is_date(match: re.Match[str]) -> bool:
    day = match.group("day") or match.group("iso_day")
    month = match.group("month") or match.group("iso_month")
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def _without_dates(text: str) -> str:
    return _DATE.sub(lambda m: " " if _is_date(m) else m.group(), text)


def _has_birth_date(digits: str) -> bool:
    """The first six digits are a day (plus 40 in a D-number), a month and a year."""
    try:
        fodselsnummer.get_birth_date(digits)
    except ValidationError:
        return False
    return True


def _eleven_digits(raw: str, digits: str) -> PersonalDetail | None:
    if fodselsnummer.is_valid(digits):
        return PersonalDetail.NATIONAL_ID
    if kontonr.is_valid(digits) or _ACCOUNT_LAYOUT.match(raw):
        return PersonalDetail.BANK_ACCOUNT
    if _has_birth_date(digits):
        return PersonalDetail.NATIONAL_ID
    return None


def _is_phone(digits: str, raw: str) -> bool:
    if raw.startswith("+"):
        return 8 <= len(digits) <= 15
    # Norwegian numbers have eight digits; with 0047 or 47 in front, ten or twelve.
    return len(digits) == 8 or (len(digits) in (10, 12) and digits.lstrip("0").startswith("47"))


def _number_detail(text: str, match: re.Match[str]) -> PersonalDetail | None:
    raw = match.group()
    if (
        _MONEY_BEFORE.search(text, 0, match.start())
        or _MONEY_AFTER.match(text[match.end() :])
        or _THOUSANDS.match(raw)
    ):
        return None
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and not raw.startswith("+"):
        return _eleven_digits(raw, digits)
    if _is_phone(digits, raw):
        return PersonalDetail.PHONE
    return None


def find_personal_details(text: str) -> set[PersonalDetail]:
    """Returns the kinds of identifying detail the text seems to contain."""
    found: set[PersonalDetail] = set()
    if _EMAIL.search(text):
        found.add(PersonalDetail.EMAIL)
        text = _EMAIL.sub(" ", text)
    if _LINK.search(text):
        found.add(PersonalDetail.LINK)
    if _USERNAME.search(text):
        found.add(PersonalDetail.USERNAME)
    if _IBAN.search(text):
        found.add(PersonalDetail.BANK_ACCOUNT)
    text = _without_dates(text)
    for match in _DIGIT_RUN.finditer(text):
        detail = _number_detail(text, match)
        if detail is not None:
            found.add(detail)
    return found


def question(seminar: Seminar, text: str, held: HeldText) -> PersonalDataFound | None:
    """The question to ask the writer before the text is saved, or None when it looks clean."""
    details = find_personal_details(text)
    if not details:
        return None
    return PersonalDataFound(seminar, frozenset(details), text, held)
