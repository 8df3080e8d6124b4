"""A seminar's report as HTML, CSV, JSON and a PNG chart: ReportData in, bytes or text out.

Everything here is pure except ``render_chart``, which runs ``python -m bot.chart`` in a
subprocess so that the bot process never loads the plotting library. The report holds no
identities: ReportData has none, and nothing here adds any.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import html
import io
import json
import logging
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from babel import Locale, UnknownLocaleError

from bot.flows.report_data import ReportData, ReportNote, ReportReadBack, ReportTheme
from bot.i18n import Translator, translator
from bot.render.screens import group_name

log = logging.getLogger(__name__)

__all__ = [
    "CHART_TIMEOUT",
    "CSV_COLUMNS",
    "PNG_SIGNATURE",
    "ChartError",
    "ReportFile",
    "chart_environment",
    "chart_spec",
    "render_chart",
    "report_csv",
    "report_files",
    "report_html",
    "report_json",
]

CHART_TIMEOUT = 60.0  # seconds
CHART_MAX_ROWS = 40
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CSV_COLUMNS = (
    "question_number",
    "question",
    "note",
    "group",
    "theme",
    "theme_rank",
    "votes_for_theme",
    "theme_dots",
    "paper",
    "shortened_by_moderator",
)
_PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What the chart's process sees of the bot's environment: enough for Python to start, find its
# packages and read text, and where matplotlib keeps its font list (MPLCONFIGDIR), and nothing
# else, so neither BOT_TOKEN nor SEMINAR_SECRET (nor what else an operator keeps there)
# reaches it.
CHART_ENVIRONMENT = (
    "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYTHONHOME", "MPLCONFIGDIR",
)  # fmt: skip


class ChartError(RuntimeError):
    """The chart subprocess failed, timed out or wrote no PNG."""


_RTL = ' dir="rtl"'


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _question_text(data: ReportData, question: int) -> str:
    return data.questions[question] if 0 <= question < len(data.questions) else ""


def _notes_for_question(data: ReportData, question: int) -> int:
    counts = data.notes_per_question
    return counts[question] if 0 <= question < len(counts) else 0


def _never_grouped(data: ReportData) -> list[ReportNote]:
    """The notes of all_notes that neither a theme nor the unsorted list holds.

    Notes carry no id, so they are matched by identical (text, question) pairs, counted:
    two identical notes of which one is in a theme leave the other here.
    """
    covered = Counter(
        (note.text, note.question)
        for note in (*(n for theme in data.themes for n in theme.notes), *data.unsorted)
    )
    rest: list[ReportNote] = []
    for note in data.all_notes:
        key = (note.text, note.question)
        if covered[key] > 0:
            covered[key] -= 1
        else:
            rest.append(note)
    return rest


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0; background: #f4f5f7; color: #1d2125;
  font-family: "Source Sans 3", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 16px; line-height: 1.5;
}
main {
  max-width: 52rem; margin: 2rem auto; padding: 2rem 2.5rem;
  background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(0, 0, 0, .08);
}
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .25rem; }
h2 {
  font-size: 1.35rem; margin: 2.2rem 0 .8rem; padding-bottom: .25rem;
  border-bottom: 2px solid #d8dde3;
}
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
.kind { margin: 0 0 1.2rem; color: #555d66; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: 0; }
dl.facts dt { color: #555d66; }
dl.facts dd { margin: 0; }
ol.questions li { margin: .3rem 0; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { text-align: start; padding-block: .3rem; padding-inline: 0 .9rem; vertical-align: top; }
thead th { border-bottom: 1px solid #b9c0c8; font-weight: 600; }
tbody tr + tr td, tbody tr + tr th { border-top: 1px solid #eceff2; }
td.num, th.num { text-align: end; font-variant-numeric: tabular-nums; }
tbody th { font-weight: normal; }
figure.chart { margin: 1rem 0; }
figure.chart img { display: block; max-width: 100%; height: auto; border: 1px solid #eceff2; }
section.theme { margin: 1.6rem 0 0; }
section.theme h3 { margin-bottom: .1rem; }
.rank { color: #2563a5; margin-inline-end: .3rem; }
.about { margin: 0 0 .5rem; color: #555d66; }
ul.notes { list-style: none; margin: 0; padding: 0; }
ul.notes li {
  margin: .35rem 0; padding: .45rem .7rem; background: #fbf7e4;
  border-inline-start: 4px solid #e8c547; border-radius: 3px;
}
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.votes, .paper, .shortened { color: #555d66; font-size: .85em; white-space: nowrap; }
.empty { color: #555d66; font-style: italic; }
footer { margin-top: 2.5rem; padding-top: .8rem; border-top: 1px solid #d8dde3; }
footer p { margin: 0; color: #555d66; font-size: .9em; }
@page { size: A4; margin: 18mm 16mm 20mm; }
@media print {
  *, *::before, *::after { background: transparent !important; box-shadow: none !important; }
  body { font-size: 11pt; line-height: 1.4; color: #000; }
  main { max-width: none; margin: 0; padding: 0; border-radius: 0; }
  h1 { font-size: 18pt; }
  h2 { font-size: 14pt; margin-top: 1.4em; }
  h3 { font-size: 12pt; }
  h1, h2, h3, .about, thead { break-after: avoid; page-break-after: avoid; }
  h2, h3 { break-inside: avoid; page-break-inside: avoid; }
  li, tr, figure { break-inside: avoid; page-break-inside: avoid; }
  section.theme, section.question { break-before: auto; }
  ul.notes li { border-inline-start: 2pt solid #999; padding: .15em .5em; margin: .25em 0; }
  .kind, .about, .votes, .paper, .shortened, dl.facts dt, .empty, footer p { color: #333; }
  figure.chart img { border: 0; max-height: 120mm; width: auto; }
  p, li { orphans: 3; widows: 3; }
}
"""


