"""The moderator's cockpit: where the seminar stands, in counts only, and the next step.

Every moderator has one cockpit message per seminar, kept current. Its next step comes from the
phase machine (`domain.next_step`); a step that would leave something unfinished asks first,
and a step back is offered only while nobody has seen what it would undo (`domain.way_back`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain import Back, Deadline, Member, Person, Seminar, Step, next_step, way_back
from bot.expectations import AnnouncementDraft, Expectation, Expecting
from bot.flows import schedules
from bot.flows.deps import Deps
from bot.flows.questions import waiting_questions
from bot.flows.refusals import WrongPhase
from bot.flows.setup import participants_of
from bot.flows.themes import note_outcomes
from bot.flows.timing import deadline

__all__ = [
    "BackOffered",
    "Cockpit",
    "CockpitCounts",
    "GoAhead",
    "Helm",
    "Reminded",
    "StepPassed",
    "Unfinished",
    "ask_announcement",
    "ask_next",
    "cancel_announcement",
    "cockpit_of",
    "cockpit_posted",
    "cockpits",
    "confirm_step",
    "offer_back",
    "reminder",
    "take_helm",
]


@dataclass(frozen=True, slots=True)
class CockpitCounts:
    """How far the seminar has come, without a name: what a moderator needs to decide when to
    go on."""

    joined: int
    wrote: int
    done: int
    notes: int
    sorted: int = 0  # notes the groups have voted into a theme
    to_sort: int = 0  # notes the groups have, sorted or not
    dots: int = 0  # dots given so far, a total only, while the dot vote runs
    questions: int = 0  # participants' questions waiting for an answer


@dataclass(frozen=True, slots=True)
class Cockpit:
    seminar: Seminar
    step: Step
    back: Back | None
    counts: CockpitCounts
    deadline: Deadline | None  # the scheduled close of the current step, if any
    groups: int


@dataclass(frozen=True, slots=True)
class Helm:
    """One moderator's cockpit message: where it is, in which language, and the step it
    showed (a new step posts a fresh one below what the step itself sent)."""

    chat_id: int
    language: str
    message_id: int | None
    shown: str  # the step shown, "" before the first


@dataclass(frozen=True, slots=True)
class Cockpits:
    cockpit: Cockpit | None  # None: the seminar is gone
    helms: list[Helm]


@dataclass(frozen=True, slots=True)
class GoAhead:
    """The step may run now."""

    seminar: Seminar
    step: Step


@dataclass(frozen=True, slots=True)
class Unfinished:
    """The step would leave something unfinished: the moderator is asked first."""

    seminar: Seminar
    step: Step
    left: int  # participants not done, or notes not sorted
    of: int


@dataclass(frozen=True, slots=True)
class StepPassed:
    """The cockpit pressed showed a step the seminar has left (another moderator went on)."""

    cockpit: Cockpit


@dataclass(frozen=True, slots=True)
class Reminded:
    seminar: Seminar
    waiting: list[Member]  # those not done yet


async def _counts(deps: Deps, seminar: Seminar, step: Step) -> CockpitCounts:
    notes = await deps.store.note_counts(seminar)
    counts = CockpitCounts(
        joined=len(await participants_of(deps, seminar)),
        wrote=notes.writers,
        done=notes.writers_done,
        notes=notes.total,
        questions=await waiting_questions(deps, seminar.id),
    )
    if step in (Step.START_SORTING, Step.START_PLENARY):
        placed = [p for outcome in await note_outcomes(deps, seminar) for p in outcome.notes]
        done = sum(1 for p in placed if p.theme is not None)
        counts = replace(counts, sorted=done, to_sort=len(placed))
    if step is Step.CLOSE_DOTS:
        counts = replace(counts, dots=sum((await deps.store.dot_totals(seminar.id)).values()))
    return counts


async def cockpit_of(deps: Deps, seminar: Seminar) -> Cockpit:
    groups = len(await deps.store.groups(seminar.id))
    step = next_step(seminar, groups > 0)
    return Cockpit(
        seminar,
        step,
        way_back(seminar, groups > 0),
        await _counts(deps, seminar, step),
        await deadline(deps, seminar),
        groups,
    )


async def take_helm(deps: Deps, person: Person, seminar_id: int | None = None) -> Cockpit:
    """A moderator's cockpit; pressing one makes its seminar the one their commands act on."""
    seminar = await deps.moderating(person, seminar_id)
    user = await deps.store.user(person.tg_id)
    if user is not None and user.active_seminar_id != seminar.id:
        await deps.store.set_active_seminar(person.tg_id, seminar.id)
    return await cockpit_of(deps, seminar)


