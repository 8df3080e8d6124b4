"""Small talk: a greeting, thanks or a question to the bot itself, from a closed list for
each language the bot speaks, that during the answer round is asked about before it becomes a note.

The list is closed on purpose: a real note phrased as a question («Kan jeg si nei til
truckførerkurset?!») is never in it, so it is saved as usual. A text is compared after
normalising case, whitespace, punctuation and emoji, and only when it has a few words at most.
"""

from __future__ import annotations

import unicodedata

__all__ = ["MAX_WORDS", "SMALL_TALK", "is_small_talk", "normalise"]

# Longer than this, a text is somebody's words, whatever it starts with.
MAX_WORDS = 5

# Per language, as people type them to a bot; written without punctuation, in lower case.
SMALL_TALK: dict[str, frozenset[str]] = {
    "nb": frozenset(
        {
            "hei",
            "hei hei",
            "hallo",
            "heisann",
            "hei på deg",
            "god morgen",
            "god dag",
            "god kveld",
            "morn",
            "ok",
            "okei",
            "okay",
            "ja",
            "nei",
            "takk",
            "takk takk",
            "tusen takk",
            "mange takk",
            "takk skal du ha",
            "takk for det",
            "takk for beskjed",
            "takk for beskjeden",
            "ok takk",
            "ok takk for beskjed",
            "ok takk for beskjeden",
            "okei takk",
            "supert",
            "flott",
            "fint",
            "hva nå",
            "hva skjer nå",
            "hva skal jeg gjøre",
            "hva skal jeg gjøre nå",
            "hva gjør jeg nå",
            "hjelp",
            "jeg skjønner ikke",
            "jeg forstår ikke",
            "er du der",
            "test",
        }
    ),
    "nn": frozenset(
        {
            "hei",
            "hallo",
            "heisann",
            "god morgon",
            "god dag",
            "god kveld",
            "ok",
            "okei",
            "ja",
            "nei",
            "takk",
            "tusen takk",
            "mange takk",
            "takk skal du ha",
            "takk for det",
            "takk for beskjed",
            "takk for beskjeden",
            "ok takk",
            "ok takk for beskjed",
            "kva no",
            "kva skjer no",
            "kva skal eg gjere",
            "kva skal eg gjere no",
            "kva gjer eg no",
            "hjelp",
            "eg skjønar ikkje",
            "eg forstår ikkje",
            "er du der",
        }
    ),
    "en": frozenset(
        {
            "hello",
            "hi",
            "hey",
            "hi there",
            "good morning",
            "good afternoon",
            "good evening",
            "ok",
            "okay",
            "yes",
            "no",
            "thanks",
            "thank you",
            "thank you very much",
            "thanks a lot",
            "many thanks",
            "ok thanks",
            "ok thank you",
            "thanks for letting me know",
            "great",
            "fine",
            "what now",
            "what next",
            "what do i do",
            "what do i do now",
            "what should i do",
            "what should i do now",
            "help",
            "i do not understand",
            "i don't understand",
            "are you there",
            "test",
        }
    ),
    "pl": frozenset(
        {
            "cześć",
            "hej",
            "witam",
            "dzień dobry",
            "dobry wieczór",
            "ok",
            "okej",
            "tak",
            "nie",
            "dziękuję",
            "dzięki",
            "bardzo dziękuję",
            "dziękuję bardzo",
            "ok dzięki",
            "ok dziękuję",
            "dobrze",
            "super",
            "co teraz",
            "co dalej",
            "co mam robić",
            "co mam teraz robić",
            "pomocy",
            "pomoc",
            "nie rozumiem",
            "jesteś tam",
            "test",
        }
    ),
    "uk": frozenset(
        {
            "привіт",
            "вітаю",
            "добрий день",
            "доброго ранку",
            "добрий вечір",
            "ок",
            "окей",
            "так",
            "ні",
            "дякую",
            "дуже дякую",
            "щиро дякую",
            "ок дякую",
            "добре",
            "що тепер",
            "що далі",
            "що робити",
            "що мені робити",
            "допоможіть",
            "допомога",
            "не розумію",
            "я не розумію",
            "ви тут",
            "тест",
        }
    ),
    "ar": frozenset(
        {
            "مرحبا",
            "مرحبًا",
            "السلام عليكم",
            "سلام",
            "اهلا",
            "أهلا",
            "صباح الخير",
            "مساء الخير",
            "نعم",
            "لا",
            "شكرا",
            "شكرًا",
            "شكرا جزيلا",
            "حسنا",
            "حسنًا",
            "تمام",
            "اوكي",
            "ماذا الآن",
            "ماذا بعد",
            "ماذا أفعل",
            "ماذا افعل",
            "مساعدة",
            "ساعدني",
            "لا أفهم",
            "لا افهم",
            "هل أنت هنا",
        }
    ),
    "so": frozenset(
        {
            "salaan",
            "asc",
            "nabad",
            "see tahay",
            "iska warran",
            "subax wanaagsan",
            "galab wanaagsan",
            "ok",
            "haa",
            "maya",
            "mahadsanid",
            "mahadsanid aad",
            "waad mahadsantahay",
            "hagaag",
            "waa hagaag",
            "hadda maxaa",
            "maxaa xiga",
            "maxaan sameeyaa",
            "caawimaad",
            "i caawi",
            "ma fahmin",
            "ma fahmay",
            "ma joogtaa",
        }
    ),
}

_EVERY_LANGUAGE = frozenset().union(*SMALL_TALK.values())


def normalise(text: str) -> str:
    """The text in lower case, with punctuation, symbols and emoji taken out and the words
    separated by single spaces (an apostrophe inside a word stays: «don't»)."""
    kept = []
    for char in unicodedata.normalize("NFKC", text).casefold():
        category = unicodedata.category(char)
        if char in "'’":
            kept.append("'")
        elif category[0] in "LNM":  # letters, digits, and the marks that belong to letters
            kept.append(char)
        else:
            kept.append(" ")
    words = [word.strip("'") for word in "".join(kept).split()]
    return " ".join(word for word in words if word)


def is_small_talk(text: str) -> bool:
    """Whether a text is a greeting, thanks or a question to the bot, in any of the
    languages: people write to the bot in their own whatever language its menus are in."""
    words = normalise(text)
    if not words or len(words.split()) > MAX_WORDS:
        return False
    return words in _EVERY_LANGUAGE
