"""A whole answer round, end to end: the real bot process, the Bot API double, simulated people."""

from __future__ import annotations

import hashlib

from checks import said, said_n
from harness import BotProcess, answer, button, contains, create_seminar, has_button, join

from localapi import LocalBotApi, SimUser
from localapi.sim import BotMessage

NOTES_Q1 = [
    "Veilederen min var trygg, empatisk og rommet livssituasjonen min.",
    "Å bli trodd på, sett helhetlig, tatt på alvor!",
    "Fikk direktenummeret til veilederen i stedet for sentralbordet.",
    "Kan jeg si nei til truckførerkurset?!",
    "Fant praksisplass selv, som Nav godkjente raskt!",
    "En veileder som ringer bare for å høre om jeg har en god dag.",
]
NOTES_Q2 = [
    "Hun så meg, trodde på meg og gav meg konkrete tilbakemeldinger.",
    "Jeg fikk blankpusset håpet om at jeg hadde en framtid.",
    "Tid til å snakke ordentlig sammen.",
    "Jeg fikk velge selv.",
    "De forklarte reglene så jeg forsto dem.",
    "Gjensidig respekt.",
]


# The method's two questions as each reader gets them, whatever the seminar's language.
FIRST = {
    "nb": "Hva har du vært mest fornøyd med",
    "nn": "Kva har du vore mest nøgd med",
    "en": "What have you been most satisfied with",
}
SECOND = {
    "nb": "Hva var det som gjorde",
    "nn": "Kva var det som gjorde",
    "en": "What was it that made this",
}


def all_bot_texts(users: list[SimUser]) -> str:
    return "\n".join(m.text + " " + " ".join(m.button_labels()) for u in users for m in u.inbox)


