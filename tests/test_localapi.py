"""Tests for the local Bot API test double (localapi), without a real bot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from localapi import (
    BotMessage,
    EntityParseError,
    Event,
    FloodLimits,
    LocalBotApi,
    parse_html,
    utf16_len,
)

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    # The double's own tests call it faster than Telegram allows; the flood tests below make
    # their own limits.
    server = LocalBotApi(token=TOKEN, bot_username="seminar_demo_bot", flood=FloodLimits.off())
    await server.start(port=0)
    yield server
    await server.stop()


@pytest.fixture
async def client(api: LocalBotApi) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{api.port}", timeout=20) as c:
        yield c


async def call(
    client: httpx.AsyncClient, method: str, token: str = TOKEN, **params: Any
) -> tuple[int, dict[str, Any]]:
    """Encode like python-telegram-bot: strings as-is, everything else JSON."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    resp = await client.post(f"/bot{token}/{method}", data=form)
    return resp.status_code, resp.json()


async def ok(client: httpx.AsyncClient, method: str, **params: Any) -> Any:
    status, body = await call(client, method, **params)
    assert status == 200, body
    assert body["ok"] is True
    return body["result"]


async def err(client: httpx.AsyncClient, method: str, **params: Any) -> tuple[int, str]:
    status, body = await call(client, method, **params)
    assert body["ok"] is False
    assert body["error_code"] == status
    return status, body["description"]


# ---------------------------------------------------------------- HTML parsing
def test_html_simple_and_nested() -> None:
    text, ents = parse_html(
        "<b>bold <i>both</i></b> plain <a href='https://x.y/?a=1&amp;b=2'>l</a>"
    )
    assert text == "bold both plain l"
    assert ents == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
        {"type": "text_link", "offset": 16, "length": 1, "url": "https://x.y/?a=1&b=2"},
    ]


