from __future__ import annotations

import asyncio

from checks import said, said_n
from groupwork_helpers import (
    card_themes,
    edit_of,
    group_called,
    into,
    is_card,
    newest_with,
    propose_theme,
    seminar_in_groups,
    theme_on,
    ui,
)
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
    text,
    wait_until,
)

from bot.domain import GROUP_MARKS
from bot.i18n import translator
from localapi import LocalBotApi


def votes(bot: BotProcess) -> int:
    return int(bot.query("SELECT COUNT(*) FROM votes")[0][0])  # type: ignore[call-overload]


async def test_votes_that_do_not_belong(api: LocalBotApi, bot: BotProcess) -> None:
    mona, seats, _ = await seminar_in_groups(api, 6, size=3)
    (_, group_a), (_, group_b) = seats.items()
    alice, bob = group_a[0], group_b[0]
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    card = await alice.wait_for(
        saying(
            ui(alice), "Your group has no themes yet. Press «New theme» to propose the first one."
        )
    )
    # Proposed from the group's list of notes, so no note is sorted with them.
    new_theme = button(ui(alice), "New theme")
    listing = next(
        m for m in alice.bot_messages.values() if new_theme in m.button_labels() and not is_card(m)
    )
    assert "Relasjon" in (await propose_theme(alice, "Relasjon", on=listing)).text
    assert "Tillit" in (await propose_theme(alice, "Tillit", on=listing)).text
    too_long = await propose_theme(alice, "x" * 41, on=listing)
    assert (
        said(ui(alice), "Please keep a theme name short: at most {limit} characters.", limit=40)
        in too_long.text
    )
    await alice.press(newest_with(alice, button(ui(alice), "Cancel")), button(ui(alice), "Cancel"))
    # The card shows the new themes without a press.
    await wait_until(
        lambda: card_themes(alice.bot_messages[card.message_id]) == ["Relasjon", "Tillit"]
    )

    relasjon = next(
        data for row in card.buttons for label, data in row if theme_on(label) == "Relasjon"
    )
    # Two members of the group vote on the same note at the same instant, each from their own
    # card (a client may send any data for a message it shows): both count.
    own_cards = [next(m for m in reversed(member.inbox) if is_card(m)) for member in group_a[1:3]]
    await asyncio.gather(
        *(
            member.press_data(own, relasjon)
            for member, own in zip(group_a[1:3], own_cards, strict=True)
        )
    )
    await api.wait_idle()
    assert votes(bot) == 2
    bot.execute("DELETE FROM votes")
    await alice.press_data(card, relasjon)
    await api.wait_idle()
    assert votes(bot) == 1

    # Someone from the other group presses a real button of group A: nothing happens.
    bob_card = next(m for m in reversed(bob.inbox) if is_card(m))
    await bob.press_data(bob_card, relasjon)
    await bob.wait_for(
        saying(ui(bob), "You are not in a group of this seminar, so this is not for you.")
    )
    await api.wait_idle()
    assert votes(bot) == 1

    # A theme merged away while a card shows it: the press changes nothing.
    tillit = next(
        data for row in card.buttons for label, data in row if theme_on(label) == "Tillit"
    )
    await mona.send("/themes")
    overview = await mona.wait_for(contains("Tillit"))
    await mona.press(overview, button("nb", "Merge {name}").format(name="Tillit"))
    choices = await mona.wait_for(has_button(into("nb", "Relasjon")))
    await mona.press(choices, into("nb", "Relasjon"))
    await mona.wait_for(edit_of(choices))
    before = bot.query("SELECT theme_id FROM votes")
    await group_a[1].press_data(own_cards[0], tillit)
    await api.wait_idle()
    assert bot.query("SELECT theme_id FROM votes") == before

    # After the voting ends, vote buttons answer that the step is over.
    await mona.send("/plenary")
    await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    plenary_step = said(
        ui(alice),
        "That step is over: the seminar is now at «{phase}».",
        phase=translator(ui(alice)).pgettext("phase", "plenary"),
    )
    await alice.press_data(card, relasjon)
    await alice.wait_for(lambda m: m.text == plenary_step)
    await api.wait_idle()
    assert [m.text for m in alice.inbox].count(plenary_step) == 1
    assert alice.bot_messages[card.message_id].buttons == []
    assert votes(bot) == 1
    # Names never reach the moderator.
    for person in (*group_a, *group_b):
        assert all(person.name not in m.text for m in mona.inbox)


