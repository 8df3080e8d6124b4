"""Bad input gets a clear, polite answer in the person's language and changes nothing."""

from __future__ import annotations

from checks import said
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    has_button,
    join,
    saying,
    seminar_with,
    text,
)

from bot.domain import Phase
from bot.i18n import translator
from bot.render.screens import phase_name
from localapi import LocalBotApi
from localapi.sim import BotMessage


def note_texts(bot: BotProcess) -> list[str]:
    return sorted(str(row[0]) for row in bot.query("SELECT text FROM notes"))


async def test_non_text_messages_are_refused_politely(api: LocalBotApi, bot: BotProcess) -> None:
    _, _, (anna, kari) = await seminar_with(api, [("Anna", "nb"), ("Kari", "nn")])
    for send in (anna.send_sticker, anna.send_photo, anna.send_voice, anna.send_document):
        await send()
        await anna.wait_for(
            saying(
                "nb",
                "I can only save text. Please write your note as a message; pictures, stickers, voice messages and files are not saved.",
            )
        )
    await kari.send_sticker()
    await kari.wait_for(
        saying(
            "nn",
            "I can only save text. Please write your note as a message; pictures, stickers, voice messages and files are not saved.",
        )
    )
    await anna.send_forwarded("Veilederen min het Per Hansen og var flink", from_name="Per")
    await anna.wait_for(
        saying(
            "nb",
            "That was a forwarded message, so I did not save it. Please write your note in your own words.",
        )
    )
    assert note_texts(bot) == []


async def test_long_html_emoji_and_rtl_text(api: LocalBotApi, bot: BotProcess) -> None:
    _, _, (anna,) = await seminar_with(api, [("Anna", "en")])
    await anna.send("x" * 281)
    tip = await anna.wait_for(saying("en", "That is a bit long for one note: {length} characters"))
    assert tip.text == said(
        "en",
        "That is a bit long for one note: {length} characters, and a note holds at most "
        "{limit}. Nothing was saved. Could you split it into two or more shorter messages? "
        "Your text is still there above, so you can copy it.",
        length=281,
        limit=280,
    )
    assert note_texts(bot) == []

    await anna.send("<b>Bold</b> & <script>alert(1)</script> &amp; 5 < 6")
    saved = await anna.wait_for(contains("✓"))
    assert "<b>Bold</b> & <script>alert(1)</script> &amp; 5 < 6" in saved.text
    await anna.send("Hjelp 🙏🏽 كان مفيدا جدا ✨ שלום")
    await anna.wait_for(contains("✓", "كان مفيدا جدا"))
    assert note_texts(bot) == sorted(
        ["<b>Bold</b> & <script>alert(1)</script> &amp; 5 < 6", "Hjelp 🙏🏽 كان مفيدا جدا ✨ שלום"]
    )


