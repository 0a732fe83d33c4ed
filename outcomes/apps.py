from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Waymark records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A django-axes lockout (web or API) becomes a security event an administrator sees.
        from axes.signals import user_locked_out


        user_locked_out.connect(_lockout_recorded, dispatch_uid="waymark-lockout")


def _lockout_recorded(sender, request, username=None, ip_address=None, **kwargs) -> None:
    from outcomes.services.security import lockout_record

    lockout_record(request=request, username=username or "", ip_address=ip_address)