async def ask_next(
    deps: Deps, person: Person, seminar_id: int, step: Step
) -> GoAhead | Unfinished | StepPassed:
    """The cockpit's next step, pressed: it runs, or asks first when it would leave
    participants not done or notes unsorted."""
    cockpit = await take_helm(deps, person, seminar_id)
    if cockpit.step is not step:
        return StepPassed(cockpit)
    counts, seminar = cockpit.counts, cockpit.seminar
    if step is Step.CLOSE_ROUND and counts.done < counts.joined:
        return Unfinished(seminar, step, counts.joined - counts.done, counts.joined)
    if step is Step.START_PLENARY and counts.sorted < counts.to_sort:
        return Unfinished(seminar, step, counts.to_sort - counts.sorted, counts.to_sort)
    return GoAhead(seminar, step)


async def confirm_step(
    deps: Deps, person: Person, seminar_id: int, step: Step
) -> GoAhead | StepPassed:
    """A step the moderator was asked about and confirmed: it runs if the seminar still
    stands where it was asked."""
    cockpit = await take_helm(deps, person, seminar_id)
    return GoAhead(cockpit.seminar, step) if cockpit.step is step else StepPassed(cockpit)


@dataclass(frozen=True, slots=True)
class BackOffered:
    """The step back may be taken: the moderator is asked first, since it undoes a step."""

    seminar: Seminar
    back: Back


async def offer_back(
    deps: Deps, person: Person, seminar_id: int, back: Back
) -> BackOffered | StepPassed:
    cockpit = await take_helm(deps, person, seminar_id)
    return BackOffered(cockpit.seminar, back) if cockpit.back is back else StepPassed(cockpit)


async def reminder(deps: Deps, person: Person, seminar_id: int) -> Reminded:
    """Those not done yet, to remind now."""
    seminar = (await take_helm(deps, person, seminar_id)).seminar
    if not schedules.can_remind(seminar):
        raise WrongPhase(seminar)
    return Reminded(seminar, await schedules.reminder_recipients(deps, seminar))


async def ask_announcement(deps: Deps, person: Person, seminar_id: int) -> Seminar:
    """The moderator's next text is an announcement to everyone in the seminar."""
    seminar = (await take_helm(deps, person, seminar_id)).seminar
    if seminar.ended:
        raise WrongPhase(seminar)
    await deps.store.expect(
        person.tg_id, Expectation(Expecting.ANNOUNCEMENT, AnnouncementDraft(seminar.id))
    )
    return seminar


async def cancel_announcement(deps: Deps, person: Person) -> None:
    """The moderator's next text is theirs again, if it was to be an announcement."""
    user = await deps.store.user(person.tg_id)
    if user is not None and user.expectation.kind is Expecting.ANNOUNCEMENT:
        await deps.store.expect(person.tg_id, Expectation(Expecting.NOTHING))


async def cockpits(deps: Deps, seminar_id: int) -> Cockpits:
    """The cockpit now, and every moderator's cockpit message to post or edit."""
    seminar = await deps.store.seminar(seminar_id)
    if seminar is None:
        return Cockpits(None, [])
    posted = await deps.store.cockpit_messages(seminar.id)
    helms = []
    for moderator in await deps.moderators(seminar.id):
        message = posted.get(moderator.tg_id)
        helms.append(
            Helm(
                moderator.tg_id,
                moderator.language,
                message.message_id if message else None,
                message.step if message else "",
            )
        )
    return Cockpits(await cockpit_of(deps, seminar), helms)


async def cockpit_posted(
    deps: Deps, seminar_id: int, chat_id: int, message_id: int, step: Step
) -> None:
    await deps.store.save_progress_message(seminar_id, chat_id, message_id, step.value)
