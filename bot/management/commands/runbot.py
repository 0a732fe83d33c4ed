"""`python manage.py runbot`: the bot, by long polling (one process; no inbound HTTPS needed).

`--webhook URL` tells Telegram to send updates to URL instead, with the secret token from
TELEGRAM_WEBHOOK_SECRET, and exits. The HTTP receiver for those updates is not built yet: until
it is, run the bot by polling (which removes any webhook first).
"""

from __future__ import annotations

import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bot.app import ALLOWED_UPDATES, build_application


class Command(BaseCommand):
    help = "Run the Telegram bot by long polling, or set its webhook with --webhook URL."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--webhook", metavar="URL",
                            help="Set the webhook to this https:// URL (with the secret token "
                                 "TELEGRAM_WEBHOOK_SECRET) and exit.")

    def handle(self, *args, webhook: str | None = None, **options) -> None:
        token = settings.TELEGRAM_BOT_TOKEN
        if not token:
            raise CommandError(
                "TELEGRAM_BOT_TOKEN is not set. Set it to the token @BotFather gave you, and "
                "TELEGRAM_API_BASE_URL if the bot talks to a server other than Telegram's.")
        if not settings.OUT_OF_HOURS_PHONE:
            self.stderr.write("WAYMARK_OUT_OF_HOURS_PHONE is not set: /help will tell young "
                              "people to ask their adviser for the out-of-hours number.")
        application = build_application(token=token, base_url=settings.TELEGRAM_API_BASE_URL)
        if webhook:
            self._set_webhook(application, webhook)
            return
        self.stdout.write("The bot is polling for updates (Ctrl-C stops it).")
        application.run_polling(allowed_updates=ALLOWED_UPDATES)

    def _set_webhook(self, application, url: str) -> None:
        if not url.startswith("https://"):
            raise CommandError("Telegram sends webhooks only to https:// addresses.")
        secret = settings.TELEGRAM_WEBHOOK_SECRET
        if not secret:
            raise CommandError("Set TELEGRAM_WEBHOOK_SECRET first: Telegram sends it with every "
                               "update, so the receiver can refuse anything else.")

        async def set_it() -> None:
            async with application:
                await application.bot.set_webhook(url, secret_token=secret,
                                                  allowed_updates=ALLOWED_UPDATES)

        asyncio.run(set_it())
        self.stdout.write(f"Webhook set to {url}. Note: the receiver that accepts these updates "
                          "is not built yet; run `manage.py runbot` without --webhook to poll.")
