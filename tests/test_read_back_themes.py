"""Recognising oneself: /check reads each theme back with its notes and asks about each one;
what goes back to participants (the report's short version, /summary); the command menus per
language and per role, set once and taken back."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from checks import said, said_n
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
    wait_until,
)

from bot.i18n import translator
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

TITLE = "Gode møter med Nav"
CO_MODERATOR = (
    "You are now a co-moderator of <b>{title}</b> and can run the seminar. Only its owner can "
    "hand it over to someone else, and nobody can remove the owner. /help lists the commands."
)
THEMES = ("Tillit", "Tid", "Å bli sett")
# Long notes, all sorted into «Tid»: together far more than one message holds.
LONG = [
    f"Lang lapp {i}: " + " ".join(["Veilederen tok seg god tid til å lytte og forklare."] * 26)
    for i in range(4)
]
SHORT = [f"Kort lapp {i} om tillit" if i % 2 else f"Kort lapp {i} om å bli sett" for i in range(4)]


@pytest.fixture
async def bot(api: LocalBotApi, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """Notes up to 1,500 characters, so a theme of four of them needs «show more notes»."""
    process = BotProcess(api, tmp_path, seminar={"note_max_length": 1500})
    await process.start()
    try:
        yield process
    finally:
        await process.stop()
        process.assert_clean_logs()


def ui(user: SimUser) -> str:
    return "nb" if user.language_code == "nb" else "en"


def theme_of(note: str) -> str:
    if note.startswith("Lang"):
        return "Tid"
    return "Tillit" if "tillit" in note else "Å bli sett"


def yes(language: str, number: int) -> str:
    return button(language, "Theme {number}: yes, I recognise this").format(number=number)


def no(language: str, number: int) -> str:
    return button(language, "Theme {number}: something is missing").format(number=number)


def more(language: str, number: int) -> str:
    return button(language, "Theme {number}: show more notes").format(number=number)


def heading(language: str, number: int, name: str) -> str:
    return said(
        language, "<b>Theme {number} of {total}: {name}</b>", number=number, total=3, name=name
    )


def chat_scoped(api: LocalBotApi, method: str, user: SimUser) -> list[dict[str, object]]:
    """The calls of a method for the user's own chat scope."""
    found = []
    for name, params in api.requests:
        scope = params.get("scope")
        if isinstance(scope, str):
            scope = json.loads(scope)
        if name == method and isinstance(scope, dict) and scope.get("chat_id") == user.id:
            found.append(params)
    return found


async def seminar_at_the_plenary(
    api: LocalBotApi,
) -> tuple[SimUser, list[SimUser]]:
    """Four participants (two nb, two en) in one group, their notes sorted into three themes,
    and the plenary shown."""
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"Person {i}", language_code="nb" if i % 2 else "en") for i in range(4)]
    for person in people:
        await join(person, code, ui(person))
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for i, person in enumerate(people):
        await person.wait_for(has_button(button(ui(person), "Next question ▶")))
        await answer(person, SHORT[i])
        await answer(person, LONG[i])
    await mona.send("/close")
    await mona.wait_for(contains("Kort lapp 0"))
    await mona.send("/groups 4")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    for person in people:
        await person.wait_for(lambda m: bool(GROUP_NAME.search(m.text)))
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    for person in people:
        # The list is long: it comes in parts, and the last one holds «New theme».
        await person.wait_for(has_button(button(ui(person), "New theme")))
    for person, name in zip(people, THEMES, strict=False):
        assert name in (await propose_theme(person, name)).text
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for person in people:
        card = await person.wait_for(lambda m: set(THEMES) <= set(card_themes(m)))
        for _ in range(len(SHORT) + len(LONG)):
            note = next(n for n in [*SHORT, *LONG] if n[:12] in card.text)
            await person.press(card, into(ui(person), theme_of(note)))
            card = await person.wait_for(edit_of(card))
    await mona.send("/plenary")
    await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    return mona, people


