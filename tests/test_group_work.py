"""A whole seminar through the group work: groups, themes, voting, ties, plenary and dot vote."""

from __future__ import annotations

import re

import pytest
from checks import said, said_n
from groupwork_helpers import (
    GROUP_NAME,
    card_themes,
    edit_of,
    group_called,
    into,
    propose_theme,
    theme_on,
    ui,
)
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    create_seminar,
    dot_button,
    has_button,
    join,
    saying,
)

from localapi import FloodLimits, LocalBotApi, SimUser
from localapi.sim import BotMessage


@pytest.fixture
def flood() -> FloodLimits:
    # Flood limits are exercised by the answer-round tests; here they would only slow things.
    return FloodLimits.off()


async def vote_for(user: SimUser, card: BotMessage, theme: str) -> BotMessage:
    """Presses a theme on the user's vote card and waits for the card to change."""
    edits = card.edited
    label = next(x for x in card.button_labels() if theme_on(x) == theme)
    await user.press(card, label)
    return await user.wait_for(lambda m: m.message_id == card.message_id and m.edited > edits)


async def navigate(user: SimUser, card: BotMessage, label: str) -> BotMessage:
    edits = card.edited
    await user.press(card, button(ui(user), label))
    return await user.wait_for(lambda m: m.message_id == card.message_id and m.edited > edits)


async def press_dot(user: SimUser, card: BotMessage, theme: str, sign: str) -> BotMessage:
    number = next(
        line.split(".")[0] for line in card.text.splitlines() if re.match(rf"\d+\. {theme} ", line)
    )
    edits = card.edited
    await user.press(card, dot_button(ui(user), int(number), sign))
    return await user.wait_for(lambda m: m.message_id == card.message_id and m.edited > edits)


THEME_LINE = re.compile(r"\d+\. (.+) \((.+)\) ?(●*)")


def dots_shown(card: BotMessage, language: str, mine: dict[str, int]) -> dict[str, str]:
    """Checks that the card shows the reader's own dots and nothing else; returns each theme's
    group as the card names it."""
    left = 5 - sum(mine.values())
    assert said_n(language, "You have {count} dot left.", "You have {count} dots left.", left) in (
        card.text.splitlines()
    ), card.text
    groups = {}
    for line in card.text.splitlines():
        if re.match(r"\d+\. ", line):
            found = THEME_LINE.fullmatch(line.rstrip())
            assert found is not None, line
            name, group, dots = found.groups()
            assert dots == "●" * mine.get(name, 0), (line, mine)
            groups[name] = group
    assert sorted(groups) == ["Kunnskap", "Relasjon", "Respekt"], card.text
    return groups


