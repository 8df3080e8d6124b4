"""Settings from config.toml and secrets from the environment, read once at start-up."""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import LANGUAGES

__all__ = [
    "MIN_SECRET_LENGTH",
    "SMTP_PASSWORD",
    "ConfigError",
    "EmailSettings",
    "FollowUpSettings",
    "Secrets",
    "Settings",
    "load_new_secret",
    "load_secrets",
    "load_settings",
    "new_secret",
]

# SEMINAR_SECRET keys every pseudonym: a short one could be guessed, and with it every note
# linked to its writer's Telegram id.
MIN_SECRET_LENGTH = 32


# The SMTP server's password, from the environment only (or the file SEMINARBOT_SMTP_PASSWORD_FILE
# names), never from config.toml.
SMTP_PASSWORD = "SEMINARBOT_SMTP_PASSWORD"


class ConfigError(Exception):
    """A setting or secret is missing or wrong; the message names the key."""


@dataclass(frozen=True, slots=True)
class EmailSettings:
    """The [email] table: the SMTP server the report is sent to office addresses through."""

    host: str
    port: int
    security: str  # "starttls", "tls" (implicit TLS, usually port 465) or "none"
    sender: str  # the From address
    username: str = ""
    timeout: float = 30.0
    # Set from the environment at start (`app.build_application`); never printed.
    password: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class FollowUpSettings:
    """The [followup] table: the office's follow-up page. Off while `public_url` is empty:
    the bot then serves no page and makes no links (the office's chat still works)."""

    public_url: str = ""  # the https:// base address the office opens, behind a proxy
    page_listen: str = "127.0.0.1"
    page_port: int = 8090
    link_days: int = 30
    remind_days: int = 7  # the office is reminded this many days before a due date

    @property
    def on(self) -> bool:
        return bool(self.public_url)


@dataclass(frozen=True, slots=True)
class Settings:
    api_base_url: str
    mode: str
    database: Path
    default_language: str
    fallback_language: str
    timezone: str
    note_max_length: int
    group_size: int
    dot_budget: int
    dot_max_per_theme: int
    retention_days: int
    log_level: str
    notes_per_question: int = 30
    theme_proposals: int = 10
    readback_max_length: int = 1000
    clock_file: Path | None = None
    send_rate: float = 30.0
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    email: EmailSettings | None = None  # None: no [email] table, so no e-mail is sent
    followup: FollowUpSettings = field(default_factory=FollowUpSettings)


@dataclass(frozen=True, slots=True)
class Secrets:
    bot_token: str
    seminar_secret: bytes
    smtp_password: str = ""

    def __repr__(self) -> str:
        return "Secrets(<hidden>)"


def _get(
    table: dict[str, Any], section: str, key: str, kind: type | tuple[type, ...], default: Any
) -> Any:
    sect = table.get(section, {})
    if not isinstance(sect, dict):
        raise ConfigError(f"[{section}] must be a table")
    value = sect.get(key, default)
    if kind is int and isinstance(value, bool):
        raise ConfigError(f"{section}.{key} must be a whole number")
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ConfigError(f"{section}.{key} must be a {names}, not {value!r}")
    return value


