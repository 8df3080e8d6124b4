"""`make bench`: the seminar bot at seminar scale, side by side with a bare python-telegram-bot.

Three measurements, printed as numbers; nothing is asserted.

1. **Load.** The real bot (`python -m bot run`) against the local Bot API double, with
   simulated participants who join, answer, propose themes, sort notes and dot-vote as in a real
   seminar. Each participant waits for the bot's answer before the next step, as a person on a
   phone does. Then the same updates, participant by participant, against a bare
   python-telegram-bot echo bot (`bench/bare_bot.py`) on the same double. The double's flood
   limits are off, so both measure code, not Telegram's limits. Latency runs from the update
   being offered to the bot to the bot's first answer arriving at the double.
2. **A big seminar.** 1,000 participants and 10,000 notes, sorted and dot-voted through the
   flows; how long the summary and the report take.
3. **A broadcast** to 1,000 participants with the double's limits on, as a fraction of the
   configured rate (`bench/broadcast.py`).

    python -m bench.seminar [--participants 200] [--big-participants 1000 --big-notes 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench import big_seminar, broadcast
from bot.domain import GROUP_MARKS
from bot.i18n import translator
from localapi import FloodLimits, LocalBotApi, SimUser
from localapi.process import terminate
from localapi.sim import BotMessage

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-token-for-the-local-double"
SECRET = "bench-seminar-secret-0123456789abcdef"
WAIT = 300.0  # seconds a simulated person waits for an answer before the run is called failed
STAGES = ("join", "answer", "themes", "vote", "dots")
LANGUAGES = ("nb", "nn", "en")
NOTES = (
    "Veilederen min hørte på meg og tok seg god tid",
    "Jeg fikk snakke med den samme personen hver gang",
    "De ringte tilbake når de hadde lovet det",
    "Jeg ble trodd på og tatt på alvor",
    "Vi la planen sammen, og jeg fikk velge selv",
    "Praksisplassen ble godkjent raskt og uten mas",
    "Brevene var skrevet så jeg forsto dem",
    "Jeg slapp å forklare alt på nytt",
)
THEMES = ("Relasjon", "Tid", "Å bli trodd", "Valgfrihet")
DOT_PICKS = (1, 2, 1)
NOTES_PER_QUESTION = 2

Matcher = Callable[[BotMessage], bool]


# ---------------------------------------------------------------- measuring


@dataclass
class Participant:
    user: SimUser
    language: str
    index: int
    script: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


class Stopwatch:
    """Offers updates for simulated people and times the answer each of them waits for."""

    def __init__(self, api: LocalBotApi) -> None:
        self.api = api
        self.offered_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.updates = 0
        self.calls = 0  # Bot API calls the bot made during the timed stages
        self.timing = False

    def calls_so_far(self) -> int:
        return sum(n for method, n in self.api.stats.by_method.items() if method != "getUpdates")

    def _offer(self, who: Participant, stage: str, kind: str, text: str) -> None:
        who.script.setdefault(stage, []).append((kind, text))
        self.offered_at[who.user.id] = time.perf_counter()
        if self.timing:
            self.updates += 1

    async def send(self, who: Participant, stage: str, text: str) -> None:
        self._offer(who, stage, "text", text)
        await who.user.send(text)

    async def press(self, who: Participant, stage: str, message: BotMessage, label: str) -> None:
        self._offer(who, stage, "press", label)
        await who.user.press(message, label)

    async def answer(self, who: Participant, expected: Matcher) -> BotMessage:
        """Waits for the expected answer; its latency runs from the offer of the update to the
        answer's arrival at the double, whenever the waiting task gets to see it."""
        arrived: list[float] = []

        def check(message: BotMessage) -> bool:
            if expected(message):
                arrived.append(message.at)
                return True
            return False

        message = await who.user.wait_for(check, WAIT)
        offered = self.offered_at.pop(who.user.id, None)
        if self.timing and offered is not None:
            self.latencies.append(arrived[-1] - offered)
        return message


@dataclass
class LoadResult:
    updates: int
    seconds: float
    latencies: list[float]
    peak_mib: float
    stage_seconds: dict[str, float]
    calls: int

    @property
    def calls_per_update(self) -> float:
        return self.calls / self.updates

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def timed_stage(
    clock: Stopwatch,
    seconds: dict[str, float],
    stage: str,
    people: Iterable[Participant],
    act: Callable[[Participant], Awaitable[None]],
) -> None:
    clock.timing = True
    calls = clock.calls_so_far()
    started = time.perf_counter()
    await asyncio.gather(*(act(p) for p in people))
    seconds[stage] = time.perf_counter() - started
    clock.calls += clock.calls_so_far() - calls
    clock.timing = False


