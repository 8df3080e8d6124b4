"""The report's bar chart, drawn with Pillow in a process of its own.

``bot.reporting.render_chart`` runs ``python -m bot.chart``, writes a chart spec as JSON to
its stdin and reads a PNG from its stdout, so the bot process never loads the imaging
library. The spec is already translated and free of identities::

    {"title": "...", "subtitle": "...", "legend": ["Notes", "Dots"],
     "rows": [{"name": "1. Theme", "group": "Group 1", "values": [4, 7]}],
     "footnote": "... or null", "empty": "text shown when there are no rows"}

Only Pillow's built-in font is used (``ImageFont.load_default(size=...)``), so no font file
is needed. That font covers ASCII and a little more but not Norwegian letters, so æ, ø
and å (and Æ, Ø, Å) are composed from the glyphs it has, accented letters fall back to
their base letter, and whatever else it cannot draw (emoji) is left out.
"""

from __future__ import annotations

import io
import json
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont

__all__ = ["ChartSpec", "Row", "Typeface", "draw_chart", "main", "parse_spec"]

WIDTH = 1200
MARGIN = 40
LABEL_WIDTH = 470
BAR_HEIGHT = 20
BAR_GAP = 4
ROW_PADDING = 14
VALUE_SPACE = 70
MAX_ROWS = 60

BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (100, 106, 112)
RULE = (226, 228, 231)
# Blue and orange: apart for the common kinds of colour blindness, and in grey print.
SERIES_COLOURS = ((37, 99, 165), (230, 128, 36), (90, 150, 90))

_NO_GLYPH_PROBE = "\u4e00"  # a CJK letter the built-in font surely lacks
_COMPOSED = "æøåÆØÅ"
_SUBSTITUTES = {
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2212": "-",  # minus
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u00d7": "x",
}


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    group: str
    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChartSpec:
    title: str
    subtitle: str
    legend: tuple[str, ...]
    rows: tuple[Row, ...]
    footnote: str
    empty: str


