"""Thin Telegram adapters: narrow the update, call a flow, render, send."""