def load_settings(path: Path) -> Settings:
    """Reads config.toml; every problem is reported with the key that causes it."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc

    base_url = _get(raw, "telegram", "api_base_url", str, "https://api.telegram.org").rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError("telegram.api_base_url must start with http:// or https://")
    mode = _get(raw, "telegram", "mode", str, "polling")
    if mode not in ("polling", "webhook"):
        raise ConfigError('telegram.mode must be "polling" or "webhook"')
    webhook_url = _get(raw, "telegram", "webhook_url", str, "")
    if mode == "webhook" and not webhook_url.startswith("https://"):
        raise ConfigError(
            "telegram.webhook_url must be the public https:// address in webhook mode"
        )
    webhook_listen = _get(raw, "telegram", "webhook_listen", str, "127.0.0.1")
    webhook_port = _get(raw, "telegram", "webhook_port", int, 8080)
    if not 0 <= webhook_port <= 65535:
        raise ConfigError("telegram.webhook_port must be a port number")
    database = Path(_get(raw, "storage", "database", str, "data/seminar.sqlite3"))
    if not database.is_absolute():
        database = path.parent / database
    default_language = _get(raw, "seminar", "default_language", str, "nb")
    fallback_language = _get(raw, "seminar", "fallback_language", str, "en")
    for key, lang in (
        ("default_language", default_language),
        ("fallback_language", fallback_language),
    ):
        if lang not in LANGUAGES:
            raise ConfigError(f"seminar.{key} must be one of {', '.join(LANGUAGES)}")
    timezone = _get(raw, "seminar", "timezone", str, "Europe/Oslo")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"seminar.timezone: unknown time zone {timezone!r}") from exc
    note_max_length = _get(raw, "seminar", "note_max_length", int, 280)
    if not 20 <= note_max_length <= 3000:
        raise ConfigError("seminar.note_max_length must be between 20 and 3000")
    group_size = _get(raw, "seminar", "group_size", int, 5)
    if group_size < 3:
        raise ConfigError("seminar.group_size must be at least 3")
    dot_budget = _get(raw, "seminar", "dot_budget", int, 5)
    dot_max_per_theme = _get(raw, "seminar", "dot_max_per_theme", int, 3)
    if not 1 <= dot_max_per_theme <= dot_budget <= 20:
        raise ConfigError(
            "seminar.dot_budget and seminar.dot_max_per_theme must satisfy "
            "1 <= dot_max_per_theme <= dot_budget <= 20"
        )
    retention_days = _get(raw, "seminar", "retention_days", int, 180)
    if retention_days < 1:
        raise ConfigError("seminar.retention_days must be at least 1")
    notes_per_question = _get(raw, "seminar", "notes_per_question", int, 30)
    theme_proposals = _get(raw, "seminar", "theme_proposals", int, 10)
    readback_max_length = _get(raw, "seminar", "readback_max_length", int, 1000)
    for key, value, lowest in (
        ("notes_per_question", notes_per_question, 1),
        ("theme_proposals", theme_proposals, 1),
        ("readback_max_length", readback_max_length, 20),
    ):
        if not lowest <= value <= 10_000:
            raise ConfigError(f"seminar.{key} must be between {lowest} and 10000")
    clock = _get(raw, "testing", "clock_file", str, "")
    clock_file = (path.parent / clock) if clock else None
    send_rate = _get(raw, "telegram", "messages_per_second", (int, float), 30)
    if not 1 <= send_rate <= 1000:
        raise ConfigError("telegram.messages_per_second must be between 1 and 1000")
    log_level = _get(raw, "logging", "level", str, "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("logging.level must be DEBUG, INFO, WARNING or ERROR")
    return Settings(
        api_base_url=base_url,
        mode=mode,
        database=database,
        default_language=default_language,
        fallback_language=fallback_language,
        timezone=timezone,
        note_max_length=note_max_length,
        group_size=group_size,
        dot_budget=dot_budget,
        dot_max_per_theme=dot_max_per_theme,
        retention_days=retention_days,
        log_level=log_level,
        notes_per_question=notes_per_question,
        theme_proposals=theme_proposals,
        readback_max_length=readback_max_length,
        clock_file=clock_file,
        send_rate=float(send_rate),
        webhook_url=webhook_url,
        webhook_listen=webhook_listen,
        webhook_port=webhook_port,
        email=_email(raw),
        followup=_followup(raw),
    )


def _followup(raw: dict[str, Any]) -> FollowUpSettings:
    """The [followup] table; without it (or without `public_url`) the page is off."""
    public_url = _get(raw, "followup", "public_url", str, "").strip().rstrip("/")
    # The link carries its secret: over plain http only to this machine (trying it out).
    local = public_url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
    if public_url and not (public_url.startswith("https://") or local):
        raise ConfigError("followup.public_url must be the page's public https:// address")
    listen = _get(raw, "followup", "page_listen", str, "127.0.0.1")
    port = _get(raw, "followup", "page_port", int, 8090)
    if not 0 <= port <= 65535:
        raise ConfigError("followup.page_port must be a port number")
    link_days = _get(raw, "followup", "link_days", int, 30)
    if not 1 <= link_days <= 365:
        raise ConfigError("followup.link_days must be between 1 and 365")
    remind_days = _get(raw, "followup", "remind_days", int, 7)
    if not 0 <= remind_days <= 365:
        raise ConfigError("followup.remind_days must be between 0 and 365")
    return FollowUpSettings(public_url, listen, port, link_days, remind_days)


_SECURITY_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def _email(raw: dict[str, Any]) -> EmailSettings | None:
    """The [email] table, or None without one (or without a host): e-mail is then off."""
    if "email" not in raw:
        return None
    if isinstance(raw["email"], dict) and "password" in raw["email"]:
        raise ConfigError(
            f"email.password does not belong in the config file: set {SMTP_PASSWORD} "
            f"(or {SMTP_PASSWORD}_FILE) in the environment"
        )
    host = _get(raw, "email", "host", str, "").strip()
    if not host:
        return None
    security = _get(raw, "email", "security", str, "starttls").lower()
    if security not in _SECURITY_PORTS:
        raise ConfigError('email.security must be "starttls", "tls" or "none"')
    port = _get(raw, "email", "port", int, _SECURITY_PORTS[security])
    if not 1 <= port <= 65535:
        raise ConfigError("email.port must be a port number")
    sender = _get(raw, "email", "sender", str, "").strip()
    if "@" not in sender or any(c.isspace() for c in sender):
        raise ConfigError("email.sender must be the address the report is sent from")
    timeout = _get(raw, "email", "timeout", (int, float), 30)
    if not 1 <= timeout <= 600:
        raise ConfigError("email.timeout must be between 1 and 600 seconds")
    username = _get(raw, "email", "username", str, "")
    return EmailSettings(host, port, security, sender, username, float(timeout))


def _secret(name: str, env: dict[str, str]) -> str:
    value = env.get(name)
    file_name = env.get(f"{name}_FILE")
    if not value and file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {file_name}: {exc.strerror}") from exc
    if not value:
        raise ConfigError(
            f"{name} is not set: put it in the environment or name a file in {name}_FILE"
        )
    return value


def load_secrets(env: dict[str, str] | None = None, *, need_token: bool = True) -> Secrets:
    """Reads BOT_TOKEN, SEMINAR_SECRET and, if set, SEMINARBOT_SMTP_PASSWORD; none is ever
    printed."""
    env = dict(os.environ) if env is None else env
    token = _secret("BOT_TOKEN", env) if need_token else "0:unused"
    if ":" not in token:
        raise ConfigError("BOT_TOKEN does not look like a token from BotFather (123456:ABC...)")
    password = _secret(SMTP_PASSWORD, env) if _given(SMTP_PASSWORD, env) else ""
    return Secrets(
        bot_token=token,
        seminar_secret=_strong_secret("SEMINAR_SECRET", env),
        smtp_password=password,
    )


def _given(name: str, env: dict[str, str]) -> bool:
    return bool(env.get(name) or env.get(f"{name}_FILE"))


def load_new_secret(env: dict[str, str] | None = None) -> bytes:
    """The secret `python -m bot rekey` changes to: NEW_SEMINAR_SECRET, from the environment or
    the file NEW_SEMINAR_SECRET_FILE names, never from the command line (which `ps` shows)."""
    return _strong_secret("NEW_SEMINAR_SECRET", dict(os.environ) if env is None else env)


def _strong_secret(name: str, env: dict[str, str]) -> bytes:
    secret = _secret(name, env)
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"{name} is too short: it must be at least {MIN_SECRET_LENGTH} characters "
            "long. Make a strong one with `python -m bot secret`"
        )
    return secret.encode("utf-8")


def new_secret() -> str:
    """A strong SEMINAR_SECRET: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)
