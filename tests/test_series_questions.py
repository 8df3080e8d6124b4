"""The next seminar of a series, end to end: two taps make it with the kind's standard
questions, shown with a choice to write one's own instead (the steps of /new), and a second
press of the same button makes no second seminar."""

from __future__ import annotations

from checks import said
from harness import (
    BotProcess,
    button,
    contains,
    create_seminar,
    has_button,
    join,
    saying,
)

from bot.i18n import standard_questions, translator
from localapi import LocalBotApi

OWN = "Hva gjør du først når noen ringer?"


async def test_a_staff_seminar_asks_the_moderators_own_questions_and_a_second_press_makes_none(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona Moderator", language_code="nb")
    await create_seminar(mona, "Bedre hjelp i Nav")
    await mona.send("/series")
    kinds = await mona.wait_for(has_button(button("nb", "New seminar with staff")))
    await mona.press(kinds, button("nb", "New seminar with staff"))
    # Two taps: the seminar is there, with the staff's standard questions shown.
    choice = await mona.wait_for(saying("nb", "The seminar asks these questions:"))
    for question in standard_questions(translator("nb"), staff=True):
        assert question in choice.text
    assert button("nb", "Use these questions") in choice.button_labels()

    # A second press (a double tap) makes no second seminar.
    await mona.press(kinds, button("nb", "New seminar with staff"))
    kind = translator("nb").pgettext("kind", "staff seminar")
    await mona.wait_for(
        contains(
            said(
                "nb",
                "The series already has a new {kind} that has not opened yet."
                " No other one was made.",
                kind=kind,
            )
        )
    )
    assert bot.query("SELECT kind FROM seminars ORDER BY id") == [("users",), ("staff",)]

    # «Write my own»: the steps of /new, and the seminar asks the moderator's questions.
    await mona.press(choice, button("nb", "Write my own"))
    await mona.wait_for(contains(said("nb", "Send question {number} as a message.", number=1)))
    await mona.send(OWN)
    done = await mona.wait_for(has_button(button("nb", "Done")))
    await mona.press(done, button("nb", "Done"))
    await mona.wait_for(
        contains(
            said(
                "nb",
                "The seminar <b>{title}</b> asks your questions now:",
                title="Bedre hjelp i Nav",
            ),
            OWN,
        )
    )
    assert bot.query("SELECT questions, standard_questions FROM seminars WHERE kind = 'staff'") == [
        (f'["{OWN}"]', 0)
    ]
    (code,) = bot.query("SELECT invite_code FROM seminars WHERE kind = 'staff'")[0]
    eva = api.user("Eva Engebretsen", language_code="nb")
    await join(eva, str(code), "nb")
    await mona.send("/open")
    await eva.wait_for(contains(OWN))
