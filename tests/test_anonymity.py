"""Anonymity is an invariant: nobody can tell from any message or from the database who wrote what."""

from __future__ import annotations

from checks import said
from harness import BotProcess, answer, button, contains, has_button, saying, seminar_with

from localapi import LocalBotApi


async def test_notes_are_shown_shuffled_and_without_authors(
    api: LocalBotApi, bot: BotProcess
) -> None:
    moderator, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna Aas", "nb"), ("Bob Berg", "en"), ("Cato Dahl", "nn")]
    )
    written = [f"Lapp nummer {i:02d} om god hjelp" for i in range(1, 13)]
    for note in written:
        await answer(anna, note)
    await answer(bob, "Good help from Bob's adviser")
    await answer(cato, "Eg vart teken på alvor")
    await moderator.send("/close")
    summary = await moderator.wait_for(contains("Lapp nummer"))
    shown = [line.split(". ", 1)[1] for line in summary.text.splitlines() if "Lapp nummer" in line]
    assert sorted(shown) == written
    assert shown != written, "notes must not be shown in the order they were written"
    for person in (anna, bob, cato):
        assert person.name not in summary.text
        assert str(person.id) not in summary.text
        assert str(person.id) not in str(summary.raw)


async def test_a_hidden_note_disappears_and_its_writer_is_told(
    api: LocalBotApi, bot: BotProcess
) -> None:
    moderator, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna", "nn"), ("Bob", "en"), ("Cato", "nb")]
    )
    await answer(anna, "Saksbehandlar Kari på kontoret i Storgata var best")
    await answer(bob, "The adviser listened")
    await answer(cato, "Veilederen ringte tilbake")
    await moderator.send("/close")
    summary = await moderator.wait_for(contains("Storgata"))
    number = next(line.split(".")[0] for line in summary.text.splitlines() if "Storgata" in line)
    hide_label = button("nb", "Hide note {number}").format(number=number)
    await moderator.press(summary, hide_label)
    ask = await moderator.wait_for(has_button(button("nb", "Hide the note")))
    await moderator.press(ask, button("nb", "Hide the note"))
    await moderator.wait_for(saying("nb", "The note is hidden."))
    told = await anna.wait_for(
        saying(
            "nn",
            "A moderator of <b>{title}</b> hid one of your notes because it could identify "
            "somebody. It will not be shown to anyone:",
        )
    )
    assert told.text.splitlines()[-1] == "Saksbehandlar Kari på kontoret i Storgata var best"
    assert all("Storgata" not in m.text for m in bob.inbox)
    assert bot.query("SELECT text FROM notes WHERE hidden = 1") == [
        ("Saksbehandlar Kari på kontoret i Storgata var best",)
    ]
    await anna.send("/notes")
    listed = await anna.wait_for(saying("nn", "(hidden by a moderator)"))
    hidden_line = said(
        "nn",
        "{number}. (question {question}) {text}",
        number=1,
        question=1,
        text="Saksbehandlar Kari på kontoret i Storgata var best",
    )
    assert hidden_line + " " + said("nn", "(hidden by a moderator)") in listed.text.splitlines()

    # A real hide button in the hands of a participant does nothing.
    hide_data = dict(row for keys in summary.buttons for row in keys)[
        button("nb", "Hide note {number}").format(number="1")
    ]
    await bob.press_data(bob.inbox[-1], hide_data)
    await bob.wait_for(saying("en", "Only the seminar's moderators can do that."))
    await api.wait_idle()
    assert bot.query("SELECT COUNT(*) FROM notes WHERE hidden = 1") == [(1,)]
