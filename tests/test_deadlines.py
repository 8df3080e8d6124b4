"""A scheduled close is a deadline people see, and the reminder choices are those that fit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checks import pattern, said, said_n
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    has_button,
    seminar_with,
    text,
)

from bot.i18n import translator
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

ZONE = "Europe/Oslo"
ROUND_CLOSES = "The answer round closes at {when}."
REMINDER = (
    "A gentle reminder: the answer round of <b>{title}</b> closes soon. We would love to hear "
    "what has helped you; one short note is enough."
)


def bot_now(bot: BotProcess) -> datetime:
    clock = bot.directory / "clock.txt"
    offset = float(clock.read_text() or 0) if clock.exists() else 0.0
    return datetime.now(UTC) + timedelta(seconds=offset)


def opening(language: str) -> str:
    """The deadline line's words before the time."""
    return said(language, ROUND_CLOSES, when="\0").split("\0")[0]


async def schedule_close(mona: SimUser, when: str) -> BotMessage:
    await mona.send("/schedule")
    label = "⏰ " + text("nb", "Close the current step")
    menu = await mona.wait_for(has_button(label))
    await mona.press(menu, label)
    await mona.wait_for(lambda m: m.message_id > menu.message_id)
    await mona.send(when)
    return await mona.wait_for(contains(text("nb", "Close the current step")))


async def reminder_menu(mona: SimUser) -> BotMessage:
    await mona.send("/schedule")
    label = "⏰ " + text("nb", "Reminder to those who have not taken part yet")
    menu = await mona.wait_for(has_button(label))
    await mona.press(menu, label)
    return await mona.wait_for(lambda m: m.message_id > menu.message_id)


def minutes(language: str, count: int) -> str:
    return said_n(language, "{count} minute", "{count} minutes", count)


async def test_a_close_half_an_hour_away_takes_the_half_hour_reminder(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nn")]
    )
    # No close scheduled: the question says nothing about one.
    first = next(m for m in reversed(anna.inbox) if m.button_labels())
    assert opening("nb") not in first.text, first.text

    await schedule_close(mona, "om 30 minutter")
    close_at = bot_now(bot) + timedelta(minutes=30)
    # Only the choice that still lies ahead is offered, and it sets the reminder.
    # «30 minutes» before a close half an hour away is now: the reminder is set, not refused.
    menu = await reminder_menu(mona)
    await mona.press(menu, minutes("nb", 30))
    done = await mona.wait_for(lambda m: m.message_id > menu.message_id)
    scheduled = pattern(
        "nb",
        "Scheduled: {what}, {when}.",
        what=text("nb", "Reminder to those who have not taken part yet"),
    )
    assert scheduled.fullmatch(done.text), done.text
    # And it is the only choice offered: the others would lie in the past.
    assert menu.button_labels() == [minutes("nb", 30)], menu.button_labels()

    # It goes out now, to those who have not written, with the time the round closes.
    await answer(anna, "Jeg ble møtt med respekt")
    reminded = await bob.wait_for(contains(said("en", REMINDER, title="Gode møter med Nav")))
    left_en = translator("en").until(close_at, bot_now(bot))
    deadline_en = said(
        "en",
        "It closes at {when}.",
        when=said(
            "en",
            "{time} ({left})",
            time=translator("en").clock(close_at, ZONE, bot_now(bot)),
            left=left_en,
        ),
    )
    assert deadline_en in reminded.text, reminded.text
    await cato.wait_for(contains(said("nn", REMINDER, title="Gode møter med Nav")))

    # A close set after the round opened reaches the questions shown from then on.
    await cato.press(
        next(
            m for m in reversed(cato.inbox) if button("nn", "Next question ▶") in m.button_labels()
        ),
        button("nn", "Next question ▶"),
    )
    second = await cato.wait_for(
        contains(said("nn", "<b>Question {number} of {total}</b>", number=2, total=2))
    )
    clock = translator("nn").clock(close_at, ZONE, bot_now(bot))
    assert opening("nn") + clock in second.text, second.text

    # Pressed too late, a reminder is refused in words that say why, with the choices left.
    bot.advance_clock(10 * 60)
    await mona.press(menu, minutes("nb", 30))
    late = await mona.wait_for(
        contains(
            said(
                "nb",
                "A reminder {time} before the close would be in the past now.",
                time=minutes("nb", 30),
            )
        )
    )
    assert not late.button_labels()
    assert (
        said(
            "nb",
            "That is too soon for a reminder: the shortest is {time} before the close.",
            time=minutes("nb", 30),
        )
        in late.text
    )


async def test_the_opening_and_questions_tell_when_the_round_closes(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _, (anna, bob) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en")], open_round=False
    )
    await schedule_close(mona, "om 2 timer")
    close_at = bot_now(bot) + timedelta(hours=2)
    await mona.send("/open")
    for person, language in ((anna, "nb"), (bob, "en")):
        opened = await person.wait_for(
            contains(
                said(
                    language,
                    "The answer round of <b>{title}</b> has started!",
                    title="Gode møter med Nav",
                )
            )
        )
        line = said(
            language,
            ROUND_CLOSES,
            when=said(
                language,
                "{time} ({left})",
                # With the date when the close falls on another day there (late evening).
                time=translator(language).clock(close_at, ZONE, bot_now(bot)),
                left=translator(language).until(close_at, bot_now(bot)),
            ),
        )
        assert line in opened.text, opened.text
        question = await person.wait_for(has_button(button(language, "Next question ▶")))
        assert line in question.text, question.text
    # Two hours before the close fits too: the menu offers 30 minutes, 1 hour and 2 hours.
    menu = await reminder_menu(mona)
    assert menu.button_labels() == [
        minutes("nb", 30),
        said_n("nb", "{count} hour", "{count} hours", 1),
        said_n("nb", "{count} hour", "{count} hours", 2),
    ], menu.button_labels()