async def read_back_messages(person: SimUser) -> dict[str, BotMessage]:
    """The read-back's first message, then one message per theme, by theme name."""
    language = ui(person)
    intro = said_n(
        language,
        "<b>{title}</b>: here is what you found together. Now {count} theme comes, with its "
        "notes. Tell us if you recognise yourself in it.",
        "<b>{title}</b>: here is what you found together. Now {count} themes come, one at a "
        "time, with their notes. Tell us for each theme if you recognise yourself in it.",
        3,
        title=TITLE,
    )
    first = await person.wait_for(contains(intro))
    assert not first.buttons
    found: dict[str, BotMessage] = {}
    for number in range(1, 4):
        message = await person.wait_for(has_button(yes(language, number)))
        assert message.message_id > first.message_id
        name = next(n for n in THEMES if heading(language, number, n) in message.text)
        assert no(language, number) in message.button_labels()
        assert said(language, "Do you recognise yourself in this theme?") in message.text
        found[name] = message
    return found


def number_of(message: BotMessage) -> int:
    found = re.search(r"(\d+)", message.text)
    assert found is not None
    return int(found.group(1))


async def test_each_theme_is_read_back_with_its_notes_and_answered_once_per_person(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, people = await seminar_at_the_plenary(api)
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains(TITLE))

    await mona.send("/check")
    sent = await mona.wait_for(has_button(button("nb", "See the answers")))
    assert (
        said_n(
            "nb",
            "They get {count} theme, each with its notes, and answer for each one.",
            "They get {count} themes, each with its notes, and answer for each one.",
            3,
        )
        in sent.text
    ), sent.text
    shown: dict[int, dict[str, BotMessage]] = {}
    for person in people:
        shown[person.id] = await read_back_messages(person)
    # Every theme holds its own notes, as written; the long one shows what fits.
    for person in people:
        language, mine = ui(person), shown[person.id]
        for note in SHORT:
            assert note in mine[theme_of(note)].text
        long_theme = mine["Tid"]
        number = number_of(long_theme)
        assert len(long_theme.text) < 4096
        assert more(language, number) in long_theme.button_labels()
        first_part = [n for n in LONG if n in long_theme.text]
        assert 0 < len(first_part) < len(LONG)
        left = len(LONG) - len(first_part)
        assert (
            said_n(language, "There is {count} more note.", "There are {count} more notes.", left)
            in long_theme.text
        )
        assert not any(n in mine["Tillit"].text for n in LONG)
        assert not any(person.name in m.text for m in mine.values())

    # Everything survives a restart: the buttons still work.
    await bot.kill()
    await bot.restart()

    # «Show more notes»: the rest arrives, and the pressed message keeps its answer buttons.
    for person in people[:2]:
        language, long_theme = ui(person), shown[person.id]["Tid"]
        number = number_of(long_theme)
        await person.press(long_theme, more(language, number))
        after = long_theme.message_id
        rest = await person.wait_for(
            lambda m, n=number, lang=language, after=after: (
                m.edited == 0 and yes(lang, n) in m.button_labels() and m.message_id > after
            )
        )
        everything = long_theme.text + rest.text
        assert all(note in everything for note in LONG), everything
        assert (
            more(language, number) not in person.bot_messages[long_theme.message_id].button_labels()
        )
        assert yes(language, number) in person.bot_messages[long_theme.message_id].button_labels()

    numbers = {name: number_of(m) for name, m in shown[people[0].id].items()}
    trust, time_ = numbers["Tillit"], numbers["Tid"]
    # Person 0 presses «yes» on «Tillit» twice: counted once.
    p0, lang0 = people[0], ui(people[0])
    for _ in range(2):
        await p0.press(shown[p0.id]["Tillit"], yes(lang0, trust))
        await p0.wait_for(
            saying(lang0, "Thank you! You recognise theme {number}. You can change your answer.")
        )
    # Person 1 says yes, then changes their mind: something is missing, in their own words.
    p1, lang1 = people[1], ui(people[1])
    await p1.press(shown[p1.id]["Tillit"], yes(lang1, trust))
    await p1.wait_for(
        saying(lang1, "Thank you! You recognise theme {number}. You can change your answer.")
    )
    await p1.press(shown[p1.id]["Tillit"], no(lang1, trust))
    await p1.wait_for(
        contains(
            said(
                lang1,
                "Thank you. What is missing in theme {number}? Write it in a message, in your "
                "own words.",
                number=trust,
            )
        )
    )
    await p1.send("Hvordan det er å vente lenge på svar")
    await p1.wait_for(
        contains(
            said(
                lang1,
                "Thank you. It is saved for the report, for theme {number}, without your name.",
                number=trust,
            )
        )
    )
    # Person 2 misses something in «Tid»; person 3 recognises every theme.
    p2, lang2 = people[2], ui(people[2])
    await p2.press(shown[p2.id]["Tid"], no(lang2, time_))
    await p2.wait_for(
        saying(
            lang2,
            "Thank you. What is missing in theme {number}? Write it in a message, in your own words.",
        )
    )
    await p2.send("Tid til å bli kjent før møtet")
    await p2.wait_for(
        saying(
            lang2, "Thank you. It is saved for the report, for theme {number}, without your name."
        )
    )
    p3, lang3 = people[3], ui(people[3])
    for name, number in numbers.items():
        await p3.press(shown[p3.id][name], yes(lang3, number))
        await p3.wait_for(
            contains(
                said(
                    lang3,
                    "Thank you! You recognise theme {number}. You can change your answer.",
                    number=number,
                )
            )
        )

    # The moderator sees the counts per theme.
    await mona.press(sent, button("nb", "See the answers"))
    tally = await mona.wait_for(edit_of(sent))
    expected = {"Tillit": (2, 1), "Tid": (1, 1), "Å bli sett": (1, 0)}
    for name, (recognised, missing) in expected.items():
        line = said(
            "nb",
            "Theme {number}, {name}: {recognised} know it, {missing} miss something",
            number=numbers[name],
            name=name,
            recognised=recognised,
            missing=missing,
        )
        assert line in tally.text.splitlines(), tally.text
    assert button("nb", "Update the answers") in tally.button_labels()

    # The report lists them per theme; participants get its short version in their language.
    await mona.send("/report")
    report = await office.wait_for(lambda m: m.kind == "document" and m.file_name == "report.json")
    data = json.loads(report.file_bytes or b"{}")
    per_theme = {row["theme"]: row for row in data["read_back"]["themes"]}
    for name, (recognised, missing) in expected.items():
        if recognised or missing:
            assert per_theme[name]["recognised"] == recognised, per_theme
            assert per_theme[name]["missing"] == missing, per_theme
    assert per_theme["Tillit"]["missing_notes"] == ["Hvordan det er å vente lenge på svar"]
    assert data["read_back"]["recognised"] == 4
    assert data["read_back"]["missing"] == 2
    html_doc = next(m for m in office.inbox if m.file_name == "report.html")
    assert "Tid til å bli kjent før møtet" in (html_doc.file_bytes or b"").decode()
    for person in people:
        language = ui(person)
        ready = said(
            language,
            "<b>{title}</b>: the report is ready. Here is the short version.",
            title=TITLE,
        )
        short = await person.wait_for(contains(ready))
        assert said(language, "What mattered most:") in short.text
        assert all(name in short.text for name in THEMES), short.text
        assert said(language, "You can read this again with /summary.") in short.text
        assert not any(p.name in short.text for p in people)
    # ... and again from their menu.
    await p2.send("/summary")
    again = await p2.wait_for(
        contains(
            said(
                lang2,
                "<b>{title}</b>: the report is ready. Here is the short version.",
                title=TITLE,
            )
        )
    )
    assert "Tillit" in again.text

    # /summary is in the participants' menu in every language, and in /help after the plenary.
    for language in ("nb", "nn", "en"):
        menu = api.commands[('{"type": "default"}', language)]
        assert "summary" in [c["command"] for c in menu], menu
    await p3.send("/help")
    helped = await p3.wait_for(saying(lang3, "<b>What I can do</b>"))
    assert said(lang3, "/summary – what came out, and the short report") in helped.text

    # The moderator's own chat menu was set once, and is taken back when the seminar ends.
    assert len(chat_scoped(api, "setMyCommands", mona)) == 1
    await mona.send("/end")
    ask = await mona.wait_for(has_button(button("nb", "Close the seminar")))
    await mona.press(ask, button("nb", "Close the seminar"))
    await p0.wait_for(
        contains(said(lang0, "<b>{title}</b> is closed. Thank you for taking part!", title=TITLE))
    )
    await api.wait_idle()
    assert len(chat_scoped(api, "deleteMyCommands", mona)) == 1
    assert not [key for key in api.commands if str(mona.id) in key[0]]
    assert len(chat_scoped(api, "setMyCommands", mona)) == 1

    # A read-back button after the seminar closed answers politely, as a message.
    await p3.press(shown[p3.id]["Tid"], no(lang3, time_))
    closed = translator(lang3).pgettext("phase", "closed")
    over = said(lang3, "That step is over: the seminar is now at «{phase}».", phase=closed)
    await p3.wait_for(lambda m: m.text == over)
    await api.wait_idle()
    assert [m.text for m in p3.inbox].count(over) == 1  # said once, as a message

    # ... and after the seminar is deleted, too.
    bot.advance_clock(181 * 86400)
    await wait_until(lambda: bot.query("SELECT COUNT(*) FROM seminars") == [(0,)])
    await p0.press(shown[p0.id]["Tid"], yes(lang0, time_))
    gone = await p0.wait_for(saying(lang0, "This read-back is over. Thank you for taking part!"))
    await api.wait_idle()
    assert [m.text for m in p0.inbox].count(gone.text) == 1


