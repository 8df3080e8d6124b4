"""The office's follow-up of a series' proposals: the moderator's table and the office's links,
the page the links open (its rules: lengths, a date, a reason for «not possible»), and the
office's bound chat, where a status is set with buttons and a link made (the chat is the
office; its series keeps it, so this works after the series' seminars are purged).

A link is `<public_url>/followup/<id>.<secret>`: a random 63-bit id and 128 random bits. The
database keeps only the keyed hash of both (`Keyring.link_mac`), compared in constant time;
a link ends after `link_days` or when a moderator stops the series' links. The page's form
carries a token bound to its link, so a form that did not come from the page is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain import FollowUp, Person, Reason, Seminar, Series, Status
from bot.flows.clean_text import one_line
from bot.flows.deps import Deps
from bot.keys import base36, new_id

__all__ = [
    "MAX_OWNER",
    "MAX_REASON",
    "REASONS",
    "FollowUpTable",
    "LinkMade",
    "LinksOff",
    "LinksStopped",
    "NeedsReason",
    "NoFollowUp",
    "NotOffice",
    "OfficeSeries",
    "OfficeTable",
    "PageView",
    "Problem",
    "Reason",
    "Rejected",
    "Saved",
    "form_token",
    "make_link",
    "office_link",
    "office_set",
    "office_table",
    "open_page",
    "parse_token",
    "save",
    "stop_links",
    "table",
]

MAX_OWNER = 80  # a role, not a paragraph: «Nav-kontorets leder», «the reception»
MAX_REASON = 300
# A due date the office can mean: not in the past century, not beyond this one.
FIRST_YEAR, LAST_YEAR = 2000, 2100

_TOKEN = re.compile(r"([0-9a-z]{1,13})\.([A-Za-z0-9_-]{22})")


REASONS: tuple[Reason, ...] = tuple(Reason)


class Problem(StrEnum):
    """Why the page's form changed nothing."""

    OWNER_TOO_LONG = "owner_too_long"
    REASON_NEEDED = "reason_needed"
    REASON_TOO_LONG = "reason_too_long"
    BAD_DATE = "bad_date"
    BAD_STATUS = "bad_status"
    UNKNOWN = "unknown"  # a proposal that is not under follow-up in this series
    STALE = "stale"  # it was changed since the page was opened: the form would undo that


@dataclass(frozen=True, slots=True)
class NoFollowUp:
    """The moderator's series has no proposal under follow-up yet."""

    seminar: Seminar


@dataclass(frozen=True, slots=True)
class FollowUpTable:
    seminar: Seminar
    series: Series
    followups: tuple[FollowUp, ...]
    links_on: bool  # the page is set up (`[followup] public_url`)


@dataclass(frozen=True, slots=True)
class LinkMade:
    title: str  # the series'
    url: str
    expires: datetime
    language: str  # the series'; the office's chat reads it


@dataclass(frozen=True, slots=True)
class LinksOff:
    seminar: Seminar | None  # None: asked in the office's chat


@dataclass(frozen=True, slots=True)
class LinksStopped:
    seminar: Seminar
    count: int


@dataclass(frozen=True, slots=True)
class PageView:
    """What a working link shows: the series and its follow-up, and the form's token."""

    series: Series
    followups: tuple[FollowUp, ...]
    form: str


@dataclass(frozen=True, slots=True)
class Saved:
    proposal_id: int


@dataclass(frozen=True, slots=True)
class Rejected:
    """The form was refused and nothing changed; `page` shows it again with the reasons."""

    page: PageView
    proposal_id: int
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class NotOffice:
    """The chat is no office chat of a series with proposals under follow-up."""


@dataclass(frozen=True, slots=True)
class OfficeSeries:
    series: Series
    followups: tuple[FollowUp, ...]


@dataclass(frozen=True, slots=True)
class OfficeTable:
    """Every series the chat follows up that has proposals, newest first; the chat reads the
    newest one's language. Proposals are numbered on through all of them."""

    sections: tuple[OfficeSeries, ...]
    links_on: bool  # the page is set up (`[followup] public_url`)
    changed: int | None = None  # the proposal whose status was just set

    @property
    def language(self) -> str:
        return self.sections[0].series.language

    def numbered(self) -> list[tuple[int, FollowUp]]:
        found = (f for section in self.sections for f in section.followups)
        return list(enumerate(found, 1))


@dataclass(frozen=True, slots=True)
class NeedsReason:
    """«Not possible» is set only with a reason: the chat offers the fixed ones."""

    language: str
    proposal_id: int


# -- the moderator ------------------------------------------------------------------------


