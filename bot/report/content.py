"""What every report for people says, in its order: the summary, the method, participation,
the themes with their notes once, the read-back and the follow-up. The HTML, the Word document
and the spreadsheet are each laid out from these, so they say the same."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_interval, format_time, get_datetime_format

from bot.flows.report_data import ReportData, ReportNote, ReportProposal, ReportTheme
from bot.i18n import Translator

__all__ = [
    "QUOTES",
    "SUMMARY_THEMES",
    "SummaryTheme",
    "format_day",
    "held",
    "local",
    "method",
    "never_grouped",
    "participation",
    "proposals",
    "question_text",
    "summary_themes",
    "when",
    "without_theme",
]

SUMMARY_THEMES = 3  # the top themes on the first page
QUOTES = 3  # the notes quoted for each of them, at most


@dataclass(frozen=True, slots=True)
class SummaryTheme:
    theme: ReportTheme
    quotes: tuple[ReportNote, ...]  # the notes voted most into it; none with too few writers


def local(moment: datetime, zone: str) -> datetime:
    """The moment in the seminar's time zone, which the report uses without naming it."""
    return moment.astimezone(ZoneInfo(zone))


def when(t: Translator, moment: datetime, zone: str) -> str:
    """A date and time of day in words, without seconds: «4. mars 2027, 09:30»."""
    there = local(moment, zone)
    pattern = str(get_datetime_format("long", locale=t.language)).replace("'", "")
    return pattern.format(
        format_time(there, "short", locale=t.language),
        format_date(there, "long", locale=t.language),
    )


def format_day(t: Translator, day: date) -> str:
    return format_date(day, "long", locale=t.language)


def held(t: Translator, data: ReportData) -> str:
    """When the seminar was held: one date, or the span from its start to its close."""
    start = local(data.created_at, data.timezone)
    end = local(data.closed_at, data.timezone) if data.closed_at else start
    if start.date() == end.date():
        return format_date(start, "long", locale=t.language)
    return format_interval(start.date(), end.date(), "yMMMd", locale=t.language)


def summary_themes(data: ReportData) -> list[SummaryTheme]:
    """The top themes (by dots, else by notes: their rank), each with the notes the groups
    voted most into it; no quotes at all when fewer than three people wrote."""
    quoting = not data.too_few_writers
    return [
        SummaryTheme(
            theme,
            tuple(sorted(theme.notes, key=lambda n: -n.votes)[:QUOTES]) if quoting else (),
        )
        for theme in sorted(data.themes, key=lambda theme: theme.rank)[:SUMMARY_THEMES]
    ]


def method(t: Translator, data: ReportData) -> list[str]:
    """How the seminar worked, in a few plain sentences: only the steps it took."""
    sentences = [
        t.gettext(
            "A dialogue seminar asks people about good experiences with the services. "
            "Each person first wrote short notes alone, without their name."
        )
    ]
    if data.groups:
        sentences.append(
            t.gettext("In groups, people sorted the notes into themes by voting on each note.")
        )
    if data.dot_voters:
        sentences.append(
            t.gettext("Then everyone gave dots to the themes that mattered most to them.")
        )
    if data.themes:
        sentences.append(
            t.gettext("The themes are ranked by their dots.")
            if any(theme.dots for theme in data.themes)
            else t.gettext("The themes are ranked by their number of notes.")
        )
        if not data.too_few_writers:
            sentences.append(
                t.gettext("The quotes in the summary are the notes the groups voted most for.")
            )
    if data.recognised or data.missing or data.read_back_themes:
        sentences.append(
            t.gettext(
                "At the end the themes were read back, and people said whether they "
                "recognised them."
            )
        )
    return sentences


def participation(t: Translator, data: ReportData) -> list[tuple[str, int]]:
    """The counts, with the chat's people and the paper notes apart where there were any
    (nobody knows who wrote the paper notes)."""
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
    return rows


def question_text(data: ReportData, question: int) -> str:
    return data.questions[question] if 0 <= question < len(data.questions) else ""


def never_grouped(data: ReportData) -> list[ReportNote]:
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


def without_theme(data: ReportData) -> list[tuple[int, list[ReportNote]]]:
    """The notes no theme holds (all of them, without group work), by question, each once.
    Empty when no theme was made and no note is shown."""
    by_question: dict[int, list[ReportNote]] = {}
    for note in (*data.unsorted, *never_grouped(data)):
        by_question.setdefault(note.question, []).append(note)
    known = [q for q in range(len(data.questions)) if q in by_question]
    return [(q, by_question[q]) for q in [*known, *sorted(set(by_question) - set(known))]]


def proposals(data: ReportData) -> list[tuple[ReportTheme, ReportProposal]]:
    """Every proposal with its theme, in the themes' order; empty without a series."""
    return [
        (theme, proposal)
        for theme in sorted(data.themes, key=lambda theme: theme.rank)
        for proposal in theme.proposals
    ]
