"""The order updates are handled in: people side by side, each person's own in order, and a
moderator's update alone between the ones before and after it; nobody else's ever alone."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Update

from bot.callbacks import Action, Button, CallbackCodec
from bot.handlers.table import COMMANDS, SHARING
from bot.keys import Keyring
from bot.lanes import NOBODY, Lanes, lane_of

# Commands a participant uses for themselves, and those that may change a seminar for everyone
# (a moderator's run alone): the route tables must say the same.
PERSONAL_COMMANDS = frozenset(
    {
        "/start",
        "/help",
        "/language",
        "/privacy",
        "/notes",
        "/forget",
        "/cockpit",
        "/ask",
        "/questions",
        "/series",
        "/followup",
    }
)
SHARED_COMMANDS = frozenset(
    {
        "/new", "/invite", "/open", "/close", "/groups", "/moderate", "/themes", "/plenary",
        "/moderators", "/seminars", "/announce", "/paper", "/done", "/bind", "/check",
        "/report", "/schedule", "/summary", "/vote", "/close_dots", "/end", "/translate", "/office_email",
    }
)  # fmt: skip

CODEC = CallbackCodec(Keyring(b"lanes-test-secret-0123456789"))
_ids = iter(range(1, 10_000))
MODERATOR = 9


def moderates(person: int) -> bool:
    """Person 9 moderates a seminar; everybody else takes part, or is a stranger."""
    return person == MODERATOR


def message(user: int, text: str, chat_type: str = "private") -> Update:
    chat = {"id": user if chat_type == "private" else -100, "type": chat_type}
    data: dict[str, Any] = {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": 0,
            "chat": chat,
            "from": {"id": user, "is_bot": False, "first_name": f"P{user}"},
            "text": text,
        },
    }
    return Update.de_json(data, None)


def press(user: int, data: str) -> Update:
    return Update.de_json(
        {
            "update_id": next(_ids),
            "callback_query": {
                "id": str(next(_ids)),
                "from": {"id": user, "is_bot": False, "first_name": f"P{user}"},
                "chat_instance": "ci",
                "data": data,
            },
        },
        None,
    )


@pytest.mark.parametrize("person", [7, MODERATOR])
def test_own_updates_get_their_senders_lane(person: int) -> None:
    assert lane_of(message(person, "Min veileder hørte på meg"), moderates, SHARING) == person
    assert lane_of(message(person, "/start abc123"), moderates, SHARING) == person
    assert lane_of(message(person, "/notes@seminar_bot"), moderates, SHARING) == person
    assert (
        lane_of(press(person, CODEC.pack(Button(Action.VOTE, (1, 2, 0)))), moderates, SHARING)
        == person
    )
    assert (
        lane_of(press(person, CODEC.pack(Button(Action.DOT, (1, 2, 1, 0)))), moderates, SHARING)
        == person
    )
    assert lane_of(message(person, "hei alle", chat_type="group"), moderates, SHARING) == person


def test_what_a_moderator_may_change_for_everyone_runs_alone() -> None:
    assert lane_of(message(MODERATOR, "/open"), moderates, SHARING) is None
    assert lane_of(message(MODERATOR, "/plenary 3"), moderates, SHARING) is None
    assert lane_of(message(MODERATOR, "/bind", chat_type="supergroup"), moderates, SHARING) is None
    assert lane_of(message(MODERATOR, "/report", chat_type="group"), moderates, SHARING) is None
    open_voting = CODEC.pack(Button(Action.OPEN_VOTING, (1,)))
    assert lane_of(press(MODERATOR, open_voting), moderates, SHARING) is None
    assert (
        lane_of(press(MODERATOR, CODEC.pack(Button(Action.CLOSE_DOTS, (1,)))), moderates, SHARING)
        is None
    )


def test_nobody_but_a_moderator_runs_alone() -> None:
    assert lane_of(message(7, "/open"), moderates, SHARING) == 7
    assert lane_of(message(7, "/no_such_command"), moderates, SHARING) == 7
    assert lane_of(message(7, "/bind", chat_type="supergroup"), moderates, SHARING) == 7
    assert lane_of(press(7, CODEC.pack(Button(Action.CLOSE_DOTS, (1,)))), moderates, SHARING) == 7


def test_an_update_without_a_sender_gets_a_lane_of_its_own() -> None:
    update = Update.de_json({"update_id": next(_ids)}, None)
    assert lane_of(update, moderates, SHARING) == NOBODY


@pytest.mark.parametrize("data", ["", "garbage", "9v:1.abc", "1??:1.abc", "1v"])
def test_button_data_that_names_no_action_runs_in_its_senders_lane(data: str) -> None:
    """Anybody can become a moderator with /new: made-up buttons and commands from one must not
    make everybody else wait."""
    assert lane_of(press(MODERATOR, data), moderates, SHARING) == MODERATOR
    assert lane_of(press(7, data), moderates, SHARING) == 7


def test_a_moderators_unknown_commands_run_in_their_own_lane() -> None:
    assert lane_of(message(MODERATOR, "/no_such_command"), moderates, SHARING) == MODERATOR
    assert lane_of(message(MODERATOR, "/notes", chat_type="group"), moderates, SHARING) == MODERATOR


def test_every_command_the_bot_has_is_either_personal_or_shared() -> None:
    commands = {f"/{name}" for name in COMMANDS}
    assert commands == PERSONAL_COMMANDS | SHARED_COMMANDS
    assert not PERSONAL_COMMANDS & SHARED_COMMANDS
    assert SHARING.commands == SHARED_COMMANDS


class Recorder:
    """A handler that records starts and ends and holds chosen updates until released."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.gates: dict[int, asyncio.Event] = {}

    def hold(self, update: Update) -> asyncio.Event:
        gate = asyncio.Event()
        self.gates[update.update_id] = gate
        return gate

    async def __call__(self, update: Update) -> None:
        name = self.name(update)
        self.events.append(f"start {name}")
        gate = self.gates.get(update.update_id)
        if gate is not None:
            await gate.wait()
        self.events.append(f"end {name}")

    @staticmethod
    def name(update: Update) -> str:
        assert update.effective_message is not None
        return str(update.effective_message.text)


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_different_people_go_side_by_side() -> None:
    handler = Recorder()
    lanes = Lanes(handler, moderates, SHARING)
    slow = message(1, "a1")
    gate = handler.hold(slow)
    first = lanes.submit(slow)
    second = lanes.submit(message(2, "b1"))
    await second
    assert handler.events == ["start a1", "start b1", "end b1"]
    gate.set()
    await first
    assert handler.events[-1] == "end a1"


