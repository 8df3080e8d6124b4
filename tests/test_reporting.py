"""The report: HTML that nests and escapes, CSV and JSON with every note and no identity,
and a PNG chart drawn in a subprocess (tests/test_chart.py: the chart in every language)."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import html
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot import reporting
from bot.domain import GROUP_MARKS
from bot.flows.report_data import (
    ReportData,
    ReportNote,
    ReportProposal,
    ReportReadBack,
    ReportTheme,
    from_plain,
    to_plain,
)
from bot.i18n import translator
from bot.render.screens import group_name

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = "<script>alert(1)</script> & «sitat»"

QUESTIONS = (
    "Fortell om en gang du ble møtt på en god måte av Nav.",
    "Hva gjorde at det føltes trygt?",
)

THEMES = (
    ReportTheme(
        name="Å bli sett",
        group=1,
        notes=(
            ReportNote("Veilederen hørte på meg og husket hva jeg hadde sagt.", 0, votes=3),
            ReportNote(HOSTILE, 1, votes=2),
            ReportNote("Hun ringte tilbake samme dag, som lovet.", 0, votes=1, paper=True),
        ),
        dots=9,
        rank=1,
    ),
    ReportTheme(
        name="Tid og ro <b>ikke fet</b>",
        group=2,
        notes=(
            ReportNote("Jeg fikk god tid på møtet, ingen stress.", 0, votes=2),
            ReportNote("Ærlige svar, også når svaret var nei.", 1, votes=2),
        ),
        dots=4,
        rank=2,
    ),
)

UNSORTED = (ReportNote("=SUM(A1:A9) var ikke en formel her, bare tekst.", 1),)

NEVER_GROUPED = (
    ReportNote("Søknaden min ble behandlet på to uker.", 0),
    ReportNote("Det var fint å kunne chatte om kvelden.", 1, paper=True),
)


def _all_notes() -> tuple[ReportNote, ...]:
    notes = [note for theme in THEMES for note in theme.notes] + [*UNSORTED, *NEVER_GROUPED]
    # all_notes carries no votes, and it is by question.
    plain = [ReportNote(note.text, note.question, paper=note.paper) for note in notes]
    return tuple(sorted(plain, key=lambda note: note.question))


def _data(**changes: Any) -> ReportData:
    all_notes = _all_notes()
    data = ReportData(
        title="Gode møter med Nav <våren> & sånn",
        language="nb",
        timezone="Europe/Oslo",
        created_at=datetime(2027, 3, 4, 8, 30, tzinfo=UTC),
        closed_at=datetime(2027, 3, 4, 11, 45, tzinfo=UTC),
        generated_at=datetime(2027, 3, 4, 11, 46, tzinfo=UTC),
        phase="Avsluttet",
        questions=QUESTIONS,
        participants=12,
        writers=8,
        notes_per_question=(
            sum(1 for note in all_notes if note.question == 0),
            sum(1 for note in all_notes if note.question == 1),
        ),
        groups=2,
        votes=10,
        dot_voters=7,
        themes=THEMES,
        unsorted=UNSORTED,
        all_notes=all_notes,
        recognised=6,
        missing=2,
        missing_notes=("Mer om ventetid & <frister>", "Tolk på telefon"),
    )
    return dataclasses.replace(data, **changes)


NOTE_TEXTS = [note.text for note in _all_notes()]

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class StrictChecker(HTMLParser):
    """Fails on any non-void element that is not closed in order, and collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in VOID, f"<{tag} /> is not a void element"
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}> closes a void element"
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_html(document: str) -> StrictChecker:
    checker = StrictChecker()
    checker.feed(document)
    checker.close()
    assert checker.doctype
    assert checker.stack == []
    return checker


def test_html_nests_escapes_and_holds_every_theme_and_note() -> None:
    data = _data()
    document = reporting.report_html(data, translator("nb"))
    checker = _check_html(document)
    text = " ".join(" ".join(checker.text).split())

    assert document.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "nb"}) in checker.tags
    for theme in THEMES:
        assert theme.name in text
    for note in NOTE_TEXTS:
        assert note in text
    for missing in data.missing_notes:
        assert missing in text
    assert data.title in text
    assert all(question in text for question in QUESTIONS)

    assert "<script" not in document.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «sitat»" in document
    assert "<b>ikke fet</b>" not in document
    assert "http://" not in document
    assert "https://" not in document
    assert not [tag for tag, attrs in checker.tags if tag in ("script", "link", "iframe")]
    assert "@media print" in document
    # The group's name in words, through the catalog; no emoji font needed to tell groups apart.
    assert "Blå gruppe" in text
    assert "Grønn gruppe" in text
    assert not any(mark in document for mark in GROUP_MARKS)


