"""What the plenary looks like: every group's themes and notes, the dot vote's cards, and the
themes ranked by dots.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks import Action
from bot.domain import Group, Seminar, Theme
from bot.flows.plenary import DOT_PAGE_SIZE, DotCard, GroupResult
from bot.flows.rules import DotRefused
from bot.i18n import Translator
from bot.render.screens import Key, Screen, esc, group_label, key, note_text, paginate


def plenary(t: Translator, seminar: Seminar, results: Sequence[GroupResult]) -> list[Screen]:
    """Every group's themes with their notes and vote counts; counts only, never voters."""
    # Participant: plenary, plenary
    head = t.gettext("<b>Plenary: {title}</b>").format(title=esc(seminar.title))
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for result in results:
        blocks.append((f"\n<b>{esc(group_label(t, result.group))}</b>", ()))
        if not result.themes and not result.unsorted:
            # Participant: plenary, plenary
            blocks.append((t.gettext("(no notes)"), ()))
        for theme, notes in result.themes:
            blocks.append(
                (
                    # Participant: plenary, plenary
                    t.ngettext(
                        "<b>«{name}»</b> ({count} note)",
                        "<b>«{name}»</b> ({count} notes)",
                        len(notes),
                    ).format(name=esc(theme.name), count=t.number(len(notes))),
                    (),
                )
            )
            for note, votes in notes:
                # Participant: plenary, plenary
                counted = t.ngettext("{count} vote", "{count} votes", votes).format(
                    count=t.number(votes)
                )
                blocks.append((f"• {note_text(t, note)} <i>({counted})</i>", ()))
        if result.unsorted:
            # Participant: plenary, plenary
            blocks.append((t.gettext("<b>Unsorted</b>"), ()))
            blocks += [(f"• {note_text(t, note)}", ()) for note in result.unsorted]
    return paginate(head, blocks)


def plenary_moderator(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext(
            "The plenary has been posted to every participant. Start the dot vote when you "
            "are ready: everyone gets {budget} dots, at most {most} on one theme."
        ).format(budget=seminar.dot_budget, most=seminar.dot_max_per_theme),
        ((key(t.pgettext("button", "Start the dot vote"), Action.OPEN_DOTS, seminar.id),),),
    )


def dot_card(t: Translator, card: DotCard) -> Screen:
    """Dots left, and a page of themes; each theme has a row of its own, whose two buttons say
    in words which theme they give a dot to or take one from. Two buttons turn the pages."""
    seminar = card.seminar
    lines = [
        # Participant: plenary, dot card
        t.gettext("<b>Dot vote: {title}</b>").format(title=esc(seminar.title)),
        # Participant: plenary, dot card
        t.gettext(
            "Give your dots to the themes that matter most to you: {budget} in all, at most "
            "{most} on one theme. The results are shown when the vote closes."
        ).format(budget=seminar.dot_budget, most=seminar.dot_max_per_theme),
        # Participant: plenary, dot card
        t.ngettext("You have {count} dot left.", "You have {count} dots left.", card.left).format(
            count=t.number(card.left)
        ),
    ]
    if card.refused is not None:
        lines.append(f"<i>{dot_refused(t, card.refused)}</i>")
    total = len(card.themes) if card.total is None else card.total
    pages = max(1, -(-total // DOT_PAGE_SIZE))
    page = max(0, min(card.page, pages - 1))
    first = page * DOT_PAGE_SIZE
    if card.total is None:
        shown = list(enumerate(card.themes, start=1))[first : first + DOT_PAGE_SIZE]
    else:  # the card holds only the page
        shown = list(enumerate(card.themes, start=first + 1))
    if pages > 1:
        lines.append(
            # Participant: plenary, dot card
            t.gettext("Themes {first}–{last} of {total}:").format(
                first=first + 1, last=first + len(shown), total=total
            )
        )
    rows: list[tuple[Key, ...]] = []
    for number, (theme, group) in shown:
        mine = card.mine.get(theme.id, 0)
        where = f" ({esc(group_label(t, group))})" if group else ""
        lines.append(f"{number}. {esc(theme.name)}{where} {'●' * mine}")
        # Participant: a button that gives one dot to theme number {number} of the list
        give = t.pgettext("button", "Theme {number}: + dot").format(number=number)
        # Participant: a button that takes one dot back from theme number {number}
        take = t.pgettext("button", "Theme {number}: − dot").format(number=number)
        rows.append(
            (
                key(give, Action.DOT, seminar.id, theme.id, 1, page),
                key(take, Action.DOT, seminar.id, theme.id, 0, page),
            )
        )
    nav: list[Key] = []
    if page > 0:
        # Participant: a button that shows the themes before these
        back = t.pgettext("button", "◀ Previous themes")
        nav.append(key(back, Action.DOT_PAGE, seminar.id, page - 1))
    if page + 1 < pages:
        # Participant: a button that shows the next themes of the list
        on = t.pgettext("button", "Next themes ▶")
        nav.append(key(on, Action.DOT_PAGE, seminar.id, page + 1))
    if nav:
        rows.append(tuple(nav))
    return Screen("\n".join(lines), tuple(rows))


def dot_refused(t: Translator, reason: DotRefused) -> str:
    match reason:
        case DotRefused.BUDGET:
            # Participant: plenary, dot refused
            return t.gettext("You have used all your dots. Take one back to move it.")
        case DotRefused.PER_THEME:
            # Participant: plenary, dot refused
            return t.gettext("That theme already has as many of your dots as it can take.")
        case DotRefused.NONE_TO_REMOVE:
            # Participant: plenary, dot refused
            return t.gettext("That theme has none of your dots to take back.")
        case DotRefused.GONE:
            # Participant: plenary, dot refused
            return t.gettext("That theme is no longer in the vote.")


def dots_opened_moderator(t: Translator, seminar: Seminar) -> Screen:
    return Screen(
        t.gettext("The dot vote is open. Close it when everyone is done."),
        ((key(t.pgettext("button", "Close the dot vote"), Action.CLOSE_DOTS, seminar.id),),),
    )


def ranking(
    t: Translator, seminar: Seminar, ranked: Sequence[tuple[Theme, Group | None, int]]
) -> list[Screen]:
    """Every theme in order of dots, over as many messages as a long list needs."""
    # Participant: plenary, ranking
    head = t.gettext("<b>The themes of {title}, ranked by dots</b>").format(
        title=esc(seminar.title)
    )
    blocks: list[tuple[str, tuple[Key, ...]]] = []
    for place, (theme, group, dots) in enumerate(ranked, start=1):
        where = f" ({esc(group_label(t, group))})" if group else ""
        # Participant: plenary, ranking
        counted = t.ngettext("{count} dot", "{count} dots", dots).format(count=t.number(dots))
        blocks.append((f"{place}. {esc(theme.name)}{where}: {counted}", ()))
    if not ranked:
        # Participant: plenary, ranking
        blocks.append((t.gettext("(no themes)"), ()))
    return paginate(head, blocks)
