"""Issue 12: what an update changes and the record that it was handled commit together, and the
answers go out after that commit. So a press Telegram delivers twice counts once, and a bot
killed at any moment, even between its commit and its answer, loses no answer and counts
nothing twice when it is back.

The kills are planned in the Bot API double (`crash_at_caused_call`, `crash_at_call`): at the
first call an update causes, that is after the bot decided what the update does and before
anybody saw it.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from checks import pattern, said, said_n
from groupwork_helpers import (
    GROUP_NAME,
    edit_of,
    group_called,
    is_card,
    newest_with,
    propose_theme,
    seminar_in_groups,
    theme_on,
    ui,
)
from harness import (
    BotProcess,
    button,
    contains,
    dot_button,
    has_button,
    saying,
    seminar_with,
    text,
    wait_until,
)

from localapi import CrashPoint, FloodLimits, LocalBotApi, SimUser
from localapi.sim import BotMessage, SimChat

# Long enough for a kill, a restart and the update handled again.
AFTER_A_CRASH = 30.0


@pytest.fixture
def flood() -> FloodLimits:
    # Telegram's flood limits are the answer-round tests' subject; here they only slow things.
    return FloodLimits.off()


# -- reading what the bot holds and shows -----------------------------------------------------


def pseudonym(bot: BotProcess, person: SimUser) -> str:
    """The person's pseudonym in the (only) seminar: the test knows SEMINAR_SECRET."""
    ((seminar_id,),) = bot.query("SELECT id FROM seminars")
    return bot.keyring().pseudonym(int(str(seminar_id)), person.id)


def dots_in_database(bot: BotProcess) -> dict[str, dict[str, int]]:
    """Each voter's dots by theme name, as the database holds them: a count per voter and theme
    (a `count` column), a signed row per press, or one row per dot."""
    columns = {str(row[1]) for row in bot.query("PRAGMA table_info(dots)")}
    signed = next((c for c in ("count", "change", "delta", "sign") if c in columns), None)
    amount = f"SUM(d.{signed})" if signed else "COUNT(*)"
    rows = bot.query(
        f"SELECT d.voter, t.name, {amount} FROM dots d JOIN themes t ON t.id = d.theme_id"
        " GROUP BY d.voter, t.name"
    )
    found: dict[str, dict[str, int]] = {}
    for voter, name, count in rows:
        if int(str(count)):
            found.setdefault(str(voter), {})[str(name)] = int(str(count))
    return found


DOT_LINE = re.compile(r"(\d+)\. (.+?)(?: \((.+)\))? ?(●*)$")


def dots_on_card(card: BotMessage) -> dict[str, int]:
    """The reader's own dots by theme, as their dot card shows them."""
    shown = {}
    for line in card.text.splitlines():
        found = DOT_LINE.fullmatch(line.rstrip())
        if found and found.group(4):
            shown[found.group(2)] = len(found.group(4))
    return shown


def number_of(card: BotMessage, theme: str) -> str:
    """The number the dot card gives a theme, for its buttons that give and take dots."""
    for line in card.text.splitlines():
        found = DOT_LINE.fullmatch(line.rstrip())
        if found and found.group(2) == theme:
            return found.group(1)
    raise LookupError(f"no theme {theme!r} on the card:\n{card.text}")


def answered(card: BotMessage) -> Callable[[BotMessage], bool]:
    """The card edited from now on, or any new message in its chat: an answer to a press on
    the card (made before the press, so that an answer that comes at once is not missed)."""
    edits = card.edited
    return lambda m: (
        (m.message_id == card.message_id and m.edited > edits) or (m.message_id > card.message_id)
    )


# -- a seminar at its dot vote ------------------------------------------------------------------