def test_html_all_tags() -> None:
    src = (
        "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>"
        '<span class="tg-spoiler">h</span><tg-spoiler>i</tg-spoiler><code>j</code>'
        '<pre><code class="language-python">k</code></pre><blockquote>l</blockquote>'
        '<blockquote expandable>m</blockquote><tg-emoji emoji-id="5368324170671202286">👍'
        "</tg-emoji>"
    )
    text, ents = parse_html(src)
    assert text == "abcdefghijklm👍"
    types = [e["type"] for e in ents]
    assert types == [
        "bold",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "pre",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert ents[10]["language"] == "python"
    assert ents[13] == {
        "type": "custom_emoji",
        "offset": 13,
        "length": 2,
        "custom_emoji_id": "5368324170671202286",
    }


def test_html_entities_and_bare_chars() -> None:
    text, ents = parse_html("a &lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; AT&T x > y")
    assert text == 'a <b> & "q" AB AT&T x > y'
    assert ents == []


def test_html_utf16_offsets() -> None:
    text, ents = parse_html("😀 <b>x😀y</b>")
    assert text == "😀 x😀y"
    assert ents == [{"type": "bold", "offset": 3, "length": 4}]
    assert utf16_len(text) == 7


@pytest.mark.parametrize(
    ("src", "fragment"),
    [
        ("hello <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("text</b>", "Unexpected end tag at byte offset 4"),
        ("<b>x</i>", "Unmatched end tag"),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ("<br/>", 'Unsupported start tag "br"'),
    ],
)
def test_html_errors(src: str, fragment: str) -> None:
    with pytest.raises(EntityParseError, match=None) as info:
        parse_html(src)
    assert fragment in str(info.value)


def test_html_byte_offsets_count_utf8() -> None:
    with pytest.raises(EntityParseError) as info:
        parse_html("æøå <x>")
    assert "at byte offset 7" in str(info.value)


# ---------------------------------------------------------------- protocol
async def test_get_me_and_auth(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    me = await ok(client, "getMe")
    assert me["id"] == 123456
    assert me["is_bot"] is True
    assert me["username"] == "seminar_demo_bot"
    assert me["can_read_all_group_messages"] is False
    assert await ok(client, "GETME") == me  # method names are case-insensitive
    status, body = await call(client, "getMe", token="123456:WRONG")
    assert (status, body["description"]) == (401, "Unauthorized")


async def test_unknown_method_param_and_missing(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    assert await err(client, "sendTelepathy") == (404, "Not Found")
    alice = api.user("Alice")
    await alice.send("/start")
    assert await err(client, "sendMessage", chat_id=alice.id, text="x", colour="red") == (
        400,
        'Bad Request: unknown parameter "colour"',
    )
    assert await err(client, "sendMessage", chat_id=alice.id) == (
        400,
        'Bad Request: parameter "text" is required',
    )
    status, desc = await err(client, "sendMessage", chat_id=alice.id, text="x", reply_markup="{")
    assert status == 400
    assert "reply_markup" in desc
    status, desc = await err(client, "sendMessage", chat_id="abc", text="x")
    assert (status, desc) == (400, "Bad Request: chat not found")
    status, desc = await err(client, "sendPoll", chat_id=alice.id, question="q", options=[])
    assert status == 501
    assert "not implemented by the local" in desc


async def test_json_and_query_bodies(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    await alice.send("hi")
    resp = await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": alice.id, "text": "j"})
    assert resp.json()["result"]["text"] == "j"
    resp = await client.get(f"/bot{TOKEN}/sendMessage", params={"chat_id": alice.id, "text": "q"})
    assert resp.json()["result"]["text"] == "q"
    assert [m.text for m in alice.inbox] == ["j", "q"]


async def test_text_limits(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    await ok(client, "sendMessage", chat_id=alice.id, text="a" * 4096)
    assert await err(client, "sendMessage", chat_id=alice.id, text="a" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    # limit applies after entity parsing ...
    await ok(
        client, "sendMessage", chat_id=alice.id, text="<b>" + "a" * 4096 + "</b>", parse_mode="HTML"
    )
    # ... and counts UTF-16 code units
    assert (await err(client, "sendMessage", chat_id=alice.id, text="😀" * 2049))[0] == 400
    assert await err(
        client, "sendMessage", chat_id=alice.id, text="<b></b>", parse_mode="HTML"
    ) == (400, "Bad Request: message text is empty")
    assert await err(client, "sendMessage", chat_id=alice.id, text="<foo>", parse_mode="HTML") == (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
    )


async def test_html_message_stored(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    msg = await ok(
        client, "sendMessage", chat_id=alice.id, text="<b>Hi</b> 😀 you", parse_mode="HTML"
    )
    assert msg["text"] == "Hi 😀 you"
    assert msg["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert msg["from"]["is_bot"] is True
    assert msg["chat"] == {"id": alice.id, "type": "private", "first_name": "Alice"}
    got = await alice.next_message(timeout=1)
    assert got.text == "Hi 😀 you"
    assert got.html == "<b>Hi</b> 😀 you"
    assert got.message_id == msg["message_id"] == 2  # /start was message 1


def _kb(*rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"inline_keyboard": list(rows)}


async def test_button_validation(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    await ok(
        client,
        "sendMessage",
        chat_id=alice.id,
        text="x",
        reply_markup=_kb([{"text": "ok", "callback_data": "d" * 64}]),
    )
    await ok(
        client,
        "sendMessage",
        chat_id=alice.id,
        text="x",
        reply_markup=_kb([{"text": "ok", "callback_data": "æ" * 32}]),
    )
    for data in ("d" * 65, "æ" * 33, ""):
        assert await err(
            client,
            "sendMessage",
            chat_id=alice.id,
            text="x",
            reply_markup=_kb([{"text": "b", "callback_data": data}]),
        ) == (
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        )
    assert (
        await err(
            client,
            "sendMessage",
            chat_id=alice.id,
            text="x",
            reply_markup=_kb([{"text": "", "callback_data": "a"}]),
        )
    )[0] == 400
    assert (
        await err(
            client,
            "sendMessage",
            chat_id=alice.id,
            text="x",
            reply_markup=_kb([{"text": "no action"}]),
        )
    )[0] == 400
    assert (
        await err(
            client,
            "sendMessage",
            chat_id=alice.id,
            text="x",
            reply_markup=_kb([{"text": "t", "callback_data": "a", "url": "https://e.x"}]),
        )
    )[0] == 400
    many = [[{"text": str(i), "callback_data": str(i)}] for i in range(101)]
    assert (
        await err(
            client,
            "sendMessage",
            chat_id=alice.id,
            text="x",
            reply_markup={"inline_keyboard": many},
        )
    )[0] == 400
    assert len(alice.inbox) == 2


async def test_forbidden_and_blocked(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    assert await err(client, "sendMessage", chat_id=alice.id, text="hi") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    await alice.send("/start")
    await ok(client, "sendMessage", chat_id=alice.id, text="hi")
    alice.block()
    assert await err(client, "sendMessage", chat_id=alice.id, text="hi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    assert any("my_chat_member" in u for u in api.pending_updates)
    alice.unblock()
    await ok(client, "sendMessage", chat_id=alice.id, text="hi again")
    assert await err(client, "sendMessage", chat_id=999, text="hi") == (
        400,
        "Bad Request: chat not found",
    )


# ---------------------------------------------------------------- flood control
async def test_flood_private_burst_and_recovery(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    api.flood = FloodLimits(private_burst=3, private_rate=4.0)
    alice = api.user("Alice")
    await alice.send("/start")
    for i in range(3):
        await ok(client, "sendMessage", chat_id=alice.id, text=f"m{i}")
    status, body = await call(client, "sendMessage", chat_id=alice.id, text="too much")
    assert status == 429
    assert body["parameters"] == {"retry_after": 1}
    assert body["description"] == "Too Many Requests: retry after 1"
    assert api.stats.rate_limited == 1
    assert [m.text for m in alice.inbox] == ["m0", "m1", "m2"]  # not applied
    # answerCallbackQuery / getMe are not counted
    await ok(client, "getMe")
    await asyncio.sleep(0.3)
    await ok(client, "sendMessage", chat_id=alice.id, text="later")
    # other chats have their own bucket
    bob = api.user("Bob")
    await bob.send("/start")
    await ok(client, "sendMessage", chat_id=bob.id, text="hello bob")


async def test_flood_group_per_minute(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    api.flood = FloodLimits()
    alice = api.user("Alice")
    g = api.group("Room", members=[alice])
    for i in range(20):
        await ok(client, "sendMessage", chat_id=g.id, text=f"g{i}")
    status, body = await call(client, "sendMessage", chat_id=g.id, text="x")
    assert status == 429
    assert body["parameters"]["retry_after"] == 3
    # edits count in the chat bucket too
    status, _ = await call(client, "editMessageText", chat_id=g.id, message_id=1, text="y")
    assert status == 429
    assert api.stats.rate_limited == 2


# ---------------------------------------------------------------- updates
async def test_long_poll_confirm_and_redelivery(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice = api.user("Alice", language_code="nb", username="alice")
    poll = asyncio.create_task(ok(client, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    loop = asyncio.get_running_loop()
    started = loop.time()
    sent = await alice.send("/start abc")
    updates = await poll
    assert loop.time() - started < 1.0
    assert len(updates) == 1
    u = updates[0]
    assert u["update_id"] >= 100000
    assert u["message"] == sent
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert sent["from"]["language_code"] == "nb"
    # not confirmed yet: redelivered (e.g. after a crash)
    again = await ok(client, "getUpdates", timeout=0)
    assert again == updates
    await alice.send("second")
    both = await ok(client, "getUpdates", offset=u["update_id"], limit=1)
    assert [x["update_id"] for x in both] == [u["update_id"]]
    rest = await ok(client, "getUpdates", offset=u["update_id"] + 1, timeout=0)
    assert [x["message"]["text"] for x in rest] == ["second"]
    assert rest[0]["update_id"] == u["update_id"] + 1
    assert await ok(client, "getUpdates", offset=rest[0]["update_id"] + 1, timeout=0) == []
    assert api.pending_updates == []
    await api.wait_idle(quiet=0.05, timeout=2)


async def test_long_poll_times_out_empty(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await ok(client, "getUpdates", timeout=1) == []
    assert 0.9 < loop.time() - started < 2.0


async def test_user_message_kinds(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    await alice.send_sticker()
    await alice.send_photo(caption="look")
    await alice.send_voice()
    await alice.send_document()
    fwd = await alice.send_forwarded("quoted", from_name="Bob")
    first = await alice.send("hello")
    await alice.edit(first["message_id"], "hello, edited")
    updates = await ok(client, "getUpdates")
    kinds = [
        next(k for k in u["message"] if k in ("sticker", "photo", "voice", "document", "text"))
        for u in updates[:6]
    ]
    assert kinds == ["sticker", "photo", "voice", "document", "text", "text"]
    assert fwd["forward_origin"]["type"] == "hidden_user"
    assert fwd["forward_origin"]["sender_user_name"] == "Bob"
    assert updates[-1]["edited_message"]["text"] == "hello, edited"
    assert "edit_date" in updates[-1]["edited_message"]
    file_id = updates[3]["message"]["document"]["file_id"]
    info = await ok(client, "getFile", file_id=file_id)
    resp = await client.get(f"/file/bot{TOKEN}/{info['file_path']}")
    assert resp.content == b"%PDF-1.4 sim"


# ---------------------------------------------------------------- buttons and edits
async def test_press_and_answer_callback(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    msg = await ok(
        client,
        "sendMessage",
        chat_id=alice.id,
        text="Pick",
        reply_markup=_kb(
            [{"text": "Yes", "callback_data": "y"}, {"text": "Site", "url": "https://example.org"}]
        ),
    )
    bm = await alice.next_message(timeout=1)
    assert bm.buttons == [[("Yes", "y"), ("Site", "https://example.org")]]
    assert bm.button_labels() == ["Yes", "Site"]
    with pytest.raises(LookupError):
        await alice.press(bm, "No")
    with pytest.raises(LookupError):
        await alice.press(bm, "Site")
    qid = await alice.press(msg, "Yes")
    updates = await ok(client, "getUpdates")
    cq = updates[-1]["callback_query"]
    assert cq["id"] == qid
    assert cq["data"] == "y"
    assert cq["message"]["message_id"] == msg["message_id"]
    assert cq["from"]["id"] == alice.id
    await ok(client, "answerCallbackQuery", callback_query_id=qid, text="Saved")
    assert alice.toasts == ["Saved"]
    assert await err(client, "answerCallbackQuery", callback_query_id=qid) == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    assert (await err(client, "answerCallbackQuery", callback_query_id="nope"))[0] == 400
    forged = await alice.press_data(bm, "admin:delete_all")
    q = await ok(client, "getUpdates", offset=updates[-1]["update_id"] + 1)
    assert q[0]["callback_query"]["data"] == "admin:delete_all"
    assert q[0]["callback_query"]["id"] == forged
    status, _ = await call(client, "answerCallbackQuery", callback_query_id=forged, text="x" * 201)
    assert status == 400


async def test_edit_message_text(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    kb = _kb([{"text": "A", "callback_data": "a"}])
    msg = await ok(
        client,
        "sendMessage",
        chat_id=alice.id,
        text="<b>v1</b>",
        parse_mode="HTML",
        reply_markup=kb,
    )
    mid = msg["message_id"]
    first = await alice.next_message(timeout=1)
    status, desc = await err(
        client,
        "editMessageText",
        chat_id=alice.id,
        message_id=mid,
        text="<b>v1</b>",
        parse_mode="HTML",
        reply_markup=kb,
    )
    assert status == 400
    assert desc.startswith("Bad Request: message is not modified")
    # same text, but dropping the markup is a modification
    edited = await ok(client, "editMessageText", chat_id=alice.id, message_id=mid, text="v2")
    assert edited["text"] == "v2"
    assert "reply_markup" not in edited
    assert "edit_date" in edited
    ev = await alice.wait_for(lambda m: m.text == "v2", timeout=1)
    assert ev is first
    assert first.edited == 1
    assert first.buttons == []
    assert len(alice.inbox) == 1
    await ok(client, "editMessageReplyMarkup", chat_id=alice.id, message_id=mid, reply_markup=kb)
    assert first.button_labels() == ["A"]
    assert await err(client, "editMessageText", chat_id=alice.id, message_id=999, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert (await err(client, "editMessageText", chat_id=alice.id, message_id=1, text="x"))[
        1
    ] == "Bad Request: message can't be edited"
    assert await ok(client, "deleteMessage", chat_id=alice.id, message_id=mid) is True
    assert first.deleted
    assert await err(client, "deleteMessage", chat_id=alice.id, message_id=mid) == (
        400,
        "Bad Request: message to delete not found",
    )
    with pytest.raises(LookupError):
        await alice.press(first, "A")


async def test_wait_for_timeout_shows_transcript(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    await ok(client, "sendMessage", chat_id=alice.id, text="Welcome!")
    with pytest.raises(TimeoutError) as info:
        await alice.wait_for(lambda m: "saved" in m.text, timeout=0.2)
    assert "Welcome!" in str(info.value)
    assert "/start" in str(info.value)
    # the cursor moved past the non-matching message; drain keeps later waits fresh
    await ok(client, "sendMessage", chat_id=alice.id, text="one")
    alice.drain()
    waiter = asyncio.create_task(alice.next_message(timeout=2))
    await asyncio.sleep(0.05)
    await ok(client, "sendMessage", chat_id=alice.id, text="two")
    assert (await waiter).text == "two"


# ---------------------------------------------------------------- faults
async def test_fail_next_and_outage(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    api.fail_next("sendMessage", status=500, count=2)
    for _ in range(2):
        assert await err(client, "sendMessage", chat_id=alice.id, text="x") == (
            500,
            "Internal Server Error",
        )
    await ok(client, "sendMessage", chat_id=alice.id, text="x")
    assert [m.text for m in alice.inbox] == ["x"]
    api.fail_next("editMessageText", status=429, description="Too Many Requests: retry after 7")
    status, body = await call(client, "editMessageText", chat_id=alice.id, message_id=2, text="y")
    assert (status, body["parameters"]) == (429, {"retry_after": 7})
    assert alice.inbox[0].text == "x"
    poll = asyncio.create_task(call(client, "getUpdates", offset=10**9, timeout=5))
    await asyncio.sleep(0.1)
    api.set_outage(True)
    status, body = await poll
    assert (status, body["description"]) == (502, "Bad Gateway")
    assert await err(client, "getMe") == (502, "Bad Gateway")
    api.set_outage(False)
    await ok(client, "getMe")
    assert api.stats.by_method["sendMessage"] == 3


# ---------------------------------------------------------------- planned crashes
async def test_crash_at_the_first_call_an_update_causes(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice, bob = api.user("Alice"), api.user("Bob")
    await alice.send("/start")
    await bob.send("/start")
    await ok(client, "getUpdates", offset=api.next_update_id)  # both confirmed
    crashed: list[str] = []

    async def crash() -> None:
        await asyncio.sleep(0.01)  # a coroutine is awaited before the call is answered
        crashed.append("killed")

    point = api.crash_at_caused_call(api.next_update_id, crash)
    # Before the update exists or is handed out, calls to its chat do not count.
    await ok(client, "sendMessage", chat_id=alice.id, text="before")
    await alice.send("Min lapp")
    await ok(client, "sendMessage", chat_id=alice.id, text="still before")
    (update,) = await ok(client, "getUpdates")
    assert update["message"]["text"] == "Min lapp"
    # Calls that concern somebody else's chat, or another query, are not caused by it.
    await ok(client, "sendMessage", chat_id=bob.id, text="to Bob")
    await err(client, "answerCallbackQuery", callback_query_id="123")
    assert not point.fired
    # The first call to Alice's chat: the crash, and the call is not applied.
    status, body = await call(client, "sendMessage", chat_id=alice.id, text="✓ Min lapp")
    assert (status, body["description"]) == (502, "Bad Gateway")
    method, params = await point.wait(timeout=1)
    assert method == "sendMessage"
    assert params["text"] == "✓ Min lapp"
    assert crashed == ["killed"]
    assert [m.text for m in alice.inbox] == ["before", "still before"]
    assert api.crash_points == []
    # Handed out, never confirmed: the bot that comes back gets it again.
    (again,) = await ok(client, "getUpdates")
    assert again == update
    assert api.handed_out[update["update_id"]] == 2
    await ok(client, "sendMessage", chat_id=alice.id, text="✓ Min lapp")  # fired once only
    assert [m.text for m in alice.inbox][-1] == "✓ Min lapp"


async def test_crash_at_the_answer_to_a_press_and_at_the_nth_call(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    card = await ok(
        client,
        "sendMessage",
        chat_id=alice.id,
        text="Kort",
        reply_markup=_kb([{"text": "+1", "callback_data": "dot:1"}]),
    )
    await ok(client, "getUpdates", offset=api.next_update_id)
    crashes: list[str] = []
    point = api.crash_at_caused_call(api.next_update_id, lambda: crashes.append("press"))
    query_id = await alice.press(card, "+1")
    (update,) = await ok(client, "getUpdates")
    assert update["callback_query"]["id"] == query_id
    status, _ = await call(client, "answerCallbackQuery", callback_query_id=query_id, text="OK")
    assert status == 502
    assert (await point.wait(timeout=1))[0] == "answerCallbackQuery"
    assert crashes == ["press"]
    assert alice.toasts == []  # not applied: the query can still be answered
    await ok(client, "answerCallbackQuery", callback_query_id=query_id, text="OK")
    assert alice.toasts == ["OK"]

    # A crash point made after the update was handed out watches it from then on.
    query_id = await alice.press(card, "+1")
    (update,) = await ok(client, "getUpdates", offset=update["update_id"] + 1)
    late = api.crash_at_caused_call(update["update_id"], lambda: crashes.append("late"))
    await call(client, "editMessageText", chat_id=alice.id, message_id=card["message_id"], text="●")
    assert crashes == ["press", "late"]
    assert late.fired

    # The third sendMessage from now, whoever it goes to, as in the middle of a broadcast.
    third = api.crash_at_call("sendMessage", 3, lambda: crashes.append("third"))
    for n in range(1, 5):
        status, _ = await call(client, "sendMessage", chat_id=alice.id, text=f"Melding {n}")
        assert status == (502 if n == 3 else 200)
    await third.wait(timeout=1)
    assert crashes == ["press", "late", "third"]
    assert [m.text for m in alice.inbox][-3:] == ["Melding 1", "Melding 2", "Melding 4"]
    # One that never fires can be taken back.
    never = api.crash_at_call("sendPhoto", 1, lambda: crashes.append("never"))
    api.disarm(never)
    assert api.crash_points == []
    with pytest.raises(TimeoutError, match="call 1 of sendPhoto"):
        await never.wait(timeout=0.05)


async def test_an_update_delivered_twice_before_it_is_confirmed(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice = api.user("Alice")
    queued: list[dict[str, Any]] = []
    api.on_update(queued.append)
    expected = api.next_update_id
    await alice.send("Samme lapp")
    assert [u["update_id"] for u in queued] == [expected]
    (first,) = await ok(client, "getUpdates", timeout=0)
    assert first == queued[0]
    api.redeliver(first["update_id"])
    assert await ok(client, "getUpdates", timeout=0) == [first, first]
    assert api.handed_out[first["update_id"]] == 3  # every copy handed out counts
    await ok(client, "getUpdates", offset=first["update_id"] + 1, timeout=0)
    assert api.pending_updates == []
    api.redeliver(first["update_id"])  # confirmed, and again, as after a crash
    assert await ok(client, "getUpdates", timeout=0) == [first]
    assert len(queued) == 1, "a redelivery is no new update"


# ---------------------------------------------------------------- groups
async def test_group_privacy_members_and_anonymous(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice, bob, carol = api.user("Alice"), api.user("Bob"), api.user("Carol")
    g = api.group("Plenary room", members=[alice, bob], admins=[alice])
    assert g.id < 0
    await g.send(bob, "just chatting")  # privacy mode: not delivered
    await g.send(alice, "/bind@some_other_bot")  # addressed to another bot: not delivered
    await g.send(alice, "/bind@seminar_demo_bot")
    await g.send_as_chat("/bind")
    updates = await ok(client, "getUpdates")
    assert [u["message"]["text"] for u in updates] == ["/bind@seminar_demo_bot", "/bind"]
    anon = updates[1]["message"]
    assert anon["from"]["id"] == 1087968824
    assert anon["sender_chat"]["id"] == g.id
    assert updates[0]["message"]["chat"]["type"] == "supergroup"
    statuses = {
        u.first_name: (await ok(client, "getChatMember", chat_id=g.id, user_id=u.id))["status"]
        for u in (alice, bob, carol)
    }
    assert statuses == {"Alice": "administrator", "Bob": "member", "Carol": "left"}
    admins = await ok(client, "getChatAdministrators", chat_id=g.id)
    assert [a["user"]["id"] for a in admins] == [alice.id]
    sent = await ok(client, "sendMessage", chat_id=g.id, text="Bound")
    assert (await g.next_message(timeout=1)).text == "Bound"
    assert sent["message_id"] == 5  # group messages share the id sequence
    assert await ok(client, "leaveChat", chat_id=g.id) is True
    assert (await err(client, "sendMessage", chat_id=g.id, text="x"))[0] == 403


async def test_commands_and_misc(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    cmds = [{"command": "start", "description": "Begin"}]
    await ok(client, "setMyCommands", commands=cmds)
    await ok(
        client,
        "setMyCommands",
        commands=[{"command": "hjelp", "description": "Hjelp"}],
        language_code="nb",
    )
    assert await ok(client, "getMyCommands") == cmds
    assert (await ok(client, "getMyCommands", language_code="nb"))[0]["command"] == "hjelp"
    assert (
        await err(client, "setMyCommands", commands=[{"command": "Bad-Name", "description": "x"}])
    )[0] == 400
    await ok(client, "deleteMyCommands")
    assert await ok(client, "getMyCommands") == []
    await ok(client, "setMyDescription", description="A seminar bot")
    await ok(client, "setMyShortDescription", short_description="Seminar")
    await ok(client, "setChatMenuButton", menu_button={"type": "commands"})
    alice = api.user("Alice")
    await alice.send("hi")
    assert await ok(client, "sendChatAction", chat_id=alice.id, action="typing") is True
    assert (await ok(client, "getChat", chat_id=alice.id))["type"] == "private"
    info = await ok(client, "getWebhookInfo")
    assert info["url"] == ""


async def test_events_and_wait_idle(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    events: list[Event] = []
    api.on_event(events.append)
    alice = api.user("Alice")
    await alice.send("/start")
    updates = await ok(client, "getUpdates")
    await ok(client, "sendMessage", chat_id=alice.id, text="Hi Alice")
    await ok(client, "getUpdates", offset=updates[-1]["update_id"] + 1, timeout=0)
    await api.wait_idle(quiet=0.1, timeout=2)
    assert [(e.kind, e.actor, e.text) for e in events] == [
        ("user_message", "Alice", "/start"),
        ("bot_message", "seminar_demo_bot", "Hi Alice"),
    ]
    assert ("sendMessage", {"chat_id": alice.id, "text": "Hi Alice"}) in api.requests
    await alice.send("unconfirmed")
    with pytest.raises(TimeoutError):
        await api.wait_idle(quiet=0.05, timeout=0.3)


async def _hook_server(
    handler: Any,
) -> tuple[Any, int]:
    from aiohttp import web

    app = web.Application()
    app.router.add_post("/hook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, int(runner.addresses[0][1])


async def test_webhook_delivery(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    from aiohttp import web

    received: list[tuple[dict[str, Any], str | None]] = []
    fail_first = [True]

    async def hook(request: web.Request) -> web.Response:
        if fail_first[0]:
            fail_first[0] = False
            return web.Response(status=500)
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response(text="ok")

    runner, port = await _hook_server(hook)
    try:
        api.reverse_proxy("https://bot.example.org", f"http://127.0.0.1:{port}")
        await ok(client, "setWebhook", url="https://bot.example.org/hook", secret_token="s3")
        assert await err(client, "getUpdates") == (
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
            "to delete the webhook first",
        )
        alice = api.user("Alice")
        await alice.send("/start")
        await api.wait_idle(quiet=0.05, timeout=5)
        assert len(received) == 1
        assert received[0][0]["message"]["text"] == "/start"
        assert received[0][1] == "s3"
        # Refused once, then taken: the update was handed out twice.
        assert api.handed_out[received[0][0]["update_id"]] == 2
        info = await ok(client, "getWebhookInfo")
        assert info["url"] == "https://bot.example.org/hook"
        assert info["last_error_message"] == "Wrong response from the webhook: 500"
        await ok(client, "deleteWebhook", drop_pending_updates=True)
        assert await ok(client, "getUpdates") == []
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("url", "description"),
    [
        ("http://bot.example.org/hook", "An HTTPS URL must be provided for webhook"),
        (
            "https://bot.example.org:8080/hook",
            "Webhook can be set up only on ports 80, 88, 443 or 8443",
        ),
        ("https://127.0.0.1:8443/hook", "IP address 127.0.0.1 is reserved"),
        ("https://10.0.0.7/hook", "IP address 10.0.0.7 is reserved"),
        ("https:///hook", "Failed to resolve host"),
    ],
)
async def test_set_webhook_refuses_what_telegram_refuses(
    api: LocalBotApi, client: httpx.AsyncClient, url: str, description: str
) -> None:
    status, text = await err(client, "setWebhook", url=url)
    assert status == 400
    assert text.startswith("Bad Request: bad webhook: " + description)
    assert api.webhook_url == ""


@pytest.mark.parametrize("port", [80, 88, 443, 8443])
async def test_set_webhook_takes_telegrams_four_ports(
    api: LocalBotApi, client: httpx.AsyncClient, port: int
) -> None:
    await ok(client, "setWebhook", url=f"https://bot.example.org:{port}/hook")
    assert api.webhook_url == f"https://bot.example.org:{port}/hook"
    await ok(client, "deleteWebhook")


async def test_webhook_sends_chats_side_by_side_and_each_chat_in_order(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    from aiohttp import web

    open_now: list[int] = []
    most_open = [0]
    arrived: dict[int, list[str]] = {}
    overlapping_in_one_chat: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        if chat in open_now:
            overlapping_in_one_chat.append(chat)
        open_now.append(chat)
        most_open[0] = max(most_open[0], len(open_now))
        await asyncio.sleep(0.05)
        arrived.setdefault(chat, []).append(update["message"]["text"])
        open_now.remove(chat)
        return web.Response(text="ok")

    runner, port = await _hook_server(hook)
    try:
        api.reverse_proxy("https://bot.example.org:8443", f"http://127.0.0.1:{port}")
        await ok(client, "setWebhook", url="https://bot.example.org:8443/hook", max_connections=3)
        assert (await ok(client, "getWebhookInfo"))["max_connections"] == 3
        people = [api.user(f"P{i}") for i in range(6)]
        # Each person sends all four at once: the later three queue behind the first.
        for person in people:
            for turn in range(4):
                await person.send(f"{person.name} {turn}")
        await api.wait_idle(quiet=0.1, timeout=10)
        assert most_open[0] == 3
        assert overlapping_in_one_chat == []
        for person in people:
            assert arrived[person.id] == [f"{person.name} {turn}" for turn in range(4)]
    finally:
        await runner.cleanup()


async def test_only_who_sees_a_message_can_press_its_buttons(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice, bob, carol = api.user("Alice"), api.user("Bob"), api.user("Carol")
    await alice.send("/start")
    keyboard = _kb([{"text": "Yes", "callback_data": "y"}])
    mine = await ok(client, "sendMessage", chat_id=alice.id, text="Pick", reply_markup=keyboard)
    with pytest.raises(PermissionError, match="Bob cannot see message"):
        await bob.press(mine, "Yes")
    with pytest.raises(PermissionError):
        await bob.press_data(mine, "y")
    group = api.group("Plenum", members=[alice, bob])
    posted = await ok(client, "sendMessage", chat_id=group.id, text="Vote", reply_markup=keyboard)
    await bob.press(posted, "Yes")
    with pytest.raises(PermissionError, match="Carol cannot see message"):
        await carol.press(posted, "Yes")
    group.remove(bob)
    with pytest.raises(PermissionError):
        await bob.press(posted, "Yes")
    presses = [
        u["callback_query"]["from"]["id"] for u in api.pending_updates if "callback_query" in u
    ]
    assert presses == [bob.id]


async def test_a_press_can_be_answered_only_within_the_window() -> None:
    assert LocalBotApi().answer_window == 15.0
    strict = LocalBotApi(token=TOKEN, flood=FloodLimits.off(), answer_window=0.3)
    async with strict as api, httpx.AsyncClient(base_url=f"http://127.0.0.1:{api.port}") as local:
        alice = api.user("Alice")
        await alice.send("/start")
        keyboard = _kb([{"text": "Yes", "callback_data": "y"}])
        msg = await ok(local, "sendMessage", chat_id=alice.id, text="Pick", reply_markup=keyboard)
        prompt = await alice.press(msg, "Yes")
        late = await alice.press(msg, "Yes")
        await ok(local, "answerCallbackQuery", callback_query_id=prompt, text="Saved")
        await asyncio.sleep(0.4)
        assert await err(local, "answerCallbackQuery", callback_query_id=late, text="Saved") == (
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
        assert alice.toasts == ["Saved"]


# ---------------------------------------------------------------- python-telegram-bot
async def test_python_telegram_bot_encoding(api: LocalBotApi) -> None:
    alice = api.user("Alice", username="alice")
    await alice.send("/start")
    async with telegram.Bot(TOKEN, base_url=api.base_url) as bot:
        assert bot.username == "seminar_demo_bot"
        updates = await bot.get_updates(timeout=0)
        assert updates[0].message is not None
        assert updates[0].message.text == "/start"
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Ja", callback_data="yes"),
                    InlineKeyboardButton("Nei", callback_data="no"),
                ]
            ]
        )
        sent = await bot.send_message(
            alice.id, "<b>Velkommen</b> &amp; hei", parse_mode="HTML", reply_markup=markup
        )
        assert sent.text == "Velkommen & hei"
        assert sent.entities[0].type == "bold"
        bm: BotMessage = await alice.next_message(timeout=1)
        assert bm.button_labels() == ["Ja", "Nei"]
        qid = await alice.press(bm, "Nei")
        await bot.answer_callback_query(qid, text="Ok")
        assert alice.toasts == ["Ok"]
        photo = await bot.send_photo(
            alice.id,
            photo=b"\x89PNG fake",
            caption="<i>pic</i>",
            parse_mode="HTML",
            filename="p.png",
        )
        assert photo.caption == "pic"
        doc = await bot.send_document(alice.id, document=b"report", filename="report.txt")
        assert doc.document is not None
        assert doc.document.file_name == "report.txt"
        pic = await alice.next_message(timeout=1)
        assert (pic.kind, pic.file_bytes, pic.text) == ("photo", b"\x89PNG fake", "pic")
        got = await alice.next_message(timeout=1)
        assert (got.kind, got.file_bytes, got.file_name) == ("document", b"report", "report.txt")
        edited = await bot.edit_message_text("Takk", chat_id=alice.id, message_id=sent.message_id)
        assert isinstance(edited, telegram.Message)
        with pytest.raises(telegram.error.BadRequest, match="not modified"):
            await bot.edit_message_text("Takk", chat_id=alice.id, message_id=sent.message_id)
        g = api.group("Room", members=[alice], admins=[alice])
        member = await bot.get_chat_member(g.id, alice.id)
        assert member.status == "administrator"
        await bot.set_my_commands([("start", "Start")])
        assert [c.command for c in await bot.get_my_commands()] == ["start"]
        alice.block()
        with pytest.raises(telegram.error.Forbidden):
            await bot.send_message(alice.id, "x")
        api.fail_next("sendMessage", status=500)
        alice.unblock()
        with pytest.raises(telegram.error.TelegramError):
            await bot.send_message(alice.id, "x")


async def test_python_telegram_bot_application_polling() -> None:
    """End to end: a PTB Application long-polls the double while simulated users act."""
    api = LocalBotApi(token=TOKEN, flood=FloodLimits())
    url = await api.start()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            "<b>Welcome</b>",
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Save", callback_data="s")]]),
        )

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Saved!")
        await query.edit_message_text("saved")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo {update.effective_message.text}")

    app = Application.builder().token(TOKEN).base_url(url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    try:
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(timeout=2)
            alice = api.user("Alice", language_code="nb")
            await alice.send("/start")
            welcome = await alice.wait_for(lambda m: m.text == "Welcome", timeout=5)
            assert welcome.entities == [{"type": "bold", "offset": 0, "length": 7}]
            await alice.press(welcome, "Save")
            edited = await alice.wait_for(lambda m: m.text == "saved", timeout=5)
            assert edited is welcome
            assert welcome.buttons == []
            assert alice.toasts == ["Saved!"]
            group = api.group("Room", members=[alice])
            await group.send(alice, "/start@seminar_demo_bot")
            assert (await group.next_message(timeout=5)).text == "Welcome"
            await alice.send("ping")
            assert (await alice.next_message(timeout=5)).text == "echo ping"
            await api.wait_idle(quiet=0.2, timeout=5)
            assert api.pending_updates == []
            await app.updater.stop()
            await app.stop()
    finally:
        await api.stop()


async def test_wait_for_matches_events_as_they_were(
    api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice = api.user("Alice")
    await alice.send("/start")
    msg = await ok(client, "sendMessage", chat_id=alice.id, text="Working…")
    await ok(client, "editMessageText", chat_id=alice.id, message_id=msg["message_id"], text="Done")
    first = await alice.next_message(timeout=1)
    assert first.text == "Done"  # the live message ...
    assert first.edited == 1
    done = await alice.wait_for(lambda m: m.text == "Done", timeout=1)  # ... the edit event
    assert done is first
    with pytest.raises(TimeoutError):
        await alice.wait_for(lambda m: m.text == "Done", timeout=0.1)
