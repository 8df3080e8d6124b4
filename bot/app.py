"""The composition root: builds the store, the application and its handlers, and runs them."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    ExtBot,
    JobQueue,
)

from bot import scheduler
from bot.callbacks import CallbackCodec
from bot.clock import Clock
from bot.config import Secrets, Settings
from bot.flows.deps import Deps
from bot.handlers import table
from bot.handlers import themes as themes_handlers
from bot.handlers.common import BotContext, Menu, Services, reader, send
from bot.http import AiohttpRequest
from bot.i18n import LANGUAGES, translator
from bot.lanes import Lanes
from bot.outbox import Outbox
from bot.page import PageServer
from bot.polling import poll_until
from bot.ratelimit import ChatOrderedLimiter
from bot.render import profile
from bot.render.screens import Screen
from bot.running import hold_database
from bot.sender import Broadcaster
from bot.store import AlreadyHandled, Store
from bot.webhook import WebhookServer, webhook_secret

__all__ = ["build_application", "serve"]


log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]

BotApp = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], JobQueue[BotContext]
]


# The failures of the update handled in this task, as python-telegram-bot reports them to the
# error handler: the update's transaction then rolls back.
_failures: contextvars.ContextVar[list[BaseException]] = contextvars.ContextVar("failures")


class _Failed(Exception):
    """Raised to roll back the transaction of an update whose handling failed."""


def update_handler(app: BotApp, store: Store) -> Callable[[Update], Awaitable[None]]:
    """Each update in one transaction: what it changes, the replies it decides and the record
    that it was handled commit together or not at all; the replies are given after the commit.
    """

    async def handle(update: Update) -> None:
        failures: list[BaseException] = []
        token = _failures.set(failures)
        try:
            async with store.handling(update.update_id) as fresh:
                if not fresh:
                    # Its change and its replies were committed the first time; replies a crash
                    # held back are given from the outbox at start.
                    log.info("skipped an update that was already handled")
                    return
                await app.process_update(update)
                if failures:
                    raise _Failed
        except AlreadyHandled:
            log.info("skipped an update that was handled meanwhile")
        except _Failed:
            # Nothing it did stays, and it is not tried again; the person hears that it failed.
            await store.mark_processed(update.update_id)
            await _apologise(update, BotContext.from_update(update, app))
        finally:
            _failures.reset(token)

    return handle


async def on_error(update: object, context: BotContext) -> None:
    """Logs the failure without its content; an update's transaction then rolls back."""
    error = context.error
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        # The Bot API stayed unreachable through every retry: an outage, not a bug.
        log.warning("handling an update failed: the Bot API did not answer (%s)", error)
    else:
        log.error("handling an update failed: %s", type(error).__name__, exc_info=error)
    failures = _failures.get(None)
    if failures is not None and isinstance(update, Update) and error is not None:
        failures.append(error)


async def _apologise(update: Update, context: BotContext) -> None:
    if update.effective_chat and update.effective_user:
        t = await reader(update, context)
        screen = Screen(t.gettext("Sorry, something went wrong. Please try again."))
        with contextlib.suppress(TelegramError):
            await send(context, update.effective_chat.id, screen)


async def _post_init(app: BotApp) -> None:
    services: Services = app.bot_data["services"]
    services.bot_username = app.bot.username
    for language in LANGUAGES:
        menu = table.menu(Menu.PARTICIPANT, translator(language))
        await app.bot.set_my_commands(menu, language_code=language)
    fallback = services.deps.settings.fallback_language
    await app.bot.set_my_commands(table.menu(Menu.PARTICIPANT, translator(fallback)))
    # The empty chat before START says what the bot is for, in the reader's language.
    for code, language in [*((lang, lang) for lang in LANGUAGES), (None, fallback)]:
        t = translator(language)
        await app.bot.set_my_description(profile.description(t), language_code=code)
        await app.bot.set_my_short_description(profile.short_description(t), language_code=code)


