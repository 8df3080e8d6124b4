"""Spots details in a note that could identify somebody, before anything is stored."""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["PersonalDetail", "find_personal_details"]


class PersonalDetail(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    NATIONAL_ID = "national_id"
    LINK = "link"
    USERNAME = "username"


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
_LINK = re.compile(
    r"(https?://|www\.)\S+|\b[\w-]+\.(no|com|org|net|info|io|me|se|dk|eu)(/\S*)?\b",
    re.IGNORECASE,
)
_USERNAME = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
_DIGIT_RUN = re.compile(r"(?<![\d])\+?\d[\d \-.]{6,16}\d(?![\d])")
_DATE = re.compile(r"^\d{1,2}[.\-/]\d{1,2}[.\-/](\d{2}|\d{4})$")

# Weights of the two check digits of a Norwegian national identity number (fødselsnummer).
_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _is_national_id(digits: str) -> bool:
    if len(digits) != 11:
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip(_K1, d, strict=False)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip(_K2, d, strict=False)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 == d[9] and k2 == d[10]


def _is_phone(digits: str, raw: str) -> bool:
    if raw.startswith("+"):
        return 8 <= len(digits) <= 15
    # Norwegian numbers have eight digits; with 0047 or 47 in front, ten or twelve.
    return len(digits) == 8 or (len(digits) in (10, 12) and digits.lstrip("0").startswith("47"))


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
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group()
        if _DATE.match(raw.strip()):
            continue
        digits = re.sub(r"\D", "", raw)
        if _is_national_id(digits):
            found.add(PersonalDetail.NATIONAL_ID)
        elif _is_phone(digits, raw):
            found.add(PersonalDetail.PHONE)
    return found