async def test_forget_after_the_group_work_recounts(api: LocalBotApi, bot: BotProcess) -> None:
    mona, seats, notes = await seminar_in_groups(api, 4)
    ((_, members),) = seats.items()
    await propose_theme(members[0], "Tid")
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for person in members:
        card = await person.wait_for(lambda m: "Tid" in card_themes(m))
        for _ in range(4):
            await person.press(card, next(x for x in card.button_labels() if x.endswith("Tid")))
            card = await person.wait_for(edit_of(card))
    assert votes(bot) == 16
    leaver = members[3]
    await leaver.send("/forget")
    ask = await leaver.wait_for(has_button(button(ui(leaver), "Yes, delete everything")))
    await leaver.press(ask, button(ui(leaver), "Yes, delete everything"))
    await leaver.wait_for(edit_of(ask))
    assert votes(bot) == 9
    await mona.send("/plenary")
    await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    language = ui(members[0])
    plenary = await members[0].wait_for(
        contains(said(language, "<b>Plenary: {title}</b>", title="Gode møter med Nav"))
    )
    assert notes[leaver.id] not in plenary.text
    lines = plenary.text.splitlines()
    theme = said_n(
        language, "<b>«{name}»</b> ({count} note)", "<b>«{name}»</b> ({count} notes)", 3, name="Tid"
    )
    assert theme in lines, plenary.text
    three_votes = said_n(language, "{count} vote", "{count} votes", 3)
    staying = sorted(notes[p.id] for p in members[:3])
    assert sorted(lines[lines.index(theme) + 1 :][:3]) == [
        f"• {note} ({three_votes})" for note in staying
    ], plenary.text


async def test_vote_before_groups_and_co_moderators(api: LocalBotApi, bot: BotProcess) -> None:
    mona = api.user("Mona", language_code="nb")
    await create_seminar(mona)
    await mona.send("/vote")
    await mona.wait_for(
        saying("nb", "That is not possible now: <b>{title}</b> is at the step «{phase}».")
    )
    await mona.send("/invite")
    invite = await mona.wait_for(has_button(button("nb", "Invite a co-moderator")))
    await mona.press(invite, button("nb", "Invite a co-moderator"))
    link = await mona.wait_for(contains("?start=mod-"))
    code = link.text.split("?start=")[1].split()[0]

    carl = api.user("Carl Co", language_code="en")
    await carl.send(f"/start {code}")
    await carl.wait_for(
        saying(
            "en",
            "You are now a co-moderator of <b>{title}</b> and can run the seminar. Only its owner can hand it over to someone else, and nobody can remove the owner. /help lists the commands.",
        )
    )
    dora = api.user("Dora", language_code="en")
    await dora.send(f"/start {code}")
    await dora.wait_for(
        saying("en", "This moderator invitation has already been used. Ask for a new one.")
    )
    # An expired invite.
    await mona.press(invite, button("nb", "Invite a co-moderator"))
    second = await mona.wait_for(lambda m: "?start=mod-" in m.text and code not in m.text)
    expired = second.text.split("?start=")[1].split()[0]
    bot.execute(
        "UPDATE moderator_invites SET expires_at = '2000-01-01T00:00:00+00:00' WHERE used = 0"
    )
    await dora.send(f"/start {expired}")
    await dora.wait_for(saying("en", "This moderator invitation has expired. Ask for a new one."))

    # The co-moderator can run the seminar: open the round.
    await carl.send("/open")
    await carl.wait_for(has_button(button("en", "Close the answer round")))
    # And can be removed, after which they cannot.
    await mona.send("/moderators")
    listing = await mona.wait_for(contains("Carl Co"))
    await mona.press(listing, button("nb", "Remove {name}").format(name="Carl Co"))
    await mona.wait_for(edit_of(listing))
    await carl.send("/close")
    await carl.wait_for(saying("en", "You have no seminar yet. Create one with /new."))


