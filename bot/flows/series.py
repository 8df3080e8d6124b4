"""Seminar series: the next seminar started from an earlier one (users, staff or joint), what
the series keeps when a seminar ends, and the follow-up of the proposals a joint seminar chose.

The method is a series: users, then staff, then both together propose concrete changes for
the earlier themes. A joint seminar asks one question per earlier theme, so its notes are
proposals and every proposal knows the theme it answers (its lineage).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.domain import (
    FollowUp,
    Person,
    Seminar,
    SeminarKind,
    Series,
    SeriesTheme,
    Status,
)
from bot.flows import refusals
from bot.flows.deps import Deps
from bot.flows.report_data import ReportData, ReportProposal
from bot.i18n import LANGUAGES, joint_question, standard_questions, translator
from bot.store.series import KeptTheme

__all__ = [
    "JOINT_THEMES",
    "QUOTES",
    "NextSeminar",
    "SeriesOpening",
    "SeriesView",
    "keep",
    "next_seminar",
    "opening",
    "report_proposals",
    "series_view",
]

# A joint seminar asks about the top themes of each earlier seminar: enough to choose from,
# few enough for one sitting.
JOINT_THEMES = 3
QUOTES = 3  # the notes a series keeps of each theme: the ones the groups voted most into it


@dataclass(frozen=True, slots=True)
class NextSeminar:
    """A seminar started from an earlier one of its series; `sources`: for a joint seminar,
    the earlier themes its questions ask proposals for, users' first. `already`: the series
    had a seminar of this kind that has not opened yet (a second press), and no new one was
    made."""

    seminar: Seminar
    sources: tuple[SeriesTheme, ...] = ()
    already: bool = False


@dataclass(frozen=True, slots=True)
class SeriesView:
    """A series as its moderator sees it from one of its seminars: the seminars still kept,
    the themes the series keeps, and the follow-up of its proposals."""

    seminar: Seminar
    series: Series
    seminars: tuple[Seminar, ...]
    themes: tuple[SeriesTheme, ...]
    followups: tuple[FollowUp, ...]


def _questions_for(kind: SeminarKind, language: str) -> tuple[str, ...]:
    return standard_questions(translator(language), staff=kind is SeminarKind.STAFF)


def _joint_questions(sources: list[SeriesTheme], language: str) -> list[str]:
    t = translator(language)
    return [joint_question(t, s.name, from_staff=s.kind is SeminarKind.STAFF) for s in sources]


async def joint_sources(deps: Deps, series_id: int) -> list[SeriesTheme]:
    """The earlier themes a joint seminar starts from: the top ones of the newest seminar of the
    users and of the staff (a series may hold several of each), users' first. Themes of one
    seminar only for each: an older seminar does not fill the gaps of a newer one."""
    return [
        theme
        for kind in (SeminarKind.USERS, SeminarKind.STAFF)
        for theme in await deps.store.newest_themes(series_id, kind, JOINT_THEMES)
    ]


async def next_seminar(
    deps: Deps, person: Person, earlier_id: int, kind: SeminarKind
) -> NextSeminar:
    """A new seminar of `kind` in the series of an earlier one, under the series' title, with
    the kind's questions: the method's, the staff's, or one per earlier theme (joint). A
    second press (a double tap, or another moderator) makes no second seminar: while the series
    has a seminar of this kind, started after the earlier one, that has not opened, that one
    is the next."""
    earlier = await deps.moderating(person, earlier_id)
    series = await deps.store.series(earlier.series_id)
    if series is None:
        raise refusals.NoSeminar()
    for waiting in await deps.store.seminars_in_series(series.id):
        if waiting.id > earlier.id and waiting.kind is kind and waiting.not_yet_open:
            return NextSeminar(waiting, already=True)
    language = earlier.language
    settings = deps.settings
    sources: list[SeriesTheme] = []
    if kind is SeminarKind.JOINT:
        sources = await joint_sources(deps, series.id)
        if not sources:
            raise refusals.NoThemesYet(earlier)
        questions = _joint_questions(sources, language)
        translations = {code: _joint_questions(sources, code) for code in LANGUAGES}
    else:
        questions = list(_questions_for(kind, language))
        translations = {}
    seminar = await deps.store.create_seminar(
        owner=person.tg_id,
        title=series.title,
        language=language,
        questions=questions,
        group_size=settings.group_size,
        dots=(settings.dot_budget, settings.dot_max_per_theme),
        standard=kind is not SeminarKind.JOINT,
        series_id=series.id,
        kind=kind,
        translations=translations,
    )
    if sources:
        await deps.store.set_joint_questions(seminar.id, [s.id for s in sources])
    return NextSeminar(seminar, tuple(sources))


async def keep(deps: Deps, seminar: Seminar, data: ReportData) -> None:
    """What the series keeps of a seminar that ended: its ranked themes with a few quotes (none
    when fewer than three wrote, as in the report). A joint seminar's themes are proposals:
    the ones that got dots (all of them without a dot vote) go to follow-up, each with the
    earlier themes its notes answered."""
    quoting = not data.too_few_writers
    kept = await deps.store.keep_themes(
        seminar,
        [
            KeptTheme(
                theme.rank,
                theme.name,
                theme.dots,
                tuple(n.text for n in sorted(theme.notes, key=lambda n: -n.votes)[:QUOTES])
                if quoting
                else (),
            )
            for theme in data.themes
        ],
    )
    if seminar.kind is not SeminarKind.JOINT:
        return
    asked = await deps.store.joint_questions(seminar.id)
    voted = any(theme.dots for theme in data.themes)
    await deps.store.add_followups(
        {
            kept[theme.rank]: sorted(
                {asked[n.question].id for n in theme.notes if n.question in asked}
            )
            for theme in data.themes
            if theme.dots or not voted
        }
    )


async def series_view(deps: Deps, person: Person, seminar_id: int | None = None) -> SeriesView:
    """The series of the moderator's seminar (the given one, or their active one)."""
    seminar = await deps.moderating(person, seminar_id)
    series = await deps.store.series(seminar.series_id)
    if series is None:
        raise refusals.NoSeminar()
    return SeriesView(
        seminar,
        series,
        tuple(await deps.store.seminars_in_series(series.id)),
        tuple(await deps.store.series_themes(series.id)),
        tuple(await deps.store.followups(series.id)),
    )


