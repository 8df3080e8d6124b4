"""The baseline for `make bench`: a bare python-telegram-bot echo bot with the library's defaults.

It answers a text with the same text and a button, and a button press with an answer and an
edit, so that it makes the same Bot API calls per update as the seminar bot, and nothing else.

    python -m bench.bare_bot --base-url http://127.0.0.1:PORT/bot  (token from BOT_TOKEN)
"""

from __future__ import annotations

import argparse
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("👍", callback_data="again")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text, reply_markup=BUTTON)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await query.edit_message_text(f"✓ {query.id[-6:]}", reply_markup=BUTTON)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    args = parser.parse_args()
    app = Application.builder().token(os.environ["BOT_TOKEN"]).base_url(args.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.run_polling()


if __name__ == "__main__":
    main()