async def test_bind_announce_paper_notes_review_and_progress(
    api: LocalBotApi, bot: BotProcess
) -> None:
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    outsider = api.user("Olav", language_code="nb")
    room = api.group("Rommet", members=[mona, outsider], admins=[outsider])
    await room.send(mona, "/bind")  # a moderator, but no administrator of the chat
    await room.wait_for(
        saying(
            "nb",
            "Only someone who is both an administrator of this chat and a moderator of the seminar can bind it.",
        )
    )
    await room.send(outsider, "/bind")  # an administrator, but no moderator
    await room.wait_for(
        saying(
            "nb",
            "Only someone who is both an administrator of this chat and a moderator of the seminar can bind it.",
        )
    )
    await room.send_as_chat("/bind")
    await room.wait_for(
        saying(
            "nb",
            "You are sending as the group, so I cannot tell which moderator you are. Please turn off «Remain anonymous» in your administrator settings, or send the command from your personal account.",
        )
    )
    admins_room = api.group("Plenum", members=[mona], admins=[mona])
    await admins_room.send(mona, "/bind")
    await admins_room.wait_for(contains("Gode møter med Nav"))

    kari = api.user("Kari", language_code="nb")
    await join(kari, code, "nb")
    await mona.send("/announce Vi starter klokka 10 <b>presis</b>")
    heard = await kari.wait_for(contains("Vi starter klokka 10"))
    assert "<b>presis</b>" in heard.text
    await admins_room.wait_for(contains("Vi starter klokka 10"))

    def so_far(count: int) -> str:
        return said_n("nb", "{count} note so far", "{count} notes so far", count)

    def done(count: int) -> str:
        return said("nb", "{done} of {total} participants done", done=count, total=1)

    def notes(count: int) -> str:
        return said_n("nb", "{count} note", "{count} notes", count)

    def people(wrote: int, done: int) -> str:
        return said(
            "nb",
            "Joined: {joined} · wrote: {wrote} · done: {done}",
            joined=1,
            wrote=wrote,
            done=done,
        )

    await mona.send("/open")
    # The moderator follows the round in the cockpit; the plenary chat has its own progress.
    progress = await mona.wait_for(
        lambda m: (
            m.text.startswith("🧭") and button("nb", "Close the answer round") in m.button_labels()
        ),
        timeout=15,
    )
    assert progress.text.splitlines()[1:3] == [people(0, 0), notes(0)]
    in_room = await admins_room.wait_for(contains(so_far(0)))
    assert in_room.text.splitlines()[1:] == [so_far(0), done(0)]
    await mona.send("/paper")
    paper = await mona.wait_for(has_button(button("nb", "Done")))
    await mona.send("Skrevet på papir: god veileder")
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
    await mona.press(paper, button("nb", "Done"))
    await mona.wait_for(edit_of(paper))
    saved = await answer(kari, "Kari sin lapp med Kari Nordmann i")
    # Live progress: one message, edited, not a stream of new ones. Writing a note is not
    # being done: only «I am done» counts Kari among those done.
    edited = await mona.wait_for(
        lambda m: m.message_id == progress.message_id and notes(2) in m.text.splitlines(),
        timeout=15,
    )
    assert edited.text.splitlines()[1:3] == [people(1, 0), notes(2)]
    await kari.press(saved, button("nb", "Next question ▶"))
    last = await kari.wait_for(has_button(button("nb", "I am done ✓")))
    await kari.press(last, button("nb", "I am done ✓"))
    edited = await mona.wait_for(
        lambda m: m.message_id == progress.message_id and people(1, 1) in m.text.splitlines(),
        timeout=15,
    )
    assert edited.text.splitlines()[1:3] == [people(1, 1), notes(2)]
    await kari.press(saved, button("nb", "🗑 Delete"))
    edited = await mona.wait_for(
        lambda m: m.message_id == progress.message_id and notes(1) in m.text.splitlines(),
        timeout=15,
    )
    assert edited.text.splitlines()[1:3] == [people(0, 1), notes(1)]
    await answer(kari, "Kari sin lapp med Kari Nordmann i")
    # Paper notes count as one writer: two more people write, so the notes can be shown.
    for name in ("Lars", "Siri"):
        late = api.user(name, language_code="nb")
        await join(late, code, "nb")
        await late.wait_for(has_button(button("nb", "Next question ▶")))
        await answer(late, f"{name} sin lapp")

    await mona.send("/close")
    summary = await mona.wait_for(contains("Skrevet på papir"))
    assert "Kari Nordmann i" in summary.text  # her note, not her name
    # Kari, Lars and Siri wrote; the paper note is nobody's, so no fourth participant.
    wrote = said_n("nb", "{count} participant wrote notes.", "{count} participants wrote notes.", 3)
    assert wrote in summary.text.splitlines()
    await mona.send("/groups all")
    formed = await mona.wait_for(has_button(button("nb", "Review the notes")))
    group = group_called("nb", GROUP_MARKS[0])
    group_button = button("nb", "Give the paper notes to {group}").format(group=group)
    await mona.press(formed, group_button)
    await mona.wait_for(
        contains(
            said_n(
                "nb",
                "{count} paper note goes to {group}.",
                "{count} paper notes go to {group}.",
                1,
                group=group,
            )
        )
    )
    await mona.press(formed, button("nb", "Review the notes"))
    card = await mona.wait_for(has_button(button("nb", "Shorten")))
    for _ in range(4):
        if "Kari Nordmann" in card.text:
            break
        await mona.press(card, button("nb", "Fine ▶"))
        card = await mona.wait_for(edit_of(card))
    await mona.press(card, button("nb", "Shorten"))
    await mona.wait_for(
        saying(
            "nb",
            "Send the shortened text of this note. Everyone will see it marked as shortened by "
            "the moderator, and its writer will be told the new wording:",
        )
    )
    await mona.send("Kari sin lapp")
    await mona.wait_for(contains("Kari sin lapp"))
    await mona.press(card, button("nb", "Show the notes to the groups"))
    shown = await kari.wait_for(contains("Skrevet på papir"))
    assert "Kari sin lapp" in shown.text
    assert "Nordmann" not in shown.text


