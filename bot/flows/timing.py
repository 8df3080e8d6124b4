"""Reading the times moderators type: «14:30», «3.3. 14:30», «2027-03-03 14:30», «in 30 minutes»;
and the scheduled close people are told about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain import Deadline, Seminar
from bot.flows.deps import Deps
from bot.store import ScheduleStore

__all__ = [
    "BadTime",
    "Kind",
    "TimeProblem",
    "deadline",
    "next_daily",
    "parse_clock_time",
    "parse_when",
]

_UNITS = {
    "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "minutt": 1, "minutter": 1,
    "minuttar": 1, "h": 60, "t": 60, "hour": 60, "hours": 60, "time": 60, "timer": 60,
    "timar": 60, "d": 1440, "day": 1440, "days": 1440, "dag": 1440, "dager": 1440, "dagar": 1440,
}  # fmt: skip
_RELATIVE = re.compile(r"^(?:in|om|\+)?\s*(\d{1,5})\s*([a-zæøå]+)$")
_CLOCK = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?$")
_DATE_CLOCK = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.?(\d{2}|\d{4})?\s*(?:,|kl\.?)?\s*(\d{1,2})[:.](\d{2})$"
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ t](\d{1,2}):(\d{2})$")


class Kind(StrEnum):
    """What a scheduled job does."""

    OPEN = "open"
    CLOSE = "close"
    REMIND = "remind"
    SUMMARY = "summary"


class TimeProblem(StrEnum):
    UNREADABLE = "unreadable"
    PAST = "past"


@dataclass(frozen=True, slots=True)
class BadTime:
    reason: TimeProblem


def parse_clock_time(text: str) -> time | None:
    found = _CLOCK.match(text.strip().lower())
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def next_daily(at: time, now: datetime, zone: str) -> datetime:
    """The next moment (after now) when the clock in `zone` shows `at`, in UTC."""
    local_now = now.astimezone(ZoneInfo(zone))
    candidate = datetime.combine(local_now.date(), at, tzinfo=ZoneInfo(zone))
    if candidate <= local_now:
        candidate = datetime.combine(
            local_now.date() + timedelta(days=1), at, tzinfo=ZoneInfo(zone)
        )
    return candidate.astimezone(UTC)


def parse_when(text: str, now: datetime, zone: str) -> datetime | BadTime:
    """A moment in UTC; a bare clock time means its next occurrence in the seminar's zone."""
    text = " ".join(text.strip().lower().split())
    relative = _RELATIVE.match(text)
    if relative and relative.group(2) in _UNITS:
        minutes = int(relative.group(1)) * _UNITS[relative.group(2)]
        if minutes == 0:
            return BadTime(TimeProblem.PAST)
        return now + timedelta(minutes=minutes)
    at = parse_clock_time(text)
    if at is not None:
        return next_daily(at, now, zone)
    local_now = now.astimezone(ZoneInfo(zone))
    try:
        if found := _DATE_CLOCK.match(text):
            day, month, year, hour, minute = found.groups()
            full_year = int(year) + (2000 if year and len(year) == 2 else 0) if year else None
            moment = datetime(
                full_year or local_now.year, int(month), int(day), int(hour), int(minute),
                tzinfo=ZoneInfo(zone),
            )  # fmt: skip
        elif found := _ISO.match(text):
            year4, month, day, hour, minute = (int(g) for g in found.groups())
            moment = datetime(year4, month, day, hour, minute, tzinfo=ZoneInfo(zone))
        else:
            return BadTime(TimeProblem.UNREADABLE)
    except ValueError:
        return BadTime(TimeProblem.UNREADABLE)
    if moment <= local_now:
        return BadTime(TimeProblem.PAST)
    return moment.astimezone(UTC)


async def deadline(deps: Deps, seminar: Seminar) -> Deadline | None:
    """When the seminar's current step is scheduled to close; None when no close is planned."""
    if seminar.ended:
        return None
    close = next(
        (s for s in await ScheduleStore(deps.store).active(seminar.id) if s.kind == Kind.CLOSE),
        None,
    )
    if close is None:
        return None
    return Deadline(close.run_at, deps.clock.now(), deps.settings.timezone)
