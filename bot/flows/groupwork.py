"""Temporary: re-exports for bot/render.py until it imports the feature modules."""

from __future__ import annotations

from bot.flows.groups import NoteShortened, VoteCard
from bot.flows.plenary import DotCard, GroupResult
from bot.flows.themes import SettleCard

__all__ = ["DotCard", "GroupResult", "NoteShortened", "SettleCard", "VoteCard"]