class BotUnderTest:
    """A bot in its own process, so its memory is its own."""

    def __init__(self, args: list[str], folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, api: LocalBotApi) -> None:
        env = {**os.environ, "BOT_TOKEN": TOKEN, "SEMINAR_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
        with (self.folder / "bot.log").open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, *self.args, cwd=ROOT, env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60
        while api.stats.by_method["getUpdates"] == 0:
            if self.process.returncode is not None or time.monotonic() > deadline:
                log_text = (self.folder / "bot.log").read_text(errors="replace")
                raise RuntimeError(f"the bot did not start:\n{log_text}")
            await asyncio.sleep(0.05)

    def peak_mib(self) -> float:
        """Peak resident memory (VmHWM) of the process so far."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    async def stop(self) -> None:
        if self.process is not None:
            await terminate(self.process, grace=30)


# ---------------------------------------------------------------- the seminar bot


def label(language: str, msgid: str) -> str:
    return translator(language).pgettext("button", msgid)


def give_dot(language: str, number: int) -> str:
    """The dot card's button that gives theme `number` a dot."""
    return label(language, "Theme {number}: + dot").format(number=number)


def showing(text: str) -> Matcher:
    return lambda m: text in m.button_labels()


def edit_of(message: BotMessage) -> Matcher:
    """The next edit of the message; make it before the press, as the message changes live."""
    message_id, edits = message.message_id, message.edited
    return lambda m: m.message_id == message_id and m.edited > edits


def newer_than(message: BotMessage) -> Matcher:
    return lambda m: m.edited == 0 and m.message_id > message.message_id


def note_text(person: int, question: int, number: int) -> str:
    return NOTES[(person + question * NOTES_PER_QUESTION + number) % len(NOTES)]


def write_config(folder: Path, base_url: str) -> Path:
    path = folder / "config.toml"
    path.write_text(
        "\n".join(
            [
                "[telegram]",
                f'api_base_url = "{base_url.removesuffix("/bot")}"',
                # The double's flood limits are off: the bot's own pacing should not be the limit.
                "messages_per_second = 1000",
                "[storage]",
                'database = "seminar.sqlite3"',
                "[seminar]",
                'default_language = "nb"',
                'fallback_language = "en"',
                'timezone = "Europe/Oslo"',
                "[logging]",
                'level = "INFO"',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


async def create_seminar(moderator: SimUser) -> str:
    await moderator.send("/new")
    await moderator.wait_for(showing(label("nb", "Cancel")), WAIT)
    await moderator.send("Gode møter med Nav")
    choice = await moderator.wait_for(showing("Norsk (bokmål)"), WAIT)
    await moderator.press(choice, "Norsk (bokmål)")
    questions = await moderator.wait_for(showing(label("nb", "Use these questions")), WAIT)
    await moderator.press(questions, label("nb", "Use these questions"))
    created = await moderator.wait_for(lambda m: "?start=" in m.text, WAIT)
    return created.text.split("?start=")[1].split()[0]


async def everyone(
    people: Iterable[Participant], matcher: Callable[[Participant], Matcher]
) -> None:
    """Waits, outside the timed stages, until every participant got a message (a broadcast)."""
    await asyncio.gather(*(p.user.wait_for(matcher(p), WAIT) for p in people))


async def run_seminar(count: int, folder: Path) -> tuple[LoadResult, list[Participant]]:
    api = LocalBotApi(token=TOKEN, bot_username="bench_bot", flood=FloodLimits.off())
    base_url = await api.start()
    config = write_config(folder, base_url)
    bot = BotUnderTest(["-m", "bot", "--config", str(config), "run"], folder)
    await bot.start(api)
    clock = Stopwatch(api)
    seconds: dict[str, float] = {}
    try:
        moderator = api.user("Mona", language_code="nb", username="mona")
        code = await create_seminar(moderator)
        people = [
            Participant(api.user(f"P{i}", language_code=LANGUAGES[i % 3]), LANGUAGES[i % 3], i)
            for i in range(count)
        ]

        async def join(p: Participant) -> None:
            await clock.send(p, "join", f"/start {code}")
            welcome = await clock.answer(p, showing("English"))
            await clock.press(p, "join", welcome, label(p.language, "✅ I agree, let me take part"))
            await clock.answer(p, lambda m: m.message_id > welcome.message_id)

        await timed_stage(clock, seconds, "join", people, join)

        await moderator.send("/open")
        await moderator.wait_for(showing(label("nb", "Close the answer round")), WAIT)
        await everyone(people, lambda p: showing(label(p.language, "Next question ▶")))

        async def write(p: Participant, note: str) -> BotMessage:
            await clock.send(p, "answer", note)
            return await clock.answer(p, lambda m: note[:20] in m.text and "✓" in m.text)

        async def answer(p: Participant) -> None:
            for question, button in enumerate(("Next question ▶", "I am done ✓")):
                for number in range(NOTES_PER_QUESTION):
                    saved = await write(p, note_text(p.index, question, number))
                await clock.press(p, "answer", saved, label(p.language, button))
                after = (
                    showing(label(p.language, "I am done ✓"))
                    if question == 0
                    else (lambda m: "/notes" in m.text)
                )
                await clock.answer(p, after)

        await timed_stage(clock, seconds, "answer", people, answer)

        await moderator.send("/close")
        await moderator.wait_for(showing(label("nb", "Hide note {number}").format(number=1)), WAIT)
        moderator.drain()
        await moderator.send("/groups")
        formed = await moderator.wait_for(
            showing(label("nb", "Show the notes to the groups")), WAIT
        )
        await everyone(people, lambda p: lambda m: any(mark in m.text for mark in GROUP_MARKS))
        await moderator.press(formed, label("nb", "Show the notes to the groups"))
        # Each member's list of the group's notes, whose «New theme» asks for a theme's name.
        lists = dict(
            zip(
                (p.index for p in people),
                await asyncio.gather(
                    *(
                        p.user.wait_for(showing(label(p.language, "New theme")), WAIT)
                        for p in people
                    )
                ),
                strict=True,
            )
        )

        async def propose(p: Participant) -> None:
            """A press on «New theme», then the name: two updates, each answered."""
            theme = THEMES[p.index % len(THEMES)]
            await clock.press(p, "themes", lists[p.index], label(p.language, "New theme"))
            await clock.answer(p, showing(label(p.language, "Cancel")))
            await clock.send(p, "themes", theme)
            await clock.answer(p, lambda m: theme.casefold() in m.text.casefold())

        await timed_stage(clock, seconds, "themes", people, propose)

        await moderator.send("/vote")
        await moderator.wait_for(showing(label("nb", "Start the plenary")), WAIT)
        cards = dict(
            zip(
                (p.index for p in people),
                await asyncio.gather(
                    *(
                        p.user.wait_for(showing(label(p.language, "Show the latest themes")), WAIT)
                        for p in people
                    )
                ),
                strict=True,
            )
        )

        async def vote(p: Participant) -> None:
            card = cards[p.index]
            for index in range(_note_count(card)):
                themes = _theme_buttons(card, p.language)
                edited = edit_of(card)
                await clock.press(p, "vote", card, themes[index % len(themes)])
                card = await clock.answer(p, edited)

        await timed_stage(clock, seconds, "vote", people, vote)

        await _settle_ties(moderator)
        await moderator.send("/plenary")
        start_dots = await moderator.wait_for(showing(label("nb", "Start the dot vote")), WAIT)
        await moderator.press(start_dots, label("nb", "Start the dot vote"))
        dot_cards = dict(
            zip(
                (p.index for p in people),
                await asyncio.gather(
                    *(p.user.wait_for(showing(give_dot(p.language, 1)), WAIT) for p in people)
                ),
                strict=True,
            )
        )

        async def dots(p: Participant) -> None:
            card = dot_cards[p.index]
            shown = card.button_labels()
            on_card = sum(1 for n in range(1, len(shown) + 1) if give_dot(p.language, n) in shown)
            for pick in DOT_PICKS:
                edited = edit_of(card)
                give = give_dot(p.language, (pick - 1) % on_card + 1)
                await clock.press(p, "dots", card, give)
                card = await clock.answer(p, edited)

        await timed_stage(clock, seconds, "dots", people, dots)
        await moderator.send("/close_dots")
        await moderator.wait_for(lambda m: "1. " in m.text, WAIT)
        peak = bot.peak_mib()
    finally:
        await bot.stop()
        await api.stop()
    result = LoadResult(
        clock.updates, sum(seconds.values()), clock.latencies, peak, seconds, clock.calls
    )
    return result, people


def _theme_buttons(card: BotMessage, language: str) -> list[str]:
    """The vote card's buttons that sort the note into a theme («Into: …»)."""
    into = label(language, "Into: {theme}").split("{theme}")[0]
    return [text for text in card.button_labels() if text.removeprefix("✅ ").startswith(into)]


def _note_count(card: BotMessage) -> int:
    """The card says «note 1 of N»: N in any language is the last number of its first line."""
    return int([word for word in card.text.splitlines()[0].split() if word.isdigit()][-1])


async def _settle_ties(moderator: SimUser) -> None:
    moderator.drain()
    await moderator.send("/moderate")
    done = translator("nb").gettext("No ties and no unsorted notes are waiting for you.")
    unsorted = label("nb", "Leave it unsorted")
    # The settling card, not the cockpit, which may be brought up to date meanwhile.
    decision = await moderator.wait_for(
        lambda m: unsorted in m.button_labels() or done in m.text, WAIT
    )
    while decision.buttons:
        edited = edit_of(decision)
        await moderator.press(decision, decision.buttons[0][0][0])
        decision = await moderator.wait_for(edited, WAIT)


# ---------------------------------------------------------------- the bare bot


async def run_bare(scripts: list[Participant], folder: Path) -> LoadResult:
    """The same updates, person by person and stage by stage, against the bare echo bot."""
    api = LocalBotApi(token=TOKEN, bot_username="bare_bot", flood=FloodLimits.off())
    base_url = await api.start()
    bot = BotUnderTest(["-m", "bench.bare_bot", "--base-url", base_url], folder)
    await bot.start(api)
    clock = Stopwatch(api)
    seconds: dict[str, float] = {}
    people = [
        Participant(api.user(f"P{p.index}", language_code=p.language), p.language, p.index)
        for p in scripts
    ]
    last: dict[int, BotMessage] = {}

    async def hello(p: Participant) -> None:
        await p.user.send("hei")
        last[p.index] = await p.user.wait_for(lambda m: m.edited == 0, WAIT)

    async def replay(stage: str, p: Participant) -> None:
        for kind, text in scripts[p.index].script.get(stage, []):
            previous = last[p.index]
            if kind == "text":
                await clock.send(p, stage, text)
                answer = newer_than(previous)
            else:
                answer = edit_of(previous)
                await clock.press(p, stage, previous, "👍")
            last[p.index] = await clock.answer(p, answer)

    async def replay_all(stage: str) -> None:
        await timed_stage(clock, seconds, stage, people, lambda p: replay(stage, p))

    try:
        await asyncio.gather(*(hello(p) for p in people))
        for stage in STAGES:
            await replay_all(stage)
        peak = bot.peak_mib()
    finally:
        await bot.stop()
        await api.stop()
    return LoadResult(
        clock.updates, sum(seconds.values()), clock.latencies, peak, seconds, clock.calls
    )


# ---------------------------------------------------------------- report


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if names:
            cpu = names[0].split(":", 1)[1].strip()
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def print_load(count: int, ours: LoadResult, bare: LoadResult) -> None:
    print(f"\n## Seminar load: {count} participants, {ours.updates} updates\n")
    print("| | seminar bot | bare PTB bot | ours/bare |")
    print("|---|---:|---:|---:|")
    rows = [
        ("updates handled per second", ours.per_second, bare.per_second, "{:.0f}"),
        ("reply latency p50 (ms)", ours.percentile(0.50), bare.percentile(0.50), "{:.1f}"),
        ("reply latency p95 (ms)", ours.percentile(0.95), bare.percentile(0.95), "{:.1f}"),
        ("reply latency p99 (ms)", ours.percentile(0.99), bare.percentile(0.99), "{:.1f}"),
        ("peak memory of the bot (MiB)", ours.peak_mib, bare.peak_mib, "{:.0f}"),
        (
            "Bot API calls per update",
            ours.calls / ours.updates,
            bare.calls / bare.updates,
            "{:.2f}",
        ),
    ]
    for name, mine, theirs, form in rows:
        print(f"| {name} | {form.format(mine)} | {form.format(theirs)} | {mine / theirs:.2f} |")
    stages = ", ".join(
        f"{stage} {ours.stage_seconds[stage]:.1f}/{bare.stage_seconds[stage]:.1f}"
        for stage in STAGES
    )
    print(f"\nSeconds per stage, ours/bare: {stages}.")
    print(
        f"Targets: throughput ≥ 0.90× bare ({ours.per_second / bare.per_second:.2f}), "
        f"p95 ≤ 1.20× bare ({ours.percentile(0.95) / bare.percentile(0.95):.2f}), "
        f"peak memory ≤ 150 MiB ({ours.peak_mib:.0f})."
    )


async def main_async(args: argparse.Namespace) -> None:
    print("# Benchmark of the dialogue seminar bot\n")
    print(f"Machine: {machine()}.")
    with tempfile.TemporaryDirectory() as ours_folder, tempfile.TemporaryDirectory() as bare_folder:
        ours, scripts = await run_seminar(args.participants, Path(ours_folder))
        bare = await run_bare(scripts, Path(bare_folder))
    print_load(args.participants, ours, bare)
    if args.load_only:
        return

    big = await big_seminar.measure(args.big_participants, args.big_notes)
    big_seminar.print_result(big)

    sent = await broadcast.measure(args.broadcast, args.rate)
    broadcast.print_result(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--big-participants", type=int, default=1000)
    parser.add_argument("--big-notes", type=int, default=10, help="notes per participant")
    parser.add_argument("--broadcast", type=int, default=1000, help="recipients of a broadcast")
    parser.add_argument("--rate", type=float, default=30.0, help="messages per second")
    parser.add_argument(
        "--load-only", action="store_true", help="only the load against the bare bot"
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