async def test_late_joiner_and_votes_survive_a_crash(api: LocalBotApi, bot: BotProcess) -> None:
    mona, seats, _ = await seminar_in_groups(api, 6, size=3)
    code = bot.query("SELECT invite_code FROM seminars")[0][0]
    (_, group_a), (_, group_b) = seats.items()
    await propose_theme(group_a[0], "Tid")
    await propose_theme(group_b[0], "Tillit")
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    voter = group_a[1]
    card = await voter.wait_for(lambda m: "Tid" in card_themes(m))
    await voter.press(card, into(ui(voter), "Tid"))
    await voter.wait_for(edit_of(card))
    assert votes(bot) == 1

    await bot.kill()
    await bot.restart()
    assert votes(bot) == 1
    # The card from before the crash still works.
    card = next(m for m in reversed(voter.inbox) if is_card(m))
    await voter.press(card, next(x for x in card.button_labels() if theme_on(x) == "Tid"))
    await voter.wait_for(edit_of(card))
    assert votes(bot) == 2

    # Someone who joins now sits in the smallest group and can vote at once.
    late = api.user("Late Lars", language_code="en")
    await join(late, str(code), "en")
    late_card = await late.wait_for(is_card)
    theme = next(x for x in late_card.button_labels() if theme_on(x) in ("Tid", "Tillit"))
    await late.press(late_card, theme)
    await late.wait_for(edit_of(late_card))
    assert votes(bot) == 3
    sizes = sorted(int(r[0]) for r in bot.query("SELECT COUNT(*) FROM writers GROUP BY group_id"))
    assert sizes == [3, 4]


