"""The closed list of small talk and its matcher: greetings, thanks and questions to the bot
in nb, nn and en are found after normalising; a note phrased as a question is not."""

from __future__ import annotations

import pytest

from bot.flows.small_talk import MAX_WORDS, SMALL_TALK, is_small_talk, normalise
from bot.i18n import LANGUAGES


@pytest.mark.parametrize(
    "text",
    [
        "hei",
        "Hei!",
        "  HALLO  ",
        "heisann 👋",
        "God morgen :)",
        "ok",
        "Okei.",
        "takk",
        "Tusen takk!!",
        "takk for beskjed",
        "Ok, takk for beskjed",
        "ok,takk for beskjed 🙏",
        "Hva nå?",
        "hva skal jeg gjøre?",
        "Hjelp!",
        "kva no?",
        "Kva skal eg gjere?",
        "hello",
        "Hi!",
        "thanks",
        "Thank you 😊",
        "ok thanks",
        "What now?",
        "help",
        "I don't understand",
        "I don’t understand",
        "Cześć!",
        "Dziękuję bardzo 🙂",
        "Co teraz?",
        "Привіт!",
        "Дякую",
        "Що далі?",
        "مرحبا!",
        "شكرًا",
        "ماذا الآن؟",
        "Mahadsanid!",
        "Hadda maxaa?",
    ],
)
def test_small_talk_is_found_in_every_language(text: str) -> None:
    assert is_small_talk(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kan jeg si nei til truckførerkurset?!",
        "Who helped me most?",
        "Takk for at veilederen ringte meg tilbake",
        "Hei, veilederen min var trygg og empatisk",
        "Hva hjalp? At de lyttet.",
        "Ok takk for beskjed, men veilederen lyttet ikke",
        "Å bli trodd på, sett helhetlig, tatt på alvor!",
        "",
        "👍",
        "???",
        "Doradczyni zadzwoniła do mnie, kiedy obiecała",
        "Дякую, що мене вислухали без поспіху",
        "شكرا لأنهم استمعوا إلي",
    ],
)
def test_a_real_note_or_nothing_at_all_is_not_small_talk(text: str) -> None:
    assert not is_small_talk(text)


def test_normalising_takes_out_case_punctuation_emoji_and_extra_space() -> None:
    assert normalise("  Ok,\ttakk   for BESKJED!! 🙏 ") == "ok takk for beskjed"
    assert normalise("Hva skal jeg gjøre?") == "hva skal jeg gjøre"
    assert normalise("'quoted'") == "quoted"


def test_the_list_is_short_phrases_written_as_they_are_compared() -> None:
    for language, phrases in SMALL_TALK.items():
        assert phrases, language
        for phrase in phrases:
            assert normalise(phrase) == phrase, (language, phrase)
            assert len(phrase.split()) <= MAX_WORDS, (language, phrase)


def test_every_language_the_bot_speaks_has_its_list() -> None:
    """A «Cześć!» in the answer round is asked about as a «Hei!» is."""
    assert set(SMALL_TALK) == set(LANGUAGES)