def test_html_shows_counts_dates_paper_notes_and_the_footer() -> None:
    data = _data()
    t = translator("nb")
    document = reporting.report_html(data, t)
    text = " ".join(" ".join(_check_html(document).text).split())
    # Dates in words, without seconds, and no technical field: no time zone, no phase.
    assert "4. mars 2027" in text
    assert t.gettext("Report made") + ": 4. mars 2027, 12:46" in text
    assert not re.search(r"\d:\d\d:\d\d", text)
    assert "Europe/Oslo" not in text
    assert "Avsluttet" not in text
    # Two paper notes, each shown once: one in its theme, one with the notes no theme got.
    assert document.count('<span class="paper">') == 2
    assert t.ngettext("{count} vote", "{count} votes", 3).format(count=3) in text
    footer = t.gettext("This report holds no names. The notes are shown in mixed order.")
    assert footer in text
    # The read-back's counts, per theme where they were given per theme.
    assert t.gettext("“I recognise this”") in text
    assert t.gettext("All the themes together") + " 6 2" in text
    per_theme = dataclasses.replace(
        data,
        read_back_themes=(
            ReportReadBack("Tillit", 4, 1, ("Ventetiden",)),
            ReportReadBack("Tid", 2, 0),
        ),
    )
    document = reporting.report_html(per_theme, t)
    text = " ".join(" ".join(_check_html(document).text).split())
    assert "Tillit 4 1 Tid 2 0" in text
    assert t.gettext("All the themes together") not in text
    assert "Tillit Ventetiden" in text


def test_participation_counts_the_chat_and_the_paper_notes_apart() -> None:
    t = translator("nb")
    without = " ".join(" ".join(_check_html(reporting.report_html(_data(), t)).text).split())
    assert t.gettext("People taking part") + " 12" in without
    assert t.gettext("Notes written on paper") not in without
    data = _data(paper_notes=2)
    text = " ".join(" ".join(_check_html(reporting.report_html(data, t)).text).split())
    assert t.gettext("People taking part in the chat") + " 12" in text
    assert t.gettext("People who wrote notes in the chat") + " 8" in text
    assert t.gettext("Notes written on paper") + " 2" in text
    assert json.loads(reporting.report_json(data))["paper_notes"] == 2


def test_html_for_a_seminar_without_group_work_shows_every_note() -> None:
    data = _data(themes=(), unsorted=(), groups=0, votes=0, dot_voters=0, recognised=0)
    data = dataclasses.replace(data, missing=0, missing_notes=(), closed_at=None)
    document = reporting.report_html(data, translator("en"))
    text = " ".join(" ".join(_check_html(document).text).split())
    for note in NOTE_TEXTS:
        assert note in text
    assert "No themes were made." in text
    assert "Read-back" not in text
    assert "Closed" not in text


def test_html_embeds_the_chart_as_a_data_uri() -> None:
    png = reporting.PNG_SIGNATURE + b"not really a png"
    document = reporting.report_html(_data(), translator("en"), chart_png=png)
    checker = _check_html(document)
    images = [attrs for tag, attrs in checker.tags if tag == "img"]
    assert len(images) == 1
    assert (images[0]["src"] or "").startswith("data:image/png;base64,")
    assert images[0]["alt"]


def _csv_rows(data: ReportData) -> list[dict[str, str]]:
    raw = reporting.report_csv(data)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    assert tuple(header) == reporting.CSV_COLUMNS
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_csv_has_one_row_per_note_in_rank_order() -> None:
    rows = _csv_rows(_data())
    assert len(rows) == len(NOTE_TEXTS)
    notes = [row["note"].removeprefix("'") for row in rows]
    assert sorted(notes) == sorted(NOTE_TEXTS)
    assert [row["theme_rank"] for row in rows] == ["1", "1", "1", "2", "2", "", "", ""]
    first = rows[0]
    assert first["theme"] == "Å bli sett"
    assert first["group"] == "Blå gruppe"
    assert first["votes_for_theme"] == "3"
    assert first["theme_dots"] == "9"
    assert first["question_number"] == "1"
    assert first["question"] == QUESTIONS[0]
    assert rows[1]["note"] == HOSTILE
    assert rows[2]["paper"] == "yes"
    assert rows[5]["note"] == "'" + UNSORTED[0].text  # no formula in a spreadsheet
    assert rows[5]["theme"] == rows[5]["group"] == ""
    assert {row["note"] for row in rows[6:]} == {note.text for note in NEVER_GROUPED}


