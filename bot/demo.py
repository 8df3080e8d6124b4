"""`make demo`: a whole answer round with simulated people, no token and no internet.

The real bot runs against the local Bot API double on 127.0.0.1; the transcript of every
chat is printed as it happens, and the database is left behind in the data folder.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import textwrap
from collections.abc import Callable
from pathlib import Path

from bot.app import serve
from bot.config import Secrets, Settings
from bot.domain import GROUP_MARKS
from bot.i18n import LANGUAGES, translator
from bot.logs import configure_logging
from bot.tools import write_report
from localapi import FloodLimits, LocalBotApi, SimGroup, SimUser
from localapi.sim import BotMessage, Event

__all__ = ["run_demo"]

DEMO_TOKEN = "100000001:DEMO-local-token-not-for-telegram"

# Notes from the dialogue seminar research (method.md): (person, language, pick nn?, notes).
PEOPLE: list[tuple[str, str | None, bool, list[str], list[str]]] = [
    (
        "Anna",
        "nb",
        False,
        ["Veilederen min var trygg, empatisk og rommet livssituasjonen min."],
        ["Å bli trodd på, sett helhetlig, tatt på alvor!"],
    ),
    (
        "Bjørn",
        "no",
        False,
        ["Fant praksisplass selv, hvor jeg ønsket å jobbe, som Nav godkjente raskt!"],
        ["Nav delbetalte lønna. Nå har jeg fast jobb!!"],
    ),
    (
        "Cecilie",
        "en",
        False,
        ["I got my adviser's direct phone number instead of the central queue."],
        ["I did not have to explain everything again every time."],
    ),
    (
        "Dag",
        "nb",
        True,
        ["Ein veileiar som ringjer berre for å høyre om eg har ein god dag."],
        ["Eg vart sett som heile meg, ikkje berre som ei sak."],
    ),
    (
        "Eli",
        "nb",
        False,
        [
            "Jeg fikk en veileder som så meg, trodde på meg og gav meg konkrete tilbakemeldinger.",
            "Kan jeg si nei til truckførerkurset?!",
        ],
        ["Jeg fikk blankpusset håpet om at jeg hadde en framtid."],
    ),
    (
        "Farid",
        "ar",
        False,
        ["They listened and let me choose my own course."],
        ["Respect both ways, and time to talk properly."],
    ),
]


# Which themes (by their number on the dot card) each participant gives a dot.
DOT_CHOICES = ((1, 1, 4), (1, 4, 4), (2, 1, 4), (1, 1, 5), (4, 2, 1), (1, 2, 6))


def _print_event(event: Event) -> None:
    if event.kind in ("bot_edit", "toast") and not event.text.strip():
        return
    arrows = {
        "user_message": f"{event.actor} ▶ bot",
        "callback": f"{event.actor} ▶ bot (button)",
        "bot_message": f"bot ▶ {event.chat_title}",
        "bot_edit": f"bot ▶ {event.chat_title} (edit)",
        "bot_delete": f"bot ▶ {event.chat_title} (delete)",
        "toast": f"bot ▶ {event.chat_title} (notice)",
        "file": f"bot ▶ {event.chat_title} (file)",
    }
    head = arrows.get(event.kind, event.kind)
    body = "\n".join(
        textwrap.fill(line, width=92, initial_indent="    ", subsequent_indent="    ")
        for line in event.text.splitlines()
        if line.strip()
    )
    if body:
        print(f"{head}\n{body}", flush=True)


def _label(language: str, msgid: str) -> str:
    return translator(language).pgettext("button", msgid)


def _showing(label: str) -> Callable[[BotMessage], bool]:
    return lambda m: label in m.button_labels()


def _edit_of(message: BotMessage) -> Callable[[BotMessage], bool]:
    return lambda m: m.message_id == message.message_id and m.edited > 0


def _mentioning(text: str) -> Callable[[BotMessage], bool]:
    return lambda m: text.casefold() in m.text.casefold()


def _newer_than(message: BotMessage | None) -> int:
    return message.message_id if message else 0


def _cockpit(label: str) -> Callable[[BotMessage], bool]:
    """The moderator's cockpit, offering this button."""
    return lambda m: m.text.startswith("🧭") and not m.deleted and label in m.button_labels()


