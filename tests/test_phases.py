"""The phase machine: every phase is named, explained and reachable, and the moves are the ones
the seminar makes (a test that pins them, so a new phase must be placed in the machine)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.callbacks import Action
from bot.domain import (
    PHASES,
    Back,
    DotVote,
    Phase,
    Role,
    Seminar,
    Step,
    may_move,
    next_step,
    sources_of,
    way_back,
)
from bot.expectations import (
    Expecting,
    NoDraft,
    NoteToShorten,
    PaperNotesDraft,
    QuestionAnswerDraft,
    QuestionDraft,
    ScheduleDraft,
    SeminarDraft,
    ThemeToRename,
    decode_draft,
    encode_draft,
)
from bot.flows.cockpit import Cockpit, CockpitCounts
from bot.handlers.cockpit import BACK_ACTIONS, STEP_ACTIONS
from bot.i18n import LANGUAGES, translator
from bot.render import cockpit as cockpit_view
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
    ("phase", "dots", "ends"),
    [
        (Phase.DRAFT, DotVote.NOT_STARTED, False),
        (Phase.ANSWERING, DotVote.NOT_STARTED, False),
        (Phase.GROUPING, DotVote.NOT_STARTED, True),
        (Phase.VOTING, DotVote.NOT_STARTED, True),
        (Phase.PLENARY, DotVote.NOT_STARTED, True),
        (Phase.PLENARY, DotVote.OPEN, False),
        (Phase.PLENARY, DotVote.CLOSED, True),
        (Phase.CLOSED, DotVote.CLOSED, False),
    ],
)
def test_when_a_seminar_may_end(phase: Phase, dots: DotVote, ends: bool) -> None:
    assert _seminar(phase, dot_vote=dots).may_end is ends


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
    # A catalog that is still a copy of the English one (until its translation lands) has
    # English help.
    translated = t.gettext("Choose a language") != "Choose a language"
    for phase in Phase:
        assert phase_name(t, phase).strip()
        assert phase_help(t, phase, role).strip()
        if language != "en" and translated:
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


# -- the cockpit's steps --------------------------------------------------------------------


def _steps_seen() -> dict[Step, Seminar]:
    """Every step the cockpit can show, with a seminar that stands there."""
    seen: dict[Step, Seminar] = {}
    for phase in Phase:
        for dots in DotVote:
            for formed in (False, True):
                for revealed in (False, True):
                    seminar = _seminar(phase, dot_vote=dots, notes_revealed=revealed)
                    seen.setdefault(next_step(seminar, formed), seminar)
    return seen


def test_every_step_is_reached_and_has_an_action_a_button_and_words() -> None:
    seen = _steps_seen()
    assert set(seen) == set(Step)
    assert set(STEP_ACTIONS) == set(Step) - {Step.ENDED}
    assert set(BACK_ACTIONS) == set(Back)
    for step, seminar in seen.items():
        view = Cockpit(seminar, step, None, CockpitCounts(3, 2, 1, 4), None, 0)
        for language in LANGUAGES:
            screen = cockpit_view.cockpit(translator(language), view)
            labels = [k.label for row in screen.keys for k in row]
            if step is Step.ENDED:
                pressed = {k.button.action for row in screen.keys for k in row if k.button}
                assert Action.COCKPIT_NEXT not in pressed
            else:
                assert labels[0] == cockpit_view.step_label(translator(language), step)
                assert labels[0], (step, language)


def test_the_way_back_is_offered_only_before_anybody_saw_what_it_undoes() -> None:
    grouping = _seminar(Phase.GROUPING)
    assert way_back(grouping, groups_formed=False) is Back.REOPEN_ROUND
    assert way_back(grouping, groups_formed=True) is Back.REFORM_GROUPS
    shown = _seminar(Phase.GROUPING, notes_revealed=True)
    assert way_back(shown, groups_formed=True) is None
    for phase in (Phase.DRAFT, Phase.ANSWERING, Phase.VOTING, Phase.PLENARY, Phase.CLOSED):
        assert way_back(_seminar(phase), groups_formed=True) is None
