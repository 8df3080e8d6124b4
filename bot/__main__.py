"""Command line: `python -m bot [--config PATH] [run|demo|report|backup|rekey|secret]`."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
from pathlib import Path

from bot.config import ConfigError, load_new_secret, load_secrets, load_settings, new_secret
from bot.logs import configure_logging
from bot.running import DatabaseBusy
from bot.store import SecretMismatch

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="path to config.toml")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    demo = sub.add_parser("demo", help="run a whole seminar against a local Bot API server")
    demo.add_argument("--quiet", action="store_true", help="print only the result")
    report = sub.add_parser("report", help="write a seminar's report (HTML, CSV, JSON, PNG)")
    report.add_argument("seminar", type=int, help="the seminar's number (see /seminars)")
    report.add_argument("--out", type=Path, default=Path("report"), help="folder to write to")
    report.add_argument("--database", type=Path, help="another database than config.toml's")
    backup = sub.add_parser("backup", help="make a consistent copy of the live database")
    backup.add_argument("path", type=Path, help="where to write the copy")
    sub.add_parser(
        "rekey",
        help="change SEMINAR_SECRET to NEW_SEMINAR_SECRET (or NEW_SEMINAR_SECRET_FILE's)"
        " while the bot is stopped",
    )
    sub.add_parser("secret", help="print a new strong SEMINAR_SECRET")
    args = parser.parse_args(argv)

    # The database, its write-ahead log, backups and reports hold notes: owner only.
    os.umask(0o077)
    if args.command == "secret":
        print(new_secret())
        return 0
    try:
        settings = load_settings(args.config)
        if args.command == "demo":
            from bot.demo import run_demo

            return asyncio.run(run_demo(settings, quiet=args.quiet))
        if args.command == "backup":
            from bot.tools import backup_database, owner_only

            owner_only(settings.database)
            backup_database(settings.database, args.path)
            print(f"copied {settings.database} to {args.path}")
            return 0
        if args.command == "rekey":
            from bot.tools import owner_only, rekey_database

            secrets = load_secrets(need_token=False)
            new = load_new_secret()
            if new == secrets.seminar_secret:
                raise ConfigError("NEW_SEMINAR_SECRET is the same as SEMINAR_SECRET")
            owner_only(settings.database)
            print(asyncio.run(rekey_database(settings, secrets.seminar_secret, new)))
            return 0
        if args.command == "report":
            from bot.tools import owner_only, write_report

            if args.database is not None:
                settings = dataclasses.replace(settings, database=args.database)
            secrets = load_secrets(need_token=False)
            owner_only(settings.database)
            written = asyncio.run(write_report(settings, secrets, args.seminar, args.out))
            for path in written:
                print(path)
            return 0
        secrets = load_secrets()
        configure_logging(settings.log_level, secrets.bot_token)
        from telegram.error import InvalidToken

        from bot.app import serve
        from bot.tools import owner_only

        owner_only(settings.database)
        try:
            asyncio.run(serve(settings, secrets))
        except InvalidToken:
            # Its message would name the token; say what to do instead.
            raise ConfigError(
                "Telegram rejected BOT_TOKEN: check it, or get the bot's current token from "
                "@BotFather (/token)"
            ) from None
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 4
    except (SecretMismatch, DatabaseBusy) as exc:
        print(f"refusing to start: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
