"""An in-process HTTP server that answers like Telegram's Bot API: the app, its routing and the
checks of every request against the published reference.

The real bot (python-telegram-bot) is pointed at it with ``base_url``; tests drive
simulated users (``sim.py``) and assert on what the bot did. Behaviour that bites in
production (validation, 403s, flood limits, redelivery, long polling) is modelled
faithfully so it shows up in tests first.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from .callbacks import ANSWER_WINDOW, Callbacks
from .chats import Chats
from .failures import FloodLimits
from .files import Files
from .sim import SimGroup, SimUser
from .spec import MethodSpec, methods
from .updates import Updates
from .world import JSON, ApiError, Upload, bad

Handler = Callable[[JSON], Awaitable[Any]]
_INT = re.compile(r"-?\d+")


class LocalBotApi(Updates, Files, Chats, Callbacks):
    """A fake Telegram Bot API server with simulated users, groups and failure injection."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "seminar_demo_bot",
        flood: FloodLimits | None = None,
        *,
        bot_name: str = "Seminar Bot",
        group_privacy: bool = True,
        answer_window: float = ANSWER_WINDOW,
    ) -> None:
        super().__init__(
            token,
            bot_username,
            flood if flood is not None else FloodLimits(),
            bot_name=bot_name,
            group_privacy=group_privacy,
            answer_window=answer_window,
        )
        self._handlers: dict[str, Handler] = {
            name.lower(): getattr(self, f"_m_{name}")
            for name in (
                "getMe",
                "getUpdates",
                "setWebhook",
                "deleteWebhook",
                "getWebhookInfo",
                "logOut",
                "close",
                "setMyCommands",
                "getMyCommands",
                "deleteMyCommands",
                "setMyDescription",
                "getMyDescription",
                "setMyShortDescription",
                "getMyShortDescription",
                "setChatMenuButton",
                "getChatMenuButton",
                "sendMessage",
                "editMessageText",
                "editMessageReplyMarkup",
                "deleteMessage",
                "answerCallbackQuery",
                "sendPhoto",
                "sendDocument",
                "sendChatAction",
                "getChat",
                "getChatMember",
                "getChatAdministrators",
                "leaveChat",
                "getFile",
            )
        }

    # ------------------------------------------------------------------ lifecycle
    async def start(self, port: int = 0) -> str:
        """Start listening on 127.0.0.1; returns the ``base_url`` for python-telegram-bot."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        self._stopping = False
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])
        return self.base_url

    async def stop(self) -> None:
        """Stop the server and the webhook deliverer; safe to call twice."""
        self._stopping = True
        self._updates_signal.notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/bot`` (python-telegram-bot appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:PORT/file/bot`` for downloading files via getFile paths."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ------------------------------------------------------------------ world building
    def user(
        self,
        first_name: str,
        *,
        language_code: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
    ) -> SimUser:
        """Create a simulated user with a fresh id."""
        uid = self._next_user_id
        self._next_user_id += 1
        u = SimUser(
            self,
            uid,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[uid] = u
        return u

    def group(
        self,
        title: str,
        members: list[SimUser] | None = None,
        admins: list[SimUser] | None = None,
        *,
        creator: SimUser | None = None,
        bot_admin: bool = False,
    ) -> SimGroup:
        """Create a supergroup that already contains the bot."""
        gid = self._next_group_id
        self._next_group_id -= 1
        g = SimGroup(self, gid, title, list(members or []), list(admins or []), creator)
        g.bot_is_admin = bot_admin
        self.groups[gid] = g
        return g

    # ------------------------------------------------------------------ HTTP
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if self._outage:
            return _error(ApiError(502, "Bad Gateway"))
        if path.startswith("/file/bot"):
            return self._download(path[len("/file/bot") :])
        if not path.startswith("/bot") or path.count("/") != 2:
            return _error(ApiError(404, "Not Found"))
        token, _, method = path[len("/bot") :].partition("/")
        if token != self.token:
            return _error(ApiError(401, "Unauthorized"))
        spec = methods().get(method.lower())
        if spec is None:
            return _error(ApiError(404, "Not Found"))
        counted = spec.name != "getUpdates"
        if counted:
            self._in_flight += 1
            self._last_activity = time.monotonic()
        try:
            try:
                raw, files = await _read_params(request)
            except ValueError as exc:
                raise bad(str(exc)) from exc
            self.requests.append((spec.name, dict(raw)))
            self.stats.by_method[spec.name] += 1
            await self._intercept(spec.name, raw)
            result = await self._call(spec, raw, files, len(self.requests) - 1)
            if spec.name == "getUpdates" and result:
                self._last_activity = time.monotonic()
            return web.json_response({"ok": True, "result": result})
        except ApiError as exc:
            return _error(exc)
        finally:
            if counted:
                self._in_flight -= 1
                self._last_activity = time.monotonic()

    async def _call(
        self, spec: MethodSpec, raw: JSON, files: dict[str, Upload], request_index: int
    ) -> Any:
        """Apply faults, then validate and run the handler (recording converted params)."""
        faults = self._faults.get(spec.name.lower())
        if faults:
            status, description = faults.pop(0)
            self.stats.faults += 1
            retry_after = None
            if status == 429:
                m = re.search(r"retry after (\d+)", description)
                retry_after = int(m.group(1)) if m else 1
            raise ApiError(status, description, retry_after=retry_after)
        handler = self._handlers.get(spec.name.lower())
        if handler is None:
            raise ApiError(
                501,
                f"Not Implemented: method {spec.name} is not implemented by the local "
                "Bot API test server (localapi)",
            )
        params = _validate(spec, raw, files)
        self.requests[request_index] = (spec.name, params)
        return await handler(params)

    def _download(self, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return _error(ApiError(401, "Unauthorized"))
        fid = self._file_paths.get(file_path)
        if fid is None or fid not in self._files:
            return _error(ApiError(404, "Not Found"))
        data, _name, mime = self._files[fid]
        return web.Response(body=data, content_type=mime)


def _error(exc: ApiError) -> web.Response:
    body: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return web.json_response(body, status=exc.code)


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, Upload]]:
    """Collect parameters from the query string and a form, multipart or JSON body."""
    raw: JSON = dict(request.query)
    files: dict[str, Upload] = {}
    ctype = request.content_type
    if request.method == "POST" and request.can_read_body:
        if ctype == "multipart/form-data":
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = await part.read()
                if part.filename is not None:
                    files[part.name] = Upload(
                        bytes(data), part.filename, part.headers.get("Content-Type")
                    )
                else:
                    raw[part.name] = bytes(data).decode("utf-8")
        elif ctype == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError as exc:
                raise ValueError("can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise ValueError("can't parse JSON object")
            raw.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    raw[key] = value
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8")
                else:
                    files[key] = Upload(value.file.read(), value.filename, value.content_type)
    return raw, files


def _validate(spec: MethodSpec, raw: JSON, files: dict[str, Upload]) -> JSON:
    """Check names, required-ness and types against api.json; return converted values."""
    out: JSON = {}
    for name in raw:
        if name not in spec.params:
            raise bad(f'unknown parameter "{name}"')
    for name, up in files.items():
        if name in spec.params:
            out[name] = up
    for name, param in spec.params.items():
        if name in out:
            continue
        if name not in raw or raw[name] is None:
            if param.required:
                raise bad(f'parameter "{name}" is required')
            continue
        out[name] = _coerce(name, param.types, raw[name], files)
    return out


def _coerce(name: str, types: tuple[str, ...], value: Any, files: dict[str, Upload]) -> Any:
    for t in types:
        ok, converted = _try_type(t, value, files)
        if ok:
            return converted
    raise bad(f'parameter "{name}" must be of type {" or ".join(types)}')


def _try_type(t: str, value: Any, files: dict[str, Upload]) -> tuple[bool, Any]:
    if t == "Integer":
        if isinstance(value, bool):
            return False, None
        if isinstance(value, int):
            return True, value
        if isinstance(value, float) and value.is_integer():
            return True, int(value)
        if isinstance(value, str) and _INT.fullmatch(value.strip()):
            return True, int(value)
        return False, None
    if t == "Float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, float(value)
        if isinstance(value, str):
            try:
                return True, float(value)
            except ValueError:
                return False, None
        return False, None
    if t == "Boolean":
        if isinstance(value, bool):
            return True, value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return True, value.lower() in ("true", "1")
        if isinstance(value, int):
            return True, bool(value)
        return False, None
    if t == "String":
        if isinstance(value, str):
            return True, value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, str(value)
        return False, None
    if t == "InputFile":
        if isinstance(value, str) and value.startswith("attach://"):
            up = files.get(value[len("attach://") :])
            return (True, up) if up is not None else (False, None)
        return False, None
    want: type = list if t.startswith("Array of") else dict
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return False, None
    return (True, value) if isinstance(value, want) else (False, None)