async def test_notes_can_be_dealt_across_all_groups(api: LocalBotApi, bot: BotProcess) -> None:
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"P{i}", language_code="en") for i in range(6)]
    for person in people:
        await join(person, code, "en")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for i, person in enumerate(people[:3]):
        await person.wait_for(has_button(button("en", "Next question ▶")))
        for n in range(2):
            await answer(person, f"Note {i}-{n}")
    await mona.send("/close")
    await mona.wait_for(contains("Note 0-0"))
    await mona.send("/groups all ¹ 3 deal")  # a superscript one is no size, and no crash either
    await mona.wait_for(has_button(button("nb", "Show the notes to the groups")))
    # Each group gets one note of each of the three writers.
    per_group = bot.query(
        "SELECT COUNT(*), COUNT(DISTINCT author) FROM notes GROUP BY group_id ORDER BY 1"
    )
    assert per_group == [(3, 3), (3, 3)]


async def test_a_dot_card_with_many_themes_turns_pages(api: LocalBotApi, bot: BotProcess) -> None:
    mona, seats, _ = await seminar_in_groups(api, 9, size=3)
    for number, members in enumerate(seats.values()):
        for position, person in enumerate(members):
            name = f"Tema {number}{position}"
            assert name in (await propose_theme(person, name)).text
    await mona.send("/vote")
    await mona.wait_for(has_button(button("nb", "Start the plenary")))
    for members in seats.values():
        for person in members:
            card = await person.wait_for(is_card)
            for index in range(3):
                themes = card_themes(card)
                edited = edit_of(card)
                await person.press(card, into(ui(person), themes[index]))
                card = await person.wait_for(edited)
    await mona.send("/plenary")
    start = await mona.wait_for(has_button(button("nb", "Start the dot vote")))
    await mona.press(start, button("nb", "Start the dot vote"))
    voter = next(iter(seats.values()))[0]
    lang = ui(voter)
    card = await voter.wait_for(has_button(dot_button(lang, 1)))
    assert dot_button(lang, 8) in card.button_labels()
    assert dot_button(lang, 9) not in card.button_labels()
    assert said(ui(voter), "Themes {first}–{last} of {total}:", first=1, last=8, total=9) in (
        card.text.splitlines()
    )
    assert "9." not in card.text

    edited = edit_of(card)
    await voter.press(card, button(lang, "Next themes ▶"))
    card = await voter.wait_for(edited)
    assert dot_button(lang, 9) in card.button_labels()
    assert dot_button(lang, 1) not in card.button_labels()
    assert said(ui(voter), "Themes {first}–{last} of {total}:", first=9, last=9, total=9) in (
        card.text.splitlines()
    )
    assert button(lang, "◀ Previous themes") in card.button_labels()
    assert button(lang, "Next themes ▶") not in card.button_labels()

    edited = edit_of(card)
    await voter.press(card, dot_button(lang, 9))
    card = await voter.wait_for(edited)
    assert dot_button(lang, 9) in card.button_labels(), "the card stays on the page pressed"
    assert next(line for line in card.text.splitlines() if line.startswith("9.")).endswith("●")
    assert bot.query("SELECT COUNT(*) FROM dots") == [(1,)]