async def test_a_co_moderator_gets_the_moderators_menu_once_and_loses_it_when_removed(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="nb")
    await create_seminar(mona)
    carl = api.user("Carl Co", language_code="en")
    await mona.send("/invite")
    invite = await mona.wait_for(has_button(button("nb", "Invite a co-moderator")))
    await mona.press(invite, button("nb", "Invite a co-moderator"))
    link = await mona.wait_for(contains("?start=mod-"))
    await carl.send("/start " + link.text.split("?start=")[1].split()[0])
    await carl.wait_for(saying("en", CO_MODERATOR))
    await api.wait_idle()
    mine = chat_scoped(api, "setMyCommands", carl)
    assert len(mine) == 1, mine
    listed = {
        c["command"] for key, cs in api.commands.items() if str(carl.id) in key[0] for c in cs
    }
    assert {"check", "report", "end", "open"} <= listed
    descriptions = [
        c["description"] for key, cs in api.commands.items() if str(carl.id) in key[0] for c in cs
    ]
    assert said("en", "Read the themes back") in descriptions

    await mona.send("/moderators")
    listing = await mona.wait_for(has_button(button("nb", "Remove {name}").format(name="Carl Co")))
    await mona.press(listing, button("nb", "Remove {name}").format(name="Carl Co"))
    await mona.wait_for(edit_of(listing))
    await api.wait_idle()
    assert len(chat_scoped(api, "deleteMyCommands", carl)) == 1
    assert not [key for key in api.commands if str(carl.id) in key[0]]
    # Mona still moderates her seminar: her menu stays.
    assert [key for key in api.commands if str(mona.id) in key[0]]
    assert not chat_scoped(api, "deleteMyCommands", mona)
