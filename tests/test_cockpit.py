"""The moderator's cockpit: one message, kept current, whose buttons run the seminar; steps that
leave something unfinished ask first, and the steps back undo only what nobody has seen."""

from __future__ import annotations

from collections.abc import Callable

from checks import said, said_n
from groupwork_helpers import (
    GROUP_NAME,
    card_themes,
    edit_of,
    into,
    is_card,
    propose_theme,
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

from localapi import LocalBotApi
from localapi.sim import BotMessage, SimUser

WAIT = 20.0  # the cockpit changes every few seconds


def cockpit(label: str | None = None, *needles: str) -> Callable[[BotMessage], bool]:
    """The cockpit, showing this button and these words."""

    def matches(m: BotMessage) -> bool:
        return (
            m.text.startswith("🧭")
            and not m.deleted
            and (label is None or label in m.button_labels())
            and all(n in m.text for n in needles)
        )

    return matches


async def _press_next(mona: SimUser, label: str) -> BotMessage:
    view = await mona.wait_for(cockpit(button("nb", label)), WAIT)
    await mona.press(view, button("nb", label))
    return view


async def test_a_moderator_runs_the_round_and_the_groups_from_the_cockpit(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona, "Cockpit")
    first = await mona.wait_for(cockpit(button("nb", "Open the answer round")), WAIT)
    assert (
        said("nb", "Joined: {joined} · wrote: {wrote} · done: {done}", joined=0, wrote=0, done=0)
        in first.text
    )

    people = [api.user(name, language_code="nb") for name in ("Anna", "Bo", "Cato", "Dina")]
    for person in people:
        await join(person, code, "nb")
    await mona.press(first, button("nb", "Open the answer round"))
    for person in people:
        await person.wait_for(has_button(button("nb", "Next question ▶")))

    # A new step: a fresh cockpit below what the step said, and the old one gone.
    opened = await mona.wait_for(cockpit(button("nb", "Close the answer round")), WAIT)
    assert opened.message_id > first.message_id
    assert api.find_bot_message(first) is None or api.find_bot_message(first).deleted
    for person, note in zip(
        people[:3], ("Hjelp med søknaden", "Ble ringt opp", "Fikk tid"), strict=True
    ):
        await answer(person, note)
    # The counts change in place: the same message, edited.
    counted = await mona.wait_for(
        lambda m: (
            m.message_id == opened.message_id
            and said(
                "nb", "Joined: {joined} · wrote: {wrote} · done: {done}", joined=4, wrote=3, done=0
            )
            in m.text
        ),
        WAIT,
    )
    assert counted.edited > 0

    # Closing with people not done asks first; «Not yet» changes nothing.
    await mona.press(counted, button("nb", "Close the answer round"))
    asked = await mona.wait_for(has_button(button("nb", "Not yet")))
    assert (
        said_n(
            "nb",
            "{left} of {of} participants is not done yet. Close the answer round anyway?",
            "{left} of {of} participants are not done yet. Close the answer round anyway?",
            4,
            left=4,
            of=4,
        )
        in asked.text
    )
    await mona.press(asked, button("nb", "Not yet"))
    await mona.wait_for(saying("nb", "Fine, nothing changed."))
    await answer(people[3], "Noen lyttet")
    assert bot.query("SELECT phase FROM seminars") == [("answering",)]

    again = await mona.wait_for(cockpit(button("nb", "Close the answer round")), WAIT)
    await mona.press(again, button("nb", "Close the answer round"))
    confirm = await mona.wait_for(has_button(button("nb", "Not yet")))
    await mona.press(confirm, button("nb", "Close the answer round"))

    # After the close: form groups, with the way back to the round while no group exists.
    closed = await mona.wait_for(cockpit(button("nb", "Form groups")), WAIT)
    assert button("nb", "Back: reopen the answer round") in closed.button_labels()
    await mona.press(closed, button("nb", "Form groups"))
    formed = await mona.wait_for(cockpit(button("nb", "Show the groups their notes")), WAIT)
    assert button("nb", "Back: form the groups again") in formed.button_labels()

    # The way back asks, and forms the groups again.
    await mona.press(formed, button("nb", "Back: form the groups again"))
    ask_back = await mona.wait_for(has_button(button("nb", "Keep the groups")))
    await mona.press(ask_back, button("nb", "Back: form the groups again"))
    reformed = await mona.wait_for(cockpit(button("nb", "Show the groups their notes")), WAIT)
    assert reformed.message_id > formed.message_id
    assert len(bot.query("SELECT id FROM groups")) >= 1

    await mona.press(reformed, button("nb", "Show the groups their notes"))
    sorting = await mona.wait_for(cockpit(button("nb", "Start sorting")), WAIT)
    # Once a group has seen its notes, no way back.
    assert not any(
        label.startswith(button("nb", "Back: form the groups again"))
        for label in sorting.button_labels()
    )
    await mona.press(sorting, button("nb", "Start sorting"))
    plenary = await mona.wait_for(cockpit(button("nb", "End sorting, show the plenary")), WAIT)
    assert (
        said("nb", "Sorted into themes: {sorted} of {total} notes", sorted=0, total=4)
        in plenary.text
    )
    await mona.press(plenary, button("nb", "End sorting, show the plenary"))
    unsorted = await mona.wait_for(has_button(button("nb", "Back to sorting")))
    assert (
        said_n(
            "nb",
            "{left} of {of} notes is not sorted into a theme yet: it will be listed as unsorted. End sorting anyway?",
            "{left} of {of} notes are not sorted into a theme yet: they will be listed as unsorted. End sorting anyway?",
            4,
            left=4,
            of=4,
        )
        in unsorted.text
    )
    await mona.press(unsorted, button("nb", "End sorting, show the plenary"))
    dots = await mona.wait_for(cockpit(button("nb", "Start the dot vote")), WAIT)
    await mona.press(dots, button("nb", "Start the dot vote"))
    closing = await mona.wait_for(cockpit(button("nb", "Close the dot vote")), WAIT)
    await mona.press(closing, button("nb", "Close the dot vote"))
    end = await mona.wait_for(cockpit(button("nb", "End the seminar")), WAIT)
    await mona.press(end, button("nb", "End the seminar"))
    bot.assert_clean_logs()


SMALL_TALK = ("Hei!", "ok", "Takk", "hva nå?", "Hallo", "tusen takk!!", "Hello", "thanks")
NOTES = (
    "Veilederen ringte meg tilbake samme dag",
    "Jeg fikk forklart reglene på et språk jeg forsto",
    "Kan jeg si nei til truckførerkurset?!",  # a note phrased as a question: saved
    "Noen lyttet til hele historien min",
    "Jeg slapp å fortelle alt på nytt",
    "They let me choose my own course",
    "Fikk tid til å tenke meg om",
    "Møtet var på et sted jeg kjente",
    "I got a direct phone number",
    "Saksbehandleren fulgte opp uten at jeg måtte mase",
    "Jeg ble trodd på",
    "Respekt begge veier",
)


async def _dont_save(person: SimUser, text: str, language: str) -> None:
    """Small talk is asked about; «Don't save» keeps it out of the notes."""
    await person.send(text)
    asked = await person.wait_for(
        saying(language, "This looks like a greeting, not an answer. Save it as a note?")
    )
    await person.press(asked, button(language, "Don't save"))
    await person.wait_for(edit_of(asked))


async def test_a_moderator_runs_a_twelve_person_seminar_with_buttons_only_after_new(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona, "Tolv stemmer")
    people = [
        api.user(f"Deltaker {n}", language_code="en" if n in (6, 9) else "nb") for n in range(1, 13)
    ]
    for person in people:
        await join(person, code, ui(person))

    # An announcement from the cockpit: the one thing typed besides the title.
    await _press_next(mona, "Announce")
    await mona.wait_for(has_button(button("nb", "Cancel")))
    await mona.send("Velkommen! Vi begynner om et øyeblikk.")
    for person in people:
        await person.wait_for(contains("Velkommen! Vi begynner"))
    await _press_next(mona, "Open the answer round")

    for index, person in enumerate(people):
        language = ui(person)
        prompt = await person.wait_for(has_button(button(language, "Next question ▶")))
        # Greetings, thanks and questions to the bot are asked about, never saved unasked.
        await _dont_save(person, SMALL_TALK[index % len(SMALL_TALK)], language)
        saved = await answer(person, NOTES[index])
        await person.press(saved, button(language, "Next question ▶"))
        last = await person.wait_for(has_button(button(language, "I am done ✓")))
        await person.press(last, button(language, "I am done ✓"))
        await person.wait_for(contains("/notes"))
        assert prompt.message_id < last.message_id
    await _press_next(mona, "Close the answer round")
    await _press_next(mona, "Form groups")
    # A reply to the announcement once the round is closed: nothing expects it, nothing is
    # saved.
    await people[0].send("Ok, takk for beskjed")
    await people[0].wait_for(saying("nb", "I did not save that message."))
    await _press_next(mona, "Show the groups their notes")

    # Sorting on a phone: text nothing expects becomes no theme; themes come from the button.
    confused = people[1]
    await confused.send("Jeg skjønner ikke hva jeg skal gjøre nå")
    await confused.wait_for(saying("nb", "I did not save that message."))
    proposed = {}
    for person in people:
        new_theme = button(ui(person), "New theme")
        shown = [m for m in person.bot_messages.values() if new_theme in m.button_labels()]
        listing = shown[-1] if shown else await person.wait_for(has_button(new_theme))
        group = next(line for line in listing.text.splitlines() if GROUP_NAME.search(line))
        key = GROUP_NAME.search(group)
        assert key is not None
        if key.group(0) not in proposed:
            proposed[key.group(0)] = f"Tema {len(proposed) + 1}"
            await propose_theme(person, proposed[key.group(0)], on=listing)

    await _press_next(mona, "Start sorting")
    for person in people:
        card = await person.wait_for(is_card)
        for _ in range(_card_notes(card)):
            themes = card_themes(card)
            before = card.edited
            await person.press(card, into(ui(person), themes[0]))
            card = await person.wait_for(
                lambda m, c=card, e=before: m.message_id == c.message_id and m.edited > e
            )

    await _press_next(mona, "End sorting, show the plenary")
    start = await mona.wait_for(
        lambda m: (
            not m.text.startswith("🧭")
            and (
                button("nb", "Back to sorting") in m.button_labels()
                or button("nb", "Start the dot vote") in m.button_labels()
            )
        ),
        WAIT,
    )
    if button("nb", "Back to sorting") in start.button_labels():
        await mona.press(start, button("nb", "End sorting, show the plenary"))
    await _press_next(mona, "Start the dot vote")
    for person in people:
        dots = await person.wait_for(has_button(dot_button(ui(person), 1)), WAIT)
        await person.press(dots, dot_button(ui(person), 1))
        await person.wait_for(edit_of(dots))
    counted = await mona.wait_for(
        cockpit(
            button("nb", "Close the dot vote"),
            said_n("nb", "{count} dot given so far", "{count} dots given so far", 12, count=12),
        ),
        WAIT,
    )
    await mona.press(counted, button("nb", "Close the dot vote"))
    await _press_next(mona, "End the seminar")
    asked = await mona.wait_for(has_button(button("nb", "Close the seminar")))
    await mona.press(asked, button("nb", "Close the seminar"))
    await mona.wait_for(cockpit(None, said("nb", "The seminar has ended.")), WAIT)

    # What the moderator typed: /new and the title, then only the announcement a step asked for.
    typed = [m["text"] for m in mona.messages.values() if m.get("from", {}).get("id") == mona.id]
    assert typed == ["/new", "Tolv stemmer", "Velkommen! Vi begynner om et øyeblikk."]
    saved_notes = {str(row[0]) for row in bot.query("SELECT text FROM notes")}
    assert saved_notes == set(NOTES)
    themes_made = {str(row[0]) for row in bot.query("SELECT name FROM themes")}
    assert themes_made == set(proposed.values())
    assert bot.query("SELECT phase FROM seminars") == [("closed",)]
    bot.assert_clean_logs()


def _card_notes(card: BotMessage) -> int:
    """The card says «note 1 of N»: N is the last number of its first line."""
    return int([word for word in card.text.splitlines()[0].split() if word.isdigit()][-1])
