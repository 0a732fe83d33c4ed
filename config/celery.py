"""The Celery app. Tasks triggered by a write are enqueued after commit (DjangoTask)."""

import os
import pkgutil

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("waymark", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _task_modules() -> list[str]:
    """Every module of the `tasks` package: one module per area, each holding its tasks."""
    import tasks

    return [f"tasks.{module.name}" for module in pkgutil.iter_modules(tasks.__path__)
            if module.name != "apps"]


app.autodiscover_tasks(_task_modules, related_name=None)
