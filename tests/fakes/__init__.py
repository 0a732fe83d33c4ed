"""Stand-ins for outside services that tests, demos and benchmarks run against.

`tests.fakes.botapi` is a local Telegram Bot API server (`FakeBotAPI`); `tests.fakes.fixtures`
holds its pytest fixture. Nothing is imported here, so `python -m tests.fakes.botapi` runs cleanly.
"""
