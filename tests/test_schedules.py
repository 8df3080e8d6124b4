"""Time boxes, reminders and daily summaries, with a clock the test moves forward."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from checks import is_cockpit, pattern, said, said_n
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

from bot.i18n import translator
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

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
        return await mona.wait_for(lambda m: bool(m.buttons) and not is_cockpit(m))
    if kind == "Daily summary":
        asked = "At what time each day should the summary go out? For example 09:00."
    else:
        asked = (
            "When? Write a time such as 14:30, a date and time such as 4.3. 14:30, or «in 30 "
            "minutes»."
        )
    await mona.wait_for(contains(said("nb", asked)))
    await mona.send(when)
    return await mona.wait_for(lambda m: m.message_id > menu.message_id + 1 and not is_cockpit(m))


async def test_open_close_reminder_and_daily_summary(api: LocalBotApi, bot: BotProcess) -> None:
    mona, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nn")], open_round=False
    )
    # Bad input first: nothing is scheduled by any of it.
    await bob.send("/schedule")
    await bob.wait_for(saying("en", "Only the seminar's moderators can do that."))
    refused = await schedule(mona, "Open the answer round", "i går")
    assert refused.text == said(
        "nb",
        "I could not read that time. Examples: 14:30, 4.3. 14:30, 2027-03-04 14:30, or «in "
        "30 minutes».",
    )
    await mona.send("1.1.2020 10:00")
    await mona.wait_for(saying("nb", "That time has already passed. Please give a later time."))
    await mona.send("om 10 minutter")
    await mona.wait_for(contains(text("nb", "Open the answer round")))

    bot.advance_clock(11 * 60)
    for person, language in ((anna, "nb"), (bob, "en"), (cato, "nn")):
        await person.wait_for(has_button(button(language, "Next question ▶")))

    close = await schedule(mona, "Close the current step", "om 2 timer")
    planned = pattern("nb", "Scheduled: {what}, {when}.", what=text("nb", "Close the current step"))
    found = planned.fullmatch(close.text)
    assert found is not None, close.text
    twice = await schedule(mona, "Close the current step", "om 3 timer")
    # Refused, naming the time already planned (two hours from now), not the new one.
    assert twice.text == said(
        "nb",
        "That is already scheduled for {when}. Cancel it in /schedule first if you want "
        "another time.",
        when=found["when"],
    )
    choices = await schedule(mona, "Reminder to those who have not taken part yet")
    await mona.press(choices, choices.button_labels()[0])  # 30 minutes before the close
    await mona.wait_for(contains(text("nb", "Reminder to those who have not taken part yet")))
    local = (bot_now(bot) + timedelta(minutes=20)).astimezone(ZoneInfo("Europe/Oslo"))
    daily = await schedule(mona, "Daily summary", local.strftime("%H:%M"))
    first_run = local.replace(second=0, microsecond=0)
    assert daily.text == said(
        "nb",
        "Scheduled: {what}, {when}.",
        what=text("nb", "Daily summary"),
        when=translator("nb").datetime(first_run, "Europe/Oslo"),
    )

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
    answer_round = translator("nb").pgettext("phase", "answer round")
    assert full.text.splitlines()[1:6] == [
        said("nb", "Step: {phase}", phase=answer_round),
        said_n("nb", "{count} participant", "{count} participants", 3),
        said_n("nb", "{count} note", "{count} notes", 1),
        said_n("nb", "{count} theme", "{count} themes", 0),
        said_n("nb", "{count} vote", "{count} votes", 0),
    ], full.text
    short = said(
        "nb", "<b>{title}</b> is at «{phase}».", title="Gode møter med Nav", phase=answer_round
    )
    short += " " + said_n("nb", "So far {count} note", "So far {count} notes", 1) + "."
    await anna.wait_for(lambda m: m.text == short)
    bot.advance_clock(70 * 60)  # 30 minutes before the close: the reminder
    await bob.wait_for(saying("en", REMINDER))
    await cato.wait_for(saying("nn", REMINDER))
    bot.advance_clock(31 * 60)  # the close
    closed = await bob.wait_for(
        saying("en", "The answer round of <b>{title}</b> is closed. Thank you!")
    )
    assert closed.text.splitlines()[1:4] == [
        said_n("en", "Together you wrote {count} note:", "Together you wrote {count} notes:", 1),
        said_n(
            "en", "question {number}: {count} note", "question {number}: {count} notes", 1, number=1
        ),
        said_n(
            "en", "question {number}: {count} note", "question {number}: {count} notes", 0, number=2
        ),
    ], closed.text
    # One writer: the moderators get the counts and why, not the note.
    await mona.wait_for(
        saying(
            "nb",
            "Notes are shown only when at least three people wrote them. With fewer, the "
            "readers could tell who wrote what. So nobody sees the notes, not even you.",
        )
    )
    await api.wait_idle()
    assert not any("Jeg ble møtt med respekt" in m.text for m in mona.inbox)
    assert not any(saying("nb", REMINDER)(m) for m in anna.inbox)
    assert bot.query("SELECT phase FROM seminars") == [("grouping",)]
    statuses = sorted(str(r[0]) for r in bot.query("SELECT status FROM schedules"))
    assert statuses == ["done", "done", "done", "pending"]


NOT_DONE = (
    "Not done: {what}, planned for {when}. The bot was not running then, and when it "
    "came back <b>{title}</b> had moved on to «{phase}»."
)


async def missed_while_down(
    api: LocalBotApi, bot: BotProcess
) -> tuple[SimUser, SimUser, SimUser, BotMessage]:
    """A close and a reminder before it both fall due while the bot is down; returns the
    moderator, the two participants and the moderator's report of the missed reminder."""
    mona, _, (anna, bob) = await seminar_with(api, [("Anna", "nb"), ("Bob", "en")])
    await schedule(mona, "Close the current step", "om 2 timer")
    choices = await schedule(mona, "Reminder to those who have not taken part yet")
    await mona.press(choices, choices.button_labels()[0])
    await mona.wait_for(contains(text("nb", "Reminder to those who have not taken part yet")))
    mona.drain()
    # Killed once the bot has settled, so no reply in flight comes again after the restart.
    await api.wait_idle()

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
    return mona, anna, bob, missed


