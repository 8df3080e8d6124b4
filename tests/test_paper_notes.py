"""Paper notes are dealt out to the groups with the other notes, with no button to press."""

from __future__ import annotations

from checks import said, said_n
from groupwork_helpers import GROUP_NAME, card_themes, edit_of, group_called, propose_theme
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    create_seminar,
    has_button,
    join,
)

from localapi import LocalBotApi

PAPER = ("Papirlapp om en veileder som ringte tilbake", "Papirlapp om tid til å snakke")


async def test_paper_notes_reach_a_group_its_cards_and_a_theme(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"Person {i}", language_code="nb") for i in range(6)]
    for person in people:
        await join(person, code, "nb")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for i, person in enumerate(people):
        await person.wait_for(has_button(button("nb", "Next question ▶")))
        await answer(person, f"Lapp {i} om god hjelp")
    await mona.send("/paper")
    paper_mode = await mona.wait_for(has_button(button("nb", "Done")))
    for count, note in enumerate(PAPER, start=1):
        await mona.send(note)
        await mona.wait_for(
            contains(
                said_n(
                    "nb",
                    "Saved for question {number}. {count} paper note so far.",
                    "Saved for question {number}. {count} paper notes so far.",
                    count,
                    number=1,
                )
            )
        )
    await mona.press(paper_mode, button("nb", "Done"))
    await mona.send("/close")
    await mona.wait_for(contains("Lapp 0"))

    await mona.send("/groups 3")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    assert (
        said_n(
            "nb",
            "The {count} note written on paper went to a group with the other notes. You can "
            "give it to another group instead:",
            "The {count} notes written on paper were dealt out to the groups with the other "
            "notes. You can give them all to one group instead:",
            2,
        )
        in formed.text
    ), formed.text
    seats: dict[str, list] = {}
    for person in people:
        seated = await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
        found = GROUP_NAME.search(seated.text)
        assert found is not None
        seats.setdefault(found.group(0), []).append(person)
    assert len(seats) == 2
    give = button("nb", "Give the paper notes to {group}")
    labels = sorted(formed.button_labels())[:2]
    assert labels == sorted(give.format(group=group_called("nb", n)) for n in seats)

    # No button for the paper notes is pressed: the groups get them with their own.
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    lists: dict[str, str] = {}
    for name, members in seats.items():
        for person in members:
            shown = await person.wait_for(contains("Lapp "))
            lists[name] = shown.text
    for note in PAPER:  # one in each group: dealt out evenly
        assert sum(note in text for text in lists.values()) == 1, (note, lists)

    # The group that has the first paper note sorts it into a theme, from its card.
    name = next(n for n, text in lists.items() if PAPER[0] in text)
    members = seats[name]
    assert "Tillit" in (await propose_theme(members[0], "Tillit")).text
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    saw_paper = False
    for person in members:
        card = await person.wait_for(lambda m: "Tillit" in card_themes(m))
        for _ in range(4):  # three members' notes and the paper note
            saw_paper = saw_paper or PAPER[0] in card.text
            await person.press(card, next(x for x in card.button_labels() if x.endswith("Tillit")))
            card = await person.wait_for(edit_of(card))
    assert saw_paper, "the paper note had no card"
    await mona.send("/plenary")
    plenary = await members[0].wait_for(contains("«Tillit»"))
    theme = plenary.text[plenary.text.index("«Tillit»") :]
    assert PAPER[0] in theme, plenary.text

    # The summary's words count the chat's people and the paper notes apart.
    await mona.send("/summary")
    full = await mona.wait_for(
        contains(said("nb", "<b>Summary: {title}</b>", title="Gode møter med Nav"))
    )
    assert (
        said_n(
            "nb",
            "{count} took part in the chat, and {paper} note came on paper.",
            "{count} took part in the chat, and {paper} notes came on paper.",
            2,
            count=6,
            paper=2,
        )
        in full.text.splitlines()
    ), full.text
