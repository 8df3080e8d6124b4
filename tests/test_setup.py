"""Creating a seminar step by step, with its state in the database, and who may do what."""

from __future__ import annotations

import json

from checks import said
from harness import BotProcess, button, contains, has_button, join, saying

from localapi import LocalBotApi


async def test_custom_questions_cancel_and_a_restart_in_the_middle(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="en")
    await mona.send("/new")
    ask = await mona.wait_for(has_button(button("en", "Cancel")))
    await mona.press(ask, button("en", "Cancel"))
    await mona.wait_for(saying("en", "Cancelled. Nothing was created."))

    await mona.send("/new")
    await mona.wait_for(has_button(button("en", "Cancel")))
    await mona.send("T" * 121)
    await mona.wait_for(
        contains(said("en", "That is too long: at most {limit} characters, please.", limit=120))
    )
    await mona.send("Good help at the office")
    choice = await mona.wait_for(has_button("English"))

    await bot.kill()
    await bot.restart()

    await mona.press(choice, "English")
    defaults = await mona.wait_for(has_button(button("en", "Write my own")))
    assert "What was it that made this a good experience?" in defaults.text
    await mona.press(defaults, button("en", "Write my own"))
    await mona.wait_for(saying("en", "Send question {number} as a message."))
    await mona.send("What helped you most?")
    await mona.send("Who made the difference, and how?")
    done = await mona.wait_for(
        lambda m: "Who made" in m.text and button("en", "Done") in m.button_labels()
    )
    await mona.press(done, button("en", "Done"))
    created = await mona.wait_for(contains("?start="))
    code = created.text.split("?start=")[1].split()[0]

    kari = api.user("Kari", language_code="nb")
    await join(kari, code, "nb")
    await mona.press(created, button("en", "Open the answer round"))
    prompt = await kari.wait_for(has_button(button("nb", "Next question ▶")))
    assert "What helped you most?" in prompt.text
    # Commands for moderators are set for the moderator's own chat, and only there.
    mine = {
        c["command"]
        for key, listed in api.commands.items()
        if str(mona.id) in str(key)
        for c in listed
    }
    assert {"open", "close", "groups", "invite"} <= mine
    assert not any(
        c["command"] == "open"
        for key, listed in api.commands.items()
        if str(mona.id) not in str(key)
        for c in listed
    )


async def test_five_questions_at_most(api: LocalBotApi, bot: BotProcess) -> None:
    mona = api.user("Mona", language_code="nn")
    await mona.send("/new")
    await mona.wait_for(has_button(button("nn", "Cancel")))
    await mona.send("Fem spørsmål")
    choice = await mona.wait_for(has_button("Norsk (nynorsk)"))
    await mona.press(choice, "Norsk (nynorsk)")
    defaults = await mona.wait_for(has_button(button("nn", "Write my own")))
    assert "Kva var det som gjorde dette til ei god oppleving?" in defaults.text
    await mona.press(defaults, button("nn", "Write my own"))
    for number in range(1, 6):
        await mona.send(f"Spørsmål {number}?")
    # The fifth question ends the list: the seminar is created without a «Done».
    await mona.wait_for(contains("?start="))
    ((questions,),) = bot.query("SELECT questions FROM seminars")
    assert json.loads(str(questions)) == [f"Spørsmål {number}?" for number in range(1, 6)]


async def test_who_may_run_a_seminar(api: LocalBotApi, bot: BotProcess) -> None:
    nobody = api.user("Ola", language_code="nb")
    for command in ("/invite", "/open", "/close"):
        await nobody.send(command)
        await nobody.wait_for(saying("nb", "You have no seminar yet. Create one with /new."))
    await nobody.send("/notes")
    await nobody.wait_for(
        saying(
            "nb",
            "You are not taking part in a seminar now. To join one, or to join again after "
            "leaving, open the join link you got from the moderator.",
        )
    )
    await nobody.send("/forget")
    await nobody.wait_for(
        saying(
            "nb",
            "You are not taking part in a seminar now. To join one, or to join again after "
            "leaving, open the join link you got from the moderator.",
        )
    )
    await nobody.send("/nonsense")
    await nobody.wait_for(saying("nb", "I do not know that command. /help shows what I can do."))
    await nobody.send("/help")
    # Somebody in no seminar reads that, and what they can do: no /notes, no /forget.
    outside = await nobody.wait_for(contains("/new", "/privacy"))
    assert "/notes" not in outside.text
    assert "/forget" not in outside.text
    await nobody.send("/privacy")
    await nobody.wait_for(
        contains(
            said(
                "nb",
                "A seminar and everything in it is deleted {days} days after it closes, or {days} "
                "days after anything last happened in it if it is never closed.",
                days=180,
            )
        )
    )
    await nobody.send("/language")
    menu = await nobody.wait_for(has_button("Norsk (nynorsk)"))
    await nobody.press(menu, "Norsk (nynorsk)")
    await nobody.wait_for(contains(said("nn", "I will write to you in English from now on.")))
    await nobody.send("/help")
    await nobody.wait_for(
        saying(
            "nn",
            "You are not taking part in a seminar yet. To join, open the invitation link you "
            "got from the moderator.",
        )
    )

    room = api.group("Seminarrommet", members=[nobody], admins=[nobody])
    await room.send(nobody, "/open")
    await room.wait_for(
        contains(
            said(
                "nn",
                "I work in private chats, so that answers stay anonymous. Write to me at @{bot}.",
                bot="seminar_test_bot",
            )
        )
    )
    assert bot.query("SELECT COUNT(*) FROM seminars") == [(0,)]


PRIVACY_PROMISES = (
    "Nobody is ever shown who wrote what, moderators included. In the database your notes are "
    "kept under a code, and your Telegram user number only in locked form. The key is kept "
    "outside the database.",
    "Moderators see the notes only after the answer round has closed, mixed and without names. "
    "A group sees its notes only if at least three people wrote them. The report has no names.",
    "If a moderator shortens or hides one of your notes, you are told, and you see the new "
    "wording.",
    "Telegram can see your chat with the bot, as with any chat. Anonymity here means that the "
    "other people in the seminar cannot tell what you wrote.",
    "You can ask the moderators a question with /ask. They do not see who asked: only the bot "
    "knows, to send you the answer. /forget deletes your questions too.",
    "You can withdraw at any time: /forget deletes your notes and everything about you in the "
    "seminar.",
)


async def test_privacy_says_who_sees_what_in_each_language(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """Each promise of /privacy is held by the tests of its rule (the README's "Who can know
    what" names them); here each must be said, in the reader's language."""
    for language in ("nb", "nn", "en"):
        person = api.user(f"Leser {language}", language_code=language)
        await person.send("/privacy")
        screen = await person.wait_for(
            contains(
                said(
                    language,
                    "A seminar and everything in it is deleted {days} days after it closes, or "
                    "{days} days after anything last happened in it if it is never closed.",
                    days=180,
                )
            )
        )
        for promise in PRIVACY_PROMISES:
            assert said(language, promise) in screen.text, (language, promise)
