"""Every participant in their own language: seven languages chosen from Telegram's language
code, the questions in the reader's language, and Arabic right to left, in messages and in the
report."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from html.parser import HTMLParser

from babel.messages.pofile import read_po
from checks import bare, said
from groupwork_helpers import propose_theme
from harness import BotProcess, answer, button, contains, create_seminar, has_button, join
from test_profile import ask

from bot.i18n import (
    FSI,
    LANGUAGES,
    LOCALES_DIR,
    PDI,
    RLM,
    Translator,
    standard_questions,
    translator,
)
from bot.render import profile
from bot.store.migrations import MIGRATIONS
from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

QUESTION_1 = (
    "What have you been most satisfied with and found most useful in your encounters with the "
    "public support services?"
)
QUESTION_2 = "What was it that made this a good experience?"


def catalog_text(language: str, msgid: str) -> str:
    """The catalog's own translation, read from the .po file (so it holds once the real
    catalogs replace the English copies)."""
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        message = read_po(po, locale=language).get(msgid)
    assert message is not None
    assert isinstance(message.string, str)
    return message.string


def _strong_direction(line: str) -> str | None:
    """The direction of a line's first strong character: R, L, or None if it has none."""
    for char in line:
        if char == RLM:
            return "R"
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return None


def unmarked(text: str) -> str:
    """A text without the isolates that keep people's words in their own direction."""
    return text.replace(FSI, "").replace(PDI, "")


def reads_right_to_left(message: BotMessage) -> bool:
    lines = [line for line in message.text.split("\n") if line.strip()]
    return bool(lines) and all(_strong_direction(line) == "R" for line in lines)


async def test_seven_languages_each_get_the_standard_questions_in_their_own(
    api: LocalBotApi, bot: BotProcess
) -> None:
    moderator = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    code = await create_seminar(moderator, language="nb")
    people: dict[str, SimUser] = {}
    for language in LANGUAGES:
        person = api.user(f"Reader {language}", language_code=language)
        await join(person, code, language)
        people[language] = person
    # Russian is not Ukrainian: it gets the fallback language, English.
    russian = api.user("Reader ru", language_code="ru")
    await join(russian, code, "en")

    await moderator.send("/open")
    await moderator.wait_for(has_button(button("nb", "Close the answer round")))
    for language, person in [*people.items(), ("en", russian)]:
        prompt = await person.wait_for(has_button(button(language, "Next question ▶")))
        assert catalog_text(language, QUESTION_1) in prompt.text, language
        assert said(language, "<b>Question {number} of {total}</b>", number=1, total=2) in (
            unmarked(prompt.text)
        )
        await person.press(prompt, button(language, "Next question ▶"))
        second = await person.wait_for(contains(catalog_text(language, QUESTION_2)))
        assert has_button(button(language, "I am done ✓"))(second), language
    assert any("Kva har du vore mest nøgd med" in m.text for m in people["nn"].inbox)
    assert any("What have you been most satisfied" in m.text for m in people["en"].inbox)
    assert all("Hva har du vært" not in m.text for m in people["en"].inbox)

    # The language menu offers all seven, each in its own language and script.
    await people["pl"].send("/language")
    menu = await people["pl"].wait_for(has_button("العربية"))
    assert set(menu.button_labels()) == {Translator.language_name(c) for c in LANGUAGES}
    assert all(len(row) <= 4 for row in menu.buttons)
    await people["pl"].press(menu, "Українська")
    await people["pl"].wait_for(contains(said("uk", "I will write to you in English from now on.")))


async def _own_questions(moderator: SimUser, questions: list[str]) -> BotMessage:
    await moderator.send("/new")
    await moderator.wait_for(has_button(button("nb", "Cancel")))
    await moderator.send("Møter som hjalp")
    choice = await moderator.wait_for(has_button("Norsk (bokmål)"))
    await moderator.press(choice, "Norsk (bokmål)")
    ask = await moderator.wait_for(has_button(button("nb", "Write my own")))
    await moderator.press(ask, button("nb", "Write my own"))
    listed = ask
    for number, question in enumerate(questions, start=1):
        await moderator.send(question)
        listed = await moderator.wait_for(contains(f"{number}. {question}"))
    await moderator.press(listed, button("nb", "Done"))
    return await moderator.wait_for(contains("?start="))


