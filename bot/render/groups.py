"""What the group work looks like before the vote: the groups formed, the paper notes placed,
the moderator's review and shortening of notes, and each group's notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.callbacks import Action
from bot.domain import Group, Note, Seminar, Theme
from bot.flows.groups import NoteShortened
from bot.i18n import Translator
from bot.render.screens import Key, Screen, esc, group_label, key, note_text, paginate
from bot.render.themes import new_theme_key, theme_list


def groups_formed_moderator(
    t: Translator, seminar: Seminar, groups: Sequence[Group], sizes: Mapping[int, int], paper: int
) -> list[Screen]:
    """Group sizes only: who sits where is never shown. Many groups take several messages;
    the buttons come with the last."""
    head = t.ngettext(
        "The participants of <b>{title}</b> are now in {count} group:",
        "The participants of <b>{title}</b> are now in {count} groups:",
        len(groups),
    ).format(title=esc(seminar.title), count=t.number(len(groups)))
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for group in groups:
        size = sizes.get(group.id, 0)
        line = t.ngettext("{group}: {count} person", "{group}: {count} people", size).format(
            group=group_label(t, group), count=t.number(size)
        )
        blocks.append((line, ()))
    lines = [
        "",
        t.gettext(
            "Before the groups see their notes, you can go through them and hide or shorten "
            "one that identifies somebody."
        ),
    ]
    keys: list[tuple[Key, ...]] = [
        (key(t.pgettext("button", "Review the notes"), Action.REVIEW, seminar.id, 0),),
        (key(t.pgettext("button", "Show the notes to the groups"), Action.SHOW_NOTES, seminar.id),),
    ]
    if paper:
        lines.append(
            t.ngettext(
                "The {count} note written on paper went to a group with the other notes. You "
                "can give it to another group instead:",
                "The {count} notes written on paper were dealt out to the groups with the other "
                "notes. You can give them all to one group instead:",
                paper,
            ).format(count=t.number(paper))
        )
        keys[:0] = [(paper_key(t, group),) for group in groups[:8]]
    return paginate(head, blocks, tail=Screen("\n".join(lines), tuple(keys)))


def paper_key(t: Translator, group: Group) -> Key:
    return key(
        t.pgettext("button", "Give the paper notes to {group}").format(group=group_label(t, group)),
        Action.PAPER_TO_GROUP,
        group.id,
    )


def paper_placed(t: Translator, group: Group, count: int) -> Screen:
    return Screen(
        t.ngettext(
            "{count} paper note goes to {group}.",
            "{count} paper notes go to {group}.",
            count,
        ).format(count=t.number(count), group=group_label(t, group))
    )


def paper_stays(t: Translator) -> Screen:
    return Screen(
        t.gettext("The groups have their notes already, so the paper notes stay where they are.")
    )


def seated(t: Translator, seminar: Seminar, group: Group) -> Screen:
    return Screen(
        # Participant: groups, seated
        t.gettext(
            "Group work in <b>{title}</b>: you are in <b>{group}</b>. In the room, sit with the "
            "others of {group}. You will get your group's notes here soon."
        ).format(title=esc(seminar.title), group=esc(group_label(t, group)))
    )


def review_card(
    t: Translator, seminar: Seminar, note: Note | None, index: int, total: int
) -> Screen:
    if note is None:
        return Screen(
            t.gettext("You have gone through all the notes."),
            (
                (
                    key(
                        t.pgettext("button", "Show the notes to the groups"),
                        Action.SHOW_NOTES,
                        seminar.id,
                    ),
                ),
            ),
        )
    keys = [key(t.pgettext("button", "Fine ▶"), Action.REVIEW, seminar.id, index + 1)]
    if seminar.can_shorten:
        keys.append(key(t.pgettext("button", "Shorten"), Action.REVIEW_SHORTEN, note.id, index))
    keys.append(key(t.pgettext("button", "Hide"), Action.HIDE_ASK, note.id))
    return Screen(
        t.gettext("Note {number} of {total}:").format(number=index + 1, total=total)
        + f"\n<blockquote>{note_text(t, note)}</blockquote>",
        (
            tuple(keys),
            (
                key(
                    t.pgettext("button", "Show the notes to the groups"),
                    Action.SHOW_NOTES,
                    seminar.id,
                ),
            ),
        ),
    )


def ask_shortened(t: Translator, note: Note) -> Screen:
    return Screen(
        t.gettext(
            "Send the shortened text of this note. Everyone will see it marked as shortened by "
            "the moderator, and its writer will be told the new wording:"
        )
        + f"\n<blockquote>{note_text(t, note)}</blockquote>"
    )


def shortened(t: Translator, outcome: NoteShortened) -> Screen:
    text = t.gettext("Shortened:") + f"\n<blockquote>{note_text(t, outcome.note)}</blockquote>"
    if outcome.writer is not None:
        text += "\n" + t.gettext("Its writer has been told the new wording.")
    return Screen(text)


def note_shortened_for_writer(t: Translator, outcome: NoteShortened) -> Screen:
    """The writer hears what their note now says, before the groups see it."""
    return Screen(
        "\n".join(
            (
                # Participant: groups, note shortened for writer
                t.gettext(
                    "A moderator of <b>{title}</b> shortened one of your notes before the "
                    "groups see it. It will be shown marked as shortened by the moderator."
                ).format(title=esc(outcome.seminar.title)),
                # Participant: groups, note shortened for writer
                t.gettext("You wrote:"),
                f"<blockquote>{esc(outcome.before)}</blockquote>",
                # Participant: groups, note shortened for writer
                t.gettext("Now it says:"),
                f"<blockquote>{esc(outcome.note.text)}</blockquote>",
            )
        )
    )


def shortening_closed(t: Translator) -> Screen:
    return Screen(
        t.gettext(
            "A note can be shortened only after the answer round is closed and before the "
            "groups see the notes. The note was not changed."
        )
    )


def group_notes(
    t: Translator, seminar: Seminar, group: Group, notes: Sequence[Note], themes: Sequence[Theme]
) -> list[Screen]:
    """A group's notes, numbered as on the vote cards and without authors, and the button
    that proposes a theme."""
    # Participant: groups, group notes
    head = t.ngettext(
        "<b>{group}</b> sorts these {count} note into themes:",
        "<b>{group}</b> sorts these {count} notes into themes:",
        len(notes),
    ).format(group=esc(group_label(t, group)), count=t.number(len(notes)))
    blocks: list[tuple[str, tuple[Key, ...]]] = [
        (f"{number}. {note_text(t, note)}", ()) for number, note in enumerate(notes, start=1)
    ]
    # Participant: groups, group notes
    tail = "\n" + t.gettext(
        "What do the notes have in common? Press «New theme» to propose a theme with a short "
        "name, for example «Being believed» or «Time»."
    )
    if themes:
        tail += "\n" + theme_list(t, themes)
    return paginate(head, blocks, tail=Screen(tail, ((new_theme_key(t, seminar),),)))


def not_in_group(t: Translator) -> Screen:
    # Participant: groups, not in group
    return Screen(t.gettext("You are not in a group of this seminar, so this is not for you."))


def no_groups_yet(t: Translator) -> Screen:
    return Screen(t.gettext("There are no groups yet. Form them first with /groups."))
