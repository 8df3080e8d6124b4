"""The moderators' team: invitations for co-moderators, their names, and the seminar's owner."""

from __future__ import annotations

from datetime import datetime

from bot.domain import InviteProblem, Moderator, Role
from bot.keys import new_code
from bot.store.core import StoreBase, _first


class TeamStore(StoreBase):
    """Moderators' rows of `members`, and `moderator_invites`."""

    async def create_moderator_invite(self, seminar_id: int, expires_at: datetime) -> str:
        async with self.transaction():
            code = new_code()
            await self._db.execute(
                "INSERT INTO moderator_invites (code, seminar_id, expires_at) VALUES (?, ?, ?)",
                (code, seminar_id, expires_at.isoformat()),
            )
            return code

    async def redeem_moderator_invite(self, code: str, now: datetime) -> int | InviteProblem:
        """Uses an invite once: the seminar it is for, or why it cannot be used."""
        async with self.transaction():
            row = await _first(
                self._db,
                "SELECT seminar_id, expires_at, used FROM moderator_invites WHERE code = ?",
                (code,),
            )
            if row is None:
                return InviteProblem.UNKNOWN
            if row["used"]:
                return InviteProblem.USED
            if datetime.fromisoformat(row["expires_at"]) <= now:
                return InviteProblem.EXPIRED
            cur2 = await self._db.execute(
                "UPDATE moderator_invites SET used = 1 WHERE code = ? AND used = 0", (code,)
            )
            if cur2.rowcount != 1:
                return InviteProblem.USED
            return int(row["seminar_id"])

    async def make_moderator(self, seminar_id: int, tg_id: int, display_name: str) -> None:
        async with self.transaction():
            person = self._vault.lookup(tg_id)
            await self._db.execute(
                "INSERT INTO members (seminar_id, person, chat, role, display_name)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (seminar_id, person) DO UPDATE"
                " SET role = excluded.role, display_name = excluded.display_name",
                (
                    seminar_id,
                    person,
                    self._vault.seal(tg_id),
                    Role.MODERATOR.value,
                    self._vault.seal_text(display_name),
                ),
            )
            self._moderators.add(person)
            await self._db.execute(
                "UPDATE users SET active_seminar_id = ? WHERE person = ?", (seminar_id, person)
            )

    async def moderator_list(self, seminar_id: int) -> list[Moderator]:
        """Every moderator with the name they had when they joined as one ("" for the
        seminar's creator) and whether they own the seminar, by name."""
        rows = await self._db.execute_fetchall(
            "SELECT chat, display_name, owner FROM members WHERE seminar_id = ? AND role = ?",
            (seminar_id, Role.MODERATOR.value),
        )
        vault = self._vault
        listed = [
            Moderator(
                vault.unseal(r[0]),
                vault.unseal_text(r[1]) if r[1] is not None else "",
                bool(r[2]),
            )
            for r in rows
        ]
        return sorted(listed, key=lambda m: m.name)

    async def hand_over_ownership(self, seminar_id: int, tg_id: int) -> bool:
        """Makes this moderator the seminar's only owner, in one statement, so there is never a
        moment without an owner; False (and nothing changed) when they are no moderator."""
        async with self.transaction():
            person = self._vault.lookup(tg_id)
            cur = await self._db.execute(
                "UPDATE members SET owner = (person = ?1) WHERE seminar_id = ?2 AND role = ?3"
                " AND EXISTS (SELECT 1 FROM members WHERE seminar_id = ?2 AND person = ?1"
                " AND role = ?3)",
                (person, seminar_id, Role.MODERATOR.value),
            )
            return cur.rowcount > 0

    async def demote_moderator(self, seminar_id: int, tg_id: int, *, wrote: bool) -> bool:
        """A removed co-moderator who joined as a participant (and so has notes to keep or
        forget) stays one; anybody else leaves the seminar. An owner is never removed."""
        async with self.transaction():
            person = self._vault.lookup(tg_id)
            if wrote:
                cur = await self._db.execute(
                    "UPDATE members SET role = ? WHERE seminar_id = ? AND person = ? AND role = ?"
                    " AND owner = 0",
                    (Role.PARTICIPANT.value, seminar_id, person, Role.MODERATOR.value),
                )
                return cur.rowcount == 1
            cur = await self._db.execute(
                "DELETE FROM members WHERE seminar_id = ? AND person = ? AND role = ?"
                " AND owner = 0",
                (seminar_id, person, Role.MODERATOR.value),
            )
            if cur.rowcount != 1:
                return False
            await self._db.execute(
                "UPDATE users SET active_seminar_id = NULL"
                " WHERE person = ? AND active_seminar_id = ?",
                (person, seminar_id),
            )
            return True
