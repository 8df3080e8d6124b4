"""The moderator's cockpit: /cockpit and its buttons. Each button does what a command does, by
the same code; the cockpit itself is kept current by `announcements.refresh_cockpits`."""

from __future__ import annotations

from telegram import Update

from bot.callbacks import Action, Button, ForgedButton
from bot.domain import Back, Person, Step
from bot.expectations import AnnouncementDraft, Expectation, Expecting
from bot.flows import cockpit
from bot.flows.expecting import ask_for
from bot.flows.followup import has_followup
from bot.flows.timing import deadline
from bot.handlers import (
    closing,
    followup,
    groups,
    offices,
    plenary,
    questions,
    schedules,
    series,
    setup,
    team,
    themes,
)
from bot.handlers.announcements import post_cockpit
from bot.handlers.buttons import ModeratorAction
from bot.handlers.common import (
    BotContext,
    broadcast,
    drop_buttons,
    edit,
    person_of,
    pressed_message,
    reader,
    send,
)
from bot.handlers.routes import MODERATORS, N_, Command, CommandRun, Press, Routes, Text
from bot.i18n import Translator
from bot.render import cockpit as cockpit_view
from bot.render import schedules as schedules_view

__all__ = ["ROUTES"]


async def _end_seminar(
    context: BotContext, person: Person, t: Translator, seminar_id: int | None
) -> None:
    await closing.offer_to_close(context, person, t, seminar_id)


# What each step does: the same code as its command or its button elsewhere.
STEP_ACTIONS: dict[Step, ModeratorAction] = {
    Step.OPEN_ROUND: setup.open_round,
    Step.CLOSE_ROUND: setup.close,
    Step.FORM_GROUPS: groups.form,
    Step.SHOW_NOTES: groups.show_notes,
    Step.START_SORTING: themes.open_voting,
    Step.START_PLENARY: plenary.open_plenary,
    Step.START_DOTS: plenary.open_dots,
    Step.CLOSE_DOTS: plenary.close_dots,
    Step.END_SEMINAR: _end_seminar,
}

BACK_ACTIONS: dict[Back, ModeratorAction] = {
    Back.REOPEN_ROUND: setup.open_round,
    Back.REFORM_GROUPS: groups.form_again,
}

# The commands "More" offers, by the name `render/cockpit.MORE_COMMANDS` lists them under.
MORE_ACTIONS: dict[str, CommandRun] = {
    "invite": setup.invite_command,
    "paper": team.paper_command,
    "schedule": schedules.schedule_command,
    "moderators": team.moderators_command,
    "summary": schedules.summary_command,
    "themes": themes.themes_command,
    "moderate": themes.moderate_command,
    "check": closing.check_command,
    "report": closing.report_command,
    "seminars": team.seminars_command,
    "questions": questions.questions_command,
    "translate": setup.translate_command,
    "office_email": offices.office_email_command,
    "series": series.series_command,
    "followup": followup.followup_command,
}


def _step(button: Button) -> Step:
    index = button.arg(1)
    if index >= len(cockpit_view.STEPS):
        raise ForgedButton("step out of range")
    return cockpit_view.STEPS[index]


def _back(button: Button) -> Back:
    index = button.arg(1)
    if index >= len(cockpit_view.BACKS):
        raise ForgedButton("step back out of range")
    return cockpit_view.BACKS[index]


async def cockpit_command(update: Update, context: BotContext) -> None:
    """A fresh cockpit at the bottom of the chat; the one above goes."""
    person = person_of(update)
    view = await cockpit.take_helm(context.deps, person)
    await post_cockpit(context, view.seminar.id, person.tg_id, after_broadcasts=False)


async def _passed(context: BotContext, person: Person, t: Translator, seminar_id: int) -> None:
    """The cockpit pressed is behind the seminar: says so, and brings a fresh one."""
    await send(context, person.tg_id, cockpit_view.step_passed(t))
    await post_cockpit(context, seminar_id, person.tg_id)


async def _run_step(
    update: Update, context: BotContext, t: Translator, seminar_id: int, step: Step
) -> None:
    """The step, and a fresh cockpit below what it said."""
    person = person_of(update)
    await STEP_ACTIONS[step](context, person, t, seminar_id)
    await post_cockpit(context, seminar_id, person.tg_id)


