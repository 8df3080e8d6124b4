"""The moderator's cockpit: where the seminar stands and the buttons that take it on."""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import Back, Phase, Seminar, Step
from bot.flows.cockpit import Cockpit, Unfinished
from bot.i18n import Translator
from bot.render.schedules import step_deadline
from bot.render.screens import Key, Screen, esc, key, phase_name, seminar_name

__all__ = [
    "BACKS",
    "MORE_COMMANDS",
    "STEPS",
    "announcement_cancelled",
    "ask_announcement",
    "ask_back",
    "ask_unfinished",
    "cockpit",
    "more",
    "reminded",
    "stayed",
    "step_passed",
]

# The order buttons carry steps and steps back in: an index, so the data stays short.
STEPS: tuple[Step, ...] = tuple(Step)
BACKS: tuple[Back, ...] = tuple(Back)


def step_label(t: Translator, step: Step) -> str:
    labels = {
        Step.OPEN_ROUND: t.pgettext("button", "Open the answer round"),
        Step.CLOSE_ROUND: t.pgettext("button", "Close the answer round"),
        Step.FORM_GROUPS: t.pgettext("button", "Form groups"),
        Step.SHOW_NOTES: t.pgettext("button", "Show the groups their notes"),
        Step.START_SORTING: t.pgettext("button", "Start sorting"),
        Step.START_PLENARY: t.pgettext("button", "End sorting, show the plenary"),
        Step.START_DOTS: t.pgettext("button", "Start the dot vote"),
        Step.CLOSE_DOTS: t.pgettext("button", "Close the dot vote"),
        Step.END_SEMINAR: t.pgettext("button", "End the seminar"),
        Step.ENDED: "",
    }
    return labels[step]


def _step_help(t: Translator, step: Step) -> str:
    """What the next step does, in a sentence."""
    helps = {
        Step.OPEN_ROUND: t.gettext(
            "Next: open the answer round. Everyone who joined gets the first question."
        ),
        Step.CLOSE_ROUND: t.gettext(
            "Next: when most are done, close the round. You then get all the notes."
        ),
        Step.FORM_GROUPS: t.gettext(
            "Next: form the groups. Everyone is told their group; nobody sees notes yet."
        ),
        Step.SHOW_NOTES: t.gettext(
            "Next: show each group its notes, after you have read them through."
        ),
        Step.START_SORTING: t.gettext(
            "Next: start sorting. The groups vote their notes into themes."
        ),
        Step.START_PLENARY: t.gettext(
            "Next: end sorting. Everyone then sees every group's themes."
        ),
        Step.START_DOTS: t.gettext("Next: start the dot vote on the themes."),
        Step.CLOSE_DOTS: t.gettext("Next: close the dot vote. Everyone sees the ranking."),
        Step.END_SEMINAR: t.gettext("Next: end the seminar. The report is then made."),
        Step.ENDED: t.gettext("The seminar has ended."),
    }
    return helps[step]


def _back_label(t: Translator, back: Back) -> str:
    labels = {
        Back.REOPEN_ROUND: t.pgettext("button", "Back: reopen the answer round"),
        Back.REFORM_GROUPS: t.pgettext("button", "Back: form the groups again"),
    }
    return labels[back]


# The commands the cockpit's "More" offers, in this order (the buttons carry the index).
MORE_COMMANDS: tuple[str, ...] = (
    "invite",
    "paper",
    "schedule",
    "moderators",
    "summary",
    "themes",
    "moderate",
    "check",
    "report",
    "seminars",
    "questions",
    "translate",
    "office_email",
    "series",
    "followup",
)


