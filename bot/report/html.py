"""The report as one self-contained HTML page that prints well to PDF: the summary on the
first page, then the method, participation, the themes with their notes once, the read-back
and the follow-up. Pure: ReportData and a Translator in, text out."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Iterator

from bot.flows.report_data import ReportData, ReportNote, ReportProposal, ReportReadBack
from bot.i18n import Translator
from bot.render.screens import group_name, reason_name
from bot.report import content
from bot.report.content import SummaryTheme

__all__ = ["report_html"]

_RTL = ' dir="rtl"'

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
.kind { margin: 0; color: #555d66; }
.held { margin: 0 0 1rem; color: #555d66; }
section.summary h2 { margin-top: 1.2rem; }
ul.numbers { list-style: none; display: flex; flex-wrap: wrap; gap: .4rem 1.6rem; margin: 0;
  padding: 0; }
ul.numbers b { font-size: 1.4rem; margin-inline-end: .3rem; font-variant-numeric: tabular-nums; }
section.top { margin: 1.1rem 0 0; }
section.top h3 { margin: 0 0 .1rem; }
blockquote {
  margin: .35rem 0; padding: .3rem .8rem; border-inline-start: 4px solid #2563a5;
  background: #eef4fb; font-style: italic;
}
ul.proposals { margin: .4rem 0 0; padding-inline-start: 1.2rem; }
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
  section.summary { break-after: page; page-break-after: always; }
  h1, h2, h3, .about, thead { break-after: avoid; page-break-after: avoid; }
  h2, h3 { break-inside: avoid; page-break-inside: avoid; }
  li, tr, figure, blockquote, section.top { break-inside: avoid; page-break-inside: avoid; }
  ul.notes li { border-inline-start: 2pt solid #999; padding: .15em .5em; margin: .25em 0; }
  blockquote { border-inline-start: 2pt solid #2563a5; }
  .kind, .held, .about, .votes, .paper, .shortened, .empty, footer p { color: #333; }
  figure.chart img { border: 0; max-height: 120mm; width: auto; }
  p, li { orphans: 3; widows: 3; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _el(tag: str, text: str, attributes: str = "") -> str:
    """An element holding escaped text; keeps gettext calls outside f-strings for Babel."""
    return f"<{tag}{attributes}>{_e(text)}</{tag}>"


def _marks(t: Translator, note: ReportNote) -> list[str]:
    parts = []
    if note.paper:
        parts.append(_el("span", t.gettext("(paper)"), ' class="paper"'))
    if note.shortened:
        parts.append(_el("span", t.gettext("(shortened by the moderator)"), ' class="shortened"'))
    return parts


def _note_item(t: Translator, note: ReportNote, *, votes: bool) -> str:
    parts = [f'<span class="text" dir="auto">{_e(note.text)}</span>', *_marks(t, note)]
    if votes:
        label = t.ngettext("{count} vote", "{count} votes", note.votes)
        parts.append(f'<span class="votes">{_e(label.format(count=t.number(note.votes)))}</span>')
    return "<li>" + " ".join(parts) + "</li>"


def _note_list(t: Translator, notes: Iterable[ReportNote], *, votes: bool) -> Iterator[str]:
    yield '<ul class="notes">'
    yield from (_note_item(t, note, votes=votes) for note in notes)
    yield "</ul>"


def _about(t: Translator, theme_notes: int, dots: int, group: int) -> str:
    notes = t.ngettext("{count} note", "{count} notes", theme_notes)
    dotted = t.ngettext("{count} dot", "{count} dots", dots)
    return " · ".join(
        (
            group_name(t, group),
            notes.format(count=t.number(theme_notes)),
            dotted.format(count=t.number(dots)),
        )
    )


def _proposal_line(proposal: ReportProposal) -> str:
    return " · ".join(part for part in (proposal.text, proposal.status) if part)


def _summary(t: Translator, data: ReportData, top: list[SummaryTheme]) -> Iterator[str]:
    yield '<section class="summary">'
    yield _el("h2", t.gettext("Summary"))
    numbers = (
        (t.gettext("People taking part"), data.participants),
        (t.gettext("Notes in total"), data.notes_total),
        (t.gettext("People who gave dots"), data.dot_voters),
    )
    yield '<ul class="numbers">'
    yield from (
        f"<li><b>{_e(t.number(count))}</b>{_e(label)}</li>" for label, count in numbers if count
    )
    yield "</ul>"
    if data.too_few_writers:
        yield _el("p", _withheld(t), ' class="empty"')
    elif not top:
        yield _el("p", t.gettext("No themes were made."), ' class="empty"')
    for item in top:
        theme = item.theme
        yield '<section class="top">'
        rank = f'<span class="rank">{_e(t.number(theme.rank))}.</span>'
        yield f"<h3>{rank} <bdi>{_e(theme.name)}</bdi></h3>"
        about = _about(t, len(theme.notes), theme.dots, theme.group)
        yield f'<p class="about">{_e(about)}</p>'
        yield from (
            f'<blockquote dir="auto"><span class="text">{_e(note.text)}</span></blockquote>'
            for note in item.quotes
        )
        if theme.proposals:
            yield '<ul class="proposals">'
            yield from (f'<li dir="auto">{_e(_proposal_line(p))}</li>' for p in theme.proposals)
            yield "</ul>"
        yield "</section>"
    yield "</section>"


def _withheld(t: Translator) -> str:
    return t.gettext(
        "Fewer than three people wrote notes, so no note is shown: with so few, the "
        "readers could tell who wrote what."
    )


def _method(t: Translator, data: ReportData) -> Iterator[str]:
    yield _el("h2", t.gettext("How the seminar worked"))
    yield _el("p", " ".join(content.method(t, data)))
    yield _el("h3", t.gettext("Questions"))
    yield '<ol class="questions">'
    yield from (f'<li dir="auto">{_e(question)}</li>' for question in data.questions)
    yield "</ol>"


def _participation(t: Translator, data: ReportData) -> Iterator[str]:
    yield _el("h2", t.gettext("Participation"))
    yield "<table><tbody>"
    for label, value in content.participation(t, data):
        yield f'<tr><th scope="row">{_e(label)}</th><td class="num">{_e(t.number(value))}</td></tr>'
    yield "</tbody></table>"


def _ranking_table(t: Translator, data: ReportData) -> Iterator[str]:
    yield "<table><thead><tr>"
    yield _el("th", t.gettext("Rank"), ' class="num" scope="col"')
    yield _el("th", t.gettext("Theme"), ' scope="col"')
    yield _el("th", t.gettext("Group"), ' scope="col"')
    yield _el("th", t.gettext("Notes"), ' class="num" scope="col"')
    yield _el("th", t.gettext("Dots"), ' class="num" scope="col"')
    yield "</tr></thead><tbody>"
    for theme in data.themes:
        yield (
            f'<tr><td class="num">{_e(t.number(theme.rank))}</td>'
            f"<td><bdi>{_e(theme.name)}</bdi></td>"
            f"<td>{_e(group_name(t, theme.group))}</td>"
            f'<td class="num">{_e(t.number(len(theme.notes)))}</td>'
            f'<td class="num">{_e(t.number(theme.dots))}</td></tr>'
        )
    yield "</tbody></table>"


def _chart(t: Translator, data: ReportData, chart_png: bytes) -> str:
    alt = (
        t.gettext("Bar chart of the themes: number of notes and dots for each theme.")
        if data.themes
        else t.gettext("Bar chart of the number of notes for each question.")
    )
    source = base64.b64encode(chart_png).decode("ascii")
    return (
        f'<figure class="chart"><img src="data:image/png;base64,{source}" alt="{_e(alt)}"></figure>'
    )


def _themes(t: Translator, data: ReportData, chart_png: bytes | None) -> Iterator[str]:
    yield _el("h2", t.gettext("Themes, ranked"))
    if chart_png:
        yield _chart(t, data, chart_png)
    if not data.themes:
        yield _el("p", t.gettext("No themes were made."), ' class="empty"')
        return
    yield from _ranking_table(t, data)
    for theme in data.themes:
        yield '<section class="theme">'
        rank = f'<span class="rank">{_e(t.number(theme.rank))}.</span>'
        yield f"<h3>{rank} <bdi>{_e(theme.name)}</bdi></h3>"
        yield f'<p class="about">{_e(_about(t, len(theme.notes), theme.dots, theme.group))}</p>'
        yield from _note_list(t, theme.notes, votes=True)
        yield "</section>"


def _without_theme(t: Translator, data: ReportData) -> Iterator[str]:
    """The notes no theme holds, by question: every note once. With too few writers, why
    there are none."""
    if data.too_few_writers:
        yield _el("h2", t.gettext("All notes"))
        yield _el("p", _withheld(t), ' class="empty"')
        return
    groups = content.without_theme(data)
    if not groups:
        return
    heading = t.gettext("Notes no theme got") if data.themes else t.gettext("All notes")
    yield _el("h2", heading)
    for question, notes in groups:
        heading = t.gettext("Question {number}: {question}").format(
            number=question + 1, question=content.question_text(data, question)
        )
        yield '<section class="question">'
        yield f"<h3>{_e(heading)}</h3>"
        yield from _note_list(t, notes, votes=False)
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


def _follow_up(t: Translator, data: ReportData) -> Iterator[str]:
    """The proposals and what came of them; nothing at all while there are none."""
    rows = content.proposals(data)
    if not rows:
        return
    yield _el("h2", t.gettext("Proposals and follow-up"))
    headings = (
        t.gettext("Theme"),
        t.gettext("Proposal"),
        t.gettext("Status"),
        t.gettext("Who follows it up"),
        t.gettext("Due"),
    )
    yield "<table><thead><tr>" + "".join(f'<th scope="col">{_e(h)}</th>' for h in headings)
    yield "</tr></thead><tbody>"
    for theme, proposal in rows:
        reason = reason_name(t, proposal.reason)
        status = " · ".join(part for part in (proposal.status, reason) if part)
        due = content.format_day(t, proposal.due) if proposal.due else ""
        cells = (theme.name, proposal.text, status, proposal.owner, due)
        yield "<tr>" + "".join(f'<td dir="auto">{_e(cell)}</td>' for cell in cells) + "</tr>"
    yield "</tbody></table>"


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
        _el("p", content.held(t, data), ' class="held"'),
        "</header>",
        *_summary(t, data, content.summary_themes(data)),
        *_method(t, data),
        *_participation(t, data),
        *_themes(t, data, chart_png),
        *_without_theme(t, data),
        *_read_back(t, data),
        *_follow_up(t, data),
    ]
    made = t.gettext("Report made") + ": " + content.when(t, data.generated_at, data.timezone)
    footer = t.gettext("This report holds no names. The notes are shown in mixed order.")
    parts += [
        f"<footer><p>{_e(footer)}</p><p>{_e(made)}</p></footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)
