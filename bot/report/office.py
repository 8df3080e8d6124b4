"""The report for people who open files: a Word document and a spreadsheet.

Run as ``python -m bot.report.office`` by ``bot.reporting.render_office``: the report's data as
JSON on stdin, and on stdout the Word document's length as 8 bytes (big-endian), the Word
document, then the spreadsheet. It runs in its own process, as the chart does, because
openpyxl loads numpy (about 0.2 s and 35 MiB the bot would keep for good), and a large
seminar's files take CPU the bot's event loop needs. Both files hold what the HTML holds, in
the same order, in the report's language, with group names in words and no identity.

The long lists of notes are written as WordprocessingML directly: python-docx looks a style
up among all of them for every paragraph it adds, which took 10 s for 10,000 notes.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.flows.report_data import ReportData, ReportNote, ReportReadBack, from_plain
from bot.i18n import Translator, translator
from bot.render.screens import group_name, reason_name
from bot.report import content

__all__ = ["main", "report_docx", "report_xlsx"]

# Characters XML 1.0 (so both file formats) cannot hold; a note keeps everything else.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


# --- Word -------------------------------------------------------------------------------------


class _Word:
    """A Word document written top to bottom, right to left where the language is."""

    def __init__(self, t: Translator, title: str) -> None:
        self.t = t
        self.document: WordDocument = Document()
        self.document.core_properties.title = _clean(title)
        self.document.core_properties.language = t.language
        self._body_end = self.document.element.body.sectPr
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
        if run_defaults is not None and (properties := run_defaults.find(qn("w:rPr"))) is not None:
            language = properties.find(qn("w:lang"))
            if language is None:
                language = parse_xml(f"<w:lang {nsdecls('w')}/>")
                properties.append(language)
            language.set(qn("w:val"), t.language)
            if t.rtl:
                language.set(qn("w:bidi"), t.language)

    def paragraphs(self, items: Iterable[tuple[str, Sequence[tuple[str, bool]]]]) -> None:
        """Paragraphs of (style id, [(text, small)]) added at the end in one parse."""
        bidi = "<w:bidi/>" if self.t.rtl else ""
        xml = "".join(
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{bidi}</w:pPr>'
            + "".join(_run(text, small=small) for text, small in runs)
            + "</w:p>"
            for style, runs in items
        )
        for paragraph in list(parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")):
            self._body_end.addprevious(paragraph)

    def line(self, text: str, style: str = "Normal", small: bool = False) -> None:
        self.paragraphs([(style, [(text, small)])])

    def table(self, headings: Sequence[str] | None, rows: Sequence[Sequence[str | int]]) -> None:
        table = self.document.add_table(rows=0, cols=len(rows[0] if rows else headings or [0]))
        table.style = self.document.styles["Light List Accent 1"]
        if headings:
            cells = table.add_row().cells
            for cell, heading in zip(cells, headings, strict=True):
                cell.text = _clean(heading)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = self.t.number(value) if isinstance(value, int) else _clean(value)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _run(text: str, *, small: bool = False) -> str:
    size = '<w:rPr><w:sz w:val="18"/></w:rPr>' if small else ""
    return f'<w:r>{size}<w:t xml:space="preserve">{escape(_clean(text))}</w:t></w:r>'


def _note_runs(t: Translator, note: ReportNote, *, votes: bool) -> list[tuple[str, bool]]:
    runs = [(note.text, False)]
    if note.paper:
        runs.append((" " + t.gettext("(paper)"), True))
    if note.shortened:
        runs.append((" " + t.gettext("(shortened by the moderator)"), True))
    if votes:
        label = t.ngettext("{count} vote", "{count} votes", note.votes)
        runs.append((" " + label.format(count=t.number(note.votes)), True))
    return runs


def _about(t: Translator, notes: int, dots: int, group: int) -> str:
    counted = t.ngettext("{count} note", "{count} notes", notes).format(count=t.number(notes))
    dotted = t.ngettext("{count} dot", "{count} dots", dots).format(count=t.number(dots))
    return " · ".join((group_name(t, group), counted, dotted))


def _withheld(t: Translator) -> str:
    return t.gettext(
        "Fewer than three people wrote notes, so no note is shown: with so few, the "
        "readers could tell who wrote what."
    )


def report_docx(data: ReportData, t: Translator) -> bytes:
    """The report as a Word document, in the order of the HTML report."""
    title = data.title or t.gettext("Dialogue seminar")
    word = _Word(t, title)
    word.line(title, "Title")
    word.line(t.gettext("Report from a dialogue seminar"), "Subtitle")
    word.line(content.held(t, data))

    word.line(t.gettext("Summary"), "Heading1")
    numbers = (
        (t.gettext("People taking part"), data.participants),
        (t.gettext("Notes in total"), data.notes_total),
        (t.gettext("People who gave dots"), data.dot_voters),
    )
    word.line("   ".join(f"{t.number(n)} {label}" for label, n in numbers if n))
    top = content.summary_themes(data)
    if data.too_few_writers:
        word.line(_withheld(t))
    elif not top:
        word.line(t.gettext("No themes were made."))
    for item in top:
        theme = item.theme
        word.paragraphs(
            [
                ("Heading2", [(f"{t.number(theme.rank)}. {theme.name}", False)]),
                ("Normal", [(_about(t, len(theme.notes), theme.dots, theme.group), True)]),
                *(("Quote", [(note.text, False)]) for note in item.quotes),
                *(
                    ("ListBullet", [(p.text, False), (f" · {p.status}" if p.status else "", True)])
                    for p in theme.proposals
                ),
            ]
        )
    word.page_break()

    word.line(t.gettext("How the seminar worked"), "Heading1")
    word.line(" ".join(content.method(t, data)))
    word.line(t.gettext("Questions"), "Heading2")
    word.paragraphs(("ListNumber", [(question, False)]) for question in data.questions)

    word.line(t.gettext("Participation"), "Heading1")
    word.table(None, content.participation(t, data))

    word.line(t.gettext("Themes, ranked"), "Heading1")
    if data.themes:
        word.table(
            _theme_headings(t),
            [
                (theme.rank, theme.name, group_name(t, theme.group), len(theme.notes), theme.dots)
                for theme in data.themes
            ],
        )
        for theme in data.themes:
            word.paragraphs(
                [
                    ("Heading2", [(f"{t.number(theme.rank)}. {theme.name}", False)]),
                    ("Normal", [(_about(t, len(theme.notes), theme.dots, theme.group), True)]),
                    *(("ListBullet", _note_runs(t, n, votes=True)) for n in theme.notes),
                ]
            )
    else:
        word.line(t.gettext("No themes were made."))

    if data.too_few_writers:
        word.line(t.gettext("All notes"), "Heading1")
        word.line(_withheld(t))
    elif groups := content.without_theme(data):
        heading = t.gettext("Notes no theme got") if data.themes else t.gettext("All notes")
        word.line(heading, "Heading1")
        for question, notes in groups:
            label = t.gettext("Question {number}: {question}").format(
                number=question + 1, question=content.question_text(data, question)
            )
            word.paragraphs(
                [
                    ("Heading2", [(label, False)]),
                    *(("ListBullet", _note_runs(t, n, votes=False)) for n in notes),
                ]
            )

    _docx_read_back(word, t, data)
    if proposals := _proposal_rows(t, data):
        word.line(t.gettext("Proposals and follow-up"), "Heading1")
        word.table(_proposal_headings(t), proposals)

    word.line(t.gettext("This report holds no names. The notes are shown in mixed order."))
    made = t.gettext("Report made") + ": " + content.when(t, data.generated_at, data.timezone)
    word.line(made, small=True)
    return word.bytes()


def _theme_headings(t: Translator) -> list[str]:
    return [
        t.gettext("Rank"),
        t.gettext("Theme"),
        t.gettext("Group"),
        t.gettext("Notes"),
        t.gettext("Dots"),
    ]


def _read_back_rows(data: ReportData) -> tuple[ReportReadBack, ...]:
    if not (data.recognised or data.missing or data.missing_notes or data.read_back_themes):
        return ()
    return data.read_back_themes or (
        ReportReadBack("", data.recognised, data.missing, data.missing_notes),
    )


def _read_back_headings(t: Translator) -> list[str]:
    return [
        t.gettext("Theme"),
        t.gettext("“I recognise this”"),
        t.gettext("“Something is missing”"),
    ]


def _docx_read_back(word: _Word, t: Translator, data: ReportData) -> None:
    rows = _read_back_rows(data)
    if not rows:
        return
    together = t.gettext("All the themes together")
    word.line(t.gettext("Read-back"), "Heading1")
    word.table(
        _read_back_headings(t), [(r.theme or together, r.recognised, r.missing) for r in rows]
    )
    if any(row.missing_notes for row in rows):
        word.line(t.gettext("What people said was missing"), "Heading2")
    for row in (row for row in rows if row.missing_notes):
        word.paragraphs(
            [
                ("Heading3", [(row.theme or together, False)]),
                *(("ListBullet", [(text, False)]) for text in row.missing_notes),
            ]
        )


def _proposal_headings(t: Translator) -> list[str]:
    return [
        t.gettext("Theme"),
        t.gettext("Proposal"),
        t.gettext("Status"),
        t.gettext("Who follows it up"),
        t.gettext("Due"),
    ]


def _proposal_rows(t: Translator, data: ReportData) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            theme.name,
            proposal.text,
            " · ".join(part for part in (proposal.status, reason_name(t, proposal.reason)) if part),
            proposal.owner,
            content.format_day(t, proposal.due) if proposal.due else "",
        )
        for theme, proposal in content.proposals(data)
    ]


# --- Spreadsheet ------------------------------------------------------------------------------

_DATE = "yyyy-mm-dd hh:mm"
_DAY = "yyyy-mm-dd"


def _sheet_name(name: str) -> str:
    return _SHEET_NAME.sub("", name.replace("\u200f", "")).strip()[:31] or "-"


class _Rows:
    """A sheet written row by row (openpyxl's max_row looks at every cell, so it is counted
    here)."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.count = 1  # the header row