async def at_the_dot_vote(api: LocalBotApi) -> tuple[SimUser, list[SimUser], dict[int, BotMessage]]:
    """Three people in one group with their notes sorted into «Tid» and «Tillit», and the dot
    vote open: the moderator, the people, and each person's dot card."""
    mona, seats, _ = await seminar_in_groups(api, 3)
    ((_, people),) = seats.items()
    for person, theme in zip(people, ("Tid", "Tillit"), strict=False):
        assert theme in (await propose_theme(person, theme)).text
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for person in people:
        card = await person.wait_for(is_card)
        for n in range(3):
            theme = ("Tid", "Tillit")[n % 2]
            label = next(x for x in card.button_labels() if theme_on(x) == theme)
            await person.press(card, label)
            card = await person.wait_for(edit_of(card))
    await mona.send("/plenary")
    start = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.press(start, button("nb", "Start the dot vote"))
    cards = {p.id: await p.wait_for(has_button(dot_button(ui(p), 1))) for p in people}
    return mona, people, cards


async def press_dot(person: SimUser, card: BotMessage, theme: str, sign: str = "➕") -> BotMessage:
    edits = card.edited
    await person.press(card, dot_button(ui(person), int(number_of(card, theme)), sign))
    return await person.wait_for(lambda m: m.message_id == card.message_id and m.edited > edits)


# -- a. a press delivered twice -----------------------------------------------------------------


async def test_a_press_delivered_twice_counts_once(api: LocalBotApi, bot: BotProcess) -> None:
    _, (anna, bob, _), cards = await at_the_dot_vote(api)

    # Anna's dot press comes twice before the bot confirms it: in one batch, or in the next.
    update_id = api.next_update_id
    heard = answered(cards[anna.id])
    await anna.press(cards[anna.id], dot_button(ui(anna), int(number_of(cards[anna.id], "Tid"))))
    api.redeliver(update_id)
    await anna.wait_for(heard, timeout=AFTER_A_CRASH)
    await api.wait_idle()
    assert api.handed_out[update_id] >= 2, "the double should have delivered the press twice"
    assert dots_in_database(bot) == {pseudonym(bot, anna): {"Tid": 1}}
    card = anna.bot_messages[cards[anna.id].message_id]
    assert dots_on_card(card) == {"Tid": 1}, card.text
    assert said(ui(anna), "You have {count} dots left.", count=4) in card.text.splitlines()

    # Bob's press is handled and confirmed; Telegram sends it again all the same.
    update_id = api.next_update_id
    card = await press_dot(bob, cards[bob.id], "Tillit")
    await api.wait_idle()
    assert api.pending_updates == []
    api.redeliver(update_id)
    await api.wait_idle()
    assert api.handed_out[update_id] == 2
    assert dots_in_database(bot)[pseudonym(bot, bob)] == {"Tillit": 1}
    assert dots_on_card(bob.bot_messages[card.message_id]) == {"Tillit": 1}


# -- b. a press whose answer was lost in a crash ------------------------------------------------


