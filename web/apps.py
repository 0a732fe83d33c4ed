from django.apps import AppConfig


class WebConfig(AppConfig):
    """Staff pages: GOV.UK Frontend, rendered on the server, working without JavaScript."""

    name = "web"
    verbose_name = "Staff pages"

    def ready(self) -> None:
        # The idle clock starts at sign-in (any sign-in: this form, the admin's, a test's), so
        # the first page after it does not have to save the session again.
        from django.contrib.auth.signals import user_logged_in

        from config.middleware import session_clock_start

        user_logged_in.connect(session_clock_start, dispatch_uid="waymark-session-clock")
