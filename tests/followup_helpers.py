"""A series with a proposal under follow-up, seeded into the bot's database, and the office's
page reached over HTTP as the office's browser would (through the reverse proxy)."""

from __future__ import annotations

import json
import re
import socket

from harness import BotProcess, button, contains, create_seminar, has_button

from localapi import SimUser
from localapi.sim import BotMessage

PUBLIC = "https://office.example.org"
USERS_THEME = "Å bli sett og trodd på"
STAFF_THEME = "Tid til samtalen"
PROPOSAL = "Fast kontaktperson som ringer tilbake"
QUOTE = "Ring meg tilbake samme dag & si hvem du er"
LINK = re.compile(r"https://office\.example\.org/followup/([0-9a-z]+\.[A-Za-z0-9_-]{22})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def page_config(port: int, link_days: int = 7) -> str:
    return (
        f'[followup]\npublic_url = "{PUBLIC}"\npage_listen = "127.0.0.1"\n'
        f"page_port = {port}\nlink_days = {link_days}\n"
    )


def seed_followup(bot: BotProcess) -> tuple[int, int]:
    """A users' theme, a staff theme and a joint seminar's proposal answering both, under
    follow-up, in the series of the newest seminar; returns (series id, proposal id)."""
    series_id = int(str(bot.query("SELECT series_id FROM seminars ORDER BY created_at DESC")[0][0]))
    themes = (
        ("users", 1, USERS_THEME, 9, []),
        ("staff", 1, STAFF_THEME, 7, []),
        ("joint", 1, PROPOSAL, 12, [QUOTE]),
    )
    for kind, rank, name, dots, quotes in themes:
        bot.execute(
            "INSERT INTO series_themes (series_id, seminar_id, kind, rank, name, dots, quotes)"
            " VALUES (?, NULL, ?, ?, ?, ?, ?)",
            series_id,
            kind,
            rank,
            name,
            dots,
            json.dumps(quotes, ensure_ascii=False),
        )
    ids = {
        str(name): int(str(tid))
        for tid, name in bot.query(
            "SELECT id, name FROM series_themes WHERE series_id = ?", series_id
        )
    }
    proposal = ids[PROPOSAL]
    bot.execute("INSERT INTO followups (proposal_id) VALUES (?)", proposal)
    for answered in (USERS_THEME, STAFF_THEME):
        bot.execute(
            "INSERT INTO lineage (proposal_id, answers_id) VALUES (?, ?)", proposal, ids[answered]
        )
    return series_id, proposal


async def seminar_with_followup(bot: BotProcess, moderator: SimUser) -> tuple[int, int]:
    await create_seminar(moderator)
    return seed_followup(bot)


async def office_link(moderator: SimUser, port: int) -> tuple[str, BotMessage]:
    """A moderator's /followup and «Make a link for the office»: the link's token, reached on
    the bot's own page port (the reverse proxy's job in production), and the follow-up table
    whose buttons make and stop links."""
    await moderator.send("/followup")
    table = await moderator.wait_for(has_button(button("nb", "Make a link for the office")))
    await moderator.press(table, button("nb", "Make a link for the office"))
    made = await moderator.wait_for(contains("https://office.example.org/followup/"))
    found = LINK.search(made.text)
    assert found is not None
    return f"http://office.example.org:{port}/followup/{found.group(1)}", table
