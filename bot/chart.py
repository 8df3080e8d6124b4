"""The report's bar chart, drawn with matplotlib in a process of its own.

``bot.reporting.render_chart`` runs ``python -m bot.chart``, writes a chart spec as JSON to
its stdin and reads a PNG from its stdout (``--svg``: an SVG with its text kept as text), so
the bot process never loads the plotting library. The spec is already translated and free of
identities::

    {"title": "...", "subtitle": "...", "legend": ["Notes", "Dots"],
     "rows": [{"name": "1. Theme", "group": "Group 1", "values": [4, 7]}],
     "footnote": "... or null", "empty": "text shown when there are no rows",
     "direction": "ltr or rtl (the report's language)"}

The text is drawn in DejaVu Sans, the font matplotlib's wheel ships (``mpl-data/fonts``), so
no font needs to be installed: it covers Latin with æ, ø and å, Cyrillic, Greek, Hebrew and
Arabic, with the Arabic presentation forms. Arabic is shaped by ``arabic-reshaper``: each
letter in its joined form, lam-alef as one glyph (a ligature the font lacks, such as the one
for «الله», is left as letters; vowel marks are left out, as the reshaper does). The order
right-to-left text is shown in is matplotlib's own: since 3.11 it lays text out with libraqm,
which runs the Unicode bidirectional algorithm, brackets and their mirroring included, so a
text is only given a leading mark for the direction of its paragraph (the chart's). python-bidi
is not used to reorder: matplotlib would reverse its display order a second time, and its
``get_display`` (0.5 and later) does not mirror brackets. A chart in a right-to-left language
is mirrored: the labels on the right, the bars growing to the left.

Whatever the font has no glyph for is left out rather than drawn as a box: most emoji (the
coloured squares of group names among them), and scripts DejaVu Sans does not cover (CJK,
Ethiopic, Indic). So is what would not show anyway: control and format characters,
variation selectors, enclosing marks.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

__all__ = [
    "MAX_ROWS",
    "ChartSpec",
    "Row",
    "draw_chart",
    "main",
    "parse_spec",
    "render_png",
    "render_svg",
    "shape",
    "visible",
]

WIDTH = 1200
MARGIN = 40
LABEL_WIDTH = 470
BAR_HEIGHT = 20
BAR_GAP = 4
ROW_PADDING = 14
VALUE_SPACE = 70
MAX_ROWS = 60
DPI = 100
# Text sizes in pixels (as the chart is 1200 pixels wide).
TITLE_SIZE, BODY_SIZE, SMALL_SIZE = 30, 19, 16

BACKGROUND = "#ffffff"
INK = "#212529"
MUTED = "#646a70"
RULE = "#e2e4e7"
# Blue and orange: apart for the common kinds of colour blindness, and in grey print.
SERIES_COLOURS = ("#2563a5", "#e68024", "#5a965a")

_LRM, _RLM = "\u200e", "\u200f"
_JOINERS = "\u200c\u200d"  # kept for the reshaper, which joins (or not) across them
_ELLIPSIS = "…"


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
    rtl: bool = False


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
        rtl=spec.get("direction") == "rtl",
    )


# --- Text ----------------------------------------------------------------------------------


def _font_path() -> str:
    import matplotlib

    shipped = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if shipped.is_file():
        return str(shipped)
    from matplotlib import font_manager  # a build that takes DejaVu from the system

    return str(font_manager.findfont("DejaVu Sans", fallback_to_default=False))


@cache
def _font() -> tuple[str, frozenset[int]]:
    """The font's file and the characters it has a glyph for."""
    from matplotlib.ft2font import FT2Font

    path = _font_path()
    return path, frozenset(FT2Font(path).get_charmap())


@cache
def _reshaper() -> Any:
    """The Arabic reshaper, with only the ligatures the font has a glyph for."""
    from arabic_reshaper import ArabicReshaper
    from arabic_reshaper.ligatures import LIGATURES

    _, glyphs = _font()
    lacking = {
        name: False
        for name, (_, forms) in LIGATURES
        if any(form and not all(ord(char) in glyphs for char in form) for form in forms)
    }
    return ArabicReshaper(configuration=lacking)


def _shows(char: str, glyphs: frozenset[int]) -> bool:
    if char in _JOINERS:
        return True
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Me") or category.startswith("Z"):
        return False
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return False  # variation selectors
    return ord(char) in glyphs


