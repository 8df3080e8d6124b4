"""Updates from different people are handled side by side, each person's in the order sent.

While one person's update waits on Telegram or the database, others' can go ahead; that is
where the bot spends most of its time under load. A person's own updates still run one after
another, so a note never overtakes the button pressed before it. An update that may change the
seminar for everyone (a moderator's command or button, or command in a group chat) runs alone:
after every update that came before it and before any that comes after, so a phase never
moves in the middle of someone's answer. Only moderators can change the seminar for everyone,
so only their updates run alone: whatever anybody else sends (unknown commands, buttons with
forged data, commands in a group) waits only for their own earlier updates, never everybody's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update

from bot.callbacks import Action, peek_action

__all__ = ["NOBODY", "Lanes", "Sharing", "lane_of"]

# The lane of the rare update without a sender: a lane of its own, never alone.
NOBODY = 0


@dataclass(frozen=True, slots=True)
class Sharing:
    """Which updates may change a seminar for everyone, as the route tables declare them
    (`handlers/table.py`): the shared commands, and the buttons that are a person's own (every
    other known button is a moderator's). Any other command, an unknown one included, changes
    nothing shared and runs in its sender's lane, so that somebody who made a seminar of their
    own cannot hold everybody up with made-up commands."""

    commands: frozenset[str]
    personal_buttons: frozenset[Action]


def lane_of(update: Update, may_moderate: Callable[[int], bool], sharing: Sharing) -> int | None:
    """The person whose lane the update runs in, or None when it must run alone.

    `may_moderate` says, without a database read, whether a person moderates any seminar.
    """
    user = update.effective_user
    if user is None:
        return NOBODY
    if _shared(update, sharing) and may_moderate(user.id):
        return None
    return user.id


def _shared(update: Update, sharing: Sharing) -> bool:
    """Whether the update may change a seminar for everyone: a known button that is not a
    person's own, or a shared command. Forged buttons and unknown commands are not."""
    if update.callback_query is not None:
        action = peek_action(update.callback_query.data or "")
        return action is not None and action not in sharing.personal_buttons
    message = update.effective_message
    text = message.text if message is not None else None
    if text is None or not text.startswith("/"):
        # A private text is a note or a step its sender is on; a group's chatter the bot ignores.
        return False
    return text.split(maxsplit=1)[0].split("@", 1)[0] in sharing.commands


class Lanes:
    """Orders updates by the rule above; the order of `submit` calls is the order of arrival."""

    def __init__(
        self,
        handle: Callable[[Update], Awaitable[None]],
        may_moderate: Callable[[int], bool],
        sharing: Sharing,
    ) -> None:
        self._handle = handle
        self._may_moderate = may_moderate
        self._sharing = sharing
        self._last_alone: asyncio.Future[None] | None = None
        self._since_alone: set[asyncio.Future[None]] = set()
        self._last_of: dict[int, asyncio.Future[None]] = {}

    def submit(self, update: Update) -> asyncio.Task[None]:
        """Takes the update's place in line now and handles it when its turn comes."""
        return self._enqueue(
            lane_of(update, self._may_moderate, self._sharing), lambda: self._handle(update)
        )

    def run_alone(self, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        """A scheduled job runs as a moderator's press does: alone, in the order of arrival."""
        return self._enqueue(None, work)

    def _enqueue(
        self, person: int | None, work: Callable[[], Awaitable[None]]
    ) -> asyncio.Task[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if person is None:
            before = [*self._since_alone, *([self._last_alone] if self._last_alone else [])]
            self._last_alone = done
            self._since_alone = set()
        else:
            before = [f for f in (self._last_alone, self._last_of.get(person)) if f is not None]
            self._last_of[person] = done
            self._since_alone.add(done)
        return asyncio.create_task(self._run(work, person, before, done))

    async def _run(
        self,
        work: Callable[[], Awaitable[None]],
        person: int | None,
        before: list[asyncio.Future[None]],
        done: asyncio.Future[None],
    ) -> None:
        try:
            if before:
                await asyncio.wait(before)
            await work()
        finally:
            done.set_result(None)
            if person is not None:
                self._since_alone.discard(done)
                if self._last_of.get(person) is done:
                    del self._last_of[person]
            elif self._last_alone is done:
                self._last_alone = None
