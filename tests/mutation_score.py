"""Prints the mutation score of each module from `mutmut results`: run by `make mutation`.

A mutant counts as killed when the tests failed on it or ran out of time; survivors and
mutants no test reached count against the score. Exits 1 when a module is under the minimum.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter, defaultdict

DETECTED = {"killed", "timeout"}


def statuses(lines: list[str]) -> dict[str, Counter[str]]:
    """Counts of each status per module, from lines like `    bot.keys.x_new_id__mutmut_3: killed`."""
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            by_module[name.rsplit(".", 1)[0]][status] += 1
    return by_module


def table(by_module: dict[str, Counter[str]]) -> tuple[str, float]:
    """A Markdown table of the scores and the lowest score in it."""
    rows = ["| module | killed / total | score | survived | no tests |", "|---|---|---|---|---|"]
    lowest = 100.0
    for module, counts in sorted(by_module.items()):
        total = sum(counts.values())
        killed = sum(counts[s] for s in DETECTED)
        score = 100.0 * killed / total
        lowest = min(lowest, score)
        rows.append(
            f"| `{module}` | {killed} / {total} | {score:.1f} % "
            f"| {counts['survived']} | {counts['no tests']} |"
        )
    return "\n".join(rows), lowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minimum", type=float, default=80.0, help="lowest score per module")
    minimum = parser.parse_args().minimum
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_module = statuses(out.splitlines())
    if not by_module:
        print("no mutation results: run `mutmut run` first", file=sys.stderr)
        return 1
    text, lowest = table(by_module)
    print(text)
    if lowest < minimum:
        print(f"\na module is under {minimum:g} % of mutants killed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
