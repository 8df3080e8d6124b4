"""A seminar's report, every file of it: ReportData in, bytes out.

For people: the HTML page (``bot.report.html``), and a Word document and a spreadsheet
(``bot.report.office``); for machines: the CSV and JSON (``bot.report.machine``); and the
chart as a PNG. What each says for people, in its order, is ``bot.report.content``.

The chart and the Word and spreadsheet files are made in subprocesses (``python -m bot.chart``
and ``python -m bot.report.office``), so that the bot process never loads matplotlib, numpy,
python-docx or openpyxl, and their CPU does not hold up the event loop. The report holds no
identities: ReportData has none, and nothing here adds any.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

from babel import Locale, UnknownLocaleError

from bot.flows.report_data import ReportData, to_plain
from bot.i18n import Translator, translator
from bot.render.screens import group_name
from bot.report.html import report_html
from bot.report.machine import CSV_COLUMNS, notes_for_question, report_csv, report_json

log = logging.getLogger(__name__)

__all__ = [
    "CHART_TIMEOUT",
    "CSV_COLUMNS",
    "OFFICE_TIMEOUT",
    "PNG_SIGNATURE",
    "ChartError",
    "ReportFile",
    "chart_environment",
    "chart_spec",
    "render_chart",
    "render_office",
    "report_csv",
    "report_files",
    "report_html",
    "report_json",
]

CHART_TIMEOUT = 60.0  # seconds
OFFICE_TIMEOUT = 120.0  # seconds, for the Word document and the spreadsheet together
CHART_MAX_ROWS = 40
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What the chart's process sees of the bot's environment: enough for Python to start, find its
# packages and read text, and where matplotlib keeps its font list (MPLCONFIGDIR), and nothing
# else, so neither BOT_TOKEN nor SEMINAR_SECRET (nor what else an operator keeps there)
# reaches it. The process that writes the Word and spreadsheet files gets the same.
CHART_ENVIRONMENT = (
    "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYTHONHOME", "MPLCONFIGDIR",
)  # fmt: skip


class ChartError(RuntimeError):
    """A report's subprocess (the chart, or the Word and spreadsheet files) failed, timed out
    or wrote nothing usable."""


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
                "values": [notes_for_question(data, number - 1)],
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
    """The report: HTML with its chart, a Word document, a spreadsheet, CSV, JSON and the
    chart as a picture.

    The chart and the Word and spreadsheet files are made in their own processes while the
    CSV and JSON are built in threads, so that a large seminar's report does not hold up the
    bot's event loop. Without a chart, or without the Word and spreadsheet files, the rest of
    the report goes out all the same.
    """
    chart_task = asyncio.create_task(render_chart(data))
    office_task = asyncio.create_task(render_office(data))
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
    office: tuple[bytes, bytes] | None
    try:
        office = await office_task
    except ChartError as exc:
        log.warning("the report's Word and spreadsheet files could not be made: %s", exc)
        office = None
    files = [ReportFile("report.html", page)]
    if office is not None:
        files += [ReportFile("report.docx", office[0]), ReportFile("report.xlsx", office[1])]
    files += [ReportFile("notes.csv", table), ReportFile("report.json", document)]
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


async def _child(module: str, payload: bytes, limit: float, what: str) -> bytes:
    """What ``python -m module`` writes to stdout, given ``payload`` on stdin, in the few
    variables of ``chart_environment``. Raises ChartError if it fails or takes too long."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=chart_environment(),
    )
    try:
        async with asyncio.timeout(limit):
            stdout, stderr = await process.communicate(payload)
    except TimeoutError:
        raise ChartError(f"{what} took longer than {limit:g} s") from None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0:
        message = stderr.decode("utf-8", "replace").strip()[-500:]
        raise ChartError(f"{what} failed (exit {process.returncode}): {message}")
    return stdout


async def render_chart(data: ReportData) -> bytes:
    """The PNG chart of the themes (or of the notes per question, if there are no themes).

    Drawn by ``python -m bot.chart`` in a subprocess, so matplotlib is never loaded here, with
    only the environment it needs (``chart_environment``): no token, no secret.
    Raises ChartError if the subprocess fails or takes longer than CHART_TIMEOUT seconds.
    """
    payload = json.dumps(chart_spec(data), ensure_ascii=False).encode("utf-8")
    png = await _child("bot.chart", payload, CHART_TIMEOUT, "the chart")
    if not png.startswith(PNG_SIGNATURE):
        raise ChartError("the chart failed: no PNG")
    return png


async def render_office(data: ReportData) -> tuple[bytes, bytes]:
    """The Word document and the spreadsheet, made by ``python -m bot.report.office`` in a
    subprocess (with the chart's few environment variables), so that neither python-docx nor
    openpyxl (nor the numpy it loads) is loaded here. Raises ChartError if it fails or takes
    longer than OFFICE_TIMEOUT seconds."""
    payload = json.dumps(to_plain(data), ensure_ascii=False).encode("utf-8")
    out = await _child("bot.report.office", payload, OFFICE_TIMEOUT, "the Word document")
    size = int.from_bytes(out[:8], "big")
    word, sheet = out[8 : 8 + size], out[8 + size :]
    if not (word.startswith(b"PK") and sheet.startswith(b"PK")):
        raise ChartError("the Word and spreadsheet files failed: no files")
    return word, sheet
