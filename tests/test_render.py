"""Rendering is pure: long summaries split within Telegram's limits, user text is escaped."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from bot.callbacks import Action, Button
from bot.domain import DotVote, Group, Note, NoteCounts, Phase, Seminar, Theme
from bot.flows.personal_data import HeldText, PersonalDataFound, PersonalDetail
from bot.flows.plenary import DotCard
from bot.i18n import translator
from bot.render import answering as answering_view
from bot.render import groups as groups_view
from bot.render import plenary as plenary_view
from bot.render import setup as setup_view

SEMINAR = Seminar(
    id=7,
    title="<Gode> møter & «Nav»",
    language="nb",
    phase=Phase.GROUPING,
    questions=("Spørsmål én?", "Spørsmål to?"),
    invite_code="abc",
    group_size=5,
    created_at=datetime(2027, 1, 1, tzinfo=UTC),
)


def test_a_long_summary_is_split_within_telegrams_limits() -> None:
    notes = [
        Note(id=i + 1, seminar_id=7, question=i % 2, text=f"{i:03d} " + "å<&>" * 69, hidden=False)
        for i in range(60)
    ]
    counts = NoteCounts(per_question=(30, 30), writers=20, writers_done=10)
    screens = setup_view.round_summary(
        translator("nn"), SEMINAR, counts, notes, (datetime(2027, 3, 1, tzinfo=UTC), "Europe/Oslo")
    )
    assert len(screens) > 1
    seen = []
    for screen in screens:
        assert len(screen.text) <= 4096
        assert sum(len(row) for row in screen.keys) <= 100
        seen += [line for line in screen.text.splitlines() if "å&lt;&amp;&gt;" in line]
        assert "<&>" not in screen.text
    assert len(seen) == 60
    assert "&lt;Gode&gt; møter &amp; «Nav»" in screens[0].text
    assert "1. mars 2027" in screens[0].text


def test_own_notes_list_splits_and_numbers_buttons() -> None:
    t = translator("en")
    notes = [
        Note(id=100 + i, seminar_id=7, question=0, text="x" * 280, hidden=False) for i in range(30)
    ]
    screens = answering_view.my_notes(t, SEMINAR, notes, editable=True)
    assert len(screens) > 1
    labels = [key.label for screen in screens for row in screen.keys for key in row]
    assert "✏️ Edit note 30" in labels
    assert "🗑 Delete note 1" in labels
    # One note's two buttons to a row, so a phone shows each label whole.
    assert all(len(row) == 2 for screen in screens for row in screen.keys)
    closed = answering_view.my_notes(t, SEMINAR, notes[:2], editable=False)
    assert closed[0].keys == ()


def test_a_dot_card_shows_a_page_of_themes_and_keeps_the_page_in_range() -> None:
    seminar = dataclasses.replace(SEMINAR, phase=Phase.PLENARY, dot_vote=DotVote.OPEN)
    group = Group(1, 7, 1)
    themes = [(Theme(100 + i, 7, 1, f"Tema <{i}>"), group) for i in range(20)]
    t = translator("en")

    second = plenary_view.dot_card(t, DotCard(seminar, themes, {109: 2}, page=1))
    labels = [key.label for row in second.keys for key in row]
    assert labels == [f"Theme {n}: {sign} dot" for n in range(9, 17) for sign in "+−"] + [
        "◀ Previous themes",
        "Next themes ▶",
    ]
    # A row per theme: the theme's two buttons side by side, and the pages' two below.
    assert [len(row) for row in second.keys] == [2] * 9
    assert "Themes 9–16 of 20:" in second.text
    assert "10. Tema &lt;9&gt; (🟦 Blue group) ●●" in second.text
    assert "8. " not in second.text

    last = plenary_view.dot_card(t, DotCard(seminar, themes, {}, page=99))
    labels = [key.label for row in last.keys for key in row]
    assert labels[-1] == "◀ Previous themes"
    assert "Theme 20: + dot" in labels
    assert "Next themes ▶" not in labels

    few = plenary_view.dot_card(t, DotCard(seminar, themes[:3], {}))
    assert [key.label for row in few.keys for key in row][-1] == "Theme 3: − dot"
    assert "Themes" not in few.text


def test_a_long_ranking_is_split_within_telegrams_limits() -> None:
    group = Group(1, 7, 1)
    ranked = [
        (Theme(i, 7, 1, f"Et ganske langt tema nummer {i} <&>"), group, i) for i in range(300)
    ]
    screens = plenary_view.ranking(translator("nb"), SEMINAR, ranked)
    assert len(screens) > 1
    assert all(len(screen.text) <= 4096 for screen in screens)
    lines = [line for screen in screens for line in screen.text.splitlines()[1:]]
    assert lines[0].startswith("1. Et ganske langt tema nummer 0 &lt;&amp;&gt;")
    assert (
        sum(1 for screen in screens for line in screen.text.splitlines() if ". Et " in line) == 300
    )


def test_many_groups_are_listed_over_several_messages_with_the_buttons_last() -> None:
    groups = [Group(i, 7, i) for i in range(1, 201)]
    sizes = {group.id: 5 for group in groups}
    screens = groups_view.groups_formed_moderator(translator("nb"), SEMINAR, groups, sizes, paper=3)
    assert len(screens) > 1
    # Telegram counts UTF-16 code units: the groups' coloured marks count twice.
    assert all(len(screen.text.encode("utf-16-le")) // 2 <= 4096 for screen in screens)
    assert sum(screen.text.count(": 5 personer") for screen in screens) == 200
    assert all(not screen.keys for screen in screens[:-1])
    labels = [key.label for row in screens[-1].keys for key in row]
    assert "Vis lappene til gruppene" in labels
    assert len(labels) == 8 + 2  # the first eight groups for the paper notes, review, show


def test_a_few_groups_fit_in_one_message() -> None:
    groups = [Group(i, 7, i) for i in range(1, 4)]
    (screen,) = groups_view.groups_formed_moderator(
        translator("nb"), SEMINAR, groups, {1: 5, 2: 5, 3: 4}, paper=0
    )
    assert screen.text.count("personer") == 3
    assert "\n\n" in screen.text  # a blank line before the closing words
    assert len([key for row in screen.keys for key in row]) == 2


def test_a_held_text_is_asked_about_with_the_buttons_of_its_kind() -> None:
    t = translator("en")
    kinds = {
        HeldText.NOTE: (Action.KEEP_DRAFT, Action.DROP_DRAFT, "Your note"),
        HeldText.PAPER_NOTE: (Action.KEEP_PAPER_NOTE, Action.DROP_PAPER_NOTE, "This paper note"),
        HeldText.THEME: (Action.KEEP_THEME, Action.DROP_THEME, "Your theme name"),
        HeldText.READ_BACK: (Action.KEEP_READBACK, Action.DROP_READBACK, "Your answer"),
    }
    details = frozenset({PersonalDetail.PHONE, PersonalDetail.BANK_ACCOUNT})
    for held, (keep, drop, opening) in kinds.items():
        screen = answering_view.personal_data(
            t, PersonalDataFound(SEMINAR, details, "<b>912</b>", held)
        )
        assert screen.text.startswith(
            f"{opening} seems to contain a bank account number, a phone number."
        )
        assert "<blockquote>&lt;b&gt;912&lt;/b&gt;</blockquote>" in screen.text
        ((kept, dropped),) = screen.keys
        assert kept.button == Button(keep, (SEMINAR.id,))
        assert dropped.button == Button(drop, (SEMINAR.id,))
        assert answering_view.held_dropped(t, held).text.startswith("Deleted. Nothing was saved.")
