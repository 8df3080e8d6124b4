"""Text means what the person meant: small talk in the answer round is asked about before it
becomes a note, text nothing expects is answered with where the seminar is and changes nothing,
participants ask the moderators without their name, and /help fits the step and the role."""

from __future__ import annotations

from checks import said
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    create_seminar,
    has_button,
    join,
    saying,
    seminar_with,
)
from test_attacker import database_bytes, encodings

from bot.domain import Phase
from bot.i18n import translator
from bot.render.screens import phase_name
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

TITLE = "Gode møter med Nav"
SMALL_TALK_ASKED = "This looks like a greeting, not an answer. Save it as a note?"
NOT_SAVED = "I did not save that message."


def notes(bot: BotProcess) -> list[str]:
    return sorted(str(text) for (text,) in bot.query("SELECT text FROM notes"))


def where(language: str, phase: Phase, *, moderator: bool = False) -> str:
    """The line that says where the seminar is, as the reader sees it."""
    head = (
        "You moderate <b>{title}</b>. It is at the step «{phase}»."
        if moderator
        else "You take part in <b>{title}</b>. It is at the step «{phase}»."
    )
    name = phase_name(translator(language), phase)
    return said(language, head, title=TITLE, phase=name)


def state(bot: BotProcess) -> list[object]:
    """Everything a person's text could change: notes, themes, writers, steps, questions."""
    return [
        bot.query("SELECT id, text, hidden, group_id FROM notes ORDER BY id"),
        bot.query("SELECT id, name FROM themes ORDER BY id"),
        bot.query(
            "SELECT seminar_id, pseudonym, question, awaiting, draft, done, group_id"
            " FROM writers ORDER BY pseudonym"
        ),
        bot.query("SELECT person, setup_step, setup_draft FROM users ORDER BY person"),
        bot.query("SELECT id, text, answer FROM questions ORDER BY id"),
    ]


async def small_talk(user: SimUser, text: str, language: str) -> BotMessage:
    await user.send(text)
    asked = await user.wait_for(saying(language, SMALL_TALK_ASKED))
    assert text in asked.text
    assert asked.button_labels()[:2] == [
        button(language, "Save as a note"),
        button(language, "Don't save"),
    ]
    return asked


async def test_small_talk_in_the_round_becomes_a_note_only_when_the_writer_says_so(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nn")]
    )

    asked = await small_talk(anna, "Hei!", "nb")
    assert notes(bot) == []
    await anna.press(asked, button("nb", "Don't save"))
    await anna.wait_for(saying("nb", "Deleted. Nothing was saved. You can write a new note."))
    for text in ("hallo 👋", "Ok, takk for beskjed", "HVA SKAL JEG GJØRE?", "tusen takk!!"):
        pending = await small_talk(anna, text, "nb")
        await anna.press(pending, button("nb", "Don't save"))
        await anna.wait_for(saying("nb", "Deleted. Nothing was saved. You can write a new note."))
    for text in ("What now?", "thanks", "Hello"):
        pending = await small_talk(bob, text, "en")
        await bob.press(pending, button("en", "Don't save"))
        await bob.wait_for(saying("en", "Deleted. Nothing was saved. You can write a new note."))
    pending = await small_talk(cato, "Kva skal eg gjere no?", "nn")
    await cato.press(pending, button("nn", "Don't save"))
    assert notes(bot) == []

    # Said so, a greeting is a note after all.
    kept = await small_talk(anna, "Takk", "nb")
    await anna.press(kept, button("nb", "Save as a note"))
    await anna.wait_for(contains("✓", "Takk"))
    # A real note phrased as a question is saved as usual, in any language.
    await answer(anna, "Kan jeg si nei til truckførerkurset?!")
    await answer(bob, "Who helped me most?")
    await answer(cato, "Eg vart trudd, takk!")
    assert notes(bot) == [
        "Eg vart trudd, takk!",
        "Kan jeg si nei til truckførerkurset?!",
        "Takk",
        "Who helped me most?",
    ]


