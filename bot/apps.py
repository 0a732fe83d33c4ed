from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "bot"
    verbose_name = "Telegram bot"

    def ready(self) -> None:
        """Word the messages the bot starts through the outbox (outcomes/services/
        telegram_prompts.py), in every process with this app: the worker writes and sends them,
        this bot answers their buttons."""
        from outcomes.services.care_leavers import CHECK_IN_EVENT_KIND
        from outcomes.services.telegram_prompts import TelegramPrompt, telegram_prompt_register

        from . import keyboards, texts

        telegram_prompt_register(event_kind=CHECK_IN_EVENT_KIND, prompt=TelegramPrompt(
            text=texts.checkin_prompt, buttons=keyboards.checkin_activity_rows))