def _el(tag: str, text: str, attributes: str = "") -> str:
    """An element holding escaped text; keeps gettext calls outside f-strings for Babel."""
    return f"<{tag}{attributes}>{_e(text)}</{tag}>"


def _note_item(t: Translator, note: ReportNote, *, votes: bool) -> str:
    parts = [f'<span class="text" dir="auto">{_e(note.text)}</span>']
    if note.paper:
        parts.append(_el("span", t.gettext("(paper)"), ' class="paper"'))
    if note.shortened:
        parts.append(_el("span", t.gettext("(shortened by the moderator)"), ' class="shortened"'))
    if votes:
        label = t.ngettext("{count} vote", "{count} votes", note.votes)
        parts.append(f'<span class="votes">{_e(label.format(count=t.number(note.votes)))}</span>')
    return "<li>" + " ".join(parts) + "</li>"


def _note_list(t: Translator, notes: Iterable[ReportNote], *, votes: bool) -> Iterator[str]:
    yield '<ul class="notes">'
    yield from (_note_item(t, note, votes=votes) for note in notes)
    yield "</ul>"


def _facts(t: Translator, data: ReportData) -> Iterator[str]:
    def when(moment: datetime) -> str:
        return _e(t.datetime(moment, data.timezone))

    yield '<dl class="facts">'
    yield _el("dt", t.gettext("Started")) + f"<dd>{when(data.created_at)}</dd>"
    if data.closed_at is not None:
        yield _el("dt", t.gettext("Closed")) + f"<dd>{when(data.closed_at)}</dd>"
    yield _el("dt", t.gettext("Report made")) + f"<dd>{when(data.generated_at)}</dd>"
    yield _el("dt", t.gettext("Time zone")) + f"<dd>{_e(data.timezone)}</dd>"
    yield _el("dt", t.gettext("Phase")) + f"<dd>{_e(data.phase)}</dd>"
    yield "</dl>"