async def test_a_former_moderator_renaming_a_theme_is_refused(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """A co-moderator removed after pressing «Rename» who then types the new name reads that
    only moderators can do that, and nothing else; the theme keeps its name."""
    mona, seats, _ = await seminar_in_groups(api, 4)
    ((_, members),) = seats.items()
    await propose_theme(members[0], "Tid")
    await mona.send("/invite")
    invite = await mona.wait_for(has_button(button("nb", "Invite a co-moderator")))
    await mona.press(invite, button("nb", "Invite a co-moderator"))
    link = await mona.wait_for(contains("?start=mod-"))
    carl = api.user("Carl Co", language_code="en")
    await carl.send(f"/start {link.text.split('?start=')[1].split()[0]}")
    await carl.wait_for(contains("co-moderator"))
    await carl.send("/themes")
    overview = await carl.wait_for(has_button(button("en", "Rename {name}").format(name="Tid")))
    await carl.press(overview, button("en", "Rename {name}").format(name="Tid"))
    await carl.wait_for(saying("en", "Send the new name for «{name}»."))
    await mona.send("/moderators")
    listing = await mona.wait_for(contains("Carl Co"))
    await mona.press(listing, button("nb", "Remove {name}").format(name="Carl Co"))
    await mona.wait_for(edit_of(listing))
    await api.wait_idle()

    before = len(carl.inbox)
    await carl.send("Tidsbruk")
    await carl.wait_for(saying("en", "Only the seminar's moderators can do that."))
    await api.wait_idle()
    assert [m.text for m in carl.inbox[before:]] == [
        text("en", "Only the seminar's moderators can do that.")
    ]
    # No second, empty message that Telegram refuses.
    refused = [line for line in bot.logs if "a reply was refused" in line]
    assert refused == [], refused
    assert bot.query("SELECT name FROM themes") == [("Tid",)]


async def test_shortening_a_note_deleted_meanwhile_says_it_is_gone(
    api: LocalBotApi, bot: BotProcess
) -> None:
    """A note whose writer left with /forget after the moderator pressed «Shorten»: the
    moderator's shorter text is answered with the note being gone, and the step ends."""
    mona = api.user("Mona", language_code="nb")
    code = await create_seminar(mona)
    people = [api.user(f"P{i}", language_code="en") for i in range(4)]
    for person in people:
        await join(person, code, "en")
    await mona.send("/open")
    await mona.wait_for(has_button(button("nb", "Close the answer round")))
    for i, person in enumerate(people):
        await person.wait_for(has_button(button("en", "Next question ▶")))
        await answer(person, f"Lapp {i} om god hjelp")
    await mona.send("/close")
    await mona.wait_for(contains("Lapp 0"))
    await mona.send("/groups")
    formed = await mona.wait_for(has_button(button("nb", "Review the notes")))
    await mona.press(formed, button("nb", "Review the notes"))
    card = await mona.wait_for(has_button(button("nb", "Shorten")))
    leaver = next(p for i, p in enumerate(people) if f"Lapp {i} om" in card.text)
    await mona.press(card, button("nb", "Shorten"))
    await mona.wait_for(
        saying(
            "nb",
            "Send the shortened text of this note. Everyone will see it marked as shortened by "
            "the moderator, and its writer will be told the new wording:",
        )
    )
    await leaver.send("/forget")
    ask = await leaver.wait_for(has_button(button("en", "Yes, delete everything")))
    await leaver.press(ask, button("en", "Yes, delete everything"))
    await leaver.wait_for(edit_of(ask))
    await api.wait_idle()

    before = len(mona.inbox)
    await mona.send("Kort")
    await mona.wait_for(saying("nb", "That note no longer exists, so there is nothing to change."))
    await api.wait_idle()
    assert [m.text for m in mona.inbox[before:]] == [
        text("nb", "That note no longer exists, so there is nothing to change.")
    ]
    # The step has ended: the moderator's next text is no shortening.
    steps = bot.query("SELECT setup_step FROM users WHERE setup_step = 'shorten_note'")
    assert steps == []
    assert bot.query("SELECT COUNT(*) FROM notes WHERE shortened = 1") == [(0,)]
