"""`make demo` runs a whole seminar and leaves a report that holds every theme and no identity."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
from html.parser import HTMLParser
from pathlib import Path

from harness import ROOT

from bot.demo import PEOPLE


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


async def test_the_demo_runs_and_its_report_is_complete(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndatabase = "data/seminar.sqlite3"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "SEMINAR_SECRET")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "demo",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 600)
    transcript = out.decode()
    assert proc.returncode == 0, transcript[-3000:]
    assert "ranked by the dot vote" in transcript

    report = tmp_path / "data" / "demo-report"
    page = _Text()
    page.feed((report / "report.html").read_text(encoding="utf-8"))
    shown = " ".join(page.parts)
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert data["themes"]
    for theme in data["themes"]:
        assert theme["name"] in shown
    for _, _, _, first, second in PEOPLE:
        for note in first + second:
            assert note in shown
    rows = list(csv.DictReader(io.StringIO((report / "notes.csv").read_text("utf-8-sig"))))
    assert len(rows) == sum(len(f) + len(s) for _, _, _, f, s in PEOPLE)
    everything = "".join(p.read_text("utf-8", errors="ignore") for p in report.glob("*.[hcj]*"))
    for name, *_ in PEOPLE:
        assert f"{name}" not in json.dumps(data, ensure_ascii=False)
    assert "pseudonym" not in everything
    assert (report / "chart.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