def _participation(t: Translator, data: ReportData) -> Iterator[str]:
    # Nobody knows who wrote the paper notes: then the counts of people say they are the chat's.
    rows: list[tuple[str, int]] = [
        (t.gettext("People taking part in the chat"), data.participants),
        (t.gettext("People who wrote notes in the chat"), data.writers),
        (t.gettext("Notes written on paper"), data.paper_notes),
    ]
    if not data.paper_notes:
        rows = [(t.gettext("People taking part"), data.participants)]
        rows.append((t.gettext("People who wrote notes"), data.writers))
    rows.append((t.gettext("Notes in total"), data.notes_total))
    rows += [
        (t.gettext("Notes for question {number}").format(number=number), count)
        for number, count in enumerate(data.notes_per_question, start=1)
    ]
    rows += [
        (t.gettext("Groups"), data.groups),
        (t.gettext("Votes in the group work"), data.votes),
        (t.gettext("People who gave dots"), data.dot_voters),
    ]
    yield _el("h2", t.gettext("Participation"))
    yield "<table><tbody>"
    for label, value in rows:
        yield f'<tr><th scope="row">{_e(label)}</th><td class="num">{_e(t.number(value))}</td></tr>'
    yield "</tbody></table>"


def _ranking_table(t: Translator, themes: Iterable[ReportTheme]) -> Iterator[str]:
    yield "<table><thead><tr>"
    yield _el("th", t.gettext("Rank"), ' class="num" scope="col"')
    yield _el("th", t.gettext("Theme"), ' scope="col"')
    yield _el("th", t.gettext("Group"), ' scope="col"')
    yield _el("th", t.gettext("Notes"), ' class="num" scope="col"')
    yield _el("th", t.gettext("Dots"), ' class="num" scope="col"')
    yield "</tr></thead><tbody>"
    for theme in themes:
        yield (
            f'<tr><td class="num">{_e(t.number(theme.rank))}</td>'
            f"<td><bdi>{_e(theme.name)}</bdi></td>"
            f"<td>{_e(group_name(t, theme.group))}</td>"
            f'<td class="num">{_e(t.number(len(theme.notes)))}</td>'
            f'<td class="num">{_e(t.number(theme.dots))}</td></tr>'
        )
    yield "</tbody></table>"


def _theme(t: Translator, theme: ReportTheme) -> Iterator[str]:
    notes = t.ngettext("{count} note", "{count} notes", len(theme.notes))
    dots = t.ngettext("{count} dot", "{count} dots", theme.dots)
    about = " · ".join(
        (
            group_name(t, theme.group),
            notes.format(count=t.number(len(theme.notes))),
            dots.format(count=t.number(theme.dots)),
        )
    )
    yield '<section class="theme">'
    rank = f'<span class="rank">{_e(t.number(theme.rank))}.</span>'
    yield f"<h3>{rank} <bdi>{_e(theme.name)}</bdi></h3>"
    yield f'<p class="about">{_e(about)}</p>'
    yield from _note_list(t, theme.notes, votes=True)
    yield "</section>"


def _all_notes(t: Translator, data: ReportData) -> Iterator[str]:
    yield _el("h2", t.gettext("All notes"))
    if data.too_few_writers:
        yield _el(
            "p",
            t.gettext(
                "Fewer than three people wrote notes, so no note is shown: with so few, the "
                "readers could tell who wrote what."
            ),
            ' class="empty"',
        )
        return
    by_question: dict[int, list[ReportNote]] = {}
    for note in data.all_notes:
        by_question.setdefault(note.question, []).append(note)
    known = range(len(data.questions))
    for question in [*known, *sorted(q for q in by_question if q not in known)]:
        heading = t.gettext("Question {number}: {question}").format(
            number=question + 1, question=_question_text(data, question)
        )
        yield '<section class="question">'
        yield f"<h3>{_e(heading)}</h3>"
        notes = by_question.get(question, [])
        if notes:
            yield from _note_list(t, notes, votes=False)
        else:
            yield _el("p", t.gettext("No notes."), ' class="empty"')
        yield "</section>"


