"""The report's parts: what it says (content), and each format it is written in."""
