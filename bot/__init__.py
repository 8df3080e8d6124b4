"""The dialogue seminar bot."""
