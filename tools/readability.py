"""`make readability`: the LIX of every participant-facing text, per language.

A participant-facing text is a gettext call with a translator comment that starts with
``# Participant:`` directly above it; the text measured is the catalog's msgstr. LIX is
words per sentence plus the share of long words (more than six letters) in per cent.
The method's two standard questions are quoted as they are, so they are listed apart and
kept out of the summary.
"""

from __future__ import annotations

import re
import statistics
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

__all__ = [
    "LIMIT",
    "MIN_WORDS",
    "Text",
    "catalog_languages",
    "lix",
    "main",
    "participant_messages",
    "texts",
    "word_count",
]

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
TAG = "Participant:"
LIMIT = 35
# LIX says nothing about a label of a word or two («Personvern» alone would score 101), so a
# text of fewer words is listed apart and not held to the limit.
MIN_WORDS = 5
# The method's standard questions, quoted as they are (../shared/method.md): never rewritten.
EXEMPT = (
    "What have you been most satisfied with",
    "What was it that made this a good experience",
    "What would you most want",
)

_HTML = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_COMMAND = re.compile(r"(?<!\w)/[A-Za-z_][\w@]*")
_SENTENCE_END = re.compile(r"[.!?:]+|\n+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _plain(text: str) -> str:
    """The text a reader reads: no tags, placeholders, commands or emoji."""
    text = _HTML.sub("", text)
    text = _ENTITY.sub(" ", text)
    text = _PLACEHOLDER.sub("", text)
    text = _COMMAND.sub("", text)
    return "".join(
        " " if unicodedata.category(c) in ("So", "Sk", "Cs", "Co") else c
        for c in text
        if c not in "\u200d\ufe0f\ufe0e"
    )


def word_count(text: str) -> int:
    """The words LIX counts: letters only, after tags, placeholders, commands and emoji."""
    return len(_WORD.findall(_plain(text)))


def lix(text: str) -> float:
    """Words per sentence + 100 × long words / words; a text with no words scores 0."""
    plain = _plain(text)
    sentences = [s for s in _SENTENCE_END.split(plain) if _WORD.search(s)]
    words = _WORD.findall(plain)
    if not words:
        return 0.0
    long_words = sum(1 for w in words if sum(c.isalpha() for c in w) > 6)
    return len(words) / max(len(sentences), 1) + 100 * long_words / len(words)


@dataclass(frozen=True, slots=True)
class Text:
    """One participant-facing message in one language."""

    msgid: str
    context: str | None
    comment: str
    text: str
    lix: float

    @property
    def exempt(self) -> bool:
        return self.msgid.startswith(EXEMPT)

    @property
    def short(self) -> bool:
        return word_count(self.text) < MIN_WORDS

    @property
    def scored(self) -> bool:
        """Held to the limit: neither one of the method's questions nor a short label."""
        return not self.exempt and not self.short


def participant_messages(
    source: Path = ROOT / "bot",
) -> dict[tuple[str, str | None], str]:
    """(msgid, context) -> the translator comment, for every call marked `# Participant:`."""
    found: dict[tuple[str, str | None], str] = {}
    for _, _, message, comments, context in extract_from_dir(
        source, [("**.py", "python")], comment_tags=(TAG,), strip_comment_tags=False
    ):
        marked = [c for c in comments if c.startswith(TAG)]
        if not marked:
            continue
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((msgid, context), " ".join(comments)[len(TAG) :].strip())
    return found


def catalog_languages(locales: Path = LOCALES) -> list[str]:
    """Every catalog under locales/, nb and nn first."""
    present = sorted(p.parent.parent.name for p in locales.glob("*/LC_MESSAGES/messages.po"))
    first = [code for code in ("nb", "nn") if code in present]
    return first + [code for code in present if code not in first]


def _forms(message: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """A catalog entry's string, or each of its plural forms."""
    if message is None:
        return ("",)
    if isinstance(message, str):
        return (message,)
    return tuple(message)


def texts(language: str, locales: Path = LOCALES, source: Path = ROOT / "bot") -> Iterator[Text]:
    """Each marked message's msgstr in `language` (every plural form), with its LIX."""
    with (locales / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    by_key = {(m.id[0] if isinstance(m.id, tuple) else m.id, m.context): m for m in catalog if m.id}
    for (msgid, context), comment in sorted(participant_messages(source).items()):
        entry = by_key.get((msgid, context))
        ids = entry.id if entry is not None else msgid
        strings = entry.string if entry is not None else ""
        fallback = _forms(ids)
        for i, form in enumerate(_forms(strings)):
            text = form or fallback[min(i, len(fallback) - 1)]
            yield Text(msgid, context, comment, text, lix(text))


def _line(text: Text) -> str:
    flat = " ".join(text.text.split())
    return f"{text.lix:5.1f}  {flat[:110]}"


def report(language: str) -> list[str]:
    """The lines `make readability` prints for one language."""
    measured = list(texts(language))
    counted = sorted((t for t in measured if t.scored), key=lambda t: -t.lix)
    short = sorted((t for t in measured if t.short and not t.exempt), key=lambda t: -t.lix)
    exempt = [t for t in measured if t.exempt]
    lines = [f"== {language} =="]
    lines += [_line(t) for t in counted]
    if short:
        lines.append(f"-- {language}: labels of fewer than {MIN_WORDS} words (not scored) --")
        lines += [_line(t) for t in short]
    if exempt:
        lines.append(f"-- {language}: the method's questions, quoted as they are (exempt) --")
        lines += [_line(t) for t in exempt]
    scores = [t.lix for t in counted]
    above = sum(1 for s in scores if s > LIMIT)
    mean = statistics.fmean(scores) if scores else 0.0
    top = max(scores, default=0.0)
    lines.append(
        f"-- {language}: {len(scores)} texts, mean LIX {mean:.1f}, max {top:.1f}, "
        f"{above} above {LIMIT}; {len(short)} short labels, {len(exempt)} exempt --"
    )
    return lines


def main(argv: list[str]) -> int:
    languages = argv or catalog_languages()
    summaries = []
    for language in languages:
        lines = report(language)
        print("\n".join(lines), end="\n\n")
        summaries.append(lines[-1])
    print("\n".join(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
