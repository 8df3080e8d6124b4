"""Issue 12: what an update changes and the record that it was handled commit together, and the
answers go out after that commit. So a press Telegram delivers twice counts once, and a bot
killed at any moment, even between its commit and its answer, loses no answer and counts
nothing twice when it is back.

The kills are planned in the Bot API double (`crash_at_caused_call`, `crash_at_call`): at the
first call an update causes, that is after the bot decided what the update does and before
anybody saw it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from checks import said
from groupwork_helpers import edit_of, seminar_in_groups, ui
from harness import SECRET, BotProcess, button, contains, has_button, seminar_with

from bot.keys import Keyring
from bot.localapi import FloodLimits, LocalBotApi, SimUser
from bot.localapi.sim import BotMessage

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
    return Keyring(SECRET.encode()).pseudonym(int(str(seminar_id)), person.id)


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
    """The number the dot card gives a theme, for its ➕ and ➖ buttons."""
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
        await person.send(theme)
        await person.wait_for(contains(theme))
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for person in people:
        card = await person.wait_for(has_button("🔄"))
        for n in range(3):
            theme = ("Tid", "Tillit")[n % 2]
            label = next(x for x in card.button_labels() if x.removeprefix("✅ ") == theme)
            await person.press(card, label)
            card = await person.wait_for(edit_of(card))
    await mona.send("/plenary")
    start = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.press(start, button("nb", "Start the dot vote"))
    cards = {p.id: await p.wait_for(has_button("➕ 1")) for p in people}
    return mona, people, cards


async def press_dot(person: SimUser, card: BotMessage, theme: str, sign: str = "➕") -> BotMessage:
    edits = card.edited
    await person.press(card, f"{sign} {number_of(card, theme)}")
    return await person.wait_for(lambda m: m.message_id == card.message_id and m.edited > edits)


# -- a. a press delivered twice -----------------------------------------------------------------


async def test_a_press_delivered_twice_counts_once(api: LocalBotApi, bot: BotProcess) -> None:
    _, (anna, bob, _), cards = await at_the_dot_vote(api)

    # Anna's dot press comes twice before the bot confirms it: in one batch, or in the next.
    update_id = api.next_update_id
    heard = answered(cards[anna.id])
    await anna.press(cards[anna.id], f"➕ {number_of(cards[anna.id], 'Tid')}")
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
    await anna.press(card, f"➕ {number_of(card, 'Tid')}")
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
