"""What time brings: /schedule and its answers, reminders, jobs the bot ran late or not at all,
and the summaries.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import Deadline, DotVote, Schedule, Seminar
from bot.flows.schedules import (
    REMINDER_OFFSETS,
    Kind,
    ReminderChoices,
    ReminderTooLate,
    SummaryData,
)
from bot.flows.timing import TimeProblem
from bot.i18n import Translator
from bot.render.screens import Key, Screen, esc, group_label, key, phase_name

# What the /schedule buttons add, by their number.
SCHEDULE_KINDS = (Kind.OPEN, Kind.CLOSE, Kind.REMIND, Kind.SUMMARY)


def schedule_kind(t: Translator, kind: str) -> str:
    names: dict[str, str] = {
        Kind.OPEN: t.gettext("Open the answer round"),
        Kind.CLOSE: t.gettext("Close the current step"),
        Kind.REMIND: t.gettext("Reminder to those who have not taken part yet"),
        Kind.SUMMARY: t.gettext("Daily summary"),
    }
    return names.get(kind, kind)


def schedules(t: Translator, seminar: Seminar, listed: Sequence[Schedule], zone: str) -> Screen:
    lines = [t.gettext("<b>Schedule of {title}</b>").format(title=esc(seminar.title))]
    rows: list[tuple[Key, ...]] = []
    if not listed:
        lines.append(t.gettext("Nothing is scheduled yet."))
    for number, item in enumerate(listed, start=1):
        when = t.datetime(item.run_at, zone)
        if item.daily_at:
            when = t.gettext("every day at {time}, next {when}").format(
                time=item.daily_at, when=when
            )
        lines.append(f"{number}. {schedule_kind(t, item.kind)}: {esc(when)}")
        rows.append(
            (
                key(
                    t.pgettext("button", "Cancel item {number}").format(number=number),
                    Action.SCHEDULE_CANCEL,
                    item.id,
                ),
            )
        )
    lines.append("")
    lines.append(t.gettext("Add:"))
    rows += [
        (key("⏰ " + schedule_kind(t, kind), Action.SCHEDULE_ASK, index),)
        for index, kind in enumerate(SCHEDULE_KINDS)
    ]
    return Screen("\n".join(lines), tuple(rows))


def ask_when(t: Translator, kind: Kind) -> Screen:
    if kind is Kind.SUMMARY:
        return Screen(
            t.gettext("At what time each day should the summary go out? For example 09:00.")
        )
    return Screen(
        t.gettext(
            "When? Write a time such as 14:30, a date and time such as 4.3. 14:30, or «in 30 "
            "minutes»."
        )
    )


def _before(t: Translator, minutes: int) -> str:
    if minutes % 1440 == 0:
        return t.ngettext("{count} day", "{count} days", minutes // 1440).format(
            count=minutes // 1440
        )
    if minutes % 60 == 0:
        return t.ngettext("{count} hour", "{count} hours", minutes // 60).format(
            count=minutes // 60
        )
    return t.ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes)


def closes_at(t: Translator, deadline: Deadline) -> str:
    """«14:30 (in 30 minutes)», in the reader's language and the bot's time zone."""
    # Participant: schedules, closes at
    return t.gettext("{time} ({left})").format(
        time=esc(t.clock(deadline.at, deadline.zone, deadline.now)),
        left=esc(t.until(deadline.at, deadline.now)),
    )


def round_deadline(t: Translator, deadline: Deadline) -> str:
    """The line under the round's opening and each question, when a close is scheduled."""
    # Participant: schedules, round deadline
    return t.gettext("The answer round closes at {when}.").format(when=closes_at(t, deadline))


def step_deadline(t: Translator, deadline: Deadline) -> str:
    # Participant: schedules, step deadline
    return t.gettext("It closes at {when}.").format(when=closes_at(t, deadline))


def ask_reminder(t: Translator, choices: ReminderChoices) -> Screen:
    close = t.gettext("The close is at {when}.").format(when=closes_at(t, choices.close))
    if not choices.offsets:
        shortest = _before(t, min(REMINDER_OFFSETS))
        return Screen(
            close
            + " "
            + t.gettext(
                "That is too soon for a reminder: the shortest is {time} before the close."
            ).format(time=shortest)
        )
    return Screen(
        close + " " + t.gettext("How long before the close should the reminder go out?"),
        (tuple(key(_before(t, m), Action.SCHEDULE_REMIND, m) for m in choices.offsets),),
    )


def reminder_too_late(t: Translator, outcome: ReminderTooLate) -> Screen:
    """A reminder button pressed when its time had passed: nothing set, the choices left."""
    late = t.gettext("A reminder {time} before the close would be in the past now.").format(
        time=_before(t, outcome.minutes)
    )
    choices = ask_reminder(t, outcome.choices)
    return Screen(late + "\n\n" + choices.text, choices.keys)


def scheduled(t: Translator, item: Schedule, zone: str) -> Screen:
    return Screen(
        t.gettext("Scheduled: {what}, {when}.").format(
            what=schedule_kind(t, item.kind), when=esc(t.datetime(item.run_at, zone))
        )
    )


def already_scheduled(t: Translator, item: Schedule, zone: str) -> Screen:
    return Screen(
        t.gettext(
            "That is already scheduled for {when}. Cancel it in /schedule first if you want "
            "another time."
        ).format(when=esc(t.datetime(item.run_at, zone)))
    )


def bad_time(t: Translator, reason: TimeProblem) -> Screen:
    if reason is TimeProblem.PAST:
        return Screen(t.gettext("That time has already passed. Please give a later time."))
    return Screen(
        t.gettext(
            "I could not read that time. Examples: 14:30, 4.3. 14:30, 2027-03-04 14:30, or «in "
            "30 minutes»."
        )
    )