def _read_back(t: Translator, data: ReportData) -> Iterator[str]:
    """The read-back's answers per theme, counts only, and what people said was missing."""
    if not (data.recognised or data.missing or data.missing_notes or data.read_back_themes):
        return
    yield _el("h2", t.gettext("Read-back"))
    rows = data.read_back_themes or (
        ReportReadBack("", data.recognised, data.missing, data.missing_notes),
    )
    headings = (
        t.gettext("Theme"),
        t.gettext("“I recognise this”"),
        t.gettext("“Something is missing”"),
    )
    yield "<table><thead><tr>" + "".join(f'<th scope="col">{_e(h)}</th>' for h in headings)
    yield "</tr></thead><tbody>"
    for row in rows:
        counts = "".join(
            f'<td class="num">{_e(t.number(n))}</td>' for n in (row.recognised, row.missing)
        )
        name = row.theme or t.gettext("All the themes together")
        yield f'<tr><th scope="row">{_e(name)}</th>{counts}</tr>'
    yield "</tbody></table>"
    if any(row.missing_notes for row in rows):
        yield _el("h3", t.gettext("What people said was missing"))
    for row in (row for row in rows if row.missing_notes):
        yield _el("h4", row.theme or t.gettext("All the themes together"))
        yield '<ul class="notes">'
        yield from (
            f'<li><span class="text" dir="auto">{_e(text)}</span></li>'
            for text in row.missing_notes
        )
        yield "</ul>"


def report_html(data: ReportData, t: Translator, chart_png: bytes | None = None) -> str:
    """The report as one self-contained HTML5 document: inline CSS, no scripts, no links."""
    title = data.title or t.gettext("Dialogue seminar")
    parts: list[str] = [
        "<!DOCTYPE html>",
        # Arabic reads right to left; people's texts inside take their own direction.
        f'<html lang="{_e(data.language)}"{_RTL if t.rtl else ""}>',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        _el("title", t.gettext("Report: {title}").format(title=title)),
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1><bdi>{_e(title)}</bdi></h1>",
        _el("p", t.gettext("Report from a dialogue seminar"), ' class="kind"'),
        *_facts(t, data),
        "</header>",
        _el("h2", t.gettext("Questions")),
        '<ol class="questions">',
        *(f'<li dir="auto">{_e(question)}</li>' for question in data.questions),
        "</ol>",
        *_participation(t, data),
    ]
    parts.append(_el("h2", t.gettext("Themes, ranked")))
    if chart_png:
        alt = (
            t.gettext("Bar chart of the themes: number of notes and dots for each theme.")
            if data.themes
            else t.gettext("Bar chart of the number of notes for each question.")
        )
        source = base64.b64encode(chart_png).decode("ascii")
        parts.append(
            f'<figure class="chart"><img src="data:image/png;base64,{source}" alt="{_e(alt)}">'
            "</figure>"
        )
    if data.themes:
        parts += _ranking_table(t, data.themes)
        for theme in data.themes:
            parts += _theme(t, theme)
    else:
        parts.append(_el("p", t.gettext("No themes were made."), ' class="empty"'))
    if data.unsorted:
        parts.append(_el("h2", t.gettext("Notes no theme got")))
        parts += _note_list(t, data.unsorted, votes=False)
    parts += _all_notes(t, data)
    parts += _read_back(t, data)
    footer = t.gettext("This report holds no names. The notes are shown in mixed order.")
    parts += [f"<footer><p>{_e(footer)}</p></footer>", "</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


# --- CSV ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text a spreadsheet will not read as a formula (notes are anonymous user input)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv(data: ReportData) -> bytes:
    """One row per note, UTF-8 with a BOM so that Excel reads it right.

    Sorted notes come first by theme rank, then the unsorted ones, then the notes that were
    never in a group. Text cells that start like a formula get a leading apostrophe.
    """
    t = translator(data.language)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)

    def row(note: ReportNote, group: str, theme: ReportTheme | None) -> list[str | int]:
        return [
            note.question + 1,
            _cell(_question_text(data, note.question)),
            _cell(note.text),
            _cell(group),
            _cell(theme.name) if theme else "",
            theme.rank if theme else "",
            note.votes if theme else "",
            theme.dots if theme else "",
            "yes" if note.paper else "no",
            "yes" if note.shortened else "no",
        ]

    for theme in sorted(data.themes, key=lambda theme: theme.rank):
        name = group_name(t, theme.group)
        writer.writerows(row(note, name, theme) for note in theme.notes)
    writer.writerows(row(note, "", None) for note in data.unsorted)
    writer.writerows(row(note, "", None) for note in _never_grouped(data))
    return buffer.getvalue().encode("utf-8-sig")


