"""Steps of the group work that several tests share."""

from __future__ import annotations

import re
from collections.abc import Callable

from harness import answer, button, contains, create_seminar, has_button, join

from bot.domain import GROUP_MARKS
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

GROUP_NAME = re.compile("(" + "|".join(GROUP_MARKS) + r") \d+")


def edit_of(message: BotMessage) -> Callable[[BotMessage], bool]:
    edits = message.edited
    return lambda m: m.message_id == message.message_id and m.edited > edits


def ui(user: SimUser) -> str:
    return "nb" if user.language_code == "nb" else "en"


async def seminar_in_groups(
    api: LocalBotApi, count: int, *, size: int = 5
) -> tuple[SimUser, dict[str, list[SimUser]], dict[int, str]]:
    """A moderator, `count` participants who each wrote one note, formed into groups and shown
    their notes. Returns the moderator, the members by group name, and each person's note."""
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona)
    people = [
        api.user(f"Person {i:02d}", language_code="nb" if i % 2 else "en") for i in range(count)
    ]
    for person in people:
        await join(person, code, ui(person))
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    notes = {}
    for i, person in enumerate(people):
        await person.wait_for(has_button(button(ui(person), "Next question ▶")))
        notes[person.id] = f"Lapp {i:02d} om god hjelp"
        await answer(person, notes[person.id])
    await mona.send("/close")
    await mona.wait_for(contains("Lapp 00"))
    await mona.send(f"/groups {size}")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    seats: dict[str, list[SimUser]] = {}
    for person in people:
        seated = await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
        found = GROUP_NAME.search(seated.text)
        assert found is not None
        seats.setdefault(found.group(0), []).append(person)
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    for person in people:
        await person.wait_for(contains("Lapp "))
    return mona, dict(sorted(seats.items())), notes
