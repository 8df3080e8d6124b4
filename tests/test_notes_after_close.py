"""Notes reach moderators only after the answer round closes, and a shortening is never silent.

A report taken during the round, set beside a later one, would show exactly the note written
in between, and so whose it is. A moderator's shortening is shown as such wherever the note
appears, is allowed only before the groups see the notes, and its writer is told the new
wording.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

from checks import pattern, said
from groupwork_helpers import GROUP_NAME, card_themes, edit_of, into, propose_theme
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
from localapi.sim import BotMessage, SimChat

TITLE = "Gode møter med Nav"
LANGUAGES = {"Anna": "nb", "Bob": "en", "Cato": "nn"}
ASK_SHORTER = (
    "Send the shortened text of this note. Everyone will see it marked as shortened by the "
    "moderator, and its writer will be told the new wording:"
)
STILL_OPEN = (
    "The notes of <b>{title}</b> are shown only after the answer round is closed. Then nobody "
    "can tell who wrote a note from when it appeared. Close the round with /close first."
)
MARK = "(shortened by the moderator)"
TOO_LATE = (
    "A note can be shortened only after the answer round is closed and before the groups see "
    "the notes. The note was not changed."
)


def _documents(chat: SimChat) -> list[BotMessage]:
    return [m for m in chat.inbox if m.kind == "document"]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


async def test_no_report_before_the_answer_round_closes(api: LocalBotApi, bot: BotProcess) -> None:
    mona, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nn")]
    )
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains(TITLE))
    await answer(anna, "Veilederen ringte tilbake samme dag")
    await answer(bob, "The adviser explained my rights")
    await answer(cato, "Eg fekk god tid")

    await mona.send("/report")
    await mona.wait_for(contains(said("nb", STILL_OPEN, title=TITLE)))
    await api.wait_idle()
    assert not _documents(mona)
    assert not _documents(office)
    assert all("ringte tilbake" not in m.text for m in mona.inbox)
    for person in (bob, cato):
        assert all("ringte tilbake" not in m.text for m in person.inbox)
    summary = pattern("en", "<b>{title}</b> is at «{phase}».", title=TITLE)
    assert not any(summary.search(m.text) for m in bob.inbox)

    # Once the round is closed, the same command gives the report.
    await mona.send("/close")
    await mona.wait_for(contains("ringte tilbake"))
    await mona.send("/report")
    await office.wait_for(lambda m: m.kind == "document" and m.file_name == "report.html")
    await mona.wait_for(lambda m: m.kind == "document" and m.file_name == "report.html")


async def test_the_round_reopens_until_the_notes_reach_the_groups(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _, (anna, bob, cato) = await seminar_with(
        api, [("Anna", "nb"), ("Bob", "en"), ("Cato", "nn")]
    )
    sent = await anna.send("Saksbehandleren hørte på meg")
    await anna.wait_for(contains("✓", "Saksbehandleren"))
    await answer(bob, "The adviser called back")
    await answer(cato, "Dei lytta til meg")
    await mona.send("/close")
    summary = await mona.wait_for(contains("Saksbehandleren"))
    number = next(line.split(".")[0] for line in summary.text.splitlines() if "hørte" in line)

    # Reopened: allowed, since no note has reached a group.
    await mona.send("/open")
    await anna.wait_for(
        contains(
            said(
                "nb",
                "The answer round of <b>{title}</b> is open again. You can add notes and change "
                "your own with /notes.",
                title=TITLE,
            )
        )
    )
    assert bot.query("SELECT phase FROM seminars") == [("answering",)]

    # While it is open again, no report, and a hide button kept from the first close shows
    # nothing written since.
    await anna.edit(sent["message_id"], "Saksbehandleren Kari i Storgata hørte på meg")
    await anna.wait_for(contains("Storgata"))
    await mona.press(summary, button("nb", "Hide note {number}").format(number=number))
    await mona.wait_for(contains(said("nb", STILL_OPEN, title=TITLE)))
    await mona.send("/report")
    await mona.wait_for(contains(said("nb", STILL_OPEN, title=TITLE)))
    await api.wait_idle()
    assert all("Storgata" not in m.text for m in mona.inbox)
    assert not _documents(mona)
    assert bot.query("SELECT COUNT(*) FROM notes WHERE hidden = 1") == [(0,)]

    await answer(cato, "Dei tok meg på alvor")
    await mona.send("/close")
    second = await mona.wait_for(contains("Dei tok meg på alvor"))
    assert "Storgata" in second.text

    # Once the groups are formed, the notes have gone to them: no reopening.
    await mona.send("/groups")
    await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    await mona.send("/open")
    await mona.wait_for(
        contains(
            said(
                "nb",
                "The answer round of <b>{title}</b> cannot be opened again: the notes have "
                "already gone to the groups.",
                title=TITLE,
            )
        )
    )
    assert bot.query("SELECT phase FROM seminars") == [("grouping",)]


async def _grouped(api: LocalBotApi) -> tuple[SimUser, list[SimUser], BotMessage]:
    """A moderator and three participants (nb, en, nn) who each wrote one note, in one group
    that has not seen the notes yet; returns the moderator's first review card."""
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(name, language_code=language) for name, language in LANGUAGES.items()]
    for person in people:
        await join(person, code, LANGUAGES[person.name])
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    notes = (
        "Kari Nordmann på Nav Storgata ringte meg tilbake samme dag, selv om hun hadde fri",
        "The adviser explained my rights in plain words",
        "Eg fekk god tid på møtet",
    )
    for person, note in zip(people, notes, strict=True):
        await person.wait_for(has_button(button(LANGUAGES[person.name], "Next question ▶")))
        await answer(person, note)
    await mona.send("/close")
    await mona.wait_for(contains("Kari Nordmann"))
    await mona.send("/groups")
    formed = await mona.wait_for(has_button(button("nb", "Review the notes")))
    for person in people:
        await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
    await mona.press(formed, button("nb", "Review the notes"))
    card = await mona.wait_for(has_button(button("nb", "Shorten")))
    return mona, people, card