# --- JSON -----------------------------------------------------------------------------------


def _note_json(note: ReportNote) -> dict[str, Any]:
    return {
        "text": note.text,
        "question_number": note.question + 1,
        "votes": note.votes,
        "paper": note.paper,
        "shortened_by_moderator": note.shortened,
    }


def report_json(data: ReportData) -> bytes:
    """The whole report as UTF-8 JSON; times in ISO 8601, question numbers from 1."""
    t = translator(data.language)
    document: dict[str, Any] = {
        "title": data.title,
        "language": data.language,
        "timezone": data.timezone,
        "created_at": data.created_at.isoformat(),
        "closed_at": data.closed_at.isoformat() if data.closed_at else None,
        "generated_at": data.generated_at.isoformat(),
        "phase": data.phase,
        "questions": [
            {"number": number, "text": text, "notes": _notes_for_question(data, number - 1)}
            for number, text in enumerate(data.questions, start=1)
        ],
        "participants": data.participants,
        "writers": data.writers,
        "paper_notes": data.paper_notes,
        "notes_withheld_too_few_writers": data.too_few_writers,
        "notes_total": data.notes_total,
        "notes_per_question": list(data.notes_per_question),
        "groups": data.groups,
        "votes": data.votes,
        "dot_voters": data.dot_voters,
        "themes": [
            {
                "rank": theme.rank,
                "name": theme.name,
                "group": group_name(t, theme.group),
                "group_number": theme.group,
                "dots": theme.dots,
                "notes_count": len(theme.notes),
                "notes": [_note_json(note) for note in theme.notes],
            }
            for theme in data.themes
        ],
        "unsorted": [_note_json(note) for note in data.unsorted],
        "all_notes": [_note_json(note) for note in data.all_notes],
        "read_back": {
            "recognised": data.recognised,
            "missing": data.missing,
            "missing_notes": list(data.missing_notes),
            "themes": [
                {
                    "theme": row.theme or None,
                    "recognised": row.recognised,
                    "missing": row.missing,
                    "missing_notes": list(row.missing_notes),
                }
                for row in data.read_back_themes
            ],
        },
    }
    # Compact: the C encoder is many times faster than the indenting one at 10,000 notes.
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# --- Chart ----------------------------------------------------------------------------------


