"""Telegram's HTML formatting: parse ``parse_mode=HTML`` text into plain text + entities.

Mirrors the server's strictness (unsupported tags, unknown named entities and
unbalanced tags are errors) so formatting mistakes fail in tests, not in production.
Offsets and lengths are in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:.-]*")
_ENTITY = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]*);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_SUPPORTED = {*_SIMPLE, "span", "a", "blockquote", "tg-emoji"}


class EntityParseError(ValueError):
    """Raised with Telegram's wording (without the ``Bad Request: can't parse entities:``)."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: astral characters such as most emoji count twice."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    type: str | None
    start: int
    extra: dict[str, Any] = field(default_factory=dict)


def _byte_offset(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


def _decode_entity(src: str, i: int) -> tuple[str, int]:
    """Decode the ``&...;`` at ``i``; a bare ``&`` stays literal like on Telegram."""
    m = _ENTITY.match(src, i)
    if m is None:
        return "&", i + 1
    body = m.group(1)
    if body.startswith(("#x", "#X")):
        code = int(body[2:], 16)
    elif body.startswith("#"):
        code = int(body[1:])
    elif body in _NAMED:
        return _NAMED[body], m.end()
    else:
        raise EntityParseError(
            f'Unsupported HTML entity "&{body};" at byte offset {_byte_offset(src, i)}'
        )
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise EntityParseError(f"Invalid character reference at byte offset {_byte_offset(src, i)}")
    return chr(code), m.end()


def _unescape(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            ch, i = _decode_entity(value, i)
            out.append(ch)
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _parse_attrs(src: str, i: int, tag_at: int) -> tuple[dict[str, str], int]:
    """Parse attributes from ``i`` up to and including ``>``; returns (attrs, next index)."""
    attrs: dict[str, str] = {}
    n = len(src)
    while True:
        while i < n and src[i] in " \t\r\n":
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(src, tag_at)}")
        if src[i] == ">":
            return attrs, i + 1
        if src[i] == "/" and i + 1 < n and src[i + 1] == ">":
            raise EntityParseError(
                f"Unsupported self-closing tag at byte offset {_byte_offset(src, tag_at)}"
            )
        m = _ATTR_NAME.match(src, i)
        if m is None:
            raise EntityParseError(
                f"Expected equal sign in declaration of an attribute of the tag at byte offset "
                f"{_byte_offset(src, tag_at)}"
            )
        name = m.group(0).lower()
        i = m.end()
        while i < n and src[i] in " \t\r\n":
            i += 1
        value = ""
        if i < n and src[i] == "=":
            i += 1
            while i < n and src[i] in " \t\r\n":
                i += 1
            if i < n and src[i] in "\"'":
                quote = src[i]
                end = src.find(quote, i + 1)
                if end < 0:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(src, tag_at)}"
                    )
                value = _unescape(src[i + 1 : end])
                i = end + 1
            else:
                j = i
                while j < n and src[j] not in " \t\r\n>":
                    j += 1
                value = _unescape(src[i:j])
                i = j
        attrs[name] = value


def parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(plain_text, entities)`` for Telegram-HTML ``src``.

    Raises :class:`EntityParseError` with Telegram-like wording on malformed input.
    """
    out: list[str] = []
    pos = 0  # UTF-16 offset of the end of ``out``
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c == "&":
            ch, i = _decode_entity(src, i)
            out.append(ch)
            pos += utf16_len(ch)
            continue
        if c != "<":
            out.append(c)
            pos += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        tag_at = i
        if i + 1 < n and src[i + 1] == "/":
            end = src.find(">", i)
            if end < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(src, i)}")
            name = src[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(src, i)}")
            top = stack[-1]
            if name != top.tag:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(src, i)}, expected "
                    f'"</{top.tag}>", found "</{name}>"'
                )
            stack.pop()
            if top.type is not None and pos > top.start:
                ent: dict[str, Any] = {
                    "type": top.type,
                    "offset": top.start,
                    "length": pos - top.start,
                }
                ent.update(top.extra)
                entities.append(ent)
            i = end + 1
            continue
        m = _TAG_NAME.match(src, i + 1)
        name = m.group(0).lower() if m else ""
        if name not in _SUPPORTED:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, tag_at)}'
            )
        assert m is not None
        attrs, i = _parse_attrs(src, m.end(), tag_at)
        opened = _Open(name, _SIMPLE.get(name), pos)
        if name == "span":
            if attrs.get("class") != "tg-spoiler":
                raise EntityParseError('Tag "span" must have class "tg-spoiler"')
            opened.type = "spoiler"
        elif name == "a":
            href = attrs.get("href", "")
            if href:
                opened.type = "text_link"
                opened.extra["url"] = href
        elif name == "blockquote":
            opened.type = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        elif name == "tg-emoji":
            emoji_id = attrs.get("emoji-id", "")
            if not emoji_id:
                raise EntityParseError('Tag "tg-emoji" must have attribute "emoji-id"')
            opened.type = "custom_emoji"
            opened.extra["custom_emoji_id"] = emoji_id
        elif name == "code" and stack and stack[-1].tag == "pre":
            lang = attrs.get("class", "")
            if lang.startswith("language-") and len(lang) > len("language-"):
                stack[-1].extra["language"] = lang[len("language-") :]
                opened.type = None
        stack.append(opened)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