async def test_personal_details_wait_until_the_writer_decides(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
    await anna.send("Ring Per på 912 34 567")
    held = await anna.wait_for(has_button(button("nb", "Keep as written")))
    assert "912 34 567" in held.text
    assert note_texts(bot) == []
    await anna.press(held, button("nb", "Delete it"))
    await anna.wait_for(lambda m: m.message_id == held.message_id and m.edited > 0)
    assert note_texts(bot) == []
    assert bot.query("SELECT COUNT(*) FROM writers WHERE draft IS NOT NULL") == [(0,)]

    await anna.send("Skriv til veileder@nav.no, det hjalp")
    held = await anna.wait_for(has_button(button("nb", "Keep as written")))
    await anna.send("Det hjalp å skrive til veilederen direkte")
    await anna.wait_for(contains("✓", "Det hjalp å skrive"))
    assert note_texts(bot) == ["Det hjalp å skrive til veilederen direkte"]
    # The held text was replaced by the new one; its old button has nothing left to keep.
    await anna.press(held, button("nb", "Keep as written"))
    await anna.wait_for(saying("nb", "There is nothing waiting for this button any more."))

    await anna.send("Vi møttes på www.nav.no sin chat, den var grei")
    held = await anna.wait_for(has_button(button("nb", "Keep as written")))
    await anna.press(held, button("nb", "Keep as written"))
    await anna.wait_for(contains("✓", "www.nav.no"))
    assert len(note_texts(bot)) == 2


async def test_commands_and_buttons_in_the_wrong_hands(api: LocalBotApi, bot: BotProcess) -> None:
    moderator, code, (anna, bob) = await seminar_with(api, [("Anna", "nb"), ("Bob", "en")])
    saved = await answer(anna, "Veilederen lyttet til meg")

    await bob.send("/open")
    await bob.wait_for(saying("en", "Only the seminar's moderators can do that."))
    await bob.send("/close")
    await bob.wait_for(saying("en", "Only the seminar's moderators can do that."))

    # Anna's own edit button, pressed from Bob's chat: a real button, but not his note.
    edit_data = dict(saved.buttons[0])[button("nb", "✏️ Edit")]
    delete_data = dict(saved.buttons[0])[button("nb", "🗑 Delete")]
    own = await answer(bob, "The adviser called back")
    await bob.press_data(own, delete_data)
    await bob.wait_for(saying("en", "That note no longer exists, so there is nothing to change."))
    await bob.press_data(own, edit_data)
    await bob.wait_for(saying("en", "That note no longer exists, so there is nothing to change."))

    # Forged and mangled data: every one of the five presses is refused.
    await api.wait_idle()
    before = len(bob.inbox)
    for forged in ("1x:abc.AAAAAAAA", "garbage", "1x:zz:zz:zz", "9x:1.abcdefgh", "ü" * 20):
        await bob.press_data(own, forged)
    await api.wait_idle()
    invalid = text("en", "This button is not valid.")
    expired = text("en", "This button has expired. Please use the newest message.")
    # A key version the bot does not have («9x») reads as a button from before a key change.
    # Each refusal is a message, which a screen reader reads (a toast it does not).
    told = sorted(m.text for m in bob.inbox[before:])
    assert told == sorted([invalid, invalid, invalid, expired, invalid])
    assert sorted(note_texts(bot)) == ["The adviser called back", "Veilederen lyttet til meg"]

    # Wrong, old and repeated invitations.
    carl = api.user("Carl", language_code="en")
    await carl.send("/start not-a-real-code")
    await carl.wait_for(
        saying(
            "en",
            "This invitation link does not work. It may have been replaced by a newer one. Please ask the moderator for the current link.",
        )
    )
    await moderator.send("/invite")
    invite = await moderator.wait_for(
        has_button(button("nb", "Make a new link (the old one stops working)"))
    )
    await moderator.press(invite, button("nb", "Make a new link (the old one stops working)"))
    renewed = await moderator.wait_for(
        lambda m: "?start=" in m.text and m.message_id > invite.message_id
    )
    new_code = renewed.text.split("?start=")[1].split()[0]
    assert new_code != code
    photos = [m for m in moderator.inbox if m.kind == "photo"]
    assert photos
    assert photos[-1].file_bytes
    assert photos[-1].file_bytes.startswith(b"\x89PNG")
    await carl.send(f"/start {code}")
    await carl.wait_for(
        saying(
            "en",
            "This invitation link does not work. It may have been replaced by a newer one. Please ask the moderator for the current link.",
        )
    )
    await join(carl, new_code, "en")
    await anna.send(f"/start {new_code}")
    await anna.wait_for(
        saying("nb", "You are already taking part in <b>{title}</b>. Welcome back!")
    )
    assert bot.query("SELECT COUNT(*) FROM members WHERE role = 'participant'") == [(3,)]


async def test_after_the_round_closes(api: LocalBotApi, bot: BotProcess) -> None:
    moderator, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
    saved = await answer(anna, "Jeg ble tatt på alvor")
    note = next(m for m in anna.messages.values() if m.get("text") == "Jeg ble tatt på alvor")
    await moderator.send("/close")
    await anna.wait_for(
        saying("nb", "Next, the notes go to the group work, without names. I will let you know.")
    )
    anna.drain()

    await anna.edit(note["message_id"], "Jeg ble tatt på alvor av alle")
    await anna.wait_for(
        saying(
            "nb",
            "The answer round of <b>{title}</b> is closed, so notes can no longer be added or changed. Your notes are safe as they were.",
        )
    )
    closed_text = said(
        "nb",
        "The answer round of <b>{title}</b> is closed, so notes can no longer be added or changed. Your notes are safe as they were.",
        title="Gode møter med Nav",
    )

    def closed(m: BotMessage) -> bool:
        return m.text == closed_text

    # Both presses on the note's old buttons are answered that the round is closed, and the
    # note's message loses the buttons that no longer work.
    await anna.press(saved, button("nb", "Next question ▶"))
    await anna.press(saved, button("nb", "🗑 Delete"))
    await api.wait_idle()
    assert sum(closed(m) for m in anna.inbox) == 3
    assert saved.buttons == []
    # A text after the close is no note: it is answered with where the seminar is.
    await anna.send("En ny lapp etter stengetid")
    late = await anna.wait_for(saying("nb", "I did not save that message."))
    assert "«" + phase_name(translator("nb"), Phase.GROUPING) + "»" in late.text
    await api.wait_idle()
    assert sum(closed(m) for m in anna.inbox) == 3
    assert note_texts(bot) == ["Jeg ble tatt på alvor"]
    # With the round closed, /close has nothing left to close; /end offers to end the whole
    # seminar, and asks first.
    await moderator.send("/close")
    await moderator.wait_for(
        saying("nb", "That is not possible now: <b>{title}</b> is at the step «{phase}».")
    )
    await moderator.send("/end")
    ask = await moderator.wait_for(has_button(button("nb", "Close the seminar")))
    assert bot.query("SELECT phase FROM seminars") == [("grouping",)]
    # «Not now» is the way back: nothing closes.
    await moderator.press(ask, button("nb", "Not now"))
    await moderator.wait_for(saying("nb", "Fine, nothing changed."))
    assert bot.query("SELECT phase FROM seminars") == [("grouping",)]