def build_application(settings: Settings, secrets: Secrets, store: Store, clock: Clock) -> BotApp:
    keys = store.keyring
    builder = (
        ApplicationBuilder()
        .token(secrets.bot_token)
        .base_url(f"{settings.api_base_url}/bot")
        .base_file_url(f"{settings.api_base_url}/file/bot")
        .context_types(ContextTypes(context=BotContext))
        # Every call, replies and broadcasts alike, stays under the configured rate, and a
        # 429 is waited out there; what else is retried is said in bot/ratelimit.py.
        .rate_limiter(ChatOrderedLimiter(overall_max_rate=settings.send_rate))
        .updater(None)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
    )
    # The builder cannot infer the custom context class for the job queue; the cast states it.
    app = cast(BotApp, builder.build())
    codec = CallbackCodec(keys)
    broadcaster = Broadcaster(app.bot, store, codec, settings.send_rate)
    outbox = Outbox(app.bot, store, codec)
    if settings.email is not None and secrets.smtp_password:
        # The SMTP password rides with the [email] settings, never in a log (repr=False).
        email = dataclasses.replace(settings.email, password=secrets.smtp_password)
        settings = dataclasses.replace(settings, email=email)
    deps = Deps(store, keys, settings, clock)
    lanes = Lanes(update_handler(app, store), store.may_moderate, table.SHARING)
    app.bot_data["services"] = Services(deps, codec, broadcaster, outbox, lanes, table.menu)
    app.add_handlers(table.handlers(), group=0)
    app.add_error_handler(on_error)
    return app


async def _initialize(app: BotApp) -> None:
    """Waits out a Bot API that is down at start-up instead of giving up."""
    delay = 1.0
    while True:
        try:
            await app.initialize()
            return
        except (NetworkError, TimedOut, RetryAfter) as exc:
            log.warning("Bot API not reachable (%s); retrying in %.0f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)


async def _serve_webhook(
    app: BotApp, settings: Settings, secrets: Secrets, store: Store, stop: asyncio.Event
) -> None:
    secret = webhook_secret(secrets.seminar_secret)
    services: Services = app.bot_data["services"]
    path = urlsplit(settings.webhook_url).path or "/"
    server = WebhookServer(app, store, services.lanes, secret, path)
    await server.start(settings.webhook_listen, settings.webhook_port)
    try:
        await app.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )
        log.info("bot started (webhook)")
        await stop.wait()
    finally:
        await server.stop()


async def serve(settings: Settings, secrets: Secrets, stop: asyncio.Event | None = None) -> None:
    """Runs the bot with long polling until SIGINT/SIGTERM or until `stop` is set."""
    with hold_database(settings.database):
        await _serve(settings, secrets, stop)


async def _serve(settings: Settings, secrets: Secrets, stop: asyncio.Event | None) -> None:
    clock = Clock(settings.clock_file)
    store = await Store.open(settings.database, secrets.seminar_secret, clock=clock.now)
    try:
        app = build_application(settings, secrets, store, clock)
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        await _initialize(app)
        try:
            await _post_init(app)
            await app.start()
            services: Services = app.bot_data["services"]
            await services.outbox.resume()
            await services.broadcaster.resume()
            # Before any new update: the first vote cards a stop cut off after they were due.
            await themes_handlers.send_owed_cards(BotContext(app))
            scheduler.arm(app)
            # The office's follow-up page, in either mode; off without a public address.
            page = PageServer(services.deps) if settings.followup.on else None
            if page is not None:
                await page.start()
            try:
                if settings.mode == "webhook":
                    await _serve_webhook(app, settings, secrets, store, stop)
                else:
                    log.info("bot started (polling)")
                    await poll_until(app, services.lanes, stop, ALLOWED_UPDATES)
            finally:
                if page is not None:
                    await page.stop()
            # The jobs stop first: none starts from now on (stopping alone would cancel one that
            # starts in between), and those running finish while the broadcaster is still there.
            if app.job_queue is not None:
                app.job_queue.scheduler.pause()
                await app.job_queue.stop(wait=True)
            await services.broadcaster.stop()
            await app.stop()
        finally:
            await app.shutdown()
    finally:
        await store.close()
    log.info("bot stopped")
