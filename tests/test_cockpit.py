"""The moderator's cockpit: one message, kept current, whose buttons run the seminar; steps that
leave something unfinished ask first, and the steps back undo only what nobody has seen."""

from __future__ import annotations

from collections.abc import Callable

from checks import said, said_n
from harness import BotProcess, answer, button, create_seminar, has_button, join, saying

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
