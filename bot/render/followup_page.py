"""The office's follow-up page as HTML: the series' proposals, the earlier themes each
answers side by side (users' and staff's), their quotes, and a form for each. Every piece of
people's text is escaped; the page names no person and shows no count of people."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from bot.domain import FollowUp, SeminarKind, Status
from bot.flows.followup import MAX_OWNER, MAX_REASON, PageView, Problem, seen
from bot.i18n import RLM, Translator
from bot.render.screens import reason_name, status_name

__all__ = ["gone_page", "page"]

_CSS = """
body{font-family:system-ui,sans-serif;line-height:1.45;margin:0;background:#f6f6f4;color:#1b1b1b}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:0}h3{font-size:1rem;margin:.6rem 0 .2rem}
section.proposal{background:#fff;border:1px solid #ccc;border-radius:8px;padding:1rem;
margin:1rem 0}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}
@media (max-width:22rem){.sides{grid-template-columns:1fr}}
.sides>div{background:#f0f4f8;border-radius:6px;padding:.5rem .8rem}
blockquote{margin:.3rem 0;padding-inline-start:.7rem;border-inline-start:3px solid #999}
label{display:block;font-weight:600;margin-top:.8rem}
.hint{font-size:.9rem;color:#444;margin:.2rem 0}
input,select,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.45rem;
border:1px solid #888;border-radius:4px}
textarea{min-height:4rem}
button{font:inherit;margin-top:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;
background:#1d4f91;color:#fff}
.saved{background:#e3f4e1;border:1px solid #3a7d34;border-radius:6px;padding:.6rem}
.problems{background:#fdecea;border:1px solid #b3261e;border-radius:6px;padding:.6rem}
"""


def _t(t: Translator, text: str) -> str:
    """A translation on the page: escaped, without the marks a chat needs (the page has
    dir=rtl)."""
    return html.escape(text.replace(RLM, ""))


def _e(text: str) -> str:
    return html.escape(text)


def _head(t: Translator, title: str) -> list[str]:
    direction = "rtl" if t.rtl else "ltr"
    return [
        "<!DOCTYPE html>",
        f'<html lang="{t.language}" dir="{direction}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex, nofollow">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style></head>",
        "<body><main>",
    ]


def _problem(t: Translator, problem: Problem) -> str:
    texts = {
        Problem.OWNER_TOO_LONG: t.gettext(
            "The owner is too long. Write a role in at most {count} characters."
        ).format(count=t.number(MAX_OWNER)),
        Problem.REASON_NEEDED: t.gettext(
            "Please write why the proposal is not possible. People who took part will read it."
        ),
        Problem.REASON_TOO_LONG: t.gettext(
            "The reason is too long. Please keep it under {count} characters."
        ).format(count=t.number(MAX_REASON)),
        Problem.BAD_DATE: t.gettext("The due date is not a date we can read. Please pick one."),
        Problem.BAD_STATUS: t.gettext("Please choose a status from the list."),
        Problem.UNKNOWN: t.gettext(
            "This proposal is not on the page any more. Please load the page again."
        ),
        Problem.STALE: t.gettext(
            "Someone changed this proposal after you opened the page. Below is what is saved "
            "now: please check it and save again."
        ),
    }
    return texts[problem]


def _side(t: Translator, heading: str, names: Sequence[str]) -> str:
    items = "".join(f'<li dir="auto">{_e(name)}</li>' for name in names)
    none = _t(t, t.gettext("No theme from them."))
    body = f"<ul>{items}</ul>" if names else f"<p>{none}</p>"
    return f"<div><h3>{_t(t, heading)}</h3>{body}</div>"


def _section(
    t: Translator,
    number: int,
    followup: FollowUp,
    form: str,
    notice: str,
    entered: Mapping[str, str] | None,
) -> list[str]:
    pid = followup.proposal.id
    values = {
        "owner": followup.owner,
        "status": followup.status.value,
        "reason": reason_name(t, followup.reason),
        "due": followup.due.isoformat() if followup.due else "",
        **(entered or {}),
    }
    heading = t.gettext("Proposal {number}: {name}").format(
        number=t.number(number), name=followup.proposal.name
    )
    users = [a.name for a in followup.answers if a.kind is SeminarKind.USERS]
    staff = [a.name for a in followup.answers if a.kind is SeminarKind.STAFF]
    answers = _t(t, t.gettext("It answers these themes from the earlier seminars:"))
    parts = [
        f'<section class="proposal" id="p{pid}">',
        f"<h2>{_t(t, heading)}</h2>",
        f"<p>{answers}</p>",
        '<div class="sides">',
        _side(t, t.gettext("From the users"), users),
        _side(t, t.gettext("From the staff"), staff),
        "</div>",
    ]
    if followup.proposal.quotes:
        said = _t(t, t.gettext("What was said"))
        parts.append(f"<h3>{said}</h3>")
        parts += [f'<blockquote dir="auto">{_e(q)}</blockquote>' for q in followup.proposal.quotes]
    if notice:
        parts.append(notice)
    options = "".join(
        '<option value="{v}"{sel}>{name}</option>'.format(
            v=status.value,
            sel=" selected" if values["status"] == status.value else "",
            name=_t(t, status_name(t, status)),
        )
        for status in Status
    )
    owner_hint = t.gettext(
        "Write a role, such as «the office's leader», not a person's name. "
        "Everyone who took part may read this."
    )
    saving = t.pgettext("button", "Save proposal {number}")
    submit = _t(t, saving.format(number=t.number(number)))
    reason_hint = _t(t, t.gettext("Needed when the status is «not possible»."))
    labels = {
        "owner": _t(t, t.gettext("Who owns it (a role)")),
        "status": _t(t, t.gettext("Status")),
        "reason": _t(t, t.gettext("Reason")),
        "due": _t(t, t.gettext("Due date")),
    }
    parts += [
        '<form method="post">',
        f'<input type="hidden" name="form" value="{_e(form)}">',
        f'<input type="hidden" name="proposal" value="{pid}">',
        f'<input type="hidden" name="seen" value="{seen(followup)}">',
        f'<label for="owner-{pid}">{labels["owner"]}</label>',
        f'<p class="hint" id="owner-hint-{pid}">{_t(t, owner_hint)}</p>',
        f'<input id="owner-{pid}" name="owner" maxlength="{MAX_OWNER}" dir="auto"'
        f' aria-describedby="owner-hint-{pid}" value="{_e(values["owner"])}">',
        f'<label for="status-{pid}">{labels["status"]}</label>',
        f'<select id="status-{pid}" name="status">{options}</select>',
        f'<label for="reason-{pid}">{labels["reason"]}</label>',
        f'<p class="hint" id="reason-hint-{pid}">{reason_hint}</p>',
        f'<textarea id="reason-{pid}" name="reason" maxlength="{MAX_REASON}" dir="auto"'
        f' aria-describedby="reason-hint-{pid}">{_e(values["reason"])}</textarea>',
        f'<label for="due-{pid}">{labels["due"]}</label>',
        f'<input type="date" id="due-{pid}" name="due" value="{_e(values["due"])}">',
        f'<button type="submit">{submit}</button>',
        "</form>",
        "</section>",
    ]
    return parts


def page(
    t: Translator,
    view: PageView,
    *,
    saved: int | None = None,
    problems: tuple[Problem, ...] = (),
    failed: int | None = None,
    entered: Mapping[str, str] | None = None,
) -> str:
    """The page a working link opens; `saved`: the proposal just saved; `failed`, `problems`
    and `entered`: the form that was refused, shown again as it was filled in."""
    title = t.gettext("Follow-up: {title}").format(title=view.series.title)
    parts = _head(t, _t(t, title))
    parts += [
        f'<h1 dir="auto">{_t(t, title)}</h1>',
        "<p>{}</p>".format(
            _t(
                t,
                t.gettext(
                    "Here you tell what comes of each proposal. The people who took part "
                    "can hear each change. Save each proposal on its own."
                ),
            )
        ),
    ]
    if failed is not None and not any(f.proposal.id == failed for f in view.followups):
        items = "".join(f"<li>{_t(t, _problem(t, p))}</li>" for p in problems)
        parts.append(f'<div class="problems" role="alert"><ul>{items}</ul></div>')
    for number, followup in enumerate(view.followups, 1):
        pid = followup.proposal.id
        notice = ""
        if saved == pid:
            notice = '<p class="saved" role="status">{}</p>'.format(_t(t, t.gettext("Saved.")))
        elif failed == pid:
            items = "".join(f"<li>{_t(t, _problem(t, p))}</li>" for p in problems)
            head = _t(t, t.gettext("Nothing was saved:"))
            notice = f'<div class="problems" role="alert"><p>{head}</p><ul>{items}</ul></div>'
        parts += _section(
            t, number, followup, view.form, notice, entered if failed == pid else None
        )
    parts.append("</main></body></html>")
    return "\n".join(parts)


def gone_page(t: Translator) -> str:
    """An expired, stopped or forged link: polite, and no hint of what it was."""
    title = _t(t, t.gettext("This link does not work"))
    parts = _head(t, title)
    parts += [
        f"<h1>{title}</h1>",
        "<p>{}</p>".format(
            _t(
                t,
                t.gettext(
                    "The link may be too old, or it was stopped. Please ask the seminar's "
                    "moderator for a new link."
                ),
            )
        ),
        "</main></body></html>",
    ]
    return "\n".join(parts)
