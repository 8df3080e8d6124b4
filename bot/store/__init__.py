"""All SQL lives in this package: two aiosqlite connections (a writer and a read-only reader), WAL,
versioned migrations; `Store` puts together one class of methods per feature of the seminar.

Anonymity is a property of the schema: the tables that know people (users, members) never hold
a note or a pseudonym, and the tables that hold notes (writers, notes) know only keyed
pseudonyms. No table holds a Telegram id in the clear: a column that finds a person or a chat
holds its keyed lookup hash, and one the bot must reach it by holds the id sealed (`vault.py`);
both are made and opened here, so the rest of the bot deals in plain ids. Rows that could betray
an order (writers, members) have no rowid, and note ids are random.
"""

from __future__ import annotations

from bot.store.broadcasts import BroadcastStore
from bot.store.closing import ClosingStore
from bot.store.core import AlreadyHandled, SecretMismatch
from bot.store.followup import FollowUpStore
from bot.store.groups import GroupsStore
from bot.store.hearing import HearingStore
from bot.store.members import MembersStore
from bot.store.notes import NotesStore
from bot.store.offices import OfficesStore
from bot.store.plenary import PlenaryStore
from bot.store.progress import ProgressStore
from bot.store.questions import QuestionsStore
from bot.store.rekeying import Rekeyed, RekeyingStore
from bot.store.schedules import ScheduleStore
from bot.store.seminars import SeminarsStore
from bot.store.series import SeriesStore
from bot.store.team import TeamStore
from bot.store.themes import ThemesStore
from bot.store.users import UsersStore
from bot.store.writers import WritersStore

__all__ = [
    "AlreadyHandled",
    "BroadcastStore",
    "Rekeyed",
    "ScheduleStore",
    "SecretMismatch",
    "Store",
]


class Store(
    UsersStore,
    SeminarsStore,
    MembersStore,
    NotesStore,
    WritersStore,
    TeamStore,
    GroupsStore,
    ThemesStore,
    PlenaryStore,
    ClosingStore,
    ProgressStore,
    RekeyingStore,
    QuestionsStore,
    OfficesStore,
    SeriesStore,
    FollowUpStore,
    HearingStore,
):
    """The bot's only door to SQLite.

    A transaction is the unit of change: the one an update runs in holds every write the update
    causes and the record that it was handled, so a crash keeps both or neither. Store methods
    called inside it join it; called outside one, each write is its own transaction.
    """
