"""The end of a seminar: read-back, report documents, closing, purge, and the command line."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import sqlite3
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
from checks import said, said_n
from groupwork_helpers import card_themes, edit_of, propose_theme, seminar_in_groups, ui
from harness import ROOT, SECRET, BotProcess, button, contains, has_button, join, saying
from PIL import Image

from bot.i18n import translator
from localapi import LocalBotApi


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.sources: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.sources += [v or "" for k, v in attrs if k in ("src", "href")]


async def test_read_back_report_close_and_purge(api: LocalBotApi, bot: BotProcess) -> None:
    mona, seats, notes = await seminar_in_groups(api, 4, size=4)
    ((_, members),) = seats.items()
    assert "Tillit" in (await propose_theme(members[0], "Tillit")).text
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    # No report while the vote goes on: two reports a press apart would show one person's vote.
    await mona.send("/report")
    await mona.wait_for(
        saying(
            "nb",
            "The report of <b>{title}</b> waits until the vote is over: two reports a few "
            "presses apart could show how one person voted. Ask again when the vote has closed.",
        )
    )
    for person in members:
        card = await person.wait_for(lambda m: "Tillit" in card_themes(m))
        for _ in range(3):
            await person.press(card, next(x for x in card.button_labels() if x.endswith("Tillit")))
            card = await person.wait_for(edit_of(card))
    office = api.group("NAV-kontoret", members=[mona], admins=[mona])
    await office.send(mona, "/bind office")
    await office.wait_for(contains("Gode møter med Nav"))
    await mona.send("/plenary")
    await mona.wait_for(has_button(button("nb", "Start the dot vote")))

    # The read-back: one recognises it, one says something is missing and says what.
    await mona.send("/check")

    def recognised(language: str) -> str:
        return button(language, "Theme {number}: yes, I recognise this").format(number=1)

    def missing(language: str) -> str:
        return button(language, "Theme {number}: something is missing").format(number=1)

    for person in members[:2]:
        await person.wait_for(has_button(recognised(ui(person))))
    first = next(m for m in reversed(members[0].inbox) if m.buttons)
    await members[0].press(first, recognised(ui(members[0])))
    await members[0].wait_for(
        saying(
            ui(members[0]), "Thank you! You recognise theme {number}. You can change your answer."
        )
    )
    second = next(m for m in reversed(members[1].inbox) if m.buttons)
    await members[1].press(second, missing(ui(members[1])))
    await members[1].wait_for(
        saying(
            ui(members[1]),
            "Thank you. What is missing in theme {number}? Write it in a message, in your own "
            "words.",
        )
    )
    await members[1].send("Hvordan det er å vente lenge på svar")
    await members[1].wait_for(
        saying(
            ui(members[1]),
            "Thank you. It is saved for the report, for theme {number}, without your name.",
        )
    )

    # /report: documents to the moderators and the office.
    await mona.send("/report")
    html_doc = await office.wait_for(
        lambda m: m.kind == "document" and m.file_name == "report.html"
    )
    await api.wait_idle()
    files = {m.file_name: m.file_bytes for m in office.inbox if m.kind == "document"}
    assert set(files) == {
        "report.html", "report.docx", "report.xlsx", "notes.csv", "report.json", "chart.png",
    }  # fmt: skip
    page = _Collect()
    page.feed((html_doc.file_bytes or b"").decode("utf-8"))
    shown = " ".join(page.text)
    for note in notes.values():
        assert note in shown
    assert "Tillit" in shown
    assert "Hvordan det er å vente lenge på svar" in shown
    assert not [s for s in page.sources if s.startswith("http")]
    rows = list(csv.DictReader(io.StringIO((files["notes.csv"] or b"").decode("utf-8-sig"))))
    assert len(rows) == 4
    data = json.loads(files["report.json"] or b"{}")
    assert data["read_back"]["recognised"] == 1
    assert data["read_back"]["missing"] == 1
    assert (files["chart.png"] or b"").startswith(b"\x89PNG")
    # The report for people: the summary first, in the HTML, the Word document and the
    # spreadsheet, each opened by the library that reads it.
    html_text = (files["report.html"] or b"").decode("utf-8")
    summary = html_text.split(said("nb", "How the seminar worked"))[0]
    assert said("nb", "Summary") in summary
    assert "Tillit" in summary
    assert not re.search(r"\d:\d\d:\d\d", " ".join(page.text))  # no seconds
    assert "Europe/Oslo" not in " ".join(page.text)
    for note in notes.values():  # each note once, but as a quote in the summary
        assert html_text.split(said("nb", "How the seminar worked"))[1].count(note) == 1
    word = docx.Document(io.BytesIO(files["report.docx"] or b""))
    headings = [p.text for p in word.paragraphs if p.style and p.style.name == "Heading 1"]
    assert headings[:2] == [said("nb", "Summary"), said("nb", "How the seminar worked")]
    assert "Tillit" in [p.text.split(". ", 1)[-1] for p in word.paragraphs]
    book = openpyxl.load_workbook(io.BytesIO(files["report.xlsx"] or b""))
    themes, sheet, people = book.worksheets
    assert themes.freeze_panes == sheet.freeze_panes == "A2"
    assert [row[1] for row in themes.iter_rows(min_row=2, values_only=True)] == ["Tillit"]
    written = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert written == sorted(notes.values())
    counts = {row[0]: row[1] for row in people.iter_rows(values_only=True)}
    assert counts[said("nb", "Notes in total")] == len(notes)
    assert isinstance(counts[said("nb", "Started")], datetime)
    with Image.open(io.BytesIO(files["chart.png"] or b"")) as chart_png:
        assert chart_png.size[0] == 1200
        assert chart_png.convert("L").getextrema()[0] < 100  # something is drawn on white
    everything = b"".join(v or b"" for v in files.values())
    for person in members:
        assert person.name.encode() not in everything
        assert str(person.id).encode() not in everything
    for (pseudonym,) in bot.query("SELECT pseudonym FROM writers"):
        assert str(pseudonym).encode() not in everything

    # Closing for good, then the purge after the retention period.
    await mona.send("/end")
    ask = await mona.wait_for(has_button(button("nb", "Close the seminar")))
    assert ask.text == said(
        "nb",
        "Close <b>{title}</b> for good? The participants get a short summary of what came "
        "out, the moderators and the office get the report, and everything is deleted "
        "{days} days later.",
        title="Gode møter med Nav",
        days=180,
    )
    await mona.press(ask, button("nb", "Close the seminar"))
    # The participants get the short summary they were promised, in their own language.
    for person in members:
        goodbye = await person.wait_for(
            contains(
                said(
                    ui(person),
                    "<b>{title}</b> is closed. Thank you for taking part!",
                    title="Gode møter med Nav",
                )
            )
        )
        assert goodbye.text.splitlines()[1:] == [
            said_n(
                ui(person),
                "Together you wrote {count} note.",
                "Together you wrote {count} notes.",
                len(notes),
            ),
            said(ui(person), "The themes you found: {names}.", names="Tillit"),
            said(ui(person), "Everything stored about it is deleted after {days} days.", days=180),
        ], goodbye.text
    assert bot.query("SELECT phase FROM seminars") == [("closed",)]
    await mona.send("/open")
    await mona.wait_for(
        saying("nb", "That is not possible now: <b>{title}</b> is at the step «{phase}».")
    )
    written = [note.encode() for note in notes.values()]
    written.append("Hvordan det er å vente lenge på svar".encode())
    assert all(text in bot.stored_bytes() for text in written)
    about_people = ("users", "members", "writers", "notes", "votes", "readbacks")
    assert all(bot.query(f"SELECT COUNT(*) FROM {table}") != [(0,)] for table in about_people)
    bot.advance_clock(181 * 86400)
    await _eventually(lambda: bot.query("SELECT COUNT(*) FROM seminars") == [(0,)])
    for table in about_people:  # read-back answers included
        assert bot.query(f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    # Gone from the files too: the deleted rows were overwritten and the log emptied.
    await _eventually(lambda: not any(text in bot.stored_bytes() for text in written))


async def _eventually(check: object, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "not within time"
        await asyncio.sleep(0.2)


async def test_report_and_backup_from_the_command_line(
    api: LocalBotApi, bot: BotProcess, tmp_path: Path
) -> None:
    _, _, notes = await seminar_in_groups(api, 3)
    env = {**os.environ, "SEMINAR_SECRET": SECRET}
    env.pop("BOT_TOKEN", None)
    config = bot.directory / "config.toml"
    out = tmp_path / "out"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "report", "1", "--out", str(out),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    html_text = (out / "report.html").read_text(encoding="utf-8")
    for note in notes.values():
        assert note in html_text
    assert (out / "chart.png").read_bytes().startswith(b"\x89PNG")
    written = [p.text for p in docx.Document(out / "report.docx").paragraphs]
    assert all(any(text.startswith(note) for text in written) for note in notes.values())
    assert openpyxl.load_workbook(out / "report.xlsx").worksheets[1].max_row == len(notes) + 1

    copy = tmp_path / "backup.sqlite3"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "backup", str(copy),
        cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT COUNT(*) FROM notes").fetchone() == (3,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_the_summary_of_one_seminar_opens_the_next(api: LocalBotApi, bot: BotProcess) -> None:
    mona, seats, _ = await seminar_in_groups(api, 3)
    ((_, members),) = seats.items()
    assert "Tillit" in (await propose_theme(members[0], "Tillit")).text
    await mona.send("/new")
    await mona.wait_for(has_button(button("nb", "Cancel")))
    await mona.send("Oppfølgingsseminar")
    choice = await mona.wait_for(has_button("Norsk (bokmål)"))
    await mona.press(choice, "Norsk (bokmål)")
    questions = await mona.wait_for(has_button(button("nb", "Use these questions")))
    await mona.press(questions, button("nb", "Use these questions"))
    created = await mona.wait_for(contains("?start="))
    follow_up = button("nb", "Begin with the summary of «{title}»").format(
        title="Gode møter med Nav"
    )
    await mona.press(created, follow_up)
    await mona.wait_for(contains("Gode møter med Nav"))
    code = created.text.split("?start=")[1].split()[0]
    newcomer = api.user("Nina", language_code="nb")
    await join(newcomer, code, "nb")
    await mona.press(created, button("nb", "Open the answer round"))
    last_time = said("nb", "Last time, in <b>{title}</b>:", title="Gode møter med Nav")
    earlier = await newcomer.wait_for(contains(last_time))
    short = said(
        "nb",
        "<b>{title}</b> is at «{phase}».",
        title="Gode møter med Nav",
        phase=translator("nb").pgettext("phase", "answer round closed"),
    )
    # «Tillit» has no notes sorted into it yet, so the summary names no themes.
    short += " " + said_n("nb", "So far {count} note", "So far {count} notes", 3) + "."
    assert earlier.text.splitlines() == [last_time, short]
    await newcomer.wait_for(has_button(button("nb", "Next question ▶")))