def _sheet(
    book: Workbook, name: str, headings: Sequence[str], widths: Sequence[int], rtl: bool
) -> _Rows:
    sheet: Worksheet = book.create_sheet(_sheet_name(name))
    sheet.append([_clean(heading) for heading in headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.sheet_view.rightToLeft = rtl
    return _Rows(sheet)


def _append(rows: _Rows, values: Sequence[Any], wrap: Sequence[int] = ()) -> None:
    """A row; text stays text (a note starting with «=» is no formula), numbers numbers,
    dates dates."""
    rows.count += 1
    top = Alignment(wrap_text=True, vertical="top")
    for index, value in enumerate(values, start=1):
        cell = rows.sheet.cell(row=rows.count, column=index)
        if isinstance(value, str):
            cell.value = _clean(value)
            cell.data_type = "s"
        else:
            cell.value = value
        if isinstance(value, datetime):
            cell.number_format = _DATE
        elif isinstance(value, date):
            cell.number_format = _DAY
        if index in wrap:
            cell.alignment = top


def report_xlsx(data: ReportData, t: Translator) -> bytes:
    """The report as a spreadsheet: a sheet of themes, one of notes with their theme, one of
    participation (and one of proposals where there are any). Counts are numbers, dates are
    dates, the header row stays in view, and the columns are wide enough to read."""
    book = Workbook()
    for empty in book.worksheets:
        book.remove(empty)
    book.properties.title = _clean(data.title)
    book.properties.language = t.language
    yes, no = t.gettext("yes"), t.gettext("no")

    themes = _sheet(
        book,
        t.gettext("Themes"),
        _theme_headings(t),
        (8, 48, 18, 10, 10),
        t.rtl,
    )
    for theme in data.themes:
        row = (theme.rank, theme.name, group_name(t, theme.group), len(theme.notes), theme.dots)
        _append(themes, row, wrap=(2,))

    notes = _sheet(
        book,
        t.gettext("Notes"),
        [
            t.gettext("Note"),
            t.gettext("Theme"),
            t.gettext("Rank"),
            t.gettext("Group"),
            t.gettext("Votes"),
            t.gettext("Question"),
            t.gettext("On paper"),
            t.gettext("Shortened by the moderator"),
        ],
        (70, 36, 8, 18, 8, 10, 10, 12),
        t.rtl,
    )

    def note_row(note: ReportNote, theme: tuple[str, int, str] | None, votes: int | None) -> None:
        name, rank, group = theme or ("", None, "")
        row = (
            note.text,
            name,
            rank,
            group,
            votes,
            note.question + 1,
            yes if note.paper else no,
            yes if note.shortened else no,
        )
        _append(notes, row, wrap=(1, 2))

    for theme in sorted(data.themes, key=lambda theme: theme.rank):
        named = (theme.name, theme.rank, group_name(t, theme.group))
        for note in theme.notes:
            note_row(note, named, note.votes)
    for _, unthemed in content.without_theme(data):
        for note in unthemed:
            note_row(note, None, None)

    people = _sheet(book, t.gettext("Participation"), ["", ""], (44, 22), t.rtl)
    for label, value in content.participation(t, data):
        _append(people, (label, value))
    moments = [(t.gettext("Started"), data.created_at), (t.gettext("Closed"), data.closed_at)]
    moments.append((t.gettext("Report made"), data.generated_at))
    for label, moment in moments:
        if moment is not None:
            there = content.local(moment, data.timezone).replace(tzinfo=None, second=0)
            _append(people, (label, there.replace(microsecond=0)))
    for number, question in enumerate(data.questions, start=1):
        label = t.gettext("Question {number}: {question}").format(number=number, question=question)
        _append(people, (label,), wrap=(1,))

    if proposals := _proposal_rows(t, data):
        sheet = _sheet(book, t.gettext("Proposals and follow-up"), _proposal_headings(t),
                       (30, 50, 24, 24, 14), t.rtl)  # fmt: skip
        for (_, proposal), cells in zip(content.proposals(data), proposals, strict=True):
            _append(sheet, (*cells[:4], proposal.due), wrap=(1, 2, 3))

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    """Reads the report's data as JSON on stdin; writes the two files to stdout."""
    data = from_plain(json.loads(sys.stdin.buffer.read().decode("utf-8")))
    t = translator(data.language)
    word, sheet = report_docx(data, t), report_xlsx(data, t)
    sys.stdout.buffer.write(len(word).to_bytes(8, "big") + word + sheet)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
