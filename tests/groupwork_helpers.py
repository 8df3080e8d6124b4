"""Steps of the group work that several tests share."""

from __future__ import annotations

import re
from collections.abc import Callable

from harness import answer, button, contains, create_seminar, has_button, join, saying

from bot.domain import GROUP_MARKS
from bot.i18n import LANGUAGES, translator
from bot.render.screens import group_name
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

# A group's name as the bot shows it: its coloured mark beside words («🟦 Blå gruppe»,
# "🟦 Blue group"). The match is the mark alone, which tells the groups apart whatever language
# each member reads (the tests have at most eight groups, one of each colour).
GROUP_NAME = re.compile("(" + "|".join(GROUP_MARKS) + r")(?= [^\W\d_]{2,})")


def group_called(language: str, mark: str) -> str:
    """The name of the group with this mark, as the bot writes it in `language`."""
    name = group_name(translator(language), GROUP_MARKS.index(mark) + 1)
    return f"{mark} {name}"


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


ASK_THEME_NAME = (
    "Send the name of the new theme as a message: a few words, for example «Being believed» or "
    "«Time»."
)


def newest_with(user: SimUser, label: str) -> BotMessage:
    """The newest of the bot's messages to the user that has this button."""
    found = [m for m in user.bot_messages.values() if label in m.button_labels()]
    assert found, f"no message with {label!r}:\n{user.transcript()}"
    return max(found, key=lambda m: m.message_id)


async def propose_theme(
    user: SimUser, name: str, *, language: str | None = None, on: BotMessage | None = None
) -> BotMessage:
    """Proposes a theme as a member does: «New theme» (on the message given, else the newest
    that has the button), then the name. Returns the bot's answer to the name."""
    lang = language or ui(user)
    label = button(lang, "New theme")
    await user.press(on or newest_with(user, label), label)
    await user.wait_for(saying(lang, ASK_THEME_NAME))
    sent = await user.send(name)
    return await user.wait_for(lambda m: m.message_id > sent["message_id"] and m.edited == 0)


def into(language: str, theme: str) -> str:
    """The vote card's button that sorts the note into a theme."""
    return button(language, "Into: {theme}").format(theme=theme)


def theme_on(label: str) -> str:
    """The theme a vote card's button names, chosen (✅) or not, in any language."""
    label = label.removeprefix("✅ ")
    for language in LANGUAGES:
        prefix = button(language, "Into: {theme}").split("{theme}")[0]
        if label.startswith(prefix):
            return label[len(prefix) :]
    return label


def card_themes(card: BotMessage) -> list[str]:
    """The themes a vote card offers, in its order."""
    return [theme_on(label) for label in card.button_labels() if theme_on(label) != label]


def is_card(message: BotMessage) -> bool:
    """A vote card, in any language."""
    labels = message.button_labels()
    return any(button(language, "Show the latest themes") in labels for language in LANGUAGES)