def _count_lines(t: Translator, view: Cockpit) -> list[str]:
    counts, step = view.counts, view.step
    lines = [
        t.gettext("Joined: {joined} · wrote: {wrote} · done: {done}").format(
            joined=t.number(counts.joined),
            wrote=t.number(counts.wrote),
            done=t.number(counts.done),
        ),
        t.ngettext("{count} note", "{count} notes", counts.notes).format(
            count=t.number(counts.notes)
        ),
    ]
    if view.groups:
        lines.append(
            t.ngettext("{count} group", "{count} groups", view.groups).format(
                count=t.number(view.groups)
            )
        )
    if step in (Step.START_SORTING, Step.START_PLENARY):
        lines.append(
            t.gettext("Sorted into themes: {sorted} of {total} notes").format(
                sorted=t.number(counts.sorted), total=t.number(counts.to_sort)
            )
        )
    if step is Step.CLOSE_DOTS:
        lines.append(
            t.ngettext("{count} dot given so far", "{count} dots given so far", counts.dots).format(
                count=t.number(counts.dots)
            )
        )
    if counts.questions:
        lines.append(
            t.ngettext(
                "{count} question from a participant waits for an answer",
                "{count} questions from participants wait for an answer",
                counts.questions,
            ).format(count=t.number(counts.questions))
        )
    return lines


def cockpit(t: Translator, view: Cockpit) -> Screen:
    seminar = view.seminar
    lines = [
        t.gettext("🧭 <b>{title}</b>: {phase}").format(
            title=seminar_name(t, seminar), phase=phase_name(t, seminar.phase)
        ),
        *_count_lines(t, view),
    ]
    if view.deadline is not None:
        lines.append(step_deadline(t, view.deadline))
    lines.append("")
    lines.append(_step_help(t, view.step))
    return Screen("\n".join(lines), _keys(t, view))


def _keys(t: Translator, view: Cockpit) -> tuple[tuple[Key, ...], ...]:
    seminar, step = view.seminar, view.step
    rows: list[tuple[Key, ...]] = []
    if step is not Step.ENDED:
        rows.append((key(step_label(t, step), Action.COCKPIT_NEXT, seminar.id, STEPS.index(step)),))
    else:  # the next seminar of the series is two taps away: this one and its kind
        index = MORE_COMMANDS.index("series")
        label = t.pgettext("button", "Start the next seminar of the series")
        rows.append((key(label, Action.COCKPIT_COMMAND, seminar.id, index),))
    if view.back is not None:
        back = view.back
        rows.append(
            (key(_back_label(t, back), Action.COCKPIT_BACK, seminar.id, BACKS.index(back)),)
        )
    running = seminar.writing or seminar.voting or seminar.dots_open
    if view.counts.questions:
        index = MORE_COMMANDS.index("questions")
        label = t.pgettext("button", "Answer the questions")
        rows.append((key(label, Action.COCKPIT_COMMAND, seminar.id, index),))
    if running:
        rows.append(
            (key(t.pgettext("button", "Remind those not done"), Action.COCKPIT_REMIND, seminar.id),)
        )
    if not seminar.ended:
        rows.append(
            (
                key(t.pgettext("button", "Announce"), Action.COCKPIT_ANNOUNCE, seminar.id),
                key(t.pgettext("button", "Join link"), Action.COCKPIT_COMMAND, seminar.id, 0),
            )
        )
    rows.append((key(t.pgettext("button", "More"), Action.COCKPIT_MORE, seminar.id),))
    return tuple(rows)


def more(t: Translator, seminar: Seminar, followup: bool = False) -> Screen:
    """Everything else a moderator may do, each a button that does what its command does;
    `followup`: the seminar's series has proposals under follow-up."""
    labels = {
        "invite": t.pgettext("button", "Join link and QR code"),
        "paper": t.pgettext("button", "Type in paper notes"),
        "schedule": t.pgettext("button", "Schedule"),
        "moderators": t.pgettext("button", "Co-moderators"),
        "summary": t.pgettext("button", "Summary"),
        "themes": t.pgettext("button", "Themes"),
        "moderate": t.pgettext("button", "Settle undecided notes"),
        "check": t.pgettext("button", "Read the themes back"),
        "report": t.pgettext("button", "Report"),
        "seminars": t.pgettext("button", "My seminars"),
        "questions": t.pgettext("button", "Questions from participants"),
        "translate": t.pgettext("button", "Add the questions in another language"),
        "office_email": t.pgettext("button", "Office e-mail"),
        "series": t.pgettext("button", "Series and next seminar"),
        "followup": t.pgettext("button", "Follow-up of the proposals"),
    }
    shown = [
        name
        for name in MORE_COMMANDS
        if _offered(name, seminar) and (name != "followup" or followup)
    ]
    keys = [
        key(labels[name], Action.COCKPIT_COMMAND, seminar.id, MORE_COMMANDS.index(name))
        for name in shown
    ]
    return Screen(
        t.gettext("More for <b>{title}</b>:").format(title=esc(seminar.title)),
        _pairs(keys),
    )


