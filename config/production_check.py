"""`python -m config.production_check [web|worker|beat|bot|all]`: is the environment ready for
production? Run by bin/waymark before each production process and by `make serve`.

It reads only the environment (and `<NAME>_FILE` files), without Django, so it can say what is
missing even where the settings themselves would refuse to load. One message names every
missing or unsafe setting; the exit status is 2 when there is one.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

EVERY_PROCESS = {
    "DJANGO_SECRET_KEY": "a long random secret, e.g. from "
                         "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`",
    "ALLOWED_HOSTS": "the service's host names, comma-separated",
    "CSRF_TRUSTED_ORIGINS": "the service's origin, e.g. https://waymark.example.gov.uk",
    "DATABASE_URL": "postgres://user:password@host:5432/waymark",
    "CELERY_BROKER_URL": "redis://host:6379/0",
    "CACHE_URL": "rediscache://host:6379/2 (shared by every process)",
    "EMAIL_URL": "smtp+tls://user:password@host:587 (reminders go by email)",
    # A safeguarding alert out of hours, with nobody allocated, or not acknowledged in time goes
    # to the duty team (issue 12): without it such an alert would reach nobody out of hours.
    "WAYMARK_DUTY_EMAIL": "the out-of-hours duty team's address, e.g. edt@council.example.gov.uk",
}
BOT = {"TELEGRAM_BOT_TOKEN": "the token @BotFather gave the bot"}
PROCESSES = ("web", "worker", "beat", "bot", "all")


def read(name: str, environ: dict[str, str]) -> str:
    """The variable, or the contents of the file named by <NAME>_FILE (as the settings read it)."""
    value = environ.get(name, "")
    if not value and environ.get(f"{name}_FILE"):
        try:
            with open(environ[f"{name}_FILE"], encoding="utf-8") as file:
                value = file.read().strip()
        except OSError:
            return ""
    return value.strip()


def problems(process: str, environ: dict[str, str]) -> list[str]:
    """Every missing or unsafe setting for `process`, one line each."""
    wanted = dict(EVERY_PROCESS)
    if process in {"bot", "all"}:
        wanted |= BOT
    found: list[str] = []
    values = {name: read(name, environ) for name in wanted}
    for name, example in wanted.items():
        if not values[name]:
            found.append(f"{name} is not set: {example}")
    if environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        found.append("DJANGO_DEBUG is on: production runs with DJANGO_DEBUG=false")
    secret = values["DJANGO_SECRET_KEY"]
    if secret and (len(secret) < 50 or secret.startswith("django-insecure")):
        found.append("DJANGO_SECRET_KEY is too short or a development key: use 50 or more "
                     "random characters")
    schemes = {"DATABASE_URL": ({"postgres", "postgresql", "pgsql", "postgis"}, "PostgreSQL"),
               "CELERY_BROKER_URL": ({"redis", "rediss"}, "Redis"),
               "CACHE_URL": ({"rediscache", "redis", "rediss"}, "Redis"),
               "EMAIL_URL": ({"smtp", "smtps", "smtp+tls", "smtp+ssl"}, "an SMTP server")}
    for name, (allowed, what) in schemes.items():
        if values[name] and urlsplit(values[name]).scheme not in allowed:
            found.append(f"{name} must point at {what} in production")
    return found


def main(argv: list[str]) -> int:
    process = argv[0] if argv else "all"
    if process not in PROCESSES:
        print(f"usage: python -m config.production_check [{'|'.join(PROCESSES)}]",
              file=sys.stderr)
        return 64
    found = problems(process, dict(os.environ))
    if not found:
        return 0
    print("Waymark will not start in production: these settings are missing or unsafe "
          "(set them in the environment or in .env; any can be read from <NAME>_FILE):",
          file=sys.stderr)
    for line in found:
        print(f"  - {line}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
