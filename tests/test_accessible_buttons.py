"""Buttons a screen reader can explain, group names in words, and no confirmation that is only
a toast: a participant in Bokmål, one in English and a moderator, from joining to the
read-back and the report."""

from __future__ import annotations

import re

from checks import WORD, said
from groupwork_helpers import edit_of, group_called, into, is_card, propose_theme
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

from bot.domain import GROUP_MARKS
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

TITLE = "Gode møter med Nav"
# A group's mark with a number beside it and no words: the old names («🟦 1»).
MARK_AND_NUMBER = re.compile("(" + "|".join(GROUP_MARKS) + r") \d")


def labels_in_words(message: BotMessage) -> list[str]:
    """The message's button labels, each checked to hold a word."""
    labels = message.button_labels()
    assert labels, message.text
    assert all(WORD.search(label) for label in labels), labels
    return labels


def language_of(person: SimUser) -> str:
    return "nb" if person.language_code == "nb" else "en"


async def test_buttons_and_group_names_read_as_words_in_nb_and_en(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    anna = api.user("Anna", language_code="nb")
    bob = api.user("Bob", language_code="en")
    cato = api.user("Cato", language_code="nb")
    dina = api.user("Dina", language_code="en")
    people = [anna, bob, cato, dina]
    code = await create_seminar(mona, TITLE)
    for person in people:
        await join(person, code, language_of(person))
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))

    # Answering, and the list of one's own notes: each button names its note in words.
    for n, person in enumerate(people):
        await person.wait_for(has_button(button(language_of(person), "Next question ▶")))
        await answer(person, f"Veilederen hørte på meg, lapp {n}")
    await answer(anna, "Hun ringte tilbake samme dag")
    for person, count in ((anna, 2), (bob, 1)):
        lang = language_of(person)
        await person.send("/notes")
        first = button(lang, "✏️ Edit note {number}").format(number=1)
        listed = await person.wait_for(lambda m, first=first: first in m.button_labels())
        labels = labels_in_words(listed)
        for number in range(1, count + 1):
            assert button(lang, "✏️ Edit note {number}").format(number=number) in labels
            assert button(lang, "🗑 Delete note {number}").format(number=number) in labels
        # One note's two buttons to a row, so a phone shows each label whole.
        assert all(len(row) == 2 for row in listed.buttons), listed.buttons
    assert button("nb", "✏️ Edit note {number}").format(number=1) == "✏️ Endre lapp 1"
    assert button("en", "🗑 Delete note {number}").format(number=1) == "🗑 Delete note 1"

    # The moderator's summary: «Skjul lapp 3», not «Skjul 3».
    await mona.send("/close")
    summary = await mona.wait_for(contains("Hun ringte tilbake"))
    hides = [label for label in labels_in_words(summary) if label.startswith("Skjul")]
    assert hides == [f"Skjul lapp {n}" for n in range(1, 6)], hides

    # Groups: a name in words in each reader's language, with the mark beside it.
    await mona.send("/groups 4")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    assert group_called("nb", "🟦") == "🟦 Blå gruppe"
    assert group_called("en", "🟦") == "🟦 Blue group"
    assert "🟦 Blå gruppe" in formed.text
    for person in people:
        seated = await person.wait_for(contains(TITLE, "🟦"))
        assert group_called(language_of(person), "🟦") in seated.text, seated.text
        assert not MARK_AND_NUMBER.search(seated.text), seated.text
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    for person in people:
        await person.wait_for(contains("Veilederen hørte på meg"))

    # Sorting: the card's buttons say what they do.
    assert "Tillit" in (await propose_theme(anna, "Tillit")).text
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    cards = {}
    for person in people:
        lang = language_of(person)
        card = await person.wait_for(
            lambda m: is_card(m) and "Tillit" in " ".join(m.button_labels())
        )
        assert into(lang, "Tillit") in labels_in_words(card)
        assert group_called(lang, "🟦") in card.text
        for _ in range(5):
            label = next(x for x in card.button_labels() if x.endswith(into(lang, "Tillit")))
            edited = edit_of(card)
            await person.press(card, label)
            card = await person.wait_for(edited)
        cards[person.id] = card

    # The dot vote: a row per theme, «Tema 1: + prikk» and «Tema 1: − prikk».
    await mona.send("/plenary")
    start = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    plenary = await anna.wait_for(contains(said("nb", "<b>Plenary: {title}</b>", title=TITLE)))
    assert "🟦 Blå gruppe" in plenary.text
    await mona.press(start, button("nb", "Start the dot vote"))
    for person in people:
        lang = language_of(person)
        dots = await person.wait_for(has_button(dot_button(lang, 1)))
        assert labels_in_words(dots) == [dot_button(lang, 1), dot_button(lang, 1, "−")]
        assert group_called(lang, "🟦") in dots.text
        edited = edit_of(dots)
        await person.press(dots, dot_button(lang, 1))
        await person.wait_for(edited)
    assert dot_button("nb", 1) == "Tema 1: + prikk"
    assert dot_button("en", 1, "−") == "Theme 1: − dot"

    # A vote card's button after the sorting has ended: the answer is a message, read aloud.
    told = len(bob.inbox)
    old_card = cards[bob.id]
    await bob.press(old_card, next(x for x in old_card.button_labels() if "Tillit" in x))
    over = await bob.wait_for(saying("en", "That step is over: the seminar is now at «{phase}»."))
    assert over in bob.inbox[told:]

    # The read-back.
    await mona.send("/close_dots")
    await mona.send("/check")
    for person in (anna, bob):
        lang = language_of(person)
        yes = button(lang, "Theme {number}: yes, I recognise this").format(number=1)
        asked = await person.wait_for(has_button(yes))
        labels_in_words(asked)
        await person.press(asked, yes)
        thanks = "Thank you! You recognise theme {number}. You can change your answer."
        await person.wait_for(contains(said(lang, thanks, number=1)))

    # The report names the group in words: no emoji font needed to tell groups apart.
    await mona.send("/report")
    page = await mona.wait_for(lambda m: m.kind == "document" and m.file_name == "report.html")
    html = (page.file_bytes or b"").decode("utf-8")
    assert "Blå gruppe" in html
    assert not any(mark in html for mark in GROUP_MARKS)

    # Nothing was said only in a toast: every press was answered without words.
    await api.wait_idle()
    for person in (mona, *people):
        assert set(person.toasts) <= {""}, person.toasts
    assert api.answer_texts == []
    assert api.keyboard_labels
    assert all(WORD.search(label) for label in api.keyboard_labels)