async def test_a_whole_seminar_with_two_groups(api: LocalBotApi, bot: BotProcess) -> None:
    mona = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    code = await create_seminar(mona)
    room = api.group("Seminarrommet", members=[mona], admins=[mona])
    await room.send(mona, "/bind")
    await room.wait_for(contains("Gode møter med Nav"))

    people = [
        api.user(f"Deltaker {i:02d}", language_code="nb" if i % 2 else "en", username=f"p{i:02d}")
        for i in range(12)
    ]
    for person in people:
        await join(person, code, ui(person))
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    notes = {}
    for i, person in enumerate(people):
        await person.wait_for(has_button(button(ui(person), "Next question ▶")))
        notes[person.id] = f"God erfaring nummer {i:02d}"
        await answer(person, notes[person.id])
    await mona.send("/close")
    await mona.wait_for(contains("God erfaring nummer"))

    # Groups: two of six; the moderator sees sizes, never who is where.
    await mona.send("/groups")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    for person in people:
        assert person.name not in formed.text
    seats: dict[str, list[SimUser]] = {}
    for person in people:
        seated = await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
        name = GROUP_NAME.search(seated.text)
        assert name is not None
        seats.setdefault(name.group(0), []).append(person)
    assert sorted(len(members) for members in seats.values()) == [6, 6]
    (first, group_a), (second, group_b) = sorted(seats.items())
    formed_lines = formed.text.splitlines()
    assert (
        said_n(
            "nb",
            "The participants of <b>{title}</b> are now in {count} group:",
            "The participants of <b>{title}</b> are now in {count} groups:",
            2,
            title="Gode møter med Nav",
        )
        in formed_lines
    )
    for name in (first, second):
        group = group_called("nb", name)
        line = said_n("nb", "{group}: {count} person", "{group}: {count} people", 6, group=group)
        assert line in formed_lines, formed.text

    await mona.press(formed, button("nb", "Show the notes to the groups"))
    for person in people:
        shown = await person.wait_for(lambda m: "God erfaring nummer" in m.text)
        mine = seats[first] if person in group_a else seats[second]
        for other in people:
            assert other.name not in shown.text
            assert (notes[other.id] in shown.text) == (other in mine)

    # Theme proposals, each from «New theme» on the group's list; a duplicate that differs in
    # case and spacing is merged.
    for person, name in zip(group_a, ["Relasjon", "  relasjon ", "Tid", "Tillit"], strict=False):
        answered = await propose_theme(person, name)
        assert ("Relasjon" if "elasjon" in name else name) in answered.text
    assert "Kunnskap" in (await propose_theme(group_b[0], "Kunnskap")).text
    assert "Respekt" in (await propose_theme(group_b[1], "Respekt")).text
    refused = await propose_theme(group_b[2], "<b>Makt</b>")
    assert saying(ui(group_b[2]), "Please write the theme name without < or > characters.")(refused)
    themes = bot.query("SELECT name FROM themes WHERE merged_into IS NULL ORDER BY name")
    assert [t[0] for t in themes] == ["Kunnskap", "Relasjon", "Respekt", "Tid", "Tillit"]

    # Voting: each member sorts every note; a change of mind, a tie and an unsorted note.
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    cards = {}
    for person in people:
        cards[person.id] = await person.wait_for(
            lambda m: "Relasjon" in card_themes(m) or "Kunnskap" in card_themes(m)
        )
    for n, person in enumerate(group_a):
        card = cards[person.id]
        card = await vote_for(person, card, "Relasjon" if n < 3 else "Tid")  # note 1: a tie
        if n == 0:
            card = await vote_for(person, card, "Tid")  # changes its mind...
            card = await navigate(person, card, "◀ Previous note")
        for index in range(1, 6):
            card = await vote_for(person, card, "Tillit" if index == 5 else "Relasjon")
        sorted_line = said(ui(person), "{sorted} of {total} notes sorted", sorted=6, total=6)
        assert sorted_line in card.text.splitlines(), card.text
    for person in group_b:
        card = cards[person.id]
        card = await vote_for(person, card, "Respekt")
        for _ in range(1, 5):
            card = await vote_for(person, card, "Kunnskap")
        # The sixth note is left for the moderator.

    await mona.send("/moderate")
    settle = await mona.wait_for(has_button(button("nb", "Leave it unsorted")))
    why = []
    for remaining in (2, 1):
        waiting = said_n(
            "nb",
            "{count} note is waiting for your decision.",
            "{count} notes are waiting for your decision.",
            remaining,
        )
        assert settle.text.splitlines()[0] == waiting, settle.text
        why.append(settle.text.splitlines()[-1])
        if into("nb", "Relasjon") in settle.button_labels():
            await mona.press(settle, into("nb", "Relasjon"))
        else:
            await mona.press(settle, button("nb", "Leave it unsorted"))
        settle = await mona.wait_for(edit_of(settle))
    assert not settle.buttons
    ties = [
        said("nb", "A tie: {votes}", votes=v)
        for v in ("«Relasjon»: 3, «Tid»: 3", "«Tid»: 3, «Relasjon»: 3")
    ]
    nobody = said("nb", "Nobody sorted this note.")
    assert sorted(why) in (sorted([ties[0], nobody]), sorted([ties[1], nobody])), why

    # The moderator merges «Tillit» into «Relasjon».
    await mona.send("/themes")
    overview = await mona.wait_for(contains("Tillit"))
    await mona.press(
        overview,
        next(
            x
            for x in overview.button_labels()
            if x == button("nb", "Merge {name}").format(name="Tillit")
        ),
    )
    choices = await mona.wait_for(has_button(into("nb", "Relasjon")))
    await mona.press(choices, into("nb", "Relasjon"))
    await mona.wait_for(lambda m: m.message_id == choices.message_id and m.edited > 0)

    # The plenary reaches the room's chat and every participant; «Tid» had no notes and is gone.
    await mona.send("/plenary")
    dots_button = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    plenary = await room.wait_for(contains("Relasjon", "Kunnskap"))
    assert "Tillit" not in plenary.text
    assert "«Tid»" not in plenary.text
    for person in people:
        seen = await person.wait_for(contains("Relasjon", "Kunnskap"))
        for other in people:
            assert other.name not in seen.text
            assert str(other.id) not in seen.text

    # The dot vote: hidden tallies, the limits, a withdrawn dot, and the ranking.
    # Every card shows its reader's own dots and nobody else's: while the vote is open, the
    # others' dots never show, not on a card, not in the room, not to the moderator.
    await mona.press(dots_button, button("nb", "Start the dot vote"))
    dot_cards = {p.id: await p.wait_for(has_button(dot_button(ui(p), 1))) for p in people}
    for card in dot_cards.values():
        dots_shown(card, ui(next(p for p in people if p.id == card.chat_id)), {})
    for person in group_a[:3]:
        card = dot_cards[person.id]
        mine = {"Relasjon": 0}
        for _ in range(3):
            card = await press_dot(person, card, "Relasjon", "➕")
            mine["Relasjon"] += 1
            dots_shown(card, ui(person), mine)
        card = await press_dot(person, card, "Relasjon", "➕")  # a fourth: refused
        dots_shown(card, ui(person), mine)
        full = said(ui(person), "That theme already has as many of your dots as it can take.")
        assert full in card.text.splitlines(), card.text
        card = await press_dot(person, card, "Respekt", "➕")
        mine["Respekt"] = 1
        assert dots_shown(card, ui(person), mine) == {
            "Relasjon": group_called(ui(person), first),
            "Kunnskap": group_called(ui(person), second),
            "Respekt": group_called(ui(person), second),
        }
    for person in group_b[:2]:
        # Nine dots are on «Relasjon» by now; this card must not show one of them.
        card = dot_cards[person.id]
        card = await press_dot(person, card, "Kunnskap", "➕")
        dots_shown(card, ui(person), {"Kunnskap": 1})
        card = await press_dot(person, card, "Kunnskap", "➕")
        dots_shown(card, ui(person), {"Kunnskap": 2})
        card = await press_dot(person, card, "Kunnskap", "➖")
        dots_shown(card, ui(person), {"Kunnskap": 1})
        card = await press_dot(person, card, "Kunnskap", "➕")
        dots_shown(card, ui(person), {"Kunnskap": 2})
    ranked_head = said(
        "nb", "<b>The themes of {title}, ranked by dots</b>", title="Gode møter med Nav"
    )
    for chat in (mona, room, *people):
        assert not any(ranked_head in m.text for m in chat.inbox), chat.title
    await mona.send("/close_dots")
    ranked = await room.wait_for(contains(ranked_head))
    lines = [line for line in ranked.text.splitlines() if re.match(r"\d+\. ", line)]
    assert lines == [
        f"1. Relasjon ({group_called('nb', first)}): "
        + said_n("nb", "{count} dot", "{count} dots", 9),
        f"2. Kunnskap ({group_called('nb', second)}): "
        + said_n("nb", "{count} dot", "{count} dots", 4),
        f"3. Respekt ({group_called('nb', second)}): "
        + said_n("nb", "{count} dot", "{count} dots", 3),
    ], ranked.text
    seen = await group_b[5].wait_for(
        contains(
            said(
                ui(group_b[5]),
                "<b>The themes of {title}, ranked by dots</b>",
                title="Gode møter med Nav",
            )
        )
    )
    assert [line for line in seen.text.splitlines() if re.match(r"\d+\. ", line)][:1] == [
        f"1. Relasjon ({group_called(ui(group_b[5]), first)}): "
        + said_n(ui(group_b[5]), "{count} dot", "{count} dots", 9)
    ]

    # No message to anybody, moderators and the room included, names a participant.
    every_message = [
        m.text + " ".join(m.button_labels()) for chat in (mona, room, *people) for m in chat.inbox
    ]
    for person in people:
        for shown in every_message:
            assert person.name not in shown
            assert str(person.id) not in shown
            assert f"@{person.username}" not in shown

    # Nothing in the database ties a vote or a dot to a Telegram id.
    ids = {str(p.id) for p in people}
    for table in ("votes", "dots", "themes", "groups"):
        for row in bot.query(f"SELECT * FROM {table}"):
            assert not ids & {str(cell) for cell in row}