def _offered(name: str, seminar: Seminar) -> bool:
    """Only what can work where the seminar stands."""
    match name:
        case "paper":
            return seminar.writing or seminar.grouping
        case "themes":
            return seminar.proposing or seminar.voting
        case "moderate":
            return seminar.voting
        case "check":
            return seminar.rule.reading_back
        case "report":
            return seminar.notes_released
        case "schedule":
            return not seminar.ended
        case "translate":
            return seminar.phase is Phase.DRAFT and seminar.own_questions
        case _:
            return True


def _pairs(keys: Sequence[Key]) -> tuple[tuple[Key, ...], ...]:
    return tuple(tuple(keys[i : i + 2]) for i in range(0, len(keys), 2))


def ask_unfinished(t: Translator, asked: Unfinished) -> Screen:
    seminar, step = asked.seminar, asked.step
    if step is Step.CLOSE_ROUND:
        text = t.ngettext(
            "{left} of {of} participants is not done yet. Close the answer round anyway?",
            "{left} of {of} participants are not done yet. Close the answer round anyway?",
            asked.left,
        )
        stay = t.pgettext("button", "Not yet")
    else:
        text = t.ngettext(
            "{left} of {of} notes is not sorted into a theme yet: it will be listed as "
            "unsorted. End sorting anyway?",
            "{left} of {of} notes are not sorted into a theme yet: they will be listed as "
            "unsorted. End sorting anyway?",
            asked.left,
        )
        stay = t.pgettext("button", "Back to sorting")
    index = STEPS.index(step)
    return Screen(
        text.format(left=t.number(asked.left), of=t.number(asked.of)),
        (
            (key(step_label(t, step), Action.COCKPIT_GO, seminar.id, index),),
            (key(stay, Action.COCKPIT_STAY, seminar.id),),
        ),
    )


def ask_back(t: Translator, seminar: Seminar, back: Back) -> Screen:
    if back is Back.REOPEN_ROUND:
        text = t.gettext(
            "Reopen the answer round of <b>{title}</b>? Everyone can write and change notes "
            "again until you close it."
        )
        stay = t.pgettext("button", "Keep it closed")
    else:
        text = t.gettext(
            "Form the groups of <b>{title}</b> again? Everyone gets a new group and is told "
            "which. No group has seen its notes yet."
        )
        stay = t.pgettext("button", "Keep the groups")
    return Screen(
        text.format(title=esc(seminar.title)),
        (
            (key(_back_label(t, back), Action.COCKPIT_BACK_GO, seminar.id, BACKS.index(back)),),
            (key(stay, Action.COCKPIT_STAY, seminar.id),),
        ),
    )


def stayed(t: Translator) -> Screen:
    return Screen(t.gettext("Fine, nothing changed."))


def step_passed(t: Translator) -> Screen:
    return Screen(t.gettext("The seminar has moved on since: here is where it stands now."))


def reminded(t: Translator, count: int) -> Screen:
    if not count:
        return Screen(t.gettext("Everyone is done: there is nobody to remind."))
    return Screen(
        t.ngettext(
            "A reminder went to {count} person who is not done yet.",
            "A reminder went to {count} people who are not done yet.",
            count,
        ).format(count=t.number(count))
    )


def ask_announcement(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "Write the announcement now. It goes to everyone in <b>{title}</b>, and to the "
            "plenary chat if one is bound."
        ).format(title=esc(seminar.title)),
        ((key(t.pgettext("button", "Cancel"), Action.COCKPIT_CANCEL, seminar.id),),),
    )


def announcement_cancelled(t: Translator) -> Screen:
    return Screen(t.gettext("Fine, no announcement was sent."))
