"""A seminar series, end to end: users, then staff, then a joint seminar that starts from both
seminars' themes and ranks proposals for them; the follow-up of the chosen proposals; and a
follow-up seminar that opens with what came of them."""

from __future__ import annotations

import json

from checks import said
from groupwork_helpers import card_themes, edit_of, propose_theme
from harness import (
    BotProcess,
    answer,
    button,
    contains,
    create_seminar,
    dot_button,
    has_button,
    join,
    saying,
    wait_until,
)

from bot.i18n import joint_question, standard_questions, translator
from localapi import LocalBotApi
from localapi.sim import BotMessage, SimUser

WAIT = 20.0
USERS = (("Anna", "nb"), ("Bo", "en"), ("Cato", "nb"))
USER_NOTES = [
    ["Veilederen ringte tilbake", "Hun tok seg tid"],
    ["I got an answer the same day", "Someone cared about me"],
    ["Jeg ble trodd med en gang", "Ingen stress i møtet"],
]
STAFF_NOTES = [
    ["Jeg ringer tilbake samme dag", "Vi har luft i kalenderen"],
    ["Jeg lytter til hele historien", "Lederen gir oss tid"],
    ["Jeg forklarer reglene enkelt", "Vi har gode maler"],
]
JOINT_NOTES = [
    ["Svar innen to dager", "Faste tider for samtale"],
    ["Ring tilbake samme dag", "Mindre skjema, mer prat"],
    ["Send a text when the case moves", "Book a longer first meeting"],
]


def _latest_with(user: SimUser, label: str) -> BotMessage:
    found = [m for m in user.bot_messages.values() if label in m.button_labels() and not m.deleted]
    assert found, f"no message with {label!r}:\n{user.transcript()}"
    return max(found, key=lambda m: m.message_id)


async def run_seminar(
    mona: SimUser,
    code: str,
    people: list[tuple[SimUser, str]],
    notes: list[list[str]],
    theme: str,
) -> None:
    """People join with `code`, each writes their notes (one list per question), the notes are
    sorted into one theme, which everyone gives a dot, and the seminar ends."""
    for person, language in people:
        await join(person, code, language)
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for (person, language), mine in zip(people, notes, strict=True):
        await person.wait_for(has_button(button(language, "Next question ▶")))
        for number, note in enumerate(mine):
            if number:
                await person.press(
                    _latest_with(person, button(language, "Next question ▶")),
                    button(language, "Next question ▶"),
                )
                await person.wait_for(
                    contains(
                        said(
                            language,
                            "<b>Question {number} of {total}</b>",
                            number=number + 1,
                            total=len(mine),
                        )
                    )
                )
            await answer(person, note)
    await mona.send("/close")
    await mona.wait_for(contains(notes[0][0][:20]))
    await mona.send("/groups 5")
    formed = await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    await mona.press(formed, button("nb", "Show the notes to the groups"))
    first, first_language = people[0]
    await first.wait_for(contains(notes[1][0][:20]))
    await propose_theme(first, theme, language=first_language)
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    everyone_notes = sum(len(mine) for mine in notes)
    for (person, _), mine in zip(people, notes, strict=True):
        card = await person.wait_for(lambda m: theme in card_themes(m))
        for _ in range(everyone_notes - len(mine)):
            label = next(x for x in card.button_labels() if x.endswith(theme))
            await person.press(card, label)
            card = await person.wait_for(edit_of(card))
    await mona.send("/plenary")
    dots = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.press(dots, button("nb", "Start the dot vote"))
    for person, language in people:
        card = await person.wait_for(has_button(dot_button(language, 1)))
        await person.press(card, dot_button(language, 1))
        await person.wait_for(edit_of(card))
    await mona.send("/close_dots")
    await mona.wait_for(has_button(button("nb", "End the seminar")))
    await mona.send("/end")
    ask = await mona.wait_for(has_button(button("nb", "Close the seminar")))
    await mona.press(ask, button("nb", "Close the seminar"))
    for person, language in people:
        closed = said(
            language,
            "<b>{title}</b> is closed. Thank you for taking part!",
            title="Bedre hjelp i Nav",
        )
        await person.wait_for(contains(closed))


async def next_seminar(mona: SimUser, kind_button: str, kind: str) -> tuple[str, BotMessage]:
    """Two taps from the ended seminar's cockpit: the next seminar of the series, and its kind.
    Returns the new seminar's join code and the message that named its kind."""
    start = button("nb", "Start the next seminar of the series")

    def ended_cockpit(m: BotMessage) -> bool:
        return m.text.startswith("🧭") and not m.deleted and start in m.button_labels()

    shown = [m for m in mona.bot_messages.values() if ended_cockpit(m)]
    cockpit = shown[-1] if shown else await mona.wait_for(ended_cockpit, WAIT)
    await mona.press(cockpit, start)
    kinds = await mona.wait_for(has_button(button("nb", kind_button)))
    await mona.press(kinds, button("nb", kind_button))
    named = await mona.wait_for(
        contains(
            said(
                "nb",
                "A new {kind} in the series <b>{title}</b>.",
                kind=translator("nb").pgettext("kind", kind),
                title="Bedre hjelp i Nav",
            )
        )
    )
    created = await mona.wait_for(contains("https://t.me/"))
    return created.text.split("?start=")[1].split()[0], named


