"""What the bot says after /forget is true: a participant can join again with the link."""

from __future__ import annotations

from checks import said
from harness import BotProcess, button, has_button, join, seminar_with

from localapi import LocalBotApi

FORGOTTEN = (
    "Done. Your notes and everything about you in <b>{title}</b> have been deleted. Thank you "
    "for your time."
)
AGAIN = "If you want to take part again, open the join link you got from the moderator."
NOT_IN_ONE = (
    "You are not taking part in a seminar now. To join one, or to join again after leaving, "
    "open the join link you got from the moderator."
)


async def test_after_forget_the_way_back_is_the_join_link(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, code, (anna, _bob) = await seminar_with(api, [("Anna", "nb"), ("Bob", "en")])
    await anna.send("/forget")
    ask = await anna.wait_for(has_button(button("nb", "Yes, delete everything")))
    await anna.press(ask, button("nb", "Yes, delete everything"))
    done = await anna.wait_for(lambda m: m.message_id == ask.message_id and m.edited > 0)
    assert done.text == said("nb", FORGOTTEN, title="Gode møter med Nav") + " " + said("nb", AGAIN)
    assert "/new" not in done.text
    await anna.send("/notes")
    after = await anna.wait_for(lambda m: m.message_id > done.message_id)
    assert after.text == said("nb", NOT_IN_ONE)
    assert "/new" not in after.text
    # A text after leaving is answered with where she stands, which suggests no /new either.
    await anna.send("Hei igjen")
    elsewhere = await anna.wait_for(lambda m: m.message_id > after.message_id)
    assert "/new" not in elsewhere.text
    # And it is so: the same link takes her back in, to the question the round is at.
    await join(anna, code, "nb")
    await anna.wait_for(has_button(button("nb", "Next question ▶")))