def test_csv_keeps_identical_notes_apart() -> None:
    twin = ReportNote(THEMES[0].notes[0].text, 0)
    data = _data(all_notes=(*_all_notes(), twin))
    rows = _csv_rows(data)
    assert len(rows) == len(NOTE_TEXTS) + 1
    assert rows[-1]["note"] == twin.text
    assert rows[-1]["theme"] == ""


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def test_json_holds_every_note_and_no_identity() -> None:
    data = _data()
    raw = reporting.report_json(data)
    assert "Å bli sett".encode() in raw  # not \u-escaped
    document = json.loads(raw.decode("utf-8"))
    strings = _strings(document)
    for note in NOTE_TEXTS:
        assert note in strings
    assert document["notes_total"] == data.notes_total == len(NOTE_TEXTS)
    assert document["created_at"] == "2027-03-04T08:30:00+00:00"
    assert datetime.fromisoformat(document["generated_at"]) == data.generated_at
    assert [theme["rank"] for theme in document["themes"]] == [1, 2]
    assert document["read_back"]["missing_notes"] == list(data.missing_notes)
    for key in _keys(document):
        assert key == key.lower()
        assert key != "id"
        assert not key.endswith("_id")
        assert not any(word in key for word in ("user", "pseudonym", "author", "telegram"))


def _png(raw: bytes) -> Image.Image:
    assert raw.startswith(reporting.PNG_SIGNATURE)
    with Image.open(io.BytesIO(raw)) as image:
        image.load()
        return image.copy()


