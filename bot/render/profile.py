"""What the bot says about itself in Telegram's profile: the description shown in the empty chat
before START (at most 512 characters), and the short one on its profile page (at most 120)."""

from __future__ import annotations

from bot.i18n import Translator

__all__ = ["DESCRIPTION_LIMIT", "SHORT_DESCRIPTION_LIMIT", "description", "short_description"]

DESCRIPTION_LIMIT = 512
SHORT_DESCRIPTION_LIMIT = 120


def description(t: Translator) -> str:
    """Plain text: Telegram shows it as it is."""
    # Participant: profile, description
    return t.gettext(
        "I run dialogue seminars in a chat. You answer a few questions with short notes. It is "
        "anonymous: nobody is shown who wrote what, not even the moderators. Then the notes are "
        "sorted into themes in groups, and everyone sees what came out of it.\n\n"
        "To take part, open the join link you got from the moderator."
    )


def short_description(t: Translator) -> str:
    # Participant: profile, short description
    return t.gettext("Dialogue seminars in a chat: short anonymous notes, sorted into themes.")
