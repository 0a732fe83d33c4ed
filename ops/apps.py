from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Waymark: health and readiness, metrics, request ids, JSON logs, error reports."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import celery_signals, sentry

        celery_signals.connect()
        sentry.init_from_settings()
