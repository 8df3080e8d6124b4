"""The report's Word document and spreadsheet, opened by the libraries that read them: the
summary first, every note once, numbers as numbers and dates as dates, no identity."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import datetime

import docx
import openpyxl
import pytest
from test_reporting import HOSTILE, NOTE_TEXTS, THEMES, UNSORTED, _data

from bot import reporting
from bot.flows.report_data import ReportNote
from bot.i18n import translator
from bot.report.office import report_docx, report_xlsx


def _paragraphs(raw: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(raw))
    return [(p.style.name if p.style else "", p.text) for p in document.paragraphs]


def test_the_word_document_opens_with_the_summary_and_holds_every_note_once() -> None:
    t = translator("nb")
    paragraphs = _paragraphs(report_docx(_data(), t))
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings[:3] == ["Sammendrag", "Slik gikk seminaret", "Deltakelse"]
    assert paragraphs[0] == ("Title", _data().title)
    assert paragraphs[2] == ("Normal", "4. mars 2027")
    summary = paragraphs[: paragraphs.index(("Heading 1", "Slik gikk seminaret"))]
    quotes = [text for style, text in summary if style == "Quote"]
    assert quotes[:3] == [note.text for note in THEMES[0].notes]
    rest = paragraphs[len(summary) :]
    listed = [text for style, text in rest if style == "List Bullet"]
    for note in NOTE_TEXTS:
        assert sum(1 for text in listed if text.startswith(note)) == 1, note
    assert any(text.startswith(HOSTILE) for text in listed)  # as written, not as markup
    everything = " ".join(text for _, text in paragraphs)
    assert "Europe/Oslo" not in everything
    assert "Avsluttet" not in everything  # no phase
    assert not re.search(r"\d:\d\d:\d\d", everything)
    document = docx.Document(io.BytesIO(report_docx(_data(), t)))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "Blå gruppe" in cells
    assert "Grønn gruppe" in cells
    assert document.core_properties.language == "nb"
    # A page break ends the summary.
    xml = document.element.body.xml
    assert xml.index('w:type="page"') < xml.index("Slik gikk seminaret")


def test_the_word_document_reads_right_to_left_in_arabic() -> None:
    t = translator("ar")
    document = docx.Document(io.BytesIO(report_docx(_data(language="ar"), t)))
    first = document.paragraphs[1]._p
    assert first.pPr is not None
    assert first.pPr.find(docx.oxml.ns.qn("w:bidi")) is not None
    assert t.gettext("Summary").lstrip("\u200f") in document.paragraphs[3].text


def test_the_spreadsheet_has_themes_notes_and_participation_as_numbers_and_dates() -> None:
    t = translator("nb")
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(_data(), t)))
    assert book.sheetnames == ["Temaer", "Lapper", "Deltakelse"]
    themes, notes, people = (book[name] for name in book.sheetnames)
    for sheet in (themes, notes):
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert (sheet.column_dimensions["A"].width or 0) >= 8
        assert (sheet.column_dimensions["B"].width or 0) >= 30
    rows = list(themes.iter_rows(min_row=2, values_only=True))
    assert rows == [
        (1, "Å bli sett", "Blå gruppe", 3, 9),
        (2, THEMES[1].name, "Grønn gruppe", 2, 4),
    ]
    header, *lines = list(notes.iter_rows(values_only=True))
    assert header[:2] == ("Lapp", "Tema")
    assert sorted(line[0] for line in lines) == sorted(NOTE_TEXTS)
    first = lines[0]
    assert first[1] == "Å bli sett"
    assert first[2] == 1
    assert first[3] == "Blå gruppe"
    assert first[4] == 3  # votes, a number
    # A note that starts like a formula stays text.
    (formula,) = [cell for cell in notes["A"] if cell.value == UNSORTED[0].text]
    assert formula.data_type == "s"
    counts = {row[0]: row[1] for row in people.iter_rows(values_only=True) if row[0]}
    assert counts[t.gettext("People taking part")] == 12
    assert counts[t.gettext("Notes in total")] == len(NOTE_TEXTS)
    started = counts[t.gettext("Started")]
    assert isinstance(started, datetime)
    # The seminar's time of day, without seconds (a spreadsheet keeps no time zone).
    assert started == datetime(2027, 3, 4, 9, 30)  # noqa: DTZ001
    assert "Europe/Oslo" not in str(list(people.values))


def test_the_spreadsheet_in_arabic_reads_right_to_left_and_keeps_text_clean() -> None:
    note = ReportNote("Bell\x07 ringte", 0)
    data = _data(language="ar", unsorted=(*UNSORTED, note))
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(data, translator("ar"))))
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    assert "Bell ringte" in [cell.value for cell in book.worksheets[1]["A"]]


async def test_the_office_files_are_made_in_their_own_process() -> None:
    word, sheet = await reporting.render_office(_data())
    assert _paragraphs(word)[0][1] == _data().title
    assert openpyxl.load_workbook(io.BytesIO(sheet)).sheetnames[0] == "Temaer"


async def test_without_the_office_files_the_rest_of_the_report_goes_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(data: object) -> tuple[bytes, bytes]:
        raise reporting.ChartError("no")

    monkeypatch.setattr(reporting, "render_office", broken)
    files = dict(await reporting.report_files(_data(), translator("nb")))
    assert set(files) == {"report.html", "notes.csv", "report.json", "chart.png"}


def test_a_big_seminar_is_written_whole() -> None:
    many = tuple(
        dataclasses.replace(
            THEMES[0],
            name=f"Tema {i}",
            rank=i,
            notes=tuple(ReportNote(f"Lapp {i}.{n} med noen ord", 0, votes=n) for n in range(12)),
        )
        for i in range(1, 801)
    )
    data = _data(themes=many)
    # python-docx's own paragraphs took 10 s for these 9,600 notes; the note lists are written
    # as Word's XML instead (the benchmark measures the time, tests only what is written).
    document = docx.Document(io.BytesIO(report_docx(data, translator("nb"))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Lapp 800.11 med noen ord" in text
    assert "Lapp 1.0 med noen ord" in text
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(data, translator("nb"))))
    assert sum(ws.max_row for ws in sheet.worksheets) > 9_600
