"""Reading the times moderators type, in Europe/Oslo."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.flows.timing import BadTime, next_daily, parse_clock_time, parse_when

NOW = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)  # 13:00 in Oslo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 30 minutes", NOW + timedelta(minutes=30)),
        ("om 30 minutter", NOW + timedelta(minutes=30)),
        ("+2h", NOW + timedelta(hours=2)),
        ("om 2 timar", NOW + timedelta(hours=2)),
        ("1 dag", NOW + timedelta(days=1)),
        ("14:30", datetime(2027, 3, 3, 13, 30, tzinfo=UTC)),
        ("kl. 9", datetime(2027, 3, 4, 8, 0, tzinfo=UTC)),
        ("4.3. 14:30", datetime(2027, 3, 4, 13, 30, tzinfo=UTC)),
        ("4.3.2027 kl. 14.30", datetime(2027, 3, 4, 13, 30, tzinfo=UTC)),
        ("2027-06-01 09:00", datetime(2027, 6, 1, 7, 0, tzinfo=UTC)),
        ("2027-06-01 09:45", datetime(2027, 6, 1, 7, 45, tzinfo=UTC)),
        ("4.3.2028 14:30", datetime(2028, 3, 4, 13, 30, tzinfo=UTC)),
        ("4.3.28 14:30", datetime(2028, 3, 4, 13, 30, tzinfo=UTC)),
        ("23:59", datetime(2027, 3, 3, 22, 59, tzinfo=UTC)),
        ("kl 0", datetime(2027, 3, 3, 23, 0, tzinfo=UTC)),
    ],
)
def test_times_that_are_understood(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW, "Europe/Oslo") == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("tomorrow-ish", "unreadable"),
        ("25:00", "unreadable"),
        ("31.2. 10:00", "unreadable"),
        ("1.3.2027 10:00", "past"),
        ("2020-01-01 10:00", "past"),
        ("in 0 minutes", "past"),
        ("", "unreadable"),
        ("24:00", "unreadable"),
        ("12:60", "unreadable"),
        # The very moment it is now is already past.
        ("3.3.2027 13:00", "past"),
        ("2027-03-03 13:00", "past"),
    ],
)
def test_times_that_are_refused(text: str, reason: str) -> None:
    assert parse_when(text, NOW, "Europe/Oslo") == BadTime(reason)


def test_daily_times_cross_daylight_saving() -> None:
    at = parse_clock_time("09:00")
    assert at is not None
    before = datetime(2027, 3, 27, 9, 0, tzinfo=UTC)  # Saturday; summer time starts Sunday
    first = next_daily(at, before, "Europe/Oslo")
    second = next_daily(at, first, "Europe/Oslo")
    assert first == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    assert second == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)


@pytest.fixture
def server_far_east() -> Iterator[None]:
    """The server's own clock at UTC+14, where it is already tomorrow when Oslo has noon."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "<+14>-14"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.usefixtures("server_far_east")
@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("14:30", NOW, datetime(2027, 3, 3, 13, 30, tzinfo=UTC)),
        ("2027-06-01 09:00", NOW, datetime(2027, 6, 1, 7, 0, tzinfo=UTC)),
        # A date without a year is in the seminar's year, not in the server's.
        (
            "31.12. 18:00",
            datetime(2027, 12, 31, 12, 0, tzinfo=UTC),
            datetime(2027, 12, 31, 17, 0, tzinfo=UTC),
        ),
    ],
)
def test_times_are_read_in_the_seminars_zone_whatever_the_servers(
    text: str, now: datetime, expected: datetime
) -> None:
    when = parse_when(text, now, "Europe/Oslo")
    assert when == expected
    assert isinstance(when, datetime)
    assert when.tzinfo is UTC
    assert time.localtime(now.timestamp()).tm_gmtoff == 14 * 3600
