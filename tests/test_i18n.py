"""Every user-facing string exists in every catalog (nb, nn, en, pl, uk, ar, so), with as many
plural forms as the language has, and no catalog is stale."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from harness import ROOT

from bot.i18n import LANGUAGES, LOCALES_DIR, RLM, Translator, language_for, translator

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z]+>")


def extracted() -> dict[tuple[str, str | None], str | tuple[str, ...]]:
    messages: dict[tuple[str, str | None], str | tuple[str, ...]] = {}
    method_map = [("**.py", "python")]
    for _, _, message, _, context in extract_from_dir(ROOT / "bot", method_map):
        key = message[0] if isinstance(message, tuple) else message
        messages[(key, context)] = message
    return messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_not_stale(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    in_code = extracted()
    in_catalog = {
        (m.id[0] if isinstance(m.id, tuple) else m.id, m.context): m for m in catalog if m.id
    }
    missing = sorted(str(k) for k in in_code.keys() - in_catalog.keys())
    stale = sorted(str(k) for k in in_catalog.keys() - in_code.keys())
    assert not missing, f"{language}: not in the catalog (run `make translations`): {missing}"
    assert not stale, f"{language}: in the catalog but no longer in the code: {stale}"
    for key, message in in_catalog.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert not message.fuzzy, f"{language}: fuzzy translation of {key}"
        assert all(strings), f"{language}: untranslated {key}"
        allowed = {p for msgid in ids for p in PLACEHOLDER.findall(msgid)}
        for string in strings:
            used = set(PLACEHOLDER.findall(string))
            # A singular form may say "one" instead of {count}; nothing else may differ.
            assert used <= allowed, f"{language}: unknown placeholder in {key}: {string!r}"
            assert allowed - used <= {"{count}"}, f"{language}: lost a placeholder in {key}"
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(ids[0])), (
                f"{language}: HTML tags differ in {key}: {string!r}"
            )


def test_the_two_seminar_questions_are_verbatim() -> None:
    nb = translator("nb")
    nn = translator("nn")
    question = (
        "What have you been most satisfied with and found most useful in your encounters "
        "with the public support services?"
    )
    assert nb.gettext(question) == (
        "Hva har du vært mest fornøyd med og hatt mest nytte av i møte med det offentlige "
        "hjelpeapparatet?"
    )
    assert nn.gettext(question) == (
        "Kva har du vore mest nøgd med og hatt mest nytte av i møte med det offentlege "
        "hjelpeapparatet?"
    )
    why = "What was it that made this a good experience?"
    assert nb.gettext(why) == "Hva var det som gjorde dette til en bra opplevelse?"
    assert nn.gettext(why) == "Kva var det som gjorde dette til ei god oppleving?"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("nb", "nb"),
        ("no", "nb"),
        ("nb-NO", "nb"),
        ("nn", "nn"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        ("pl", "pl"),
        ("pl-PL", "pl"),
        ("uk", "uk"),
        ("ar", "ar"),
        ("ar-EG", "ar"),
        ("so", "so"),
        ("ru", "en"),
        ("ti", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_from_telegram_code(code: str | None, expected: str) -> None:
    assert language_for(code, "en") == expected


def test_other_fallback_language() -> None:
    assert language_for("sv", "nb") == "nb"


def test_plural_forms_and_dates_follow_the_language() -> None:
    for language in LANGUAGES:
        t = translator(language)
        one = t.ngettext("Together you wrote {count} note:", "Together you wrote {count} notes:", 1)
        many = t.ngettext(
            "Together you wrote {count} note:", "Together you wrote {count} notes:", 5
        )
        assert one != many
    moment = datetime(2027, 3, 1, 8, 30, tzinfo=UTC)
    assert "mars" in translator("nb").datetime(moment, "Europe/Oslo")
    assert "Mar" in translator("en").datetime(moment, "Europe/Oslo")
    assert "09:30" in translator("nn").datetime(moment, "Europe/Oslo")
    assert translator("nb").number(12345) == "12\xa0345"


# How many plural forms each language's rule has (gettext's usual rules, as Babel knows them).
PLURAL_FORMS = {"nb": 2, "nn": 2, "en": 2, "pl": 3, "uk": 3, "ar": 6, "so": 2}


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_every_form_of_the_language(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    assert catalog.num_plurals == PLURAL_FORMS[language] == get_plural(language).num_plurals
    for message in catalog:
        if message.id and isinstance(message.id, tuple):
            assert isinstance(message.string, tuple)
            assert len(message.string) == catalog.num_plurals, (
                f"{language}: {message.id[0]!r} has {len(message.string)} forms"
            )
            assert all(message.string), f"{language}: a form of {message.id[0]!r} is empty"


def test_every_language_formats_numbers_dates_and_plurals() -> None:
    moment = datetime(2027, 3, 1, 8, 30, tzinfo=UTC)
    for language in LANGUAGES:
        t = translator(language)
        assert t.number(12345).replace(RLM, "")
        assert "2027" in t.datetime(moment, "Europe/Oslo")
        for n in (5, 100):
            assert "{count}" in t.ngettext("{count} note", "{count} notes", n)
    assert translator("pl").datetime(moment, "Europe/Oslo").startswith("1 mar 2027")
    assert "бер" in translator("uk").datetime(moment, "Europe/Oslo")


def test_each_language_is_named_in_its_own_script() -> None:
    names = {code: Translator.language_name(code) for code in LANGUAGES}
    assert names["pl"] == "Polski"
    assert names["uk"] == "Українська"
    assert names["ar"] == "العربية"
    assert names["so"] == "Soomaali"
    assert len(set(names.values())) == len(LANGUAGES)


def test_an_arabic_text_starts_every_line_right_to_left() -> None:
    ar = translator("ar")
    assert ar.rtl
    assert not translator("nb").rtl
    text = ar.gettext("Which language would you like me to use?")
    assert text.startswith(RLM)
    assert translator("en").gettext("Which language would you like me to use?")[0] != RLM


def test_an_arabic_sentence_isolates_what_it_fills_in_but_a_username() -> None:
    ar = translator("ar")
    welcome = ar.gettext("Welcome to the dialogue seminar <b>{title}</b>.")
    assert "<b>\u2068Gode møter!\u2069</b>" in welcome.format(title="Gode møter!")
    at = ar.gettext(
        "I work in private chats, so that answers stay anonymous. Write to me at @{bot}."
    )
    assert "@seminarbot." in at.format(bot="seminarbot")
    # Other languages are left as they are.
    en = translator("en").gettext("Welcome to the dialogue seminar <b>{title}</b>.")
    assert en.format(title="Gode møter!") == "Welcome to the dialogue seminar <b>Gode møter!</b>."
