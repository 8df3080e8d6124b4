"""Small groups cannot unmask: every list of notes anyone sees comes from at least three writers."""

from __future__ import annotations

import json

from checks import said, said_n
from groupwork_helpers import GROUP_NAME, edit_of, propose_theme, seminar_in_groups, ui
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

from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

REASON = (
    "Notes are shown only when at least three people wrote them. With fewer, the readers could "
    "tell who wrote what. So nobody sees the notes, not even you."
)
TITLE = "Gode møter med Nav"


def counted(notes: int, writers: int) -> str:
    return (
        said_n(
            "nb",
            "<b>{title}</b>: {count} note.",
            "<b>{title}</b>: {count} notes.",
            notes,
            title=TITLE,
        )
        + " "
        + said_n("nb", "Written by {count} person.", "Written by {count} people.", writers)
    )


def notes_in(person: SimUser, texts: list[str]) -> list[str]:
    """Which of the texts anything the person got holds."""
    return [text for text in texts if any(text in m.text for m in person.inbox)]


async def test_two_writers_see_no_notes_and_the_moderator_is_told_why(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _, (anna, bob, carl) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Carl", "nn")]
    )
    written = ["Anna fikk god hjelp", "Bob was listened to", "Anna igjen: rask svar"]
    await answer(anna, written[0])
    await answer(bob, written[1])
    await answer(anna, written[2])
    await mona.send("/close")
    # The moderator gets the counts and why, and no note.
    summary = await mona.wait_for(saying("nb", REASON))
    wrote = said_n("nb", "{count} participant wrote notes.", "{count} participants wrote notes.", 2)
    assert wrote in summary.text
    assert counted(3, 2) in summary.text
    assert said("nb", "To get more notes, open the answer round again with /open.") in summary.text
    assert not notes_in(mona, written)
    assert not summary.buttons  # no «Hide» buttons: there is nothing to hide

    # No groups, with or without everyone, dealt or not: each is told why, nothing changes.
    for command in ("/groups", "/groups all", "/groups all 3 deal"):
        mona.drain()
        await mona.send(command)
        refused = await mona.wait_for(saying("nb", REASON))
        assert counted(3, 2) in refused.text
    assert bot.query("SELECT COUNT(*) FROM groups") == [(0,)]
    assert bot.query("SELECT COUNT(*) FROM notes WHERE group_id IS NOT NULL") == [(0,)]

    # The report holds the counts and the reason, not the notes.
    await mona.send("/report")
    report = await mona.wait_for(lambda m: m.kind == "document" and m.file_name == "report.json")
    await api.wait_idle()
    html_doc = next(m for m in mona.inbox if m.file_name == "report.html")
    page = (html_doc.file_bytes or b"").decode("utf-8")
    assert not [text for text in written if text in page]
    assert (
        said(
            "nb",
            "Fewer than three people wrote notes, so no note is shown: with so few, the readers "
            "could tell who wrote what.",
        )
        in page
    )
    data = json.loads(report.file_bytes or b"{}")
    assert data["notes_total"] == 3
    assert data["notes_withheld_too_few_writers"] is True
    assert data["all_notes"] == []
    csv_doc = next(m for m in mona.inbox if m.file_name == "notes.csv")
    assert not [text for text in written if text.encode() in (csv_doc.file_bytes or b"")]
    assert notes_in(bob, [written[0], written[2]]) == []
    assert notes_in(anna, [written[1]]) == []
    assert notes_in(carl, written) == []

    # A third writer in a reopened round, and the notes can be shown.
    carl.drain()
    await mona.send("/open")
    await carl.wait_for(
        contains(
            said(
                "nn",
                "The answer round of <b>{title}</b> is open again. You can add notes and "
                "change your own with /notes.",
                title=TITLE,
            )
        )
    )
    await answer(carl, "Carl fekk svar same dag")
    mona.drain()
    await mona.send("/close")
    await mona.wait_for(contains("Carl fekk svar same dag", written[0], written[1]))
    await mona.send("/groups")
    await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    assert bot.query("SELECT COUNT(*) FROM groups") == [(1,)]


async def test_everyone_in_groups_with_few_writers_shares_one_list(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """Six people of whom three wrote: one group of all six, not two groups where a writer
    would read the notes of one or two others."""
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"P{i}", language_code="en") for i in range(6)]
    for person in people:
        await join(person, code, "en")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    written = [f"Note from P{i}" for i in range(3)]
    for person, text in zip(people, written, strict=False):
        await person.wait_for(has_button(button("en", "Next question ▶")))
        await answer(person, text)
    await mona.send("/close")
    await mona.wait_for(contains(written[0]))
    await mona.send("/groups all 3")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    assert bot.query("SELECT COUNT(*) FROM groups") == [(1,)]
    for person in people:
        await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    for person in people:
        shown = await person.wait_for(contains(written[0]))
        assert all(text in shown.text for text in written)


async def test_dealt_notes_give_no_group_fewer_than_three_writers(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """One person wrote four notes and two wrote one: dealing them over two groups would give
    one group notes of one or two writers, so there is one group."""
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"P{i}", language_code="en") for i in range(6)]
    for person in people:
        await join(person, code, "en")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for i, person in enumerate(people[:3]):
        await person.wait_for(has_button(button("en", "Next question ▶")))
        for n in range(4 if i == 0 else 1):
            await answer(person, f"Note {i}-{n}")
    await mona.send("/close")
    await mona.wait_for(contains("Note 0-0"))
    await mona.send("/groups all 3 deal")
    await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    per_group = bot.query("SELECT COUNT(DISTINCT author) FROM notes GROUP BY group_id")
    assert per_group == [(3,)]