def _text(value: object, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(0, min(value, 10**9))


def parse_spec(raw: Any) -> ChartSpec:
    """Reads the JSON spec leniently: anything missing or malformed is left empty."""
    spec = raw if isinstance(raw, dict) else {}
    legend_raw = spec.get("legend")
    legend = tuple(_text(item, 80) for item in legend_raw) if isinstance(legend_raw, list) else ()
    legend = legend[: len(SERIES_COLOURS)] or ("",)
    rows: list[Row] = []
    rows_raw = spec.get("rows")
    for item in rows_raw if isinstance(rows_raw, list) else ():
        if not isinstance(item, dict):
            continue
        values_raw = item.get("values")
        values = [_count(v) for v in values_raw] if isinstance(values_raw, list) else []
        values = (values + [0] * len(legend))[: len(legend)]
        rows.append(Row(_text(item.get("name")), _text(item.get("group"), 80), tuple(values)))
    return ChartSpec(
        title=_text(spec.get("title")),
        subtitle=_text(spec.get("subtitle")),
        legend=legend,
        rows=tuple(rows[:MAX_ROWS]),
        footnote=_text(spec.get("footnote")),
        empty=_text(spec.get("empty")),
    )


Op = Callable[[ImageDraw.ImageDraw, float, float, tuple[int, int, int]], None]


class Typeface:
    """The built-in font at one size, with what it lacks composed or left out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.font = ImageFont.load_default(size=size)
        self._missing = self._mask(_NO_GLYPH_PROBE)
        self._has: dict[str, bool] = {}

    def _mask(self, char: str) -> tuple[tuple[int, int], bytes]:
        mask = self.font.getmask(char)
        return mask.size, bytes(mask)

    def has(self, char: str) -> bool:
        known = self._has.get(char)
        if known is None:
            known = char.isspace() or self._mask(char) != self._missing
            self._has[char] = known
        return known

    def length(self, text: str) -> float:
        return float(self.font.getlength(text))

    def ink(self, text: str) -> tuple[float, float, float, float]:
        """The box of the pixels text inks, drawn at (0, 0) like ``draw``."""
        canvas = Image.new("L", (self.size * 2 * max(1, len(text)), self.size * 2), 0)
        ImageDraw.Draw(canvas).text((0, 0), text, font=self.font, fill=255)
        box = canvas.getbbox()
        if box is None:
            return self.bbox(text)
        left, top, right, bottom = box
        return float(left), float(top), float(right), float(bottom)

    def bbox(self, text: str) -> tuple[float, float, float, float]:
        left, top, right, bottom = self.font.getbbox(text)
        return float(left), float(top), float(right), float(bottom)

    # Layout: a list of (x offset, drawing operation) and the total advance.

    def clean(self, text: str) -> str:
        """The text with what the font cannot draw replaced or left out, spaces collapsed."""
        kept = []
        for char in unicodedata.normalize("NFC", text):
            if self.has(char) or char in _COMPOSED:
                kept.append(char)
            else:
                kept.append(self._fallback(char))
        return " ".join("".join(kept).split())

    def _layout(self, text: str) -> tuple[list[tuple[float, Op]], float]:
        ops: list[tuple[float, Op]] = []
        x = 0.0
        run = ""

        def flush() -> None:
            nonlocal x, run
            if run:
                ops.append((x, self._run_op(run)))
                x += self.length(run)
                run = ""

        for char in self.clean(text):
            if self.has(char):
                run += char
                continue
            composed = self._composed(char)
            if composed is not None:
                flush()
                op, advance = composed
                ops.append((x, op))
                x += advance
                continue
            run += char
        flush()
        return ops, x

    def _run_op(self, run: str) -> Op:
        def op(draw: ImageDraw.ImageDraw, x: float, y: float, fill: tuple[int, int, int]) -> None:
            draw.text((x, y), run, font=self.font, fill=fill)

        return op

    def _fallback(self, char: str) -> str:
        substitute = _SUBSTITUTES.get(char)
        if substitute is not None:
            return substitute
        base = unicodedata.normalize("NFD", char)[:1]
        if base and base != char and self.has(base):
            return base
        return ""  # emoji and other letters the font cannot draw

    def _composed(self, char: str) -> tuple[Op, float] | None:
        stroke = max(1, round(self.size / 14))
        if char in "åÅ":
            base = "a" if char == "å" else "A"
            return self._with_ring(base, stroke), self.length(base)
        if char in "øØ":
            base = "o" if char == "ø" else "O"
            return self._with_slash(base, stroke), self.length(base)
        if char in "æÆ":
            first, second = ("a", "e") if char == "æ" else ("A", "E")
            overlap = self.size * (0.16 if char == "æ" else 0.22)
            offset = self.length(first) - overlap
            return self._ligature(first, second, offset), offset + self.length(second)
        return None

    def _with_ring(self, base: str, stroke: int) -> Op:
        left, top, right, _ = self.ink(base)
        radius = max(2.0, self.size * 0.1)
        centre_x = (left + right) / 2
        centre_y = top - radius - (self.size * 0.06 if base == "a" else self.size * 0.02)

        def op(draw: ImageDraw.ImageDraw, x: float, y: float, fill: tuple[int, int, int]) -> None:
            draw.text((x, y), base, font=self.font, fill=fill)
            cx, cy = x + centre_x, y + centre_y
            box = (cx - radius, cy - radius, cx + radius, cy + radius)
            draw.ellipse(box, outline=fill, width=stroke)

        return op

    def _with_slash(self, base: str, stroke: int) -> Op:
        left, top, right, bottom = self.ink(base)
        reach = self.size * 0.02

        def op(draw: ImageDraw.ImageDraw, x: float, y: float, fill: tuple[int, int, int]) -> None:
            draw.text((x, y), base, font=self.font, fill=fill)
            start = (x + left - reach, y + bottom + reach)
            end = (x + right + reach, y + top - reach)
            draw.line((start, end), fill=fill, width=stroke)

        return op

    def _ligature(self, first: str, second: str, offset: float) -> Op:
        def op(draw: ImageDraw.ImageDraw, x: float, y: float, fill: tuple[int, int, int]) -> None:
            draw.text((x, y), first, font=self.font, fill=fill)
            draw.text((x + offset, y), second, font=self.font, fill=fill)

        return op

    def measure(self, text: str) -> float:
        return self._layout(text)[1]

    def draw(
        self,
        draw: ImageDraw.ImageDraw,
        xy: tuple[float, float],
        text: str,
        fill: tuple[int, int, int] = INK,
    ) -> None:
        """Draws text with its top (the font's ascender line) at xy."""
        ops, _ = self._layout(text)
        for offset, op in ops:
            op(draw, xy[0] + offset, xy[1], fill)

    def fit(self, text: str, width: float, keep: str = "") -> str:
        """Shortens text (at a word if it can) with an ellipsis so that "text keep" fits."""
        text, keep = self.clean(text), self.clean(keep)
        if keep and text:
            keep = " " + keep
        if self.measure(text + keep) <= width:
            return text + keep
        ellipsis = "…" if self.has("…") else "..."
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits
            middle = (low + high + 1) // 2
            if self.measure(text[:middle].rstrip() + ellipsis + keep) <= width:
                low = middle
            else:
                high = middle - 1
        cut = text[:low]
        word_end = cut.rfind(" ")
        if word_end >= low * 0.6 and low < len(text):
            cut = cut[:word_end]
        return cut.rstrip(" ,.;:-") + ellipsis + keep


def _label(face: Typeface, row: Row, width: float) -> str:
    group = face.clean(row.group)
    keep = f"({group})" if group else ""
    if face.measure(keep) > width * 0.5:
        keep = ""
    return face.fit(row.name, width, keep)


def draw_chart(spec: ChartSpec) -> Image.Image:
    title_face, body_face, small_face = Typeface(30), Typeface(19), Typeface(16)
    series = len(spec.legend)
    row_height = series * BAR_HEIGHT + (series - 1) * BAR_GAP + 2 * ROW_PADDING
    rows_height = row_height * max(1, len(spec.rows))

    top = MARGIN
    title_y = top
    top += 42
    subtitle_y = top
    if spec.subtitle:
        top += 30
    legend_y = top + 6
    top += 44
    rows_top = top
    bottom = rows_top + rows_height + 16
    footnote_y = bottom
    if spec.footnote:
        bottom += 26
    height = bottom + MARGIN

    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN

    title_face.draw(draw, (MARGIN, title_y), title_face.fit(spec.title, text_width))
    if spec.subtitle:
        body_face.draw(draw, (MARGIN, subtitle_y), body_face.fit(spec.subtitle, text_width), MUTED)

    x = float(MARGIN)
    for index, name in enumerate(spec.legend):
        if not name and series == 1:
            break
        draw.rectangle((x, legend_y + 2, x + 18, legend_y + 20), fill=SERIES_COLOURS[index])
        x += 26
        label = small_face.fit(name, 300)
        small_face.draw(draw, (x, legend_y + 1), label)
        x += small_face.measure(label) + 28

    bars_left = MARGIN + LABEL_WIDTH + 16
    bars_right = WIDTH - MARGIN - VALUE_SPACE
    largest = max((value for row in spec.rows for value in row.values), default=0)
    scale = (bars_right - bars_left) / largest if largest else 0.0

    if not spec.rows:
        body_face.draw(draw, (MARGIN, rows_top + ROW_PADDING), body_face.fit(spec.empty, 800))
    for number, row in enumerate(spec.rows):
        y = rows_top + number * row_height
        if number:
            draw.line(((MARGIN, y), (WIDTH - MARGIN, y)), fill=RULE, width=1)
        label = _label(body_face, row, LABEL_WIDTH)
        _, label_top, _, label_bottom = body_face.bbox("Ag")
        label_y = y + (row_height - (label_bottom + label_top)) / 2
        body_face.draw(draw, (MARGIN, label_y), label)
        bar_y = y + ROW_PADDING
        for index, value in enumerate(row.values):
            length = value * scale
            if length > 0:
                draw.rectangle(
                    (bars_left, bar_y, bars_left + max(length, 2), bar_y + BAR_HEIGHT - 1),
                    fill=SERIES_COLOURS[index],
                )
            number_text = str(value)
            _, number_top, _, number_bottom = small_face.bbox("0")
            number_y = bar_y + (BAR_HEIGHT - (number_bottom + number_top)) / 2
            small_face.draw(draw, (bars_left + length + 6, number_y), number_text, MUTED)
            bar_y += BAR_HEIGHT + BAR_GAP
    draw.line(((bars_left, rows_top), (bars_left, rows_top + rows_height)), fill=MUTED, width=1)

    if spec.footnote:
        small_face.draw(
            draw, (MARGIN, footnote_y), small_face.fit(spec.footnote, text_width), MUTED
        )
    return image


def render_png(spec: ChartSpec) -> bytes:
    buffer = io.BytesIO()
    # A palette image is small already; optimize=True would try every compression for little.
    draw_chart(spec).save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def main() -> int:
    try:
        raw = json.loads(sys.stdin.buffer.read())
    except (UnicodeDecodeError, ValueError) as error:
        print(f"bot.chart: the spec is not JSON: {error}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(render_png(parse_spec(raw)))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