async def _from_cockpit(mona: SimUser, msgid: str) -> None:
    """The moderator presses a button of the cockpit, which shows it once the seminar is
    there."""
    label = _label("nb", msgid)
    shown = sorted(
        (m for m in mona.bot_messages.values() if _cockpit(label)(m)), key=lambda m: m.message_id
    )
    cockpit = shown[-1] if shown else await mona.wait_for(_cockpit(label), timeout=30)
    await mona.press(cockpit, label)


async def _join(person: SimUser, code: str, nynorsk: bool) -> str:
    await person.send(f"/start {code}")
    welcome = await person.wait_for(lambda m: "English" in m.button_labels())
    language = "nn" if nynorsk else _welcome_language(welcome)
    if nynorsk:
        await person.press(welcome, "Norsk (nynorsk)")
        await person.wait_for(lambda m: m.message_id == welcome.message_id and m.edited > 0)
    await person.press(welcome, _label(language, "✅ I agree, let me take part"))
    await person.wait_for(lambda m: m.message_id > welcome.message_id)
    return language


def _welcome_language(welcome: BotMessage) -> str:
    for language in LANGUAGES:
        if _label(language, "✅ I agree, let me take part") in welcome.button_labels():
            return language
    return "en"


async def _answer(person: SimUser, note: str) -> BotMessage:
    await person.send(note)
    return await person.wait_for(lambda m: note[:24] in m.text and "✓" in m.text)


async def _script(
    api: LocalBotApi,
) -> tuple[SimUser, SimGroup, list[tuple[SimUser, str]]]:
    mona = api.user("Mona (moderator)", language_code="nb", username="mona")
    await mona.send("/new")
    await mona.wait_for(lambda m: _label("nb", "Cancel") in m.button_labels())
    await mona.send("Gode erfaringer med Nav – Drammen, våren 2027")
    choice = await mona.wait_for(lambda m: "Norsk (bokmål)" in m.button_labels())
    await mona.press(choice, "Norsk (bokmål)")
    questions = await mona.wait_for(
        lambda m: _label("nb", "Use these questions") in m.button_labels()
    )
    await mona.press(questions, _label("nb", "Use these questions"))
    created = await mona.wait_for(lambda m: "?start=" in m.text)
    code = created.text.split("?start=")[1].split()[0]
    room = api.group("Seminar room screen", members=[mona], admins=[mona])
    await room.send(mona, "/bind")
    await room.wait_for(lambda m: "Drammen" in m.text)

    people: list[tuple[SimUser, str, list[str], list[str]]] = []
    for name, client_language, nynorsk, first, second in PEOPLE:
        person = api.user(name, language_code=client_language)
        language = await _join(person, code, nynorsk)
        people.append((person, language, first, second))

    # From here on the moderator runs the seminar from the cockpit, typing only what a step
    # asks for.
    await _from_cockpit(mona, "Announce")
    await mona.wait_for(_showing(_label("nb", "Cancel")))
    await mona.send("Velkommen! Vi begynner nå. Skriv det du vil, én lapp om gangen.")
    await _from_cockpit(mona, "Open the answer round")

    for person, language, first, second in people:
        await person.wait_for(_showing(_label(language, "Next question ▶")))
        if person.name == "Dag":
            # A greeting is asked about before it could become a note.
            await person.send("Hei!")
            asked = await person.wait_for(_showing(_label(language, "Don't save")))
            await person.press(asked, _label(language, "Don't save"))
            await person.wait_for(_edit_of(asked))
        last = None
        for note in first:
            last = await _answer(person, note)
        assert last is not None
        await person.press(last, _label(language, "Next question ▶"))
        await person.wait_for(_showing(_label(language, "I am done ✓")))
        for note in second:
            last = await _answer(person, note)
        if person.name == "Anna":
            # The personal-data check: the text waits, seen by nobody, until Anna decides.
            await person.send("Ring veilederen min på 912 34 567, hun er best!")
            held = await person.wait_for(_showing(_label("nb", "Delete it")))
            await person.press(held, _label("nb", "Delete it"))
            await person.wait_for(_edit_of(held))
        await person.press(last, _label(language, "I am done ✓"))
        await person.wait_for(lambda m: "/notes" in m.text)

    mona.drain()
    await _from_cockpit(mona, "Close the answer round")
    await mona.wait_for(_showing(_label("nb", "Hide note {number}").format(number=1)))
    await api.wait_idle(quiet=0.5, timeout=30)
    return mona, room, [(person, language) for person, language, _, _ in people]