async def test_one_persons_updates_keep_their_order() -> None:
    handler = Recorder()
    lanes = Lanes(handler, moderates, SHARING)
    slow = message(1, "a1")
    gate = handler.hold(slow)
    tasks = [lanes.submit(slow), lanes.submit(message(1, "a2")), lanes.submit(message(2, "b1"))]
    await settle()
    assert "start a2" not in handler.events
    assert "end b1" in handler.events
    gate.set()
    await asyncio.gather(*tasks)
    assert handler.events.index("end a1") < handler.events.index("start a2")


async def test_a_moderators_update_waits_for_earlier_ones_and_holds_later_ones() -> None:
    handler = Recorder()
    lanes = Lanes(handler, moderates, SHARING)
    note = message(1, "a1")
    gate_note = handler.hold(note)
    close = message(MODERATOR, "/close")
    gate_close = handler.hold(close)
    tasks = [lanes.submit(note), lanes.submit(close), lanes.submit(message(2, "b1"))]
    await settle()
    assert handler.events == ["start a1"]
    gate_note.set()
    await settle()
    assert handler.events == ["start a1", "end a1", "start /close"]
    gate_close.set()
    await asyncio.gather(*tasks)
    assert handler.events[-2:] == ["start b1", "end b1"]


async def test_a_failing_update_does_not_hold_up_the_next() -> None:
    seen: list[str] = []

    async def handler(update: Update) -> None:
        text = Recorder.name(update)
        seen.append(text)
        if text == "a1":
            raise RuntimeError("boom")

    lanes = Lanes(handler, moderates, SHARING)
    failing = lanes.submit(message(1, "a1"))
    after = lanes.submit(message(1, "a2"))
    with pytest.raises(RuntimeError):
        await failing
    await after
    assert seen == ["a1", "a2"]


async def test_a_strangers_command_holds_up_nobody_else() -> None:
    handler = Recorder()
    lanes = Lanes(handler, moderates, SHARING)
    stranger = message(7, "/open")
    gate = handler.hold(stranger)
    tasks = [lanes.submit(stranger), lanes.submit(message(2, "b1"))]
    await tasks[1]
    assert handler.events == ["start /open", "start b1", "end b1"]
    gate.set()
    await tasks[0]