@dataclass(frozen=True, slots=True)
class SeriesOpening:
    """What a seminar's answer round opens with besides its questions: a joint seminar's
    earlier themes (users' and staff's), and the follow-up of every proposal of the series
    so far, so a follow-up seminar starts from what came of the last one."""

    sources: tuple[SeriesTheme, ...]
    followups: tuple[FollowUp, ...]


async def opening(deps: Deps, seminar: Seminar) -> SeriesOpening:
    sources: tuple[SeriesTheme, ...] = ()
    if seminar.kind is SeminarKind.JOINT:
        asked = await deps.store.joint_questions(seminar.id)
        sources = tuple(asked[q] for q in sorted(asked))
    return SeriesOpening(sources, tuple(await deps.store.followups(seminar.series_id)))


async def report_proposals(
    deps: Deps, seminar: Seminar, status_label: Callable[[Status], str]
) -> dict[str, tuple[ReportProposal, ...]]:
    """The proposals under follow-up for each theme of an ended seminar, by the theme's name:
    for a users' or staff seminar those that answer it, for a joint one its own follow-up."""
    found: dict[str, list[ReportProposal]] = {}
    for followup in await deps.store.followups(seminar.series_id):
        proposal = ReportProposal(
            followup.proposal.name,
            status_label(followup.status),
            followup.owner,
            followup.due,
            followup.reason,
        )
        about = (
            [followup.proposal]
            if seminar.kind is SeminarKind.JOINT
            else [t for t in followup.answers if t.seminar_id == seminar.id]
        )
        for theme in about:
            if theme.seminar_id == seminar.id:
                found.setdefault(theme.name, []).append(proposal)
    return {name: tuple(proposals) for name, proposals in found.items()}