async def _group_work(
    api: LocalBotApi, mona: SimUser, room: SimGroup, people: list[tuple[SimUser, str]]
) -> BotMessage:
    """The groups sort their notes into themes; the plenary ranks them with dots."""
    _banner("Group work: the groups sort the notes into themes")
    await _from_cockpit(mona, "Form groups")
    seats: dict[str, list[tuple[SimUser, str]]] = {}
    for person, language in people:
        seated = await person.wait_for(lambda m: any(mark in m.text for mark in GROUP_MARKS))
        # An Arabic reader's group name is isolated within the sentence (U+2068 ... U+2069).
        words = (word.strip("\u2068\u2069\u200f") for word in seated.text.split())
        name = next(word for word in words if word in GROUP_MARKS)
        seats.setdefault(name, []).append((person, language))
    await _from_cockpit(mona, "Show the groups their notes")
    proposals = [["Relasjon", "Tid", "Å bli trodd"], ["Kunnskap", "Valgmuligheter", "Respekt"]]
    for (_, members), names in zip(sorted(seats.items()), proposals, strict=False):
        for (person, language), name in zip(members, names, strict=False):
            # «New theme» on the group's list of notes, then the theme's name.
            new_theme = _label(language, "New theme")
            listing = await person.wait_for(_showing(new_theme))
            await person.press(listing, new_theme)
            await person.wait_for(_showing(_label(language, "Cancel")))
            await person.send(name)
            await person.wait_for(_mentioning(name))

    await _from_cockpit(mona, "Start sorting")
    for _, members in sorted(seats.items()):
        for position, (person, language) in enumerate(members):
            card = await person.wait_for(_showing(_label(language, "Show the latest themes")))
            for index in range(_note_count(card)):
                themes = _theme_buttons(card, language)
                choice = themes[(index + (position == 2 and index == 0)) % len(themes)]
                await person.press(card, choice)
                card = await person.wait_for(_edit_of(card))

    mona.drain()
    await _from_cockpit(mona, "More")
    settle = _label("nb", "Settle undecided notes")
    more = await mona.wait_for(_showing(settle))
    await mona.press(more, settle)
    unsorted = _label("nb", "Leave it unsorted")
    # The settling card, not the cockpit, which may be brought up to date meanwhile.
    decision = await mona.wait_for(
        lambda m: unsorted in m.button_labels() or "ingen" in m.text.lower()
    )
    while decision.buttons:
        await mona.press(decision, decision.buttons[0][0][0])
        decision = await mona.wait_for(_edit_of(decision))

    _banner("Plenary: every group's themes, to the room's screen and to everyone")
    mona.drain()
    await _from_cockpit(mona, "End sorting, show the plenary")
    going_on = _label("nb", "End sorting, show the plenary")
    asked = await mona.wait_for(
        lambda m: (
            _label("nb", "Back to sorting") in m.button_labels()
            or (
                not m.text.startswith("🧭")
                and _label("nb", "Start the dot vote") in m.button_labels()
            )
        )
    )
    if going_on in asked.button_labels():  # notes left unsorted: the cockpit asks first
        await mona.press(asked, going_on)
    await room.wait_for(lambda m: "•" in m.text)
    await _from_cockpit(mona, "Start the dot vote")
    for position, (person, language) in enumerate(people):
        card = await person.wait_for(_showing(_give_dot(language, 1)))
        on_card = _theme_count(card, language)
        for pick in DOT_CHOICES[position % len(DOT_CHOICES)]:
            await person.press(card, _give_dot(language, (pick - 1) % on_card + 1))
            card = await person.wait_for(_edit_of(card))
    await _from_cockpit(mona, "Close the dot vote")
    ranking = await room.wait_for(
        lambda m: m.text.lstrip().startswith("The themes") or "1. " in m.text
    )
    _banner("The end: the moderator ends the seminar, and the report goes out")
    await _from_cockpit(mona, "End the seminar")
    close = _label("nb", "Close the seminar")
    asked = await mona.wait_for(_showing(close))
    await mona.press(asked, close)
    return ranking


