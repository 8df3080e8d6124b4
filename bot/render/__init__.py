"""Pure rendering, one module per feature: domain outcomes and a Translator in, HTML text and
abstract buttons (``screens.Screen``) out, every user-facing string in English msgids for gettext.
"""
