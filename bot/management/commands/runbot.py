"""`python manage.py runbot`: the bot, by long polling (one process; no inbound HTTPS needed).

`--webhook URL` tells Telegram to send updates to URL instead, with the secret token from
TELEGRAM_WEBHOOK_SECRET, and exits; with `--listen HOST:PORT` as well, this process then is the
bot: it runs the Application and serves the receiver (bot/webhook.py: /telegram/webhook/, the
secret token checked on every request, nothing else on that port) on HOST:PORT, for the HTTPS
reverse proxy in front of it to forward URL to. Polling removes any webhook first.
"""

from __future__ import annotations

import asyncio
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from telegram import Bot
from telegram.error import NetworkError

from bot.app import ALLOWED_UPDATES, build_application
from bot.webhook import WebhookReceiver

WAIT_FOR_API_SECONDS = 30


class Command(BaseCommand):
    help = "Run the Telegram bot by long polling, or set its webhook with --webhook URL."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--webhook", metavar="URL",
                            help="Set the webhook to this https:// URL (with the secret token "
                                 "TELEGRAM_WEBHOOK_SECRET) and exit, unless --listen is given.")
        parser.add_argument("--listen", metavar="HOST:PORT",
                            help="With --webhook: then serve the receiver of /telegram/webhook/ "
                                 "on HOST:PORT (behind the HTTPS proxy that URL reaches).")

    def handle(self, *args, webhook: str | None = None, listen: str | None = None,
               **options) -> None:
        token = settings.TELEGRAM_BOT_TOKEN
        if not token:
            raise CommandError(
                "TELEGRAM_BOT_TOKEN is not set. Set it to the token @BotFather gave you, and "
                "TELEGRAM_API_BASE_URL if the bot talks to a server other than Telegram's.")
        if not settings.OUT_OF_HOURS_PHONE:
            self.stderr.write("WAYMARK_OUT_OF_HOURS_PHONE is not set: /help will tell young "
                              "people to ask their adviser for the out-of-hours number.")
        application = build_application(token=token, base_url=settings.TELEGRAM_API_BASE_URL)
        if listen and not webhook:
            raise CommandError("--listen serves the webhook: give --webhook URL too.")
        if webhook:
            address = _address(listen) if listen else None
            self._set_webhook(application, webhook)
            if address is None:
                self.stdout.write(
                    f"Webhook set to {webhook}. Serve it with `manage.py runbot "
                    f"--webhook {webhook} --listen 127.0.0.1:8443` behind the HTTPS proxy, which "
                    "forwards it to /telegram/webhook/ on that port.")
                return
            self._serve(application, *address)
            return
        self._wait_for_bot_api(token)
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

    def _wait_for_bot_api(self, token: str) -> None:
        """The Bot API server may not listen yet (`make run` starts the local one alongside):
        ask getMe for a while before giving up. A wrong token fails at once."""
        base_url = settings.TELEGRAM_API_BASE_URL
        deadline = time.monotonic() + WAIT_FOR_API_SECONDS

        async def get_me() -> None:
            async with Bot(token, base_url=base_url) as bot:
                await bot.get_me()

        while True:
            try:
                asyncio.run(get_me())
                return
            except NetworkError as error:
                if time.monotonic() > deadline:
                    raise CommandError(f"The Bot API server at {base_url} does not answer "
                                       f"({error}).") from None
                time.sleep(0.5)

    def _serve(self, application, host: str, port: int) -> None:
        self._wait_for_bot_api(application.bot.token)
        receiver = WebhookReceiver(application, host=host, port=port).start()
        self.stdout.write(f"The bot is receiving updates at http://{host}:{receiver.port}"
                          f"{receiver.path} (Ctrl-C stops it).")
        try:
            receiver.wait()
        finally:
            receiver.stop()


def _address(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError("--listen wants HOST:PORT, e.g. 127.0.0.1:8443.")
    return host, int(port)