def _note_count(card: BotMessage) -> int:
    """The card says «note 1 of N»: N in any language is the last number of its first line."""
    return int([word for word in card.text.splitlines()[0].split() if word.isdigit()][-1])


def _theme_buttons(card: BotMessage, language: str) -> list[str]:
    """The vote card's buttons that sort the note into a theme («Into: …»)."""
    into = _label(language, "Into: {theme}").split("{theme}")[0]
    return [label for label in card.button_labels() if label.removeprefix("✅ ").startswith(into)]


def _give_dot(language: str, number: int) -> str:
    """The dot card's button that gives theme `number` a dot."""
    return _label(language, "Theme {number}: + dot").format(number=number)


def _theme_count(card: BotMessage, language: str) -> int:
    shown = card.button_labels()
    return sum(1 for n in range(1, len(shown) + 1) if _give_dot(language, n) in shown)


def _banner(title: str) -> None:
    print(f"\n=== {title} ===\n", flush=True)


def _demo_secret(folder: Path) -> bytes:
    """The demo's own secret, kept beside its database so the two always match."""
    path = folder / "demo.secret"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip().encode()


async def run_demo(settings: Settings, *, quiet: bool = False) -> int:
    folder = settings.database.parent
    database = folder / "demo.sqlite3"
    for leftover in (database, folder / "demo.sqlite3-wal", folder / "demo.sqlite3-shm"):
        leftover.unlink(missing_ok=True)
    configure_logging("WARNING", DEMO_TOKEN)
    logging.getLogger("telegram").setLevel(logging.ERROR)

    api = LocalBotApi(token=DEMO_TOKEN, bot_username="dialogseminar_demo_bot", flood=FloodLimits())
    base_url = await api.start()
    if not quiet:
        api.on_event(_print_event)
    local = dataclasses.replace(
        settings, api_base_url=base_url.removesuffix("/bot"), database=database
    )
    demo_secrets = Secrets(bot_token=DEMO_TOKEN, seminar_secret=_demo_secret(folder))
    stop = asyncio.Event()
    bot = asyncio.create_task(serve(local, demo_secrets, stop))
    try:
        print("=== Dialogue seminar demo: a moderator and six participants ===\n", flush=True)
        mona, room, people = await asyncio.wait_for(_script(api), timeout=300)
        ranking = await asyncio.wait_for(_group_work(api, mona, room, people), timeout=300)
        await api.wait_idle(quiet=0.5, timeout=30)
    finally:
        stop.set()
        await bot
        await api.stop()
    print("\n=== The seminar's themes, ranked by the dot vote ===\n")
    print(ranking.text)
    report = await write_report(local, demo_secrets, 1, folder / "demo-report")
    print(f"\nDatabase left at {database}; the report is in {report[0].parent}:")
    for path in report:
        print(f"  {path}")
    return 0