async def _card_with(mona: SimUser, card: BotMessage, needle: str) -> BotMessage:
    for _ in range(3):
        if needle in card.text:
            return card
        await mona.press(card, button("nb", "Fine ▶"))
        card = await mona.wait_for(edit_of(card))
    assert needle in card.text
    return card


async def test_a_shortened_note_is_marked_everywhere_and_its_writer_is_told(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, (anna, bob, cato), card = await _grouped(api)
    card = await _card_with(mona, card, "Kari Nordmann")
    await mona.press(card, button("nb", "Shorten"))
    await mona.wait_for(saying("nb", ASK_SHORTER))
    shorter = "Saksbehandleren ringte meg tilbake samme dag"
    await mona.send(shorter)
    done = await mona.wait_for(contains(said("nb", "Shortened:")))
    assert done.text.splitlines()[1] == f"{shorter} {said('nb', MARK)}"
    assert said("nb", "Its writer has been told the new wording.") in done.text

    # The writer, and only the writer, hears what the note now says, in their language.
    told = await anna.wait_for(
        contains(
            said(
                "nb",
                "A moderator of <b>{title}</b> shortened one of your notes before the groups "
                "see it. It will be shown marked as shortened by the moderator.",
                title=TITLE,
            )
        )
    )
    assert told.text.splitlines()[1:] == [
        said("nb", "You wrote:"),
        "Kari Nordmann på Nav Storgata ringte meg tilbake samme dag, selv om hun hadde fri",
        said("nb", "Now it says:"),
        shorter,
    ]
    for other in (bob, cato):
        assert all("Kari" not in m.text for m in other.inbox)
    assert bot.query("SELECT text, shortened FROM notes WHERE shortened = 1") == [(shorter, 1)]

    # The group cards, in each reader's language.
    await mona.press(card, button("nb", "Show the notes to the groups"))
    for person, language in ((anna, "nb"), (bob, "en"), (cato, "nn")):
        shown = await person.wait_for(contains(shorter))
        assert any(
            line.endswith(f". {shorter} {said(language, MARK)}") for line in shown.text.splitlines()
        ), shown.text
        assert "Nordmann" not in shown.text

    # The vote cards and the plenary.
    assert (
        "Being called back" in (await propose_theme(bob, "Being called back", language="en")).text
    )
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for person in (anna, bob, cato):
        vote = await person.wait_for(lambda m: "Being called back" in card_themes(m))
        for _ in range(3):
            if shorter in vote.text:
                break
            await person.press(vote, button(LANGUAGES[person.name], "Next note ▶"))
            vote = await person.wait_for(edit_of(vote))
        marked = f"{shorter} {said(LANGUAGES[person.name], MARK)}"
        assert marked in vote.text.splitlines()
        await person.press(vote, into(LANGUAGES[person.name], "Being called back"))
        await person.wait_for(edit_of(vote))
    await mona.send("/plenary")
    plenary = await cato.wait_for(contains("Being called back", shorter))
    assert f"• {shorter} {said('nn', MARK)}" in " ".join(plenary.text.splitlines())

    # The report: HTML, CSV and JSON, each read back with the library that wrote it.
    await mona.send("/report")
    await mona.wait_for(lambda m: m.kind == "document" and m.file_name == "report.json")
    await api.wait_idle()
    files = {m.file_name: m.file_bytes or b"" for m in _documents(mona)}
    page = _Text()
    page.feed(files["report.html"].decode("utf-8"))
    text = " ".join(" ".join(page.parts).split())
    assert f"{shorter} {said('nb', MARK)}" in text
    assert "Nordmann" not in text
    rows = list(csv.DictReader(io.StringIO(files["notes.csv"].decode("utf-8-sig"))))
    marks = {row["note"]: row["shortened_by_moderator"] for row in rows}
    assert marks[shorter] == "yes"
    assert marks["The adviser explained my rights in plain words"] == "no"
    data = json.loads(files["report.json"])
    for note in data["all_notes"]:
        assert note["shortened_by_moderator"] is (note["text"] == shorter)
    (themed,) = [n for theme in data["themes"] for n in theme["notes"] if n["text"] == shorter]
    assert themed["shortened_by_moderator"] is True


async def test_no_shortening_once_the_groups_have_seen_the_notes(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, (anna, _, _), card = await _grouped(api)
    formed = next(m for m in mona.inbox if button("nb", "Review the notes") in m.button_labels())
    await mona.press(formed, button("nb", "Review the notes"))
    second = await mona.wait_for(has_button(button("nb", "Shorten")))
    card = await _card_with(mona, card, "Kari Nordmann")
    second = await _card_with(mona, second, "Kari Nordmann")
    await mona.press(card, button("nb", "Shorten"))
    await mona.wait_for(saying("nb", ASK_SHORTER))
    # The groups see the notes before the moderator has typed the shorter text.
    await mona.press(card, button("nb", "Show the notes to the groups"))
    await anna.wait_for(contains("Kari Nordmann"))
    await mona.send("Saksbehandleren ringte tilbake")
    await mona.wait_for(contains(said("nb", TOO_LATE)))
    # A review card still open from before says the same.
    await mona.press(second, button("nb", "Shorten"))
    await mona.wait_for(contains(said("nb", TOO_LATE)))
    await api.wait_idle()
    assert bot.query("SELECT COUNT(*) FROM notes WHERE shortened = 1") == [(0,)]
    assert bot.query("SELECT COUNT(*) FROM notes WHERE text LIKE 'Saksbehandleren%'") == [(0,)]
    assert all("Saksbehandleren" not in m.text for m in anna.inbox)

    # The review card no longer offers it.
    await mona.press(formed, button("nb", "Review the notes"))
    again = await mona.wait_for(has_button(button("nb", "Fine ▶")))
    assert button("nb", "Shorten") not in again.button_labels()
    assert button("nb", "Hide") in again.button_labels()