def _direction(language: str) -> str:
    """ "rtl" for a language written right to left (the chart is mirrored), else "ltr"."""
    try:
        order = Locale.parse(language.replace("-", "_")).character_order
    except (ValueError, TypeError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def chart_spec(data: ReportData) -> dict[str, Any]:
    """What ``bot.chart`` draws: translated labels and numbers, no identities."""
    t = translator(data.language)
    if data.themes:
        themes = data.themes[:CHART_MAX_ROWS]
        rows = [
            {
                "name": f"{theme.rank}. {theme.name}",
                "group": group_name(t, theme.group),
                "values": [len(theme.notes), theme.dots],
            }
            for theme in themes
        ]
        legend = [t.gettext("Notes"), t.gettext("Dots")]
        subtitle = t.gettext("Themes: number of notes and dots")
        left_out = len(data.themes) - len(themes)
        footnote = (
            t.ngettext(
                "{count} more theme is not shown.", "{count} more themes are not shown.", left_out
            ).format(count=t.number(left_out))
            if left_out
            else None
        )
    else:
        rows = [
            {
                "name": f"{number}. {question}",
                "group": "",
                "values": [_notes_for_question(data, number - 1)],
            }
            for number, question in enumerate(data.questions[:CHART_MAX_ROWS], start=1)
        ]
        legend = [t.gettext("Notes")]
        subtitle = t.gettext("Notes per question")
        footnote = None
    return {
        "title": data.title,
        "subtitle": subtitle,
        "legend": legend,
        "rows": rows,
        "footnote": footnote,
        "empty": t.gettext("No notes."),
        "direction": _direction(data.language),
    }


class ReportFile(NamedTuple):
    """One file of the report (a named tuple, so `dict(files)` maps names to contents)."""

    name: str
    content: bytes


async def report_files(data: ReportData, t: Translator) -> list[ReportFile]:
    """The report: HTML with its chart, CSV, JSON and the chart as a picture.

    The chart is drawn in its own process while the rest is built in threads, so that a large
    seminar's report does not hold up the bot's event loop. Without a chart the report goes out
    all the same.
    """
    chart_task = asyncio.create_task(render_chart(data))
    table, document = await asyncio.gather(
        asyncio.to_thread(report_csv, data), asyncio.to_thread(report_json, data)
    )
    chart: bytes | None
    try:
        chart = await chart_task
    except ChartError as exc:
        log.warning("the report's chart could not be drawn: %s", exc)
        chart = None
    page = await asyncio.to_thread(lambda: report_html(data, t, chart).encode("utf-8"))
    files = [
        ReportFile("report.html", page),
        ReportFile("notes.csv", table),
        ReportFile("report.json", document),
    ]
    if chart is not None:
        files.append(ReportFile("chart.png", chart))
    return files


def chart_environment() -> dict[str, str]:
    """The environment ``python -m bot.chart`` runs in: the few variables it needs, the
    project on its PYTHONPATH in case the bot runs from a checkout rather than installed, and
    a matplotlib config directory that is the bot's own (unless the operator names one), so
    its font list is built at the first chart rather than at every one, also where HOME is
    missing or not writable. ``bot.chart`` takes a fresh one if it is not the bot user's."""
    env = {name: os.environ[name] for name in CHART_ENVIRONMENT if name in os.environ}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(_PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    if "MPLCONFIGDIR" not in env:
        owner = os.getuid() if hasattr(os, "getuid") else "user"
        env["MPLCONFIGDIR"] = str(Path(tempfile.gettempdir()) / f"seminarbot-matplotlib-{owner}")
    return env


async def render_chart(data: ReportData) -> bytes:
    """The PNG chart of the themes (or of the notes per question, if there are no themes).

    Drawn by ``python -m bot.chart`` in a subprocess, so matplotlib is never loaded here, with
    only the environment it needs (``chart_environment``): no token, no secret.
    Raises ChartError if the subprocess fails or takes longer than CHART_TIMEOUT seconds.
    """
    limit = CHART_TIMEOUT
    payload = json.dumps(chart_spec(data), ensure_ascii=False).encode("utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.chart",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=chart_environment(),
    )
    try:
        async with asyncio.timeout(limit):
            stdout, stderr = await process.communicate(payload)
    except TimeoutError:
        raise ChartError(f"the chart took longer than {limit:g} s") from None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0 or not stdout.startswith(PNG_SIGNATURE):
        message = stderr.decode("utf-8", "replace").strip()[-500:]
        raise ChartError(f"the chart failed (exit {process.returncode}): {message}")
    return stdout