async def test_a_dot_press_whose_answer_was_lost_in_a_crash_counts_once(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, (anna, *_), cards = await at_the_dot_vote(api)
    card = cards[anna.id]
    heard = answered(card)
    crash = api.crash_at_caused_call(api.next_update_id, bot.kill)
    await anna.press(card, dot_button(ui(anna), int(number_of(card, "Tid"))))
    method, _ = await crash.wait()
    await bot.restart()

    # Anna hears back: her card shows the dot, or a message says what the press did.
    await anna.wait_for(heard, timeout=AFTER_A_CRASH)
    await api.wait_idle()
    assert dots_in_database(bot) == {pseudonym(bot, anna): {"Tid": 1}}, (
        f"the bot was killed at its {method} after the dot was saved; the press must count once"
    )
    card = anna.bot_messages[card.message_id]
    if card.edited:
        assert dots_on_card(card) == {"Tid": 1}, card.text

    # Her next dot is within the budget and taken, and the card is the current one.
    card = await press_dot(anna, card, "Tillit")
    assert dots_on_card(card) == {"Tid": 1, "Tillit": 1}, card.text
    assert said(ui(anna), "You have {count} dots left.", count=3) in card.text.splitlines()
    assert dots_in_database(bot) == {pseudonym(bot, anna): {"Tid": 1, "Tillit": 1}}


# -- c. a note whose answer was lost in a crash -------------------------------------------------


async def test_a_note_whose_answer_was_lost_in_a_crash_is_one_note(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, (anna,) = await seminar_with(api, [("Anna", "nb")])
    crash = api.crash_at_caused_call(api.next_update_id, bot.kill)
    await anna.send("Veilederen ringte tilbake samme dag")
    await crash.wait()
    await bot.restart()
    await anna.wait_for(contains("✓", "Veilederen ringte tilbake"), timeout=AFTER_A_CRASH)
    await api.wait_idle()
    assert bot.query("SELECT text FROM notes") == [("Veilederen ringte tilbake samme dag",)]


# -- d. a whole seminar, killed again and again -------------------------------------------------

TITLE = "Gode møter med Nav"
ANNOUNCEMENT = "Husk: vi tar pause klokka elleve"
# A lower bound of the updates one run of the seminar below makes; the kills are planned among
# them (the test fails if a planned kill never came).
UPDATES_IN_A_RUN = 160


def describe(update: dict[str, Any]) -> str:
    """Who sent the update and what it says or which button it presses, for the list of kills
    a failure prints."""
    kind = next(k for k in update if k != "update_id")
    body = update[kind]
    who = body.get("from", {}).get("first_name", "?")
    if kind == "callback_query":
        rows = body.get("message", {}).get("reply_markup", {}).get("inline_keyboard", [])
        labels = [b["text"] for row in rows for b in row if b.get("callback_data") == body["data"]]
        return f"{who}'s press on {labels[0] if labels else body['data']!r}"
    return f"{who}'s {kind.replace('_', ' ')} {body.get('text', '')[:30]!r}"


class Chaos:
    """Kills the bot at the moments a seeded plan chose, and brings it back each time.

    The plan names updates by their place in the run (the 1st, 2nd, ... update queued): the bot
    is killed at the first Bot API call each of them causes. `at_next_update` adds a kill at the
    next update, `at_call` one at the nth call of a method, in the middle of a broadcast. The
    double runs the crash: SIGKILL, then the bot started again.
    """

    def __init__(self, api: LocalBotApi, bot: BotProcess, planned: set[int]) -> None:
        self.api = api
        self.bot = bot
        self.planned = planned
        self.queued = 0
        self.kills: list[str] = []
        self._next: str | None = None
        self._points: list[tuple[CrashPoint, str]] = []
        self._lock = asyncio.Lock()
        api.on_update(self._queued)

    def _queued(self, update: dict[str, Any]) -> None:
        self.queued += 1
        if self.queued in self.planned and self._next is not None:
            # Two kills chose this update: the planned one moves to the next free update.
            self.planned.add(min(set(range(self.queued + 1, self.queued + 99)) - self.planned))
        if self.queued in self.planned or self._next is not None:
            why = f"update {self.queued}, {describe(update)}{self._next or ''},"
            self._next = None
            self._arm(lambda crash: self.api.crash_at_caused_call(update["update_id"], crash), why)

    def at_next_update(self, why: str) -> None:
        self._next = f" ({why})"

    def at_call(self, method: str, nth: int, why: str) -> None:
        self._arm(lambda crash: self.api.crash_at_call(method, nth, crash), why)

    def _arm(self, make: Callable[[Callable[[], Awaitable[None]]], CrashPoint], why: str) -> None:
        made: list[CrashPoint] = []
        made.append(make(lambda: self._crash(made[0], why)))
        self._points.append((made[0], why))

    async def _crash(self, point: CrashPoint, why: str) -> None:
        victim = self.bot.process  # the process that made the call
        async with self._lock:
            if victim is not self.bot.process or victim is None or victim.returncode is not None:
                self.kills.append(f"{why} (the kill just before)")  # a call that kill held up
                return
            await self.bot.kill()
            assert point.call is not None
            self.kills.append(f"{why} at its {point.call[0]}")
            await self.bot.restart()

    async def wait(
        self, chat: SimChat, predicate: Callable[[BotMessage], bool], what: str
    ) -> BotMessage:
        """The bot's answer, which may come after a kill and a restart."""
        try:
            return await chat.wait_for(predicate, timeout=AFTER_A_CRASH)
        except TimeoutError as exc:
            raise AssertionError(
                f"{chat.title} never saw {what}; the kills so far:\n  "
                + "\n  ".join(self.kills)
                + "\nthe bot's last lines:\n"
                + "".join(self.bot.logs[-25:])
            ) from exc

    async def finish(self) -> list[str]:
        """Stops killing, once the bot is back from the last kill; returns the planned kills
        that never came."""
        for point, _ in self._points:
            if point.fired:
                await point.wait(timeout=AFTER_A_CRASH)
            else:
                self.api.disarm(point)
        async with self._lock:
            assert self.bot.process is not None
            assert self.bot.process.returncode is None
        never = [why for point, why in self._points if not point.fired]
        return never + [
            f"update {n} (the run had {self.queued})"
            for n in sorted(self.planned)
            if n > self.queued
        ]


class CrashRun:
    """One seminar from /new to the report, driven one step at a time, with the bot killed at
    the moments Chaos chose; it keeps what everybody was told and what they did."""

    def __init__(
        self, api: LocalBotApi, bot: BotProcess, chaos: Chaos, rng: random.Random, dot_kills: int
    ) -> None:
        self.api = api
        self.bot = bot
        self.chaos = chaos
        self.rng = rng
        # Which dot presses (the 1st, 2nd, ... of the run) the bot is killed at: every person
        # presses at least once, so the first PEOPLE presses are there in every run.
        self.dot_kills = set(rng.sample(range(1, PEOPLE + 1), dot_kills))
        self.presses = 0
        self.mona = api.user("Mona Moderator", language_code="nb", username="mona_mod")
        self.room = api.group("Seminarrommet", members=[self.mona], admins=[self.mona])
        self.people = [
            api.user(f"Deltaker {i:02d}", language_code="nb" if i % 2 else "en")
            for i in range(PEOPLE)
        ]
        self.confirmed: list[str] = []  # notes whose ✓ their writer saw (or the paper note's)
        self.seats: dict[str, list[SimUser]] = {}
        self.themes: dict[str, list[str]] = {}  # group name -> its themes
        self.dots: dict[int, dict[str, int]] = {}  # person -> theme -> dots they gave
        self.cards: dict[int, BotMessage] = {}
        self.shown: dict[int, dict[str, int]] = {}  # person -> their dots as their card shows

    async def wait(
        self, chat: SimChat, predicate: Callable[[BotMessage], bool], what: str
    ) -> BotMessage:
        return await self.chaos.wait(chat, predicate, what)

    async def press(
        self, person: SimUser, message: BotMessage, label: str, what: str, *, edit: bool = False
    ) -> BotMessage:
        """Presses a button and waits for its message to change (with edit) or for either
        that or a new message."""
        heard = edit_of(message) if edit else answered(message)
        await person.press(message, label)
        return await self.wait(person, heard, f"an answer to {what}")

    # -- the answer round ------------------------------------------------------------------

    async def create_and_join(self) -> None:
        mona = self.mona
        await mona.send("/new")
        await self.wait(mona, has_button(button("nb", "Cancel")), "the question for a title")
        await mona.send(TITLE)
        name = "Norsk (bokmål)"
        choice = await self.wait(mona, has_button(name), "the languages")
        await self.press(mona, choice, name, "the language")
        questions = await self.wait(
            mona, has_button(button("nb", "Use these questions")), "the questions"
        )
        await mona.press(questions, button("nb", "Use these questions"))
        created = await self.wait(mona, contains("https://t.me/"), "the invitation")
        code = created.text.split("?start=")[1].split()[0]
        await self.room.send(mona, "/bind")
        await self.wait(self.room, contains(TITLE), "the room bound")
        for person in self.people:
            await person.send(f"/start {code}")
            welcome = await self.wait(person, has_button("English"), "the welcome")
            agree = button(ui(person), "✅ I agree, let me take part")
            await self.press(person, welcome, agree, "the consent")

    async def answer_round(self) -> None:
        mona = self.mona
        await mona.send("/open")
        await self.wait(mona, has_button(button("nb", "Close the answer round")), "/open")
        for person in self.people:
            await self.wait(person, has_button(button(ui(person), "Next question ▶")), "question 1")
        saved = {}
        for i, person in enumerate(self.people):
            saved[person.id] = await self.note(person, f"God erfaring nummer {i:02d}")
        # A second note, and an edit with Telegram's own edit.
        await self.note(self.people[0], "Møtet var godt forberedt")
        writer = self.people[1]
        sent = next(
            m for m in writer.messages.values() if m.get("text") == "God erfaring nummer 01"
        )
        await writer.edit(sent["message_id"], "God erfaring nummer 01, rettet")
        await self.wait(writer, contains("God erfaring nummer 01, rettet"), "the edited note")
        self.confirmed[self.confirmed.index("God erfaring nummer 01")] = (
            "God erfaring nummer 01, rettet"
        )
        # A note written on paper, typed in by the moderator.
        await mona.send("/paper")
        paper = await self.wait(mona, has_button(button("nb", "Done")), "/paper")
        await mona.send("Skrevet på papir: god veileder")
        await self.wait(
            mona,
            contains(
                said_n(
                    "nb",
                    "Saved for question {number}. {count} paper note so far.",
                    "Saved for question {number}. {count} paper notes so far.",
                    1,
                    number=1,
                )
            ),
            "the paper note saved",
        )
        self.confirmed.append("Skrevet på papir: god veileder")
        await self.press(mona, paper, button("nb", "Done"), "Done")
        # Two people go on to question 2.
        for i, person in enumerate(self.people[2:4], start=2):
            second = said(ui(person), "<b>Question {number} of {total}</b>", number=2, total=2)
            await person.press(saved[person.id], button(ui(person), "Next question ▶"))
            await self.wait(person, contains(second), "question 2")
            await self.note(person, f"Det som gjorde det godt, nummer {i:02d}")
        await mona.send("/close")
        await self.wait(mona, contains("God erfaring nummer 00"), "the round's summary")
        for person in self.people:
            together = said_n(
                ui(person),
                "Together you wrote {count} note:",
                "Together you wrote {count} notes:",
                len(self.confirmed),
            )
            await self.wait(person, contains(together), "the thanks for the round")

    async def propose(self, person: SimUser, theme: str) -> None:
        """«New theme» on the group's list, then the theme's name."""
        label = button(ui(person), "New theme")
        await self.press(person, newest_with(person, label), label, "«New theme»")
        await person.send(theme)
        await self.wait(person, contains(theme), f"the theme «{theme}» added")

    async def note(self, person: SimUser, text: str) -> BotMessage:
        await person.send(text)
        saved = await self.wait(person, contains("✓", text), f"✓ for «{text}»")
        self.confirmed.append(text)
        return saved

    # -- the group work --------------------------------------------------------------------

    async def groups_and_themes(self) -> None:
        mona = self.mona
        await mona.send("/groups")
        formed = await self.wait(
            mona, has_button(button("nb", "Show the notes to the groups")), "the groups"
        )
        for person in self.people:
            seated = await self.wait(person, lambda m: bool(GROUP_NAME.search(m.text)), "a seat")
            found = GROUP_NAME.search(seated.text)
            assert found is not None
            self.seats.setdefault(found.group(0), []).append(person)
        self.seats = dict(sorted(self.seats.items()))
        first = next(iter(self.seats))
        placed = said_n(
            "nb",
            "{count} paper note goes to {group}.",
            "{count} paper notes go to {group}.",
            1,
            group=group_called("nb", first),
        )
        await mona.press(
            formed,
            button("nb", "Give the paper notes to {group}").format(group=group_called("nb", first)),
        )
        await self.wait(mona, contains(placed), "the paper note placed")
        await self.press(mona, formed, button("nb", "Show the notes to the groups"), "Show")
        for members in self.seats.values():
            for person in members:
                await self.wait(person, contains("1. "), "the group's notes")
        names = (("Relasjon", "Tid"), ("Kunnskap", "Respekt"))
        for (group, members), themes in zip(self.seats.items(), names, strict=True):
            self.themes[group] = list(themes)
            for person, theme in zip(members, themes, strict=False):
                await self.propose(person, theme)

    async def sorting(self) -> None:
        """Everybody sorts their group's notes, every note but the paper one; the theme is
        decided by the note's place, so the votes agree and no tie needs settling."""
        mona = self.mona
        await mona.send("/vote")
        await self.wait(mona, has_button(button("nb", "Start the plenary")), "/vote")
        cards = {}
        for person in self.people:
            cards[person.id] = await self.wait(person, is_card, "the vote card")
        for group, members in self.seats.items():
            themes = self.themes[group]
            for person in members:
                card = cards[person.id]
                while True:
                    header, note = card.text.splitlines()[:2]
                    place = re.search(r"· \D*(\d+)", header)
                    assert place is not None, card.text
                    following = button(ui(person), "Next note ▶")
                    last = following not in card.button_labels()
                    if note.startswith("Skrevet på papir"):
                        if last:
                            break
                        card = await self.press(person, card, following, "the next note", edit=True)
                        continue
                    theme = themes[int(place.group(1)) % len(themes)]
                    label = next(x for x in card.button_labels() if theme_on(x) == theme)
                    card = await self.press(person, card, label, f"a vote for «{theme}»", edit=True)
                    if last:
                        break
        await mona.send("/moderate")
        settle = await self.wait(mona, has_button(button("nb", "Leave it unsorted")), "/moderate")
        while settle.buttons:
            theme = settle.button_labels()[0]
            settle = await self.press(mona, settle, theme, "a note settled", edit=True)

    # -- plenary, dots, the scheduled close -----------------------------------------------

    async def plenary_and_dots(self) -> None:
        mona = self.mona
        # The plenary goes to the room and to everyone: killed in the middle of it.
        self.chaos.at_call("sendMessage", self.rng.randint(3, PEOPLE), "the plenary broadcast")
        await mona.send("/plenary")
        start = await self.wait(mona, has_button(button("nb", "Start the dot vote")), "/plenary")
        for chat in (self.room, *self.people):
            language = ui(chat) if isinstance(chat, SimUser) else "nb"
            plenary = said(language, "<b>Plenary: {title}</b>", title=TITLE)
            await self.wait(chat, contains(plenary), "the plenary")
        await self.press(mona, start, button("nb", "Start the dot vote"), "Start the dot vote")
        themes = [theme for names in self.themes.values() for theme in names]
        for person in self.people:
            self.cards[person.id] = await self.wait(
                person, has_button(dot_button(ui(person), 1)), "the dot card"
            )
            self.dots[person.id] = {}
        # Each person gives one to three dots, two at most on a theme, and some take one back:
        # the budget (5) and the most on a theme (3) refuse none of it, even a press counted
        # twice.
        for person in self.people:
            mine = self.dots[person.id]
            for theme in self.rng.sample(themes, self.rng.randint(1, 3)):
                await self.dot(person, theme, "➕")
                if sum(mine.values()) < 3 and self.rng.random() < 0.3:
                    await self.dot(person, theme, "➕")
            if self.rng.random() < 0.3:
                await self.dot(person, self.rng.choice(sorted(mine)), "➖")

    async def dot(self, person: SimUser, theme: str, sign: str) -> None:
        card = self.cards[person.id]
        edited = edit_of(card)
        self.presses += 1
        if self.presses in self.dot_kills:
            self.chaos.at_next_update(f"dot press {self.presses}")
        await person.press(card, dot_button(ui(person), int(number_of(card, theme)), sign))
        self.cards[person.id] = card = await self.wait(
            person, edited, f"the dot card after {sign} {theme}"
        )
        mine = self.dots[person.id]
        mine[theme] = mine.get(theme, 0) + (1 if sign == "➕" else -1)
        if not mine[theme]:
            del mine[theme]
        self.shown[person.id] = dots_on_card(card)

    async def scheduled_close(self) -> None:
        """The moderator schedules the close of the dot vote; the ranking goes out on time,
        and the bot is killed in the middle of it."""
        mona = self.mona
        await mona.send("/schedule")
        close = "⏰ " + text("nb", "Close the current step")
        menu = await self.wait(mona, has_button(close), "the schedule menu")
        await self.press(mona, menu, close, "Close the current step")
        await mona.send("om 10 minutter")
        planned = pattern(
            "nb", "Scheduled: {what}, {when}.", what=text("nb", "Close the current step")
        )
        await self.wait(mona, lambda m: bool(planned.search(m.text)), "the close scheduled")
        self.chaos.at_call("sendMessage", self.rng.randint(2, PEOPLE), "the ranking broadcast")
        self.bot.advance_clock(11 * 60)
        head = said("nb", "<b>The themes of {title}, ranked by dots</b>", title=TITLE)
        await self.wait(self.room, contains(head), "the ranking")
        for person in self.people:
            ranked = said(ui(person), "<b>The themes of {title}, ranked by dots</b>", title=TITLE)
            await self.wait(person, contains(ranked), "the ranking")

    # -- the read-back, an announcement, the report ---------------------------------------

    async def read_back_announce_report(self) -> None:
        mona = self.mona
        await mona.send("/check")
        for n, person in enumerate(self.people):
            language = ui(person)
            recognised = button(language, "Theme {number}: yes, I recognise this").format(number=1)
            missing = button(language, "Theme {number}: something is missing").format(number=1)
            asked = await self.wait(person, has_button(recognised), "the read-back")
            if n % 4:
                await person.press(asked, recognised)
                await self.wait(
                    person,
                    saying(
                        language,
                        "Thank you! You recognise theme {number}. You can change your answer.",
                    ),
                    "the thanks",
                )
                continue
            await person.press(asked, missing)
            await self.wait(
                person,
                saying(
                    language,
                    "Thank you. What is missing in theme {number}? Write it in a message, in "
                    "your own words.",
                ),
                "the question what is missing",
            )
            await person.send(f"Det mangler noe om ventetid, sier nummer {n:02d}")
            await self.wait(
                person,
                saying(
                    language,
                    "Thank you. It is saved for the report, for theme {number}, without your name.",
                ),
                "the thanks for what is missing",
            )
        self.chaos.at_call("sendMessage", self.rng.randint(2, PEOPLE - 1), "the announcement")
        await mona.send(f"/announce {ANNOUNCEMENT}")
        await self.wait(
            mona,
            contains(
                said_n(
                    "nb", "Sent to {count} participant.", "Sent to {count} participants.", PEOPLE
                )
            ),
            "the announcement sent",
        )
        for chat in (*self.people, self.room):
            await self.wait(chat, contains(ANNOUNCEMENT), "the announcement")
        await mona.send("/report")
        await self.wait(
            mona, lambda m: m.kind == "document" and m.file_name == "report.html", "the report"
        )

    # -- what must hold at the end ---------------------------------------------------------

    def broadcasts(self) -> dict[str, tuple[list[SimChat], Callable[[SimChat], str]]]:
        """Every broadcast checked: who must have it, and a line only it has (per reader)."""

        def in_language(msgid: str) -> Callable[[SimChat], str]:
            def line(chat: SimChat) -> str:
                language = ui(chat) if isinstance(chat, SimUser) else "nb"
                return said(language, msgid, title=TITLE)

            return line

        everyone: list[SimChat] = [*self.people]
        return {
            "the plenary": ([*everyone, self.room], in_language("<b>Plenary: {title}</b>")),
            "the dot card": (everyone, in_language("<b>Dot vote: {title}</b>")),
            "the ranking": (
                [*everyone, self.room],
                in_language("<b>The themes of {title}, ranked by dots</b>"),
            ),
            "the announcement": ([*everyone, self.room], lambda _: ANNOUNCEMENT),
        }

    @staticmethod
    def received(chat: SimChat, line: str) -> int:
        """How many messages (not edits) the chat got that say this."""
        return sum(1 for m in chat.inbox if line in m.text)

    async def drained(self) -> None:
        """Until every broadcast reached everyone and the bot has nothing left to do."""
        for what, (chats, line) in self.broadcasts().items():
            for chat in chats:
                expected = line(chat)
                try:
                    await wait_until(
                        lambda chat=chat, expected=expected: self.received(chat, expected) > 0,
                        AFTER_A_CRASH,
                    )
                except TimeoutError:
                    raise AssertionError(f"{chat.title} never got {what}") from None
        await self.api.wait_idle(quiet=1.5, timeout=60)


PEOPLE = 10
FIXED_SEED = 20261203


async def test_a_seminar_killed_at_random_moments_loses_nothing_and_counts_nothing_twice(
    api: LocalBotApi, bot: BotProcess
) -> None:
    # `make test` runs one fixed seed, so its result is the same every time; `make chaos` gives
    # fresh ones.
    seed = int(os.environ.get("CRASH_SEED") or FIXED_SEED)
    kills = int(os.environ.get("CRASH_KILLS") or 20)
    print(f"crash seed={seed} kills={kills}")
    rng = random.Random(seed)
    # Three kills in the middle of broadcasts (the plenary, the scheduled ranking, the
    # announcement), one in ten (two at least) at dot presses, the others at the first call
    # caused by updates chosen among all of the run's.
    dot_kills = min(PEOPLE, max(2, kills // 10))
    planned = set(rng.sample(range(1, UPDATES_IN_A_RUN + 1), max(0, kills - 3 - dot_kills)))
    chaos = Chaos(api, bot, planned)
    run = CrashRun(api, bot, chaos, rng, dot_kills)
    await run.create_and_join()
    await run.answer_round()
    await run.groups_and_themes()
    await run.sorting()
    await run.plenary_and_dots()
    await run.scheduled_close()
    await run.read_back_announce_report()
    never = await chaos.finish()
    await run.drained()
    print(f"crash seed={seed}: {len(chaos.kills)} kills among {chaos.queued} updates")
    replay = f"(replay with CRASH_SEED={seed} CRASH_KILLS={kills}); the kills:\n  " + "\n  ".join(
        chaos.kills
    )
    assert not never, f"planned kills that never came: {never} {replay}"
    assert len(chaos.kills) >= kills, replay

    # Every note whose ✓ its writer saw is there, once.
    held = Counter(str(row[0]) for row in bot.query("SELECT text FROM notes"))
    assert {note: held[note] for note in run.confirmed} == dict.fromkeys(run.confirmed, 1), (
        f"notes lost or doubled {replay}"
    )
    assert set(held) == set(run.confirmed), f"notes nobody saw confirmed {replay}"

    # Each dot press counted once: in the database, on each person's card, in the ranking.
    names = {pseudonym(bot, person): person.title for person in run.people}
    stored = {names.get(voter, voter): dots for voter, dots in dots_in_database(bot).items()}
    pressed = {person.title: run.dots[person.id] for person in run.people if run.dots[person.id]}
    assert stored == pressed, f"the dots in the database are not the presses made {replay}"
    seen = {p.title: run.shown.get(p.id, {}) for p in run.people if run.shown.get(p.id)}
    assert seen == pressed, f"the dots the cards show are not the presses made {replay}"
    totals: Counter[str] = Counter()
    for dots in pressed.values():
        totals.update(dots)
    ranking = next(
        m
        for m in run.room.inbox
        if said("nb", "<b>The themes of {title}, ranked by dots</b>", title=TITLE) in m.text
    )
    posted = {}
    for line in ranking.text.splitlines():
        found = re.fullmatch(r"\d+\. (.+) \(.+\): (\d+) .*", line)
        if found:
            posted[found.group(1)] = int(found.group(2))
    counted: Counter[str] = Counter()
    for dots in stored.values():
        counted.update(dots)
    assert {k: v for k, v in posted.items() if v} == dict(counted), (ranking.text, replay)
    assert counted == totals, replay

    # Every broadcast reached everyone; only a message in flight at a kill may come twice.
    twice = {
        (what, chat.title): n
        for what, (chats, line) in run.broadcasts().items()
        for chat in chats
        if (n := run.received(chat, line(chat))) > 1
    }
    assert sum(n - 1 for n in twice.values()) <= len(chaos.kills), f"{twice} {replay}"

    # No run of the bot logged an error or a traceback (a press answered too late is INFO).
    assert not bot.failures(), "".join(bot.failures()[:20]) + replay