def _ink_rows(image: Image.Image, colour: tuple[int, int, int]) -> int:
    rgb = image.convert("RGB")
    width, height = rgb.size
    return sum(
        1
        for y in range(height)
        if any(rgb.getpixel((x, y)) == colour for x in range(width // 2, width - 60, 4))
    )


async def test_chart_of_themes_is_a_png_with_both_series() -> None:
    image = _png(await reporting.render_chart(_data()))
    assert 1000 <= image.width <= 1400
    assert 200 <= image.height <= 2000
    assert image.convert("RGB").getpixel((2, 2)) == (255, 255, 255)
    notes_colour, dots_colour = (37, 99, 165), (230, 128, 36)
    assert _ink_rows(image, notes_colour) > 0
    assert _ink_rows(image, dots_colour) > 0


async def test_chart_without_themes_shows_notes_per_question() -> None:
    image = _png(await reporting.render_chart(_data(themes=(), unsorted=())))
    assert 1000 <= image.width <= 1400
    assert _ink_rows(image, (37, 99, 165)) > 0
    assert _ink_rows(image, (230, 128, 36)) == 0


async def test_chart_of_an_empty_seminar_and_of_many_themes() -> None:
    empty = _data(themes=(), unsorted=(), all_notes=(), notes_per_question=(0, 0), questions=())
    assert _png(await reporting.render_chart(empty)).width >= 1000
    many = tuple(
        dataclasses.replace(THEMES[0], name=f"Tema {i} " + "lang tekst " * 20, rank=i)
        for i in range(1, 80)
    )
    image = _png(await reporting.render_chart(_data(themes=many)))
    assert image.height < 5000


async def test_chart_failure_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reporting, "chart_spec", lambda data: {"rows": "x"})
    # A malformed spec is drawn leniently rather than crashing.
    assert (await reporting.render_chart(_data())).startswith(reporting.PNG_SIGNATURE)
    monkeypatch.setattr(reporting, "CHART_TIMEOUT", 0.001)
    with pytest.raises(reporting.ChartError, match="longer than"):
        await reporting.render_chart(_data())


def test_chart_groups_are_words_and_the_direction_is_the_reports() -> None:
    t = translator("nb")
    assert [row["group"] for row in reporting.chart_spec(_data())["rows"]] == [
        "Blå gruppe",
        "Grønn gruppe",
    ]
    assert group_name(t, 8) == "Svart gruppe"
    assert group_name(t, 9) == "Blå gruppe 2"
    assert reporting.chart_spec(_data())["direction"] == "ltr"
    assert [reporting._direction(code) for code in ("ar", "fa", "uk", "so", "xx")] == [
        "rtl", "rtl", "ltr", "ltr", "ltr",
    ]  # fmt: skip


def test_the_bot_process_loads_neither_the_plotting_nor_the_office_libraries() -> None:
    code = (
        "import sys, bot.reporting; "
        "sys.exit(any(name in sys.modules for name in "
        "('PIL', 'matplotlib', 'arabic_reshaper', 'numpy', 'docx', 'openpyxl', 'lxml')))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


SECRET_VARIABLES = {
    "BOT_TOKEN": "123456:TEST-TOKEN-abcdefghijklmnop",
    "BOT_TOKEN_FILE": "/run/secrets/bot_token",
    "SEMINAR_SECRET": "test-seminar-secret-0123456789-abcdef",
    "SEMINAR_SECRET_FILE": "/run/secrets/seminar_secret",
    "AWS_SECRET_ACCESS_KEY": "not-for-the-chart",
}


async def test_the_chart_process_gets_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chart is drawn in a child process; it inherited the whole environment, token and
    secret included. Its spawn is watched here, and the chart must still be drawn."""
    for name, value in SECRET_VARIABLES.items():
        monkeypatch.setenv(name, value)
    spawned: list[dict[str, str]] = []
    spawn = asyncio.create_subprocess_exec

    async def watched(*args: Any, **kwargs: Any) -> asyncio.subprocess.Process:
        spawned.append(dict(kwargs.get("env") or os.environ))
        return await spawn(*args, **kwargs)

    monkeypatch.setattr(asyncio, "create_subprocess_exec", watched)
    assert _png(await reporting.render_chart(_data())).width >= 1000
    [env] = spawned
    for name, value in SECRET_VARIABLES.items():
        assert name not in env
        assert value not in "".join(env.values())
    assert env == reporting.chart_environment()


def test_the_chart_environment_is_only_what_python_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRET_VARIABLES.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PATH", "/usr/local/bin:/usr/bin")
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    monkeypatch.setenv("PYTHONPATH", "/opt/site")
    env = reporting.chart_environment()
    assert set(env) <= {*reporting.CHART_ENVIRONMENT, "PYTHONPATH"}
    assert env["PATH"] == "/usr/local/bin:/usr/bin"
    assert env["LANG"] == "nb_NO.UTF-8"
    assert env["PYTHONPATH"].split(os.pathsep) == [str(ROOT), "/opt/site"]
    monkeypatch.delenv("PYTHONPATH")
    assert reporting.chart_environment()["PYTHONPATH"] == str(ROOT)


def test_a_shortened_note_is_marked_in_html_csv_and_json() -> None:
    shortened = ReportNote("Saksbehandleren ringte tilbake.", 0, shortened=True)
    data = _data(all_notes=(*_all_notes(), shortened))
    t = translator("nb")
    mark = t.gettext("(shortened by the moderator)")

    page = reporting.report_html(data, t)
    assert page.count('<span class="shortened">') == 1
    assert f'{shortened.text}</span> <span class="shortened">{mark}</span>' in page

    rows = _csv_rows(data)
    assert [row["note"] for row in rows if row["shortened_by_moderator"] == "yes"] == [
        shortened.text
    ]
    assert all(row["shortened_by_moderator"] in ("yes", "no") for row in rows)

    document = json.loads(reporting.report_json(data))
    marked = [n["text"] for n in document["all_notes"] if n["shortened_by_moderator"]]
    assert marked == [shortened.text]


def _summary_and_rest(document: str, t: Any) -> tuple[str, str]:
    """The HTML up to the method's heading (title and summary), and the rest."""
    heading = f"<h2>{t.gettext('How the seminar worked')}</h2>"
    assert document.count(heading) == 1
    first, rest = document.split(heading)
    return first, rest


def test_the_report_opens_with_a_summary_of_the_top_themes_and_their_quotes() -> None:
    t = translator("nb")
    document = reporting.report_html(_data(), t)
    summary, rest = _summary_and_rest(document, t)
    body = summary.split("<body>")[1]
    # The summary comes right after the title: no table of metadata before it.
    assert body.index("<h2>Sammendrag</h2>") < body.index("</header>") + 40
    assert "<dl" not in body
    assert "<table" not in body
    assert '<section class="summary">' in summary
    assert "break-after: page" in document  # the summary is the first printed page
    # The top themes by dots, each with its notes voted most into it, as quotes.
    assert summary.index("Å bli sett") < summary.index("Tid og ro")
    quotes = re.findall(r'<blockquote dir="auto"><span class="text">(.*?)</span>', summary)
    assert quotes[:3] == [
        "Veilederen hørte på meg og husket hva jeg hadde sagt.",
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «sitat»",
        "Hun ringte tilbake samme dag, som lovet.",
    ]
    assert len(quotes) == 5
    # Then the method in plain sentences, participation, the themes, the read-back.
    order = [
        t.gettext("Participation"),
        t.gettext("Themes, ranked"),
        t.gettext("Notes no theme got"),
        t.gettext("Read-back"),
    ]
    assert [rest.index(f"<h2>{h}</h2>") for h in order] == sorted(
        rest.index(f"<h2>{h}</h2>") for h in order
    )
    assert (
        t.gettext("In groups, people sorted the notes into themes by voting on each note.") in rest
    )


def test_no_note_is_shown_twice_but_as_a_quote_in_the_summary() -> None:
    t = translator("nb")
    twin = ReportNote(NEVER_GROUPED[0].text, 0)
    data = _data(all_notes=(*_all_notes(), twin))
    _, rest = _summary_and_rest(reporting.report_html(data, t), t)
    checker = _check_html("<!DOCTYPE html><div>" + rest.split("</main>")[0] + "</div>")
    shown = [" ".join(part.split()) for part in checker.text]
    for note in NOTE_TEXTS:
        expected = 2 if note == twin.text else 1  # two people wrote the same words
        assert shown.count(note) == expected, note
    # Without group work every note is listed once, by question.
    plain = dataclasses.replace(data, themes=(), unsorted=(), groups=0)
    _, rest = _summary_and_rest(reporting.report_html(plain, t), t)
    for note in NOTE_TEXTS:
        assert rest.count(html.escape(note, quote=True)) == (2 if note == twin.text else 1)
    assert t.gettext("All notes") in rest


def test_with_fewer_than_three_writers_the_summary_quotes_nobody() -> None:
    t = translator("nb")
    data = _data(too_few_writers=True, themes=(), unsorted=(), all_notes=(), writers=2)
    document = reporting.report_html(data, t)
    summary, _ = _summary_and_rest(document, t)
    assert "<blockquote" not in document
    assert (
        t.gettext(
            "Fewer than three people wrote notes, so no note is shown: with so few, the "
            "readers could tell who wrote what."
        )
        in summary
    )
    # Even were themes handed in with notes, none is quoted.
    themed = dataclasses.replace(data, themes=THEMES)
    assert "<blockquote" not in reporting.report_html(themed, t)


def test_proposals_and_their_follow_up_show_only_where_there_are_any() -> None:
    t = translator("nb")
    without = reporting.report_html(_data(), t)
    assert t.gettext("Proposals and follow-up") not in without
    proposal = ReportProposal(
        "Fast kontaktperson for alle", "Under arbeid", "Avdelingsleder", date(2027, 6, 1)
    )
    themes = (dataclasses.replace(THEMES[0], proposals=(proposal,)), THEMES[1])
    document = reporting.report_html(_data(themes=themes), t)
    summary, rest = _summary_and_rest(document, t)
    assert "Fast kontaktperson for alle · Under arbeid" in summary
    assert t.gettext("Proposals and follow-up") in rest
    text = " ".join(" ".join(_check_html(document).text).split())
    assert "Å bli sett Fast kontaktperson for alle Under arbeid Avdelingsleder 1. juni 2027" in text
    raw = json.loads(reporting.report_json(_data(themes=themes)))
    assert raw["themes"][0]["proposals"][0]["due"] == "2027-06-01"


def test_the_report_data_goes_to_the_office_process_and_back_unchanged() -> None:
    proposal = ReportProposal("Forslag", "Planlagt", due=date(2027, 6, 1))
    data = _data(
        themes=(dataclasses.replace(THEMES[0], proposals=(proposal,)),),
        read_back_themes=(ReportReadBack("Tillit", 4, 1, ("Ventetiden",)),),
    )
    plain = to_plain(data)
    assert from_plain(json.loads(json.dumps(plain))) == data