async def test_text_nothing_expects_says_where_the_seminar_is_and_changes_nothing(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _, (anna, bob) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en")], open_round=False
    )
    before = state(bot)

    # Before the round opens: no note, the step, and what Anna can do.
    await anna.send("Jeg fikk god hjelp av veilederen")
    early = await anna.wait_for(saying("nb", NOT_SAVED))
    assert where("nb", Phase.DRAFT) in early.text
    assert button("nb", "Ask the moderators") in early.button_labels()
    await mona.send("Hallo, er alle her?")
    told = await mona.wait_for(saying("nb", NOT_SAVED))
    assert where("nb", Phase.DRAFT, moderator=True) in told.text
    assert "/open" in told.text
    assert told.button_labels() == []
    await api.wait_idle()
    assert state(bot) == before

    await mona.send("/open")
    await anna.wait_for(has_button(button("nb", "Next question ▶")))
    await bob.wait_for(has_button(button("en", "Next question ▶")))
    await answer(anna, "Jeg ble trodd")
    await answer(bob, "They listened")
    await mona.send("/close")
    await anna.wait_for(
        saying("nb", "Next, the notes go to the group work, without names. I will let you know.")
    )
    await api.wait_idle()
    after_close = state(bot)

    # After the round closed: a thank-you and a would-be note are neither saved nor refused
    # as a closed round's note; they get where the seminar is.
    for text in ("Takk!", "Jeg glemte å si at de ringte tilbake"):
        await anna.send(text)
        late = await anna.wait_for(saying("nb", NOT_SAVED))
        assert where("nb", Phase.GROUPING) in late.text
    await bob.send("What now?")
    told_bob = await bob.wait_for(saying("en", NOT_SAVED))
    assert where("en", Phase.GROUPING) in told_bob.text
    await api.wait_idle()
    assert state(bot) == after_close
    assert notes(bot) == ["Jeg ble trodd", "They listened"]

    # Somebody who is in no seminar is told how to join.
    stranger = api.user("Stranger", language_code="en")
    await stranger.send("hello?")
    await stranger.wait_for(saying("en", NOT_SAVED))


async def test_during_group_work_text_from_somebody_in_no_group_changes_nothing(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona)
    writers = [api.user(f"Skriver {i}", language_code="nb") for i in range(3)]
    silent = api.user("Stille", language_code="nb")
    for person in [*writers, silent]:
        await join(person, code, "nb")
    await mona.send("/open")
    for i, person in enumerate(writers):
        await person.wait_for(has_button(button("nb", "Next question ▶")))
        await answer(person, f"Lapp {i} om god hjelp")
    await mona.send("/close")
    await mona.wait_for(contains("Lapp 0"))
    await mona.send("/groups")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    for person in writers:
        await person.wait_for(contains("Lapp "))
    await api.wait_idle()
    before = state(bot)

    await silent.send("Jeg skjønner ikke hva jeg skal gjøre nå")
    told = await silent.wait_for(saying("nb", NOT_SAVED))
    assert where("nb", Phase.GROUPING) in told.text
    await api.wait_idle()
    assert state(bot) == before


