from django.apps import AppConfig


class WebConfig(AppConfig):
    """Staff pages: GOV.UK Frontend, rendered on the server, working without JavaScript."""

    name = "web"
    verbose_name = "Staff pages"