async def next_step(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    """The cockpit's next step: it runs, or asks first when it would leave something
    unfinished."""
    person, seminar_id = person_of(update), button.arg(0)
    asked = await cockpit.ask_next(context.deps, person, seminar_id, _step(button))
    match asked:
        case cockpit.StepPassed():
            await _passed(context, person, t, seminar_id)
        case cockpit.Unfinished():
            await send(context, person.tg_id, cockpit_view.ask_unfinished(t, asked))
        case cockpit.GoAhead(step=step):
            await _run_step(update, context, t, seminar_id, step)
    return None


async def go(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    """A step the moderator was asked about, confirmed."""
    await drop_buttons(context, pressed_message(update))
    person, seminar_id = person_of(update), button.arg(0)
    match await cockpit.confirm_step(context.deps, person, seminar_id, _step(button)):
        case cockpit.StepPassed():
            await _passed(context, person, t, seminar_id)
        case cockpit.GoAhead(step=step):
            await _run_step(update, context, t, seminar_id, step)
    return None


async def stay(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    await edit(context, pressed_message(update), cockpit_view.stayed(t))
    return None


async def back(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    """A step back asks first: it undoes what the moderator did."""
    person, seminar_id = person_of(update), button.arg(0)
    match await cockpit.offer_back(context.deps, person, seminar_id, _back(button)):
        case cockpit.StepPassed():
            await _passed(context, person, t, seminar_id)
        case cockpit.BackOffered(seminar=seminar, back=wanted):
            await send(context, person.tg_id, cockpit_view.ask_back(t, seminar, wanted))
    return None


async def back_go(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    await drop_buttons(context, pressed_message(update))
    person, seminar_id = person_of(update), button.arg(0)
    await cockpit.take_helm(context.deps, person, seminar_id)
    await BACK_ACTIONS[_back(button)](context, person, t, seminar_id)
    await post_cockpit(context, seminar_id, person.tg_id)
    return None


async def remind(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    """Reminds now those not done yet, as a scheduled reminder would."""
    reminded = await cockpit.reminder(context.deps, person_of(update), button.arg(0))
    seminar = reminded.seminar
    close = await deadline(context.deps, seminar)
    count = await broadcast(
        context, reminded.waiting, lambda tm: [schedules_view.reminder(tm, seminar, close)]
    )
    await send(context, person_of(update).tg_id, cockpit_view.reminded(t, count))
    return None


async def ask_announcement(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    seminar = await cockpit.ask_announcement(context.deps, person_of(update), button.arg(0))
    await send(context, person_of(update).tg_id, cockpit_view.ask_announcement(t, seminar))
    return None


async def cancel_announcement(
    update: Update, context: BotContext, button: Button, t: Translator
) -> str | None:
    await cockpit.cancel_announcement(context.deps, person_of(update))
    await edit(context, pressed_message(update), cockpit_view.announcement_cancelled(t))
    return None


async def announcement_text(
    update: Update, context: BotContext, expectation: Expectation, text: str
) -> None:
    """The announcement asked for from the cockpit: it goes to that seminar's people."""
    assert isinstance(expectation.draft, AnnouncementDraft)
    person = person_of(update)
    await ask_for(context.deps, person, Expectation(Expecting.NOTHING))
    await cockpit.take_helm(context.deps, person, expectation.draft.seminar)
    await team.announce(context, person, await reader(update, context), text)


async def more(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    view = await cockpit.take_helm(context.deps, person_of(update), button.arg(0))
    followed = await has_followup(context.deps, view.seminar)
    await send(context, person_of(update).tg_id, cockpit_view.more(t, view.seminar, followed))
    return None


async def command(update: Update, context: BotContext, button: Button, t: Translator) -> str | None:
    """One of the cockpit's commands, for the cockpit's seminar."""
    index = button.arg(1)
    if index >= len(cockpit_view.MORE_COMMANDS):
        raise ForgedButton("command out of range")
    await cockpit.take_helm(context.deps, person_of(update), button.arg(0))
    await MORE_ACTIONS[cockpit_view.MORE_COMMANDS[index]](update, context)
    return None


ROUTES = Routes(
    commands=(
        Command(
            "cockpit",
            cockpit_command,
            menus=MODERATORS,
            description=N_("The seminar's cockpit"),
        ),
    ),
    buttons=(
        Press(Action.COCKPIT_NEXT, next_step),
        Press(Action.COCKPIT_GO, go),
        Press(Action.COCKPIT_STAY, stay),
        Press(Action.COCKPIT_BACK, back),
        Press(Action.COCKPIT_BACK_GO, back_go),
        Press(Action.COCKPIT_REMIND, remind),
        Press(Action.COCKPIT_ANNOUNCE, ask_announcement),
        Press(Action.COCKPIT_CANCEL, cancel_announcement),
        Press(Action.COCKPIT_MORE, more),
        Press(Action.COCKPIT_COMMAND, command),
    ),
    texts=(Text(Expecting.ANNOUNCEMENT, announcement_text),),
)
