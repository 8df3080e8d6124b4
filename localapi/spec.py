"""The Bot API method table, loaded once from the bundled ``api.json``.

The double validates every request against the published schema so that a
parameter the real server would reject is rejected here too, loudly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Param:
    """One documented parameter of a method."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    """A documented method: canonical name plus its parameters by name."""

    name: str
    params: dict[str, Param]


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("localapi").joinpath("api.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def methods() -> dict[str, MethodSpec]:
    """All methods keyed by lower-cased name (Telegram matches names case-insensitively)."""
    out: dict[str, MethodSpec] = {}
    for name, m in _raw()["methods"].items():
        params = {
            f["name"]: Param(f["name"], tuple(f["types"]), bool(f["required"]))
            for f in m.get("fields", [])
        }
        out[name.lower()] = MethodSpec(name, params)
    return out


def api_version() -> str:
    """Version string of the bundled schema, e.g. ``Bot API 10.1``."""
    return str(_raw().get("version", "unknown"))