async def test_whole_answer_round(api: LocalBotApi, bot: BotProcess) -> None:
    moderator = api.user("Mona Moderator", language_code="en", username="mona_mod")
    code = await create_seminar(moderator, ui="en", language="nb")

    people = [
        api.user("Anna Andersen", language_code="nb", username="anna_a"),
        api.user("Bjørn Berg", language_code="no", username="bjorn_b"),
        api.user("Cecilie Dahl", language_code="en", username="cecilie_d"),
        api.user("David Eriksen", language_code="de", username="david_e"),
        api.user("Eva Fjeld", language_code="nb", username="eva_f"),
        api.user("Frode Gran", language_code="nb", username="frode_g"),
    ]
    languages = ["nb", "nb", "en", "en", "nn", "nb"]
    for person, language in zip(people, languages, strict=True):
        pick = "Norsk (nynorsk)" if language == "nn" else None
        await join(person, code, language, pick)

    await moderator.send("/open")
    opened = await moderator.wait_for(has_button(button("en", "Close the answer round")))
    assert (
        said_n(
            "en",
            "The answer round of <b>{title}</b> is open. The first question went to {count} participant.",
            "The answer round of <b>{title}</b> is open. The first question went to {count} participants.",
            6,
            title="Gode møter med Nav",
        )
        in opened.text
    )
    for person, language in zip(people, languages, strict=True):
        prompt = await person.wait_for(has_button(button(language, "Next question ▶")))
        # The method's questions and the bot's own words are the reader's language.
        assert FIRST[language] in prompt.text
        assert (
            said(language, "<b>Question {number} of {total}</b>", number=1, total=2) in prompt.text
        )

    saved: dict[str, BotMessage] = {}
    for i, person in enumerate(people):
        saved[NOTES_Q1[i]] = await answer(person, NOTES_Q1[i])
    # Several notes each: a second note on question 1 for two people.
    saved["extra"] = await answer(people[0], "Møtet var godt forberedt.")
    await answer(people[1], "Jeg ble møtt med et smil.")

    # An edit through Telegram's own edit changes the note.
    first = next(m for m in people[3].messages.values() if m.get("text") == NOTES_Q1[3])
    await people[3].edit(first["message_id"], "Jeg fikk si nei til truckførerkurset.")
    changed = await people[3].wait_for(contains("Jeg fikk si nei til truckførerkurset."))
    assert changed.message_id != saved[NOTES_Q1[3]].message_id

    # An edit with the button, and a delete.
    await people[4].press(saved[NOTES_Q1[4]], button("nn", "✏️ Edit"))
    await people[4].wait_for(has_button(button("nn", "Cancel")))
    await people[4].send("Fann praksisplass sjølv, og Nav godkjende raskt!")
    await people[4].wait_for(contains("Fann praksisplass sjølv"))
    await people[5].press(saved[NOTES_Q1[5]], button("nb", "🗑 Delete"))
    deleted = await people[5].wait_for(lambda m: m.message_id == saved[NOTES_Q1[5]].message_id)
    assert deleted.buttons == []

    # Everyone moves to question 2 and answers it.
    for i, (person, language) in enumerate(zip(people, languages, strict=True)):
        last = saved.get(NOTES_Q1[i]) if i not in (3, 4, 5) else None
        message = last or next(m for m in reversed(person.inbox) if m.button_labels())
        await person.press(message, button(language, "Next question ▶"))
        second = said(language, "<b>Question {number} of {total}</b>", number=2, total=2)
        await person.wait_for(contains(second, SECOND[language]), timeout=10)
        await answer(person, NOTES_Q2[i])

    # Frode leaves: his notes go with him.
    frode = people[5]
    await frode.send("/forget")
    ask = await frode.wait_for(has_button(button("nb", "Yes, delete everything")))
    await frode.press(ask, button("nb", "Yes, delete everything"))
    await frode.wait_for(lambda m: m.message_id == ask.message_id and m.edited > 0)

    moderator.drain()
    await moderator.send("/close")
    summary = await moderator.wait_for(contains("Question 1"))
    full = "\n".join(m.text for m in moderator.inbox if m.message_id >= summary.message_id)
    expected = [
        NOTES_Q1[0],
        NOTES_Q1[1],
        NOTES_Q1[2],
        "Jeg fikk si nei til truckførerkurset.",
        "Fann praksisplass sjølv, og Nav godkjende raskt!",
        "Møtet var godt forberedt.",
        "Jeg ble møtt med et smil.",
        *NOTES_Q2[:5],
    ]
    for note in expected:
        assert note in full, note
    for gone in (NOTES_Q1[3], NOTES_Q1[4], NOTES_Q1[5], NOTES_Q2[5]):
        assert gone not in full, gone
    assert "5 participants wrote notes." in full.splitlines()
    assert any(line.startswith("Question 1 (7 notes): ") for line in full.splitlines())
    assert any(line.startswith("Question 2 (5 notes): ") for line in full.splitlines())

    # Participants get a short thank-you with counts, never the notes.
    for person, language in zip(people[:5], languages, strict=False):
        together = said_n(
            language, "Together you wrote {count} note:", "Together you wrote {count} notes:", 12
        )
        thanks = await person.wait_for(contains(together))
        per_question = [
            said_n(
                language,
                "question {number}: {count} note",
                "question {number}: {count} notes",
                count,
                number=number,
            )
            for number, count in ((1, 7), (2, 5))
        ]
        lines = thanks.text.splitlines()
        assert lines[lines.index(together) + 1 :][:2] == per_question, thanks.text
        assert NOTES_Q1[0] not in thanks.text

    # Anonymity: nothing that shows notes names anybody.
    shown = all_bot_texts([moderator, *people])
    for person in [*people]:
        assert person.name not in shown
        assert str(person.id) not in shown
        assert person.username not in shown
    rows = bot.query("SELECT * FROM notes")
    ids = {str(p.id) for p in people} | {
        hashlib.sha256(str(p.id).encode()).hexdigest()[:32] for p in people
    }
    for row in rows:
        for cell in row:
            assert str(cell) not in ids
