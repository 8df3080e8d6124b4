"""What sorting notes into themes looks like: proposing, offering, renaming and merging themes,
the vote cards, and the moderator's settling of ties and unsorted notes.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import Note, Seminar, Theme
from bot.flows.groups import VoteCard
from bot.flows.themes import GroupThemes, SettleCard, ThemeAdded, ThemeNameProblem
from bot.i18n import Translator
from bot.render.screens import Key, Screen, esc, group_label, key, note_text, paginate


def voting_ready(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "The groups have their notes and can propose themes. Start the voting when they "
            "are ready."
        ),
        ((key(t.pgettext("button", "Start voting into themes"), Action.OPEN_VOTING, seminar.id),),),
    )


def theme_list(t: Translator, themes: Sequence[Theme]) -> str:
    names = ", ".join(f"«{esc(theme.name)}»" for theme in themes)
    # Participant: themes, theme list
    return t.gettext("Themes so far: {names}").format(names=names)


def theme_added(t: Translator, added: ThemeAdded) -> Screen:
    theme = added.theme
    if added.new:
        # Participant: themes, theme added
        head = t.gettext("Theme «{name}» added.").format(name=esc(theme.name))
    else:
        # Participant: themes, theme added
        head = t.gettext("«{name}» is already a theme.").format(name=esc(theme.name))
    lines = [head]
    if added.voted:
        lines.append(
            # Participant: themes, theme added
            t.gettext("The note on your card is now sorted into «{name}».").format(
                name=esc(theme.name)
            )
        )
    lines.append(theme_list(t, added.themes))
    return Screen("\n".join(lines))


def new_theme_key(t: Translator, seminar: Seminar, note: Note | None = None) -> Key:
    """«New theme»: on the note card (whose note goes into it), the group's list, and /vote."""
    return key(
        # Participant: themes, new theme key
        t.pgettext("button", "New theme"),
        Action.THEME_NEW,
        seminar.id,
        note.id if note else 0,
    )


def ask_new_theme(t: Translator, seminar: Seminar, note: Note | None) -> Screen:
    lines = [
        # Participant: themes, ask new theme
        t.gettext(
            "Send the name of the new theme as a message: a few words, for example «Being "
            "believed» or «Time»."
        )
    ]
    if note is not None:
        # Participant: themes, ask new theme
        lines.append(t.gettext("This note will go into the new theme:"))
        lines.append(f"<blockquote>{note_text(t, note)}</blockquote>")
    # Participant: themes, ask new theme
    cancel = key(t.pgettext("button", "Cancel"), Action.THEME_NEW_CANCEL, seminar.id)
    return Screen("\n".join(lines), ((cancel,),))


def new_theme_cancelled(t: Translator) -> Screen:
    # Participant: themes, new theme cancelled
    return Screen(t.gettext("No new theme. You can go on sorting."))


def invalid_theme_name(t: Translator, reason: ThemeNameProblem) -> Screen:
    match reason:
        case ThemeNameProblem.EMPTY:
            # Participant: themes, invalid theme name
            text = t.gettext("A theme needs a name. Please write a few words.")
        case ThemeNameProblem.TOO_LONG:
            # Participant: themes, invalid theme name
            text = t.gettext("Please keep a theme name short: at most {limit} characters.").format(
                limit=40
            )
        case ThemeNameProblem.MARKUP:
            # Participant: themes, invalid theme name
            text = esc(t.gettext("Please write the theme name without < or > characters."))
        case ThemeNameProblem.TAKEN:
            # Participant: themes, invalid theme name
            text = t.gettext("There is already a theme with that name. Merge the two instead.")
    return Screen(text)


def theme_limit_reached(t: Translator, limit: int) -> Screen:
    return Screen(
        # Participant: themes, theme limit reached
        t.ngettext(
            "Thank you! You have proposed {count} new theme, and that is as many as one person "
            "can. This one was not added. You can still sort the notes into the themes your "
            "group has.",
            "Thank you! You have proposed {count} new themes, and that is as many as one person "
            "can. This one was not added. You can still sort the notes into the themes your "
            "group has.",
            limit,
        ).format(count=t.number(limit))
    )


def voting_opened_moderator(t: Translator, seminar: Seminar, people: int) -> Screen:
    return Screen(
        t.ngettext(
            "Voting into themes has started in <b>{title}</b>; {count} person got their "
            "group's notes to sort. Ties and unsorted notes: /moderate. When the groups are "
            "done: /plenary.",
            "Voting into themes has started in <b>{title}</b>; {count} people got their "
            "group's notes to sort. Ties and unsorted notes: /moderate. When the groups are "
            "done: /plenary.",
            people,
        ).format(title=esc(seminar.title), count=t.number(people)),
        ((key(t.pgettext("button", "Start the plenary"), Action.OPEN_PLENARY, seminar.id),),),
    )


