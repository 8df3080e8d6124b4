"""The aiohttp backend for python-telegram-bot: bodies, files, timeouts and failures as the
library expects them, against a small server on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.http import AiohttpRequest


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, object]]]]:
    seen: list[dict[str, object]] = []

    async def echo(request: web.Request) -> web.Response:
        if request.content_type == "multipart/form-data":
            fields: dict[str, object] = {}
            async for part in await request.multipart():
                data = await part.read()  # type: ignore[union-attr]
                fields[part.name or ""] = (part.filename, bytes(data))  # type: ignore[union-attr]
            seen.append(fields)
        else:
            seen.append({"content_type": request.content_type, "body": await request.json()})
        return web.json_response({"ok": True, "result": True})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/echo", echo)
    app.router.add_post("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


async def test_parameters_go_as_json(server: tuple[str, list[dict[str, object]]]) -> None:
    base, seen = server
    request = AiohttpRequest()
    await request.initialize()
    try:
        data = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input("text", "æøå <b>"),
            ]
        )
        status, body = await request.do_request(f"{base}/echo", "POST", data)
    finally:
        await request.shutdown()
    assert status == 200
    assert json.loads(body) == {"ok": True, "result": True}
    # python-telegram-bot encodes each value on its own, as the Bot API accepts.
    assert seen == [
        {"content_type": "application/json", "body": {"chat_id": "42", "text": "æøå <b>"}}
    ]


async def test_files_go_as_multipart(server: tuple[str, list[dict[str, object]]]) -> None:
    base, seen = server
    request = AiohttpRequest()
    await request.initialize()
    try:
        document = InputFile(b"id;theme\n1;Tid\n", filename="report.csv", attach=True)
        data = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input("document", document),
            ]
        )
        status, _ = await request.do_request(f"{base}/echo", "POST", data)
    finally:
        await request.shutdown()
    assert status == 200
    (fields,) = seen
    assert fields["chat_id"] == (None, b"42")
    assert (document.attach_name or "") in fields
    assert fields[document.attach_name or ""] == ("report.csv", b"id;theme\n1;Tid\n")


async def test_a_slow_answer_is_a_timeout(server: tuple[str, list[dict[str, object]]]) -> None:
    base, _ = server
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}/slow", "POST", RequestData([]))
    finally:
        await request.shutdown()


async def test_no_server_is_a_network_error() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.do_request("http://127.0.0.1:9/echo", "POST", RequestData([]))
    finally:
        await request.shutdown()