async def test_jobs_that_fell_due_while_the_bot_was_down(api: LocalBotApi, bot: BotProcess) -> None:
    _, anna, bob, missed = await missed_while_down(api, bot)
    not_done = pattern(
        "nb",
        NOT_DONE,
        what=text("nb", "Reminder to those who have not taken part yet"),
        title="Gode møter med Nav",
    )
    assert not_done.fullmatch(missed.text), missed.text
    await api.wait_idle(quiet=2.0)
    closes = [m for m in bob.inbox if "Next, the notes go to the group work" in m.text]
    assert len(closes) == 1
    assert not any(saying("en", REMINDER)(m) for m in bob.inbox)
    statuses = sorted(str(r[0]) for r in bot.query("SELECT status FROM schedules"))
    assert statuses == ["done", "missed"]
    closed_nb = said(
        "nb", "Next, the notes go to the group work, without names. I will let you know."
    )
    assert sum(closed_nb in m.text for m in anna.inbox) == 1


async def test_a_missed_job_names_the_step_the_seminar_moved_on_to(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, _, missed = await missed_while_down(api, bot)
    found = pattern("nb", NOT_DONE).fullmatch(missed.text)
    assert found is not None, missed.text
    assert found["phase"] == translator("nb").pgettext("phase", "answer round closed")


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
    listing = await mona.wait_for(has_button(button("nb", "Cancel item {number}").format(number=1)))
    await mona.press(listing, button("nb", "Cancel item {number}").format(number=1))
    await mona.wait_for(contains(text("nb", "Open the answer round")))
    bot.advance_clock(11 * 60)
    await asyncio.sleep(2.5)
    await api.wait_idle()
    assert not any(button("nb", "Next question ▶") in m.button_labels() for m in anna.inbox)
    assert bot.query("SELECT status FROM schedules") == [("cancelled",)]
    assert bot.query("SELECT phase FROM seminars") == [("draft",)]


async def test_a_scheduled_opening_does_not_reopen_a_round_closed_since(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """The moderator opened and closed the round by hand before the scheduled opening fell due:
    that opening must not reopen the round (only a moderator reopens), and they are told so."""
    mona, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "nb"), ("Cato", "nb")], open_round=False
    )
    await schedule(mona, "Open the answer round", "om 10 minutter")
    await mona.send("/open")
    for person in (anna, bob, cato):
        await person.wait_for(has_button(button("nb", "Next question ▶")))
        await answer(person, f"{person.name} fikk god hjelp")
    await mona.send("/close")
    await mona.wait_for(contains("Anna fikk god hjelp"))
    mona.drain()
    bot.advance_clock(601)
    missed = await mona.wait_for(lambda m: pattern("nb", NOT_DONE).fullmatch(m.text) is not None)
    found = pattern("nb", NOT_DONE).fullmatch(missed.text)
    assert found is not None
    assert found["phase"] == translator("nb").pgettext("phase", "answer round closed")
    await api.wait_idle()
    assert bot.query("SELECT phase FROM seminars") == [("grouping",)]
    assert bot.query("SELECT status FROM schedules") == [("missed",)]