def vote_card(t: Translator, card: VoteCard) -> Screen:
    """One note at a time, a button per theme (the person's choice marked), and where they are."""
    seminar = card.seminar
    if card.note is None:
        # Participant: themes, vote card
        return Screen(t.gettext("Your group has no notes to sort."))
    lines = [
        # Participant: themes, vote card
        t.gettext("<b>{group}</b> · note {number} of {total}").format(
            group=esc(group_label(t, card.group)), number=card.index + 1, total=card.total
        ),
        f"<blockquote>{note_text(t, card.note)}</blockquote>",
        # Participant: themes, vote card
        t.gettext("{sorted} of {total} notes sorted").format(
            sorted=t.number(card.sorted_count), total=t.number(card.total)
        ),
    ]
    if not card.themes:
        lines.append(
            # Participant: themes, vote card
            t.gettext("Your group has no themes yet. Press «New theme» to propose the first one.")
        )
    else:
        # Participant: themes, vote card
        lines.append(t.gettext("Which theme does this note belong to?"))
    rows: list[tuple[Key, ...]] = [
        (
            key(
                ("✅ " if theme.id == card.choice else "") + _into(t, theme),
                Action.VOTE,
                card.note.id,
                theme.id,
                card.index,
            ),
        )
        for theme in card.themes[:30]
    ]
    nav: list[Key] = []
    if card.index > 0:
        nav.append(
            key(
                # Participant: themes, vote card
                t.pgettext("button", "◀ Previous note"),
                Action.VOTE_CARD,
                seminar.id,
                card.index - 1,
            )
        )
    if card.index + 1 < card.total:
        nav.append(
            # Participant: themes, vote card
            key(t.pgettext("button", "Next note ▶"), Action.VOTE_CARD, seminar.id, card.index + 1)
        )
    if nav:
        rows.append(tuple(nav))
    rows.append(
        (
            new_theme_key(t, seminar, card.note),
            key(
                # Participant: themes, vote card
                t.pgettext("button", "Show the latest themes"),
                Action.VOTE_CARD,
                seminar.id,
                card.index,
            ),
        )
    )
    return Screen("\n".join(lines), tuple(rows))


def _into(t: Translator, theme: Theme) -> str:
    """A button that puts a note into a theme: «Til: Tid», words even where a theme's name is
    a number or an emoji."""
    # Participant: a button that puts the note into the theme {theme}
    return t.pgettext("button", "Into: {theme}").format(theme=theme.name)


def voting_started_participant(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        # Participant: themes, voting started participant
        t.gettext(
            "Voting into themes has started in <b>{title}</b>. For each note, press the theme "
            "it belongs to. You can change your choice until the voting ends. To propose a new "
            "theme, press «New theme»."
        ).format(title=esc(seminar.title))
    )


def settle_card(t: Translator, card: SettleCard) -> Screen:
    if card.note is None or card.group is None:
        return Screen(t.gettext("No ties and no unsorted notes are waiting for you."))
    names = {theme.id: theme.name for theme in card.themes}
    if card.counts:
        votes = ", ".join(
            f"«{esc(names.get(theme, '?'))}»: {t.number(count)}"
            for theme, count in sorted(card.counts.items(), key=lambda item: -item[1])
        )
        why = t.gettext("A tie: {votes}").format(votes=votes)
    else:
        why = t.gettext("Nobody sorted this note.")
    text = "\n".join(
        (
            t.ngettext(
                "{count} note is waiting for your decision.",
                "{count} notes are waiting for your decision.",
                card.remaining,
            ).format(count=t.number(card.remaining)),
            f"<b>{esc(group_label(t, card.group))}</b>",
            f"<blockquote>{note_text(t, card.note)}</blockquote>",
            why,
        )
    )
    rows: list[tuple[Key, ...]] = [
        (key(_into(t, theme), Action.SETTLE, card.note.id, theme.id),) for theme in card.themes[:30]
    ]
    rows.append((key(t.pgettext("button", "Leave it unsorted"), Action.SETTLE, card.note.id, 0),))
    return Screen(text, tuple(rows))


def themes_overview(t: Translator, seminar: Seminar, listed: Sequence[GroupThemes]) -> list[Screen]:
    head = t.gettext("<b>Themes in {title}</b>").format(title=esc(seminar.title))
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for listing in listed:
        group = listing.group
        title = group_label(t, group) if group else t.gettext("Offered to every group")
        blocks.append((f"\n<b>{esc(title)}</b>", ()))
        for theme in listing.themes:
            blocks.append(
                (
                    f"• {esc(theme.name)}",
                    (
                        key(
                            t.pgettext("button", "Rename {name}").format(name=theme.name[:20]),
                            Action.THEME_RENAME,
                            theme.id,
                        ),
                        key(
                            t.pgettext("button", "Merge {name}").format(name=theme.name[:20]),
                            Action.THEME_MERGE_ASK,
                            theme.id,
                        ),
                    ),
                )
            )
    blocks.append(
        (
            "",
            (
                key(
                    t.pgettext("button", "Offer themes to every group"),
                    Action.PRESET_THEMES,
                    seminar.id,
                ),
            ),
        )
    )
    return paginate(head, blocks, keys_per_row=2)


def ask_theme_name(t: Translator, theme: Theme | None) -> Screen:
    if theme is None:
        return Screen(
            t.gettext(
                "Send the themes to offer every group, one per message. Send /done when finished."
            )
        )
    return Screen(t.gettext("Send the new name for «{name}».").format(name=esc(theme.name)))


def theme_renamed(t: Translator, theme: Theme) -> Screen:
    return Screen(t.gettext("The theme is now called «{name}».").format(name=esc(theme.name)))


def preset_added(t: Translator, theme: Theme, new: bool) -> Screen:
    if not new:
        return Screen(t.gettext("«{name}» is already a theme.").format(name=esc(theme.name)))
    return Screen(t.gettext("Theme «{name}» added.").format(name=esc(theme.name)))


def merge_choices(t: Translator, theme: Theme, others: Sequence[Theme]) -> Screen:
    if not others:
        return Screen(t.gettext("There is no other theme in the same group to merge with."))
    return Screen(
        t.gettext("Merge «{name}» into which theme? Its votes will count for that one.").format(
            name=esc(theme.name)
        ),
        tuple(
            (key(_into(t, other), Action.THEME_MERGE, theme.id, other.id),) for other in others[:30]
        ),
    )


def themes_merged(t: Translator, source: Theme, target: Theme) -> Screen:
    return Screen(
        t.gettext("«{source}» is merged into «{target}».").format(
            source=esc(source.name), target=esc(target.name)
        )
    )