async def test_a_participant_asks_the_moderators_and_only_they_get_the_answer(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _, (anna, bob) = await seminar_with(api, [("Anna", "nb"), ("Bob", "en")])

    # From /help's button: the next text is the question, not a note.
    await anna.send("/help")
    helped = await anna.wait_for(has_button(button("nb", "Ask the moderators")))
    await anna.press(helped, button("nb", "Ask the moderators"))
    await anna.wait_for(has_button(button("nb", "Cancel")))
    mona.drain()
    await anna.send("Når er pausen?")
    await anna.wait_for(
        saying(
            "nb",
            "Sent ✓ The moderators got your question without your name. Their answer comes here.",
        )
    )
    asked = await mona.wait_for(
        saying("nb", "A participant in <b>{title}</b> asks the moderators:")
    )
    assert "Når er pausen?" in asked.text
    assert notes(bot) == []
    # The moderators' message says nothing of who asked: no name, username or id, in its
    # text or its button.
    shown = asked.text + " ".join(data for row in asked.buttons for _, data in row)
    for who in (str(anna.id), "Anna", "@"):
        assert who not in shown
    assert asked.button_labels() == [button("nb", "Answer")]

    # The question is asked like a note is written: a personal detail is asked about first.
    await anna.send("/ask")
    await anna.wait_for(has_button(button("nb", "Cancel")))
    await anna.send("Kan dere ringe meg på 412 34 567?")
    held = await anna.wait_for(has_button(button("nb", "Delete it")))
    await anna.press(held, button("nb", "Delete it"))
    await anna.wait_for(
        saying("nb", "Deleted. Nothing was sent. You can write your question again.")
    )
    await anna.send("x" * 501)
    await anna.wait_for(contains("501"))
    await anna.send("Får vi kaffe?")
    await anna.wait_for(contains("✓"))
    second = await mona.wait_for(contains("Får vi kaffe?"))
    assert bot.query("SELECT count(*) FROM questions") == [(2,)]

    # The database holds who asked only sealed.
    for name, data in database_bytes(bot).items():
        for how, needle in encodings(anna.id).items():
            assert needle not in data, (name, how)

    # /questions lists what waits; a moderator answers, and only Anna gets it, in her language.
    await mona.send("/questions")
    listing = await mona.wait_for(saying("nb", "<b>Questions waiting for an answer in {title}</b>"))
    assert "Når er pausen?" in listing.text
    assert "Får vi kaffe?" in listing.text
    await mona.press(asked, button("nb", "Answer"))
    await mona.wait_for(
        saying(
            "nb",
            "Write your answer in one message. Only the person who asked gets it, and they do "
            "not learn which moderator answered:",
        )
    )
    bob.drain()
    await mona.send("Klokka tolv.")
    await mona.wait_for(saying("nb", "Sent ✓ Only the person who asked gets your answer."))
    answered = await anna.wait_for(
        saying("nb", "The moderators of <b>{title}</b> answered your question:")
    )
    assert "Klokka tolv." in answered.text
    assert "Når er pausen?" in answered.text
    await api.wait_idle()
    assert not any("Klokka tolv." in m.text for m in bob.inbox)
    assert notes(bot) == []

    # Answered once: the button says so from then on.
    await mona.press(asked, button("nb", "Answer"))
    await mona.wait_for(saying("nb", "This question has been answered already:"))
    await mona.send("/questions")
    left = await mona.wait_for(saying("nb", "<b>Questions waiting for an answer in {title}</b>"))
    assert "Får vi kaffe?" in left.text
    assert "Når er pausen?" not in left.text
    assert second.button_labels() == [button("nb", "Answer")]

    # /forget takes Anna's questions with her.
    await anna.send("/forget")
    leave = await anna.wait_for(has_button(button("nb", "Yes, delete everything")))
    await anna.press(leave, button("nb", "Yes, delete everything"))
    await anna.wait_for(contains(TITLE))
    await api.wait_idle()
    assert bot.query("SELECT count(*) FROM questions") == [(0,)]


async def test_help_fits_the_step_and_the_role(api: LocalBotApi, bot: BotProcess) -> None:
    mona, _, (anna,) = await seminar_with(api, [("Anna", "nb")], open_round=False)
    t = translator("nb")

    async def help_for(user: SimUser) -> str:
        user.drain()
        await user.send("/help")
        return (await user.wait_for(contains(t.gettext("<b>What I can do</b>")[3:-4]))).text

    participant_before = await help_for(anna)
    moderator_before = await help_for(mona)
    assert where("nb", Phase.DRAFT) in participant_before
    assert where("nb", Phase.DRAFT, moderator=True) in moderator_before
    assert said("nb", "/ask – ask the moderators a question, without your name") in (
        participant_before
    )
    assert said("nb", "/bind office – in the office's group chat: it gets the report") in (
        moderator_before
    )
    assert said("nb", "/open – open the answer round") in moderator_before
    assert "/open" not in participant_before

    await mona.send("/open")
    await anna.wait_for(has_button(button("nb", "Next question ▶")))
    participant_open = await help_for(anna)
    moderator_open = await help_for(mona)
    assert where("nb", Phase.ANSWERING) in participant_open
    assert (
        said(
            "nb",
            "The answer round is open. Answer the questions here: write one short note per "
            "message. A greeting or a question to me is not saved unless you say so.",
        )
        in participant_open
    )
    assert said("nb", "/close – close the answer round and get the summary") in moderator_open
    assert participant_open != participant_before
    assert moderator_open != moderator_before

    await answer(anna, "Jeg ble trodd")
    await mona.send("/close")
    await anna.wait_for(
        saying("nb", "Next, the notes go to the group work, without names. I will let you know.")
    )
    participant_closed = await help_for(anna)
    assert "note per message" not in participant_closed
    assert (
        said(
            "nb",
            "The answer round is closed, so you can no longer write notes. Wait a little: the "
            "moderators are forming groups, and then your group gets its notes to sort.",
        )
        in participant_closed
    )
