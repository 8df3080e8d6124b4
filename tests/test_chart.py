"""The report's chart writes every language: Ukrainian, Arabic (shaped, right to left),
Norwegian æ, ø and å, and names with emoji, drawn by ``python -m bot.chart`` as the bot runs
it, and found again in the same drawing saved as SVG with its text kept as text."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot import chart, reporting

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"

ROWS = [
    {"name": "1. Довіра і повага", "group": "Група 1", "values": [4, 7]},
    {"name": "2. الثقة والاحترام", "group": "المجموعة 2", "values": [6, 3]},
    {"name": "3. Å bli sett – æ ø å Æ Ø", "group": "Gruppe 3", "values": [2, 9]},
    {"name": "4. Tid og ro 🟦 ❤️ 🙂", "group": "🟩 Gruppe 4", "values": [3, 0]},
    {"name": "5. لا أحد يسمعني في مكتب الله", "group": "", "values": [1, 1]},
    {"name": "6. Їжак у тумані (ґанок, є)", "group": "", "values": [0, 2]},
]


def _spec(direction: str = "ltr", **changes: Any) -> dict[str, Any]:
    spec = {
        "title": "Gode møter med Nav – Зустрічі – لقاءات",
        "subtitle": "Temaer: antall lapper og prikker",
        "legend": ["Lapper", "Prikker"],
        "rows": ROWS,
        "footnote": "2 flere temaer vises ikke.",
        "empty": "Ingen lapper.",
        "direction": direction,
    }
    return {**spec, **changes}


def _draw(spec: dict[str, Any], *args: str, env: dict[str, str] | None = None) -> bytes:
    """The chart as the bot draws it: ``python -m bot.chart`` with the bot's environment."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.chart", *args],
        input=json.dumps(spec, ensure_ascii=False).encode("utf-8"),
        capture_output=True,
        env=env or reporting.chart_environment(),
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert not done.stderr, done.stderr.decode()  # no missing glyph, no cache warning
    return done.stdout


def _svg_texts(raw: bytes) -> list[str]:
    root = ET.fromstring(raw)
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def _label(row: dict[str, Any]) -> str:
    """A row's label as the chart writes it: the name, then the group's drawable name."""
    group = chart.visible(row["group"])
    return f"{row['name']} ({group})" if group else row["name"]


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_every_name_is_in_the_drawing_as_the_chart_shapes_it(direction: str) -> None:
    rtl = direction == "rtl"
    texts = _svg_texts(_draw(_spec(direction), "--svg"))
    for row in ROWS:
        assert chart.shape(_label(row), rtl) in texts, (row["name"], texts)
    assert chart.shape("Gode møter med Nav – Зустрічі – لقاءات", rtl) in texts
    assert chart.shape("Lapper", rtl) in texts
    assert chart.shape("2 flere temaer vises ikke.", rtl) in texts
    everything = "".join(texts)
    # Cyrillic and Norwegian letters as they are; the colour squares and the smiley left out.
    assert "Довіра і повага (Група 1)" in everything
    assert "Їжак у тумані (ґанок, є)" in everything
    assert "Å bli sett – æ ø å Æ Ø (Gruppe 3)" in everything
    assert "Tid og ro ❤ (Gruppe 4)" in everything
    assert not any(char in everything for char in "🟦🟩🙂\ufe0f")
    # The Arabic is in its joined forms, not the bare letters.
    arabic = next(text for text in texts if "\ufe8e" in text or "\ufefb" in text)
    assert not any("\u0621" <= char <= "\u064a" for char in arabic), arabic


def test_the_png_draws_every_label_and_both_series() -> None:
    for direction in ("ltr", "rtl"):
        raw = _draw(_spec(direction))
        assert raw.startswith(reporting.PNG_SIGNATURE)
        with Image.open(io.BytesIO(raw)) as opened:
            image = opened.convert("RGB")
        assert image.width == chart.WIDTH
        assert image.getpixel((2, 2)) == (255, 255, 255)
        series = len(_spec()["legend"])
        row_height = series * chart.BAR_HEIGHT + (series - 1) * chart.BAR_GAP
        row_height += 2 * chart.ROW_PADDING
        rows_top = chart.MARGIN + 42 + 30 + 44
        left, right = chart.MARGIN, chart.MARGIN + chart.LABEL_WIDTH
        if direction == "rtl":
            left, right = chart.WIDTH - right, chart.WIDTH - left
        for number, row in enumerate(ROWS):
            top = rows_top + number * row_height
            band = image.crop((left, top + 4, right, top + row_height - 4)).convert("L")
            inked = sum(band.histogram()[:128])
            assert inked > 300, (direction, row["name"], inked)  # "1." alone: about 100
        colours = {colour for _, colour in image.getcolors(maxcolors=1 << 24) or []}
        assert (37, 99, 165) in colours  # notes
        assert (230, 128, 36) in colours  # dots