def visible(text: str) -> str:
    """The text in logical order with what the font cannot draw left out, spaces collapsed."""
    _, glyphs = _font()
    words = unicodedata.normalize("NFC", text).split()
    kept = ("".join(char for char in word if _shows(char, glyphs)) for word in words)
    return " ".join(word for word in kept if word.strip(_JOINERS))


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def shape(text: str, rtl: bool = False) -> str:
    """The text as the chart draws it (and as its SVG holds it): what the font cannot draw
    left out, Arabic letters in their joined forms, and, if the text reads right to left or
    holds some text that does, a mark in front that sets the direction of its paragraph
    (right to left if ``rtl``, the chart's direction). The order on the page is left to
    matplotlib's bidirectional layout (and to an SVG viewer's)."""
    text = visible(text)
    if not text:
        return ""
    if any(unicodedata.bidirectional(char) == "AL" for char in text):  # Arabic script
        _, glyphs = _font()
        text = _reshaper().reshape(text)
        text = "".join(char for char in text if ord(char) in glyphs or char in _JOINERS)
    text = text.replace("\u200c", "").replace("\u200d", "")
    if rtl:
        return _RLM + text
    return _LRM + text if _has_rtl(text) else text


# --- Drawing -------------------------------------------------------------------------------


class _Canvas:
    """One axes over the whole figure in pixels, y downwards, mirrored for right-to-left."""

    def __init__(self, height: int, rtl: bool) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties

        self.rtl = rtl
        self.figure: Figure = Figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI)
        self.figure.patch.set_facecolor(BACKGROUND)
        FigureCanvasAgg(self.figure)
        self.axes: Axes = self.figure.add_axes((0.0, 0.0, 1.0, 1.0))
        self.axes.set_axis_off()
        self.axes.set_xlim(0, WIDTH)
        self.axes.set_ylim(height, 0)
        self.renderer: RendererBase = self.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        path, _ = _font()
        self._props: dict[int, FontProperties] = {
            size: FontProperties(fname=path, size=size * 72 / DPI)
            for size in (TITLE_SIZE, BODY_SIZE, SMALL_SIZE)
        }
        self._widths: dict[tuple[str, int], float] = {}
        # The boxes of each colour, drawn as one collection (far quicker than a patch each).
        self._boxes: dict[str, list[list[tuple[float, float]]]] = {}

    def x(self, x: float) -> float:
        return WIDTH - x if self.rtl else x

    def width(self, text: str, size: int) -> float:
        if not text:
            return 0.0
        known = self._widths.get((text, size))
        if known is None:
            width, _, _ = self.renderer.get_text_width_height_descent(
                text, self._props[size], ismath=False
            )
            known = self._widths[(text, size)] = float(width)
        return known

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: int,
        colour: str = INK,
        *,
        centre: bool = False,
    ) -> None:
        """Draws shaped text from x on in the chart's reading direction; y is its top, or its
        middle if centre."""
        if not text:
            return
        self.axes.text(
            self.x(x),
            y,
            text,
            fontproperties=self._props[size],
            color=colour,
            ha="right" if self.rtl else "left",
            va="center" if centre else "top",
            parse_math=False,
        )

    def box(self, left: float, top: float, width: float, height: float, colour: str) -> None:
        x = self.x(left + width) if self.rtl else left
        corners = [(x, top), (x + width, top), (x + width, top + height), (x, top + height)]
        self._boxes.setdefault(colour, []).append(corners)

    def finish(self) -> Figure:
        from matplotlib.collections import PolyCollection

        for colour, boxes in self._boxes.items():
            self.axes.add_collection(
                PolyCollection(
                    boxes, facecolors=colour, edgecolors="none", antialiaseds=False, zorder=1
                ),
                autolim=False,
            )
        return self.figure

    def fit(self, text: str, width: float, size: int, keep: str = "") -> str:
        """Shapes text, shortened (at a word if it can) with an ellipsis so that "text keep"
        fits in width."""
        text, keep = visible(text), visible(keep)
        if keep and text:
            keep = " " + keep
        if self.width(shape(text + keep, self.rtl), size) <= width:
            return shape(text + keep, self.rtl)
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits
            middle = (low + high + 1) // 2
            trial = shape(text[:middle].rstrip() + _ELLIPSIS + keep, self.rtl)
            if self.width(trial, size) <= width:
                low = middle
            else:
                high = middle - 1
        cut = text[:low]
        word_end = cut.rfind(" ")
        if word_end >= low * 0.6 and low < len(text):
            cut = cut[:word_end]
        return shape(cut.rstrip(" ,.;:-،؛") + _ELLIPSIS + keep, self.rtl)


def _label(canvas: _Canvas, row: Row, width: float) -> str:
    group = visible(row.group)
    keep = f"({group})" if group else ""
    if canvas.width(shape(keep, canvas.rtl), BODY_SIZE) > width * 0.5:
        keep = ""
    return canvas.fit(row.name, width, BODY_SIZE, keep)


