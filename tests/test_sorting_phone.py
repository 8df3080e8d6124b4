"""Sorting on a phone: themes come from a «New theme» button, never from a stray message; each
member has their group's list at the start; an open card follows the group's themes; every
button of the sorting says in words what it does."""

from __future__ import annotations

import re

import pytest
from checks import said
from groupwork_helpers import (
    ASK_THEME_NAME,
    GROUP_NAME,
    card_themes,
    edit_of,
    into,
    is_card,
    propose_theme,
    seminar_in_groups,
    ui,
)
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    create_seminar,
    has_button,
    join,
    saying,
    wait_until,
)

from localapi import FloodLimits, LocalBotApi, SimUser
from localapi.sim import BotMessage

NO_THEMES_YET = "Your group has no themes yet. Press «New theme» to propose the first one."


@pytest.fixture
def flood() -> FloodLimits:
    return FloodLimits.off()


def theme_names(bot: BotProcess) -> list[str]:
    rows = bot.query("SELECT name FROM themes WHERE merged_into IS NULL ORDER BY name")
    return [str(row[0]) for row in rows]


def says_in_words(label: str) -> bool:
    """A button whose label has words, not only arrows, marks, emoji or a number."""
    return re.search(r"[^\W\d_]{2,}", label) is not None


async def vote_cards(
    api: LocalBotApi, mona: SimUser, members: list[SimUser]
) -> dict[int, BotMessage]:
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    return {person.id: await person.wait_for(is_card) for person in members}


