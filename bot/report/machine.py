"""The report for machines: one CSV row per note, and the whole report as JSON. Neither holds
an identity; the Word document and the spreadsheet are the ones for people."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.flows.report_data import ReportData, ReportNote, ReportTheme
from bot.i18n import translator
from bot.render.screens import group_name, reason_name
from bot.report.content import never_grouped, question_text

__all__ = ["CSV_COLUMNS", "notes_for_question", "report_csv", "report_json"]

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


def notes_for_question(data: ReportData, question: int) -> int:
    counts = data.notes_per_question
    return counts[question] if 0 <= question < len(counts) else 0


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
            _cell(question_text(data, note.question)),
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
    writer.writerows(row(note, "", None) for note in never_grouped(data))
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
            {"number": number, "text": text, "notes": notes_for_question(data, number - 1)}
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
                "proposals": [
                    {
                        "text": proposal.text,
                        "status": proposal.status,
                        "owner": proposal.owner,
                        "due": proposal.due.isoformat() if proposal.due else None,
                        "reason": reason_name(t, proposal.reason),
                    }
                    for proposal in theme.proposals
                ],
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