def draw_chart(spec: ChartSpec) -> Figure:
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

    canvas = _Canvas(height, spec.rtl)
    text_width = WIDTH - 2 * MARGIN
    canvas.text(MARGIN, title_y, canvas.fit(spec.title, text_width, TITLE_SIZE), TITLE_SIZE)
    if spec.subtitle:
        subtitle = canvas.fit(spec.subtitle, text_width, BODY_SIZE)
        canvas.text(MARGIN, subtitle_y, subtitle, BODY_SIZE, MUTED)

    x = float(MARGIN)
    for index, name in enumerate(spec.legend):
        if not name and series == 1:
            break
        canvas.box(x, legend_y + 2, 18, 18, SERIES_COLOURS[index])
        x += 26
        label = canvas.fit(name, 300, SMALL_SIZE)
        canvas.text(x, legend_y + 11, label, SMALL_SIZE, centre=True)
        x += canvas.width(label, SMALL_SIZE) + 28

    bars_left = MARGIN + LABEL_WIDTH + 16
    bars_right = WIDTH - MARGIN - VALUE_SPACE
    largest = max((value for row in spec.rows for value in row.values), default=0)
    scale = (bars_right - bars_left) / largest if largest else 0.0

    if not spec.rows:
        empty = canvas.fit(spec.empty, 800, BODY_SIZE)
        canvas.text(MARGIN, rows_top + row_height / 2, empty, BODY_SIZE, centre=True)
    for number, row in enumerate(spec.rows):
        y = rows_top + number * row_height
        if number:
            canvas.box(MARGIN, y, WIDTH - 2 * MARGIN, 1, RULE)
        label = _label(canvas, row, LABEL_WIDTH)
        canvas.text(MARGIN, y + row_height / 2, label, BODY_SIZE, centre=True)
        bar_y = y + ROW_PADDING
        for index, value in enumerate(row.values):
            length = value * scale
            if length > 0:
                canvas.box(bars_left, bar_y, max(length, 2), BAR_HEIGHT, SERIES_COLOURS[index])
            middle = bar_y + BAR_HEIGHT / 2
            canvas.text(bars_left + length + 6, middle, str(value), SMALL_SIZE, MUTED, centre=True)
            bar_y += BAR_HEIGHT + BAR_GAP
    canvas.box(bars_left, rows_top, 1, rows_height, MUTED)

    if spec.footnote:
        footnote = canvas.fit(spec.footnote, text_width, SMALL_SIZE)
        canvas.text(MARGIN, footnote_y, footnote, SMALL_SIZE, MUTED)
    return canvas.finish()


def render_png(spec: ChartSpec) -> bytes:
    from PIL import Image

    figure = draw_chart(spec)
    figure.canvas.draw()
    width, height = figure.canvas.get_width_height()
    pixels = figure.canvas.buffer_rgba()  # type: ignore[attr-defined]
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    # Opaque anyway: RGB is a quarter smaller and quicker to write than matplotlib's RGBA.
    image.convert("RGB").save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def render_svg(spec: ChartSpec) -> bytes:
    """The chart as SVG, its text kept as text (in display order, as ``shape`` gives it)."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "chart"}):
        draw_chart(spec).savefig(buffer, format="svg", dpi=DPI, metadata={"Date": None})
    return buffer.getvalue()


def _config_dir() -> None:
    """Points matplotlib at a cache of its own: the one ``MPLCONFIGDIR`` names if it is ours
    (the font list is built once there, not at every chart), else a fresh one."""
    named = os.environ.get("MPLCONFIGDIR")
    if not (named and _private_dir(Path(named))):
        os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="seminarbot-chart-")


def _private_dir(path: Path) -> bool:
    """Whether the folder exists (made if need be), is no link, and only we may write to it."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = path.lstat()  # a link is not followed
    except OSError:
        return False
    return (
        stat.S_ISDIR(status.st_mode)
        and status.st_mode & 0o022 == 0
        and status.st_uid == os.getuid()
    )


def main() -> int:
    svg = "--svg" in sys.argv[1:]
    try:
        raw = json.loads(sys.stdin.buffer.read())
    except (UnicodeDecodeError, ValueError) as error:
        print(f"bot.chart: the spec is not JSON: {error}", file=sys.stderr)
        return 2
    _config_dir()
    os.environ["MPLBACKEND"] = "agg"
    import matplotlib

    matplotlib.rcdefaults()  # not a matplotlibrc that happens to lie in the working directory
    spec = parse_spec(raw)
    sys.stdout.buffer.write(render_svg(spec) if svg else render_png(spec))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
