"""The report's first page, as a person sees it: opened in a real headless Chromium (Debian's
chromium and chromium-driver, driven by Selenium), the summary is in view without scrolling
at the width of an A4 page, and printed to PDF it fills the first page alone.

`REPORT_SCREENSHOT=1` also saves the first page as docs/report-first-page.png (the README
shows it)."""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser import chromium_at, needs_chromium
from pypdf import PdfReader
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

from bot import reporting
from bot.flows.report_data import ReportData, ReportNote, ReportReadBack, ReportTheme
from bot.i18n import translator

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "report-first-page.png"
# An A4 page's width at 96 dots an inch, and the height of one page.
WIDTH, HEIGHT = 794, 1123

pytestmark = needs_chromium


def _theme(
    rank: int, name: str, group: int, dots: int, notes: list[tuple[str, int]]
) -> ReportTheme:
    return ReportTheme(
        name, group, tuple(ReportNote(t, 0, votes) for t, votes in notes), dots, rank
    )


THEMES = (
    _theme(1, "Å bli sett og trodd på", 1, 23, [
        ("Veilederen min var trygg, empatisk og rommet livssituasjonen min.", 4),
        ("Å bli trodd på, sett helhetlig, tatt på alvor!", 3),
        ("Jeg fikk en veileder som så meg, trodde på meg og gav meg konkrete tilbakemeldinger.", 3),
        ("Hun husket hva jeg hadde sagt sist.", 1),
    ]),
    _theme(2, "Direkte kontakt", 2, 17, [
        ("Jeg fikk veilederens mobilnummer i stedet for sentralbordet.", 4),
        ("Veilederen ringer bare for å høre om jeg har en god dag.", 3),
        ("Svar på e-post samme uke.", 2),
    ]),
    _theme(3, "Valg og egne mål", 3, 11, [
        ("Kan jeg si nei til truckførerkurset?!", 3),
        ("Fant praksisplass selv, og Nav godkjente raskt! Nå har jeg fast jobb!!", 3),
    ]),
    _theme(4, "Tid", 1, 6, [("Jeg fikk god tid på møtet, ingen stress.", 2)]),
)  # fmt: skip


def _data() -> ReportData:
    notes = tuple(ReportNote(n.text, 0) for theme in THEMES for n in theme.notes)
    return ReportData(
        title="Gode møter med Nav",
        language="nb",
        timezone="Europe/Oslo",
        created_at=datetime(2027, 3, 4, 8, 30, tzinfo=UTC),
        closed_at=datetime(2027, 3, 4, 11, 45, tzinfo=UTC),
        generated_at=datetime(2027, 3, 4, 11, 46, tzinfo=UTC),
        phase="",
        questions=(
            "Hva har du vært mest fornøyd med og hatt mest nytte av i møte med det offentlige "
            "hjelpeapparatet?",
            "Hva var det som gjorde dette til en bra opplevelse?",
        ),
        participants=17,
        writers=15,
        notes_per_question=(len(notes), 0),
        groups=3,
        votes=40,
        dot_voters=14,
        themes=THEMES,
        unsorted=(),
        all_notes=notes,
        read_back_themes=(ReportReadBack("Å bli sett og trodd på", 12, 2),),
    )


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    with chromium_at(tmp_path / "profile", WIDTH, HEIGHT) as driver:
        yield driver


async def test_the_reports_first_page_is_its_summary_on_screen_and_on_paper(
    chromium: webdriver.Chrome, tmp_path: Path
) -> None:
    t = translator("nb")
    data = _data()
    page = tmp_path / "report.html"
    page.write_text(reporting.report_html(data, t, await reporting.render_chart(data)), "utf-8")
    chromium.get(page.as_uri())

    # On screen: the summary and its top themes are in view without scrolling.
    fold = chromium.execute_script("return window.innerHeight")
    assert chromium.execute_script("return document.documentElement.clientWidth") <= WIDTH
    summary = chromium.find_element(By.CSS_SELECTOR, "section.summary")
    heading = summary.find_element(By.TAG_NAME, "h2")
    assert heading.text == t.gettext("Summary")
    tops = summary.find_elements(By.CSS_SELECTOR, "section.top h3")
    assert [h.text.split(". ", 1)[1] for h in tops] == [theme.name for theme in THEMES[:3]]
    for element in (heading, tops[0], tops[1]):
        assert element.is_displayed()
        assert element.rect["y"] + element.rect["height"] <= fold, element.text
    quote = summary.find_element(By.TAG_NAME, "blockquote")
    assert quote.text == THEMES[0].notes[0].text

    if os.environ.get("REPORT_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(exist_ok=True)
        SCREENSHOT.write_bytes(chromium.get_screenshot_as_png())

    # On paper: the first page of the PDF holds the summary and nothing after it.
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    options.background = True
    pdf = base64.b64decode(chromium.print_page(options))
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    first = " ".join(reader.pages[0].extract_text().split())
    assert t.gettext("Summary") in first
    for theme in THEMES[:3]:
        assert theme.name in first
    assert "Veilederen min var trygg" in first
    assert t.gettext("How the seminar worked") not in first
    second = " ".join(reader.pages[1].extract_text().split())
    assert second.startswith(t.gettext("How the seminar worked"))
