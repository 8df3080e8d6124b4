"""The phase machine: every phase is named, explained and reachable, and the moves are the ones
the seminar makes (a test that pins them, so a new phase must be placed in the machine)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import (
    PHASES,
    Closing,
    DotVote,
    Expecting,
    NoDraft,
    NoteToShorten,
    PaperNotesDraft,
    Phase,
    QuestionAnswerDraft,
    QuestionDraft,
    Role,
    ScheduleDraft,
    Seminar,
    SeminarDraft,
    ThemeToRename,
    decode_draft,
    encode_draft,
    may_move,
    sources_of,
)
from bot.i18n import LANGUAGES, translator
from bot.render.screens import phase_help, phase_name


def _seminar(phase: Phase, **extra: object) -> Seminar:
    return Seminar(
        1, "t", "nb", phase, ("q",), "code", 5, datetime(2026, 1, 1, tzinfo=UTC), **extra
    )  # type: ignore[arg-type]


def test_every_phase_has_a_row_and_every_row_a_phase() -> None:
    assert set(PHASES) == set(Phase)


def test_every_phase_but_the_last_moves_on_and_every_phase_but_the_first_is_reached() -> None:
    for phase in Phase:
        if phase is not Phase.CLOSED:
            assert PHASES[phase].moves, phase
        if phase is not Phase.DRAFT:
            assert sources_of(phase), phase


def test_the_moves_are_the_seminars() -> None:
    moves = {(a, b) for a in Phase for b in Phase if may_move(a, b)}
    assert moves == {
        (Phase.DRAFT, Phase.ANSWERING),
        (Phase.ANSWERING, Phase.GROUPING),
        (Phase.GROUPING, Phase.ANSWERING),
        (Phase.GROUPING, Phase.VOTING),
        (Phase.VOTING, Phase.PLENARY),
        (Phase.GROUPING, Phase.CLOSED),
        (Phase.VOTING, Phase.CLOSED),
        (Phase.PLENARY, Phase.CLOSED),
    }


@pytest.mark.parametrize(
    ("phase", "dots", "closing"),
    [
        (Phase.DRAFT, DotVote.NOT_STARTED, Closing.NOTHING),
        (Phase.ANSWERING, DotVote.NOT_STARTED, Closing.ROUND),
        (Phase.GROUPING, DotVote.NOT_STARTED, Closing.SEMINAR),
        (Phase.VOTING, DotVote.NOT_STARTED, Closing.SEMINAR),
        (Phase.PLENARY, DotVote.NOT_STARTED, Closing.SEMINAR),
        (Phase.PLENARY, DotVote.OPEN, Closing.DOTS),
        (Phase.PLENARY, DotVote.CLOSED, Closing.SEMINAR),
        (Phase.CLOSED, DotVote.CLOSED, Closing.NOTHING),
    ],
)
def test_what_closing_means(phase: Phase, dots: DotVote, closing: Closing) -> None:
    assert _seminar(phase, dot_vote=dots).closing is closing


def test_notes_are_released_only_after_the_round() -> None:
    released = {phase for phase in Phase if _seminar(phase).notes_released}
    assert released == {Phase.GROUPING, Phase.VOTING, Phase.PLENARY, Phase.CLOSED}


def test_groups_are_formed_and_shown_their_notes_only_between_round_and_vote() -> None:
    assert {phase for phase in Phase if _seminar(phase).grouping} == {Phase.GROUPING}


def test_themes_are_proposed_once_the_group_has_seen_its_notes() -> None:
    assert not _seminar(Phase.GROUPING).proposing
    assert _seminar(Phase.GROUPING, notes_revealed=True).proposing
    assert _seminar(Phase.VOTING).proposing
    assert not _seminar(Phase.PLENARY, notes_revealed=True).proposing


def test_shortening_ends_when_the_groups_see_the_notes() -> None:
    assert _seminar(Phase.GROUPING).can_shorten
    assert not _seminar(Phase.GROUPING, notes_revealed=True).can_shorten
    assert not _seminar(Phase.VOTING).can_shorten


def test_only_a_closed_seminar_has_ended() -> None:
    assert {phase for phase in Phase if _seminar(phase).ended} == {Phase.CLOSED}


def test_a_draft_reads_back_as_it_was_stored() -> None:
    drafts = [
        (Expecting.CUSTOM_QUESTIONS, SeminarDraft("Tittel", "nb", ("Hva hjalp?",))),
        (Expecting.PAPER_NOTES, PaperNotesDraft(3, 1, "held")),
        (Expecting.PAPER_NOTES, PaperNotesDraft(3, 2)),
        (Expecting.RENAME_THEME, ThemeToRename(7)),
        (Expecting.SHORTEN_NOTE, NoteToShorten(9)),
        (Expecting.SCHEDULE_TIME, ScheduleDraft("close")),
        (Expecting.PRESET_THEMES, NoDraft()),
        (Expecting.ASK_MODERATORS, QuestionDraft(3)),
        (Expecting.ASK_MODERATORS, QuestionDraft(3, "Når er pausen?")),
        (Expecting.ANSWER_QUESTION, QuestionAnswerDraft(11)),
    ]
    for kind, draft in drafts:
        assert decode_draft(kind, encode_draft(draft)) == draft


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (Expecting.RENAME_THEME, "{}"),  # a missing theme never becomes theme 0
        (Expecting.SHORTEN_NOTE, '{"note": "9"}'),
        (Expecting.PAPER_NOTES, '{"seminar": 1}'),
        (Expecting.SCHEDULE_TIME, '{"kind": "close", "extra": 1}'),
        (Expecting.TITLE, "[]"),
        (Expecting.NOTE, "{}"),  # never stored
        (Expecting.ELSEWHERE, "{}"),  # never stored either
        (Expecting.ANSWER_QUESTION, '{"question": null}'),
    ],
)
def test_a_draft_that_does_not_fit_its_step_is_refused(kind: Expecting, raw: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        decode_draft(kind, raw)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(Role))
def test_every_phase_has_a_name_and_a_help_text_in_every_language(
    language: str, role: Role
) -> None:
    """A participant and a moderator each read, at every step, what they can do there."""
    t = translator(language)
    english = translator("en")
    for phase in Phase:
        assert phase_name(t, phase).strip()
        assert phase_help(t, phase, role).strip()
        if language != "en":
            assert phase_help(t, phase, role) != phase_help(english, phase, role), (language, phase)
    assert len({phase_help(t, phase, role) for phase in Phase}) == len(Phase)


def test_a_moderator_and_a_participant_read_different_help_at_every_step() -> None:
    t = translator("en")
    for phase in Phase:
        assert phase_help(t, phase, Role.MODERATOR) != phase_help(t, phase, Role.PARTICIPANT)


def test_help_says_one_note_per_message_only_while_notes_are_written() -> None:
    t = translator("en")
    about_notes = {phase for phase in Phase if "note per message" in phase_help(t, phase)}
    assert about_notes == {Phase.ANSWERING}