def need_close(t: Translator) -> Screen:
    return Screen(
        t.gettext("A reminder goes out before a scheduled close. Schedule the close first.")
    )


def schedule_cancelled(t: Translator, item: Schedule) -> Screen:
    return Screen(t.gettext("Cancelled: {what}.").format(what=schedule_kind(t, item.kind)))


def no_longer_scheduled(t: Translator) -> Screen:
    return Screen(t.gettext("That is no longer scheduled."))


def reminder(t: Translator, seminar: Seminar, deadline: Deadline | None = None) -> Screen:
    if seminar.writing:
        # Participant: schedules, reminder
        text = t.gettext(
            "A gentle reminder: the answer round of <b>{title}</b> closes soon. We would love "
            "to hear what has helped you; one short note is enough."
        )
    elif seminar.voting:
        # Participant: schedules, reminder
        text = t.gettext(
            "A gentle reminder: the voting in <b>{title}</b> ends soon, and some of your "
            "group's notes still wait for a theme."
        )
    else:
        # Participant: schedules, reminder
        text = t.gettext(
            "A gentle reminder: the dot vote in <b>{title}</b> closes soon, and your dots "
            "are still unused."
        )
    text = text.format(title=esc(seminar.title))
    if deadline is not None:
        text += "\n\n" + step_deadline(t, deadline)
    return Screen(text)


def job_missed(t: Translator, item: Schedule, zone: str, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "Not done: {what}, planned for {when}. The bot was not running then, and when it "
            "came back <b>{title}</b> had moved on to «{phase}»."
        ).format(
            what=schedule_kind(t, item.kind),
            when=esc(t.datetime(item.run_at, zone)),
            title=esc(seminar.title),
            phase=phase_name(t, seminar.phase),
        )
    )


def job_done_late(t: Translator, item: Schedule, zone: str) -> Screen:
    return Screen(
        t.gettext(
            "Done now: {what}, planned for {when}. The bot was not running at that time."
        ).format(what=schedule_kind(t, item.kind), when=esc(t.datetime(item.run_at, zone)))
    )


def participation(t: Translator, data: SummaryData) -> str:
    """Who took part: the chat's people, and the paper notes, whose writers nobody counted."""
    if not data.paper_notes:
        return t.ngettext("{count} participant", "{count} participants", data.participants).format(
            count=t.number(data.participants)
        )
    return t.ngettext(
        "{count} took part in the chat, and {paper} note came on paper.",
        "{count} took part in the chat, and {paper} notes came on paper.",
        data.paper_notes,
    ).format(count=t.number(data.participants), paper=t.number(data.paper_notes))


def summary_full(t: Translator, data: SummaryData) -> Screen:
    """For moderators and the plenary chat: where the seminar stands, counts only."""
    seminar = data.seminar
    lines = [
        t.gettext("<b>Summary: {title}</b>").format(title=esc(seminar.title)),
        t.gettext("Step: {phase}").format(phase=phase_name(t, seminar.phase)),
        participation(t, data),
        t.ngettext("{count} note", "{count} notes", data.notes).format(count=t.number(data.notes)),
        t.ngettext("{count} theme", "{count} themes", len(data.themes)).format(
            count=t.number(len(data.themes))
        ),
        t.ngettext("{count} vote", "{count} votes", data.votes).format(count=t.number(data.votes)),
    ]
    if data.dots and seminar.dot_vote is DotVote.CLOSED:
        lines.append(
            t.ngettext("{count} dot", "{count} dots", data.dots).format(count=t.number(data.dots))
        )
    if data.themes:
        lines.append("")
        lines.append(t.gettext("<b>Themes so far</b>"))
        for theme in data.themes[:40]:
            lines.append(
                t.ngettext(
                    "• {name} ({group}): {count} note",
                    "• {name} ({group}): {count} notes",
                    theme.notes,
                ).format(
                    name=esc(theme.name),
                    group=esc(group_label(t, theme.group)),
                    count=t.number(theme.notes),
                )
            )
    return Screen("\n".join(lines))


def summary_short(t: Translator, data: SummaryData) -> Screen:
    """For participants: one short message."""
    seminar = data.seminar
    # Participant: schedules, summary short
    text = t.gettext("<b>{title}</b> is at «{phase}».").format(
        title=esc(seminar.title), phase=phase_name(t, seminar.phase)
    )
    # Participant: schedules, summary short
    text += " " + t.ngettext("So far {count} note", "So far {count} notes", data.notes).format(
        count=t.number(data.notes)
    )
    if data.themes:
        names = ", ".join(esc(theme.name) for theme in data.themes[:6])
        # Participant: schedules, summary short
        text += " " + t.gettext("and these themes: {names}.").format(names=names)
    else:
        text += "."
    return Screen(text)


def summaries_toggled(t: Translator, wanted: bool) -> Screen:
    if wanted:
        # Participant: schedules, summaries toggled
        return Screen(t.gettext("You will get the summaries of this seminar."))
    # Participant: schedules, summaries toggled
    return Screen(t.gettext("You will no longer get the summaries."))


def summary_participant(t: Translator, data: SummaryData, wanted: bool) -> Screen:
    short = summary_short(t, data)
    label = (
        # Participant: schedules, summary participant
        t.pgettext("button", "Stop sending me summaries")
        if wanted
        # Participant: schedules, summary participant
        else t.pgettext("button", "Send me the summaries")
    )
    return Screen(short.text, ((key(label, Action.SUMMARIES_TOGGLE),),))