async def test_text_during_the_group_work_never_becomes_a_theme(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, seats, _ = await seminar_in_groups(api, 3)
    ((_, members),) = seats.items()
    anna = members[0]
    await anna.send("Jeg skjønner ikke hva jeg skal gjøre nå")
    await api.wait_idle()
    assert theme_names(bot) == []
    cards = await vote_cards(api, mona, members)
    await anna.send("Hva nå?")
    await api.wait_idle()
    assert theme_names(bot) == []
    # The card says how a theme is proposed, and offers the button for it.
    card = cards[anna.id]
    assert said(ui(anna), NO_THEMES_YET) in card.text
    assert button(ui(anna), "New theme") in card.button_labels()
    # «Cancel» ends the step: the text after it is no theme either.
    await anna.press(card, button(ui(anna), "New theme"))
    asked = await anna.wait_for(saying(ui(anna), ASK_THEME_NAME))
    await anna.press(asked, button(ui(anna), "Cancel"))
    cancelled = await anna.wait_for(edit_of(asked))
    assert cancelled.text == said(ui(anna), "No new theme. You can go on sorting.")
    assert cancelled.buttons == []
    await anna.send("Tillit")
    await api.wait_idle()
    assert theme_names(bot) == []


async def test_a_theme_proposed_from_a_card_takes_its_note_and_every_card_follows(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, seats, _ = await seminar_in_groups(api, 3)
    ((_, members),) = seats.items()
    anna, bob, cato = members
    cards = await vote_cards(api, mona, members)

    # Anna proposes «Tillit» from her card: the card's note goes into it at once.
    card = cards[anna.id]
    note = card.text.splitlines()[1]
    await anna.press(card, button(ui(anna), "New theme"))
    asked = await anna.wait_for(saying(ui(anna), ASK_THEME_NAME))
    assert note in asked.text
    sent = await anna.send("Tillit")
    added = await anna.wait_for(lambda m: m.message_id > sent["message_id"])
    assert said(ui(anna), "The note on your card is now sorted into «{name}».", name="Tillit") in (
        added.text
    )
    assert theme_names(bot) == ["Tillit"]
    voted = bot.query(
        "SELECT n.text FROM votes v JOIN notes n ON n.id = v.note_id JOIN themes t"
        " ON t.id = v.theme_id WHERE t.name = 'Tillit'"
    )
    assert voted == [(note,)]

    # Her card shows the theme, chosen; Bob's card, never pressed, shows it too.
    await wait_until(
        lambda: (
            "✅ " + into(ui(anna), "Tillit") in anna.bot_messages[card.message_id].button_labels()
        )
    )
    bobs = cards[bob.id]
    await wait_until(lambda: card_themes(bob.bot_messages[bobs.message_id]) == ["Tillit"])
    assert said(ui(bob), NO_THEMES_YET) not in bob.bot_messages[bobs.message_id].text

    # A theme Bob proposes from the group's list reaches Cato's card, and takes no note.
    listing = next(
        m
        for m in bob.bot_messages.values()
        if button(ui(bob), "New theme") in m.button_labels() and not is_card(m)
    )
    answered = await propose_theme(bob, "Respekt", on=listing)
    assert "Respekt" in answered.text
    assert said(
        ui(bob), "The note on your card is now sorted into «{name}».", name="Respekt"
    ) not in (answered.text)
    catos = cards[cato.id]
    await wait_until(
        lambda: card_themes(cato.bot_messages[catos.message_id]) == ["Respekt", "Tillit"]
    )
    assert bot.query("SELECT COUNT(*) FROM votes") == [(1,)]

    # The moderator renames a theme: the cards follow.
    await mona.send("/themes")
    overview = await mona.wait_for(has_button(button("nb", "Rename {name}").format(name="Respekt")))
    await mona.press(overview, button("nb", "Rename {name}").format(name="Respekt"))
    await mona.wait_for(saying("nb", "Send the new name for «{name}»."))
    await mona.send("Å bli respektert")
    await mona.wait_for(contains("Å bli respektert"))
    await wait_until(
        lambda: card_themes(cato.bot_messages[catos.message_id]) == ["Tillit", "Å bli respektert"]
    )

    # Every button of the card says in words what it does.
    for person in members:
        shown = person.bot_messages[cards[person.id].message_id]
        assert all(says_in_words(label) for label in shown.button_labels()), shown.button_labels()
        assert not any(label in ("◀", "▶", "🔄") for label in shown.button_labels())


async def test_members_get_their_groups_list_when_the_sorting_opens(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """The moderator starts the sorting without showing the notes first: everyone still gets
    their group's numbered list, before the card."""
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"Person {i}", language_code="nb" if i % 2 else "en") for i in range(6)]
    for person in people:
        await join(person, code, ui(person))
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    notes = {}
    for i, person in enumerate(people):
        await person.wait_for(has_button(button(ui(person), "Next question ▶")))
        notes[person.id] = f"Lapp {i} om å bli hørt"
        await answer(person, notes[person.id])
    await mona.send("/close")
    await mona.wait_for(contains("Lapp 0"))
    await mona.send("/groups 3")
    await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    seats: dict[str, list[SimUser]] = {}
    for person in people:
        seated = await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
        found = GROUP_NAME.search(seated.text)
        assert found is not None
        seats.setdefault(found.group(0), []).append(person)
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    cards: dict[int, BotMessage] = {}
    for members in seats.values():
        mine = {notes[p.id] for p in members}
        for person in members:
            listing = await person.wait_for(contains("Lapp "))
            assert not is_card(listing)
            numbered = [line for line in listing.text.splitlines() if re.match(r"\d+\. ", line)]
            assert {line.split(". ", 1)[1] for line in numbered} == mine
            assert [line.split(".")[0] for line in numbered] == ["1", "2", "3"]
            assert button(ui(person), "New theme") in listing.button_labels()
            card = await person.wait_for(is_card)
            # The card's note 1 is the list's 1.
            assert card.text.splitlines()[1] == numbered[0].split(". ", 1)[1]
            cards[person.id] = card
    # A theme proposed from one member's card reaches the cards of the others in the group.
    proposer, *others = next(iter(seats.values()))
    await propose_theme(proposer, "Å bli hørt", on=cards[proposer.id])
    assert theme_names(bot) == ["Å bli hørt"]
    for other in others:
        await wait_until(
            lambda other=other: (
                card_themes(other.bot_messages[cards[other.id].message_id]) == ["Å bli hørt"]
            )
        )
