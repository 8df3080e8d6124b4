"""Plain language and short screens: every text a participant reads is written for an easy
reading level (LIX 35 or below in nb and nn, measured by `make readability`), and the first
screen after the join link fits one phone screen, with the details one button away."""

from __future__ import annotations

import pytest
from checks import said
from groupwork_helpers import edit_of
from harness import BotProcess, button, contains, create_seminar, has_button

from bot.i18n import translator
from localapi import LocalBotApi
from tools import readability
from tools.readability import LIMIT, lix, texts

FIRST_SCREEN_WORDS = 60
METHOD_QUESTIONS = (
    "What have you been most satisfied with and found most useful in your encounters with the "
    "public support services?",
    "What was it that made this a good experience?",
)
DETAILS = "More about privacy and rules"
STORED = (
    "<b>What is stored.</b> If you agree, the bot stores your notes, your language and that you "
    "take part in this seminar. Your notes are kept apart from who you are. Everything is "
    "deleted {days} days after the seminar ends."
)
SHORT_STORED = (
    "If you say yes, I store your notes and your language. Everything is deleted {days} days "
    "after the seminar ends."
)

JOINED = (
    "Thank you for joining <b>{title}</b>! You will get the first question here when the "
    "moderator opens the answer round."
)


def test_lix_counts_words_sentences_and_long_words() -> None:
    # 8 words, 2 sentences, 2 long words (more than six letters): 4 + 25.
    assert lix("Her deler du erfaringer. Vi sorterer dem sammen!") == pytest.approx(4 + 100 * 2 / 8)
    # Tags, placeholders, commands and emoji are not words; no sentence end is one sentence.
    assert lix("<b>Hei</b> {title} /forget ✅ du") == pytest.approx(2.0)
    # A line break between two lines ends a sentence, as a colon does.
    assert lix("Ja nei\nJa nei: ja nei") == pytest.approx(2.0)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_participant_text_is_at_an_easy_reading_level(language: str) -> None:
    scored = [text for text in texts(language) if text.scored]
    assert len(scored) > 100, "the participant-facing texts are marked `# Participant:`"
    hard = [f"{text.lix:.1f} {text.text}" for text in scored if text.lix > LIMIT]
    assert not hard, f"{language}: above LIX {LIMIT}: {hard}"


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_methods_questions_are_quoted_as_they_are_and_exempt(language: str) -> None:
    exempt = {text.msgid: text for text in texts(language) if text.exempt}
    assert set(exempt) == set(METHOD_QUESTIONS)
    for msgid, text in exempt.items():
        assert text.text == translator(language).gettext(msgid)
        assert not text.scored
    assert any(
        line.startswith("-- nb: the method's questions") for line in readability.report("nb")
    )


def words_of(message_text: str) -> int:
    return len(message_text.split())


async def test_the_first_screen_fits_a_phone_and_the_details_are_one_button_away(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    for language in ("nb", "nn", "en"):
        person = api.user(f"Leser {language}", language_code=language)
        await person.send(f"/start {code}")
        welcome = await person.wait_for(has_button("English"))
        assert words_of(welcome.text) <= FIRST_SCREEN_WORDS, (language, welcome.text)
        # Consent stays informed: what is stored, on the first screen, in one sentence.
        assert said(language, SHORT_STORED, days=180) in welcome.text
        labels = welcome.button_labels()
        assert labels[0] == button(language, "✅ I agree, let me take part")
        assert button(language, DETAILS) in labels
        assert all(len(row) <= 4 for row in welcome.buttons)
        assert said(language, STORED, days=180) not in welcome.text

        await person.press(welcome, button(language, DETAILS))
        details = await person.wait_for(edit_of(welcome))
        assert said(language, STORED, days=180) in details.text
        assert "/forget" in details.text
        assert button(language, "✅ I agree, let me take part") in details.button_labels()


async def test_the_details_buttons_work_after_a_restart_in_the_readers_language(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    nora = api.user("Nora", language_code="nn")
    await nora.send(f"/start {code}")
    welcome = await nora.wait_for(has_button("English"))
    await nora.press(welcome, button("nn", DETAILS))
    await nora.wait_for(edit_of(welcome))

    await bot.stop()
    await bot.restart()

    # Back to the first screen, then another language there, then the details in it.
    await nora.press(welcome, button("nn", "◀ Back to the welcome"))
    await nora.wait_for(edit_of(welcome))
    assert said("nn", SHORT_STORED, days=180) in welcome.text
    await nora.press(welcome, "English")
    await nora.wait_for(edit_of(welcome))
    await nora.press(welcome, button("en", DETAILS))
    await nora.wait_for(edit_of(welcome))
    assert said("en", STORED, days=180) in welcome.text

    # «I agree» on the details joins, in the language read.
    await nora.press(welcome, button("en", "✅ I agree, let me take part"))
    joined = said("en", JOINED, title="Gode møter med Nav")
    await nora.wait_for(contains(joined))
    assert bot.query("SELECT COUNT(*) FROM writers") == [(1,)]