async def test_a_group_left_short_by_a_hidden_note_gets_notes_dealt_again(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """Two groups of three, one note each; the moderator hides one before the groups see them.
    Its group would read the notes of two people, so the notes are dealt out again."""
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"P{i}", language_code="en") for i in range(6)]
    for person in people:
        await join(person, code, "en")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    written = [f"Good help number {i}" for i in range(6)]
    for person, text in zip(people, written, strict=True):
        await person.wait_for(has_button(button("en", "Next question ▶")))
        await answer(person, text)
    await mona.send("/close")
    await mona.wait_for(contains(written[0]))
    await mona.send("/groups 3")
    formed = await mona.wait_for(has_button(button("nb", "Review the notes")))
    assert sorted(bot.query("SELECT COUNT(*) FROM writers GROUP BY group_id")) == [(3,), (3,)]
    await mona.press(formed, button("nb", "Review the notes"))
    card = await mona.wait_for(has_button(button("nb", "Hide")))
    hidden = next(text for text in written if text in card.text)
    await mona.press(card, button("nb", "Hide"))
    ask = await mona.wait_for(has_button(button("nb", "Hide the note")))
    await mona.press(ask, button("nb", "Hide the note"))
    await mona.wait_for(saying("nb", "The note is hidden."))
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    await mona.wait_for(edit_of(formed))
    visible = [text for text in written if text != hidden]
    for person in people:
        await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
    await api.wait_idle()
    lists = _note_lists(people, visible)
    assert lists, "some group got the notes"
    for shown in lists:
        assert len(shown) >= 3, shown
    assert bot.query(
        "SELECT COUNT(DISTINCT author) FROM notes WHERE hidden = 0 GROUP BY group_id"
    ) == [(5,)]


def _note_lists(people: list[SimUser], texts: list[str]) -> list[list[str]]:
    """Each list of notes somebody got: the texts one message holds, for every message with
    two or more."""
    found = []
    for person in people:
        for message in person.inbox:
            held = [text for text in texts if text in message.text]
            if len(held) >= 2 or (held and not _is_own_receipt(message)):
                found.append(held)
    return found


def _is_own_receipt(message: BotMessage) -> bool:
    """The ✓ the bot gives a writer for their own note."""
    return "✓" in message.text


async def test_no_plenary_once_a_leaver_leaves_two_writers(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """Three wrote and sorted; one leaves with /forget. The plenary would show everyone the
    other two's notes, so it does not open, and the moderator is told why."""
    mona, seats, notes = await seminar_in_groups(api, 3)
    ((_, members),) = seats.items()
    assert "Tid" in (await propose_theme(members[0], "Tid")).text
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    leaver = members[2]
    await leaver.send("/forget")
    ask = await leaver.wait_for(has_button(button(ui(leaver), "Yes, delete everything")))
    await leaver.press(ask, button(ui(leaver), "Yes, delete everything"))
    await leaver.wait_for(edit_of(ask))
    mona.drain()
    await mona.send("/plenary")
    refused = await mona.wait_for(saying("nb", REASON))
    assert counted(2, 2) in refused.text
    await api.wait_idle()
    assert bot.query("SELECT phase FROM seminars") == [("voting",)]
    for person in members[:2]:
        plenary = said(ui(person), "<b>Plenary: {title}</b>", title=TITLE)
        assert not [m for m in person.inbox if plenary in m.text]
    staying = [notes[p.id] for p in members[:2]]
    after = [m for m in mona.inbox if m.message_id >= refused.message_id]
    assert not [m for m in after if any(note in m.text for note in staying)]


async def test_a_hide_button_shows_nothing_once_a_leaver_leaves_two_writers(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """The round's summary came with «Hide» buttons while three had written; after one leaves,
    such a button must not open a note of the two left: the moderator is told why instead."""
    mona, _, people = await seminar_with(api, [("Anna", "nb"), ("Bob", "en"), ("Carl", "nn")])
    written = ["Anna fikk god hjelp", "Bob was listened to", "Carl fekk svar raskt"]
    for person, text in zip(people, written, strict=True):
        await answer(person, text)
    await mona.send("/close")
    hide_one = button("nb", "Hide note {number}").format(number=1)
    summary = await mona.wait_for(has_button(hide_one))
    # The summary lists the notes shuffled: press «Hide» on a note of one who stays, since the
    # leaver's own note is simply gone.
    staying = next(
        line.split(". ", 1)[0]
        for line in summary.text.splitlines()
        if any(line.endswith(f". {text}") for text in written[:2])
    )
    hide_one = button("nb", "Hide note {number}").format(number=int(staying))
    leaver = people[2]
    await leaver.send("/forget")
    ask = await leaver.wait_for(has_button(button("nn", "Yes, delete everything")))
    await leaver.press(ask, button("nn", "Yes, delete everything"))
    await leaver.wait_for(edit_of(ask))
    mona.drain()
    await mona.press(summary, hide_one)
    refused = await mona.wait_for(saying("nb", REASON))
    assert counted(2, 2) in refused.text
    await api.wait_idle()
    after = [m for m in mona.inbox if m.message_id > summary.message_id]
    assert not [m for m in after if any(text in m.text for text in written[:2])]
    assert bot.query("SELECT COUNT(*) FROM notes WHERE hidden = 1") == [(0,)]