async def _followed(deps: Deps, seminar: Seminar) -> tuple[Series, list[FollowUp]] | None:
    series = await deps.store.series(seminar.series_id)
    if series is None:
        return None
    found = await deps.store.followups(series.id)
    return (series, found) if found else None


async def table(
    deps: Deps, person: Person, seminar_id: int | None = None
) -> FollowUpTable | NoFollowUp:
    """/followup: the series' proposals under follow-up, as the office sees them."""
    seminar = await deps.moderating(person, seminar_id)
    followed = await _followed(deps, seminar)
    if followed is None:
        return NoFollowUp(seminar)
    series, found = followed
    return FollowUpTable(seminar, series, tuple(found), deps.settings.followup.on)


async def has_followup(deps: Deps, seminar: Seminar) -> bool:
    return await _followed(deps, seminar) is not None


def _mac(deps: Deps, link_id: int, secret: str) -> bytes:
    return deps.keys.link_mac(f"link:{link_id}:{secret}")


async def make_link(
    deps: Deps, person: Person, seminar_id: int
) -> LinkMade | LinksOff | NoFollowUp:
    """A new link for the office; only its keyed hash is stored."""
    seminar = await deps.moderating(person, seminar_id)
    settings = deps.settings.followup
    if not settings.on:
        return LinksOff(seminar)
    followed = await _followed(deps, seminar)
    if followed is None:
        return NoFollowUp(seminar)
    return await _new_link(deps, followed[0])


async def _new_link(deps: Deps, series: Series) -> LinkMade:
    link_id, secret = new_id(), secrets.token_urlsafe(16)
    settings = deps.settings.followup
    expires = deps.clock.now() + timedelta(days=settings.link_days)
    await deps.store.add_link(link_id, series.id, _mac(deps, link_id, secret), expires)
    url = f"{settings.public_url}/followup/{base36(link_id)}.{secret}"
    return LinkMade(series.title, url, expires, series.language)


async def stop_links(deps: Deps, person: Person, seminar_id: int) -> LinksStopped:
    """Stops every link of the series: the office then needs a new one."""
    seminar = await deps.moderating(person, seminar_id)
    stopped = await deps.store.revoke_links(seminar.series_id, deps.clock.now())
    return LinksStopped(seminar, stopped)


# -- the page -----------------------------------------------------------------------------


def parse_token(token: str) -> tuple[int, str] | None:
    """The link's id and secret, or None for anything the bot never made."""
    found = _TOKEN.fullmatch(token)
    if found is None:
        return None
    link_id = int(found.group(1), 36)
    return (link_id, found.group(2)) if 0 < link_id < 2**63 else None


def form_token(deps: Deps, token: str) -> str:
    """The hidden token of the page's form, bound to its link."""
    return deps.keys.link_mac(f"form:{token}").hex()[:32]


async def _series_of(deps: Deps, token: str) -> int | None:
    """The series a link opens, or None: unknown, forged, expired or stopped."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    link_id, secret = parsed
    row = await deps.store.link(link_id)
    expected = _mac(deps, link_id, secret)
    # Compared in constant time; a missing link is compared too, against itself.
    matches = hmac.compare_digest(expected, row.mac if row else b"\0" * len(expected))
    if row is None or not matches or row.revoked or deps.clock.now() >= row.expires_at:
        return None
    return row.series_id


async def open_page(deps: Deps, token: str) -> PageView | None:
    series_id = await _series_of(deps, token)
    if series_id is None:
        return None
    series = await deps.store.series(series_id)
    if series is None:
        return None
    found = await deps.store.followups(series_id)
    return PageView(series, tuple(found), form_token(deps, token))


def parse_due(text: str) -> date | Problem | None:
    """An `<input type=date>`'s value (YYYY-MM-DD), None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        due = date.fromisoformat(text)
    except ValueError:
        return Problem.BAD_DATE
    if not FIRST_YEAR <= due.year <= LAST_YEAR or len(text) != 10:
        return Problem.BAD_DATE
    return due


def check(
    followup: FollowUp, owner: str, status: str, reason: str, due: str
) -> FollowUp | tuple[Problem, ...]:
    """The office's answer for one proposal, or every reason it cannot be saved."""
    problems: list[Problem] = []
    owner, reason = one_line(owner), one_line(reason)
    if len(owner) > MAX_OWNER:
        problems.append(Problem.OWNER_TOO_LONG)
    try:
        new_status = Status(status)
    except ValueError:
        problems.append(Problem.BAD_STATUS)
        new_status = followup.status
    if len(reason) > MAX_REASON:
        problems.append(Problem.REASON_TOO_LONG)
    elif new_status is Status.NOT_POSSIBLE and not reason:
        problems.append(Problem.REASON_NEEDED)
    parsed = parse_due(due)
    if isinstance(parsed, Problem):
        problems.append(parsed)
    if problems:
        return tuple(problems)
    assert not isinstance(parsed, Problem)
    return FollowUp(followup.proposal, followup.answers, owner, new_status, reason, parsed)


