"""Every free text others will read is checked for personal details before it is saved: notes,
paper notes, theme names and read-back answers. Each waits, seen by nobody, in its writer's
language, until the writer keeps it as written or deletes it."""

from __future__ import annotations

from checks import said, said_n
from groupwork_helpers import card_themes, edit_of, propose_theme, seminar_in_groups, ui
from harness import BotProcess, button, contains, has_button, saying, seminar_with, text

from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

NOTE_FOUND = (
    "Your note seems to contain {details}. Notes should not reveal who anybody is. "
    "The note has not been saved and nobody has seen it."
)
PAPER_FOUND = (
    "This paper note seems to contain {details}. Notes should not reveal who anybody is. "
    "The note has not been saved and nobody else has seen it."
)
THEME_FOUND = (
    "Your theme name seems to contain {details}. Themes should not reveal who anybody is. "
    "The theme has not been saved and nobody else has seen it."
)
ANSWER_FOUND = (
    "Your answer seems to contain {details}. Answers should not reveal who anybody is. "
    "The answer has not been saved and nobody has seen it."
)


def found(language: str, msgid: str, detail: str) -> str:
    return said(language, msgid, details=text(language, detail))


async def held(user: SimUser, language: str, msgid: str, detail: str) -> BotMessage:
    """The question the bot asks before it saves a text with a personal detail."""
    return await user.wait_for(
        lambda m: (
            found(language, msgid, detail) in m.text
            and has_button(button(language, "Keep as written"))(m)
        )
    )


def note_texts(bot: BotProcess) -> list[str]:
    return sorted(str(row[0]) for row in bot.query("SELECT text FROM notes"))


async def test_numbers_that_look_like_a_national_id_or_account_are_questioned(
    api: LocalBotApi, bot: BotProcess
) -> None:
    _, _, (anna, nils) = await seminar_with(api, [("Anna", "nb"), ("Nils", "nn")])
    # Wrong check digits: still a question, not a saved note.
    await anna.send("Fødselsnummeret mitt er 15108695077")
    await held(anna, "nb", NOTE_FOUND, "a national identity number")
    await nils.send("Kontonummeret mitt er 8601 11 17947, dei betalte inn dit")
    await held(nils, "nn", NOTE_FOUND, "a bank account number")
    assert note_texts(bot) == []
    # A sum of money and a date are no personal details: saved at once.
    await anna.send("Jeg fikk kr 12 345 678 90 etterbetalt 20.12.2024")
    await anna.wait_for(contains("✓", "kr 12 345 678 90"))
    assert note_texts(bot) == ["Jeg fikk kr 12 345 678 90 etterbetalt 20.12.2024"]


async def test_paper_notes_with_a_personal_detail_wait_for_the_moderator(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, _, _ = await seminar_with(api, [("Anna", "nb")])
    await mona.send("/paper")
    await mona.wait_for(has_button(button("nb", "Done")))
    await mona.send("Ring Per Hansen på 912 34 567, han hjalp meg")
    question = await held(mona, "nb", PAPER_FOUND, "a phone number")
    assert "912 34 567" in question.text
    assert note_texts(bot) == []
    await mona.press(question, button("nb", "Delete it"))
    dropped = await mona.wait_for(edit_of(question))
    assert said("nb", "Deleted. Nothing was saved. You can type in the next paper note.") in (
        dropped.text
    )
    assert note_texts(bot) == []
    assert bot.query("SELECT setup_draft LIKE '%912%' FROM users") == [(0,), (0,)]

    await mona.send("Veilederen skrev til meg på per@nav.no, det var fint")
    question = await held(mona, "nb", PAPER_FOUND, "an e-mail address")
    keep = dict(question.buttons[0])[button("nb", "Keep as written")]
    await mona.press(question, button("nb", "Keep as written"))
    await mona.wait_for(
        contains(
            said_n(
                "nb",
                "Saved for question {number}. {count} paper note so far.",
                "Saved for question {number}. {count} paper notes so far.",
                1,
                number=1,
            )
        )
    )
    assert note_texts(bot) == ["Veilederen skrev til meg på per@nav.no, det var fint"]
    # Its keyboard is gone, and the same press again has nothing more to keep.
    await mona.press_data(question, keep)
    await mona.wait_for(saying("nb", "There is nothing waiting for this button any more."))
    assert len(note_texts(bot)) == 1


async def test_theme_names_and_read_back_answers_with_a_personal_detail_wait(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona, seats, _ = await seminar_in_groups(api, 4, size=4)
    ((_, members),) = seats.items()
    first, second = members[0], members[1]
    lang = ui(first)

    def theme_names() -> list[str]:
        return sorted(str(row[0]) for row in bot.query("SELECT name FROM themes"))

    # A theme name: asked for with «New theme», questioned in the member's language, and
    # nobody sees it until it is kept.
    question = await propose_theme(first, "Veileder 912 34 567")
    assert found(lang, THEME_FOUND, "a phone number") in question.text
    assert theme_names() == []
    await first.press(question, button(lang, "Delete it"))
    dropped = await first.wait_for(edit_of(question))
    assert said(lang, "Deleted. Nothing was saved. You can send another theme name.") in (
        dropped.text
    )
    assert theme_names() == []
    # Still asked for a theme's name: the next message is one.
    await first.send("Spør @per_hansen")
    question = await held(first, lang, THEME_FOUND, "a @username")
    await first.press(question, button(lang, "Keep as written"))
    await first.wait_for(lambda m: m.message_id > question.message_id and "@per_hansen" in m.text)
    assert theme_names() == ["Spør @per_hansen"]
    assert "Tillit" in (await propose_theme(first, "Tillit")).text

    # Through the voting and the plenary to the read-back.
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for person in members:
        card = await person.wait_for(lambda m: "Tillit" in card_themes(m))
        for _ in range(3):
            await person.press(card, next(x for x in card.button_labels() if x.endswith("Tillit")))
            card = await person.wait_for(edit_of(card))
    await mona.send("/plenary")
    await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.send("/check")
    lang = ui(second)
    missing = button(lang, "Theme {number}: something is missing").format(number=1)
    asked = await second.wait_for(has_button(missing))
    await second.press(asked, missing)
    await second.wait_for(
        contains(
            said(
                lang,
                "Thank you. What is missing in theme {number}? Write it in a message, in your "
                "own words.",
                number=1,
            )
        )
    )

    def missing_notes() -> list[object]:
        return [row[0] for row in bot.query("SELECT note FROM readbacks")]

    await second.send("Saksbehandleren min, kari.nordmann@nav.no, svarte aldri")
    question = await held(second, lang, ANSWER_FOUND, "an e-mail address")
    assert missing_notes() == [None]
    await second.press(question, button(lang, "Delete it"))
    dropped = await second.wait_for(edit_of(question))
    assert said(lang, "Deleted. Nothing was saved. You can write again what is missing.") in (
        dropped.text
    )
    assert missing_notes() == [None]
    # The next message is the answer again, and it too is checked.
    await second.send("Hun heter Kari, ring 41 23 45 67")
    question = await held(second, lang, ANSWER_FOUND, "a phone number")
    await second.press(question, button(lang, "Keep as written"))
    await second.wait_for(
        contains(
            said(
                lang,
                "Thank you. It is saved for the report, for theme {number}, without your name.",
                number=1,
            )
        )
    )
    assert missing_notes() == ["Hun heter Kari, ring 41 23 45 67"]
