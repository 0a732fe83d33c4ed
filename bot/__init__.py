"""The Telegram bot: a thin channel over `outcomes` (DESIGN.md). `app.build_application()` wires
the handlers; every word the bot says is in `texts.py`."""