def test_the_arabic_is_drawn_right_to_left_in_joined_forms() -> None:
    """matplotlib lays out the shaped text: the glyphs of an Arabic name, in the drawing's
    order from left to right, are the shaped letters read from the end (python-bidi, an
    independent implementation of the bidirectional algorithm, agrees)."""
    from bidi import get_display
    from matplotlib.font_manager import FontProperties
    from matplotlib.ft2font import FT2Font
    from matplotlib.textpath import TextToPath

    path, _ = chart._font()
    font = FT2Font(path)
    font.set_size(20, 72)
    name = "2. الثقة والاحترام"
    shaped = chart.shape(name)
    assert shaped.startswith("\u200e")  # the paragraph reads left to right, as the chart
    glyphs, _, _ = TextToPath().get_glyphs_with_font(font, shaped)
    drawn = [glyph_id for glyph_id, _x, _y, _size in glyphs]
    assert [x for _id, x, _y, _size in glyphs] == sorted(x for _id, x, _y, _size in glyphs)
    display = get_display(shaped[1:], base_dir="L")
    assert display.startswith("2. ")
    assert display != shaped[1:]
    expected = [f"DejaVuSans-{font.get_char_index(ord(char)):x}" for char in display]
    assert drawn[1:] == expected  # after the mark, which takes no room:
    assert glyphs[0][1] == glyphs[1][1]
    assert FontProperties(fname=path).get_name() == "DejaVu Sans"


def test_shape_leaves_out_what_the_font_cannot_draw() -> None:
    assert chart.shape("🟦 Gruppe 1") == "Gruppe 1"
    assert chart.shape("Å bli sett – æøå") == "Å bli sett – æøå"
    assert chart.shape("Довіра") == "Довіра"
    assert chart.shape("1️⃣ Tid\u200b og  ro 会议") == "1 Tid og ro"
    assert chart.shape("🟦🟩") == ""
    # Lam-alef is one glyph; the font has no glyph for the ligature «الله», so it stays letters.
    arabic = chart.shape("لا الله")
    assert arabic.startswith("\u200e")
    assert "\ufefb" in arabic
    assert "\ufdf2" not in arabic
    assert len(arabic) == len("\u200e") + len("ﻻ ﺍﻟﻠﻪ")
    # In a chart that reads right to left every text gets its paragraph's direction.
    assert chart.shape("Gruppe 1", rtl=True) == "\u200fGruppe 1"
    assert all(unicodedata.category(char) != "Cn" for char in arabic)


def test_a_long_name_is_shortened_and_an_empty_chart_says_so() -> None:
    long = {"name": "7. " + "الثقة والاحترام " * 20, "group": "المجموعة 2", "values": [1, 1]}
    texts = _svg_texts(_draw(_spec("ltr", rows=[long]), "--svg"))
    [label] = [text for text in texts if "…" in text]
    assert label.endswith("… (" + chart.shape("المجموعة 2")[1:] + ")")
    texts = _svg_texts(_draw(_spec("rtl", rows=[], empty="لا توجد ملاحظات."), "--svg"))
    assert chart.shape("لا توجد ملاحظات.", rtl=True) in texts


def test_the_chart_keeps_its_font_list_and_trusts_no_other_users_directory(
    tmp_path: Path,
) -> None:
    env = reporting.chart_environment()
    own = tmp_path / "own"
    _draw(_spec(), env={**env, "MPLCONFIGDIR": str(own)})
    assert any(own.glob("fontlist-*.json"))  # built once, read by the next chart
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    _draw(_spec(), env={**env, "MPLCONFIGDIR": str(shared)})
    assert not any(shared.iterdir())
    target = tmp_path / "target"
    target.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(target)
    _draw(_spec(), env={**env, "MPLCONFIGDIR": str(tmp_path / "link")})
    assert not any(target.iterdir())


def test_the_chart_environment_names_a_config_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    default = reporting.chart_environment()["MPLCONFIGDIR"]
    assert Path(default).name == f"seminarbot-matplotlib-{os.getuid()}"
    monkeypatch.setenv("MPLCONFIGDIR", "/srv/seminarbot/matplotlib")
    assert reporting.chart_environment()["MPLCONFIGDIR"] == "/srv/seminarbot/matplotlib"
