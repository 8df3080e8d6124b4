"""The office's follow-up page: a small aiohttp server of the bot's own, in polling and webhook
mode alike, on `[followup] page_listen:page_port`, behind the operator's https proxy.

GET /followup/<token> shows the series' proposals with a form each; POST saves one through
`flows/followup.save` and redirects back with «Saved» (post/redirect/get). A link that does not
work gets 404 (a form that did not come from the page, 403) with a polite page. The token is
never logged: there is no access log, and the log lines name no link.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.domain import Series
from bot.flows import followup
from bot.flows.deps import Deps
from bot.i18n import translator
from bot.render import followup_page
from bot.render.screens import reason_name

__all__ = ["PageServer"]

log = logging.getLogger(__name__)

_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}
_FIELDS = ("owner", "status", "reason", "due")


def _shown_reason(series: Series, reason: str) -> str:
    """A kept reason as the page shows it: a fixed one in the series' language."""
    return reason_name(translator(series.language), reason)


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(
        text=body, status=status, content_type="text/html", charset="utf-8", headers=_HEADERS
    )


class PageServer:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        settings = self._deps.settings.followup
        server = web.Application(client_max_size=64 * 1024)
        server.router.add_get("/followup/{token}", self._show)
        server.router.add_post("/followup/{token}", self._save)
        server.router.add_get("/health", self._health)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, settings.page_listen, settings.page_port).start()
        log.info("follow-up page listening on %s:%d", settings.page_listen, settings.page_port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _gone(self, status: int = 404) -> web.Response:
        t = translator(self._deps.settings.default_language)
        return _html(followup_page.gone_page(t), status)

    async def _show(self, request: web.Request) -> web.Response:
        view = await followup.open_page(self._deps, request.match_info["token"])
        if view is None:
            log.info("refused a follow-up link that does not work")
            return self._gone()
        try:
            saved = int(request.query.get("saved", ""))
        except ValueError:
            saved = None
        return _html(followup_page.page(translator(view.series.language), view, saved=saved))

    async def _save(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        posted = await request.post()
        fields = {k: v for k, v in posted.items() if isinstance(v, str)}
        outcome = await followup.save(
            self._deps, token, fields.get("form", ""), fields, _shown_reason
        )
        match outcome:
            case None:
                log.warning("refused a follow-up form without a working link and its token")
                return self._gone(403)
            case followup.Saved(proposal_id=proposal):
                log.info("the office saved a proposal's follow-up on its page")
                raise web.HTTPSeeOther(f"?saved={proposal}#p{proposal}", headers=_HEADERS)
            case followup.Rejected(page=view, proposal_id=proposal, problems=problems):
                t = translator(view.series.language)
                # A stale form is shown as it is saved now, not as it was filled in.
                stale = followup.Problem.STALE in problems
                entered = None if stale else {k: fields.get(k, "") for k in _FIELDS}
                body = followup_page.page(
                    t, view, problems=problems, failed=proposal, entered=entered
                )
                return _html(body, 400)

    async def _health(self, request: web.Request) -> web.Response:
        healthy = await self._deps.store.healthy()
        body = {"ok": healthy, "database": "ok" if healthy else "unavailable"}
        return web.json_response(body, status=200 if healthy else 503)
