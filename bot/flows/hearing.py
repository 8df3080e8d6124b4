"""Hearing back from a series: a participant's wish to hear what comes of its proposals, the
news of each change of a proposal's status for the people who asked, and the office's
reminders before the proposals' due dates.

A wish names no member, writer, pseudonym, note or vote: a series, a chat (sealed in the
store) and a language. It lives until the follow-up of its series has ended (every proposal's
status is final and told) or the person withdraws it, and it goes with its series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Person, Seminar, Series
from bot.flows import refusals
from bot.flows.deps import Deps
from bot.store.hearing import DueReminder
from bot.store.series import StatusChange

__all__ = [
    "Asked",
    "Declined",
    "News",
    "OfficeReminder",
    "Stopped",
    "WishKept",
    "WishOver",
    "decline",
    "due_reminders",
    "news",
    "reminded",
    "stop",
    "told",
    "wish",
]


@dataclass(frozen=True, slots=True)
class Asked:
    """At a seminar's end, its participants are asked whether they want to hear back."""

    series: Series


@dataclass(frozen=True, slots=True)
class WishKept:
    series: Series


@dataclass(frozen=True, slots=True)
class WishOver:
    """The follow-up of the series has ended already: there is nothing more to tell."""

    series: Series


@dataclass(frozen=True, slots=True)
class Declined:
    """The person said no: nothing is kept, and an earlier yes in the series is taken back."""


@dataclass(frozen=True, slots=True)
class Stopped:
    withdrawn: int


@dataclass(frozen=True, slots=True)
class News:
    """A change of a proposal's status, and who is to hear of it (chat, language). `last`:
    with it, the follow-up of the whole series has ended."""

    change: StatusChange
    series: Series
    recipients: tuple[tuple[int, str], ...]
    last: bool


@dataclass(frozen=True, slots=True)
class OfficeReminder:
    """A proposal due soon, for the office of its series: its bound chats and addresses (kept
    on the series, so the office is reminded after its seminars are purged too)."""

    due: DueReminder
    series: Series
    chats: tuple[int, ...]
    addresses: tuple[str, ...]


async def ask(deps: Deps, seminar: Seminar) -> Asked | None:
    """Whom a seminar's end asks about hearing back: every seminar belongs to a series, whose
    later seminars and follow-up may come of it."""
    series = await deps.store.series(seminar.series_id)
    return Asked(series) if series is not None else None


async def _series(deps: Deps, series_id: int) -> Series:
    series = await deps.store.series(series_id)
    if series is None:
        raise refusals.Gone(refusals.GoneThing.SEMINAR)
    return series


async def wish(deps: Deps, person: Person, series_id: int) -> WishKept | WishOver:
    """«Yes, tell me what happens»: the person's wish, once per series, in their language."""
    series = await _series(deps, series_id)
    language = await deps.language(person)
    await deps.store.add_wish(series.id, person.tg_id, language)
    if await deps.store.end_wishes_if_done(series.id):
        return WishOver(series)
    return WishKept(series)


async def decline(deps: Deps, person: Person, series_id: int) -> Declined:
    """«No, thanks»: nothing is kept, and an earlier yes of theirs is taken back."""
    await deps.store.withdraw_wishes(person.tg_id, [series_id])
    return Declined()


async def stop(deps: Deps, person: Person, series_id: int) -> Stopped:
    """«Stop telling me»: the person's wish in that series is deleted."""
    return Stopped(await deps.store.withdraw_wishes(person.tg_id, [series_id]))


async def news(deps: Deps) -> list[News]:
    """The changes of status not yet told, oldest first, each with who is to hear of it."""
    changes = await deps.store.untold_changes()
    found: list[News] = []
    for change in changes:
        series = await deps.store.series(change.series_id)
        if series is None:
            continue
        followups = await deps.store.followups(series.id)
        later = any(c.series_id == series.id and c.id > change.id for c in changes)
        last = bool(followups) and all(f.status.final for f in followups) and not later
        recipients = tuple(await deps.store.wishes(series.id))
        found.append(News(change, series, recipients, last))
    return found


async def told(deps: Deps, news: News) -> None:
    """The change has been told (in the transaction that records its broadcast); once the
    follow-up has ended, the series' wishes are deleted."""
    await deps.store.mark_told(news.change.id)
    await deps.store.end_wishes_if_done(news.series.id)


def today(deps: Deps, now: datetime) -> date:
    return now.astimezone(ZoneInfo(deps.settings.timezone)).date()


async def due_reminders(deps: Deps, now: datetime) -> list[OfficeReminder]:
    """Proposals not final whose due date is `remind_days` days away or nearer, and whose
    office was not reminded of that date yet, with where the office reads."""
    horizon = today(deps, now) + timedelta(days=deps.settings.followup.remind_days)
    found: list[OfficeReminder] = []
    for due in await deps.store.due_reminders(horizon):
        series = await deps.store.series(due.series_id)
        if series is None:
            continue
        # Kept on the series too, so they outlive its seminars.
        chats = await deps.store.series_office_chats(series.id)
        addresses: list[str] = []
        for address in await deps.store.series_office_addresses(series.id):
            if address.lower() not in (a.lower() for a in addresses):
                addresses.append(address)
        found.append(OfficeReminder(due, series, tuple(chats), tuple(addresses)))
    return found


async def reminded(deps: Deps, reminder: OfficeReminder) -> None:
    await deps.store.mark_reminded(reminder.due.proposal_id, reminder.due.due)
