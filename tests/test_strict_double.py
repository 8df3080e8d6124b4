"""The bot against the rules where the Bot API double is as strict as Telegram."""

from __future__ import annotations

import asyncio

from harness import BotProcess, answer, seminar_with, text

from localapi import LocalBotApi


async def test_a_press_answered_too_late_gets_its_notice_as_a_message(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
    confirmed = await answer(anna, "Hun svarte på det jeg faktisk spurte om")
    api.answer_window = 0.2

    # Pressed while the bot is away: when it is back, Telegram no longer takes an answer.
    await bot.kill()
    await anna.press_data(confirmed, "not-a-button-the-bot-made")
    await asyncio.sleep(0.3)
    await bot.restart()

    notice = text("nb", "This button is not valid.")
    told = await anna.wait_for(lambda m: m.text == notice and m.message_id > confirmed.message_id)
    assert told.buttons == []
    assert notice not in anna.toasts
    refused = [line for line in bot.logs if "could not be answered" in line]
    assert refused, bot.log_text[-2000:]
    assert all("level=INFO" in line for line in refused)