async def test_own_questions_in_more_languages(api: LocalBotApi, bot: BotProcess) -> None:
    moderator = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    created = await _own_questions(moderator, ["Hva hjalp deg mest?", "Hvem gjorde en forskjell?"])
    code = created.text.split("?start=")[1].split()[0]
    add = button("nb", "Add the questions in another language")
    assert add in created.button_labels()

    # Right after creating the seminar: the questions in English.
    await moderator.press(created, add)
    languages = await moderator.wait_for(has_button("English"))
    assert "Norsk (bokmål)" not in languages.button_labels()  # the seminar's own language
    await moderator.press(languages, "English")
    first = await moderator.wait_for(contains("Hva hjalp deg mest?", "English"))
    assert button("nb", "Cancel") in first.button_labels()
    await moderator.send("What helped you most?")
    await moderator.wait_for(contains("Hvem gjorde en forskjell?"))
    # The step survives a restart: the next text is still question 2 in English.
    await bot.kill()
    await bot.restart()
    await moderator.send("Who made a difference?")
    saved = await moderator.wait_for(
        contains(
            said(
                "nb",
                "Saved. Participants who use {language} get the questions in {language}.",
                language="English",
            )
        )
    )
    assert add in saved.button_labels()

    # Later, before the round opens, with the command: Nynorsk, but given up half-way.
    await moderator.send("/translate")
    languages = await moderator.wait_for(has_button("Norsk (nynorsk)"))
    await moderator.press(languages, "Norsk (nynorsk)")
    asked = await moderator.wait_for(contains("Hva hjalp deg mest?", "Norsk (nynorsk)"))
    await moderator.press(asked, button("nb", "Cancel"))
    await moderator.wait_for(
        contains(said("nb", "Stopped. The questions in that language were not kept."))
    )

    # And from the cockpit's «More».
    more = button("nb", "More")
    cockpits = [m for m in moderator.bot_messages.values() if more in m.button_labels()]
    await moderator.press(max(cockpits, key=lambda m: m.message_id), more)
    offered = await moderator.wait_for(has_button(add))
    await moderator.press(offered, add)
    languages = await moderator.wait_for(has_button("Polski"))
    await moderator.press(languages, button("nb", "Cancel"))

    readers = {
        language: api.user(f"Reader {language}", language_code=language)
        for language in ("nb", "nn", "en", "pl")
    }
    for language, person in readers.items():
        await join(person, code, language)
    await moderator.send("/open")
    await moderator.wait_for(has_button(button("nb", "Close the answer round")))
    expected = {
        "nb": "Hva hjalp deg mest?",
        "nn": "Hva hjalp deg mest?",  # not given in Nynorsk: the seminar's language
        "en": "What helped you most?",
        "pl": "Hva hjalp deg mest?",  # not given in Polish: the seminar's language
    }
    for language, person in readers.items():
        prompt = await person.wait_for(has_button(button(language, "Next question ▶")))
        assert expected[language] in prompt.text, language
    english = readers["en"]
    prompt = english.inbox[-1]
    await english.press(prompt, button("en", "Next question ▶"))
    await english.wait_for(contains("Who made a difference?"))
    assert all("Hvem gjorde" not in m.text for m in english.inbox)
    # A note stays as written, and nothing says which language it is in.
    saved_note = await answer(english, "The adviser called me back")
    assert "English" not in saved_note.text

    # Once the round is open, nobody may change the questions any more.
    await moderator.send("/translate")
    await moderator.wait_for(
        contains(
            said(
                "nb",
                "That is not possible now: <b>{title}</b> is at the step «{phase}».",
                title="Møter som hjalp",
                phase=translator("nb").pgettext("phase", "answer round"),
            )
        )
    )
    rows = bot.query("SELECT question_translations, standard_questions FROM seminars")
    assert rows == [('{"en":["What helped you most?","Who made a difference?"]}', 0)]


