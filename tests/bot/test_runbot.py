"""`manage.py runbot`: refuses to start without a token; `--webhook URL` sets the webhook with
the secret token, and only to an https:// address with a secret set."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def telegram(settings, bot_api):
    settings.TELEGRAM_BOT_TOKEN = bot_api.token
    settings.TELEGRAM_API_BASE_URL = bot_api.base_url
    settings.TELEGRAM_WEBHOOK_SECRET = "s3cret-token-for-the-webhook"
    return bot_api


def test_without_a_token_it_says_what_to_set(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(CommandError, match="TELEGRAM_BOT_TOKEN"):
        call_command("runbot")


def test_webhook_is_set_with_the_secret_token(telegram):
    call_command("runbot", webhook="https://waymark.example.gov.uk/telegram/")
    [call] = telegram.calls_to("setWebhook")
    assert call.params["url"] == "https://waymark.example.gov.uk/telegram/"
    assert call.params["secret_token"] == "s3cret-token-for-the-webhook"


def test_webhook_needs_https_and_a_secret(telegram, settings):
    with pytest.raises(CommandError, match="https"):
        call_command("runbot", webhook="http://waymark.example.gov.uk/telegram/")
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    with pytest.raises(CommandError, match="TELEGRAM_WEBHOOK_SECRET"):
        call_command("runbot", webhook="https://waymark.example.gov.uk/telegram/")
    assert telegram.calls_to("setWebhook") == []