async def test_users_staff_and_joint_seminars_make_a_series_with_follow_up(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    code = await create_seminar(mona, "Bedre hjelp i Nav")
    anna, bo, cato = (api.user(name, language_code=lang) for name, lang in USERS)
    users = [(anna, "nb"), (bo, "en"), (cato, "nb")]
    await run_seminar(mona, code, users, USER_NOTES, "Rask respons")

    # Staff: two taps from the ended seminar, and the staff's own standard questions.
    code, named = await next_seminar(mona, "New seminar with staff", "staff seminar")
    assert "Bedre hjelp i Nav" in named.text
    staff = [(api.user(f"Ansatt {i}", language_code="nb"), "nb") for i in range(3)]
    await run_seminar(mona, code, staff, STAFF_NOTES, "Tid til samtale")
    asked = standard_questions(translator("nb"), staff=True)[0]
    assert any(asked in m.text for m in staff[0][0].inbox)

    # Joint: it starts from both seminars' themes, shown to everyone before the questions,
    # and asks for proposals theme by theme.
    code, _ = await next_seminar(mona, "New joint seminar", "joint seminar")
    starts = saying("nb", "Today we start from these themes. For each theme, we ask what to do.")
    shown = next(m for m in mona.inbox if starts(m))
    assert shown.text.index("Rask respons") < shown.text.index("Tid til samtale")
    dina = api.user("Dina", language_code="en")
    joint = [(anna, "nb"), (staff[0][0], "nb"), (dina, "en")]
    await run_seminar(mona, code, joint, JOINT_NOTES, "Kortere ventetid")
    for person, language in joint:
        t = translator(language)
        texts = " ".join(m.text for m in person.inbox)
        assert said(language, "From the users") in texts
        assert said(language, "From the staff") in texts
        assert joint_question(t, "Rask respons", from_staff=False) in texts
        assert joint_question(t, "Tid til samtale", from_staff=True) in texts

    # The seminars of a series share a title: a cockpit names the kind beside it.
    cockpits = [m for m in mona.bot_messages.values() if m.text.startswith("🧭") and not m.deleted]
    joint_kind = translator("nb").pgettext("kind", "joint seminar")
    assert f"Bedre hjelp i Nav ({joint_kind})" in cockpits[-1].text

    # The chosen proposal, under follow-up, answers both earlier themes (its lineage).
    assert bot.query("SELECT kind FROM seminars ORDER BY id") == [
        ("users",),
        ("staff",),
        ("joint",),
    ]
    assert bot.query(
        "SELECT p.name, f.status FROM followups f JOIN series_themes p ON p.id = f.proposal_id"
    ) == [("Kortere ventetid", "planned")]
    assert sorted(
        bot.query(
            "SELECT a.name, a.kind FROM lineage l JOIN series_themes a ON a.id = l.answers_id"
        )
    ) == [("Rask respons", "users"), ("Tid til samtale", "staff")]
    assert len({row[0] for row in bot.query("SELECT series_id FROM seminars")}) == 1

    # The joint seminar's report carries the follow-up table.
    await mona.send("/report")
    report = await mona.wait_for(lambda m: m.kind == "document" and m.file_name == "report.html")
    await api.wait_idle(timeout=60)  # the report's files are made in a child process
    page = (report.file_bytes or b"").decode("utf-8")
    follow_up = page.split(said("nb", "Proposals and follow-up"))[1]
    assert "Kortere ventetid" in follow_up
    assert translator("nb").pgettext("status", "planned") in follow_up

    # A follow-up seminar of the users opens with what came of every proposal.
    code, _ = await next_seminar(mona, "New seminar with users", "users' seminar")
    eva = api.user("Eva", language_code="en")
    await join(eva, code, "en")
    await mona.send("/open")
    table = await eva.wait_for(saying("en", "What came of the proposals from last time:"))
    assert "Kortere ventetid" in table.text
    assert translator("en").pgettext("status", "planned") in table.text
    bot.assert_clean_logs()

    # The retention purge: the seminars go with everything about people, and the series keeps
    # only what holds no person (themes, proposals, chosen quotes, statuses).
    written = [
        note for notes in (USER_NOTES, STAFF_NOTES, JOINT_NOTES) for n in notes for note in n
    ]
    quotes = {
        quote
        for (kept,) in bot.query("SELECT quotes FROM series_themes")
        for quote in json.loads(str(kept))
    }
    assert quotes
    assert quotes < set(written)
    bot.advance_clock(181 * 86400)
    await wait_until(lambda: bot.query("SELECT COUNT(*) FROM seminars") == [(0,)])
    for table in ("users", "members", "writers", "notes", "votes", "dots", "joint_questions"):
        assert bot.query(f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    assert bot.query("SELECT COUNT(*) FROM series") == [(1,)]
    assert bot.query("SELECT DISTINCT seminar_id FROM series_themes") == [(None,)]
    assert bot.query("SELECT COUNT(*) FROM followups") == [(1,)]
    assert len(bot.query("SELECT answers_id FROM lineage")) == 2
    await wait_until(
        lambda: not any(n.encode() in bot.stored_bytes() for n in set(written) - quotes)
    )
    stored = bot.stored_bytes()
    for person in (anna, bo, cato, dina, eva, *(p for p, _ in staff)):
        assert person.name.encode() not in stored
        assert str(person.id).encode() not in stored