class _Root(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.html: dict[str, str | None] = {}
        self.isolated: list[str] = []  # tags that isolate people's text
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html = dict(attrs)
        if tag == "bdi" or ("dir", "auto") in attrs:
            self.isolated.append(tag)


async def test_arabic_reads_right_to_left_in_messages_and_in_the_report(
    api: LocalBotApi, bot: BotProcess
) -> None:
    moderator = api.user("Amal", language_code="ar", username="amal_mod")
    code = await create_seminar(moderator, "Good meetings", ui="ar", language="ar")
    reader = api.user("Reader ar", language_code="ar")
    others = [api.user(f"Reader {i}", language_code="nb") for i in range(3)]
    await join(reader, code, "ar")
    for person in others:
        await join(person, code, "nb")
    await moderator.send("/open")
    await moderator.wait_for(has_button(button("ar", "Close the answer round")))
    prompt = await reader.wait_for(has_button(button("ar", "Next question ▶")))
    assert catalog_text("ar", QUESTION_1) in prompt.text
    await answer(reader, "Veilederen lyttet til meg")
    for index, person in enumerate(others):
        await person.wait_for(has_button(button("nb", "Next question ▶")))
        await answer(person, f"Nav ringte tilbake samme dag ({index + 1})")
    await moderator.send("/close")
    closed = said(
        "ar", "The answer round of <b>{title}</b> is closed. Thank you!", title="Good meetings"
    )
    await reader.wait_for(lambda m: closed in unmarked(m.text))
    await moderator.send("/report")
    document = await moderator.wait_for(
        lambda m: m.kind == "document" and m.file_name == "report.html"
    )
    await api.wait_idle()

    # Every message the Arabic reader got reads right to left, line by line, even a line
    # that starts with a number or a note in Norwegian; so do their buttons.
    got = [m for m in reader.inbox if m.text]
    assert len(got) >= 4
    for message in got:
        assert reads_right_to_left(message), message.text
        for label in message.button_labels():
            if label not in {Translator.language_name(c) for c in LANGUAGES}:
                assert _strong_direction(label) == "R", label
    # A note in Norwegian keeps its own direction inside the Arabic chat: it is isolated.
    saved = next(m for m in got if "Veilederen lyttet til meg" in m.text)
    assert any(line.startswith(RLM + FSI + "Veilederen") for line in saved.text.split("\n"))
    # A Norwegian reader's messages carry no marks.
    marks = (RLM, FSI, PDI)
    assert all(c not in m.text for person in others for m in person.inbox for c in marks)

    page = _Root()
    assert document.file_bytes is not None
    page.feed(document.file_bytes.decode("utf-8"))
    assert page.html.get("dir") == "rtl"
    assert page.html.get("lang") == "ar"
    assert page.isolated  # the title, questions and notes keep their own direction
    assert translator("ar").rtl


def test_seminars_made_before_with_the_standard_questions_get_every_readers_wording() -> None:
    """The migration finds the method's questions in nb, nn and en by their text."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE seminars (id INTEGER PRIMARY KEY, questions TEXT NOT NULL)")
    standard = {lang: list(standard_questions(translator(lang))) for lang in ("nb", "nn", "en")}
    rows = [*standard.values(), ["Hva hjalp deg mest?"], standard["nb"][:1]]
    db.executemany(
        "INSERT INTO seminars (questions) VALUES (?)",
        [(json.dumps(q, ensure_ascii=False),) for q in rows],
    )
    migration = next(m for m in MIGRATIONS if "ADD COLUMN standard_questions" in m)
    db.executescript(migration)
    found = db.execute("SELECT standard_questions, question_translations FROM seminars").fetchall()
    assert found == [(1, "{}"), (1, "{}"), (1, "{}"), (0, "{}"), (0, "{}")]


async def test_the_profile_and_the_menus_exist_in_all_seven(
    api: LocalBotApi, bot: BotProcess
) -> None:
    default = json.dumps({"type": "default"}, sort_keys=True)
    for language in LANGUAGES:
        t = translator(language)
        long = (await ask(api, "getMyDescription", language_code=language))["description"]
        short = (await ask(api, "getMyShortDescription", language_code=language))[
            "short_description"
        ]
        assert long == profile.description(t), language
        assert short == profile.short_description(t), language
        assert 0 < len(long) <= 512
        assert 0 < len(short) <= 120
        menu = api.commands[(default, language)]
        assert {"language", "help"} <= {c["command"] for c in menu}, language
        named = t.gettext("Choose a language")
        assert any(c["description"] == named for c in menu), language


THANKS = "Thank you! You recognise theme {number}. You can change your answer."


async def test_the_read_back_comes_to_every_reader_in_their_language(
    api: LocalBotApi, bot: BotProcess
) -> None:
    moderator = api.user("Mona Moderator", language_code="nb", username="mona_mod")
    code = await create_seminar(moderator, "Gode møter", language="nb")
    people: dict[str, SimUser] = {}
    for language in LANGUAGES:
        person = api.user(f"Reader {language}", language_code=language)
        await join(person, code, language)
        people[language] = person
    await moderator.send("/open")
    await moderator.wait_for(has_button(button("nb", "Close the answer round")))
    notes = {language: f"Lapp fra {language}: hun ringte tilbake" for language in LANGUAGES}
    for language, person in people.items():
        await person.wait_for(has_button(button(language, "Next question ▶")))
        await answer(person, notes[language])
    await moderator.send("/close")
    await moderator.wait_for(contains("Lapp fra nb"))
    await moderator.send(f"/groups {len(LANGUAGES)}")
    formed = await moderator.wait_for(has_button(button("nb", "Show the notes to the groups")))
    await moderator.press(formed, button("nb", "Show the notes to the groups"))
    for person in people.values():
        await person.wait_for(contains("Lapp fra "))
    await propose_theme(people["nb"], "Tillit", language="nb")
    await moderator.send("/vote")
    await moderator.wait_for(has_button(button("nb", "Start the plenary")))

    def open_choice(message: BotMessage) -> str | None:
        return next(
            (x for x in message.button_labels() if "Tillit" in x and not x.startswith("✅")),
            None,
        )

    for person in people.values():
        card = await person.wait_for(lambda m: open_choice(m) is not None)
        while (label := open_choice(card)) is not None:
            before = card.edited
            await person.press(card, label)
            card = await person.wait_for(
                lambda m, c=card.message_id, e=before: m.message_id == c and m.edited > e
            )
    await moderator.send("/plenary")
    await moderator.wait_for(has_button(button("nb", "Start the dot vote")))

    await moderator.send("/check")
    for language, person in people.items():
        asked = said(language, "Do you recognise yourself in this theme?")
        theme = await person.wait_for(lambda m, a=asked: bare(a) in bare(m.text))
        # Every note as it was written, whatever the reader's language; no note says its own.
        assert all(note in bare(theme.text) for note in notes.values()), (language, theme.text)
        yes = button(language, "Theme {number}: yes, I recognise this").format(number=1)
        label = next(x for x in theme.button_labels() if bare(x) == bare(yes))
        await person.press(theme, label)
        thanks = bare(said(language, THANKS, number=1))
        await person.wait_for(lambda m, t=thanks: t in bare(m.text))
        if language == "ar":
            assert reads_right_to_left(person.bot_messages[theme.message_id])
    # Languages differ in their words, not in what they show of the notes.
    assert len(
        {bare(said(lang, "Do you recognise yourself in this theme?")) for lang in LANGUAGES}
    ) == len(LANGUAGES)
