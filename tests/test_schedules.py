"""Time boxes, reminders and daily summaries, with a clock the test moves forward."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from harness import (
    BotProcess,
    answer,
    button,
    contains,
    has_button,
    saying,
    seminar_with,
    text,
    wait_until,
)

from bot.localapi import LocalBotApi, SimUser
from bot.localapi.sim import BotMessage

REMINDER = (
    "A gentle reminder: the answer round of <b>{title}</b> closes soon. We would love to hear "
    "what has helped you; one short note is enough."
)


def bot_now(bot: BotProcess) -> datetime:
    clock = bot.directory / "clock.txt"
    offset = float(clock.read_text() or 0) if clock.exists() else 0.0
    return datetime.now(UTC) + timedelta(seconds=offset)


async def schedule(mona: SimUser, kind: str, when: str | None = None) -> BotMessage:
    """Chooses a kind of job in /schedule and answers the question that follows."""
    await mona.send("/schedule")
    menu = await mona.wait_for(has_button("⏰ " + text("nb", kind)))
    await mona.press(menu, "⏰ " + text("nb", kind))
    if when is None:
        return await mona.wait_for(lambda m: bool(m.buttons))
    await mona.wait_for(lambda m: "14:30" in m.text or "09:00" in m.text)
    await mona.send(when)
    return await mona.wait_for(lambda m: m.message_id > menu.message_id + 1)


async def test_open_close_reminder_and_daily_summary(api: LocalBotApi, bot: BotProcess) -> None:
    mona, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nn")], open_round=False
    )
    # Bad input first: nothing is scheduled by any of it.
    await bob.send("/schedule")
    await bob.wait_for(saying("en", "Only the seminar's moderators can do that."))
    refused = await schedule(mona, "Open the answer round", "i går")
    assert "14:30" in refused.text
    await mona.send("1.1.2020 10:00")
    await mona.wait_for(saying("nb", "That time has already passed. Please give a later time."))
    await mona.send("om 10 minutter")
    await mona.wait_for(contains(text("nb", "Open the answer round")))

    bot.advance_clock(11 * 60)
    for person, language in ((anna, "nb"), (bob, "en"), (cato, "nn")):
        await person.wait_for(has_button(button(language, "Next question ▶")))

    await schedule(mona, "Close the current step", "om 2 timer")
    twice = await schedule(mona, "Close the current step", "om 3 timer")
    assert "/schedule" in twice.text
    choices = await schedule(mona, "Reminder to those who have not taken part yet")
    await mona.press(choices, choices.button_labels()[0])  # 30 minutes before the close
    await mona.wait_for(contains(text("nb", "Reminder to those who have not taken part yet")))
    local = (bot_now(bot) + timedelta(minutes=20)).astimezone(ZoneInfo("Europe/Oslo"))
    daily = await schedule(mona, "Daily summary", local.strftime("%H:%M"))
    assert local.strftime("%H:%M") in daily.text

    await answer(anna, "Jeg ble møtt med respekt")
    await anna.send("/summary")
    mine = await anna.wait_for(has_button(button("nb", "Send me the summaries")))
    await anna.press(mine, button("nb", "Send me the summaries"))
    await anna.wait_for(lambda m: m.message_id == mine.message_id and m.edited > 0)
    anna.drain()
    bob.drain()

    bot.advance_clock(21 * 60)  # the daily summary
    full = await mona.wait_for(saying("nb", "<b>Summary: {title}</b>"))
    assert "Anna" not in full.text
    await anna.wait_for(contains("Gode møter med Nav", "«"))
    bot.advance_clock(70 * 60)  # 30 minutes before the close: the reminder
    await bob.wait_for(saying("en", REMINDER))
    await cato.wait_for(saying("nn", REMINDER))
    bot.advance_clock(31 * 60)  # the close
    await bob.wait_for(contains("1"))
    await mona.wait_for(contains("Jeg ble møtt med respekt"))
    await api.wait_idle()
    assert not any(saying("nb", REMINDER)(m) for m in anna.inbox)
    assert bot.query("SELECT phase FROM seminars") == [("grouping",)]
    statuses = sorted(str(r[0]) for r in bot.query("SELECT status FROM schedules"))
    assert statuses == ["done", "done", "done", "pending"]


async def test_jobs_that_fell_due_while_the_bot_was_down(api: LocalBotApi, bot: BotProcess) -> None:
    mona, _, (anna, bob) = await seminar_with(api, [("Anna", "nb"), ("Bob", "en")])
    await schedule(mona, "Close the current step", "om 2 timer")
    choices = await schedule(mona, "Reminder to those who have not taken part yet")
    await mona.press(choices, choices.button_labels()[0])
    await mona.wait_for(contains(text("nb", "Reminder to those who have not taken part yet")))
    mona.drain()

    await bot.kill()
    bot.advance_clock(3 * 3600)
    await bot.restart()
    # The close still happens, once; the reminder would come after it, so it is reported.
    await bob.wait_for(
        saying("en", "Next, the notes go to the group work, without names. I will let you know.")
    )
    missed = await mona.wait_for(
        contains(text("nb", "Reminder to those who have not taken part yet"))
    )
    assert "«" in missed.text
    await api.wait_idle(quiet=2.0)
    closes = [m for m in bob.inbox if "Next, the notes go to the group work" in m.text]
    assert len(closes) == 1
    assert not any(saying("en", REMINDER)(m) for m in bob.inbox)
    statuses = sorted(str(r[0]) for r in bot.query("SELECT status FROM schedules"))
    assert statuses == ["done", "missed"]
    assert anna.inbox


async def test_a_crash_in_the_middle_of_a_scheduled_close(
    api: LocalBotApi, bot: BotProcess
) -> None:
    people_spec = [(f"P{i:02d}", "nb") for i in range(24)]
    mona, _, people = await seminar_with(api, people_spec)
    await schedule(mona, "Close the current step", "om 1 timer")
    closing_words = saying(
        "nb", "Next, the notes go to the group work, without names. I will let you know."
    )

    def told() -> int:
        return sum(1 for p in people for m in p.inbox if closing_words(m))

    bot.advance_clock(3601)
    await wait_until(lambda: told() > 0)
    await bot.kill()
    assert told() < len(people)
    await bot.restart()
    await wait_until(lambda: all(any(closing_words(m) for m in p.inbox) for p in people))
    await api.wait_idle(quiet=1.0, timeout=30)
    counts = [sum(1 for m in p.inbox if closing_words(m)) for p in people]
    assert sum(counts) - len(people) <= 1
    assert bot.query("SELECT phase FROM seminars") == [("grouping",)]
    assert bot.query("SELECT status FROM schedules") == [("done",)]
    summaries = [
        m
        for m in mona.inbox
        if "Hide 1" in " ".join(m.button_labels()) or "Skjul 1" in " ".join(m.button_labels())
    ]
    assert len(summaries) <= 2


async def test_a_cancelled_job_does_not_run(api: LocalBotApi, bot: BotProcess) -> None:
    mona, _, (anna,) = await seminar_with(api, [("Anna", "nb")], open_round=False)
    await schedule(mona, "Open the answer round", "om 10 minutter")
    await mona.send("/schedule")
    listing = await mona.wait_for(has_button(button("nb", "Cancel {number}").format(number=1)))
    await mona.press(listing, button("nb", "Cancel {number}").format(number=1))
    await mona.wait_for(contains(text("nb", "Open the answer round")))
    bot.advance_clock(11 * 60)
    await asyncio.sleep(2.5)
    await api.wait_idle()
    assert not any(button("nb", "Next question ▶") in m.button_labels() for m in anna.inbox)
    assert bot.query("SELECT status FROM schedules") == [("cancelled",)]
    assert bot.query("SELECT phase FROM seminars") == [("draft",)]