def seen(followup: FollowUp) -> str:
    """What the page showed of a proposal, sent back with its form: a form from an older page
    (another tab, a colleague, a change in the office's chat since) is refused instead of
    undoing what was saved meanwhile and telling participants a status that is no longer so."""
    shown = "\x1f".join(
        (
            followup.owner,
            followup.status.value,
            followup.reason,
            followup.due.isoformat() if followup.due else "",
        )
    )
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


async def save(
    deps: Deps,
    token: str,
    form: str,
    fields: dict[str, str],
    shown: Callable[[Series, str], str] | None = None,
) -> Saved | Rejected | None:
    """The page's form: saved through `update_followup` (a new status or reason is recorded as
    a change to tell), or refused with every problem, changing nothing. None: the link does
    not work, or the form did not come from its page. `shown`: how the page shows a kept
    reason; a fixed reason sent back as shown stays the fixed one (its code)."""
    page = await open_page(deps, token)
    if page is None or not hmac.compare_digest(form.encode(), page.form.encode()):
        return None
    try:
        proposal_id = int(fields.get("proposal", ""))
    except ValueError:
        proposal_id = 0
    followup = next((f for f in page.followups if f.proposal.id == proposal_id), None)
    if followup is None:
        return Rejected(page, proposal_id, (Problem.UNKNOWN,))
    if not hmac.compare_digest(fields.get("seen", "").encode(), seen(followup).encode()):
        return Rejected(page, proposal_id, (Problem.STALE,))
    checked = check(
        followup,
        fields.get("owner", ""),
        fields.get("status", ""),
        fields.get("reason", ""),
        fields.get("due", ""),
    )
    if isinstance(checked, tuple):
        return Rejected(page, proposal_id, checked)
    fixed = Reason.of(followup.reason) is not None
    if fixed and shown and checked.reason == one_line(shown(page.series, followup.reason)):
        checked = FollowUp(
            checked.proposal,
            checked.answers,
            checked.owner,
            checked.status,
            followup.reason,
            checked.due,
        )
    await deps.store.update_followup(checked, deps.clock.now())
    return Saved(proposal_id)


# -- the office's bound chat --------------------------------------------------------------


async def _office(deps: Deps, chat_id: int, changed: int | None = None) -> OfficeTable | None:
    sections: list[OfficeSeries] = []
    for series_id in await deps.store.office_series(chat_id):
        series = await deps.store.series(series_id)
        found = await deps.store.followups(series_id)
        if series is not None and found:
            sections.append(OfficeSeries(series, tuple(found)))
    if not sections:
        return None
    return OfficeTable(tuple(sections), deps.settings.followup.on, changed)


async def office_table(deps: Deps, chat_id: int) -> OfficeTable | NotOffice:
    """/followup in the office's chat: every series it follows up that has proposals."""
    return await _office(deps, chat_id) or NotOffice()


async def office_set(
    deps: Deps, chat_id: int, proposal_id: int, status: Status, reason: Reason | None = None
) -> OfficeTable | NeedsReason | NotOffice:
    """A status set with the chat's buttons; the same change as on the page. «Not possible»
    needs one of the fixed reasons, kept as its code so each reader reads it in their
    language; any other status has no reason."""
    office = await _office(deps, chat_id)
    if office is None:
        return NotOffice()
    found = next((f for _, f in office.numbered() if f.proposal.id == proposal_id), None)
    if found is None:
        return NotOffice()
    if status is Status.NOT_POSSIBLE and reason is None:
        return NeedsReason(office.language, proposal_id)
    kept = reason.kept if status is Status.NOT_POSSIBLE and reason is not None else ""
    changed = FollowUp(found.proposal, found.answers, found.owner, status, kept, found.due)
    await deps.store.update_followup(changed, deps.clock.now())
    updated = await _office(deps, chat_id, proposal_id)
    assert updated is not None
    return updated


async def office_link(deps: Deps, chat_id: int, series_id: int) -> LinkMade | LinksOff | NotOffice:
    """A link made from the office's own chat: the office needs no moderator for it, so the
    page keeps working once the series' seminars are deleted."""
    if series_id not in await deps.store.office_series(chat_id):
        return NotOffice()
    series = await deps.store.series(series_id)
    if series is None:
        return NotOffice()
    if not deps.settings.followup.on:
        return LinksOff(None)
    return await _new_link(deps, series)
