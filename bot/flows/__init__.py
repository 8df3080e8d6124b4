"""The seminar's rules as plain async functions that know nothing of Telegram."""
