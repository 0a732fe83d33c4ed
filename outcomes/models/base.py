"""Shared choices used across the record models."""

from django.db import models


class Channel(models.TextChoices):
    """How something reached the record."""

    WEB = "web", "Staff pages"
    API = "api", "API"
    TELEGRAM = "telegram", "Telegram"
    ADMIN = "admin", "Admin"
    TASK = "task", "Background task"
    IMPORT = "import", "Import"
    MEETING = "meeting", "In person"
    COMMAND = "command", "Command line"
