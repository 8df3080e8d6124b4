"""Webhook mode: the local Bot API posts updates to the bot, which checks the secret token."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
from harness import BotProcess, answer, button, create_seminar, has_button, join

from localapi import LocalBotApi


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_round_over_the_webhook(api: LocalBotApi, tmp_path: Path) -> None:
    port = free_port()
    public = "https://seminar.example.org:8443/telegram-updates"
    url = f"http://127.0.0.1:{port}/telegram-updates"
    api.reverse_proxy("https://seminar.example.org:8443", f"http://127.0.0.1:{port}")
    bot = BotProcess(
        api,
        tmp_path,
        telegram={"mode": '"webhook"', "webhook_url": f'"{public}"', "webhook_port": port},
    )
    await bot.start()
    try:
        assert api.webhook_url == public
        assert api.webhook_secret
        mona = api.user("Mona", language_code="nb")
        code = await create_seminar(mona)
        kari = api.user("Kari", language_code="nb")
        await join(kari, code, "nb")
        await mona.send("/open")
        await kari.wait_for(has_button(button("nb", "Next question ▶")))
        await answer(kari, "Levert med webhook")

        async with aiohttp.ClientSession() as session:
            forged = {"update_id": 1, "message": {"message_id": 1, "date": 0,
                      "chat": {"id": kari.id, "type": "private"}, "text": "smuglet inn"}}  # fmt: skip
            async with session.post(url, json=forged) as response:
                assert response.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with session.post(url, json=forged, headers=headers) as response:
                assert response.status == 403
            async with session.get(f"http://127.0.0.1:{port}/health") as response:
                assert response.status == 200
                assert (await response.json())["ok"] is True

        # Killed and back: updates that came meanwhile are delivered once it listens again.
        await bot.kill()
        await kari.send("Skrevet mens boten var borte")
        await bot.restart()
        await kari.wait_for(lambda m: "Skrevet mens boten var borte" in m.text, timeout=20)
        texts = sorted(str(r[0]) for r in bot.query("SELECT text FROM notes"))
        assert texts == ["Levert med webhook", "Skrevet mens boten var borte"]
    finally:
        await bot.stop()
    bot.assert_clean_logs()


async def _raw_post(port: int, secret_header: bytes) -> int:
    """Posts a forged update with this exact header value, byte for byte; returns the status."""
    body = b'{"update_id": 1}'
    request = (
        b"POST /telegram-updates HTTP/1.1\r\n"
        b"Host: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        b"Connection: close\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: " + secret_header + b"\r\n"
        b"\r\n" + body
    )
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        response = await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    return int(response.split(b" ", 2)[1])


async def test_a_malformed_secret_token_is_refused_quietly(
    api: LocalBotApi, tmp_path: Path
) -> None:
    """Whatever bytes the header holds, the request is refused as a wrong token is: 403, and
    no ERROR or traceback in the log (anyone on the internet can send such a request)."""
    port = free_port()
    public = "https://seminar.example.org:8443/telegram-updates"
    api.reverse_proxy("https://seminar.example.org:8443", f"http://127.0.0.1:{port}")
    bot = BotProcess(
        api,
        tmp_path,
        telegram={"mode": '"webhook"', "webhook_url": f'"{public}"', "webhook_port": port},
    )
    await bot.start()
    try:
        right = api.webhook_secret.encode("ascii")
        for value in (
            b"wrong",
            "café".encode(),  # UTF-8, not ASCII
            "☃".encode(),
            b"caf\xe9",  # Latin-1, not UTF-8
            b"\xff\xfe\xfd",  # neither
            b"\xc3(",  # broken UTF-8
            right[:-1] + "é".encode(),  # the right length, one letter off
            right + b"\xe9",
        ):
            assert await _raw_post(port, value) == 403, value
        # Bytes that are not allowed in a header at all: a bad request, refused as quietly.
        for value in (b"\x01" + right, right + b"\x7f"):
            assert await _raw_post(port, value) == 400, value
        # The bot goes on working.
        assert await _raw_post(port, b"") == 403
        mona = api.user("Mona", language_code="nb")
        await create_seminar(mona)
    finally:
        await bot.stop()
    assert "level=WARNING" in bot.log_text
    bot.assert_clean_logs()
