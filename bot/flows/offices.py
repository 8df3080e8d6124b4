"""The office's e-mail addresses: a moderator adds, removes and lists them; /report sends the
report to each (`handlers/offices.mail_report`).

An address is checked with the standard library's `email.headerregistry.Address` parser (an
RFC 5322 addr-spec), plus a domain with a dot in it: no new dependency, and no look-up in the
DNS, which would reach the network when a moderator types (the `email-validator` package does
more, internationalised local parts among it, but its deliverability check must be turned off
here anyway, and offices' addresses are plain).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address

from bot.domain import Person, Seminar
from bot.flows.deps import Deps
from bot.store.offices import OfficeAddress

__all__ = [
    "MAX_ADDRESSES",
    "AddressAdded",
    "AddressRemoved",
    "Addresses",
    "AlreadyListed",
    "BadAddress",
    "MailOff",
    "NotListed",
    "OfficeAddress",
    "TooMany",
    "add",
    "addresses",
    "parse_address",
    "remove",
    "remove_by_id",
    "report_addresses",
]

MAX_ADDRESSES = 10  # per seminar: an office or two, not a mailing list
MAX_LENGTH = 254  # RFC 5321's longest path

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True)
class Addresses:
    """The list, as /office_email without words shows it."""

    seminar: Seminar
    addresses: tuple[OfficeAddress, ...]


@dataclass(frozen=True, slots=True)
class MailOff:
    """The bot has no [email] settings: nothing is stored, and the moderator is told so."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class BadAddress:
    seminar: Seminar
    text: str


@dataclass(frozen=True, slots=True)
class TooMany:
    seminar: Seminar
    limit: int


@dataclass(frozen=True, slots=True)
class AddressAdded:
    seminar: Seminar
    address: str
    addresses: tuple[OfficeAddress, ...]


@dataclass(frozen=True, slots=True)
class AlreadyListed:
    seminar: Seminar
    address: str


@dataclass(frozen=True, slots=True)
class AddressRemoved:
    seminar: Seminar
    address: str
    addresses: tuple[OfficeAddress, ...]


@dataclass(frozen=True, slots=True)
class NotListed:
    seminar: Seminar
    address: str


def parse_address(text: str) -> str | None:
    """The address as it will be used (the domain in lower case), or None if it is not one."""
    text = text.strip().strip("<>").strip()
    if not text or len(text) > MAX_LENGTH or any(c.isspace() for c in text):
        return None
    try:
        parsed = Address(addr_spec=text)
    except (HeaderParseError, ValueError, IndexError):
        return None
    domain = parsed.domain.lower()
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if not parsed.username or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
        return None
    return f"{parsed.username}@{domain}"


def _mail_on(deps: Deps) -> bool:
    return deps.settings.email is not None


async def addresses(deps: Deps, person: Person) -> Addresses | MailOff:
    seminar = await deps.moderating(person)
    if not _mail_on(deps):
        return MailOff(seminar)
    return Addresses(seminar, tuple(await deps.store.office_addresses(seminar.id)))


async def add(
    deps: Deps, person: Person, text: str
) -> AddressAdded | AlreadyListed | BadAddress | TooMany | MailOff:
    seminar = await deps.moderating(person)
    if not _mail_on(deps):
        return MailOff(seminar)
    address = parse_address(text)
    if address is None:
        return BadAddress(seminar, text.strip())
    listed = await deps.store.office_addresses(seminar.id)
    if any(a.address.casefold() == address.casefold() for a in listed):
        return AlreadyListed(seminar, address)
    if len(listed) >= MAX_ADDRESSES:
        return TooMany(seminar, MAX_ADDRESSES)
    await deps.store.add_office_address(seminar.id, address)
    return AddressAdded(seminar, address, tuple(await deps.store.office_addresses(seminar.id)))


async def remove(
    deps: Deps, person: Person, text: str
) -> AddressRemoved | NotListed | BadAddress | MailOff:
    seminar = await deps.moderating(person)
    if not _mail_on(deps):
        return MailOff(seminar)
    address = parse_address(text)
    if address is None:
        return BadAddress(seminar, text.strip())
    listed = await deps.store.office_addresses(seminar.id)
    found = next((a for a in listed if a.address.casefold() == address.casefold()), None)
    if found is None:
        return NotListed(seminar, address)
    return await _remove(deps, seminar, found)


async def remove_by_id(
    deps: Deps, person: Person, seminar_id: int, address_id: int
) -> AddressRemoved | NotListed | MailOff:
    """The list's «Remove» button; a second press finds the address gone."""
    seminar = await deps.moderating(person, seminar_id)
    if not _mail_on(deps):
        return MailOff(seminar)
    listed = await deps.store.office_addresses(seminar.id)
    found = next((a for a in listed if a.id == address_id), None)
    if found is None:
        return NotListed(seminar, "")
    return await _remove(deps, seminar, found)


async def _remove(deps: Deps, seminar: Seminar, found: OfficeAddress) -> AddressRemoved:
    await deps.store.remove_office_address(seminar.id, found.id)
    remaining = tuple(await deps.store.office_addresses(seminar.id))
    return AddressRemoved(seminar, found.address, remaining)


async def report_addresses(deps: Deps, seminar: Seminar) -> tuple[str, ...]:
    """Where /report e-mails the report: the seminar's office addresses."""
    return tuple(a.address for a in await deps.store.office_addresses(seminar.id))
